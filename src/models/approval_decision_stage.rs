//! One stage of an approval, where an approver records a decision.

use serde::{Deserialize, Serialize};

use super::DateTime;

/// `approvalStage` (of an `approval`): one stage of decision on an
/// assignment request — not the policy's stage settings, which are
/// [`ApprovalStage`](super::ApprovalStage).
///
/// `reviewResult` and `status` are strings in Graph's schema, kept as Graph
/// sent them (a value Graph adds later is kept too). The values
/// `resources/approvalstage.md` documents: `reviewResult` `NotReviewed`,
/// `Approved`, `Denied`; `status` `InProgress`, `Initializing`,
/// `Completed`, `Expired`. A decision is *sent* as `Approve` or `Deny`
/// ([`Decision`](crate::api::Decision)) and reads back as `Approved` or
/// `Denied`.
///
/// ```
/// use entra_access::models::ApprovalDecisionStage;
///
/// let stage: ApprovalDecisionStage = serde_json::from_value(serde_json::json!({
///     "id": "stage-1",
///     "displayName": null,
///     "assignedToMe": false,
///     "reviewResult": "Approved",
///     "status": "Completed",
///     "reviewedBy": {"id": "user-1", "displayName": "Ada"},
///     "reviewedDateTime": "2024-05-01T10:00:00Z",
///     "justification": "ok"
/// }))?;
/// assert!(stage.is_decided() && stage.is_approved());
/// assert!(!stage.is_pending_for_me());
/// assert_eq!(stage.reviewer().unwrap().display_name.as_deref(), Some("Ada"));
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
    /// The result: `NotReviewed`, `Approved` or `Denied` (kept verbatim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_result: Option<String>,
    /// Who decided, as Graph sent it: the all-zero id until someone did
    /// (see [`reviewer`](Self::reviewer)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<ApprovalReviewer>,
    /// When the decision was recorded.
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub reviewed_date_time: Option<DateTime>,
    /// Where the stage stands: `InProgress`, `Initializing`, `Completed` or
    /// `Expired` (kept verbatim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// `reviewedBy.id` of a stage nobody decided yet (`resources/approvalstage.md`).
const NOT_REVIEWED_BY: &str = "00000000-0000-0000-0000-000000000000";

fn is(value: Option<&str>, wanted: &str) -> bool {
    value.is_some_and(|v| v.eq_ignore_ascii_case(wanted))
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
        let closed =
            is(self.status.as_deref(), "Completed") || is(self.status.as_deref(), "Expired");
        reviewed || closed
    }

    /// Whether the stage was approved (`reviewResult` `Approved`).
    pub fn is_approved(&self) -> bool {
        is(self.review_result.as_deref(), "Approved")
    }

    /// Whether the stage was denied (`reviewResult` `Denied`).
    pub fn is_denied(&self) -> bool {
        is(self.review_result.as_deref(), "Denied")
    }

    /// Whether the signed-in user may decide this stage now: assigned to
    /// them, `InProgress` and `NotReviewed`. A stage that is `Initializing`
    /// (a later stage waiting for an earlier one), decided, expired, or in a
    /// status Graph adds later is not.
    ///
    /// ```
    /// use entra_access::models::ApprovalDecisionStage;
    ///
    /// let stage = |status: &str| -> ApprovalDecisionStage {
    ///     serde_json::from_value(serde_json::json!({
    ///         "id": "s", "assignedToMe": true, "reviewResult": "NotReviewed", "status": status
    ///     })).unwrap()
    /// };
    /// assert!(stage("InProgress").is_pending_for_me());
    /// assert!(!stage("Initializing").is_pending_for_me());
    /// ```
    pub fn is_pending_for_me(&self) -> bool {
        self.assigned_to_me == Some(true)
            && is(self.status.as_deref(), "InProgress")
            && is(self.review_result.as_deref(), "NotReviewed")
    }

    /// Who decided: `reviewedBy`, or `None` while nobody did (Graph sends
    /// the all-zero id then).
    ///
    /// ```
    /// # let s: entra_access::models::ApprovalDecisionStage = serde_json::from_str(
    /// #     r#"{"id":"s","reviewResult":"NotReviewed","reviewedBy":{"id":"00000000-0000-0000-0000-000000000000"}}"#).unwrap();
    /// assert!(s.reviewer().is_none());
    /// ```
    pub fn reviewer(&self) -> Option<&ApprovalReviewer> {
        self.reviewed_by
            .as_ref()
            .filter(|r| r.id.as_deref().is_some_and(|id| id != NOT_REVIEWED_BY))
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
