//! Access packages.

use serde::{Deserialize, Serialize};

use super::serde_util::{empty_id, is_empty_id};
use super::{AccessPackageId, AssignmentPolicy, Catalog, DateTime};

/// `accessPackage`: a bundle of resources users can be assigned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccessPackage {
    /// Id of the access package.
    #[serde(default = "empty_id", skip_serializing_if = "is_empty_id")]
    pub id: AccessPackageId,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Hidden from requestors in My Access (a direct link still works).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_hidden: Option<bool>,
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
    /// The catalog (only with `$expand=catalog`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<Catalog>,
    /// The policies (only with `$expand=assignmentPolicies`; `None` when not
    /// expanded, `Some(vec![])` when expanded and empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_policies: Option<Vec<AssignmentPolicy>>,
}
