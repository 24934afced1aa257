//! Assignment policies: list, get, policies of a package.

use std::sync::Arc;

use super::common::{checked, EM};
use super::{Get, List};
use crate::error::{Error, Result};
use crate::models::{AccessPackage, AccessPackageId, AssignmentPolicy, AssignmentPolicyId};
use crate::transport::Transport;

/// Assignment policies (`/identityGovernance/entitlementManagement/assignmentPolicies`).
#[derive(Clone, Debug)]
pub struct AssignmentPolicies {
    transport: Arc<Transport>,
}

impl AssignmentPolicies {
    /// Continues a listing of assignment policies from a next link saved from
    /// [`PageStream::next_link`](crate::paging::PageStream::next_link) or
    /// [`Page::next_link`](crate::paging::Page::next_link). The link must be
    /// on the Graph origin (else the stream's first item is a `Paging` error
    /// and nothing is sent).
    pub fn resume(&self, next_link: &str) -> crate::paging::PageStream<AssignmentPolicy> {
        crate::paging::PageStream::resume(Arc::clone(&self.transport), next_link)
    }
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// Lists every policy the caller can read (tenant-wide; catalog-scoped
    /// administrators should use [`for_package`](Self::for_package)).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignment_policies().list().expand_access_package().request()?;
    /// assert_eq!(req.path_and_query(), "identityGovernance/entitlementManagement/assignmentPolicies?$expand=accessPackage");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn list(&self) -> List<AssignmentPolicy> {
        List::new(
            Arc::clone(&self.transport),
            Ok(format!("{EM}/assignmentPolicies")),
        )
    }

    /// Gets one policy, with its questions.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignment_policies().get("pol-1").expand_access_package().request()?;
    /// assert_eq!(req.path(), "identityGovernance/entitlementManagement/assignmentPolicies/pol-1");
    /// assert_eq!(req.query_value("$expand"), Some("questions,accessPackage"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn get(&self, id: impl Into<AssignmentPolicyId>) -> Get<AssignmentPolicy> {
        let id = id.into();
        let path =
            checked(&id, "assignment policy id").map(|id| format!("{EM}/assignmentPolicies/{id}"));
        Get::new(Arc::clone(&self.transport), path).expand("questions")
    }

    /// The policies of one access package, read through
    /// `accessPackages/{id}?$expand=assignmentPolicies`, the route that works
    /// for catalog-scoped administrators too.
    pub async fn for_package(
        &self,
        package: impl Into<AccessPackageId>,
    ) -> Result<Vec<AssignmentPolicy>> {
        let package = package.into();
        let path =
            checked(&package, "access package id").map(|id| format!("{EM}/accessPackages/{id}"));
        let pkg = Get::<AccessPackage>::new(Arc::clone(&self.transport), path)
            .expand_policies()
            .send()
            .await?;
        pkg.assignment_policies.ok_or_else(|| {
            Error::new(
                crate::ErrorKind::Decode,
                "Graph did not expand the package's assignmentPolicies",
            )
        })
    }
}

/// The setters of a list of assignment policies; see [`AssignmentPolicies::list`].
impl List<AssignmentPolicy> {
    /// Includes each policy's access package (`$expand=accessPackage`).
    pub fn expand_access_package(self) -> Self {
        self.expand("accessPackage")
    }
}

/// The setters of a get of one assignment policy; see [`AssignmentPolicies::get`].
impl Get<AssignmentPolicy> {
    /// Includes the policy's access package (`$expand=accessPackage`).
    pub fn expand_access_package(self) -> Self {
        self.expand("accessPackage")
    }
}
