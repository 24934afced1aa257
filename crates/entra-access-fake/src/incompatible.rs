//! Incompatible access packages: seeding, and `GET
//! …/accessPackages/{id}/incompatibleAccessPackages` (the packages `{id}`
//! marks incompatible) and `…/accessPackagesIncompatibleWith` (the packages
//! that mark `{id}` incompatible).

use super::documented::PACKAGES;
use super::em_read::{check_query, list_any};
use super::render;
use super::reply::{GraphErr, Reply};
use super::routes::{method_not_allowed, Ctx};
use super::state::State;
use super::FakeGraph;
use entra_access::models::AccessPackageId;

const EM: &str = "identityGovernance/entitlementManagement";

impl FakeGraph {
    /// Marks `incompatible` as incompatible with `package` (Graph: `POST
    /// …/accessPackages/{package}/incompatibleAccessPackages/$ref`): it then
    /// appears in `package`'s `incompatibleAccessPackages`, and `package`
    /// in its `accessPackagesIncompatibleWith`. Marking a pair twice adds it once.
    pub fn add_incompatible_package(
        &self,
        package: &AccessPackageId,
        incompatible: &AccessPackageId,
    ) {
        let mut st = self.state();
        let pair = (package.clone(), incompatible.clone());
        if !st.incompatible.contains(&pair) {
            st.incompatible.push(pair);
        }
    }
}

/// Serves the two navigation lists; `None` for other paths.
pub(crate) fn route(st: &State, ctx: &Ctx<'_>) -> Option<Result<Reply, GraphErr>> {
    if !(ctx.seg_is(2, "accessPackages") && ctx.segs.len() == 5) {
        return None;
    }
    let forward = ctx.seg_is(4, "incompatibleAccessPackages");
    if !forward && !ctx.seg_is(4, "accessPackagesIncompatibleWith") {
        return None;
    }
    if ctx.method != "GET" {
        return Some(Err(method_not_allowed(ctx)));
    }
    Some(list(st, ctx, &ctx.segs[3], forward))
}

fn list(st: &State, ctx: &Ctx<'_>, id: &str, forward: bool) -> Result<Reply, GraphErr> {
    check_query(ctx, &PACKAGES)?;
    if st.package(id).is_none() {
        return Err(GraphErr::not_found("Access package", id));
    }
    let items = st
        .incompatible
        .iter()
        .filter_map(|(marker, marked)| match forward {
            true if marker == id => Some(marked),
            false if marked == id => Some(marker),
            _ => None,
        })
        .filter_map(|other| st.package(other.as_str()))
        .map(|p| render::package(st, p, &ctx.query))
        .collect();
    list_any(st, ctx, &format!("{EM}/accessPackages"), items)
}
