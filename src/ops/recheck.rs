//! After a write whose answer was lost ("may have been processed"), look
//! for what it would have made before calling it failed, so that nothing is
//! ever requested twice.

use std::sync::Arc;

use futures::TryStreamExt;

use crate::api::{AssignmentRequests, Assignments};
use crate::error::Result;
use crate::models::{
    AccessPackageId, AssignmentId, AssignmentRequest, AssignmentRequestId, AssignmentState,
    ObjectId, RequestState,
};
use crate::paging::ItemStream;
use crate::transport::Transport;

/// The package's open requests, each with its assignment, the assignment's
/// target and the requestor
/// (`$expand=assignment($expand=target),requestor`): an open request may
/// carry no assignment yet, and then only its requestor names the person
/// (see [`AssignmentRequest::subject_object_id`]).
pub(crate) fn open_requests(
    transport: &Arc<Transport>,
    package: &AccessPackageId,
) -> ItemStream<AssignmentRequest> {
    AssignmentRequests::new(Arc::clone(transport))
        .list()
        .access_package(package.clone())
        .states(RequestState::OPEN)
        .expand_assignment_target()
        .expand_requestor()
        .stream()
}

/// What a re-check found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// An open request (ours, whose answer was lost).
    Request(AssignmentRequestId),
    /// No open request, but the assignment already reflects the write.
    Done,
}

/// Looks for an open add request for `user` (a removal request for them is
/// not one), or an assignment that is not expired.
pub(crate) async fn existing_add(
    transport: &Arc<Transport>,
    package: &AccessPackageId,
    user: &ObjectId,
) -> Result<Option<Found>> {
    let hit = open_requests(transport, package)
        .try_filter(|r| {
            let ours = r.is_add() && r.subject_object_id() == Some(user);
            futures::future::ready(ours)
        })
        .try_next()
        .await?;
    if let Some(r) = hit {
        return Ok(Some(Found::Request(r.id)));
    }
    let assignments = Assignments::new(Arc::clone(transport))
        .list()
        .access_package(package.clone())
        .target_object_id(user.clone())
        .collect()
        .await?;
    let active = assignments.iter().any(|a| {
        matches!(
            a.state,
            Some(AssignmentState::Delivered | AssignmentState::Delivering)
        )
    });
    Ok(active.then_some(Found::Done))
}

/// Looks for an open removal of `assignment` (held by `user`: a removal
/// that names no assignment yet is matched by its person), or the
/// assignment already gone or expired.
pub(crate) async fn existing_remove(
    transport: &Arc<Transport>,
    package: &AccessPackageId,
    assignment: &AssignmentId,
    user: &ObjectId,
) -> Result<Option<Found>> {
    let hit = open_requests(transport, package)
        .try_filter(|r| {
            let named = r
                .assignment
                .as_ref()
                .map(|a| &a.id)
                .filter(|id| !id.as_str().is_empty());
            let ours = r.is_removal()
                && match named {
                    Some(id) => id == assignment,
                    None => r.subject_object_id() == Some(user),
                };
            futures::future::ready(ours)
        })
        .try_next()
        .await?;
    if let Some(r) = hit {
        return Ok(Some(Found::Request(r.id)));
    }
    match Assignments::new(Arc::clone(transport))
        .get(assignment.clone())
        .send()
        .await
    {
        Ok(a) if a.state == Some(AssignmentState::Expired) => Ok(Some(Found::Done)),
        Ok(_) => Ok(None),
        Err(e) if e.is_not_found() => Ok(Some(Found::Done)),
        Err(e) => Err(e),
    }
}
