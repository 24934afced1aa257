//! The plan: what to do for each person of each package, decided from
//! current state before anything is written, as data that can be reviewed,
//! stored and applied later ([`Plan::apply`]). A bulk run's plan is the
//! one-package case of a desired-state file's.

mod action;
mod decide;
mod digest;
mod spec;

use serde::{Deserialize, Serialize};

pub use action::{Action, Reason, ReportReason, SkipReason, Warning};
pub use decide::plan_package;
pub use spec::{Approval, PackageSpec};

use crate::refusal::{EntryRef, Refusal};
use crate::{Observed, Person};
use entra_access::error::{Error, ErrorKind, Result};
use entra_access::models::{AssignmentId, AssignmentRequestId, DateTime};

/// The plan format this build writes and applies (2: one format for every
/// plan; version 1 bulk and sync plans are refused — plan again).
pub const PLAN_FORMAT_VERSION: u32 = 2;

/// One person of a [`PackagePlan`] (JSON: camelCase fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PlanItem {
    /// Whom: a user by object id, or an e-mail.
    pub person: Person,
    /// The user principal name, when the member listing or an existing
    /// assignment told it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
    /// What to do.
    pub action: Action,
    /// Why the person is in the plan (how the source names them, or why
    /// they are removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The assignment concerned: the one to remove, or the one that made
    /// the person a skip or a report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_id: Option<AssignmentId>,
    /// The open request that made the person a skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<AssignmentRequestId>,
}

/// The plan of one package: the settings it was made from, what was
/// observed, and one item per person (JSON: camelCase fields).
///
/// ```
/// use entra_access_ops::{plan_package, MemberFact, PackageFacts, PackageSpec, RemovalScope, Source};
///
/// let spec = PackageSpec::new("pkg-1", "pol-1", Source::default());
/// let plan = plan_package(&spec, &[MemberFact::email("ana@fabrikam.com")], &PackageFacts::new("pkg-1"))?;
/// assert_eq!(plan.adds().count(), 1);
/// assert_eq!(plan.removals().count(), 0);
/// assert!(plan.observed.fingerprint.starts_with("sha256:"));
/// # Ok::<(), entra_access::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PackagePlan {
    /// The settings it was made from: package, policy, source, removal
    /// scope, caps, and what each add sends. Applying needs nothing else.
    pub spec: PackageSpec,
    /// What was observed of the package's assignments and open requests:
    /// applying refuses the plan when this moved.
    pub observed: Observed,
    /// The package's assignments that are not expired, before the run.
    pub current_assignments: usize,
    /// One item per person: the desired people, then the removals.
    pub items: Vec<PlanItem>,
    /// What a reviewer should know that is not an item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

impl PackagePlan {
    /// How the plan names the package (its [`spec`](Self::spec)'s label).
    pub fn label(&self) -> &str {
        &self.spec.label
    }

    /// The adds.
    pub fn adds(&self) -> impl Iterator<Item = &PlanItem> {
        self.items.iter().filter(|i| i.action == Action::Add)
    }

    /// The adds that will wait for approvers once sent: every add when
    /// [`PackageSpec::adds_wait_for_approval`], else none. Such an add ends
    /// its run `pendingApproval` until the approvers decide.
    pub fn adds_waiting_for_approval(&self) -> impl Iterator<Item = &PlanItem> {
        let waits = self.spec.adds_wait_for_approval();
        self.adds().filter(move |_| waits)
    }

    /// The removals.
    pub fn removals(&self) -> impl Iterator<Item = &PlanItem> {
        self.items.iter().filter(|i| i.action == Action::Remove)
    }

    /// The items that write (adds and removals).
    pub fn writes(&self) -> impl Iterator<Item = &PlanItem> {
        self.items.iter().filter(|i| i.action.is_write())
    }

    /// How many items have this action (compared by variant and reason).
    pub fn count(&self, action: &Action) -> usize {
        self.items.iter().filter(|i| &i.action == action).count()
    }

    /// How many assignments the package will have once every add and
    /// removal is delivered.
    pub fn assignments_after(&self) -> usize {
        (self.current_assignments + self.count(&Action::Add))
            .saturating_sub(self.count(&Action::Remove))
    }

