//! One stage of an approval, where an approver records a decision.

use serde::{Deserialize, Serialize};

use super::DateTime;

/// `approvalStage` (of an `approval`): one stage of decision on an
/// assignment request — not the policy's stage settings, which are
/// [`ApprovalStage`](super::ApprovalStage).
///
/// `reviewResult` and `status` are strings in Graph's schema; the values
/// documented are `NotReviewed`, `Approve`, `Deny`, `DontKnow` and
/// `NotStarted`, `InProgress`, `Completed`, `Expired`.
///
/// ```
/// use entra_access::models::ApprovalDecisionStage;
///
/// let stage: ApprovalDecisionStage = serde_json::from_value(serde_json::json!({
///     "id": "stage-1",
///     "displayName": null,
///     "assignedToMe": false,
///     "reviewResult": "Approve",
///     "status": "Completed",
///     "reviewedBy": {"id": "user-1", "displayName": "Ada"},
///     "reviewedDateTime": "2024-05-01T10:00:00Z",
///     "justification": "ok"
/// }))?;
/// assert!(stage.is_decided());
/// assert!(!stage.is_pending_for_me());
/// assert_eq!(stage.reviewed_by.unwrap().display_name.as_deref(), Some("Ada"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApprovalDecisionStage {
    /// The stage's id.
    pub id: String,
    /// Whether the signed-in user is an approver of this stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_to_me: Option<bool>,
    /// A label for the stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The approver's justification for the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// The decision: `NotReviewed`, `Approve`, `Deny` or `DontKnow`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_result: Option<String>,
    /// Who decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<ApprovalReviewer>,
    /// When the decision was recorded.
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub reviewed_date_time: Option<DateTime>,
    /// Where the stage stands: `NotStarted`, `InProgress`, `Completed`,
    /// `Expired`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

impl ApprovalDecisionStage {
    /// Whether a decision is recorded (`reviewResult` other than
    /// `NotReviewed`), or the stage is `Completed` or `Expired`.
    ///
    /// ```
    /// # let s: entra_access::models::ApprovalDecisionStage =
    /// #     serde_json::from_str(r#"{"id":"s","reviewResult":"NotReviewed","status":"InProgress"}"#).unwrap();
    /// assert!(!s.is_decided());
    /// ```
    pub fn is_decided(&self) -> bool {
        let reviewed = self
            .review_result
            .as_deref()
            .is_some_and(|r| !r.is_empty() && !r.eq_ignore_ascii_case("NotReviewed"));
        let closed = self.status.as_deref().is_some_and(|s| {
            s.eq_ignore_ascii_case("Completed") || s.eq_ignore_ascii_case("Expired")
        });
        reviewed || closed
    }

    /// Whether the signed-in user may decide this stage now: assigned to
    /// them, not decided, and not `NotStarted` (a later stage waits for
    /// the earlier one).
    ///
    /// ```
    /// # let s: entra_access::models::ApprovalDecisionStage =
    /// #     serde_json::from_str(r#"{"id":"s","assignedToMe":true,"reviewResult":"NotReviewed","status":"InProgress"}"#).unwrap();
    /// assert!(s.is_pending_for_me());
    /// ```
    pub fn is_pending_for_me(&self) -> bool {
        self.assigned_to_me == Some(true)
            && !self.is_decided()
            && !self
                .status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("NotStarted"))
    }
}

/// `identity`: who reviewed an approval stage.
///
/// ```
/// use entra_access::models::ApprovalReviewer;
///
/// let who: ApprovalReviewer = serde_json::from_str(r#"{"id":"u-1","displayName":"Ada"}"#)?;
/// assert_eq!(who.id.as_deref(), Some("u-1"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApprovalReviewer {
    /// The reviewer's object id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The reviewer's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}
