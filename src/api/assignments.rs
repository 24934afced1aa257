//! Access package assignments: list, get, reprocess, and what the caller holds.

use std::sync::Arc;

use super::common::{checked, get_terminals, list_query_setters, list_terminals, Get, List, EM};
use crate::error::{Error, Result};
use crate::models::{
    AccessPackageId, Assignment, AssignmentId, AssignmentPolicyId, AssignmentState, ObjectId,
};
use crate::odata::AssignmentFilter;
use crate::paging::PageStream;
use crate::request::ApiRequest;
use crate::transport::Transport;

/// Whose assignments `filterByCurrentUser` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AssignmentsOfCurrentUser {
    /// Assignments where the signed-in user is the target.
    Target,
    /// Assignments the signed-in user created.
    CreatedBy,
    /// Assignments of people the signed-in user manages.
    TargetManager,
    /// Assignments of agent identities the signed-in user sponsors or owns.
    TargetAgentIdentitySponsorOrOwner,
}

impl AssignmentsOfCurrentUser {
    fn as_str(self) -> &'static str {
        match self {
            Self::Target => "target",
            Self::CreatedBy => "createdBy",
            Self::TargetManager => "targetManager",
            Self::TargetAgentIdentitySponsorOrOwner => "targetAgentIdentitySponsorOrOwner",
        }
    }
}

/// Access package assignments (`/identityGovernance/entitlementManagement/assignments`).
///
/// Assignments are never created or deleted directly: use
/// [`AssignmentRequests`](crate::api::AssignmentRequests).
#[derive(Clone, Debug)]
pub struct Assignments {
    pub(crate) transport: Arc<Transport>,
}

impl Assignments {
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// Lists assignments, current and expired.
    ///
    /// A catalog-scoped administrator (or app) must filter on one access
    /// package: call [`ListAssignments::access_package`].
    ///
    /// ```
    /// use entra_access::models::AssignmentState;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client
    ///     .assignments()
    ///     .list()
    ///     .access_package("pkg-1")
    ///     .state(AssignmentState::Delivered)
    ///     .expand_target()
    ///     .request()?;
    /// assert_eq!(
    ///     req.query_value("$filter"),
    ///     Some("accessPackage/id eq 'pkg-1' and state eq 'delivered'")
    /// );
    /// assert_eq!(req.query_value("$expand"), Some("target"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn list(&self) -> ListAssignments {
        ListAssignments {
            list: List::new(Arc::clone(&self.transport), Ok(format!("{EM}/assignments"))),
        }
    }

    /// Assignments of the signed-in user. **Delegated-only**: an app-only
    /// token gets 403 ([`Error::is_forbidden`](crate::Error::is_forbidden)).
    pub fn filter_by_current_user(&self, on: AssignmentsOfCurrentUser) -> ListAssignments {
        let path = format!("{EM}/assignments/filterByCurrentUser(on='{}')", on.as_str());
        ListAssignments {
            list: List::new(Arc::clone(&self.transport), Ok(path)),
        }
    }

    /// Assignments of `package` whose targets also hold `incompatible`
    /// ("check other access"). **Delegated-only**: an app-only token gets
    /// 403 ([`Error::is_forbidden`](crate::Error::is_forbidden)).
    pub fn additional_access(
        &self,
        package: impl Into<AccessPackageId>,
        incompatible: impl Into<AccessPackageId>,
    ) -> ListAssignments {
        let (package, incompatible) = (package.into(), incompatible.into());
        let path = checked(&package, "access package id").and_then(|p| {
            let i = checked(&incompatible, "incompatible access package id")?;
            if p == i {
                return Err(Error::invalid_input(
                    "incompatible access package id",
                    "must differ from the access package id",
                ));
            }
            Ok(format!(
                "{EM}/assignments/additionalAccess(accessPackageId='{p}',incompatibleAccessPackageId='{i}')"
            ))
        });
        ListAssignments {
            list: List::new(Arc::clone(&self.transport), path),
        }
    }

    /// Continues a listing from a next link saved from
    /// [`PageStream::next_link`]. The link must be on the Graph origin.
    pub fn resume(&self, next_link: &str) -> PageStream<Assignment> {
        PageStream::resume(Arc::clone(&self.transport), next_link)
    }

    /// Gets one assignment.
    pub fn get(&self, id: impl Into<AssignmentId>) -> GetAssignment {
        let id = id.into();
        let path = checked(&id, "assignment id").map(|id| format!("{EM}/assignments/{id}"));
        GetAssignment {
            get: Get::new(Arc::clone(&self.transport), path),
        }
    }

    /// Asks Graph to deliver a delivered assignment's resources again
    /// (`POST assignments/{id}/reprocess`, 202).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignments().reprocess("asg-1").request()?;
    /// assert_eq!(req.path(), "identityGovernance/entitlementManagement/assignments/asg-1/reprocess");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn reprocess(&self, id: impl Into<AssignmentId>) -> ReprocessAssignment {
        ReprocessAssignment {
            transport: Arc::clone(&self.transport),
            id: id.into(),
        }
    }
}

