//! The one engine every plan runs on (a bulk run, a stored plan, a
//! desired-state file's): writes with bounded, adaptive concurrency, adds
//! before removals, each removal after re-reading its source, throttled
//! writes tried again without holding a slot, re-checks after lost answers
//! (never a second add), a graceful stop, and optional following of each
//! request within an overall budget.
//!
//! The engine reports through [`Events`]; the [`Run`](super::Run) turns
//! them into report rows.

mod job;
mod stop;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;

pub(crate) use job::{CallIds, Event, Events, Followed, Job, Write, WriteResult};
pub(crate) use stop::Stop;

use super::limiter::AdaptiveLimiter;
use super::plan::SkipReason;
use super::recheck::{existing_add, existing_remove, Found};
use super::report::Progress;
use entra_access::error::Error;
use entra_access::models::{AssignmentRequestId, RequestState};
use entra_access::request::RequestOptions;
use entra_access::Client;

/// How often one write is tried again after the transport's own retries ran
/// out on throttling (a 429 means Graph did not process it).
const THROTTLE_ROUNDS: u32 = 8;

/// The progress callback.
pub(crate) type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Default number of writes in flight of a run.
pub const DEFAULT_WRITE_CONCURRENCY: usize = 8;
/// The most writes in flight a caller may ask for.
pub const MAX_WRITE_CONCURRENCY: usize = 64;
/// How long a run follows its requests in all (with `wait_for_delivery`)
/// unless told otherwise: 10 minutes.
pub const DEFAULT_DELIVERY_BUDGET: Duration = Duration::from_secs(600);

/// What is wrong with `n` writes in flight, if anything.
pub(crate) fn concurrency_problem(n: usize) -> Option<String> {
    (!(1..=MAX_WRITE_CONCURRENCY).contains(&n))
        .then(|| format!("must be 1 to {MAX_WRITE_CONCURRENCY}, not {n}"))
}

/// Refuses a number of writes in flight out of range (`InvalidInput`).
pub(crate) fn check_concurrency(n: usize) -> entra_access::Result<()> {
    match concurrency_problem(n) {
        Some(problem) => Err(crate::invalid_input("concurrency", problem)),
        None => Ok(()),
    }
}

/// How a run acts, whichever builder started it.
#[derive(Clone)]
pub(crate) struct RunSettings {
    pub(crate) concurrency: usize,
    pub(crate) wait_for_delivery: bool,
    pub(crate) delivery_budget: Duration,
    pub(crate) on_progress: Option<ProgressFn>,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_WRITE_CONCURRENCY,
            wait_for_delivery: false,
            delivery_budget: DEFAULT_DELIVERY_BUDGET,
            on_progress: None,
        }
    }
}

impl std::fmt::Debug for RunSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunSettings")
            .field("concurrency", &self.concurrency)
            .field("wait_for_delivery", &self.wait_for_delivery)
            .field("delivery_budget", &self.delivery_budget)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

/// Everything a run needs besides its jobs.
pub(crate) struct Execution {
    /// The run's client.
    pub(crate) client: Client,
    /// The client's 429 count when the run began: the run's own are those
    /// counted since (other work on the same client at the same time,
    /// which shares its throttle gate, counts too).
    pub(crate) throttled_at_start: u64,
    pub(crate) concurrency: usize,
    pub(crate) wait_for_delivery: bool,
    /// How long following every request may take in all.
    pub(crate) delivery_budget: Duration,
    pub(crate) on_progress: Option<ProgressFn>,
}

/// How one try of a write went.
enum Attempt {
    Done(WriteResult, CallIds),
    Failed(Error),
    /// Stopped before anything was sent.
    NotSent,
}

/// What a re-check after a lost answer came to.
enum Recheck {
    Found(WriteResult),
    Nothing,
    /// The lookup failed: whether the write was made is unknown.
    Unknown,
}

