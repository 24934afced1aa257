//! The engine every write workflow runs on (bulk runs, sync apply): writes
//! with bounded, adaptive concurrency, adds before removals, throttled
//! writes tried again without holding a slot, re-checks after lost answers,
//! a graceful stop, and optional following of each request to its end.
//!
//! The engine reports through [`Events`]; a driver ([`BulkRun`](super::BulkRun),
//! sync's apply) turns them into report rows.

mod job;
mod stop;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

pub(crate) use job::{CallIds, Event, Events, Job, Write, WriteResult};
pub(crate) use stop::Stop;

use super::limiter::AdaptiveLimiter;
use super::plan::SkipReason;
use super::recheck::{existing_add, existing_remove, Found};
use super::report::Progress;
use super::source::Source;
use entra_access::api::Target;
use entra_access::error::Error;
use entra_access::models::AssignmentRequestId;
use entra_access::request::RequestOptions;
use entra_access::Client;

/// How often one write is tried again after the transport's own retries ran
/// out on throttling (a 429 means Graph did not process it).
const THROTTLE_ROUNDS: u32 = 8;

/// The progress callback.
pub(crate) type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Default number of writes in flight of a bulk run, a bulk apply or a
/// sync apply.
pub const DEFAULT_WRITE_CONCURRENCY: usize = 8;
/// The most writes in flight a caller may ask for.
pub const MAX_WRITE_CONCURRENCY: usize = 64;

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

/// How a bulk run acts, whichever builder started it.
#[derive(Clone)]
pub(crate) struct RunSettings {
    pub(crate) concurrency: usize,
    pub(crate) wait_for_delivery: bool,
    pub(crate) on_progress: Option<ProgressFn>,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_WRITE_CONCURRENCY,
            wait_for_delivery: false,
            on_progress: None,
        }
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
    /// Re-read right before each removal of a user: whoever is back in it
    /// keeps their assignment.
    pub(crate) source: Option<Source>,
    pub(crate) concurrency: usize,
    pub(crate) wait_for_delivery: bool,
    /// After a lost answer whose re-check found nothing, send the add once
    /// more (sync); otherwise the row fails and a re-run picks it up (bulk).
    pub(crate) resend_lost_adds: bool,
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
                    WriteResult::AlreadyThere(..) | WriteResult::Rejoined => {}
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
        if self.wait_for_delivery {
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
    /// row's `client-request-id`. A removal of a user first reads the
    /// source again and sends nothing for a person back in it.
    async fn attempt(&self, job: &Job, sent_id: &str, stop: &Stop) -> Attempt {
        let options = RequestOptions::new().client_request_id(sent_id);
        let sent = match &job.write {
            Write::Remove { request, .. } => {
                if let (Some(source), Target::User(person)) = (&self.source, &job.person) {
                    match source.contains_now(&self.client, person).await {
                        Ok(true) => {
                            return Attempt::Done(WriteResult::Rejoined, CallIds::default())
                        }
                        Ok(false) => {}
                        // Nothing was sent: the person keeps their assignment.
                        Err(e) => return Attempt::Done(WriteResult::Failed(e), CallIds::default()),
                    }
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
    /// waiting), re-checked when its answer was lost. `None`: stopped before
    /// anything Graph processed was sent.
    async fn write(
        &self,
        job: &Job,
        limiter: &AdaptiveLimiter,
        stop: &Stop,
    ) -> Option<(WriteResult, CallIds)> {
        let sent_id = uuid::Uuid::new_v4().to_string();
        let mut round = 0;
        let mut resent = false;
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
                match self.recheck(job).await {
                    Recheck::Found(found) => return Some((found, call)),
                    Recheck::Nothing if self.resend_lost_adds && !resent && !job.is_removal() => {
                        tracing::info!(person = ?job.person, "lost answer, nothing found on re-check: sending once more");
                        resent = true;
                        continue;
                    }
                    Recheck::Nothing | Recheck::Unknown => {
                        return Some((WriteResult::Failed(e), call))
                    }
                }
            }
            if job.is_removal() {
                return Some((WriteResult::Failed(e), call));
            }
            let result = if e.is_request_already_open() {
                WriteResult::AlreadyThere(SkipReason::RequestAlreadyOpen, e)
            } else if e.is_already_assigned() {
                WriteResult::AlreadyThere(SkipReason::AlreadyDelivered, e)
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

    /// Follows every submitted request to its final state, until stopped.
    async fn follow(
        &self,
        submitted: Vec<(usize, AssignmentRequestId)>,
        stop: &Stop,
        events: &Events,
        progress: &mut Progress,
        limiter: &AdaptiveLimiter,
    ) {
        let client = &self.client;
        let mut results = futures::stream::iter(submitted)
            .map(|(i, id)| async move {
                let result = client
                    .assignment_requests()
                    .wait_until_final(id)
                    .send()
                    .await;
                (i, result)
            })
            .buffer_unordered(self.concurrency.max(1))
            .take_until(Box::pin(stop.raised()));
        while let Some((job, result)) = results.next().await {
            events.push(Event::Followed {
                job,
                result: Box::new(result),
            });
            progress.finalized += 1;
            self.report_progress(progress, limiter.limit());
        }
    }
}

fn non_empty(id: AssignmentRequestId) -> Option<AssignmentRequestId> {
    (!id.as_str().is_empty()).then_some(id)
}
