//! A run as a stream of report rows, with a graceful stop: the one way
//! every plan is carried out.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use futures::{Stream, StreamExt};

use super::execute::{
    Event, Events, Execution, Followed, Job, RunSettings, Stop, Write, WriteResult,
};
use super::plan::{Action, Plan, Warning};
use super::report::{Outcome, Report, Row};
use super::writes::{admin_add, admin_remove};
use entra_access::models::RequestState;
use entra_access::Client;

type Engine = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A run in progress, from [`BulkAssign::start`](super::BulkAssign::start)
/// or [`Apply::start`](super::Apply::start): a [`Stream`] of [`Row`]s, one
/// per item of the plan, each yielded once, when its outcome for this run
/// is final.
///
/// - Rows that need no write (skips, reports) come first, in plan order.
/// - Then each write's row as the write finishes (adds of every package
///   before any removal; in completion order). With
///   [`wait_for_delivery`](super::Apply::wait_for_delivery), a row whose
///   request was accepted comes once the request is followed.
/// - After a [`stop`](Self::stop), the rows of writes never sent, as
///   [`Outcome::NotStarted`].
///
/// The run is lazy, like every stream of this crate: writes make progress
/// while the stream (or [`finish`](Self::finish))
/// is polled. It spawns no task: dropping it cancels what is in flight
/// (the answer of a write sent but not yet answered is then unknown; a
/// re-run finds and skips what was made), and logs a warning
/// (`tracing::warn!`) with how many writes were never reported. End a run
/// with [`stop`](Self::stop) (or a [`StopHandle`] and then
/// [`finish`](Self::finish)) instead: writes in flight finish and every
/// row is reported.
///
/// ```
/// use futures::StreamExt;
/// use entra_access_fake::{AccessPackageSeed, FakeGraph, GroupSeed, PolicySeed, UserSeed};
/// use entra_access_ops::Outcome;
///
/// # tokio_test(async {
/// let fake = FakeGraph::start().await;
/// let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
/// let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
/// let users: Vec<_> = (0..4).map(|i| fake.add_user(UserSeed::new(&format!("User {i}")))).collect();
/// let group = fake.add_group(GroupSeed::new("Team").members(&users));
/// let client = fake.client()?;
///
/// let mut run = entra_access_ops::BulkAssign::group(&client, &pkg, &policy, &group)
///     .concurrency(1)
///     .start()
///     .await?;
/// // Take the first row, then stop: in-flight writes finish, no new one starts.
/// let first = run.next().await.expect("a row");
/// assert_eq!(first.outcome, Outcome::Submitted);
/// let report = run.stop().await;
/// assert_eq!(report.rows.len(), 4);
/// assert_eq!(
///     report.totals().created + report.totals().not_started,
///     4,
///     "every person is either requested or left not started"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// # fn tokio_test<F: std::future::Future<Output = Result<(), Box<dyn std::error::Error>>>>(f: F) {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f).unwrap()
/// # }
/// ```
#[must_use = "a run does nothing unless polled, finished or stopped"]
pub struct Run {
    engine: Option<Engine>,
    events: Events,
    rows: Vec<Row>,
    /// The row of each job, by job index.
    job_rows: Vec<usize>,
    /// Rows whose request is being followed.
    following: HashSet<usize>,
    /// Rows final and not yet yielded.
    ready: VecDeque<usize>,
    stop: Stop,
    client: Client,
    /// The client's 429 count when the run began.
    throttled_at_start: u64,
    started: Instant,
    dry_run: bool,
    wait_for_delivery: bool,
    /// The plan run is a fresh one made because the reviewed one was stale.
    replanned: bool,
    /// Writes whose outcome the engine has not reported yet.
    unreported: usize,
    /// The plan's warnings, every package's in order.
    warnings: Vec<Warning>,
}

impl fmt::Debug for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Run")
            .field("rows", &self.rows.len())
            .field("running", &self.engine.is_some())
            .field("stopped", &self.stop.is_raised())
            .field("dry_run", &self.dry_run)
            .finish_non_exhaustive()
    }
}

/// Stops a [`Run`] from anywhere (another task, a Ctrl-C handler):
/// no new write starts, writes in flight finish, and the run's stream then
/// ends with the rows never sent marked [`Outcome::NotStarted`].
///
/// ```no_run
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let run = entra_access_ops::BulkAssign::group(&client, "pkg-1", "pol-1", "grp-1").start().await?;
/// let stop = run.stop_handle();
/// tokio::spawn(async move {
///     let _ = tokio::signal::ctrl_c().await;
///     stop.stop();
/// });
/// let report = run.finish().await;
/// eprintln!("{} not started", report.totals().not_started);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct StopHandle(Stop);

impl StopHandle {
    /// Asks the run to stop (gracefully; see [`StopHandle`]). Idempotent.
    pub fn stop(&self) {
        self.0.raise();
    }

    /// Whether a stop was asked for.
    pub fn is_stopped(&self) -> bool {
        self.0.is_raised()
    }
}

