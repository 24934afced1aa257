//! Incompatible access packages and groups: seeding, and `GET
//! …/accessPackages/{id}/incompatibleAccessPackages` (the packages `{id}`
//! marks incompatible), `…/accessPackagesIncompatibleWith` (the packages
//! that mark `{id}` incompatible) and `…/incompatibleGroups` (the groups
//! whose members must not hold `{id}`; `resources/accesspackage.md`,
//! `api/accesspackage-list-incompatiblegroups.md`: a collection of group
//! objects, paged).

use super::documented::PACKAGES;
use super::em_read::{check_query, list_any};
use super::render;
use super::reply::{GraphErr, Reply};
use super::routes::{method_not_allowed, Ctx};
use super::state::{DirKind, State};
use super::FakeGraph;
use entra_access::models::{AccessPackageId, ObjectId};

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

    /// Marks `group` as incompatible with `package` (Graph: `POST
    /// …/accessPackages/{package}/incompatibleGroups/$ref`): it then appears
    /// in `package`'s `incompatibleGroups`, and its members (direct or
    /// nested) should not hold `package`. Marking a pair twice adds it once;
    /// an id that is not a group of the fake is listed by nobody.
    ///
    /// ```
    /// # async fn demo() {
    /// use entra_access_fake::{AccessPackageSeed, FakeGraph, GroupSeed};
    ///
    /// let fake = FakeGraph::builder().manual_progress().start().await;
    /// let payments = fake.add_access_package(AccessPackageSeed::new("Approve payments"));
    /// let vendors = fake.add_group(GroupSeed::new("Vendor managers"));
    /// fake.add_incompatible_group(&payments, &vendors);
    /// # }
    /// ```
    pub fn add_incompatible_group(&self, package: &AccessPackageId, group: &ObjectId) {
        let mut st = self.state();
        let pair = (package.clone(), group.clone());
        if !st.incompatible_groups.contains(&pair) {
            st.incompatible_groups.push(pair);
        }
    }
}

/// Serves the three navigation lists; `None` for other paths.
pub(crate) fn route(st: &State, ctx: &Ctx<'_>) -> Option<Result<Reply, GraphErr>> {
    if !(ctx.seg_is(2, "accessPackages") && ctx.segs.len() == 5) {
        return None;
    }
    let list = if ctx.seg_is(4, "incompatibleAccessPackages") {
        Nav::Marked
    } else if ctx.seg_is(4, "accessPackagesIncompatibleWith") {
        Nav::Marking
    } else if ctx.seg_is(4, "incompatibleGroups") {
        Nav::Groups
    } else {
        return None;
    };
    if ctx.method != "GET" {
        return Some(Err(method_not_allowed(ctx)));
    }
    if let Err(e) = paging_only(ctx) {
        return Some(Err(e));
    }
    Some(match list {
        Nav::Groups => groups(st, ctx, &ctx.segs[3]),
        nav => packages(st, ctx, &ctx.segs[3], nav == Nav::Marked),
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Nav {
    /// `incompatibleAccessPackages`.
    Marked,
    /// `accessPackagesIncompatibleWith`.
    Marking,
    /// `incompatibleGroups`.
    Groups,
}

/// The three list pages (`accesspackage-list-incompatibleaccesspackages.md`,
/// `…-list-accesspackagesincompatiblewith.md`, `…-list-incompatiblegroups.md`)
/// document "the OData query parameters for server-side paging" only: a
/// `$filter` is refused rather than ignored, so a caller's filter never
/// silently returns the whole list.
fn paging_only(ctx: &Ctx<'_>) -> Result<(), GraphErr> {
    match &ctx.query.filter {
        Some(_) => Err(GraphErr::bad_request(format!(
            "Invalid filter clause: $filter is not supported on '{}'.",
            ctx.segs.last().map_or("", String::as_str)
        ))),
        None => Ok(()),
    }
}

fn packages(st: &State, ctx: &Ctx<'_>, id: &str, forward: bool) -> Result<Reply, GraphErr> {
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

/// The package's incompatible groups, as `GET /groups` shows a group.
fn groups(st: &State, ctx: &Ctx<'_>, id: &str) -> Result<Reply, GraphErr> {
    if st.package(id).is_none() {
        return Err(GraphErr::not_found("Access package", id));
    }
    let items = st
        .incompatible_groups
        .iter()
        .filter(|(package, _)| package == id)
        .filter_map(|(_, group)| st.object(group.as_str()))
        .filter(|o| o.kind == DirKind::Group)
        .map(|o| {
            let mut v = render::directory_object(o);
            if let Some(obj) = v.as_object_mut() {
                obj.remove("@odata.type");
            }
            v
        })
        .collect();
    list_any(st, ctx, "groups", items)
}
