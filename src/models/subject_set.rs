//! `subjectSet`: a set of principals (who may request, who approves).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::serde_util::{odata_type, serialize_tagged};
use super::{ConnectedOrganizationId, ObjectId};

const SINGLE_USER: &str = "#microsoft.graph.singleUser";
const GROUP_MEMBERS: &str = "#microsoft.graph.groupMembers";
const CONNECTED_ORGANIZATION_MEMBERS: &str = "#microsoft.graph.connectedOrganizationMembers";
const REQUESTOR_MANAGER: &str = "#microsoft.graph.requestorManager";

/// A set of principals, told apart by `@odata.type`.
///
/// The common subtypes are typed; every other subtype (sponsors, attribute
/// rules, service principals, …) and any known subtype whose fields do not
/// parse is kept as raw JSON in [`Other`](Self::Other) and serialized back
/// unchanged. Known subtypes serialize with their `@odata.type`.
///
/// ```
/// use entra_access::models::SubjectSet;
///
/// let set: SubjectSet = serde_json::from_str(
///     r##"{"@odata.type":"#microsoft.graph.groupMembers","groupId":"g1","description":"Sales"}"##,
/// ).unwrap();
/// assert!(matches!(&set, SubjectSet::GroupMembers(g) if g.group_id.as_ref().unwrap() == "g1"));
/// let json = serde_json::to_value(&set).unwrap();
/// assert_eq!(json["@odata.type"], "#microsoft.graph.groupMembers");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SubjectSet {
    /// `#microsoft.graph.singleUser`: one user.
    SingleUser(SingleUser),
    /// `#microsoft.graph.groupMembers`: the members of a group.
    GroupMembers(GroupMembers),
    /// `#microsoft.graph.connectedOrganizationMembers`: the users of a
    /// connected organization.
    ConnectedOrganizationMembers(ConnectedOrganizationMembers),
    /// `#microsoft.graph.requestorManager`: the requestor's manager.
    RequestorManager(RequestorManager),
    /// Any other subtype, kept as Graph sent it.
    Other(serde_json::Value),
}

impl SubjectSet {
    /// The subtype's `@odata.type`, if known.
    pub fn odata_type(&self) -> Option<&str> {
        match self {
            Self::SingleUser(_) => Some(SINGLE_USER),
            Self::GroupMembers(_) => Some(GROUP_MEMBERS),
            Self::ConnectedOrganizationMembers(_) => Some(CONNECTED_ORGANIZATION_MEMBERS),
            Self::RequestorManager(_) => Some(REQUESTOR_MANAGER),
            Self::Other(raw) => odata_type(raw),
        }
    }

    /// One user, by directory object id.
    pub fn single_user(user_id: impl Into<ObjectId>) -> Self {
        Self::SingleUser(SingleUser {
            user_id: Some(user_id.into()),
            description: None,
        })
    }

    /// The members of a group, by directory object id.
    pub fn group_members(group_id: impl Into<ObjectId>) -> Self {
        Self::GroupMembers(GroupMembers {
            group_id: Some(group_id.into()),
            description: None,
        })
    }
}

/// The set as an administrator reads it: `user {id}`, `members of group
/// {id}`, `members of connected organization {id}`, `the requestor's
/// manager` (with `(level N)` above the direct manager), or for any other
/// subtype its `@odata.type`. A missing id reads `(unknown)`.
///
/// ```
/// use entra_access::models::SubjectSet;
///
/// assert_eq!(SubjectSet::single_user("u-1").to_string(), "user u-1");
/// assert_eq!(SubjectSet::group_members("g-1").to_string(), "members of group g-1");
/// let manager: SubjectSet = serde_json::from_str(
///     r##"{"@odata.type":"#microsoft.graph.requestorManager","managerLevel":2}"##,
/// ).unwrap();
/// assert_eq!(manager.to_string(), "the requestor's manager (level 2)");
/// ```
impl fmt::Display for SubjectSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn id(id: Option<&impl fmt::Display>) -> String {
            id.map_or_else(|| "(unknown)".to_owned(), ToString::to_string)
        }
        match self {
            Self::SingleUser(u) => write!(f, "user {}", id(u.user_id.as_ref())),
            Self::GroupMembers(g) => write!(f, "members of group {}", id(g.group_id.as_ref())),
            Self::ConnectedOrganizationMembers(o) => write!(
                f,
                "members of connected organization {}",
                id(o.connected_organization_id.as_ref())
            ),
            Self::RequestorManager(m) => match m.manager_level {
                Some(level) if level > 1 => write!(f, "the requestor's manager (level {level})"),
                _ => f.write_str("the requestor's manager"),
            },
            Self::Other(_) => {
                f.write_str(self.odata_type().unwrap_or("a subject set of unknown type"))
            }
        }
    }
}

/// `singleUser`: one user.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SingleUser {
    /// The user's directory object id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<ObjectId>,
    /// The user's display name (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `groupMembers`: the members of a group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupMembers {
    /// The group's directory object id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<ObjectId>,
    /// The group's display name (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `connectedOrganizationMembers`: the users of a connected organization.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectedOrganizationMembers {
    /// The connected organization's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_organization_id: Option<ConnectedOrganizationId>,
    /// The connected organization's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `requestorManager`: the requestor's manager.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RequestorManager {
    /// 1 for the direct manager, 2 for the manager's manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_level: Option<i32>,
}

impl Serialize for SubjectSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::SingleUser(v) => serialize_tagged(SINGLE_USER, v, serializer),
            Self::GroupMembers(v) => serialize_tagged(GROUP_MEMBERS, v, serializer),
            Self::ConnectedOrganizationMembers(v) => {
                serialize_tagged(CONNECTED_ORGANIZATION_MEMBERS, v, serializer)
            }
            Self::RequestorManager(v) => serialize_tagged(REQUESTOR_MANAGER, v, serializer),
            Self::Other(raw) => raw.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for SubjectSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(deserializer)?;
        let typed = match odata_type(&raw) {
            Some(SINGLE_USER) => serde_json::from_value(raw.clone())
                .map(Self::SingleUser)
                .ok(),
            Some(GROUP_MEMBERS) => serde_json::from_value(raw.clone())
                .map(Self::GroupMembers)
                .ok(),
            Some(CONNECTED_ORGANIZATION_MEMBERS) => serde_json::from_value(raw.clone())
                .map(Self::ConnectedOrganizationMembers)
                .ok(),
            Some(REQUESTOR_MANAGER) => serde_json::from_value(raw.clone())
                .map(Self::RequestorManager)
                .ok(),
            _ => None,
        };
        Ok(typed.unwrap_or(Self::Other(raw)))
    }
}