    /// Whether the plan writes nothing.
    pub fn is_empty(&self) -> bool {
        self.writes().next().is_none()
    }
}

/// What to do, package by package and person by person: a reviewed plan.
/// A bulk run ([`BulkAssign::plan`](crate::BulkAssign::plan)) makes one
/// with one package; a desired-state file ([`sync::plan`](crate::sync::plan))
/// one per `[[package]]`. It records where (the base URL) and when it was
/// made, the settings of each package, what it observed, and a
/// [`digest`](Self::digest) of all that, so it can be stored, reviewed and
/// [applied](Self::apply) later exactly as it is (JSON: camelCase fields;
/// see [`Action`] for the enums).
///
/// ```
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let plan = entra_access_ops::BulkAssign::group(&client, "pkg-1", "pol-1", "grp-1").plan().await?;
/// let json = plan.to_json();
/// let back = entra_access_ops::Plan::from_json(&json)?;
/// assert_eq!(back, plan);
/// let report = back.apply(&client).run().await?; // refused if the package moved
/// # let _ = report;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Plan {
    /// [`PLAN_FORMAT_VERSION`] when written; another version is refused
    /// when read.
    #[serde(deserialize_with = "current_version")]
    pub format_version: u32,
    /// The Graph base URL the plan was made against
    /// ([`Client::base_url`](entra_access::Client::base_url)); applying it with a
    /// client for another one is refused.
    pub base_url: String,
    /// When the facts were read.
    pub created_at: DateTime,
    /// One per package, in the order given (a file's order).
    pub packages: Vec<PackagePlan>,
    /// `sha256:` and the digest of everything above, made at planning:
    /// applying refuses a plan whose content no longer matches it (an
    /// edited plan) unless asked to ([`Apply::allow_edited`](crate::Apply::allow_edited)).
    pub digest: String,
}

impl Plan {
    /// A plan of these package plans, made against `base_url` at
    /// `created_at`, with its digest: what the planners return, and how a
    /// tool that planned packages itself ([`plan_package`]) makes one. Two
    /// plans of one package are refused ([`Refusal::DuplicatePackage`]).
    ///
    /// ```
    /// use entra_access_ops::{plan_package, MemberFact, PackageFacts, PackageSpec, Plan, Source};
    ///
    /// let spec = PackageSpec::new("pkg-1", "pol-1", Source::users(["ada"]));
    /// let one = plan_package(&spec, &[MemberFact::user("ada", None)], &PackageFacts::new("pkg-1"))?;
    /// let plan = Plan::new("https://graph.microsoft.com/v1.0/", chrono::Utc::now(), vec![one])?;
    /// assert_eq!(plan.totals().to_add, 1);
    /// assert!(plan.digest.starts_with("sha256:") && !plan.is_edited());
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn new(
        base_url: impl Into<String>,
        created_at: DateTime,
        packages: Vec<PackagePlan>,
    ) -> Result<Self> {
        check_distinct(&packages).map_err(Refusal::into_error)?;
        let mut plan = Self {
            format_version: PLAN_FORMAT_VERSION,
            base_url: base_url.into(),
            created_at,
            packages,
            digest: String::new(),
        };
        plan.digest = plan.compute_digest();
        Ok(plan)
    }

    /// The digest of the plan's content as it is now.
    pub(crate) fn compute_digest(&self) -> String {
        digest::of(self)
    }

    /// Whether the plan's content no longer matches the digest it was made
    /// with (it was changed after planning).
    pub fn is_edited(&self) -> bool {
        self.digest != self.compute_digest()
    }

    /// Counts over every package: planned adds and removals, skips and
    /// reports.
    pub fn totals(&self) -> crate::Totals {
        crate::Totals::of_plan(self)
    }

    /// Whether the plan writes nothing.
    pub fn is_empty(&self) -> bool {
        self.packages.iter().all(PackagePlan::is_empty)
    }

    /// Every `(package, item)` pair, in plan order.
    pub fn items(&self) -> impl Iterator<Item = (&PackagePlan, &PlanItem)> {
        self.packages
            .iter()
            .flat_map(|p| p.items.iter().map(move |i| (p, i)))
    }

    /// Every `(package, item)` pair that writes (adds and removals).
    pub fn writes(&self) -> impl Iterator<Item = (&PackagePlan, &PlanItem)> {
        self.items().filter(|(_, i)| i.action.is_write())
    }

