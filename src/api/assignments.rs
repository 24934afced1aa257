//! Access package assignments: list, get, reprocess, and what the caller holds.

use std::sync::Arc;

use super::common::{checked, EM};
use super::{Get, List};
use crate::error::{Error, Result};
use crate::models::{
    AccessPackageId, Assignment, AssignmentId, AssignmentPolicyId, AssignmentState, ObjectId,
};
use crate::odata::{Filter, Path};
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
    /// package: call `access_package(id)` on the list.
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
    pub fn list(&self) -> List<Assignment> {
        List::new(Arc::clone(&self.transport), Ok(format!("{EM}/assignments")))
    }

    /// Assignments of the signed-in user. **Delegated-only**: an app-only
    /// token gets 403 ([`Error::is_forbidden`](crate::Error::is_forbidden)).
    ///
    /// ```
    /// use entra_access::api::AssignmentsOfCurrentUser;
    /// use entra_access::models::AssignmentState;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client
    ///     .assignments()
    ///     .filter_by_current_user(AssignmentsOfCurrentUser::Target)
    ///     .state(AssignmentState::Delivered)
    ///     .request()?;
    /// assert!(req.path().ends_with("assignments/filterByCurrentUser(on='target')"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn filter_by_current_user(&self, on: AssignmentsOfCurrentUser) -> List<Assignment> {
        let path = format!("{EM}/assignments/filterByCurrentUser(on='{}')", on.as_str());
        List::new(Arc::clone(&self.transport), Ok(path))
    }

    /// Assignments of `package` whose targets also hold `incompatible`
    /// ("check other access"). **Delegated-only**: an app-only token gets
    /// 403 ([`Error::is_forbidden`](crate::Error::is_forbidden)).
    pub fn additional_access(
        &self,
        package: impl Into<AccessPackageId>,
        incompatible: impl Into<AccessPackageId>,
    ) -> List<Assignment> {
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
        List::new(Arc::clone(&self.transport), path)
    }

    /// Continues a listing from a next link saved from
    /// [`PageStream::next_link`]. The link must be on the Graph origin.
    pub fn resume(&self, next_link: &str) -> PageStream<Assignment> {
        PageStream::resume(Arc::clone(&self.transport), next_link)
    }

    /// Gets one assignment.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignments().get("asg-1").expand_target().request()?;
    /// assert_eq!(req.path_and_query(), "identityGovernance/entitlementManagement/assignments/asg-1?$expand=target");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn get(&self, id: impl Into<AssignmentId>) -> Get<Assignment> {
        let id = id.into();
        let path = checked(&id, "assignment id").map(|id| format!("{EM}/assignments/{id}"));
        Get::new(Arc::clone(&self.transport), path)
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

/// The setters of a list of assignments; see [`Assignments::list`]. Its
/// typed filters are the ones Graph documents as filterable on
/// `accessPackageAssignment`, each joined with `and` to the others.
impl List<Assignment> {
    /// Only assignments of this access package (`accessPackage/id eq '…'`).
    /// A catalog-scoped caller must set it.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignments().list().access_package("a914").request()?;
    /// assert_eq!(req.query_value("$filter"), Some("accessPackage/id eq 'a914'"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn access_package(self, id: impl Into<AccessPackageId>) -> Self {
        self.filter(Filter::eq(Path::ACCESS_PACKAGE_ID, id.into()))
    }

    /// Only assignments made through this policy (`assignmentPolicy/id eq '…'`).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignments().list().assignment_policy("p1").request()?;
    /// assert_eq!(req.query_value("$filter"), Some("assignmentPolicy/id eq 'p1'"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn assignment_policy(self, id: impl Into<AssignmentPolicyId>) -> Self {
        self.filter(Filter::eq(Path::ASSIGNMENT_POLICY_ID, id.into()))
    }

    /// Only assignments in this state (`state eq '…'`, the camelCase
    /// member name).
    ///
    /// ```
    /// use entra_access::models::AssignmentState;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignments().list().state(AssignmentState::PartiallyDelivered).request()?;
    /// assert_eq!(req.query_value("$filter"), Some("state eq 'partiallyDelivered'"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn state(self, state: AssignmentState) -> Self {
        self.filter(Filter::eq(Path::STATE, state))
    }

    /// Only assignments in any of these states:
    /// `(state eq 'a' or state eq 'b')`. One state is a plain `eq`; an empty
    /// list adds no condition (every state), so an optional command-line
    /// flag can pass its values straight through.
    ///
    /// ```
    /// use entra_access::models::AssignmentState;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client
    ///     .assignments()
    ///     .list()
    ///     .access_package("a914")
    ///     .states([AssignmentState::Delivered, AssignmentState::Expired])
    ///     .request()?;
    /// assert_eq!(
    ///     req.query_value("$filter"),
    ///     Some("accessPackage/id eq 'a914' and (state eq 'delivered' or state eq 'expired')")
    /// );
    /// assert_eq!(client.assignments().list().states([]).request()?.query_value("$filter"), None);
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn states(self, states: impl IntoIterator<Item = AssignmentState>) -> Self {
        match Filter::any_of(states.into_iter().map(|s| Filter::eq(Path::STATE, s))) {
            Ok(any) => self.filter(any),
            Err(_) => self,
        }
    }

    /// Only assignments of this target: one user or service principal, by
    /// its directory object id (`target/objectId eq '…'`).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignments().list().target_object_id("8b2d").request()?;
    /// assert_eq!(req.query_value("$filter"), Some("target/objectId eq '8b2d'"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn target_object_id(self, object_id: impl Into<ObjectId>) -> Self {
        self.filter(Filter::eq(Path::TARGET_OBJECT_ID, object_id.into()))
    }

    /// Includes the target subject (`$expand=target`).
    pub fn expand_target(self) -> Self {
        self.expand("target")
    }

    /// Includes the access package (`$expand=accessPackage`).
    pub fn expand_access_package(self) -> Self {
        self.expand("accessPackage")
    }

    /// Includes the assignment policy (`$expand=assignmentPolicy`); named
    /// like the access packages' `expand_policies`.
    pub fn expand_policies(self) -> Self {
        self.expand("assignmentPolicy")
    }
}

/// The setters of a get of one assignment; see [`Assignments::get`].
impl Get<Assignment> {
    /// Includes the target subject (`$expand=target`).
    pub fn expand_target(self) -> Self {
        self.expand("target")
    }

    /// Includes the access package (`$expand=accessPackage`).
    pub fn expand_access_package(self) -> Self {
        self.expand("accessPackage")
    }

    /// Includes the assignment policy (`$expand=assignmentPolicy`).
    pub fn expand_policies(self) -> Self {
        self.expand("assignmentPolicy")
    }
}

crate::api::common::request_options!(ReprocessAssignment, transport);
