//! `remove_for`: remove a user's access to a package without knowing the
//! assignment ids.

use std::sync::Arc;

use futures::TryStreamExt;

use super::{AssignmentRequests, Assignments};
use crate::error::{Error, Result};
use crate::models::{AccessPackageId, AssignmentId, AssignmentRequest, AssignmentState, ObjectId};
use crate::request::ApiRequest;
use crate::transport::Transport;

impl Assignments {
    /// Requests removal (`adminRemove`) of every delivered, delivering or
    /// partially delivered assignment `target` holds for `package`.
    ///
    /// ```
    /// # let client = entra_access::Client::new(entra_access::auth::StaticToken::new("t"))?;
    /// let lookup = client.assignments().remove_for("pkg-1", "user-1").request()?;
    /// assert_eq!(
    ///     lookup.query_value("$filter"),
    ///     Some("accessPackage/id eq 'pkg-1' and target/objectId eq 'user-1'")
    /// );
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn remove_for(
        &self,
        package: impl Into<AccessPackageId>,
        target: impl Into<ObjectId>,
    ) -> RemoveAssignmentsFor {
        RemoveAssignmentsFor {
            transport: Arc::clone(&self.transport),
            package: package.into(),
            target: target.into(),
            justification: None,
        }
    }
}

/// Removes a target's access to a package; see [`Assignments::remove_for`].
#[derive(Clone, Debug)]
#[must_use = "a removal does nothing until sent"]
pub struct RemoveAssignmentsFor {
    transport: Arc<Transport>,
    package: AccessPackageId,
    target: ObjectId,
    justification: Option<String>,
}

impl RemoveAssignmentsFor {
    /// The justification sent with each removal request.
    pub fn justification(mut self, text: impl Into<String>) -> Self {
        self.justification = Some(text.into());
        self
    }

    fn lookup(&self) -> super::ListAssignments {
        Assignments::new(Arc::clone(&self.transport))
            .list()
            .access_package(&self.package)
            .target(&self.target)
    }

    /// The list request that finds the assignments (no IO); removal
    /// requests follow for each one found.
    pub fn request(&self) -> Result<ApiRequest> {
        super::common::checked(&self.package, "access package id")?;
        super::common::checked(&self.target, "target object id")?;
        self.lookup().request()
    }

    /// Finds the assignments and requests removal of each.
    ///
    /// Returns [`RemoveFor::NotAssigned`] when there is nothing to remove.
    /// When some removals fail and others succeed, the failures are listed
    /// in [`RemoveFor::Requested`]; when every removal fails, the first
    /// failure is returned as the error.
    pub async fn send(self) -> Result<RemoveFor> {
        self.request()?;
        let found: Vec<_> = self
            .lookup()
            .stream()
            .try_filter(|a| {
                let active = matches!(
                    a.state,
                    Some(
                        AssignmentState::Delivered
                            | AssignmentState::Delivering
                            | AssignmentState::PartiallyDelivered
                    )
                );
                futures::future::ready(active)
            })
            .try_collect()
            .await?;
        if found.is_empty() {
            return Ok(RemoveFor::NotAssigned);
        }
        let handle = AssignmentRequests::new(Arc::clone(&self.transport));
        let mut requests = Vec::with_capacity(found.len());
        let mut failed = Vec::new();
        for assignment in found {
            let mut remove = handle.admin_remove(&assignment.id);
            if let Some(j) = &self.justification {
                remove = remove.justification(j.clone());
            }
            match remove.send().await {
                Ok(r) => requests.push(r),
                Err(error) => failed.push(RemovalFailure {
                    assignment: assignment.id,
                    error,
                }),
            }
        }
        if requests.is_empty() {
            if let Some(first) = failed.into_iter().next() {
                return Err(first.error);
            }
            return Err(Error::invalid_input("removal", "found nothing to remove"));
        }
        Ok(RemoveFor::Requested { requests, failed })
    }
}

/// What [`RemoveAssignmentsFor::send`] did.
#[derive(Debug)]
#[non_exhaustive]
pub enum RemoveFor {
    /// The target holds no delivered, delivering or partially delivered
    /// assignment of the package: nothing was sent.
    NotAssigned,
    /// One removal request per assignment found.
    Requested {
        /// The removal requests created.
        requests: Vec<AssignmentRequest>,
        /// Assignments whose removal request failed (empty when all succeeded).
        failed: Vec<RemovalFailure>,
    },
}

impl RemoveFor {
    /// The removal requests created (empty for `NotAssigned`).
    pub fn requests(&self) -> &[AssignmentRequest] {
        match self {
            Self::NotAssigned => &[],
            Self::Requested { requests, .. } => requests,
        }
    }

    /// Whether the target held nothing to remove.
    pub fn is_not_assigned(&self) -> bool {
        matches!(self, Self::NotAssigned)
    }
}

/// An assignment whose removal request failed.
#[derive(Debug)]
#[non_exhaustive]
pub struct RemovalFailure {
    /// The assignment that is still in place.
    pub assignment: AssignmentId,
    /// Why the removal request failed.
    pub error: Error,
}