impl Run {
    /// A dry run: every row at once, writes `Planned`.
    pub(crate) fn planned(plan: &Plan, client: Client, started: Instant) -> Self {
        let rows: Vec<Row> = plan
            .items()
            .map(|(p, i)| Row::from_plan(p, i, true))
            .collect();
        Self {
            engine: None,
            events: Events::default(),
            ready: (0..rows.len()).collect(),
            rows,
            job_rows: Vec::new(),
            following: HashSet::new(),
            stop: Stop::default(),
            throttled_at_start: client.throttled_count(),
            client,
            started,
            dry_run: true,
            wait_for_delivery: false,
            replanned: false,
            unreported: 0,
            warnings: plan_warnings(plan),
        }
    }

    /// Starts the writes of `plan` — each add with what its package's
    /// [`spec`](super::PackageSpec) says every add sends, each removal after
    /// re-reading its package's source — on `client` (which builds the
    /// requests and counts the run's 429s), as `settings` say. `started`
    /// is when the run began (planning or checking included). The one way
    /// a run starts.
    pub(crate) fn start(
        plan: &Plan,
        client: Client,
        settings: RunSettings,
        started: Instant,
    ) -> Self {
        let throttled_at_start = client.throttled_count();
        let execution = Execution {
            client: client.clone(),
            throttled_at_start,
            concurrency: settings.concurrency,
            wait_for_delivery: settings.wait_for_delivery,
            delivery_budget: settings.delivery_budget,
            on_progress: settings.on_progress,
        };
        let mut rows = Vec::new();
        let (mut jobs, mut job_rows, mut ready) = (Vec::new(), Vec::new(), VecDeque::new());
        for package in &plan.packages {
            let spec = &package.spec;
            let source = Arc::new(spec.source.clone());
            for item in &package.items {
                let r = rows.len();
                let mut row = Row::from_plan(package, item, false);
                let write = match (&item.action, &item.assignment_id) {
                    (Action::Add, _) => Write::Add(admin_add(&client, spec, &item.person)),
                    (Action::Remove, Some(a)) => Write::Remove {
                        assignment: a.clone(),
                        request: admin_remove(&client, a, spec.justification.as_deref()),
                    },
                    (Action::Remove, None) => {
                        // Refused by the checks of a stored plan; never planned.
                        row.outcome = Outcome::Failed;
                        row.set_error(&crate::invalid_input("removal", "names no assignment"));
                        rows.push(row);
                        ready.push_back(r);
                        continue;
                    }
                    _ => {
                        rows.push(row);
                        ready.push_back(r);
                        continue;
                    }
                };
                rows.push(row);
                jobs.push(Job {
                    package: spec.access_package.clone(),
                    person: item.person.clone(),
                    write,
                    source: Arc::clone(&source),
                });
                job_rows.push(r);
            }
        }
        let unreported = jobs.len();
        let (events, stop) = (Events::default(), Stop::default());
        let wait_for_delivery = execution.wait_for_delivery;
        let engine: Engine = Box::pin(execution.run(jobs, stop.clone(), events.clone()));
        Self {
            engine: Some(engine),
            events,
            rows,
            job_rows,
            following: HashSet::new(),
            ready,
            stop,
            client,
            throttled_at_start,
            started,
            dry_run: false,
            wait_for_delivery,
            replanned: false,
            unreported,
            warnings: plan_warnings(plan),
        }
    }

    /// Marks the run as applying a fresh plan made because the reviewed
    /// one was stale.
    pub(crate) fn replanned(mut self, replanned: bool) -> Self {
        self.replanned = replanned;
        self
    }

    /// Whether this run applies a fresh, unreviewed plan made because the
    /// reviewed one was stale (see
    /// [`Apply::replan_if_stale`](super::Apply::replan_if_stale));
    /// the report says the same ([`Report::replanned`]).
    pub fn is_replanned(&self) -> bool {
        self.replanned
    }

