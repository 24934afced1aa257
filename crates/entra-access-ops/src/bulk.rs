//! The bulk-assignment builder: read state, plan one package, then act.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::execute::{check_concurrency, RunSettings};
use super::plan::{plan_package, PackageSpec, Plan};
use super::report::{Progress, Report};
use super::run::Run;
use super::source::Source;
use super::{Approval, PackageFacts, RemovalScope};
use entra_access::error::Result;
use entra_access::models::{AccessPackageId, Answer, AssignmentPolicyId, ObjectId, Schedule};
use entra_access::Client;

/// Assigns an access package to a group's members or a list of users,
/// idempotently: a [`Plan`] of one package, then a [`Run`] of it on the one
/// engine every plan runs on; see [`BulkAssign::group`](crate::BulkAssign::group).
///
/// The run first reads the members (users only; other members are reported
/// as skipped with their type), the package's assignments (not expired,
/// with their targets) and its open requests
/// ([`PackageFacts::gather`](super::PackageFacts::gather), as every plan
/// does) and the policy (a missing policy fails the plan), and decides one
/// action per person ([`plan_package`]):
///
/// | Current state of the person              | Action |
/// |------------------------------------------|--------|
/// | assignment delivered or delivering       | skip |
/// | the same, with a removal request open     | skip (`removalRequested`) |
/// | an open request (submitted, pending approval, delivering, scheduled) | skip |
/// | assignment partially delivered or delivery failed | report (no request) |
/// | assignment expired, or none              | add (`adminAdd`) |
/// | not a user (group, device, service principal…) | skip |
/// | with [`reconcile`](Self::reconcile): assignment of a non-member, through the bulk's policy | remove (`adminRemove`) |
/// | with reconcile: a non-member with any open request (add or removal) | skip, with the request id |
///
/// Reconcile is guarded so that it cannot wipe a package by mistake:
///
/// - only assignments made through the bulk's own policy are removed,
///   unless [`removal_scope`](Self::removal_scope) says
///   [`RemovalScope::All`];
/// - a source with no users is refused ([`Refusal::EmptySource`](super::Refusal::EmptySource))
///   unless [`allow_empty_source`](Self::allow_empty_source);
/// - a plan with more than [`max_removals`](Self::max_removals) removals
///   (default 50) is refused before anything is written;
/// - removals run after every add, and right before each removal the
///   person's membership is read again: whoever joined since planning keeps
///   their assignment (reported as
///   [`Outcome::AlreadyDone`](super::Outcome::AlreadyDone)`(`[`RejoinedSource`](super::SkipReason::RejoinedSource)`)`).
///
/// Writes run with bounded, adaptive concurrency: a 429 pauses every request
/// of the client (the throttle gate) and halves the writes in flight;
/// successes grow them back. A write throttled with a `Retry-After` longer
/// than the client's [`RetryPolicy::max_retry_after`](entra_access::RetryPolicy::max_retry_after)
/// fails at once as throttled; shorter waits hold no concurrency slot.
/// Running again after a crash or partial failure requests nothing twice.
///
/// To review before writing, [`plan`](Self::plan) returns a [`Plan`]
/// that is data: store it, show it, and [`apply`](Plan::apply) exactly
/// it later (refused if the package moved meanwhile).
///
/// ```no_run
/// use entra_access_ops::RemovalScope;
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let report = entra_access_ops::BulkAssign::group(&client, "pkg-1", "pol-1", "grp-1")
///     .reconcile(true)
///     .removal_scope(RemovalScope::Policy)
///     .max_removals(200)
///     .run()
///     .await?;
/// println!("removed {}", report.totals().removed);
/// # Ok(()) }
/// ```
#[must_use = "a bulk assignment does nothing until planned or run"]
#[derive(Clone)]
pub struct BulkAssign {
    client: Client,
    /// The settings a plan carries; its removal scope is the one used
    /// with [`reconcile`](Self::reconcile) (see [`spec`](Self::spec)).
    spec: PackageSpec,
    reconcile: bool,
    dry_run: bool,
    run: RunSettings,
    /// Why [`options`](Self::options) were refused: planning fails with it.
    refused_options: Option<String>,
}

impl fmt::Debug for BulkAssign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkAssign")
            .field("spec", &self.spec)
            .field("reconcile", &self.reconcile)
            .field("dry_run", &self.dry_run)
            .field("run", &self.run)
            .finish_non_exhaustive()
    }
}

impl BulkAssign {
    fn new(
        client: Client,
        package: AccessPackageId,
        policy: AssignmentPolicyId,
        source: Source,
    ) -> Self {
        let mut spec = PackageSpec::new(package, policy, source);
        spec.removal_scope = RemovalScope::Policy;
        Self {
            client,
            spec,
            reconcile: false,
            dry_run: false,
            run: RunSettings::default(),
            refused_options: None,
        }
    }

