//! `GET` on catalogs and on a catalog's access packages
//! (`…/catalogs`, `…/catalogs/{id}`, `…/catalogs/{id}/accessPackages`).
//! Writes are refused with 405: the fake seeds catalogs, it does not
//! create them.

use serde_json::{json, Value};

use super::documented::PACKAGES;
use super::em_read::{check_query, list_any};
use super::filters::{self, FilterSpec, Ops};
use super::query::apply_select;
use super::render;
use super::reply::{GraphErr, Reply};
use super::routes::{method_not_allowed, unknown_segment, Ctx};
use super::state::State;

const EM: &str = "identityGovernance/entitlementManagement";

/// `resources/accesspackagecatalog.md`: `displayName` "Supports $filter
/// (eq, contains)"; the list page's example filters `displayName eq '…'`.
const CATALOGS: FilterSpec = FilterSpec {
    type_name: "microsoft.graph.accessPackageCatalog",
    props: &[("displayname", Ops::EqContains)],
};

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
    ctx.query
        .check_expand("microsoft.graph.accessPackageCatalog", &[])?;
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
        .map(render::catalog)
        .collect();
    list_any(st, ctx, &format!("{EM}/catalogs"), items)
}

fn get_catalog(st: &State, ctx: &Ctx<'_>, id: &str) -> Result<Reply, GraphErr> {
    ctx.query
        .check_expand("microsoft.graph.accessPackageCatalog", &[])?;
    let c = st
        .catalog(id)
        .ok_or_else(|| GraphErr::not_found("Access package catalog", id))?;
    let mut v = render::catalog(c);
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
