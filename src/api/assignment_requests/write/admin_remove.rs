//! `adminRemove`: end an assignment.

use std::sync::Arc;

use serde_json::Value;

use crate::api::common::{checked, EM};
use crate::error::{Error, Result};
use crate::models::{Assignment, AssignmentId, AssignmentRequest, RequestType};
use crate::request::ApiRequest;
use crate::transport::Transport;

/// Removes an assignment (`adminRemove`); see
/// [`AssignmentRequests::admin_remove`](crate::api::AssignmentRequests::admin_remove).
///
/// ```
/// use serde_json::json;
/// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
/// let req = client
///     .assignment_requests()
///     .admin_remove("asg-1")
///     .justification("left the project")
///     .request()?;
/// assert_eq!(
///     req.body_json().unwrap(),
///     &json!({
///         "requestType": "adminRemove",
///         "assignment": {"id": "asg-1"},
///         "justification": "left the project"
///     })
/// );
/// # Ok::<(), entra_access::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until sent"]
pub struct AdminRemove {
    transport: Arc<Transport>,
    assignment: AssignmentId,
    justification: Option<String>,
}

impl AdminRemove {
    pub(crate) fn new(transport: Arc<Transport>, assignment: AssignmentId) -> Self {
        Self {
            transport,
            assignment,
            justification: None,
        }
    }

    /// Why the access is removed.
    pub fn justification(self, text: impl Into<String>) -> Self {
        self.set_justification(Some(text.into()))
    }

    /// Sets or clears (`None`) the justification; see
    /// [`justification`](Self::justification).
    pub fn set_justification(mut self, text: Option<String>) -> Self {
        self.justification = text;
        self
    }

    /// The POST this builder sends (no IO), or the `InvalidInput` error
    /// that keeps it from being sent.
    pub fn request(&self) -> Result<ApiRequest> {
        checked(&self.assignment, "assignment id")?;
        let mut body = AssignmentRequest::new(
            RequestType::AdminRemove,
            Assignment::existing(&self.assignment),
        );
        body.justification.clone_from(&self.justification);
        let json: Value =
            serde_json::to_value(&body).map_err(|e| Error::invalid_input("request body", e))?;
        Ok(ApiRequest::post(format!("{EM}/assignmentRequests"), json))
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

crate::api::common::request_options!(AdminRemove, transport);
