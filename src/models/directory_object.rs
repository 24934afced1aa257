//! Directory objects, as returned by `/groups/{id}/members`.

use serde::{Deserialize, Serialize};

use super::serde_util::{empty_id, is_empty_id};
use super::ObjectId;

/// A directory object (user, group, service principal, …).
///
/// Members the caller may not read come back with only `@odata.type` and
/// `id`; every other field is then `None`.
///
/// ```
/// use entra_access::models::{DirectoryObject, DirectoryObjectKind};
///
/// let m: DirectoryObject = serde_json::from_str(
///     r##"{"@odata.type":"#microsoft.graph.user","id":"u1","userPrincipalName":"a@contoso.com"}"##,
/// ).unwrap();
/// assert!(m.is_user());
/// assert_eq!(m.kind(), DirectoryObjectKind::User);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DirectoryObject {
    /// The object's type, such as `#microsoft.graph.user`.
    #[serde(
        rename = "@odata.type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_type: Option<String>,
    /// Directory object id.
    #[serde(default = "empty_id", skip_serializing_if = "is_empty_id")]
    pub id: ObjectId,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// User principal name (users only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<String>,
}

/// What kind of directory object a [`DirectoryObject`] is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DirectoryObjectKind {
    /// `#microsoft.graph.user`.
    User,
    /// `#microsoft.graph.group`.
    Group,
    /// `#microsoft.graph.servicePrincipal`.
    ServicePrincipal,
    /// `#microsoft.graph.device`.
    Device,
    /// `#microsoft.graph.orgContact`.
    OrgContact,
    /// Any other type, as sent (empty when Graph sent none).
    Other(String),
}

impl DirectoryObject {
    /// What kind of object this is, from `@odata.type`.
    pub fn kind(&self) -> DirectoryObjectKind {
        match self.odata_type.as_deref() {
            Some("#microsoft.graph.user") => DirectoryObjectKind::User,
            Some("#microsoft.graph.group") => DirectoryObjectKind::Group,
            Some("#microsoft.graph.servicePrincipal") => DirectoryObjectKind::ServicePrincipal,
            Some("#microsoft.graph.device") => DirectoryObjectKind::Device,
            Some("#microsoft.graph.orgContact") => DirectoryObjectKind::OrgContact,
            other => DirectoryObjectKind::Other(other.unwrap_or_default().to_owned()),
        }
    }

    /// Whether this is a user.
    pub fn is_user(&self) -> bool {
        self.kind() == DirectoryObjectKind::User
    }
}
