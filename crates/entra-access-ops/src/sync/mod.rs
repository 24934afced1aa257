//! Desired state: who should hold which access package, as a file in a
//! repository, with plan / apply / drift.
//!
//! 1. Read a [`DesiredState`] (TOML or JSON).
//! 2. [`plan`] resolves its names, reads every package concurrently and
//!    decides a [`SyncPlan`]: data you can print, review, store as JSON.
//! 3. [`apply`] re-reads what the plan observed, refuses it if the tenant
//!    moved ([`SyncError::StalePlan`], nothing written), and otherwise sends
//!    exactly its actions, reporting one [`SyncRow`] each.
//!
//! Drift is a plan that is not empty.
//!
//! ```no_run
//! use entra_access_ops::sync::{self, DesiredState};
//! # async fn demo(client: entra_access::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let desired = DesiredState::from_path("access.toml")?;
//! let plan = sync::plan(&client, &desired).await?;
//! for (package, action) in plan.actions() {
//!     println!("{} {} {}", action.kind, package.label, action.target);
//! }
//! std::fs::write("plan.json", plan.to_json())?;
//!
//! // Later, after review:
//! let plan = sync::SyncPlan::from_json(&std::fs::read_to_string("plan.json")?)?;
//! let report = sync::apply(&client, plan).concurrency(8).run().await?;
//! assert!(report.all_ok());
//! # Ok(()) }
//! ```
//!
//! The planner is pure ([`plan_from_facts`], [`plan_package`]): facts in,
//! plan out, so a tool can plan from facts it gathered itself.
#![doc = include_str!("../../../../docs/sync.md")]

mod apply;
mod desired;
mod error;
mod plan;
mod plan_file;
mod report;
mod resolve;

use crate::PackageFacts;
pub use apply::Apply;
pub use desired::{Defaults, DesiredState, PackageSpec};
pub use error::{ConfigError, StaleChange, SyncError};
pub use plan::{plan_from_facts, plan_package};
pub use plan_file::{
    ActionKind, AddSettings, PackagePlan, PlanTarget, PlanTotals, Reason, SyncAction, SyncPlan,
    Warning, SYNC_PLAN_FORMAT_VERSION,
};
pub use report::{SyncOutcome, SyncReport, SyncRow, SyncTotals, SYNC_REPORT_COLUMNS};
pub use resolve::{resolve, DesiredHolder, ResolvedPackage};

use entra_access::Client;

/// Resolves the file's names, reads every package concurrently (through
/// the client's one throttle gate) and plans. Writes nothing.
///
/// Errors: an unknown or ambiguous package name, a policy that cannot be
/// chosen, a user principal name that does not resolve, a missing group
/// or an empty desired set while removals are on, more removals than
/// `max_removals`, or a Graph failure while reading.
///
/// ```
/// use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};
/// use entra_access_ops::sync::{self, DesiredState};
///
/// # tokio_test(async {
/// let fake = FakeGraph::start().await;
/// let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing Campaign"));
/// fake.add_policy(PolicySeed::new("Direct assignment", &pkg));
/// let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
///
/// let desired = DesiredState::from_toml_str(&format!(
///     "[[package]]\nname = \"Marketing Campaign\"\nusers = [\"{ada}\"]\n"
/// ))?;
/// let plan = sync::plan(&fake.client()?, &desired).await?;
/// assert_eq!(plan.totals().to_string(), "1 to add, 0 to remove, 0 unchanged");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// # fn tokio_test<F: std::future::Future<Output = Result<(), Box<dyn std::error::Error>>>>(f: F) {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f).unwrap()
/// # }
/// ```
pub async fn plan(client: &Client, desired: &DesiredState) -> Result<SyncPlan, SyncError> {
    let resolved = resolve(client, desired).await?;
    let ids = resolved.iter().map(|r| r.access_package.clone()).collect();
    let facts = PackageFacts::gather_all(client, ids).await?;
    let created_at = chrono::Utc::now();
    let pairs: Vec<(ResolvedPackage, PackageFacts)> = resolved.into_iter().zip(facts).collect();
    plan_from_facts(client.base_url().as_str(), created_at, &pairs)
}

/// Applies a reviewed plan: see [`Apply`].
///
/// ```no_run
/// # async fn demo(client: entra_access::Client, plan: entra_access_ops::sync::SyncPlan) -> Result<(), entra_access_ops::sync::SyncError> {
/// let report = entra_access_ops::sync::apply(&client, plan).concurrency(4).run().await?;
/// for row in report.failures() {
///     eprintln!("{} {} {}: {:?}", row.action, row.package_label, row.target, row.error_message);
/// }
/// # Ok(()) }
/// ```
pub fn apply(client: &Client, plan: SyncPlan) -> Apply {
    Apply::new(client, plan)
}
