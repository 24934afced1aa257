//! One write of a run, what came of it, and the events a run reports.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::plan::SkipReason;
use crate::{Person, Source};
use entra_access::api::{AdminAdd, AdminRemove};
use entra_access::error::Error;
use entra_access::models::{AccessPackageId, AssignmentId, AssignmentRequestId, RequestState};
use entra_access::request::ResponseMeta;

/// One write: the handle's builder, ready to send, whom it is for (the
/// re-check after a lost answer looks for that person), and the package's
/// source (read again right before a removal).
#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub(crate) package: AccessPackageId,
    pub(crate) person: Person,
    pub(crate) write: Write,
    pub(crate) source: Arc<Source>,
}

/// An add or a removal.
#[derive(Clone, Debug)]
pub(crate) enum Write {
    Add(AdminAdd),
    Remove {
        assignment: AssignmentId,
        request: AdminRemove,
    },
}

impl Job {
    pub(crate) fn is_removal(&self) -> bool {
        matches!(self.write, Write::Remove { .. })
    }
}

/// The ids and status of a write's last answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CallIds {
    pub(crate) graph_request_id: Option<String>,
    pub(crate) client_request_id: Option<String>,
    pub(crate) http_status: Option<u16>,
}

impl CallIds {
    /// From a success: Graph's metadata (its echo of the client id, else
    /// the one sent).
    pub(crate) fn of_answer(meta: &ResponseMeta, sent: &str) -> Self {
        Self {
            graph_request_id: meta.request_id.clone(),
            client_request_id: Some(
                meta.client_request_id
                    .clone()
                    .unwrap_or_else(|| sent.to_owned()),
            ),
            http_status: Some(meta.status),
        }
    }

    /// From a failure: what Graph answered, if it did, and the id sent.
    pub(crate) fn of_error(err: &Error, sent: &str) -> Self {
        Self {
            graph_request_id: err.request_id().map(str::to_owned),
            client_request_id: Some(sent.to_owned()),
            http_status: err.status(),
        }
    }
}

/// What one write came to.
#[derive(Debug)]
pub(crate) enum WriteResult {
    /// Accepted, or found made after a lost answer (the request, when
    /// there is one).
    Submitted(Option<AssignmentRequestId>),
    /// Not needed after all, with why and Graph's refusal if it gave one:
    /// the person of a removal is in the source again (nothing was sent);
    /// Graph refused the add because the person already has an open request
    /// or an assignment the plan could not see (made meanwhile, or not yet
    /// visible); the assignment to remove is already gone. Nothing was
    /// created twice.
    AlreadyDone(SkipReason, Option<Error>),
    Failed(Error),
}

/// What following a request came to.
#[derive(Debug)]
pub(crate) enum Followed {
    /// It reached this final state.
    Final(RequestState),
    /// Following stopped while it was open: waiting for approval,
    /// scheduled for later, or the budget ran out (the last state seen).
    StillOpen(RequestState),
    /// A poll failed.
    Failed(Error),
}

/// What a run tells its driver, job by job. Every job ends in exactly one
/// `Written` or `NotStarted`; a followed request adds a `Followed`.
#[derive(Debug)]
pub(crate) enum Event {
    Written {
        job: usize,
        result: WriteResult,
        call: CallIds,
    },
    /// Stopped before the write was sent: nothing was requested.
    NotStarted { job: usize },
    /// The request of a `Written` job, followed to its end (or until
    /// following stopped).
    Followed { job: usize, result: Box<Followed> },
}

/// Where a run puts its events; the driver takes them after each poll.
#[derive(Clone, Debug, Default)]
pub(crate) struct Events(Arc<Mutex<VecDeque<Event>>>);

impl Events {
    fn lock(&self) -> MutexGuard<'_, VecDeque<Event>> {
        match self.0.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub(crate) fn push(&self, event: Event) {
        self.lock().push_back(event);
    }

    /// Every event so far, in order.
    pub(crate) fn take(&self) -> Vec<Event> {
        self.lock().drain(..).collect()
    }
}
