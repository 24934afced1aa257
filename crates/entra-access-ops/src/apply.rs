//! Applying a reviewed plan: check that it is the plan that was made and
//! that it still describes the tenant, check every item again, then run
//! exactly its writes on the one engine.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};

use crate::execute::{check_concurrency, RunSettings};
use crate::facts::PACKAGES_AT_ONCE;
use crate::plan::{plan_package, Plan};
use crate::refusal::{Refusal, StaleChange};
use crate::report::{Progress, Report};
use crate::run::Run;
use crate::validate::{self, Now};
use crate::{Observed, PackageFacts, Person};
use entra_access::error::Result;
use entra_access::Client;

impl Plan {
    /// Applies exactly this plan with `client`; see [`Apply`].
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// use entra_access_ops::Plan;
    ///
    /// let plan = Plan::from_json(&std::fs::read_to_string("plan.json").unwrap())?;
    /// let report = plan.apply(&client).concurrency(16).run().await?;
    /// println!("created {}", report.totals().created);
    /// # Ok(()) }
    /// ```
    pub fn apply(self, client: &Client) -> Apply {
        Apply {
            client: client.clone(),
            plan: self,
            run: RunSettings::default(),
            replan: false,
            allow_edited: false,
        }
    }
}

/// Applies a reviewed [`Plan`] (a bulk run's or a desired-state file's):
/// from [`Plan::apply`].
///
/// [`start`](Self::start) (and [`run`](Self::run), [`check`](Self::check))
/// first refuses, writing nothing and sending nothing, a plan of another
/// format version or made against another Graph base URL
/// ([`Refusal::PlanVersion`], [`Refusal::PlanBaseUrl`]), a plan whose
/// content no longer matches the digest made at planning
/// ([`Refusal::EditedPlan`], unless [`allow_edited`](Self::allow_edited)),
/// and invalid ids. Then it re-reads every package's assignments and open
/// requests and compares them with what the plan
/// [observed](crate::PackagePlan::observed): if they moved, the plan is
/// stale and refused (`Conflict`, [`Refusal::StalePlan`] naming each package
/// and what changed), unless [`replan_if_stale`](Self::replan_if_stale).
/// Then it reads each package's source again and checks every item with
/// the rules planning uses (a removal names a held assignment of that
/// package, of that person, within the removal scope, of someone the
/// source does not list; an add is for someone the source holds who holds
/// nothing yet; caps and the [ceiling](crate::MAX_REMOVALS_CEILING); no
/// removal from a source with nobody in it): any item that fails refuses
/// the whole plan ([`Refusal::ItemRefused`] naming the item and the rule).
/// Only then does it run exactly the plan's writes — adds, then removals,
/// each removal right after re-reading its source — with adaptive
/// concurrency and re-checks, and report one row per item.
///
/// ```
/// use entra_access_fake::{AccessPackageSeed, FakeGraph, GroupSeed, PolicySeed, UserSeed};
/// use entra_access_ops::{Plan, Refusal};
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
/// let reviewed = Plan::from_json(&json)?;
/// let report = reviewed.clone().apply(&client).run().await?;
/// assert_eq!(report.totals().created, 1);
///
/// // The same plan again: the package moved, so it is refused.
/// let err = reviewed.apply(&client).run().await.unwrap_err();
/// assert!(matches!(Refusal::of(&err), Some(Refusal::StalePlan { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// # fn tokio_test<F: std::future::Future<Output = Result<(), Box<dyn std::error::Error>>>>(f: F) {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f).unwrap()
/// # }
/// ```
#[must_use = "an apply does nothing until run"]
#[derive(Clone)]
pub struct Apply {
    client: Client,
    plan: Plan,
    run: RunSettings,
    replan: bool,
    allow_edited: bool,
}

impl fmt::Debug for Apply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Apply")
            .field("packages", &self.plan.packages.len())
            .field("items", &self.plan.items().count())
            .field("run", &self.run)
            .field("replan", &self.replan)
            .field("allow_edited", &self.allow_edited)
            .finish_non_exhaustive()
    }
}

