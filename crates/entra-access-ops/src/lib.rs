//! Workflows built on the resource handles of [`entra_access`].
//!
//! Every workflow here sits on [`Client`](entra_access::Client)'s public
//! handles (`assignments()`, `assignment_requests()`, `groups()`…), never
//! below them, so it shares the client's settings, token cache and
//! throttle gate.
//!
//! **One write engine.** Every write workflow makes a [`Plan`] — data: a
//! list of [`PackagePlan`]s, each with its settings ([`PackageSpec`]), what
//! it observed ([`Observed`]) and one [`PlanItem`] per person — and runs it
//! on one engine ([`Run`]: rows streamed as writes finish, a graceful
//! [`stop`](Run::stop), adaptive throttle-aware concurrency, removals after
//! adds and each re-checked against its source right before it is sent),
//! which reports one [`Row`] per item in a [`Report`]. A bulk run is the
//! one-package case of a desired-state file:
//!
//! - [`BulkAssign::group`] / [`BulkAssign::users`]: one package, a group or
//!   a list of users ([`BulkAssign::plan`], [`run`](BulkAssign::run),
//!   [`start`](BulkAssign::start)).
//! - [`sync::plan`]: a desired-state file ([`sync::DesiredState`]) of many
//!   packages.
//! - [`Plan::apply`]: a stored, reviewed plan of either, applied exactly —
//!   refused, before anything is written, when it is of another format or
//!   tenant, was edited after planning, went stale, or asks for anything
//!   planning would not do.
//!
//! Refusals are errors of the one error type, [`entra_access::Error`]
//! (kind `InvalidInput`, `Conflict` for a stale plan), whose typed reason
//! is [`Refusal::of`]. The planner is public and pure
//! ([`plan_package`]: facts in, plan out).
//!
//! - One person, once: [`submit_once`] sends an `adminAdd` only when the
//!   person neither holds the package nor has an open request for it, and
//!   looks again after a lost answer instead of sending twice
//!   ([`Submission`] says which).
//!
//! Besides: reports ([`reports`]: expiring assignments, catalog-wide
//! listings, audit evidence, separation of duties) and CSV export
//! ([`export`]).
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
//!     eprintln!("{}: {:?}", row.person, row.error_message);
//! }
//! # Ok(()) }
//! ```
#![doc = include_str!("../../../docs/sync.md")]

mod apply;
mod bulk;
mod execute;
pub mod export;
mod facts;
mod limiter;
mod observed;
mod person;
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
mod validate;
mod writes;

pub use apply::Apply;
pub use bulk::BulkAssign;
pub use execute::{DEFAULT_DELIVERY_BUDGET, DEFAULT_WRITE_CONCURRENCY, MAX_WRITE_CONCURRENCY};
pub use facts::{AssignmentFact, MemberFact, PackageFacts, RequestFact};
pub use observed::Observed;
pub use person::Person;
pub use plan::{
    plan_package, Action, Approval, PackagePlan, PackageSpec, Plan, PlanItem, Reason, ReportReason,
    SkipReason, Warning, PLAN_FORMAT_VERSION,
};
pub use refusal::{EntryRef, Refusal, StaleChange};
pub use removal::{RemovalScope, DEFAULT_MAX_REMOVALS, MAX_REMOVALS_CEILING};
pub use report::{Outcome, Progress, Report, Row, Totals, REPORT_COLUMNS};
pub use run::{Run, StopHandle};
pub use source::{Source, SourceGroup};
pub use submit_once::{submit_once, Submission};

/// The short bulk guide's examples are tested too (the crate's docs are the
/// full guide, `docs/sync.md`).
#[cfg(doctest)]
#[doc = include_str!("../../../docs/bulk.md")]
struct BulkGuide;

/// Input refused before sending; `what` names the argument or item.
pub(crate) fn invalid_input(what: &str, problem: impl std::fmt::Display) -> entra_access::Error {
    entra_access::Error::new(
        entra_access::ErrorKind::InvalidInput,
        format!("{what} {problem}"),
    )
}