    /// Every `(package, warning)` pair.
    pub fn warnings(&self) -> impl Iterator<Item = (&PackagePlan, &Warning)> {
        self.packages
            .iter()
            .flat_map(|p| p.warnings.iter().map(move |w| (p, w)))
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serializing cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a plan written by [`to_json`](Self::to_json) (or `serde`). A
    /// plan of another format version is refused before its body is
    /// decoded: an `InvalidInput` error whose [`Refusal`] is
    /// [`PlanVersion`](Refusal::PlanVersion); a text that is not a plan is
    /// a `Decode` error naming the field. An edited plan reads; applying it
    /// is refused ([`Refusal::EditedPlan`]).
    ///
    /// ```
    /// use entra_access_ops::{Plan, Refusal};
    ///
    /// let err = Plan::from_json(r#"{"formatVersion": 99}"#).unwrap_err();
    /// assert_eq!(
    ///     Refusal::of(&err),
    ///     Some(&Refusal::PlanVersion { found: 99, expected: 2 })
    /// );
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::new(ErrorKind::Decode, format!("not a plan: {e}")))?;
        match value
            .get("formatVersion")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) if v == u64::from(PLAN_FORMAT_VERSION) => {}
            Some(found) => {
                return Err(Refusal::PlanVersion {
                    found,
                    expected: PLAN_FORMAT_VERSION,
                }
                .into_error())
            }
            None => {
                return Err(Error::new(
                    ErrorKind::Decode,
                    "not a plan: no numeric `formatVersion` (a plan from an older build? plan \
                     again)",
                ))
            }
        }
        serde_path_to_error::deserialize(value).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!("not a plan: {}: {}", e.path(), e.inner()),
            )
        })
    }

    /// The refusals that need no Graph call: another format version,
    /// another base URL, content that does not match the digest (unless
    /// `allow_edited`), two plans of one package, invalid ids.
    pub(crate) fn check_offline(
        &self,
        client: &entra_access::Client,
        allow_edited: bool,
    ) -> Result<()> {
        if self.format_version != PLAN_FORMAT_VERSION {
            return Err(Refusal::PlanVersion {
                found: u64::from(self.format_version),
                expected: PLAN_FORMAT_VERSION,
            }
            .into_error());
        }
        let client = client.base_url().as_str();
        if self.base_url != client {
            return Err(Refusal::PlanBaseUrl {
                planned: self.base_url.clone(),
                client: client.to_owned(),
            }
            .into_error());
        }
        let computed = self.compute_digest();
        if self.digest != computed && !allow_edited {
            return Err(Refusal::EditedPlan {
                found: self.digest.clone(),
                computed,
            }
            .into_error());
        }
        check_distinct(&self.packages).map_err(Refusal::into_error)?;
        for p in &self.packages {
            p.spec.check()?;
            for item in &p.items {
                item.person.check().map_err(|problem| {
                    crate::invalid_input(&format!("plan item '{}'", item.person), problem)
                })?;
                if let Some(id) = &item.assignment_id {
                    id.check()
                        .map_err(|e| crate::invalid_input(&format!("assignment id '{id}'"), e))?;
                }
            }
        }
        Ok(())
    }
}

/// Refuses two plans of one package.
fn check_distinct(packages: &[PackagePlan]) -> std::result::Result<(), Refusal> {
    for (i, p) in packages.iter().enumerate() {
        if let Some(j) = packages[..i]
            .iter()
            .position(|q| q.spec.access_package == p.spec.access_package)
        {
            let entry = |k: usize, q: &PackagePlan| EntryRef {
                index: k + 1,
                line: None,
                label: q.spec.label.clone(),
            };
            return Err(Refusal::DuplicatePackage {
                package: p.spec.access_package.to_string(),
                first: entry(j, &packages[j]),
                second: entry(i, p),
            });
        }
    }
    Ok(())
}

/// `formatVersion` must be this build's (a `serde` read of another one
/// fails instead of misreading it).
fn current_version<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if v == PLAN_FORMAT_VERSION {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "plan format version {v}; this build reads version {PLAN_FORMAT_VERSION} only"
        )))
    }
}
