//! Desired state: who should hold which access package, as a file in a
//! repository, with plan / apply / drift — on the same plan and the same
//! engine as a bulk run.
//!
//! 1. Read a [`DesiredState`] (TOML or JSON).
//! 2. [`plan`] resolves its names, reads every package concurrently and
//!    decides a [`Plan`] with one [`PackagePlan`](crate::PackagePlan) per
//!    entry: data you can print, review, store as JSON.
//! 3. [`Plan::apply`] re-reads what the plan observed, refuses it if the
//!    tenant moved ([`Refusal::StalePlan`](crate::Refusal::StalePlan),
//!    nothing written) or if any item asks for what planning would not do,
//!    and otherwise sends exactly its writes, streaming one
//!    [`Row`](crate::Row) per item.
//!
//! Drift is a plan that is not empty.
//!
//! ```no_run
//! use entra_access_ops::sync::{self, DesiredState};
//! use entra_access_ops::Plan;
//! # async fn demo(client: entra_access::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let desired = DesiredState::from_path("access.toml")?;
//! let plan = sync::plan(&client, &desired).await?;
//! for (package, item) in plan.writes() {
//!     println!("{} {} {}", item.action, package.label(), item.person);
//! }
//! std::fs::write("plan.json", plan.to_json())?;
//!
//! // Later, after review:
//! let plan = Plan::from_json(&std::fs::read_to_string("plan.json")?)?;
//! let report = plan.apply(&client).concurrency(8).run().await?;
//! assert!(report.is_success());
//! # Ok(()) }
//! ```
//!
//! The planner is pure ([`plan_package`]): facts in,
//! plan out, so a tool can plan from facts it gathered itself
//! ([`resolve`] gives each entry's settings and members).

mod desired;
mod resolve;

pub use desired::{Defaults, DesiredState, PackageEntry};
pub use resolve::{resolve, ResolvedPackage};

use crate::{plan_package, PackageFacts, Plan};
use entra_access::error::Result;
use entra_access::Client;

/// Resolves the file's names, reads every package concurrently (through
/// the client's one throttle gate) and plans. Writes nothing.
///
/// Refused before anything is written (`InvalidInput`, with a
/// [`Refusal`](crate::Refusal); `Ambiguous` for a name that matches
/// several packages): an unknown package name, a policy that cannot be
/// chosen, a user principal name that does not resolve, a missing group or
/// an empty desired set while removals are on, two entries for one
/// package, more removals than `max_removals`. A Graph failure while
/// reading is Graph's error.
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
/// assert_eq!((plan.totals().to_add, plan.totals().to_remove), (1, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// # fn tokio_test<F: std::future::Future<Output = Result<(), Box<dyn std::error::Error>>>>(f: F) {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f).unwrap()
/// # }
/// ```
pub async fn plan(client: &Client, desired: &DesiredState) -> Result<Plan> {
    let resolved = resolve(client, desired).await?;
    let ids = resolved
        .iter()
        .map(|r| r.spec.access_package.clone())
        .collect();
    let facts = PackageFacts::gather_all(client, ids).await?;
    let created_at = chrono::Utc::now();
    let mut packages = Vec::with_capacity(resolved.len());
    for (r, facts) in resolved.into_iter().zip(&facts) {
        let mut package = plan_package(&r.spec, &r.members, facts)?;
        // The resolver's warnings first, then the plan's own.
        package.warnings.splice(0..0, r.warnings);
        packages.push(package);
    }
    Plan::new(client.base_url().as_str(), created_at, packages)
}
