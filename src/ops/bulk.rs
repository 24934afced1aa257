//! The bulk-assignment builder: read state, plan, then act.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use futures::TryStreamExt;

use super::execute::{Execution, ProgressFn};
use super::plan::{
    decide, AssignmentFacts, BulkPlan, MemberFacts, PlanInputs, RemovalScope, RequestFacts,
};
use super::recheck::open_requests;
use super::refusal::{self, Limits, DEFAULT_MAX_REMOVALS};
use super::report::{BulkReport, Progress};
use super::run::BulkRun;
use super::source::Source;
use super::writes::AddTemplate;
use crate::api::{Assignments, Groups};
use crate::error::{Error, Result};
use crate::models::{
    AccessPackageId, Answer, AssignmentPolicyId, DirectoryObject, ObjectId, Schedule,
};
use crate::transport::Transport;
use crate::Client;

/// Default number of writes in flight.
const DEFAULT_CONCURRENCY: usize = 8;
/// Most writes in flight a caller may ask for.
const MAX_CONCURRENCY: usize = 64;

/// Assigns an access package to a group's members or a list of users,
/// idempotently; see [`Client::bulk_assign_group`](crate::Client::bulk_assign_group).
///
/// The run first reads the members (users only; other members are reported
/// as skipped with their type), the package's assignments (all states, with
/// their targets) and its open requests, and decides one action per person:
///
/// | Current state of the person              | Action |
/// |------------------------------------------|--------|
/// | assignment delivered or delivering       | skip |
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
///   [`RemovalScope::AllPolicies`];
/// - a source with no users is refused ([`BulkRefusal::EmptySource`](super::BulkRefusal::EmptySource))
///   unless [`allow_empty_source`](Self::allow_empty_source);
/// - a plan with more than [`max_removals`](Self::max_removals) removals
///   (default 50) is refused before anything is written;
/// - removals run after every add, and right before each removal the
///   person's membership is read again: whoever joined since planning keeps
///   their assignment (reported as [`SkipReason::RejoinedSource`](super::SkipReason::RejoinedSource)).
///
/// Writes run with bounded, adaptive concurrency: a 429 pauses every request
/// of the client (the throttle gate) and halves the writes in flight;
/// successes grow them back. A write throttled with a `Retry-After` longer
/// than the client's [`RetryPolicy::max_retry_after`](crate::RetryPolicy::max_retry_after)
/// fails at once as throttled; shorter waits hold no concurrency slot.
/// Running again after a crash or partial failure requests nothing twice.
///
/// ```no_run
/// use entra_access::ops::RemovalScope;
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let report = client
///     .bulk_assign_group("pkg-1", "pol-1", "grp-1")
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
    transport: Arc<Transport>,
    package: AccessPackageId,
    policy: AssignmentPolicyId,
    source: Source,
    concurrency: usize,
    dry_run: bool,
    reconcile: bool,
    removal_scope: RemovalScope,
    allow_empty_source: bool,
    max_removals: usize,
    max_assignments: Option<usize>,
    wait_for_delivery: bool,
    schedule: Option<Schedule>,
    justification: Option<String>,
    answers: Vec<Answer>,
    on_progress: Option<ProgressFn>,
}

impl fmt::Debug for BulkAssign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkAssign")
            .field("package", &self.package)
            .field("policy", &self.policy)
            .field("source", &self.source)
            .field("concurrency", &self.concurrency)
            .field("dry_run", &self.dry_run)
            .field("reconcile", &self.reconcile)
            .field("removal_scope", &self.removal_scope)
            .field("allow_empty_source", &self.allow_empty_source)
            .field("max_removals", &self.max_removals)
            .field("max_assignments", &self.max_assignments)
            .field("wait_for_delivery", &self.wait_for_delivery)
            .field("on_progress", &self.on_progress.is_some())
            .finish_non_exhaustive()
    }
}

impl BulkAssign {
    fn new(
        transport: Arc<Transport>,
        package: AccessPackageId,
        policy: AssignmentPolicyId,
        source: Source,
    ) -> Self {
        Self {
            transport,
            package,
            policy,
            source,
            concurrency: DEFAULT_CONCURRENCY,
            dry_run: false,
            reconcile: false,
            removal_scope: RemovalScope::Policy,
            allow_empty_source: false,
            max_removals: DEFAULT_MAX_REMOVALS,
            max_assignments: None,
            wait_for_delivery: false,
            schedule: None,
            justification: None,
            answers: Vec::new(),
            on_progress: None,
        }
    }

    pub(crate) fn for_group(
        transport: Arc<Transport>,
        package: AccessPackageId,
        policy: AssignmentPolicyId,
        group: ObjectId,
    ) -> Self {
        Self::new(
            transport,
            package,
            policy,
            Source::Group {
                id: group,
                transitive: false,
            },
        )
    }

    pub(crate) fn for_users(
        transport: Arc<Transport>,
        package: AccessPackageId,
        policy: AssignmentPolicyId,
        users: Vec<ObjectId>,
    ) -> Self {
        Self::new(transport, package, policy, Source::Users(users))
    }

