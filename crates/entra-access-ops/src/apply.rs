//! Applying a reviewed bulk plan: check that it still describes the
//! package, then run exactly its writes through the bulk engine.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use super::bulk::read_members;
use super::execute::{check_concurrency, RunSettings};
use super::plan::{plan_bulk, BulkPlan};
use super::report::{BulkReport, Progress};
use super::run::BulkRun;
use super::{BulkRefusal, Observed, PackageFacts};
use entra_access::error::Result;
use entra_access::Client;

impl BulkPlan {
    /// Applies exactly this plan with `client`; see [`BulkApply`].
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// use entra_access_ops::BulkPlan;
    ///
    /// let plan = BulkPlan::from_json(&std::fs::read_to_string("plan.json").unwrap())?;
    /// let report = plan.apply(&client).concurrency(16).run().await?;
    /// println!("created {}", report.totals().created);
    /// # Ok(()) }
    /// ```
    pub fn apply(self, client: &Client) -> BulkApply {
        BulkApply {
            client: client.clone(),
            plan: self,
            run: RunSettings::default(),
            replan: false,
        }
    }
}

/// Applies a reviewed [`BulkPlan`]: from [`BulkPlan::apply`].
///
/// [`run`](Self::run) first refuses, writing nothing, a plan of another
/// format version or made against another Graph base URL (`InvalidInput`,
/// [`BulkRefusal::PlanVersion`] / [`BulkRefusal::PlanBaseUrl`]). Then it
/// re-reads the package's assignments and open requests and compares them
/// with what the plan [observed](BulkPlan::observed): if they moved, the
/// plan is stale and refused (`Conflict`, [`BulkRefusal::StalePlan`] saying
/// what changed), unless [`replan_if_stale`](Self::replan_if_stale). Else
/// it runs exactly the plan's writes — adds, then removals, each removal
/// after re-reading the source — with the bulk engine's adaptive
/// concurrency and re-checks, and reports one row per item.
///
/// ```
/// use entra_access_fake::{AccessPackageSeed, FakeGraph, GroupSeed, PolicySeed, UserSeed};
/// use entra_access_ops::BulkRefusal;
///
/// # tokio_test(async {
/// let fake = FakeGraph::start().await;
/// let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
/// let pol = fake.add_policy(PolicySeed::new("Direct", &pkg));
/// let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
/// let grp = fake.add_group(GroupSeed::new("Team").members([&ada]));
/// let client = fake.client()?;
///
/// let plan = entra_access_ops::BulkAssign::group(&client, &pkg, &pol, &grp).plan().await?;
/// let json = plan.to_json(); // store it, review it…
/// let reviewed = entra_access_ops::BulkPlan::from_json(&json)?;
/// let report = reviewed.clone().apply(&client).run().await?;
/// assert_eq!(report.totals().created, 1);
///
/// // The same plan again: the package moved, so it is refused.
/// let err = reviewed.apply(&client).run().await.unwrap_err();
/// assert!(matches!(BulkRefusal::of(&err), Some(BulkRefusal::StalePlan { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// # fn tokio_test<F: std::future::Future<Output = Result<(), Box<dyn std::error::Error>>>>(f: F) {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f).unwrap()
/// # }
/// ```
#[must_use = "an apply does nothing until run"]
#[derive(Clone)]
pub struct BulkApply {
    client: Client,
    plan: BulkPlan,
    run: RunSettings,
    replan: bool,
}

impl fmt::Debug for BulkApply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkApply")
            .field("access_package", &self.plan.spec.access_package)
            .field("items", &self.plan.items.len())
            .field("concurrency", &self.run.concurrency)
            .field("wait_for_delivery", &self.run.wait_for_delivery)
            .field("replan", &self.replan)
            .field("on_progress", &self.run.on_progress.is_some())
            .finish_non_exhaustive()
    }
}

/// What the check before writing found.
enum Freshness {
    /// The package is as the plan observed it.
    Fresh,
    /// It moved: what changed, and the facts read now.
    Stale(String, PackageFacts),
}

