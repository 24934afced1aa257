//! Assignment requests: the only way to add, change or remove an assignment.

use serde::{Deserialize, Serialize};

use super::serde_util::{empty_id, is_empty_id, null_as_default};
use super::{
    AccessPackage, Answer, ApprovalStage, Assignment, AssignmentPolicy, AssignmentRequestId,
    AssignmentRequestParameters, CustomExtensionCalloutInstance, DateTime, RequestState,
    RequestType, Schedule, Subject,
};

/// `accessPackageAssignmentRequest`.
///
/// Creation is asynchronous: the 201 response has `state: submitted`,
/// `status: Accepted` and no timestamps; the assignment appears later.
///
/// ```
/// use entra_access::models::{AssignmentRequest, RequestState};
///
/// let r: AssignmentRequest = serde_json::from_str(r#"{
///     "id": "r1", "requestType": "adminAdd", "state": "submitted",
///     "status": "Accepted", "createdDateTime": null
/// }"#).unwrap();
/// assert_eq!(r.state, Some(RequestState::Submitted));
/// assert!(r.created_date_time.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AssignmentRequest {
    /// Id of the request (empty in a create body).
    #[serde(default = "empty_id", skip_serializing_if = "is_empty_id")]
    pub id: AssignmentRequestId,
    /// What the request asks for (required on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_type: Option<RequestType>,
    /// Where the request stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<RequestState>,
    /// Free-text detail (`Accepted`, `Delivered`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// When it was created (`None` in the 201 response).
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_date_time: Option<DateTime>,
    /// When processing ended, successfully or not.
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub completed_date_time: Option<DateTime>,
    /// Requested start and end of the access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// The requestor's justification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Answers to the policy's questions.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub answers: Vec<Answer>,
    /// Custom-extension calls made for this request.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub custom_extension_callout_instances: Vec<CustomExtensionCalloutInstance>,
    /// How Graph is to process the request: whether it bypasses the
    /// policy's approval (`parameters.bypassApproval`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<AssignmentRequestParameters>,
    /// The package (only with `$expand=accessPackage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_package: Option<Box<AccessPackage>>,
    /// The assignment (with `$expand=assignment`; on create, the carrier of
    /// target, policy and package ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<Box<Assignment>>,
    /// Who made the request (only with `$expand=requestor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requestor: Option<Subject>,
}

impl Default for AssignmentRequest {
    fn default() -> Self {
        Self {
            id: empty_id(),
            request_type: None,
            state: None,
            status: None,
            created_date_time: None,
            completed_date_time: None,
            schedule: None,
            justification: None,
            answers: Vec::new(),
            custom_extension_callout_instances: Vec::new(),
            parameters: None,
            access_package: None,
            assignment: None,
            requestor: None,
        }
    }
}

impl AssignmentRequest {
    /// A create body: `request_type` with the `assignment` carrier.
    ///
    /// ```
    /// use entra_access::models::{Assignment, AssignmentRequest, RequestType};
    ///
    /// let body = AssignmentRequest::new(RequestType::AdminRemove, Assignment::existing("a1"));
    /// assert_eq!(
    ///     serde_json::to_string(&body).unwrap(),
    ///     r#"{"requestType":"adminRemove","assignment":{"id":"a1"}}"#
    /// );
    /// ```
    pub fn new(request_type: RequestType, assignment: Assignment) -> Self {
        Self {
            request_type: Some(request_type),
            assignment: Some(Box::new(assignment)),
            ..Self::default()
        }
    }

    /// Whether Graph will not move the request any further.
    pub fn is_final(&self) -> bool {
        self.state.as_ref().is_some_and(RequestState::is_final)
    }

    /// Whether the request was delivered in full: the target holds the
    /// access. Every other final state (`deliveryFailed`,
    /// `partiallyDelivered`, `denied`, `canceled`) is in [`state`](Self::state);
    /// a failed delivery explains itself with [`status`](Self::status) and
    /// [`callouts`](Self::callouts).
    ///
    /// ```
    /// use entra_access::models::{AssignmentRequest, RequestState};
    ///
    /// let r: AssignmentRequest = serde_json::from_value(serde_json::json!({
    ///     "id": "r1", "state": "denied"
    /// })).unwrap();
    /// assert!(r.is_final() && !r.is_delivered());
    /// assert_eq!(r.state, Some(RequestState::Denied));
    /// ```
    pub fn is_delivered(&self) -> bool {
        self.state == Some(RequestState::Delivered)
    }

