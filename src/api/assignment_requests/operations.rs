//! The write and follow operations of the [`AssignmentRequests`] handle.

use std::sync::Arc;

use super::actions::{RequestAction, RequestActionKind};
use super::admin_add::AdminAdd;
use super::admin_remove::AdminRemove;
use super::admin_update::AdminUpdate;
use super::target::Target;
use super::user_add::UserAdd;
use super::wait::WaitUntilFinal;
use super::watch::WatchRequest;
use super::AssignmentRequests;
use crate::models::{AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentRequestId};

impl AssignmentRequests {
    /// Assigns `package` to `target` through `policy` (`adminAdd`). Set a
    /// schedule, justification and answers on the builder, then
    /// [`send`](AdminAdd::send) or [`send_idempotent`](AdminAdd::send_idempotent).
    pub fn admin_add(
        &self,
        package: impl Into<AccessPackageId>,
        policy: impl Into<AssignmentPolicyId>,
        target: impl Into<Target>,
    ) -> AdminAdd {
        AdminAdd::new(
            Arc::clone(&self.transport),
            package.into(),
            policy.into(),
            target.into(),
        )
    }

    /// The signed-in user requests `package` for themselves through
    /// `policy` (`userAdd`), with answers and a justification set on the
    /// builder. **Delegated-only**: an app-only token gets 403
    /// ([`Error::is_forbidden`](crate::Error::is_forbidden)).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignment_requests().user_add("pkg-1", "pol-1").justification("campaign").request()?;
    /// assert_eq!(req.body_json().unwrap()["requestType"], "userAdd");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn user_add(
        &self,
        package: impl Into<AccessPackageId>,
        policy: impl Into<AssignmentPolicyId>,
    ) -> UserAdd {
        UserAdd::new(Arc::clone(&self.transport), package.into(), policy.into())
    }

    /// Changes an assignment's schedule or answers (`adminUpdate`).
    pub fn admin_update(&self, assignment: impl Into<AssignmentId>) -> AdminUpdate {
        AdminUpdate::new(Arc::clone(&self.transport), assignment.into())
    }

    /// Removes an assignment (`adminRemove`). To remove a user's access to a
    /// package without knowing the assignment id, see
    /// [`Assignments::remove_for`](crate::api::Assignments::remove_for).
    pub fn admin_remove(&self, assignment: impl Into<AssignmentId>) -> AdminRemove {
        AdminRemove::new(Arc::clone(&self.transport), assignment.into())
    }

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

    /// Polls the request with backoff until it is final, and returns it.
    pub fn wait_until_final(&self, id: impl Into<AssignmentRequestId>) -> WaitUntilFinal {
        WaitUntilFinal::new(Arc::clone(&self.transport), id.into())
    }

    /// A stream of the request's state changes, ending after its final state.
    pub fn watch(&self, id: impl Into<AssignmentRequestId>) -> WatchRequest {
        WatchRequest::new(Arc::clone(&self.transport), id.into())
    }
}
