//! Multi-call workflows built on the resource handles.
//!
//! Every workflow here sits on [`Client`](entra_access::Client)'s public handles
//! (`assignments()`, `assignment_requests()`, `groups()`…), never below
//! them, so it shares the client's settings, token cache and throttle gate.
//!
//! - Bulk assignment: [`BulkAssign::group`](crate::BulkAssign::group)
//!   and [`BulkAssign::users`](crate::BulkAssign::users) give a
//!   [`BulkAssign`] builder that reads the current state, plans one action per
//!   person ([`BulkPlan`]), and then acts with bounded, throttle-aware
//!   concurrency, returning a [`BulkReport`] with one row per person
//!   ([`BulkAssign::start`] streams the rows as a [`BulkRun`] with a graceful stop).
//!   Reconcile (removals) is guarded: limited to the bulk's policy
//!   ([`RemovalScope`]), capped, refused for an empty source
//!   ([`BulkRefusal`]), run after the adds and re-checked per person.
//!   Plans and reports are `Serialize + Deserialize`.
//! - Reviewed plans: a [`BulkPlan`] is data (versioned, with the base URL,
//!   the time and an [`Observed`] fingerprint of the package); store it,
//!   review it, and [`apply`](BulkPlan::apply) exactly it later — refused
//!   if the package moved meanwhile. The planner is public and pure
//!   ([`plan_bulk`]: facts in, plan out).
//! - Desired state across packages ([`sync`]): a file of who should hold
//!   what, with plan / apply / drift.
//! - One person, once: [`submit_once`] sends an `adminAdd` only when the
//!   person neither holds the package nor has an open request for it, and
//!   looks again after a lost answer instead of sending twice
//!   ([`Submission`] says which).
//! - Reports ([`reports`]): expiring assignments, catalog-wide listings,
//!   audit evidence and separation of duties, from
//!   [`Reports::new`](crate::reports::Reports::new).
//! - CSV export (feature `csv`): `export::assignments_csv` streams
//!   assignments to CSV in constant memory; `BulkReport::write_csv` writes a
//!   report.
//!
//! ```no_run
//! # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
//! let report = entra_access_ops::BulkAssign::group(&client, "pkg-1", "policy-1", "group-1")
//!     .transitive(true)
//!     .concurrency(16)
//!     .justification("quarterly onboarding")
//!     .run()
//!     .await?;
//! let t = report.totals();
//! println!("created {}, skipped {}, failed {}", t.created, t.skipped, t.failed);
//! for row in report.failures() {
//!     eprintln!("{}: {:?}", row.user_id, row.error_message);
//! }
//! # Ok(()) }
//! ```
#![doc = include_str!("../../../docs/bulk.md")]

mod apply;
mod bulk;
mod execute;
pub mod export;
mod facts;
mod limiter;
mod observed;
mod plan;
mod recheck;
mod refusal;
mod removal;
mod report;
pub mod reports;
mod run;
mod source;
mod submit_once;
pub mod sync;
mod writes;

pub use apply::BulkApply;
pub use bulk::BulkAssign;
pub use execute::{DEFAULT_WRITE_CONCURRENCY, MAX_WRITE_CONCURRENCY};
pub use facts::{AssignmentFact, MemberFact, PackageFacts, RequestFact};
pub use observed::Observed;
pub use plan::{
    plan_bulk, Action, BulkPlan, BulkSpec, PlanItem, ReportReason, SkipReason,
    BULK_PLAN_FORMAT_VERSION,
};
pub use refusal::BulkRefusal;
pub use removal::{RemovalScope, DEFAULT_MAX_REMOVALS};
pub use report::{BulkReport, Outcome, Progress, ReportRow, Totals};
pub use run::{BulkRun, StopHandle};
pub use source::Source as BulkSource;
pub use submit_once::{submit_once, Submission};

/// Input refused before sending; `what` names the argument or item.
pub(crate) fn invalid_input(what: &str, problem: impl std::fmt::Display) -> entra_access::Error {
    entra_access::Error::new(
        entra_access::ErrorKind::InvalidInput,
        format!("{what} {problem}"),
    )
}
