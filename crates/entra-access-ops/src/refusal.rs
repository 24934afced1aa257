//! The bulk run's safety limits and the typed refusal when a plan breaks
//! one (checked after planning), or when a stored plan cannot be applied
//! (another format version, another base URL, a tenant that moved):
//! always before anything is written.

use std::fmt;

use super::plan::{Action, BulkPlan, BulkSpec};
use entra_access::error::{Error, ErrorKind};

/// Why a bulk run refused to write anything. It comes back as the
/// [`source`](std::error::Error::source) of an
/// [`InvalidInput`](entra_access::ErrorKind::InvalidInput) error (a
/// [`Conflict`](entra_access::ErrorKind::Conflict) for a
/// [`StalePlan`](Self::StalePlan)); get it with [`BulkRefusal::of`]. Each
/// says how to allow the run.
///
/// ```
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// use entra_access_ops::BulkRefusal;
///
/// let run = entra_access_ops::BulkAssign::group(&client, "pkg-1", "pol-1", "grp-1")
///     .reconcile(true)
///     .run()
///     .await;
/// match run {
///     Ok(report) => println!("{} removed", report.totals().removed),
///     Err(e) => match BulkRefusal::of(&e) {
///         Some(BulkRefusal::TooManyRemovals { planned, cap }) => {
///             eprintln!("{planned} removals planned, cap {cap}: review a dry run first");
///         }
///         _ => return Err(e),
///     },
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BulkRefusal {
    /// Reconcile with a source that has no users would remove every holder
    /// in scope. Allow it with
    /// [`allow_empty_source`](super::BulkAssign::allow_empty_source).
    EmptySource,
    /// The plan removes more assignments than the cap
    /// ([`max_removals`](super::BulkAssign::max_removals), default 50).
    TooManyRemovals {
        /// Removals in the plan.
        planned: usize,
        /// The cap in force.
        cap: usize,
    },
    /// The package would hold more assignments than the caller's cap
    /// ([`max_assignments`](super::BulkAssign::max_assignments)).
    TooManyAssignments {
        /// Assignments (not expired) the package would hold afterwards.
        after: usize,
        /// The cap in force.
        cap: usize,
    },
    /// The package's assignments or open requests moved since the plan was
    /// made (see [`BulkApply`](super::BulkApply)). Plan again and review,
    /// or apply with [`replan_if_stale`](super::BulkApply::replan_if_stale).
    StalePlan {
        /// What differs, in words (`delivered assignments 3 → 4`; see
        /// [`Observed::describe_change`](super::Observed::describe_change)).
        change: String,
    },
    /// The plan has another format version than this build's
    /// ([`BULK_PLAN_FORMAT_VERSION`](super::BULK_PLAN_FORMAT_VERSION)).
    PlanVersion {
        /// The plan's version.
        found: u64,
        /// This build's.
        expected: u32,
    },
    /// The plan was made against another Graph base URL (another cloud,
    /// another fake) than the client applying it.
    PlanBaseUrl {
        /// Where the plan was made.
        planned: String,
        /// Where the client points.
        client: String,
    },
}

impl BulkRefusal {
    /// The refusal behind `error`, if it is one.
    pub fn of(error: &Error) -> Option<&Self> {
        std::error::Error::source(error).and_then(|s| s.downcast_ref::<Self>())
    }

    pub(crate) fn into_error(self) -> Error {
        let kind = match self {
            Self::StalePlan { .. } => ErrorKind::Conflict,
            _ => ErrorKind::InvalidInput,
        };
        Error::new(kind, self.explain()).with_source(self)
    }

    /// What was refused and how to allow it, in words (the message of the
    /// error it comes in).
    pub fn explain(&self) -> String {
        Explained(self).to_string()
    }
}

impl fmt::Display for BulkRefusal {
    /// A short tag (the error's message has the whole story; see
    /// [`explain`](Self::explain)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptySource => f.write_str("empty source"),
            Self::TooManyRemovals { planned, cap } => {
                write!(f, "{planned} removals planned, cap {cap}")
            }
            Self::TooManyAssignments { after, cap } => {
                write!(f, "{after} assignments after the run, cap {cap}")
            }
            Self::StalePlan { change } => write!(f, "stale plan: {change}"),
            Self::PlanVersion { found, expected } => {
                write!(f, "plan format version {found}, expected {expected}")
            }
            Self::PlanBaseUrl { planned, client } => {
                write!(f, "plan made for {planned}, client is for {client}")
            }
        }
    }
}

struct Explained<'a>(&'a BulkRefusal);

impl fmt::Display for Explained<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            BulkRefusal::EmptySource => f.write_str(
                "bulk reconcile refused: the source has no users, so every assignment in the \
                 removal scope would be removed; nothing was written. If that is what you want, \
                 allow it with .allow_empty_source(true)",
            ),
            BulkRefusal::TooManyRemovals { planned, cap } => write!(
                f,
                "bulk reconcile refused: the plan removes {planned} assignments, more than the cap \
                 of {cap}; nothing was written. Review the plan (dry run) and allow it with \
                 .max_removals({planned}) (--max-removals {planned} in the example)"
            ),
            BulkRefusal::TooManyAssignments { after, cap } => write!(
                f,
                "bulk assignment refused: the package would hold {after} assignments, more than \
                 the cap of {cap} set with .max_assignments; nothing was written. Raise or drop \
                 the cap to allow it"
            ),
            BulkRefusal::StalePlan { change } => write!(
                f,
                "bulk plan refused: the package moved since the plan was made ({change}); \
                 nothing was written. Plan again and review, or apply with .replan_if_stale()"
            ),
            BulkRefusal::PlanVersion { found, expected } => write!(
                f,
                "bulk plan refused: it has format version {found}, this build applies version \
                 {expected} only; nothing was written. Plan again with this build"
            ),
            BulkRefusal::PlanBaseUrl { planned, client } => write!(
                f,
                "bulk plan refused: it was made against {planned}, not {client}; nothing was \
                 written. Plan again with this client"
            ),
        }
    }
}

impl std::error::Error for BulkRefusal {}

/// Holds `plan` (made from a source with `source_users` users) to the
/// limits of `spec`: removals only from a source with users (unless
/// allowed), `max_removals`, `max_assignments`.
pub(crate) fn check(
    plan: &BulkPlan,
    source_users: usize,
    spec: &BulkSpec,
) -> Result<(), BulkRefusal> {
    if spec.removal_scope.removes() && source_users == 0 && !spec.allow_empty_source {
        return Err(BulkRefusal::EmptySource);
    }
    let planned = plan.count(&Action::Remove);
    if planned > spec.max_removals {
        return Err(BulkRefusal::TooManyRemovals {
            planned,
            cap: spec.max_removals,
        });
    }
    if let Some(cap) = spec.max_assignments {
        let after = plan.assignments_after();
        if after > cap {
            return Err(BulkRefusal::TooManyAssignments { after, cap });
        }
    }
    Ok(())
}
