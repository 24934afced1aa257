//! Access package assignments.

use serde::{Deserialize, Serialize};

use super::serde_util::{empty_id, is_empty_id, null_as_default};
use super::{
    AccessPackage, AccessPackageId, AssignmentId, AssignmentPolicy, AssignmentPolicyId,
    AssignmentState, CustomExtensionCalloutInstance, DateTime, ObjectId, Schedule, Subject,
};

/// `accessPackageAssignment`: a principal's access through a package.
///
/// Also the `assignment` carrier of a create request: Graph expects the
/// undeclared `targetId`, `assignmentPolicyId` and `accessPackageId` there,
/// so those fields exist here and are only serialized when set. `id` is empty
/// (and not serialized) when Graph did not send one.
///
/// ```
/// use entra_access::models::Assignment;
///
/// let a: Assignment = serde_json::from_str(r#"{
///     "id": "a1", "state": "delivered", "status": "Delivered",
///     "target": {"id": "s1", "objectId": "u1"}
/// }"#).unwrap();
/// assert_eq!(a.target_object_id().unwrap(), "u1");
///
/// let body = Assignment::for_target("u1", "p1", "pkg1");
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     r#"{"targetId":"u1","assignmentPolicyId":"p1","accessPackageId":"pkg1"}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Assignment {
    /// Id of the assignment (empty in a create carrier that names none).
    #[serde(default = "empty_id", skip_serializing_if = "is_empty_id")]
    pub id: AssignmentId,
    /// Where the assignment stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<AssignmentState>,
    /// Free-text lifecycle detail (`Delivered`, `NearExpiry1DayNotificationTriggered`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// When it expired; `None` while active.
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub expired_date_time: Option<DateTime>,
    /// Start and end of the access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// Custom-extension calls made for this assignment.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub custom_extension_callout_instances: Vec<CustomExtensionCalloutInstance>,
    /// The package (only with `$expand=accessPackage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_package: Option<Box<AccessPackage>>,
    /// The policy (only with `$expand=assignmentPolicy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_policy: Option<Box<AssignmentPolicy>>,
    /// Who holds the access (only with `$expand=target`; in a create
    /// carrier, a subject by e-mail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Subject>,
    /// Create carrier only: the target's directory object id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<ObjectId>,
    /// Create carrier only: the policy to assign through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_policy_id: Option<AssignmentPolicyId>,
    /// Create carrier only: the package to assign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_package_id: Option<AccessPackageId>,
}

impl Default for Assignment {
    fn default() -> Self {
        Self {
            id: empty_id(),
            state: None,
            status: None,
            expired_date_time: None,
            schedule: None,
            custom_extension_callout_instances: Vec::new(),
            access_package: None,
            assignment_policy: None,
            target: None,
            target_id: None,
            assignment_policy_id: None,
            access_package_id: None,
        }
    }
}

impl Assignment {
    /// The target's directory object id, if the target was expanded and is
    /// in the tenant (falls back to the carrier's `targetId`).
    pub fn target_object_id(&self) -> Option<&ObjectId> {
        self.target
            .as_ref()
            .and_then(|t| t.object_id.as_ref())
            .or(self.target_id.as_ref())
    }

    /// The package id: from the expanded package or the carrier field.
    pub fn package_id(&self) -> Option<&AccessPackageId> {
        self.access_package
            .as_ref()
            .map(|p| &p.id)
            .filter(|id| !id.as_str().is_empty())
            .or(self.access_package_id.as_ref())
    }

    /// The policy id: from the expanded policy or the carrier field.
    pub fn policy_id(&self) -> Option<&AssignmentPolicyId> {
        self.assignment_policy
            .as_ref()
            .map(|p| &p.id)
            .filter(|id| !id.as_str().is_empty())
            .or(self.assignment_policy_id.as_ref())
    }

    /// Create carrier for an existing directory principal.
    pub fn for_target(
        target_id: impl Into<ObjectId>,
        policy_id: impl Into<AssignmentPolicyId>,
        package_id: impl Into<AccessPackageId>,
    ) -> Self {
        Self {
            target_id: Some(target_id.into()),
            assignment_policy_id: Some(policy_id.into()),
            access_package_id: Some(package_id.into()),
            ..Self::default()
        }
    }

    /// Create carrier for a subject not in the directory yet (addressed by
    /// e-mail in `target`).
    pub fn for_subject(
        target: Subject,
        policy_id: impl Into<AssignmentPolicyId>,
        package_id: impl Into<AccessPackageId>,
    ) -> Self {
        Self {
            target: Some(target),
            assignment_policy_id: Some(policy_id.into()),
            access_package_id: Some(package_id.into()),
            ..Self::default()
        }
    }

    /// Create carrier naming an existing assignment (update and remove).
    pub fn existing(id: impl Into<AssignmentId>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }
}