    /// Whether the request waits for approvers (`pendingApproval`): it moves
    /// on only when they decide (or the stage expires), however long it is
    /// followed.
    ///
    /// ```
    /// use entra_access::models::AssignmentRequest;
    ///
    /// let r: AssignmentRequest =
    ///     serde_json::from_value(serde_json::json!({"id": "r1", "state": "pendingApproval"})).unwrap();
    /// assert!(r.is_pending_approval() && !r.is_final());
    /// ```
    pub fn is_pending_approval(&self) -> bool {
        self.state == Some(RequestState::PendingApproval)
    }

    /// The approval stages a `pendingApproval` request waits on, as
    /// `policy` (the policy it was made under) names them: each stage's
    /// [`primary_approvers`](ApprovalStage::primary_approvers) decide it, in
    /// order. `None` when the request is not waiting for approval; an empty
    /// slice when the policy was read without its approval settings.
    ///
    /// ```
    /// use entra_access::models::{AssignmentPolicy, AssignmentRequest, SubjectSet};
    /// use serde_json::json;
    ///
    /// let policy: AssignmentPolicy = serde_json::from_value(json!({
    ///     "id": "p1",
    ///     "requestApprovalSettings": {"isApprovalRequiredForAdd": true, "stages": [
    ///         {"primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": "u-approver"}]}
    ///     ]}
    /// })).unwrap();
    /// let waiting: AssignmentRequest =
    ///     serde_json::from_value(json!({"id": "r1", "state": "pendingApproval"})).unwrap();
    /// let stages = waiting.approval_stages(&policy).unwrap();
    /// assert!(matches!(&stages[0].primary_approvers[0],
    ///     SubjectSet::SingleUser(u) if u.user_id.as_ref().unwrap() == "u-approver"));
    ///
    /// let delivered: AssignmentRequest =
    ///     serde_json::from_value(json!({"id": "r2", "state": "delivered"})).unwrap();
    /// assert!(delivered.approval_stages(&policy).is_none());
    /// ```
    pub fn approval_stages<'p>(&self, policy: &'p AssignmentPolicy) -> Option<&'p [ApprovalStage]> {
        if !self.is_pending_approval() {
            return None;
        }
        Some(
            policy
                .request_approval_settings
                .as_ref()
                .map_or(&[][..], |s| s.stages.as_slice()),
        )
    }

    /// The custom-extension (Logic App) calls made for the request, then
    /// those of its assignment (when expanded or included): what explains a
    /// failed or partial delivery, with
    /// [`CustomExtensionCalloutInstance::is_failed`] for the calls that went
    /// wrong.
    ///
    /// ```
    /// use entra_access::models::AssignmentRequest;
    ///
    /// let r: AssignmentRequest = serde_json::from_value(serde_json::json!({
    ///     "id": "r1", "state": "deliveryFailed", "status": "DeliveryFailed",
    ///     "customExtensionCalloutInstances": [
    ///         {"customExtensionId": "ext-audit", "status": "callbackReceived"}
    ///     ],
    ///     "assignment": {"id": "a1", "customExtensionCalloutInstances": [{
    ///         "customExtensionId": "ext-1", "status": "calloutFailed",
    ///         "detail": "Logic App returned 500", "externalCorrelationId": "run-9"
    ///     }]}
    /// })).unwrap();
    /// let failed: Vec<_> = r.callouts().filter(|c| c.is_failed()).collect();
    /// assert_eq!(failed.len(), 1);
    /// assert_eq!(failed[0].detail.as_deref(), Some("Logic App returned 500"));
    /// assert_eq!(r.callouts().count(), 2);
    /// ```
    pub fn callouts(&self) -> impl Iterator<Item = &CustomExtensionCalloutInstance> {
        self.custom_extension_callout_instances.iter().chain(
            self.assignment
                .iter()
                .flat_map(|a| a.custom_extension_callout_instances.iter()),
        )
    }
}
