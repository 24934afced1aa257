//! `send_idempotent`: what it returns, and the lookup it does before (and
//! after an uncertain) POST.

use std::sync::Arc;

use futures::TryStreamExt;

use super::target::Target;
use super::AssignmentRequests;
use crate::api::Assignments;
use crate::error::Result;
use crate::models::{
    AccessPackageId, Assignment, AssignmentRequest, AssignmentState, RequestState, RequestType,
};
use crate::transport::Transport;

/// What [`AdminAdd::send_idempotent`](super::AdminAdd::send_idempotent) did.
///
/// ```no_run
/// use entra_access::api::{Submission, Target};
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let outcome = client
///     .assignment_requests()
///     .admin_add("pkg-1", "pol-1", Target::user("user-1"))
///     .send_idempotent()
///     .await?;
/// match &outcome {
///     Submission::Submitted(r) => println!("requested: {}", r.id),
///     Submission::AlreadyRequested(r) => println!("already requested: {}", r.id),
///     Submission::AlreadyAssigned(a) => println!("already assigned: {}", a.id),
///     _ => {}
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Submission {
    /// A new request was created (or, after a POST whose outcome was
    /// uncertain, the request found for the target is taken to be it).
    Submitted(AssignmentRequest),
    /// An open add request for the same target and package existed; nothing
    /// was posted.
    AlreadyRequested(AssignmentRequest),
    /// The target already holds a delivered or delivering assignment of the
    /// package; nothing was posted.
    AlreadyAssigned(Assignment),
}

impl Submission {
    /// The request, when one was submitted or found.
    pub fn request(&self) -> Option<&AssignmentRequest> {
        match self {
            Self::Submitted(r) | Self::AlreadyRequested(r) => Some(r),
            Self::AlreadyAssigned(_) => None,
        }
    }

    /// Whether this call posted a new request.
    pub fn is_submitted(&self) -> bool {
        matches!(self, Self::Submitted(_))
    }
}

/// An open request or an assignment found for a target.
#[derive(Debug)]
pub(crate) enum Existing {
    Request(Box<AssignmentRequest>),
    Assignment(Box<Assignment>),
}

impl Existing {
    /// Found before posting.
    pub(crate) fn already(self) -> Submission {
        match self {
            Self::Request(r) => Submission::AlreadyRequested(*r),
            Self::Assignment(a) => Submission::AlreadyAssigned(*a),
        }
    }

    /// Found after a POST that may have been processed: the request is
    /// most likely the one just posted.
    pub(crate) fn after_uncertain_post(self) -> Submission {
        match self {
            Self::Request(r) => Submission::Submitted(*r),
            Self::Assignment(a) => Submission::AlreadyAssigned(*a),
        }
    }
}

/// The states of a request Graph is still working on.
pub(crate) const OPEN_STATES: [RequestState; 4] = [
    RequestState::Submitted,
    RequestState::PendingApproval,
    RequestState::Delivering,
    RequestState::Scheduled,
];

/// Request types that ask for access (an open one blocks a new `adminAdd`).
fn is_add(request: &AssignmentRequest) -> bool {
    match &request.request_type {
        None => true,
        Some(t) => matches!(
            t,
            RequestType::AdminAdd
                | RequestType::UserAdd
                | RequestType::SystemAdd
                | RequestType::OnBehalfAdd
        ),
    }
}

/// Looks for an open add request of `package` for `target`, then for a
/// delivered or delivering assignment.
pub(crate) async fn find_existing(
    transport: &Arc<Transport>,
    package: &AccessPackageId,
    target: &Target,
) -> Result<Option<Existing>> {
    let mut requests = AssignmentRequests::new(Arc::clone(transport))
        .list()
        .access_package(package)
        .states(OPEN_STATES)
        .expand_assignment_target()
        .stream();
    while let Some(r) = requests.try_next().await? {
        let open = r.state.as_ref().is_none_or(RequestState::is_open);
        let for_target = r.assignment.as_ref().is_some_and(|a| target.matches(a));
        if open && for_target && is_add(&r) {
            return Ok(Some(Existing::Request(Box::new(r))));
        }
    }

    let list = Assignments::new(Arc::clone(transport))
        .list()
        .access_package(package);
    let list = match target {
        Target::User(id) => list.target(id),
        Target::Email(_) => list.expand_target(),
    };
    let mut assignments = list.stream();
    while let Some(a) = assignments.try_next().await? {
        let active = matches!(
            a.state,
            Some(AssignmentState::Delivered | AssignmentState::Delivering)
        );
        // A directory target was filtered on by Graph; an expanded target
        // that says otherwise is not ours.
        let for_target = match target {
            Target::User(_) => a.target.is_none() || target.matches(&a),
            Target::Email(_) => target.matches(&a),
        };
        if active && for_target {
            return Ok(Some(Existing::Assignment(Box::new(a))));
        }
    }
    Ok(None)
}
