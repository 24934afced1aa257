//! Following an assignment request to its final state.

use anyhow::bail;
use entra_access::api::{delivery_problem, FinalOutcome};
use entra_access::models::{AssignmentRequest, AssignmentRequestId, RequestState};
use futures::TryStreamExt;

use super::session::Session;

/// Polls the request (with backoff) and calls `on_change` with each new
/// state, the final one last; returns the final request. A request
/// `scheduled` to start later ends the follow too: Graph leaves it there
/// until its start, which may be days away.
pub async fn follow(
    session: &Session,
    id: &AssignmentRequestId,
    mut on_change: impl FnMut(&AssignmentRequest),
) -> anyhow::Result<AssignmentRequest> {
    let mut changes = session
        .client
        .assignment_requests()
        .watch(id)
        .poll_interval(session.poll_interval());
    let mut last = None;
    while let Some(request) = changes.try_next().await? {
        on_change(&request);
        let waits = starts_later(&request);
        last = Some(request);
        if waits.is_some() {
            break;
        }
    }
    match last {
        Some(request) => Ok(request),
        None => bail!("request {id} was never observed"),
    }
}

/// The start of a request that is `scheduled` for a time still ahead.
pub fn starts_later(request: &AssignmentRequest) -> Option<entra_access::models::DateTime> {
    let start = request.schedule.as_ref()?.start_date_time?;
    (request.state == Some(RequestState::Scheduled) && start > chrono::Utc::now()).then_some(start)
}

/// `delivered`, `pendingApproval`… (or `unknown` when Graph sent none).
pub fn state(request: &AssignmentRequest) -> String {
    request
        .state
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), ToString::to_string)
}

/// `Ok` when the request was delivered; otherwise an error saying how it
/// ended (with the status and failed custom-extension calls, if any).
pub fn delivered(request: &AssignmentRequest) -> anyhow::Result<()> {
    match FinalOutcome::of(request) {
        FinalOutcome::Delivered => Ok(()),
        _ => match delivery_problem(request) {
            Some(problem) => bail!("request {}: {problem}", request.id),
            None => bail!("request {} ended {}", request.id, state(request)),
        },
    }
}

/// Prints what an `adminAdd` did: the request id on stdout (nothing when
/// the target already holds the access, which stderr explains). With
/// `wait`, follows the request, printing state changes on stderr and the
/// final state on stdout; a request that ends other than delivered is an
/// error.
pub async fn report_submission(
    session: &Session,
    submission: entra_access::api::Submission,
    wait: bool,
) -> anyhow::Result<()> {
    use entra_access::api::Submission;
    let request = match submission {
        Submission::AlreadyAssigned(a) => {
            eprintln!(
                "already assigned: assignment {} is {}; nothing was requested",
                a.id,
                a.state.as_ref().map_or("unknown", |s| s.as_str())
            );
            return Ok(());
        }
        Submission::AlreadyRequested(r) => {
            eprintln!(
                "an open request exists already ({}); following that one",
                state(&r)
            );
            r
        }
        Submission::Submitted(r) => r,
        other => bail!("unexpected submission: {other:?}"),
    };
    println!("{}", request.id);
    if wait {
        finish_wait(session, &request.id).await?;
    }
    Ok(())
}

/// Follows a request: each state on stderr, the final one on stdout; an
/// error unless it was delivered.
pub async fn finish_wait(session: &Session, id: &AssignmentRequestId) -> anyhow::Result<()> {
    let last = follow(session, id, |r| eprintln!("request {}: {}", r.id, state(r))).await?;
    println!("{}", state(&last));
    if let Some(start) = starts_later(&last) {
        eprintln!(
            "request {}: access starts at {}; not waiting that long",
            last.id,
            start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        return Ok(());
    }
    delivered(&last)
}