/// Reprocesses an assignment; see [`Assignments::reprocess`].
#[derive(Clone, Debug)]
#[must_use = "an action does nothing until sent"]
pub struct ReprocessAssignment {
    transport: Arc<Transport>,
    id: AssignmentId,
}

impl ReprocessAssignment {
    /// The request (no IO).
    pub fn request(&self) -> Result<ApiRequest> {
        let id = checked(&self.id, "assignment id")?;
        Ok(ApiRequest::new(
            http::Method::POST,
            format!("{EM}/assignments/{id}/reprocess"),
        ))
    }

    /// Sends it; any 2xx answer (Graph sends 202) is success.
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

/// Lists assignments; see [`Assignments::list`].
#[derive(Clone, Debug)]
#[must_use = "a list does nothing until sent or streamed"]
pub struct ListAssignments {
    list: List<Assignment>,
}

impl ListAssignments {
    /// Only assignments of this access package (`accessPackage/id eq '…'`).
    pub fn access_package(mut self, id: impl Into<AccessPackageId>) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(AssignmentFilter::new().access_package(id));
        self
    }

    /// Only assignments made through this policy.
    pub fn assignment_policy(mut self, id: impl Into<AssignmentPolicyId>) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(AssignmentFilter::new().assignment_policy(id));
        self
    }

    /// Only assignments in this state.
    pub fn state(mut self, state: AssignmentState) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(AssignmentFilter::new().state(state));
        self
    }

    /// Only assignments in any of these states. An empty list adds no
    /// condition (every state), so an optional command-line flag can pass
    /// its values straight through.
    pub fn states(mut self, states: impl IntoIterator<Item = AssignmentState>) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(AssignmentFilter::new().states(states));
        self
    }

    /// Only assignments of this target (its directory object id,
    /// `target/objectId eq '…'`), as
    /// [`AssignmentFilter::target_object_id`].
    pub fn target_object_id(mut self, object_id: impl Into<ObjectId>) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(AssignmentFilter::new().target_object_id(object_id));
        self
    }

    /// Includes the target subject (`$expand=target`).
    pub fn expand_target(mut self) -> Self {
        self.list.query = self.list.query.expand("target");
        self
    }

    /// Includes the access package.
    pub fn expand_access_package(mut self) -> Self {
        self.list.query = self.list.query.expand("accessPackage");
        self
    }

    /// Includes the assignment policy (`$expand=assignmentPolicy`); named
    /// like [`ListAccessPackages::expand_policies`](crate::api::ListAccessPackages::expand_policies).
    pub fn expand_policies(mut self) -> Self {
        self.list.query = self.list.query.expand("assignmentPolicy");
        self
    }

    fn into_list(self) -> List<Assignment> {
        self.list
    }
}

list_terminals!(ListAssignments, Assignment);
list_query_setters!(ListAssignments);

/// Gets one assignment; see [`Assignments::get`].
#[derive(Clone, Debug)]
#[must_use = "a get does nothing until sent"]
pub struct GetAssignment {
    get: Get<Assignment>,
}

impl GetAssignment {
    /// Includes the target subject.
    pub fn expand_target(mut self) -> Self {
        self.get = self.get.expand("target");
        self
    }

    /// Includes the access package.
    pub fn expand_access_package(mut self) -> Self {
        self.get = self.get.expand("accessPackage");
        self
    }

    /// Includes the assignment policy (`$expand=assignmentPolicy`).
    pub fn expand_policies(mut self) -> Self {
        self.get = self.get.expand("assignmentPolicy");
        self
    }
}

get_terminals!(GetAssignment, Assignment);

crate::api::common::request_options!(ReprocessAssignment, transport);
