//! What a test does with a running fake besides seeding: drive requests,
//! inject faults, inspect state and traffic.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::chaos::Chaos;
use super::faults::Fault;
use super::introspect::{assignment_snapshot, request_snapshot};
use super::query::Query;
use super::state::State;
use super::{
    lifecycle, render, scheduled, AssignmentSnapshot, FakeGraph, ReceivedRequest, RequestSnapshot,
};
use entra_access::models::{AssignmentId, AssignmentRequestId, ObjectId, RequestState, WorkflowId};

impl FakeGraph {
    // ----- request lifecycle -------------------------------------------------

    /// Moves one request one step (submitted → delivering → delivered, or
    /// pendingApproval for policies that need approval). Returns the new
    /// state, or `None` if the request is unknown or cannot move on its own.
    pub fn advance(&self, id: &AssignmentRequestId) -> Option<RequestState> {
        let mut st = self.state();
        let i = st.requests.iter().position(|r| r.id == *id)?;
        let now = Instant::now();
        if parked(&st, i) || !lifecycle::step(&mut st, i, now) {
            return None;
        }
        lifecycle::schedule_next(&mut st, i, now);
        st.requests.get(i).map(|r| r.state.clone())
    }

    /// Moves every open request one step; returns how many moved. Requests
    /// waiting for approval stay until [`approve`](Self::approve) / [`deny`](Self::deny).
    pub fn advance_all(&self) -> usize {
        let mut st = self.state();
        let now = Instant::now();
        let mut moved = 0;
        for i in 0..st.requests.len() {
            if !parked(&st, i) && lifecycle::step(&mut st, i, now) {
                lifecycle::schedule_next(&mut st, i, now);
                moved += 1;
            }
        }
        moved
    }

    /// Advances until no request can move on its own (every request is
    /// final or waiting for approval). Returns the number of steps taken.
    pub fn settle(&self) -> usize {
        let mut total = 0;
        // Each request takes at most a few steps; the bound only guards
        // against a bug looping forever.
        for _ in 0..16 {
            let n = self.advance_all();
            if n == 0 {
                break;
            }
            total += n;
        }
        total
    }

    /// Approves a request in `pendingApproval`; it starts delivering, or
    /// waits in `scheduled` when its schedule starts later.
    /// Returns false if the request is unknown or not pending approval.
    pub fn approve(&self, id: &AssignmentRequestId) -> bool {
        let mut st = self.state();
        let Some(i) = st.requests.iter().position(|r| r.id == *id) else {
            return false;
        };
        let later = st.requests.get(i).is_some_and(|r| {
            r.state == RequestState::PendingApproval && scheduled::waiting_for_start(&st, r)
        });
        if later {
            scheduled::park(&mut st, i);
            return true;
        }
        lifecycle::approve(&mut st, i, Instant::now())
    }

    /// Moves the fake's calendar forward by `by`. Requests scheduled to
    /// start before the new date start delivering, and the 14-day reprocess
    /// window is judged at the new date. (Timestamps the fake writes, such
    /// as `createdDateTime`, stay real time.)
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use std::time::Duration;
    /// use entra_access_fake::FakeGraph;
    ///
    /// let fake = FakeGraph::start().await;
    /// fake.advance_clock(Duration::from_secs(15 * 24 * 3600));
    /// # }
    /// ```
    pub fn advance_clock(&self, by: Duration) {
        let mut st = self.state();
        let by = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
        st.clock_offset = st
            .clock_offset
            .checked_add(&by)
            .unwrap_or(chrono::Duration::MAX);
        scheduled::release(&mut st, Instant::now());
    }

    /// Denies a request in `pendingApproval`. Returns false if the request
    /// is unknown or not pending approval.
    pub fn deny(&self, id: &AssignmentRequestId) -> bool {
        let mut st = self.state();
        let Some(i) = st.requests.iter().position(|r| r.id == *id) else {
            return false;
        };
        lifecycle::deny(&mut st, i)
    }

