//! Acting on a plan: writes with bounded, adaptive concurrency; re-checks
//! after lost answers; optional following of each request to its end.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

use super::limiter::AdaptiveLimiter;
use super::plan::{Action, BulkPlan, SkipReason};
use super::recheck::{existing_add, existing_remove, Found};
use super::report::{Outcome, Progress, ReportRow};
use super::source::Source;
use super::writes::{self, AddTemplate};
use crate::api::RequestProblem;
use crate::error::{Error, Result};
use crate::models::{AssignmentRequestId, RequestState};
use crate::transport::Transport;

/// How often one write is tried again after the transport's own retries ran
/// out on throttling (a 429 means Graph did not process it).
const THROTTLE_ROUNDS: u32 = 8;

/// The progress callback.
pub(crate) type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Everything a run needs besides the plan.
pub(crate) struct Execution {
    pub(crate) transport: Arc<Transport>,
    pub(crate) template: AddTemplate,
    /// Re-read right before each removal.
    pub(crate) source: Source,
    pub(crate) concurrency: usize,
    pub(crate) wait_for_delivery: bool,
    pub(crate) on_progress: Option<ProgressFn>,
}

/// What one write came to.
enum WriteResult {
    Submitted(Option<AssignmentRequestId>),
    /// Graph refused the add because the person already has an open request
    /// or an assignment the plan could not see (made meanwhile, or not yet
    /// visible): nothing to do, and nothing was created twice.
    AlreadyThere(SkipReason, Error),
    /// A removal whose person is in the source again: nothing was sent.
    Rejoined,
    Failed(Error),
}

impl Execution {
    /// Runs every write of `plan` — all adds first, then the removals —
    /// and returns the rows (in plan order).
    pub(crate) async fn run(&self, plan: BulkPlan) -> Vec<ReportRow> {
        let mut rows: Vec<ReportRow> = plan
            .items
            .into_iter()
            .map(|i| ReportRow::from_plan(i, false))
            .collect();
        let of = |action: &Action| -> Vec<usize> {
            (0..rows.len())
                .filter(|&i| rows.get(i).is_some_and(|r| &r.action == action))
                .collect()
        };
        let (adds, removals) = (of(&Action::Add), of(&Action::Remove));
        let transport = Arc::clone(&self.transport);
        let limiter = AdaptiveLimiter::new(
            self.concurrency,
            Arc::new(move || transport.throttled_count()),
        );
        let mut progress = Progress {
            total: adds.len() + removals.len(),
            concurrency: limiter.limit(),
            throttled: self.transport.run_throttled_count(),
            ..Progress::default()
        };
        self.phase(&mut rows, adds, &limiter, &mut progress).await;
        self.phase(&mut rows, removals, &limiter, &mut progress)
            .await;

        if self.wait_for_delivery {
            self.follow(&mut rows, &mut progress, &limiter).await;
        }
        rows
    }

    /// Runs the writes of the rows at `work`, concurrently.
    async fn phase(
        &self,
        rows: &mut [ReportRow],
        work: Vec<usize>,
        limiter: &AdaptiveLimiter,
        progress: &mut Progress,
    ) {
        let jobs: Vec<_> = work
            .iter()
            .filter_map(|&i| rows.get(i).map(|r| (i, r.clone())))
            .collect();
        let mut results = futures::stream::iter(jobs)
            .map(|(i, row)| async move { (i, self.write(&row, limiter).await) })
            .buffer_unordered(self.concurrency.max(1));
        while let Some((i, result)) = results.next().await {
            let Some(row) = rows.get_mut(i) else { continue };
            match result {
                WriteResult::Submitted(id) => {
                    row.outcome = Outcome::Submitted;
                    row.request_id = id;
                    if row.action == Action::Remove {
                        progress.removed += 1;
                    } else {
                        progress.created += 1;
                    }
                }
                WriteResult::AlreadyThere(reason, e) => {
                    row.action = Action::Skip(reason);
                    row.outcome = Outcome::Skipped;
                    row.error_code = e.code().map(ToString::to_string);
                }
                WriteResult::Rejoined => {
                    row.action = Action::Skip(SkipReason::RejoinedSource);
                    row.outcome = Outcome::Skipped;
                }
                WriteResult::Failed(e) => {
                    row.outcome = Outcome::Failed;
                    row.set_error(&e);
                    progress.failed += 1;
                }
            }
            progress.done += 1;
            self.report_progress(progress, limiter.limit());
        }
    }

    fn report_progress(&self, progress: &mut Progress, concurrency: usize) {
        progress.concurrency = concurrency;
        progress.throttled = self.transport.run_throttled_count();
        if let Some(cb) = &self.on_progress {
            cb(progress);
        }
    }

    /// How long to wait before trying a throttled write again, or `None`
    /// to give up: after [`THROTTLE_ROUNDS`], or when Graph asks for a
    /// longer wait than the client's `max_retry_after` (the row then fails
    /// as throttled instead of stalling the run).
    fn throttle_pause(&self, e: &Error, rounds_done: u32) -> Option<Duration> {
        if rounds_done >= THROTTLE_ROUNDS {
            return None;
        }
        let limit = self.transport.retry.retry_after_limit();
        match e.retry_after() {
            Some(hint) if hint > limit => None,
            Some(hint) => Some(hint),
            None => Some((Duration::from_millis(500) * (rounds_done + 1)).min(limit)),
        }
    }

