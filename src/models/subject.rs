//! The principal an assignment is for, or who made a request.

use serde::{Deserialize, Serialize};

use super::{
    serde_util::null_as_default, ConnectedOrganizationId, ConnectedOrganizationState, DateTime,
    ObjectId, SubjectLifecycle, SubjectType,
};

/// `accessPackageSubject`: the target of an assignment or the requestor of
/// a request.
///
/// `id` is the id of the subject record, **not** the user's object id: match
/// users on [`object_id`](Self::object_id), which is `None` while the subject
/// is not (yet) in the tenant.
///
/// ```
/// use entra_access::models::Subject;
///
/// // Addressing a user who is not in the directory yet:
/// let s = Subject::by_email("user@contoso.com");
/// assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"email":"user@contoso.com"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Subject {
    /// Id of the subject record (not a directory object id). Absent in a
    /// create body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Directory object id of the user or service principal; `None` when the
    /// subject is not in the tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<ObjectId>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// User principal name, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
    /// On-premises security identifier (SID), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises_security_identifier: Option<String>,
    /// User or service principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_type: Option<SubjectType>,
    /// Whether entitlement management governs this subject's lifecycle
    /// (`subjectLifecycle`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_lifecycle: Option<SubjectLifecycle>,
    /// The connected organization an external subject belongs to (expanded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_organization: Option<ConnectedOrganization>,
}

impl Subject {
    /// A subject addressed only by e-mail: how a create request names a user
    /// who is not in the directory yet.
    pub fn by_email(email: impl Into<String>) -> Self {
        Self {
            email: Some(email.into()),
            ..Self::default()
        }
    }
}

/// `connectedOrganization`: an external organization whose users may request
/// access.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectedOrganization {
    /// Id of the connected organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ConnectedOrganizationId>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Identity sources (polymorphic `identitySource` values, kept raw).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub identity_sources: Vec<serde_json::Value>,
    /// Configured or proposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ConnectedOrganizationState>,
    /// When it was created.
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_date_time: Option<DateTime>,
    /// When it was last changed.
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub modified_date_time: Option<DateTime>,
}

impl ConnectedOrganization {
    /// A reference to a connected organization by id (for create bodies).
    pub fn with_id(id: impl Into<ConnectedOrganizationId>) -> Self {
        Self {
            id: Some(id.into()),
            ..Self::default()
        }
    }
}
