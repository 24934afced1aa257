//! Assignment requests: list and get. Creating, cancelling and following
//! requests live in the submodules.

mod actions;
mod admin_add;
mod admin_remove;
mod admin_update;
pub(crate) mod answers;
mod draft;
mod email;
mod operations;
mod outcome;
mod polling;
mod problem;
mod schedule_plan;
mod submission;
mod summary;
mod target;
mod user_add;
mod wait;
mod watch;

pub use actions::{RequestAction, RequestActionKind};
pub use admin_add::AdminAdd;
pub use admin_remove::AdminRemove;
pub use admin_update::AdminUpdate;
pub use outcome::{DeliveryProblem, FinalOutcome};
pub use problem::RequestProblem;
pub use submission::Submission;
pub use summary::{state_name, RequestSummary};
pub use target::{EmailTarget, Target};
pub use user_add::UserAdd;
pub use wait::WaitUntilFinal;
pub use watch::{starts_later, WatchRequest};

use std::sync::Arc;

use super::common::{checked, get_terminals, list_query_setters, list_terminals, Get, List, EM};
use crate::models::{AccessPackageId, AssignmentRequest, AssignmentRequestId, RequestState};
use crate::odata::RequestFilter;
use crate::paging::PageStream;
use crate::transport::Transport;

/// Whose requests `filterByCurrentUser` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestsOfCurrentUser {
    /// Requests where the signed-in user is the target.
    Target,
    /// Requests the signed-in user created.
    CreatedBy,
    /// Requests the signed-in user may approve.
    Approver,
    /// Requests where the signed-in user is the target or the requestor.
    TargetOrRequestor,
    /// Requests for people the signed-in user manages.
    TargetManager,
    /// Requests the signed-in user made for someone else.
    RequestForOthers,
    /// Requests for agent identities the signed-in user sponsors or owns.
    TargetAgentIdentitySponsorOrOwner,
}

impl RequestsOfCurrentUser {
    fn as_str(self) -> &'static str {
        match self {
            Self::Target => "target",
            Self::CreatedBy => "createdBy",
            Self::Approver => "approver",
            Self::TargetOrRequestor => "targetOrRequestor",
            Self::TargetManager => "targetManager",
            Self::RequestForOthers => "requestForOthers",
            Self::TargetAgentIdentitySponsorOrOwner => "targetAgentIdentitySponsorOrOwner",
        }
    }
}

/// Access package assignment requests
/// (`/identityGovernance/entitlementManagement/assignmentRequests`).
#[derive(Clone, Debug)]
pub struct AssignmentRequests {
    pub(crate) transport: Arc<Transport>,
}

impl AssignmentRequests {
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// Lists requests, open and completed (Graph keeps them about 3 months).
    ///
    /// ```
    /// use entra_access::models::RequestState;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client
    ///     .assignment_requests()
    ///     .list()
    ///     .access_package("pkg-1")
    ///     .state(RequestState::PendingApproval)
    ///     .request()?;
    /// assert_eq!(
    ///     req.query_value("$filter"),
    ///     Some("accessPackage/id eq 'pkg-1' and state eq 'pendingApproval'")
    /// );
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn list(&self) -> ListAssignmentRequests {
        ListAssignmentRequests {
            list: List::new(
                Arc::clone(&self.transport),
                Ok(format!("{EM}/assignmentRequests")),
            ),
        }
    }

    /// Requests of the signed-in user. **Delegated-only**: an app-only
    /// token gets 403 ([`Error::is_forbidden`](crate::Error::is_forbidden)).
    ///
    /// ```
    /// use entra_access::api::RequestsOfCurrentUser;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignment_requests().filter_by_current_user(RequestsOfCurrentUser::Approver).request()?;
    /// assert!(req.path().ends_with("assignmentRequests/filterByCurrentUser(on='approver')"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn filter_by_current_user(&self, on: RequestsOfCurrentUser) -> ListAssignmentRequests {
        let path = format!(
            "{EM}/assignmentRequests/filterByCurrentUser(on='{}')",
            on.as_str()
        );
        ListAssignmentRequests {
            list: List::new(Arc::clone(&self.transport), Ok(path)),
        }
    }

    /// Continues a listing from a saved next link.
    pub fn resume(&self, next_link: &str) -> PageStream<AssignmentRequest> {
        PageStream::resume(Arc::clone(&self.transport), next_link)
    }

    /// Gets one request.
    pub fn get(&self, id: impl Into<AssignmentRequestId>) -> GetAssignmentRequest {
        let id = id.into();
        let path =
            checked(&id, "assignment request id").map(|id| format!("{EM}/assignmentRequests/{id}"));
        GetAssignmentRequest {
            get: Get::new(Arc::clone(&self.transport), path),
        }
    }
}

/// Lists requests; see [`AssignmentRequests::list`].
#[derive(Clone, Debug)]
#[must_use = "a list does nothing until sent or streamed"]
pub struct ListAssignmentRequests {
    list: List<AssignmentRequest>,
}

impl ListAssignmentRequests {
    /// Only requests for this access package.
    pub fn access_package(mut self, id: impl Into<AccessPackageId>) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(RequestFilter::new().access_package(id));
        self
    }

    /// Only requests in this state.
    pub fn state(mut self, state: RequestState) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(RequestFilter::new().state(state));
        self
    }

    /// Only requests in any of these states. An empty list adds no
    /// condition (every state).
    pub fn states(mut self, states: impl IntoIterator<Item = RequestState>) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(RequestFilter::new().states(states));
        self
    }

    /// Only requests created at or after `at`.
    pub fn created_after(mut self, at: crate::models::DateTime) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(RequestFilter::new().created_after(at));
        self
    }

    /// Only requests created before `at`.
    pub fn created_before(mut self, at: crate::models::DateTime) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(RequestFilter::new().created_before(at));
        self
    }

    /// Includes the assignment (with its target id).
    pub fn expand_assignment(mut self) -> Self {
        self.list.query = self.list.query.expand("assignment");
        self
    }

    /// Includes the assignment and its target subject
    /// (`$expand=assignment($expand=target)`): the way to see whom a request
    /// is for.
    pub fn expand_assignment_target(mut self) -> Self {
        self.list.query = self.list.query.expand("assignment($expand=target)");
        self
    }

    /// Includes the access package.
    pub fn expand_access_package(mut self) -> Self {
        self.list.query = self.list.query.expand("accessPackage");
        self
    }

    /// Includes the requestor.
    pub fn expand_requestor(mut self) -> Self {
        self.list.query = self.list.query.expand("requestor");
        self
    }

    fn into_list(self) -> List<AssignmentRequest> {
        self.list
    }
}

list_terminals!(ListAssignmentRequests, AssignmentRequest);
list_query_setters!(ListAssignmentRequests);

/// Gets one request; see [`AssignmentRequests::get`].
#[derive(Clone, Debug)]
#[must_use = "a get does nothing until sent"]
pub struct GetAssignmentRequest {
    get: Get<AssignmentRequest>,
}

impl GetAssignmentRequest {
    /// Includes the assignment.
    pub fn expand_assignment(mut self) -> Self {
        self.get = self.get.expand("assignment");
        self
    }

    /// Includes the access package.
    pub fn expand_access_package(mut self) -> Self {
        self.get = self.get.expand("accessPackage");
        self
    }
}

get_terminals!(GetAssignmentRequest, AssignmentRequest);
