//! Applying a reviewed plan: check it still describes the tenant, then do
//! exactly its actions on the bulk engine (adaptive concurrency through
//! the client's one throttle gate, re-checks after lost answers).

use super::desired::DesiredState;
use super::error::{ConfigError, StaleChange, SyncError};
use super::plan_file::{
    ActionKind, PackagePlan, PlanTarget, SyncAction, SyncPlan, SYNC_PLAN_FORMAT_VERSION,
};
use super::report::{SyncOutcome, SyncReport, SyncRow};
use crate::execute::{
    concurrency_problem, CallIds, Event, Events, Execution, Job, Stop, Write, WriteResult,
};
use crate::writes::admin_remove;
use crate::Observed;
use crate::{PackageFacts, DEFAULT_WRITE_CONCURRENCY};
use entra_access::api::{AdminAdd, Target};
use entra_access::{Client, Error};

/// Applies a [`SyncPlan`]; see [`apply`](super::apply).
///
/// ```
/// use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};
/// use entra_access_ops::sync::{self, DesiredState, SyncError};
///
/// # tokio_test(async {
/// let fake = FakeGraph::start().await;
/// let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
/// fake.add_policy(PolicySeed::new("Direct", &pkg));
/// let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
/// let client = fake.client()?;
/// let desired = DesiredState::from_toml_str(&format!("[[package]]\nname = \"Marketing\"\nusers = [\"{ada}\"]\n"))?;
///
/// let plan = sync::plan(&client, &desired).await?;
/// let report = sync::apply(&client, plan.clone()).concurrency(4).run().await?;
/// assert!(report.all_ok() && report.rows.len() == 1);
///
/// // The same plan again: the tenant moved, so it is refused.
/// let err = sync::apply(&client, plan).run().await.unwrap_err();
/// assert!(matches!(err, SyncError::StalePlan { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// # fn tokio_test<F: std::future::Future<Output = Result<(), Box<dyn std::error::Error>>>>(f: F) {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f).unwrap()
/// # }
/// ```
#[derive(Clone, Debug)]
#[must_use = "an apply does nothing until run"]
pub struct Apply {
    client: Client,
    plan: SyncPlan,
    concurrency: usize,
    replan: Option<DesiredState>,
}

impl Apply {
    pub(crate) fn new(client: &Client, plan: SyncPlan) -> Self {
        Self {
            client: client.clone(),
            plan,
            concurrency: DEFAULT_WRITE_CONCURRENCY,
            replan: None,
        }
    }

    /// At most this many writes in flight (1 to 64, default 8). A 429
    /// pauses every request of the client and halves the writes in flight;
    /// successes grow them back, as in a bulk run.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }

    /// When the plan is stale, plan again from `desired` and apply that
    /// new plan (the report says so) instead of refusing. The new plan was
    /// not reviewed: use this only where that is acceptable.
    pub fn replan_if_stale(mut self, desired: DesiredState) -> Self {
        self.replan = Some(desired);
        self
    }

    /// The refusals that need no Graph call: another format version,
    /// another base URL, a bad concurrency.
    fn check_offline(&self) -> Result<(), SyncError> {
        if self.plan.format_version != SYNC_PLAN_FORMAT_VERSION {
            return Err(SyncError::PlanVersion {
                found: u64::from(self.plan.format_version),
                expected: SYNC_PLAN_FORMAT_VERSION,
            });
        }
        let client = self.client.base_url().to_string();
        if self.plan.base_url != client {
            return Err(SyncError::PlanBaseUrl {
                planned: self.plan.base_url.clone(),
                client,
            });
        }
        if let Some(problem) = concurrency_problem(self.concurrency) {
            return Err(ConfigError::Invalid {
                place: "apply".into(),
                field: "concurrency",
                problem,
            }
            .into());
        }
        Ok(())
    }

    /// Re-reads every package of the plan and compares what it observed;
    /// `Err(StalePlan)` names each package that moved. Writes nothing.
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client, plan: entra_access_ops::sync::SyncPlan) -> Result<(), entra_access_ops::sync::SyncError> {
    /// entra_access_ops::sync::apply(&client, plan).check().await?;
    /// # Ok(()) }
    /// ```
    pub async fn check(&self) -> Result<(), SyncError> {
        self.check_offline()?;
        self.check_fresh().await
    }

    /// Re-reads every package of the plan: `Err(StalePlan)` names each
    /// package that moved.
    async fn check_fresh(&self) -> Result<(), SyncError> {
        let packages = self
            .plan
            .packages
            .iter()
            .map(|p| p.access_package.clone())
            .collect();
        let now = PackageFacts::gather_all(&self.client, packages).await?;
        let changes: Vec<StaleChange> = self
            .plan
            .packages
            .iter()
            .zip(&now)
            .filter_map(|(planned, facts)| {
                let current = Observed::of(facts);
                (current.fingerprint != planned.observed.fingerprint).then(|| StaleChange {
                    access_package: planned.access_package.clone(),
                    label: planned.label.clone(),
                    summary: planned.observed.describe_change(&current),
                })
            })
            .collect();
        if changes.is_empty() {
            Ok(())
        } else {
            Err(SyncError::StalePlan { changes })
        }
    }

    /// Checks the plan (format version, base URL, nothing moved), then
    /// sends exactly its actions and reports one row per action. Per-action
    /// failures are rows, not `Err`; `Err` means nothing was written.
    pub async fn run(self) -> Result<SyncReport, SyncError> {
        self.check_offline()?;
        let (plan, replanned) = match self.check_fresh().await {
            Ok(()) => (self.plan, false),
            Err(SyncError::StalePlan { changes }) => match &self.replan {
                Some(desired) => {
                    tracing::info!(packages = changes.len(), "plan is stale; planning again");
                    (super::plan(&self.client, desired).await?, true)
                }
                None => return Err(SyncError::StalePlan { changes }),
            },
            Err(e) => return Err(e),
        };
        let rows = execute(&self.client, &plan, self.concurrency).await;
        Ok(SyncReport { rows, replanned })
    }
}

