//! Applying a reviewed plan: check it still describes the tenant, then do
//! exactly its actions with bounded concurrency through the client's
//! handles (and its one throttle gate).
//!
//! The bulk engine (`ops::bulk`) will take over the writes once its plans
//! are data too; until then this file holds the few writes a sync needs.

use futures::StreamExt;

use super::desired::DesiredState;
use super::error::{ConfigError, StaleChange, SyncError};
use super::plan_file::{
    ActionKind, PackagePlan, PlanTarget, SyncAction, SyncPlan, SYNC_PLAN_FORMAT_VERSION,
};
use super::report::{SyncOutcome, SyncReport, SyncRow};
use crate::api::{RequestProblem, Submission, Target};
use crate::models::{AssignmentId, AssignmentRequestId};
use crate::ops::{Observed, PackageFacts};
use crate::{Client, Error};

/// Default writes in flight.
pub const DEFAULT_APPLY_CONCURRENCY: usize = 8;
/// Most writes in flight a caller may ask for.
pub const MAX_APPLY_CONCURRENCY: usize = 64;

/// Applies a [`SyncPlan`]; see [`apply`](super::apply).
///
/// ```
/// use entra_access::fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};
/// use entra_access::ops::sync::{self, DesiredState, SyncError};
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
            concurrency: DEFAULT_APPLY_CONCURRENCY,
            replan: None,
        }
    }

    /// At most this many writes in flight (1 to 64, default 8). A 429
    /// still pauses every request of the client.
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
        if !(1..=MAX_APPLY_CONCURRENCY).contains(&self.concurrency) {
            return Err(ConfigError::Invalid {
                place: "apply".into(),
                field: "concurrency",
                problem: format!(
                    "must be 1 to {MAX_APPLY_CONCURRENCY}, not {}",
                    self.concurrency
                ),
            }
            .into());
        }
        Ok(())
    }

    /// Re-reads every package of the plan and compares what it observed;
    /// `Err(StalePlan)` names each package that moved. Writes nothing.
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client, plan: entra_access::ops::sync::SyncPlan) -> Result<(), entra_access::ops::sync::SyncError> {
    /// entra_access::ops::sync::apply(&client, plan).check().await?;
    /// # Ok(()) }
    /// ```
    pub async fn check(&self) -> Result<(), SyncError> {
        self.check_offline()?;
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
        let (plan, replanned) = match self.check().await {
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

/// Runs every action of `plan`, at most `concurrency` at a time; rows come
/// back in plan order.
async fn execute(client: &Client, plan: &SyncPlan, concurrency: usize) -> Vec<SyncRow> {
    let jobs: Vec<(usize, &PackagePlan, &SyncAction)> = plan
        .actions()
        .enumerate()
        .map(|(i, (p, a))| (i, p, a))
        .collect();
    let mut rows: Vec<(usize, SyncRow)> = futures::stream::iter(jobs)
        .map(|(i, p, a)| async move { (i, write(client, p, a).await) })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    rows.sort_by_key(|(i, _)| *i);
    rows.into_iter().map(|(_, r)| r).collect()
}

/// How one write ended.
enum Written {
    Submitted(Option<AssignmentRequestId>),
    AlreadyDone(Option<AssignmentRequestId>, Option<String>),
    Failed(Error),
}

async fn write(client: &Client, package: &PackagePlan, action: &SyncAction) -> SyncRow {
    let written = match action.kind {
        ActionKind::Add => add(client, package, &action.target).await,
        ActionKind::Remove => match &action.assignment_id {
            Some(a) => remove(client, package, a).await,
            None => Written::Failed(Error::invalid_input(
                "removal",
                "names no assignment; the plan file was edited",
            )),
        },
    };
    let mut row = SyncRow {
        access_package: package.access_package.clone(),
        package_label: package.label.clone(),
        target: action.target.clone(),
        action: action.kind,
        assignment_id: action.assignment_id.clone(),
        outcome: SyncOutcome::Submitted,
        request_id: None,
        error_code: None,
        error_message: None,
        http_status: None,
        graph_request_id: None,
    };
    match written {
        Written::Submitted(id) => row.request_id = id,
        Written::AlreadyDone(id, code) => {
            row.outcome = SyncOutcome::AlreadyDone;
            row.request_id = id;
            row.error_code = code;
        }
        Written::Failed(e) => {
            row.outcome = SyncOutcome::Failed;
            row.error_code = e.code().map(ToString::to_string);
            row.error_message = Some(e.to_string());
            row.http_status = e.status();
            row.graph_request_id = e.request_id().map(str::to_owned);
        }
    }
    row
}

fn non_empty(id: AssignmentRequestId) -> Option<AssignmentRequestId> {
    (!id.as_str().is_empty()).then_some(id)
}

async fn add(client: &Client, package: &PackagePlan, target: &PlanTarget) -> Written {
    let target: Target = match target {
        PlanTarget::User(id) => Target::user(id.clone()),
        PlanTarget::Email(e) => Target::email(e.clone()).into(),
    };
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
    match add.clone().send().await {
        Ok(r) => Written::Submitted(non_empty(r.id)),
        // The answer was lost: look before posting again, never twice.
        Err(e) if e.may_have_been_processed() => match add.send_idempotent().await {
            Ok(Submission::Submitted(r) | Submission::AlreadyRequested(r)) => {
                Written::Submitted(non_empty(r.id))
            }
            Ok(_) => Written::AlreadyDone(None, None),
            Err(_) => Written::Failed(e),
        },
        Err(e) => match RequestProblem::of(&e) {
            RequestProblem::AlreadyAssigned | RequestProblem::ExistingOpenRequest => {
                Written::AlreadyDone(None, e.code().map(ToString::to_string))
            }
            _ => Written::Failed(e),
        },
    }
}

async fn remove(client: &Client, package: &PackagePlan, assignment: &AssignmentId) -> Written {
    let mut remove = client
        .assignment_requests()
        .admin_remove(assignment.clone());
    remove = remove.set_justification(package.settings.justification.clone());
    match remove.send().await {
        Ok(r) => Written::Submitted(non_empty(r.id)),
        Err(e) if e.is_not_found() => Written::AlreadyDone(None, e.code().map(ToString::to_string)),
        Err(e) if e.may_have_been_processed() => {
            match open_removal(client, package, assignment).await {
                Some(id) => Written::Submitted(Some(id)),
                None => Written::Failed(e),
            }
        }
        Err(e) => Written::Failed(e),
    }
}

/// After a removal whose answer was lost: the open request for that
/// assignment, if Graph made one.
async fn open_removal(
    client: &Client,
    package: &PackagePlan,
    assignment: &AssignmentId,
) -> Option<AssignmentRequestId> {
    let requests = client
        .assignment_requests()
        .list()
        .access_package(package.access_package.clone())
        .states(crate::models::RequestState::OPEN)
        .expand_assignment()
        .collect()
        .await
        .ok()?;
    requests
        .into_iter()
        .find(|r| r.assignment.as_ref().is_some_and(|a| &a.id == assignment))
        .map(|r| r.id)
}