    /// Assigns `package` under `policy` to the members of `group`,
    /// idempotently: reads members, assignments and open requests, plans
    /// one action per person, then requests what is missing with adaptive
    /// concurrency.
    pub fn group(
        client: &Client,
        package: impl Into<AccessPackageId>,
        policy: impl Into<AssignmentPolicyId>,
        group: impl Into<ObjectId>,
    ) -> Self {
        Self::new(
            client.clone(),
            package.into(),
            policy.into(),
            Source::group(group, false),
        )
    }

    /// Assigns `package` under `policy` to these users (directory object
    /// ids), idempotently; like [`group`](Self::group).
    pub fn users<I>(
        client: &Client,
        package: impl Into<AccessPackageId>,
        policy: impl Into<AssignmentPolicyId>,
        users: I,
    ) -> Self
    where
        I: IntoIterator,
        I::Item: Into<ObjectId>,
    {
        Self::new(
            client.clone(),
            package.into(),
            policy.into(),
            Source::users(users),
        )
    }

    /// Group source only: also the members of nested groups
    /// (`transitiveMembers`). Default `false` (direct members).
    pub fn transitive(mut self, transitive: bool) -> Self {
        for g in &mut self.spec.source.groups {
            g.transitive = transitive;
        }
        self
    }

    /// At most this many writes in flight (1 to 64, default 8). The run
    /// lowers it while Graph throttles and raises it back afterwards.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.run.concurrency = n;
        self
    }

    /// Plan only: the report lists what would be done (outcome `Planned`)
    /// and nothing is written.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Also request removal (`adminRemove`) of the package's delivered,
    /// delivering or partially delivered assignments whose targets are not
    /// in the source, within the [`removal_scope`](Self::removal_scope)
    /// (default: the bulk's policy) and the
    /// [`max_removals`](Self::max_removals) cap. Off by default.
    pub fn reconcile(mut self, reconcile: bool) -> Self {
        self.reconcile = reconcile;
        self
    }

    /// Which assignments reconcile may remove: [`RemovalScope::Policy`]
    /// (the default; only those made through this bulk's policy),
    /// [`RemovalScope::All`], or [`RemovalScope::None`] (the same as no
    /// reconcile).
    pub fn removal_scope(mut self, scope: RemovalScope) -> Self {
        self.spec.removal_scope = scope;
        self
    }

    /// The most removals a reconciling run may make (default 50; never more
    /// than [`MAX_REMOVALS_CEILING`](super::MAX_REMOVALS_CEILING)). A plan
    /// with more is refused before anything is written
    /// ([`Refusal::TooManyRemovals`](super::Refusal::TooManyRemovals),
    /// naming the count); review it with a dry run, then raise the cap.
    pub fn max_removals(mut self, n: usize) -> Self {
        self.spec.max_removals = n;
        self
    }

    /// Let reconcile run with a source that has no users (an empty group,
    /// an empty list), which removes every assignment in the removal scope.
    /// Refused by default
    /// ([`Refusal::EmptySource`](super::Refusal::EmptySource)):
    /// an empty source is more often a mistake (a wrong group id, a list
    /// that failed to parse) than an intent.
    pub fn allow_empty_source(mut self, allow: bool) -> Self {
        self.spec.allow_empty_source = allow;
        self
    }

    /// Refuse a plan that would leave the package with more than `n`
    /// assignments (not expired), before anything is written
    /// ([`Refusal::TooManyAssignments`](super::Refusal::TooManyAssignments)).
    /// No cap by default: Graph documents its limits per tenant (300,000
    /// assignments) and per automatic-assignment policy (15,000), both
    /// raisable, and enforces them itself.
    pub fn max_assignments(mut self, n: usize) -> Self {
        self.spec.max_assignments = Some(n);
        self
    }

    /// The schedule sent with every add (omit to take the policy's).
    pub fn schedule(mut self, schedule: Schedule) -> Self {
        self.spec.schedule = Some(schedule);
        self
    }

    /// The justification sent with every add and removal.
    pub fn justification(mut self, text: impl Into<String>) -> Self {
        self.spec.justification = Some(text.into());
        self
    }

    /// What every add asks of the policy's approval
    /// (`parameters.bypassApproval`): [`Approval::Bypass`] skips it,
    /// [`Approval::Require`] waits for the approvers. Unset, nothing is
    /// sent and the policy decides. The [`plan`](Self::plan) reads the
    /// policy and says which adds will wait for approvers
    /// ([`PackagePlan::adds_waiting_for_approval`](crate::PackagePlan::adds_waiting_for_approval),
    /// [`Warning::AddsWaitForApproval`](crate::Warning::AddsWaitForApproval)).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// use entra_access_ops::Approval;
    ///
    /// let bulk = entra_access_ops::BulkAssign::group(&client, "pkg-1", "pol-1", "grp-1")
    ///     .approval(Approval::Bypass);
    /// assert_eq!(bulk.spec().approval, Some(Approval::Bypass));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn approval(mut self, approval: Approval) -> Self {
        self.spec.approval = Some(approval);
        self
    }

    /// Answers to the policy's questions, sent with every add.
    pub fn answers(mut self, answers: Vec<Answer>) -> Self {
        self.spec.answers = answers;
        self
    }

    /// Follow each request made to its final state and report that
    /// (`Delivered` or `NotDelivered(state)`) instead of `Submitted`; a
    /// request waiting for approval is reported `StillOpen(pendingApproval)`
    /// at once (see [`Apply::wait_for_delivery`](super::Apply::wait_for_delivery)).
    pub fn wait_for_delivery(mut self, wait: bool) -> Self {
        self.run.wait_for_delivery = wait;
        self
    }

    /// How long following the requests may take in all (default 10
    /// minutes); see [`Apply::delivery_budget`](super::Apply::delivery_budget).
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

    fn validate(&self) -> Result<()> {
        check_concurrency(self.run.concurrency)?;
        self.spec().check()
    }

    /// The settings a plan of this run carries: what [`plan`](Self::plan)
    /// stores in the [`Plan`]'s one package, and what applying it uses. Without
    /// [`reconcile`](Self::reconcile) its removal scope is
    /// [`RemovalScope::None`].
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// use entra_access_ops::RemovalScope;
    ///
    /// let bulk = entra_access_ops::BulkAssign::group(&client, "pkg-1", "pol-1", "grp-1");
    /// assert_eq!(bulk.spec().removal_scope, RemovalScope::None);
    /// assert_eq!(bulk.reconcile(true).spec().removal_scope, RemovalScope::Policy);
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn spec(&self) -> PackageSpec {
        let mut spec = self.spec.clone();
        if !self.reconcile {
            spec.removal_scope = RemovalScope::None;
        }
        spec
    }

    /// Reads the current state and decides what to do, writing nothing:
    /// the source's members, the package's assignments (not expired), its
    /// open requests and the policy (whether its adds need approval), then
    /// [`plan_package`]. The plan can be stored and [applied](Plan::apply)
    /// later.
    ///
    /// Fails when the state cannot be read, an argument is invalid, or the
    /// plan breaks a safety limit (an `InvalidInput` error whose
    /// [`Refusal`](super::Refusal) says which, and how to allow it):
    /// reconcile with a source that has no users, more removals than
    /// [`max_removals`](Self::max_removals), more assignments than
    /// [`max_assignments`](Self::max_assignments).
    pub async fn plan(&self) -> Result<Plan> {
        if let Some(problem) = &self.refused_options {
            return Err(entra_access::Error::new(
                entra_access::ErrorKind::InvalidInput,
                problem.clone(),
            ));
        }
        self.validate()?;
        let mut spec = self.spec();
        // Refused before anything is read, too.
        if let Some(refusal) = spec.empty_source_refusal() {
            return Err(refusal.into_error());
        }
        let (members, facts, policy) = futures::try_join!(
            spec.source.members(&self.client),
            PackageFacts::gather(&self.client, spec.access_package.clone()),
            self.client
                .assignment_policies()
                .get(spec.policy.clone())
                .send()
        )?;
        spec.policy_requires_approval = Some(policy.requires_approval_for_add());
        let package = plan_package(&spec, &members, &facts)?;
        Plan::new(
            self.client.base_url().as_str(),
            chrono::Utc::now(),
            vec![package],
        )
    }

    /// Plans, then (unless [`dry_run`](Self::dry_run)) starts acting, and
    /// returns the run as a stream of report rows with a graceful stop
    /// ([`Run`]: rows that need no write first, then each write's row as
    /// it finishes). `Err` means the plan could not be made (see
    /// [`plan`](Self::plan)); nothing was written then.
    ///
    /// ```no_run
    /// use futures::StreamExt;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let mut run = entra_access_ops::BulkAssign::group(&client, "pkg-1", "pol-1", "grp-1").start().await?;
    /// while let Some(row) = run.next().await {
    ///     println!("{} {} {:?}", row.person, row.outcome, row.graph_request_id);
    /// }
    /// let report = run.finish().await;
    /// # let _ = report;
    /// # Ok(()) }
    /// ```
    pub async fn start(self) -> Result<Run> {
        let started = Instant::now();
        let client = self.client.clone();
        let plan = self.plan().await?;
        if self.dry_run {
            return Ok(Run::planned(&plan, client, started));
        }
        Ok(Run::start(&plan, client, self.run, started))
    }

    /// Plans, then (unless [`dry_run`](Self::dry_run)) acts, and reports one
    /// row per person. Per-person failures are rows of the report, not an
    /// `Err`; `Err` means the plan could not be made (see [`plan`](Self::plan)).
    /// The same as [`start`](Self::start) and then
    /// [`Run::finish`].
    pub async fn run(self) -> Result<Report> {
        Ok(self.start().await?.finish().await)
    }
}

impl BulkAssign {
    /// Options for this run's calls (reads and writes): timeout, retry
    /// policy, `client-request-id`, extra headers (see
    /// [`RequestOptions`](entra_access::request::RequestOptions)). Options out of
    /// range fail the run with `InvalidInput` before sending.
    pub fn options(mut self, options: entra_access::request::RequestOptions) -> Self {
        match self.client.with_options(options) {
            Ok(client) => self.client = client,
            Err(e) => self.refused_options = Some(e.to_string()),
        }
        self
    }
}
