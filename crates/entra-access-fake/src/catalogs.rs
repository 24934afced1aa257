//! `GET` on catalogs and on a catalog's access packages
//! (`…/catalogs`, `…/catalogs/{id}`, `…/catalogs/{id}/accessPackages`).
//! Writes are refused with 405: the fake seeds catalogs, it does not
//! create them.
//!
//! `$expand=accessPackages` is documented on both the list
//! (`entitlementmanagement-list-catalogs.md`: "to retrieve the access
//! packages in each catalog, include `$expand=accessPackages`") and the get
//! page (`accesspackagecatalog-get.md`); the other navigation properties of
//! `accessPackageCatalog` (resources, resource roles, scopes, custom
//! workflow extensions) are not modelled and get 400.

use serde_json::{json, Value};

use super::documented::PACKAGES;
use super::em_read::{check_query, list_any};
use super::filters::{self, FilterSpec, Ops};
use super::query::{apply_select, Query};
use super::render;
use super::reply::{GraphErr, Reply};
use super::routes::{method_not_allowed, unknown_segment, Ctx};
use super::state::{Catalog, State};

const EM: &str = "identityGovernance/entitlementManagement";

/// `resources/accesspackagecatalog.md`: `displayName` "Supports $filter
/// (eq, contains)"; the list page's example filters `displayName eq '…'`.
const CATALOGS: FilterSpec = FilterSpec {
    type_name: "microsoft.graph.accessPackageCatalog",
    props: &[("displayname", Ops::EqContains)],
};

/// The navigation properties of a catalog the fake can expand.
const CATALOG_EXPAND: &[&str] = &["accesspackages"];

/// A catalog, with its access packages when `$expand=accessPackages` (their
/// own nested options, such as `accessPackages($expand=assignmentPolicies)`,
/// follow the access-package rules).
fn catalog(st: &State, c: &Catalog, q: &Query) -> Result<Value, GraphErr> {
    let mut v = render::catalog(c);
    if q.expands("accesspackages") {
        let inner = q.nested_query("accesspackages")?;
        inner.check_expand(PACKAGES.filter.type_name, PACKAGES.expand)?;
        inner.check_select(PACKAGES.filter.type_name, PACKAGES.select)?;
        let packages = st
            .packages
            .iter()
            .filter(|p| p.catalog_id.as_ref() == Some(&c.id))
            .map(|p| {
                let mut pv = render::package(st, p, &inner);
                apply_select(&mut pv, &inner);
                pv
            })
            .collect();
        v["accessPackages"] = Value::Array(packages);
    }
    Ok(v)
}

/// Serves `…/catalogs[/{id}[/accessPackages]]`; `None` for other paths.
pub(crate) fn route(st: &State, ctx: &Ctx<'_>) -> Option<Result<Reply, GraphErr>> {
    if !ctx.seg_is(2, "catalogs") {
        return None;
    }
    if ctx.method != "GET" {
        return Some(Err(method_not_allowed(ctx)));
    }
    Some(match ctx.segs.len() {
        3 => list_catalogs(st, ctx),
        4 => get_catalog(st, ctx, &ctx.segs[3]),
        5 if ctx.seg_is(4, "accessPackages") => catalog_packages(st, ctx, &ctx.segs[3]),
        _ => Err(unknown_segment(ctx)),
    })
}

fn filter(ctx: &Ctx<'_>, spec: &FilterSpec) -> Result<Option<filters::Expr>, GraphErr> {
    ctx.query
        .filter
        .as_deref()
        .map(|f| filters::parse(f, spec))
        .transpose()
}

fn list_catalogs(st: &State, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    ctx.query.check_expand(CATALOGS.type_name, CATALOG_EXPAND)?;
    let f = filter(ctx, &CATALOGS)?;
    let items = st
        .catalogs
        .iter()
        .filter(|c| {
            f.as_ref().is_none_or(|f| {
                f.matches(&|path| match path {
                    "displayname" => json!(c.display_name),
                    _ => Value::Null,
                })
            })
        })
        .map(|c| catalog(st, c, &ctx.query))
        .collect::<Result<_, _>>()?;
    list_any(st, ctx, &format!("{EM}/catalogs"), items)
}

fn get_catalog(st: &State, ctx: &Ctx<'_>, id: &str) -> Result<Reply, GraphErr> {
    ctx.query.check_expand(CATALOGS.type_name, CATALOG_EXPAND)?;
    let c = st
        .catalog(id)
        .ok_or_else(|| GraphErr::not_found("Access package catalog", id))?;
    let mut v = catalog(st, c, &ctx.query)?;
    apply_select(&mut v, &ctx.query);
    if let Some(obj) = v.as_object_mut() {
        obj.insert(
            "@odata.context".into(),
            json!(ctx.context(&format!("{EM}/catalogs/$entity"))),
        );
    }
    Ok(Reply::json(200, v))
}

/// The packages of a catalog; an unknown catalog is 404, as on Graph.
fn catalog_packages(st: &State, ctx: &Ctx<'_>, id: &str) -> Result<Reply, GraphErr> {
    check_query(ctx, &PACKAGES)?;
    let catalog = st
        .catalog(id)
        .ok_or_else(|| GraphErr::not_found("Access package catalog", id))?;
    let f = filter(ctx, &PACKAGES.filter)?;
    let items = st
        .packages
        .iter()
        .filter(|p| p.catalog_id.as_ref() == Some(&catalog.id))
        .filter(|p| {
            f.as_ref().is_none_or(|f| {
                f.matches(&|path| match path {
                    "displayname" => json!(p.display_name),
                    _ => Value::Null,
                })
            })
        })
        .map(|p| render::package(st, p, &ctx.query))
        .collect();
    list_any(
        st,
        ctx,
        &format!("{EM}/catalogs('{id}')/accessPackages"),
        items,
    )
}
