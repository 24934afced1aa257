//! After a write whose answer was lost ("may have been processed"), look
//! for what it would have made before calling it failed, so that nothing is
//! ever requested twice.
//!
//! Every look-up checks what it found: the listings ask Graph to filter on
//! the person, and the answer is still compared (the target expanded) before
//! it counts, so a filter dropped on the way (a proxy, a regression) can
//! never make someone else's assignment or request look like the person's.

use futures::TryStreamExt;

use crate::Person;
use entra_access::error::Result;
use entra_access::models::{
    AccessPackageId, AssignmentId, AssignmentRequest, AssignmentRequestId, AssignmentState,
    RequestState,
};
use entra_access::paging::ItemStream;
use entra_access::Client;

/// The package's open requests, each with its assignment, the assignment's
/// target and the requestor
/// (`$expand=assignment($expand=target),requestor`): an open request may
/// carry no assignment yet, and then only its requestor names the person
/// (see [`AssignmentRequest::subject_object_id`]).
pub(crate) fn open_requests(
    client: &Client,
    package: &AccessPackageId,
) -> ItemStream<AssignmentRequest> {
    client
        .assignment_requests()
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

/// Whether `request` is about `person`: through its assignment's target,
/// or its requestor while it has no assignment yet (see
/// [`AssignmentRequest::subject`]). E-mail addresses compare ignoring case;
/// a request that names nobody is nobody's.
fn concerns(request: &AssignmentRequest, person: &Person) -> bool {
    match person {
        Person::User(id) => request.subject_object_id() == Some(id),
        Person::Email(e) => request
            .subject()
            .and_then(|s| s.email.as_deref())
            .is_some_and(|m| m.eq_ignore_ascii_case(e)),
    }
}

/// Looks for an open add request for `person` (a removal request for them
/// is not one), or an assignment they hold ([`AssignmentState::is_held`]:
/// delivered, delivering or partially delivered, as planning counts it).
pub(crate) async fn existing_add(
    client: &Client,
    package: &AccessPackageId,
    person: &Person,
) -> Result<Option<Found>> {
    let hit = open_requests(client, package)
        .try_filter(|r| futures::future::ready(r.is_add() && concerns(r, person)))
        .try_next()
        .await?;
    if let Some(r) = hit {
        return Ok(Some(Found::Request(r.id)));
    }
    let list = client
        .assignments()
        .list()
        .access_package(package.clone())
        .expand_target();
    let list = match person {
        Person::User(id) => list.target_object_id(id.clone()),
        Person::Email(_) => list,
    };
    let target = person.target();
    // Graph filtered on the target; what came back is compared anyway, and
    // an assignment without a target is nobody's.
    let held = list
        .stream()
        .try_filter(|a| {
            futures::future::ready(
                target.matches(a) && a.state.as_ref().is_some_and(AssignmentState::is_held),
            )
        })
        .try_next()
        .await?;
    Ok(held.map(|_| Found::Done))
}

/// Looks for an open removal of `assignment` (held by `person`: a removal
/// that names no assignment yet is matched by its person), or the
/// assignment already gone or expired.
pub(crate) async fn existing_remove(
    client: &Client,
    package: &AccessPackageId,
    assignment: &AssignmentId,
    person: &Person,
) -> Result<Option<Found>> {
    let hit = open_requests(client, package)
        .try_filter(|r| {
            let named = r
                .assignment
                .as_ref()
                .map(|a| &a.id)
                .filter(|id| !id.as_str().is_empty());
            let ours = r.is_removal()
                && match named {
                    Some(id) => id == assignment,
                    None => concerns(r, person),
                };
            futures::future::ready(ours)
        })
        .try_next()
        .await?;
    if let Some(r) = hit {
        return Ok(Some(Found::Request(r.id)));
    }
    match client.assignments().get(assignment.clone()).send().await {
        Ok(a) if a.state == Some(AssignmentState::Expired) => Ok(Some(Found::Done)),
        Ok(_) => Ok(None),
        Err(e) if e.is_not_found() => Ok(Some(Found::Done)),
        Err(e) => Err(e),
    }
}