    /// Group source only: also the members of nested groups
    /// (`transitiveMembers`). Default `false` (direct members).
    pub fn transitive(mut self, transitive: bool) -> Self {
        if let Source::Group { transitive: t, .. } = &mut self.source {
            *t = transitive;
        }
        self
    }

    /// At most this many writes in flight (1 to 64, default 8). The run
    /// lowers it while Graph throttles and raises it back afterwards.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
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
    /// (the default; only those made through this bulk's policy) or
    /// [`RemovalScope::AllPolicies`].
    pub fn removal_scope(mut self, scope: RemovalScope) -> Self {
        self.removal_scope = scope;
        self
    }

    /// The most removals a reconciling run may make (default 50). A plan
    /// with more is refused before anything is written
    /// ([`BulkRefusal::TooManyRemovals`](super::BulkRefusal::TooManyRemovals),
    /// naming the count); review it with a dry run, then raise the cap.
    pub fn max_removals(mut self, n: usize) -> Self {
        self.max_removals = n;
        self
    }

    /// Let reconcile run with a source that has no users (an empty group,
    /// an empty list), which removes every assignment in the removal scope.
    /// Refused by default
    /// ([`BulkRefusal::EmptySource`](super::BulkRefusal::EmptySource)):
    /// an empty source is more often a mistake (a wrong group id, a list
    /// that failed to parse) than an intent.
    pub fn allow_empty_source(mut self, allow: bool) -> Self {
        self.allow_empty_source = allow;
        self
    }

    /// Refuse a plan that would leave the package with more than `n`
    /// assignments (not expired), before anything is written
    /// ([`BulkRefusal::TooManyAssignments`](super::BulkRefusal::TooManyAssignments)).
    /// No cap by default: Graph documents its limits per tenant (300,000
    /// assignments) and per automatic-assignment policy (15,000), both
    /// raisable, and enforces them itself.
    pub fn max_assignments(mut self, n: usize) -> Self {
        self.max_assignments = Some(n);
        self
    }

    /// The schedule sent with every add (omit to take the policy's).
    pub fn schedule(mut self, schedule: Schedule) -> Self {
        self.schedule = Some(schedule);
        self
    }

    /// The justification sent with every add and removal.
    pub fn justification(mut self, text: impl Into<String>) -> Self {
        self.justification = Some(text.into());
        self
    }

    /// Answers to the policy's questions, sent with every add.
    pub fn answers(mut self, answers: Vec<Answer>) -> Self {
        self.answers = answers;
        self
    }

    /// Follow each request made to its final state and report that
    /// (`Delivered` or `NotDelivered(state)`) instead of `Submitted`.
    pub fn wait_for_delivery(mut self, wait: bool) -> Self {
        self.wait_for_delivery = wait;
        self
    }

