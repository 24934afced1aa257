//! Requests whose schedule starts in the future.
//!
//! Graph's docs list `scheduled` among the request states and say a
//! request's `schedule` is "the range of dates that access is to be assigned
//! to the requestor" (`resources/accesspackageassignmentrequest.md`); they
//! describe no transitions. The fake reads that as: a request whose access
//! starts later is `scheduled` and no assignment is delivered before the
//! start. The 201 answer still reads `submitted` (as the create page shows),
//! the request is `scheduled` right after (or after approval), and it starts
//! delivering once the fake's calendar ([`State::utc_now`], moved by
//! `FakeGraph::advance_clock`) reaches the start.

use std::time::Instant;

use serde_json::Value;

use super::lifecycle;
use super::state::{Request, State};
use entra_access::models::{RequestState, RequestType};

/// Whether `r` asks for access that starts after the fake's now.
pub(crate) fn waiting_for_start(st: &State, r: &Request) -> bool {
    let adds = matches!(
        r.request_type,
        RequestType::AdminAdd | RequestType::UserAdd | RequestType::SystemAdd
    );
    adds && start_of(&r.schedule).is_some_and(|start| start > st.utc_now())
}

fn start_of(schedule: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    let text = schedule.get("startDateTime")?.as_str()?;
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// Parks request `i` in `scheduled` (no automatic step until its start).
pub(crate) fn park(st: &mut State, i: usize) {
    if let Some(r) = st.requests.get_mut(i) {
        r.state = RequestState::Scheduled;
        r.status = "Scheduled".into();
        r.due = None;
    }
}

/// Whether a newly created request `i` should wait in `scheduled` now: it
/// starts in the future and its policy asks no approval for it.
pub(crate) fn park_if_future(st: &mut State, i: usize) {
    let Some(r) = st.requests.get(i) else {
        return;
    };
    if waiting_for_start(st, r) && !lifecycle::needs_approval(st, r) {
        park(st, i);
    }
}

/// Starts delivering every scheduled request whose start has come
/// (scheduled requests without a start, e.g. seeded ones, move as before).
pub(crate) fn release(st: &mut State, now: Instant) {
    let today = st.utc_now();
    for i in 0..st.requests.len() {
        let due = st.requests.get(i).is_some_and(|r| {
            r.state == RequestState::Scheduled
                && start_of(&r.schedule).is_some_and(|start| start <= today)
        });
        if due {
            lifecycle::begin_delivery(st, i);
            lifecycle::schedule_next(st, i, now);
        }
    }
}

/// Clears the automatic step of every request still waiting for its start
/// (after something rescheduled all requests).
pub(crate) fn keep_parked(st: &mut State) {
    for i in 0..st.requests.len() {
        let parked = st
            .requests
            .get(i)
            .is_some_and(|r| r.state == RequestState::Scheduled && waiting_for_start(st, r));
        if parked {
            park(st, i);
        }
    }
}