impl Execution {
    /// Runs every job — all adds first, then the removals — reporting each
    /// through `events`. Once `stop` is raised no new write is sent; writes
    /// already sent finish, and every other job is reported `NotStarted`.
    pub(crate) async fn run(self, jobs: Vec<Job>, stop: Stop, events: Events) {
        let counter = self.client.clone();
        let limiter = AdaptiveLimiter::new(
            self.concurrency,
            Arc::new(move || counter.throttled_count()),
        );
        let mut progress = Progress {
            total: jobs.len(),
            concurrency: limiter.limit(),
            throttled: self.run_throttled(),
            ..Progress::default()
        };
        let mut submitted = Vec::new();
        let (removals, adds): (Vec<_>, Vec<_>) = jobs
            .into_iter()
            .enumerate()
            .partition(|(_, j)| j.is_removal());
        let this = &self;
        for phase in [adds, removals] {
            let mut results = futures::stream::iter(phase)
                .map(|(i, job)| {
                    let (limiter, stop) = (&limiter, &stop);
                    async move {
                        let done = this.write(&job, limiter, stop).await;
                        (i, job, done)
                    }
                })
                .buffer_unordered(self.concurrency.max(1));
            while let Some((i, job, done)) = results.next().await {
                let Some((result, call)) = done else {
                    events.push(Event::NotStarted { job: i });
                    continue;
                };
                match &result {
                    WriteResult::Submitted(id) => {
                        if job.is_removal() {
                            progress.removed += 1;
                        } else {
                            progress.created += 1;
                        }
                        if let Some(id) = id {
                            submitted.push((i, id.clone()));
                        }
                    }
                    WriteResult::Failed(_) => progress.failed += 1,
                    WriteResult::AlreadyDone(..) => {}
                }
                events.push(Event::Written {
                    job: i,
                    result,
                    call,
                });
                progress.done += 1;
                self.report_progress(&mut progress, limiter.limit());
            }
        }
        if self.wait_for_delivery && !stop.is_raised() {
            self.follow(submitted, &stop, &events, &mut progress, &limiter)
                .await;
        }
    }

    /// The 429s the client counted since the run began.
    fn run_throttled(&self) -> u64 {
        self.client
            .throttled_count()
            .saturating_sub(self.throttled_at_start)
    }

    fn report_progress(&self, progress: &mut Progress, concurrency: usize) {
        progress.concurrency = concurrency;
        progress.throttled = self.run_throttled();
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
        let limit = self.client.retry_policy().retry_after_limit();
        match e.retry_after() {
            Some(hint) if hint > limit => None,
            Some(hint) => Some(hint),
            None => Some((Duration::from_millis(500) * (rounds_done + 1)).min(limit)),
        }
    }

    /// One try of one write, holding a concurrency slot, sent with the
    /// row's `client-request-id`. A removal first reads the source again
    /// and sends nothing for a person back in it.
    async fn attempt(&self, job: &Job, sent_id: &str, stop: &Stop) -> Attempt {
        let options = RequestOptions::new().client_request_id(sent_id);
        let sent = match &job.write {
            Write::Remove { request, .. } => {
                match job.source.contains_now(&self.client, &job.person).await {
                    Ok(true) => {
                        return Attempt::Done(
                            WriteResult::AlreadyDone(SkipReason::RejoinedSource, None),
                            CallIds::default(),
                        )
                    }
                    Ok(false) => {}
                    // Nothing was sent: the person keeps their assignment.
                    Err(e) => return Attempt::Done(WriteResult::Failed(e), CallIds::default()),
                }
                if stop.is_raised() {
                    return Attempt::NotSent;
                }
                request.clone().options(options).send_with_meta().await
            }
            Write::Add(add) => add.clone().options(options).send_with_meta().await,
        };
        match sent {
            Ok(answer) => {
                let (request, meta) = answer.into_parts();
                Attempt::Done(
                    WriteResult::Submitted(non_empty(request.id)),
                    CallIds::of_answer(&meta, sent_id),
                )
            }
            Err(e) => Attempt::Failed(e),
        }
    }

    /// One write, ridden through throttling (without holding a slot while
    /// waiting), re-checked when its answer was lost and never sent again
    /// then: a request Graph made but does not list yet would reach the
    /// approvers twice. `None`: stopped before anything Graph processed
    /// was sent.
    async fn write(
        &self,
        job: &Job,
        limiter: &AdaptiveLimiter,
        stop: &Stop,
    ) -> Option<(WriteResult, CallIds)> {
        let sent_id = uuid::Uuid::new_v4().to_string();
        let mut round = 0;
        loop {
            let permit = stop.unless_raised(limiter.acquire()).await?;
            let attempt = self.attempt(job, &sent_id, stop).await;
            let accepted = matches!(attempt, Attempt::Done(WriteResult::Submitted(_), _));
            limiter.release(permit, accepted);
            let e = match attempt {
                Attempt::Done(result, call) => return Some((result, call)),
                Attempt::NotSent => return None,
                Attempt::Failed(e) => e,
            };
            let call = CallIds::of_error(&e, &sent_id);
            if e.is_throttled() {
                if let Some(pause) = self.throttle_pause(&e, round) {
                    round += 1;
                    tracing::debug!(person = ?job.person, round, ?pause, "write throttled; trying again");
                    // Graph did not process a throttled write: a stop
                    // during the pause leaves it not started.
                    stop.unless_raised(tokio::time::sleep(pause)).await?;
                    continue;
                }
                tracing::warn!(person = ?job.person, retry_after = ?e.retry_after(), "write throttled for longer than allowed; giving up on it");
                return Some((WriteResult::Failed(e), call));
            }
            if e.may_have_been_processed() {
                return match self.recheck(job).await {
                    Recheck::Found(found) => Some((found, call)),
                    // Not sent again: the row fails, and a later run finds
                    // (and skips) what this write may have made.
                    Recheck::Nothing | Recheck::Unknown => Some((WriteResult::Failed(e), call)),
                };
            }
            if job.is_removal() {
                if e.is_not_found() {
                    // The assignment is gone already: nothing to remove.
                    return Some((
                        WriteResult::AlreadyDone(SkipReason::AlreadyRemoved, Some(e)),
                        call,
                    ));
                }
                return Some((WriteResult::Failed(e), call));
            }
            let result = if e.is_request_already_open() {
                WriteResult::AlreadyDone(SkipReason::RequestAlreadyOpen, Some(e))
            } else if e.is_already_assigned() {
                WriteResult::AlreadyDone(SkipReason::AlreadyDelivered, Some(e))
            } else {
                WriteResult::Failed(e)
            };
            return Some((result, call));
        }
    }

