//! `adminUpdate`: change an assignment's schedule or answers.

use std::sync::Arc;

use super::draft::{approval_intent_setters, draft_setters, Draft};
use crate::api::common::checked;
use crate::error::{Error, Result};
use crate::models::{Assignment, AssignmentId, AssignmentRequest, RequestType};
use crate::request::ApiRequest;
use crate::transport::Transport;

/// Changes an existing assignment (`adminUpdate`): a new schedule (to
/// extend access) and/or new answers; see
/// [`AssignmentRequests::admin_update`](crate::api::AssignmentRequests::admin_update).
///
/// ```
/// use entra_access::models::IsoDuration;
/// use serde_json::json;
/// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
///
/// let req = client
///     .assignment_requests()
///     .admin_update("asg-1")
///     .duration(IsoDuration::days(90))
///     .request()?;
/// assert_eq!(
///     req.body_json().unwrap(),
///     &json!({
///         "requestType": "adminUpdate",
///         "assignment": {"id": "asg-1"},
///         "schedule": {"expiration": {"type": "afterDuration", "duration": "P90D"}}
///     })
/// );
/// // An update that changes nothing is refused before sending.
/// assert!(client.assignment_requests().admin_update("asg-1").request().is_err());
/// # Ok::<(), entra_access::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until sent"]
pub struct AdminUpdate {
    transport: Arc<Transport>,
    assignment: AssignmentId,
    draft: Draft,
}

draft_setters!(AdminUpdate);

approval_intent_setters!(
    AdminUpdate,
    ".admin_update(\"asg-1\").duration(entra_access::models::IsoDuration::days(30))"
);

impl AdminUpdate {
    pub(crate) fn new(transport: Arc<Transport>, assignment: AssignmentId) -> Self {
        Self {
            transport,
            assignment,
            draft: Draft::default(),
        }
    }

    /// The POST this builder sends (no IO), or the `InvalidInput` error
    /// that keeps it from being sent.
    pub fn request(&self) -> Result<ApiRequest> {
        checked(&self.assignment, "assignment id")?;
        if self.draft.schedule.is_empty() && self.draft.answers.is_empty() {
            return Err(Error::invalid_input(
                "update",
                "changes nothing: set a schedule or answers",
            ));
        }
        self.draft.post(
            RequestType::AdminUpdate,
            Assignment::existing(&self.assignment),
            false,
        )
    }

    /// Sends the request and returns the created request. A failure that
    /// may have been processed says so ([`Error::may_have_been_processed`]).
    pub async fn send(self) -> Result<AssignmentRequest> {
        let req = self.request()?;
        self.transport
            .send_json(&req, "the created assignment request")
            .await
    }

    /// Like [`send`](Self::send), with the answer's metadata (Graph's
    /// `request-id` to log for the write, `client-request-id`, status, `Date`).
    pub async fn send_with_meta(self) -> Result<crate::request::WithMeta<AssignmentRequest>> {
        let req = self.request()?;
        self.transport
            .send_json_with_meta(&req, "the created assignment request")
            .await
    }
}

crate::api::common::request_options!(AdminUpdate, transport);