    /// What the plan behind this run warns of, every package's in order
    /// (for instance [`Warning::AddsWaitForApproval`]): the same warnings
    /// as [`PackagePlan::warnings`](crate::PackagePlan::warnings), for a
    /// run that planned itself ([`BulkAssign::start`](crate::BulkAssign::start)).
    ///
    /// ```
    /// use entra_access_fake::{AccessPackageSeed, FakeGraph, GroupSeed, PolicySeed, UserSeed};
    /// use entra_access_ops::Warning;
    ///
    /// # tokio_test(async {
    /// let fake = FakeGraph::start().await;
    /// let pkg = fake.add_access_package(AccessPackageSeed::new("Travel"));
    /// let policy = fake.add_policy(PolicySeed::new("Approved", &pkg).require_approval(true));
    /// let ana = fake.add_user(UserSeed::new("Ana"));
    /// let group = fake.add_group(GroupSeed::new("Team").member(&ana));
    /// let client = fake.client()?;
    ///
    /// let run = entra_access_ops::BulkAssign::group(&client, &pkg, &policy, &group)
    ///     .dry_run(true)
    ///     .start()
    ///     .await?;
    /// assert_eq!(run.warnings(), [Warning::AddsWaitForApproval { adds: 1 }]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # });
    /// # fn tokio_test<F: std::future::Future<Output = Result<(), Box<dyn std::error::Error>>>>(f: F) {
    /// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f).unwrap()
    /// # }
    /// ```
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// A handle that stops this run from elsewhere; see [`StopHandle`].
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(self.stop.clone())
    }

    /// Stops gracefully and returns the partial report: no new write
    /// starts, every write in flight finishes (its row says how), and the
    /// writes never sent are [`Outcome::NotStarted`], so nothing asked for
    /// is silently lost. Requests not yet followed to their end (with
    /// `wait_for_delivery`) stay [`Outcome::Submitted`].
    pub async fn stop(self) -> Report {
        self.stop.raise();
        self.finish().await
    }

    /// Runs to the end (or to a stop asked for through a [`StopHandle`])
    /// and returns the report with every row, including those already
    /// yielded by the stream.
    pub async fn finish(mut self) -> Report {
        while self.next().await.is_some() {}
        let mut report = Report::new(
            std::mem::take(&mut self.rows),
            self.dry_run,
            self.started.elapsed(),
            self.client
                .throttled_count()
                .saturating_sub(self.throttled_at_start),
        );
        report.replanned = self.replanned;
        report
    }

    /// Applies what the engine reported to the rows.
    fn take_events(&mut self) {
        for event in self.events.take() {
            match event {
                Event::Written { job, result, call } => {
                    self.unreported = self.unreported.saturating_sub(1);
                    let Some(&r) = self.job_rows.get(job) else {
                        continue;
                    };
                    let Some(row) = self.rows.get_mut(r) else {
                        continue;
                    };
                    row.set_call(&call);
                    match result {
                        WriteResult::Submitted(id) => {
                            row.outcome = Outcome::Submitted;
                            row.request_id = id;
                        }
                        WriteResult::AlreadyDone(reason, e) => {
                            row.outcome = Outcome::AlreadyDone(reason);
                            row.error_code =
                                e.as_ref().and_then(|e| e.code()).map(ToString::to_string);
                        }
                        WriteResult::Failed(e) => {
                            row.outcome = Outcome::Failed;
                            row.set_error(&e);
                        }
                    }
                    if self.wait_for_delivery
                        && row.outcome == Outcome::Submitted
                        && row.request_id.is_some()
                    {
                        self.following.insert(r);
                    } else {
                        self.ready.push_back(r);
                    }
                }
                Event::NotStarted { job } => {
                    self.unreported = self.unreported.saturating_sub(1);
                    if let Some(&r) = self.job_rows.get(job) {
                        if let Some(row) = self.rows.get_mut(r) {
                            row.outcome = Outcome::NotStarted;
                        }
                        self.ready.push_back(r);
                    }
                }
                Event::Followed { job, result } => {
                    let Some(&r) = self.job_rows.get(job) else {
                        continue;
                    };
                    if let Some(row) = self.rows.get_mut(r) {
                        match *result {
                            Followed::Final(RequestState::Delivered) => {
                                row.outcome = Outcome::Delivered;
                            }
                            Followed::Final(state) => row.outcome = Outcome::NotDelivered(state),
                            Followed::StillOpen(state) => row.outcome = Outcome::StillOpen(state),
                            Followed::Failed(e) => row.set_error(&e),
                        }
                    }
                    if self.following.remove(&r) {
                        self.ready.push_back(r);
                    }
                }
            }
        }
    }
}

impl Stream for Run {
    type Item = Row;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Row>> {
        let this = self.get_mut();
        loop {
            if let Some(r) = this.ready.pop_front() {
                match this.rows.get(r) {
                    Some(row) => return Poll::Ready(Some(row.clone())),
                    None => continue,
                }
            }
            let Some(engine) = this.engine.as_mut() else {
                return Poll::Ready(None);
            };
            let done = engine.as_mut().poll(cx).is_ready();
            this.take_events();
            if done {
                this.engine = None;
                // Requests not followed to their end (stopped): as they are.
                let mut left: Vec<usize> = this.following.drain().collect();
                left.sort_unstable();
                this.ready.extend(left);
            } else if this.ready.is_empty() {
                return Poll::Pending;
            }
        }
    }
}

impl Drop for Run {
    /// A run dropped before its engine finished cancels its writes in
    /// flight: say how many went unreported (some may have reached Graph).
    fn drop(&mut self) {
        if self.engine.is_some() && self.unreported > 0 {
            tracing::warn!(
                unreported = self.unreported,
                "run dropped with writes not reported (some may have been sent; \
                 a re-run finds what was made); end a run with stop() or finish()"
            );
        }
    }
}

/// The warnings of every package of `plan`, in order.
fn plan_warnings(plan: &Plan) -> Vec<Warning> {
    plan.packages
        .iter()
        .flat_map(|p| p.warnings.iter().cloned())
        .collect()
}
