//! Assignment requests: the handle, with listing and getting requests here;
//! writing them ([`write`]: one builder per request type), acting on one
//! ([`actions`]: cancel, reprocess, delete) and following one to its end
//! ([`follow`]: `wait_until_final`, `watch`) in the submodules.

mod actions;
mod follow;
mod write;

pub use actions::{RequestAction, RequestActionKind};
pub use follow::{WaitUntilFinal, WatchRequest};
pub use write::{AdminAdd, AdminRemove, AdminUpdate, EmailTarget, Target, UserAdd};

use std::sync::Arc;

use super::common::{checked, EM};
use super::{Get, List};
use crate::models::{AccessPackageId, AssignmentRequest, AssignmentRequestId, RequestState};
use crate::odata::{Filter, Path};
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
    pub fn list(&self) -> List<AssignmentRequest> {
        List::new(
            Arc::clone(&self.transport),
            Ok(format!("{EM}/assignmentRequests")),
        )
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
    pub fn filter_by_current_user(&self, on: RequestsOfCurrentUser) -> List<AssignmentRequest> {
        let path = format!(
            "{EM}/assignmentRequests/filterByCurrentUser(on='{}')",
            on.as_str()
        );
        List::new(Arc::clone(&self.transport), Ok(path))
    }

    /// Continues a listing from a saved next link.
    pub fn resume(&self, next_link: &str) -> PageStream<AssignmentRequest> {
        PageStream::resume(Arc::clone(&self.transport), next_link)
    }

    /// Gets one request.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignment_requests().get("req-1").expand_assignment().request()?;
    /// assert_eq!(req.path_and_query(), "identityGovernance/entitlementManagement/assignmentRequests/req-1?$expand=assignment");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn get(&self, id: impl Into<AssignmentRequestId>) -> Get<AssignmentRequest> {
        let id = id.into();
        let path =
            checked(&id, "assignment request id").map(|id| format!("{EM}/assignmentRequests/{id}"));
        Get::new(Arc::clone(&self.transport), path)
    }
}

/// The setters of a list of assignment requests; see
/// [`AssignmentRequests::list`]. Its typed filters are the ones Graph
/// documents as filterable on `accessPackageAssignmentRequest`, each joined
/// with `and` to the others.
impl List<AssignmentRequest> {
    /// Only requests for this access package (`accessPackage/id eq '…'`).
    /// A catalog-scoped caller must set it.
    pub fn access_package(self, id: impl Into<AccessPackageId>) -> Self {
        self.filter(Filter::eq(Path::ACCESS_PACKAGE_ID, id.into()))
    }

    /// Only requests in this state (`state eq '…'`, the camelCase member name).
    pub fn state(self, state: RequestState) -> Self {
        self.filter(Filter::eq(Path::STATE, state))
    }

    /// Only requests in any of these states, joined with `or`
    /// (parenthesized when combined). An empty list adds no condition
    /// (every state).
    ///
    /// ```
    /// use entra_access::models::RequestState;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client
    ///     .assignment_requests()
    ///     .list()
    ///     .access_package("pkg-1")
    ///     .states([RequestState::Submitted, RequestState::PendingApproval])
    ///     .request()?;
    /// assert_eq!(
    ///     req.query_value("$filter"),
    ///     Some("accessPackage/id eq 'pkg-1' and (state eq 'submitted' or state eq 'pendingApproval')")
    /// );
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn states(self, states: impl IntoIterator<Item = RequestState>) -> Self {
        match Filter::any_of(states.into_iter().map(|s| Filter::eq(Path::STATE, s))) {
            Ok(any) => self.filter(any),
            Err(_) => self,
        }
    }

    /// Only requests created at or after `at` (`createdDateTime ge …`).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let since = Utc.with_ymd_and_hms(2024, 1, 2, 12, 0, 0).unwrap();
    /// let req = client.assignment_requests().list().created_after(since).request()?;
    /// assert_eq!(req.query_value("$filter"), Some("createdDateTime ge 2024-01-02T12:00:00Z"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn created_after(self, at: crate::models::DateTime) -> Self {
        self.filter(Filter::ge(Path::CREATED_DATE_TIME, at))
    }

    /// Only requests created strictly before `at` (`createdDateTime lt …`).
    pub fn created_before(self, at: crate::models::DateTime) -> Self {
        self.filter(Filter::lt(Path::CREATED_DATE_TIME, at))
    }

    /// Includes the assignment, with its target id (`$expand=assignment`).
    pub fn expand_assignment(self) -> Self {
        self.expand("assignment")
    }

    /// Includes the assignment and its target subject
    /// (`$expand=assignment($expand=target)`): the way to see whom a request
    /// is for.
    pub fn expand_assignment_target(self) -> Self {
        self.expand("assignment($expand=target)")
    }

    /// Includes the access package (`$expand=accessPackage`).
    pub fn expand_access_package(self) -> Self {
        self.expand("accessPackage")
    }

    /// Includes the requestor (`$expand=requestor`).
    pub fn expand_requestor(self) -> Self {
        self.expand("requestor")
    }
}

/// The setters of a get of one assignment request; see [`AssignmentRequests::get`].
impl Get<AssignmentRequest> {
    /// Includes the assignment (`$expand=assignment`).
    pub fn expand_assignment(self) -> Self {
        self.expand("assignment")
    }

    /// Includes the access package (`$expand=accessPackage`).
    pub fn expand_access_package(self) -> Self {
        self.expand("accessPackage")
    }
}