    /// Deliveries to this target (an object id or an e-mail address) fail:
    /// the request ends in `deliveryFailed` with a `calloutFailed` custom
    /// extension callout instance, and so does a new assignment. Lasts until
    /// [`clear_delivery_failures`](Self::clear_delivery_failures).
    pub fn fail_delivery_for(&self, target: impl AsRef<str>) {
        let key = target.as_ref().to_ascii_lowercase();
        self.state().failing_targets.insert(key);
    }

    /// Lets every delivery succeed again.
    pub fn clear_delivery_failures(&self) {
        self.state().failing_targets.clear();
    }

    /// Switches between automatic steps every `delay` (`Some`) and manual
    /// progress (`None`). Open requests are rescheduled from now.
    pub fn set_step_delay(&self, delay: Option<Duration>) {
        let mut st = self.state();
        st.cfg.step_delay = delay;
        let now = Instant::now();
        for i in 0..st.requests.len() {
            lifecycle::schedule_next(&mut st, i, now);
        }
        scheduled::keep_parked(&mut st);
    }

    /// Turns catalog-scoped mode on or off (see
    /// [`FakeGraphBuilder::catalog_scoped`](super::FakeGraphBuilder::catalog_scoped)).
    pub fn set_catalog_scoped(&self, on: bool) {
        self.state().cfg.catalog_scoped = on;
    }

    /// Changes the page size of every list.
    pub fn set_page_size(&self, n: usize) {
        self.state().cfg.page_size = n.max(1);
    }

    /// Makes every token issued so far expired (the static [`token`](Self::token) stays valid).
    pub fn expire_tokens(&self) {
        let mut st = self.state();
        let now = Instant::now();
        for exp in st.tokens.values_mut().filter_map(|t| t.expires.as_mut()) {
            *exp = now;
        }
    }

    // ----- faults ------------------------------------------------------------

    /// Adds a fault rule.
    pub fn inject(&self, fault: Fault) {
        self.state().faults.add(fault);
    }

    /// The next `n` Graph requests get 429 `TooManyRequests` with `Retry-After`.
    pub fn throttle_next(&self, n: u32, retry_after: Duration) {
        self.inject(Fault::throttle(retry_after).times(n));
    }

    /// The next Graph request gets `status` with error code `code`.
    pub fn fail_next(&self, status: u16, code: &str) {
        self.inject(Fault::status(status, code));
    }

    /// The next `n` Graph requests have their connection reset.
    pub fn reset_next(&self, n: u32) {
        self.inject(Fault::reset().times(n));
    }

    /// Delays every Graph response by `delay` (`None` removes it).
    pub fn set_latency(&self, delay: Option<Duration>) {
        self.state().faults.latency = delay;
    }

    /// Limits Graph requests per second (`None` removes the limit).
    pub fn set_rate_limit(&self, per_second: Option<f64>) {
        self.state()
            .faults
            .set_rate_limit(per_second, Instant::now());
    }

    /// Starts a seeded random mix of faults (see [`Chaos`]); `None` stops it.
    /// Setting a mix restarts its generator from the seed.
    pub fn set_chaos(&self, chaos: Option<Chaos>) {
        self.state().faults.set_chaos(chaos);
    }

    /// Makes lists of assignments ignore their `target/objectId` filter
    /// (the rest of the filter still applies), as a proxy or a regression
    /// that drops it would: a caller that trusts the filter then sees
    /// everyone's assignments as the person's. Cleared by
    /// [`clear_faults`](Self::clear_faults).
    pub fn ignore_target_filter(&self, on: bool) {
        self.state().faults.ignore_target_filter = on;
    }

    /// Keeps each assignment request created from now on out of request
    /// lists for `lag` after it is made, as Graph's listings lag behind its
    /// writes; `GET` by id finds it at once. The check that refuses a second
    /// open request for a person (`ExistingOpenRequest`) lags the same way,
    /// so a second add sent meanwhile is accepted: two requests reach the
    /// approvers. `None` (and [`clear_faults`](Self::clear_faults)) lists
    /// every request again, those held back included.
    pub fn set_request_listing_lag(&self, lag: Option<Duration>) {
        self.state().faults.request_listing_lag = lag;
    }

    /// Removes every fault rule, the chaos mix, the latency, the rate limit,
    /// the dropped target filter and the listing lag.
    pub fn clear_faults(&self) {
        self.state().faults.clear();
    }

