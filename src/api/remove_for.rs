//! `remove_for`: remove a user's access to a package without knowing the
//! assignment ids.

use std::sync::Arc;

use futures::TryStreamExt;

use super::{AssignmentRequests, Assignments};
use crate::error::{Error, Result};
use crate::models::{
    AccessPackageId, AssignmentId, AssignmentRequest, AssignmentState, ObjectId, RequestState,
};
use crate::request::ApiRequest;
use crate::transport::Transport;

impl Assignments {
    /// Requests removal (`adminRemove`) of every delivered, delivering or
    /// partially delivered assignment `target` holds for `package`.
    ///
    /// The lookup filters on the target and expands it, and an assignment
    /// is removed only when its expanded target is `target` (object ids
    /// compared ignoring ASCII case, as Graph compares GUIDs): an
    /// assignment of someone else, or one without a target, is never
    /// touched, even if a proxy or a regression drops the filter.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let lookup = client.assignments().remove_for("pkg-1", "user-1").request()?;
    /// assert_eq!(
    ///     lookup.query_value("$filter"),
    ///     Some("accessPackage/id eq 'pkg-1' and target/objectId eq 'user-1'")
    /// );
    /// assert_eq!(lookup.query_value("$expand"), Some("target"));
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
    pub fn justification(self, text: impl Into<String>) -> Self {
        self.set_justification(Some(text.into()))
    }

    /// Sets or clears (`None`) the justification; see
    /// [`justification`](Self::justification).
    pub fn set_justification(mut self, text: Option<String>) -> Self {
        self.justification = text;
        self
    }

    fn lookup(&self) -> super::List<crate::models::Assignment> {
        Assignments::new(Arc::clone(&self.transport))
            .list()
            .access_package(&self.package)
            .target_object_id(&self.target)
            .expand_target()
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
    /// An assignment whose removal is already open (an `adminRemove`,
    /// `userRemove` or `systemRemove` request for it, or for the target
    /// while the request names no assignment — see
    /// [`AssignmentRequest::subject_object_id`]) is not asked for twice:
    /// the open request is returned among
    /// [`requests`](RemoveFor::requests) instead. An open *add* request
    /// for the target is never taken for a removal.
    ///
    /// Returns [`RemoveFor::NotAssigned`] when there is nothing to remove.
    /// When some removals fail and others succeed, the failures are listed
    /// in [`RemoveFor::Requested`] (each assignment with its error); when
    /// every removal fails, the first failure is returned as the error.
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
                // The filter is Graph's; the decision is ours: only an
                // assignment whose target is this person.
                let theirs = a
                    .target_object_id()
                    .is_some_and(|id| same_person(id, &self.target));
                if active && !theirs {
                    tracing::warn!(assignment = %a.id, "the target filter let through an assignment of someone else; not removing it");
                }
                futures::future::ready(active && theirs)
            })
            .try_collect()
            .await?;
        if found.is_empty() {
            return Ok(RemoveFor::NotAssigned);
        }
        let handle = AssignmentRequests::new(Arc::clone(&self.transport));
        let mut open_removals: Vec<AssignmentRequest> = handle
            .list()
            .access_package(&self.package)
            .states(RequestState::OPEN)
            .expand_assignment_target()
            .expand_requestor()
            .stream()
            .try_filter(|r| futures::future::ready(r.is_removal()))
            .try_collect()
            .await?;
        let mut requests = Vec::with_capacity(found.len());
        let mut failed = Vec::new();
        for assignment in found {
            let open = open_removals.iter().position(|r| {
                match r
                    .assignment
                    .as_ref()
                    .map(|a| &a.id)
                    .filter(|id| !id.as_str().is_empty())
                {
                    Some(id) => id == &assignment.id,
                    None => r
                        .subject_object_id()
                        .is_some_and(|id| same_person(id, &self.target)),
                }
            });
            if let Some(i) = open {
                let r = open_removals.swap_remove(i);
                tracing::debug!(request = %r.id, assignment = %assignment.id, "removal already open; not asking twice");
                requests.push(r);
                continue;
            }
            let remove = handle
                .admin_remove(&assignment.id)
                .set_justification(self.justification.clone());
            match remove.send().await {
                Ok(r) => requests.push(r),
                Err(error) => failed.push((assignment.id, error)),
            }
        }
        if requests.is_empty() {
            if let Some((_, error)) = failed.into_iter().next() {
                return Err(error);
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
        /// The removal requests created, and those found already open.
        requests: Vec<AssignmentRequest>,
        /// Assignments whose removal request failed, each with why (empty
        /// when all succeeded); those assignments are still in place.
        failed: Vec<(AssignmentId, Error)>,
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

/// Whether two object ids name the same person: Graph's GUIDs compare
/// ignoring ASCII case.
fn same_person(a: &ObjectId, b: &ObjectId) -> bool {
    a.as_str().eq_ignore_ascii_case(b.as_str())
}

crate::api::common::request_options!(RemoveAssignmentsFor, transport);