    /// One try of one write, holding a concurrency slot. A removal first
    /// reads the source again and sends nothing for a person back in it.
    async fn attempt(&self, row: &ReportRow) -> std::result::Result<WriteResult, Error> {
        match row.action {
            Action::Remove => {
                let Some(a) = &row.assignment_id else {
                    return Ok(WriteResult::Failed(Error::invalid_input(
                        "removal",
                        "names no assignment",
                    )));
                };
                match self
                    .source
                    .contains_now(&self.transport, &row.user_id)
                    .await
                {
                    Ok(true) => return Ok(WriteResult::Rejoined),
                    Ok(false) => {}
                    // Nothing was sent: the person keeps their assignment.
                    Err(e) => return Ok(WriteResult::Failed(e)),
                }
                writes::admin_remove(&self.transport, a, self.template.justification.as_deref())
                    .await
                    .map(|r| WriteResult::Submitted(non_empty(r.id)))
            }
            _ => writes::admin_add(&self.transport, &self.template, &row.user_id)
                .await
                .map(|r| WriteResult::Submitted(non_empty(r.id))),
        }
    }

    /// One write, ridden through throttling (without holding a slot while
    /// waiting), re-checked when its answer was lost.
    async fn write(&self, row: &ReportRow, limiter: &AdaptiveLimiter) -> WriteResult {
        let mut round = 0;
        loop {
            let permit = limiter.acquire().await;
            let attempt = self.attempt(row).await;
            limiter.release(permit, matches!(attempt, Ok(WriteResult::Submitted(_))));
            let e = match attempt {
                Ok(done) => return done,
                Err(e) => e,
            };
            if e.is_throttled() {
                match self.throttle_pause(&e, round) {
                    Some(pause) => {
                        round += 1;
                        tracing::debug!(user = %row.user_id, round, ?pause, "write throttled; trying again");
                        tokio::time::sleep(pause).await;
                        continue;
                    }
                    None => {
                        tracing::warn!(user = %row.user_id, retry_after = ?e.retry_after(), "write throttled for longer than allowed; giving up on it");
                        return WriteResult::Failed(e);
                    }
                }
            }
            if e.may_have_been_processed() {
                return self.recheck(row, e).await;
            }
            if row.action == Action::Remove {
                return WriteResult::Failed(e);
            }
            return match RequestProblem::of(&e) {
                RequestProblem::ExistingOpenRequest => {
                    WriteResult::AlreadyThere(SkipReason::OpenRequest(RequestState::Submitted), e)
                }
                RequestProblem::AlreadyAssigned => {
                    WriteResult::AlreadyThere(SkipReason::AlreadyDelivered, e)
                }
                _ => WriteResult::Failed(e),
            };
        }
    }

    async fn recheck(&self, row: &ReportRow, original: Error) -> WriteResult {
        let package = &self.template.package;
        let found: Result<Option<Found>> = match (&row.action, &row.assignment_id) {
            (Action::Remove, Some(a)) => {
                existing_remove(&self.transport, package, a, &row.user_id).await
            }
            _ => existing_add(&self.transport, package, &row.user_id).await,
        };
        match found {
            Ok(Some(Found::Request(id))) => {
                tracing::info!(user = %row.user_id, request = %id, "lost answer: request found on re-check");
                WriteResult::Submitted(Some(id))
            }
            Ok(Some(Found::Done)) => WriteResult::Submitted(None),
            Ok(None) => WriteResult::Failed(original),
            Err(e) => {
                tracing::warn!(user = %row.user_id, error = %e, "re-check failed");
                WriteResult::Failed(original)
            }
        }
    }

    /// Follows every submitted request to its final state.
    async fn follow(
        &self,
        rows: &mut [ReportRow],
        progress: &mut Progress,
        limiter: &AdaptiveLimiter,
    ) {
        let jobs: Vec<(usize, AssignmentRequestId)> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.outcome == Outcome::Submitted)
            .filter_map(|(i, r)| r.request_id.clone().map(|id| (i, id)))
            .collect();
        let transport = &self.transport;
        let mut results = futures::stream::iter(jobs)
            .map(|(i, id)| async move { (i, writes::wait_until_final(transport, &id).await) })
            .buffer_unordered(self.concurrency.max(1));
        while let Some((i, result)) = results.next().await {
            let Some(row) = rows.get_mut(i) else { continue };
            match result {
                Ok(r) => {
                    row.outcome = match r.state {
                        Some(RequestState::Delivered) => Outcome::Delivered,
                        Some(s) => Outcome::NotDelivered(s),
                        None => Outcome::Submitted,
                    };
                }
                Err(e) => row.set_error(&e),
            }
            progress.finalized += 1;
            self.report_progress(progress, limiter.limit());
        }
    }
}

fn non_empty(id: AssignmentRequestId) -> Option<AssignmentRequestId> {
    (!id.as_str().is_empty()).then_some(id)
}
