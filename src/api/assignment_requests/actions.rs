//! Cancel, reprocess and delete a request.

use std::sync::Arc;

use http::Method;

use super::AssignmentRequests;
use crate::api::common::{checked, EM};
use crate::error::Result;
use crate::models::AssignmentRequestId;
use crate::request::ApiRequest;
use crate::transport::Transport;

impl AssignmentRequests {
    /// Cancels a request that is not yet delivered. **Delegated-only**: an
    /// app-only token gets 403 ([`Error::is_forbidden`](crate::Error::is_forbidden)).
    ///
    /// Delegated tokens only: Graph's permission table for cancel says
    /// "Application: Not supported", and it answers an app-only token with 403.
    pub fn cancel(&self, id: impl Into<AssignmentRequestId>) -> RequestAction {
        self.action(id.into(), RequestActionKind::Cancel)
    }

    /// Retries delivery of a `deliveryFailed` or `partiallyDelivered` request.
    pub fn reprocess(&self, id: impl Into<AssignmentRequestId>) -> RequestAction {
        self.action(id.into(), RequestActionKind::Reprocess)
    }

    /// Deletes a denied or completed request. Graph refuses to delete a
    /// request that has an assignment (a delivered `adminAdd`, for one).
    pub fn delete(&self, id: impl Into<AssignmentRequestId>) -> RequestAction {
        self.action(id.into(), RequestActionKind::Delete)
    }

    fn action(&self, id: AssignmentRequestId, kind: RequestActionKind) -> RequestAction {
        RequestAction::new(Arc::clone(&self.transport), id, kind)
    }
}

/// What a [`RequestAction`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestActionKind {
    /// `POST assignmentRequests/{id}/cancel`: only for requests not yet
    /// delivered (submitted, pending approval, scheduled).
    Cancel,
    /// `POST assignmentRequests/{id}/reprocess` (202): only for requests in
    /// `deliveryFailed` or `partiallyDelivered`, within 14 days.
    Reprocess,
    /// `DELETE assignmentRequests/{id}` (204): for denied or completed
    /// requests without assignment objects.
    Delete,
}

/// One of [`cancel`](super::AssignmentRequests::cancel),
/// [`reprocess`](super::AssignmentRequests::reprocess) or
/// [`delete`](super::AssignmentRequests::delete). Any 2xx answer is success
/// (Graph documents cancel as 200 but shows 204).
///
/// ```
/// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
/// let req = client.assignment_requests().cancel("req-1").request()?;
/// assert_eq!(req.method(), &http::Method::POST);
/// assert_eq!(
///     req.path(),
///     "identityGovernance/entitlementManagement/assignmentRequests/req-1/cancel"
/// );
/// assert!(req.body_json().is_none());
/// assert!(client.assignment_requests().delete("a/b").request().is_err());
/// # Ok::<(), entra_access::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "an action does nothing until sent"]
pub struct RequestAction {
    transport: Arc<Transport>,
    id: AssignmentRequestId,
    kind: RequestActionKind,
}

impl RequestAction {
    pub(crate) fn new(
        transport: Arc<Transport>,
        id: AssignmentRequestId,
        kind: RequestActionKind,
    ) -> Self {
        Self {
            transport,
            id,
            kind,
        }
    }

    /// What the action does.
    pub fn kind(&self) -> RequestActionKind {
        self.kind
    }

    /// The request (no IO).
    pub fn request(&self) -> Result<ApiRequest> {
        let id = checked(&self.id, "assignment request id")?;
        let base = format!("{EM}/assignmentRequests/{id}");
        Ok(match self.kind {
            RequestActionKind::Cancel => ApiRequest::new(Method::POST, format!("{base}/cancel")),
            RequestActionKind::Reprocess => {
                ApiRequest::new(Method::POST, format!("{base}/reprocess"))
            }
            RequestActionKind::Delete => ApiRequest::delete(base),
        })
    }

    /// Sends it; any 2xx status is success.
    pub async fn send(self) -> Result<()> {
        let req = self.request()?;
        self.transport.send(&req).await?;
        Ok(())
    }

    /// Like [`send`](Self::send), with the answer's metadata (Graph's
    /// `request-id` to log for the write, `client-request-id`, status, `Date`).
    pub async fn send_with_meta(self) -> Result<crate::request::ResponseMeta> {
        let req = self.request()?;
        Ok(self.transport.send(&req).await?.meta)
    }
}

crate::api::common::request_options!(RequestAction, transport);
