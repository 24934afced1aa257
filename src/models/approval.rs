//! An approval of an assignment request (`accessPackageAssignmentApprovals`).

use serde::{Deserialize, Serialize};

use super::serde_util::null_as_default;
use super::{ApprovalDecisionStage, AssignmentRequestId};

/// `approval`: the decisions an assignment request waits for. Its id is the
/// id of the request it approves.
///
/// Graph lists approvals with their ids only; reading one
/// ([`Approvals::get`](crate::api::Approvals::get)) returns its stages too,
/// as does [`Approvals::stages`](crate::api::Approvals::stages).
///
/// ```
/// use entra_access::models::Approval;
///
/// let approval: Approval = serde_json::from_value(serde_json::json!({
///     "id": "req-1",
///     "stages": [{"id": "stage-1", "assignedToMe": true, "reviewResult": "NotReviewed", "status": "InProgress"}]
/// }))?;
/// assert_eq!(approval.request_id().as_str(), "req-1");
/// assert_eq!(approval.pending_stage_for_me().unwrap().id, "stage-1");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Approval {
    /// The approval's id: the id of the assignment request it approves.
    pub id: AssignmentRequestId,
    /// The stages (empty in a listing).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub stages: Vec<ApprovalDecisionStage>,
}

impl Approval {
    /// The assignment request this approval decides (same id).
    ///
    /// ```
    /// # let a: entra_access::models::Approval = serde_json::from_str(r#"{"id":"r"}"#).unwrap();
    /// assert_eq!(a.request_id().as_str(), "r");
    /// ```
    pub fn request_id(&self) -> &AssignmentRequestId {
        &self.id
    }

    /// The first stage assigned to the signed-in user that is not decided
    /// yet, if any (among the stages read).
    ///
    /// ```
    /// # let a: entra_access::models::Approval = serde_json::from_str(r#"{"id":"r"}"#).unwrap();
    /// assert!(a.pending_stage_for_me().is_none());
    /// ```
    pub fn pending_stage_for_me(&self) -> Option<&ApprovalDecisionStage> {
        self.stages.iter().find(|s| s.is_pending_for_me())
    }
}