impl Apply {
    /// At most this many writes in flight (1 to 64, default 8); lowered
    /// while Graph throttles, raised back afterwards. A 429 pauses every
    /// request of the client (its throttle gate).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.run.concurrency = n;
        self
    }

    /// Follow each request made until it is final and report that
    /// ([`Outcome::Delivered`](crate::Outcome::Delivered) or
    /// [`NotDelivered`](crate::Outcome::NotDelivered)) instead of
    /// `Submitted`. A request waiting for an approver is not followed
    /// further ([`StillOpen(pendingApproval)`](crate::Outcome::StillOpen)),
    /// nor one scheduled to start later; following stops in all after the
    /// [`delivery_budget`](Self::delivery_budget).
    pub fn wait_for_delivery(mut self, wait: bool) -> Self {
        self.run.wait_for_delivery = wait;
        self
    }

    /// How long following the requests may take in all, with
    /// [`wait_for_delivery`](Self::wait_for_delivery) (default 10 minutes,
    /// [`DEFAULT_DELIVERY_BUDGET`](crate::DEFAULT_DELIVERY_BUDGET)); the
    /// requests still open then are reported
    /// [`StillOpen`](crate::Outcome::StillOpen) in their last state.
    pub fn delivery_budget(mut self, budget: Duration) -> Self {
        self.run.delivery_budget = budget;
        self
    }

    /// Called with a [`Progress`] snapshot after each write (and each
    /// followed request) completes. Keep it quick: it runs on the task
    /// driving the writes.
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.run.on_progress = Some(Arc::new(f));
        self
    }

    /// When a package is stale, plan it again from the settings it carries
    /// ([`PackagePlan::spec`](crate::PackagePlan::spec): its source is read
    /// again) and the state just read, with the same caps, and apply that
    /// new plan instead of refusing. The new plan was not reviewed: use
    /// this only where that is acceptable; call [`check`](Self::check)
    /// first to know whether it will happen. The report says when it did
    /// ([`Report::replanned`]).
    pub fn replan_if_stale(mut self) -> Self {
        self.replan = true;
        self
    }

    /// Apply a plan whose content no longer matches its digest (edited
    /// after planning) instead of refusing it. Every item is still checked
    /// against the tenant as it is now, and more strictly (no removal of
    /// anyone the source holds now): an edit can never make the plan
    /// write what planning would have refused.
    pub fn allow_edited(mut self) -> Self {
        self.allow_edited = true;
        self
    }

    /// Checks the plan without writing: everything [`start`](Self::start)
    /// checks (its format, base URL, digest, freshness and every item), as
    /// if [`replan_if_stale`](Self::replan_if_stale) were not asked for.
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client, plan: entra_access_ops::Plan) -> entra_access::Result<()> {
    /// plan.apply(&client).check().await?;
    /// # Ok(()) }
    /// ```
    pub async fn check(&self) -> Result<()> {
        self.prepare(false).await.map(|_| ())
    }

    /// Checks the plan (see [`Apply`]), then starts its writes as a
    /// [`Run`]: a stream of rows as they finish, with a graceful
    /// [`stop`](Run::stop). `Err` means nothing was written.
    pub async fn start(self) -> Result<Run> {
        let started = Instant::now();
        let (plan, replanned) = self.prepare(self.replan).await?;
        Ok(Run::start(&plan, self.client, self.run, started).replanned(replanned))
    }

    /// Checks the plan (see [`Apply`]), then runs exactly its writes and
    /// reports one row per item: [`start`](Self::start) and then
    /// [`Run::finish`]. Per-item failures are rows of the report; `Err`
    /// means nothing was written.
    pub async fn run(self) -> Result<Report> {
        Ok(self.start().await?.finish().await)
    }

    /// Every check before a write; the plan to run, and whether a stale
    /// package was planned again.
    async fn prepare(&self, replan: bool) -> Result<(Plan, bool)> {
        check_concurrency(self.run.concurrency)?;
        let client = &self.client;
        self.plan.check_offline(client, self.allow_edited)?;
        let edited = self.plan.is_edited();
        let mut plan = self.plan.clone();
        let ids = plan
            .packages
            .iter()
            .map(|p| p.spec.access_package.clone())
            .collect();
        let facts = PackageFacts::gather_all(client, ids).await?;
        let changes: Vec<(usize, StaleChange)> = plan
            .packages
            .iter()
            .zip(&facts)
            .enumerate()
            .filter_map(|(i, (planned, now))| {
                let current = Observed::of(now);
                (current.fingerprint != planned.observed.fingerprint).then(|| {
                    let change = StaleChange {
                        access_package: planned.spec.access_package.clone(),
                        label: planned.spec.label.clone(),
                        summary: planned.observed.describe_change(&current),
                    };
                    (i, change)
                })
            })
            .collect();
        let replanned = !changes.is_empty();
        if replanned && !replan {
            return Err(Refusal::StalePlan {
                changes: changes.into_iter().map(|(_, c)| c).collect(),
            }
            .into_error());
        }
        for (i, change) in &changes {
            tracing::warn!(%change, "plan is stale; applying a fresh, unreviewed plan of the package");
            let (Some(package), Some(now)) = (plan.packages.get_mut(*i), facts.get(*i)) else {
                continue;
            };
            let members = package.spec.source.members(client).await?;
            let mut fresh = plan_package(&package.spec, &members, now)?;
            // The reviewed plan's warnings, but the approval count of the
            // fresh plan.
            let mut warnings = std::mem::take(&mut package.warnings);
            warnings.retain(|w| !matches!(w, crate::Warning::AddsWaitForApproval { .. }));
            warnings.append(&mut fresh.warnings);
            fresh.warnings = warnings;
            *package = fresh;
        }
        if replanned {
            plan.digest = plan.compute_digest();
        }
        // Who each source holds now, read once per package.
        let desired: Vec<HashSet<Person>> = futures::stream::iter(&plan.packages)
            .map(|p| p.spec.source.people_now(client))
            .buffered(PACKAGES_AT_ONCE)
            .try_collect()
            .await?;
        for ((package, now), desired) in plan.packages.iter().zip(&facts).zip(&desired) {
            let now = Now {
                facts: now,
                desired,
            };
            validate::check(package, &now, edited).map_err(Refusal::into_error)?;
        }
        Ok((plan, replanned))
    }
}