    /// After a lost answer: what the write would have made, if it exists.
    async fn recheck(&self, job: &Job) -> Recheck {
        let found = match &job.write {
            Write::Remove { assignment, .. } => {
                existing_remove(&self.client, &job.package, assignment, &job.person).await
            }
            Write::Add(_) => existing_add(&self.client, &job.package, &job.person).await,
        };
        match found {
            Ok(Some(Found::Request(id))) => {
                tracing::info!(person = ?job.person, request = %id, "lost answer: request found on re-check");
                Recheck::Found(WriteResult::Submitted(Some(id)))
            }
            Ok(Some(Found::Done)) => Recheck::Found(WriteResult::Submitted(None)),
            Ok(None) => Recheck::Nothing,
            Err(e) => {
                tracing::warn!(person = ?job.person, error = %e, "re-check failed");
                Recheck::Unknown
            }
        }
    }

    /// Follows every submitted request until it is final, waiting for an
    /// approver (`pendingApproval`: a human decides, so it is not followed
    /// further), or scheduled for later; all within the run's delivery
    /// budget, and until stopped. When the budget runs out, each request
    /// still followed is reported open in the last state seen.
    async fn follow(
        &self,
        submitted: Vec<(usize, AssignmentRequestId)>,
        stop: &Stop,
        events: &Events,
        progress: &mut Progress,
        limiter: &AdaptiveLimiter,
    ) {
        let client = &self.client;
        let last: Mutex<HashMap<usize, RequestState>> = Mutex::new(HashMap::new());
        let seen = |job: usize, state: &RequestState| {
            if let Ok(mut map) = last.lock() {
                map.insert(job, state.clone());
            }
        };
        let budget = self.delivery_budget;
        let mut pending: Vec<usize> = submitted.iter().map(|(i, _)| *i).collect();
        let mut results = futures::stream::iter(submitted)
            .map(|(i, id)| {
                let seen = &seen;
                async move {
                    let mut changes = client
                        .assignment_requests()
                        .watch(id)
                        .stop_when_scheduled(true)
                        .timeout(budget);
                    let mut state = RequestState::Submitted;
                    while let Some(next) = changes.next().await {
                        match next {
                            Ok(r) => {
                                let Some(s) = r.state else { continue };
                                seen(i, &s);
                                if s.is_final() {
                                    return (i, Followed::Final(s));
                                }
                                if s == RequestState::PendingApproval {
                                    return (i, Followed::StillOpen(s));
                                }
                                state = s;
                            }
                            Err(e) if e.is_timeout() => return (i, Followed::StillOpen(state)),
                            Err(e) => return (i, Followed::Failed(e)),
                        }
                    }
                    (i, Followed::StillOpen(state))
                }
            })
            .buffer_unordered(self.concurrency.max(1))
            .take_until(Box::pin(stop.raised()))
            .take_until(Box::pin(tokio::time::sleep(budget)));
        while let Some((job, result)) = results.next().await {
            pending.retain(|&j| j != job);
            events.push(Event::Followed {
                job,
                result: Box::new(result),
            });
            progress.finalized += 1;
            self.report_progress(progress, limiter.limit());
        }
        drop(results);
        if stop.is_raised() {
            // Stopped: the rows say `Submitted`, as they are.
            return;
        }
        // The budget ran out: each request still followed is open.
        let last = last.into_inner().unwrap_or_else(|p| p.into_inner());
        for job in pending {
            let state = last.get(&job).cloned().unwrap_or(RequestState::Submitted);
            events.push(Event::Followed {
                job,
                result: Box::new(Followed::StillOpen(state)),
            });
        }
    }
}

fn non_empty(id: AssignmentRequestId) -> Option<AssignmentRequestId> {
    (!id.as_str().is_empty()).then_some(id)
}