    // ----- introspection -----------------------------------------------------

    /// Every assignment, in creation order.
    pub fn assignments(&self) -> Vec<AssignmentSnapshot> {
        let st = self.state();
        st.assignments
            .iter()
            .map(|a| assignment_snapshot(&st, a))
            .collect()
    }

    /// Every assignment request, in creation order.
    pub fn assignment_requests(&self) -> Vec<RequestSnapshot> {
        let st = self.state();
        st.requests
            .iter()
            .map(|r| request_snapshot(&st, r))
            .collect()
    }

    /// One assignment request.
    pub fn assignment_request(&self, id: &AssignmentRequestId) -> Option<RequestSnapshot> {
        let st = self.state();
        st.request(id.as_str()).map(|r| request_snapshot(&st, r))
    }

    /// An assignment as `GET …/assignments/{id}?$expand=target,accessPackage,assignmentPolicy`
    /// returns it (decode it into the crate's model with `serde_json::from_value`).
    pub fn assignment_json(&self, id: &AssignmentId) -> Option<Value> {
        let st = self.state();
        let q = Query::expanding(&["target", "accesspackage", "assignmentpolicy"]);
        st.assignment(id.as_str())
            .map(|a| render::assignment(&st, a, &q))
    }

    /// A request as `GET …/assignmentRequests/{id}?$expand=accessPackage,assignment,requestor` returns it.
    pub fn assignment_request_json(&self, id: &AssignmentRequestId) -> Option<Value> {
        let st = self.state();
        let q = Query::expanding(&["accesspackage", "assignment", "requestor"]);
        st.request(id.as_str()).map(|r| render::request(&st, r, &q))
    }

    /// The object id of the user with this `mail` (e.g. the guest created
    /// when a request by e-mail was delivered).
    pub fn user_by_mail(&self, mail: &str) -> Option<ObjectId> {
        self.state()
            .directory
            .iter()
            .find(|o| {
                o.mail
                    .as_deref()
                    .is_some_and(|m| m.eq_ignore_ascii_case(mail))
            })
            .map(|o| o.id.clone())
    }

    /// The current version of a workflow.
    pub fn workflow(&self, id: &WorkflowId) -> Option<Value> {
        self.state()
            .workflows
            .iter()
            .find(|w| w.id == *id)
            .and_then(|w| w.versions.last().cloned())
    }

    /// Every version of a workflow, oldest first.
    pub fn workflow_versions(&self, id: &WorkflowId) -> Vec<Value> {
        self.state()
            .workflows
            .iter()
            .find(|w| w.id == *id)
            .map(|w| w.versions.clone())
            .unwrap_or_default()
    }

    /// Every HTTP request received so far (secrets redacted), oldest first.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.state().log.clone()
    }

    /// Forgets the received requests (counters restart from zero).
    pub fn clear_received(&self) {
        self.state().log.clear();
    }

    /// How many requests with `method` (any case) had a path starting with
    /// `path_prefix` (ignoring case).
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        let prefix = path_prefix.to_ascii_lowercase();
        self.state()
            .log
            .iter()
            .filter(|r| {
                r.method.eq_ignore_ascii_case(method)
                    && r.path.to_ascii_lowercase().starts_with(&prefix)
            })
            .count()
    }

    /// How many `POST …/assignmentRequests` (creations) were received.
    pub fn assignment_request_posts(&self) -> usize {
        self.state()
            .log
            .iter()
            .filter(|r| {
                r.method == "POST"
                    && r.path.eq_ignore_ascii_case(
                        "/v1.0/identityGovernance/entitlementManagement/assignmentRequests",
                    )
            })
            .count()
    }

    /// How many requests reached the token endpoint.
    pub fn token_requests(&self) -> usize {
        self.state()
            .log
            .iter()
            .filter(|r| super::token::token_path(&r.path).is_some())
            .count()
    }
}

/// Whether request `i` waits in `scheduled` for a start still ahead.
fn parked(st: &State, i: usize) -> bool {
    st.requests
        .get(i)
        .is_some_and(|r| r.state == RequestState::Scheduled && scheduled::waiting_for_start(st, r))
}