    /// Called with a [`Progress`] snapshot after each write (and each
    /// followed request) completes. Keep it quick: it runs on the task
    /// driving the writes.
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(f));
        self
    }

    fn validate(&self) -> Result<()> {
        if !(1..=MAX_CONCURRENCY).contains(&self.concurrency) {
            return Err(Error::invalid_input(
                "concurrency",
                format!("must be 1 to {MAX_CONCURRENCY}, not {}", self.concurrency),
            ));
        }
        self.package
            .check()
            .map_err(|p| Error::invalid_input("access package id", p))?;
        self.policy
            .check()
            .map_err(|p| Error::invalid_input("assignment policy id", p))?;
        match &self.source {
            Source::Group { id, .. } => id.check().map_err(|p| Error::invalid_input("group id", p)),
            Source::Users(ids) => {
                for id in ids {
                    id.check()
                        .map_err(|p| Error::invalid_input(&format!("user id {id:?}"), p))?;
                }
                Ok(())
            }
        }
    }

    /// Reads the current state and decides what to do, writing nothing.
    ///
    /// Fails when the state cannot be read, an argument is invalid, or the
    /// plan breaks a safety limit (an `InvalidInput` error whose
    /// [`BulkRefusal`](super::BulkRefusal) says which, and how to allow it):
    /// reconcile with a source that has no users, more removals than
    /// [`max_removals`](Self::max_removals), more assignments than
    /// [`max_assignments`](Self::max_assignments).
    pub async fn plan(&self) -> Result<BulkPlan> {
        self.validate()?;
        if let Source::Users(ids) = &self.source {
            // Refused before anything is read, too.
            if self.reconcile && ids.is_empty() && !self.allow_empty_source {
                return Err(super::BulkRefusal::EmptySource.into_error());
            }
        }
        let (members, assignments, open_requests) = futures::try_join!(
            self.read_members(),
            self.read_assignments(),
            self.read_open_requests()
        )?;
        let source_users = members.iter().filter(|m| m.not_a_user.is_none()).count();
        let plan = decide(PlanInputs {
            package: self.package.clone(),
            policy: self.policy.clone(),
            members,
            assignments,
            open_requests,
            reconcile: self.reconcile,
            removal_scope: self.removal_scope,
        });
        refusal::check(
            &plan,
            source_users,
            Limits {
                reconcile: self.reconcile,
                allow_empty_source: self.allow_empty_source,
                max_removals: self.max_removals,
                max_assignments: self.max_assignments,
            },
        )
        .map_err(super::BulkRefusal::into_error)?;
        Ok(plan)
    }

    /// Plans, then (unless [`dry_run`](Self::dry_run)) starts acting, and
    /// returns the run as a stream of report rows with a graceful stop
    /// ([`BulkRun`]: rows that need no write first, then each write's row as
    /// it finishes). `Err` means the plan could not be made (see
    /// [`plan`](Self::plan)); nothing was written then.
    ///
    /// ```no_run
    /// use futures::StreamExt;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let mut run = client.bulk_assign_group("pkg-1", "pol-1", "grp-1").start().await?;
    /// while let Some(row) = run.next().await {
    ///     println!("{} {} {:?}", row.user_id, row.outcome, row.graph_request_id);
    /// }
    /// let report = run.finish().await;
    /// # let _ = report;
    /// # Ok(()) }
    /// ```
    pub async fn start(mut self) -> Result<BulkRun> {
        let started = Instant::now();
        // This run's calls count their own 429s: other work on the same
        // client (sharing its throttle gate) is not this run's.
        let client = Client::from_transport(Arc::clone(&self.transport)).counting_run();
        self.transport = Arc::clone(client.shared_transport());
        let plan = self.plan().await?;
        if self.dry_run {
            return Ok(BulkRun::planned(plan, client, started));
        }
        let template = AddTemplate {
            package: self.package.clone(),
            policy: self.policy.clone(),
            schedule: self.schedule.clone(),
            justification: self.justification.clone(),
            answers: self.answers.clone(),
        };
        let execution = Execution {
            client,
            source: Some(self.source.clone()),
            concurrency: self.concurrency,
            wait_for_delivery: self.wait_for_delivery,
            resend_lost_adds: false,
            on_progress: self.on_progress.clone(),
        };
        Ok(BulkRun::start(plan, &template, execution, started))
    }

    /// Plans, then (unless [`dry_run`](Self::dry_run)) acts, and reports one
    /// row per person. Per-person failures are rows of the report, not an
    /// `Err`; `Err` means the plan could not be made (see [`plan`](Self::plan)).
    /// The same as [`start`](Self::start) and then
    /// [`BulkRun::finish`].
    pub async fn run(self) -> Result<BulkReport> {
        Ok(self.start().await?.finish().await)
    }

    async fn read_members(&self) -> Result<Vec<MemberFacts>> {
        match &self.source {
            Source::Users(ids) => Ok(ids
                .iter()
                .map(|id| MemberFacts {
                    id: id.clone(),
                    upn: None,
                    not_a_user: None,
                })
                .collect()),
            Source::Group { id, transitive } => {
                let groups = Groups::new(Arc::clone(&self.transport));
                let list = if *transitive {
                    groups.transitive_members(id.clone())
                } else {
                    groups.members(id.clone())
                };
                let members = list.top(999).users_only().await?;
                let users = members.users.into_iter().map(|u| MemberFacts {
                    id: u.id,
                    upn: u.user_principal_name,
                    not_a_user: None,
                });
                let others = members.others.into_iter().map(|o| MemberFacts {
                    not_a_user: Some(type_name(&o)),
                    id: o.id,
                    upn: None,
                });
                Ok(users.chain(others).collect())
            }
        }
    }

    async fn read_assignments(&self) -> Result<Vec<AssignmentFacts>> {
        Assignments::new(Arc::clone(&self.transport))
            .list()
            .access_package(self.package.clone())
            .expand_target()
            .expand_policy()
            .stream()
            .map_ok(|a| AssignmentFacts {
                target: a.target_object_id().cloned(),
                policy: a.policy_id().cloned(),
                upn: a.target.as_ref().and_then(|t| t.principal_name.clone()),
                state: a.state,
                id: a.id,
            })
            .try_collect()
            .await
    }

    async fn read_open_requests(&self) -> Result<Vec<RequestFacts>> {
        open_requests(&self.transport, &self.package)
            .try_filter_map(|r| {
                let subject = r.subject_object_id().cloned();
                let assignment_id = r
                    .assignment
                    .as_ref()
                    .map(|a| a.id.clone())
                    .filter(|id| !id.as_str().is_empty());
                let facts = r.state.map(|state| RequestFacts {
                    id: r.id,
                    subject,
                    assignment_id,
                    state,
                });
                futures::future::ready(Ok(facts))
            })
            .try_collect()
            .await
    }
}

/// `#microsoft.graph.group` → `group`; empty when Graph sent no type.
fn type_name(o: &DirectoryObject) -> String {
    let t = o.odata_type.as_deref().unwrap_or("unknown");
    t.strip_prefix("#microsoft.graph.").unwrap_or(t).to_owned()
}

crate::api::common::request_options!(BulkAssign, transport);