/// Runs every action of `plan` on the bulk engine (adaptive concurrency up
/// to `concurrency`, adds before removals, throttled writes tried again,
/// re-checks after lost answers); rows come back in plan order.
async fn execute(client: &Client, plan: &SyncPlan, concurrency: usize) -> Vec<SyncRow> {
    let mut rows = Vec::new();
    let (mut jobs, mut job_rows) = (Vec::new(), Vec::new());
    for (package, action) in plan.actions() {
        let mut row = SyncRow::new(package, action);
        let person: Target = match &action.target {
            PlanTarget::User(id) => Target::user(id.clone()),
            PlanTarget::Email(e) => Target::email(e.clone()).into(),
        };
        let write = match (action.kind, &action.assignment_id) {
            (ActionKind::Add, _) => Write::Add(admin_add(client, package, person.clone())),
            (ActionKind::Remove, Some(a)) => Write::Remove {
                assignment: a.clone(),
                request: admin_remove(client, a, package.settings.justification.as_deref()),
            },
            (ActionKind::Remove, None) => {
                row.fail(&crate::invalid_input(
                    "removal",
                    "names no assignment; the plan file was edited",
                ));
                rows.push(row);
                continue;
            }
        };
        jobs.push(Job {
            package: package.access_package.clone(),
            person,
            write,
        });
        job_rows.push(rows.len());
        rows.push(row);
    }
    let events = Events::default();
    let execution = Execution {
        client: client.clone(),
        throttled_at_start: client.throttled_count(),
        source: None,
        concurrency,
        wait_for_delivery: false,
        // As a sync always did: after a lost answer whose re-check found
        // nothing, the add is sent once more.
        resend_lost_adds: true,
        on_progress: None,
    };
    execution.run(jobs, Stop::default(), events.clone()).await;
    for event in events.take() {
        // A sync never stops its run (nothing raises its `Stop`), so no
        // write is left `NotStarted`, and it follows no request.
        let Event::Written { job, result, call } = event else {
            continue;
        };
        if let Some(row) = job_rows.get(job).and_then(|&r| rows.get_mut(r)) {
            row.record(result, &call);
        }
    }
    rows
}

/// The `adminAdd` of one add, with the package's settings.
fn admin_add(client: &Client, package: &PackagePlan, target: Target) -> AdminAdd {
    let s = &package.settings;
    let mut add =
        client
            .assignment_requests()
            .admin_add(&package.access_package, &package.policy, target);
    add = add.set_justification(s.justification.clone());
    if let Some(d) = s.duration {
        add = add.duration(d);
    } else if let Some(end) = s.end {
        add = add.ends_at(end);
    }
    add
}

impl SyncRow {
    /// A row for `action`, before it runs.
    fn new(package: &PackagePlan, action: &SyncAction) -> Self {
        Self {
            access_package: package.access_package.clone(),
            package_label: package.label.clone(),
            target: action.target.clone(),
            action: action.kind,
            assignment_id: action.assignment_id.clone(),
            outcome: SyncOutcome::Failed,
            request_id: None,
            error_code: None,
            error_message: None,
            http_status: None,
            graph_request_id: None,
            client_request_id: None,
        }
    }

    fn fail(&mut self, e: &Error) {
        self.outcome = SyncOutcome::Failed;
        self.error_code = e.code().map(ToString::to_string);
        self.error_message = Some(e.to_string());
    }

    /// What the engine made of the write.
    fn record(&mut self, result: WriteResult, call: &CallIds) {
        self.graph_request_id.clone_from(&call.graph_request_id);
        self.client_request_id.clone_from(&call.client_request_id);
        self.http_status = call.http_status;
        match result {
            WriteResult::Submitted(id) => {
                self.outcome = SyncOutcome::Submitted;
                self.request_id = id;
            }
            WriteResult::AlreadyThere(_, e) => self.already_done(&e),
            // A removal whose assignment is already gone.
            WriteResult::Failed(e) if self.action == ActionKind::Remove && e.is_not_found() => {
                self.already_done(&e);
            }
            WriteResult::Failed(e) => self.fail(&e),
            WriteResult::Rejoined => self.outcome = SyncOutcome::AlreadyDone,
        }
    }

    fn already_done(&mut self, e: &Error) {
        self.outcome = SyncOutcome::AlreadyDone;
        self.error_code = e.code().map(ToString::to_string);
    }
}