impl BulkApply {
    /// At most this many writes in flight (1 to 64, default 8); lowered
    /// while Graph throttles, as in [`BulkAssign`](super::BulkAssign).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.run.concurrency = n;
        self
    }

    /// Follow each request made to its final state (see
    /// [`BulkAssign::wait_for_delivery`](super::BulkAssign::wait_for_delivery)).
    pub fn wait_for_delivery(mut self, wait: bool) -> Self {
        self.run.wait_for_delivery = wait;
        self
    }

    /// Called with a [`Progress`] snapshot after each write completes.
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.run.on_progress = Some(Arc::new(f));
        self
    }

    /// When the plan is stale, plan again from the settings it carries
    /// ([`BulkPlan::spec`]) and the state just read, and apply that new
    /// plan (with the same caps) instead of refusing. The new plan was not
    /// reviewed: use this only where that is acceptable; call
    /// [`check`](Self::check) first to know whether it will happen. The
    /// report says when it did ([`BulkReport::replanned`]).
    pub fn replan_if_stale(mut self) -> Self {
        self.replan = true;
        self
    }

    /// Refuses a plan of another format version or base URL, or a bad
    /// concurrency, before any call.
    fn check_offline(&self) -> Result<()> {
        self.plan.check_for(&self.client)?;
        check_concurrency(self.run.concurrency)
    }

    /// Re-reads the package's assignments and open requests.
    async fn freshness(&self, client: &Client) -> Result<Freshness> {
        let spec = &self.plan.spec;
        let now = PackageFacts::gather(client, spec.access_package.clone()).await?;
        let current = Observed::of(&now);
        Ok(if current.fingerprint == self.plan.observed.fingerprint {
            Freshness::Fresh
        } else {
            Freshness::Stale(self.plan.observed.describe_change(&current), now)
        })
    }

    /// Checks the plan without writing: its format version and base URL,
    /// then whether the package's assignments and open requests are still
    /// what it observed (`Err` with [`BulkRefusal::StalePlan`] if not).
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client, plan: entra_access_ops::BulkPlan) -> entra_access::Result<()> {
    /// plan.apply(&client).check().await?;
    /// # Ok(()) }
    /// ```
    pub async fn check(&self) -> Result<()> {
        self.check_offline()?;
        match self.freshness(&self.client).await? {
            Freshness::Fresh => Ok(()),
            Freshness::Stale(change, _) => Err(BulkRefusal::StalePlan { change }.into_error()),
        }
    }

    /// Checks the plan (see [`BulkApply`]), then starts its writes as a
    /// [`BulkRun`]: a stream of rows as they finish, with a graceful
    /// [`stop`](BulkRun::stop). `Err` means nothing was written.
    pub async fn start(self) -> Result<BulkRun> {
        let started = Instant::now();
        self.check_offline()?;
        let client = self.client.clone();
        let (plan, replanned) = match self.freshness(&client).await? {
            Freshness::Fresh => (self.plan, false),
            Freshness::Stale(change, now) if self.replan => {
                tracing::warn!(%change, "bulk plan is stale; applying a fresh, unreviewed plan");
                let spec = &self.plan.spec;
                let members = read_members(&client, &spec.source).await?;
                let fresh = plan_bulk(
                    &self.plan.base_url,
                    chrono::Utc::now(),
                    spec,
                    &members,
                    &now,
                )?;
                (fresh, true)
            }
            Freshness::Stale(change, _) => {
                return Err(BulkRefusal::StalePlan { change }.into_error())
            }
        };
        Ok(BulkRun::start(plan, client, self.run, started).replanned(replanned))
    }

    /// Checks the plan (see [`BulkApply`]), then runs exactly its writes
    /// and reports one row per item: [`start`](Self::start) and then
    /// [`BulkRun::finish`]. Per-person failures are rows of the report;
    /// `Err` means nothing was written.
    pub async fn run(self) -> Result<BulkReport> {
        Ok(self.start().await?.finish().await)
    }
}
