//! `GET` on access packages, policies, assignments and assignment requests.

use serde_json::{json, Value};

use super::current_user;
use super::documented::{Documented, ASSIGNMENTS, PACKAGES, POLICIES, REQUESTS};
use super::filters::{self, Expr};
use super::paging;
use super::query::apply_select;
use super::render;
use super::reply::{GraphErr, Reply};
use super::routes::Ctx;
use super::state::{Assignment, Request, State};

const EM: &str = "identityGovernance/entitlementManagement";

/// Dispatches `GET …/{collection}` and `GET …/{collection}/{id}`.
pub(crate) fn get(st: &State, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    let collection = ctx
        .segs
        .get(2)
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default();
    let id = ctx.segs.get(3).map(String::as_str);
    if let Some(call) = id.and_then(|seg| current_user::Call::parse(&collection, seg)) {
        return current_user::get(st, ctx, call?);
    }
    let q = &ctx.query;
    match collection.as_str() {
        "accesspackages" => {
            check_query(ctx, &PACKAGES)?;
            match id {
                Some(id) => {
                    let p = st
                        .package(id)
                        .ok_or_else(|| GraphErr::not_found("Access package", id))?;
                    single(ctx, "accessPackages", render::package(st, p, q))
                }
                None => {
                    let f = parse(ctx, &PACKAGES)?;
                    let items = st
                        .packages
                        .iter()
                        .filter(|p| {
                            matches(f.as_ref(), |path| match path {
                                "displayname" => json!(p.display_name),
                                _ => Value::Null,
                            })
                        })
                        .map(|p| render::package(st, p, q))
                        .collect();
                    list(st, ctx, "accessPackages", items)
                }
            }
        }
        "assignmentpolicies" => {
            check_query(ctx, &POLICIES)?;
            match id {
                Some(id) => {
                    let p = st
                        .policy(id)
                        .ok_or_else(|| GraphErr::not_found("Assignment policy", id))?;
                    single(ctx, "assignmentPolicies", render::policy(st, p, q))
                }
                None => {
                    let f = parse(ctx, &POLICIES)?;
                    let items = st
                        .policies
                        .iter()
                        .filter(|p| {
                            matches(f.as_ref(), |path| match path {
                                "displayname" => json!(p.display_name),
                                _ => Value::Null,
                            })
                        })
                        .map(|p| render::policy(st, p, q))
                        .collect();
                    list(st, ctx, "assignmentPolicies", items)
                }
            }
        }
        "assignments" => {
            check_query(ctx, &ASSIGNMENTS)?;
            match id {
                Some(id) => {
                    let a = st
                        .assignment(id)
                        .ok_or_else(|| GraphErr::not_found("Assignment", id))?;
                    single(ctx, "assignments", render::assignment(st, a, q))
                }
                None => list_assignments(st, ctx, Scope::Tenant, |_| true),
            }
        }
        "assignmentrequests" => {
            check_query(ctx, &REQUESTS)?;
            match id {
                Some(id) => {
                    let r = st
                        .request(id)
                        .ok_or_else(|| GraphErr::not_found("Assignment request", id))?;
                    single(ctx, "assignmentRequests", render::request(st, r, q))
                }
                None => list_requests(st, ctx, Scope::Tenant, |_| true),
            }
        }
        _ => Err(super::routes::unknown_segment(ctx)),
    }
}

/// Whether an item passes the list's `$filter` (no filter: every item);
/// `field` reads the item's value at a filter path.
fn matches(f: Option<&Expr>, field: impl Fn(&str) -> Value) -> bool {
    f.is_none_or(|f| f.matches(&field))
}

fn parse(ctx: &Ctx<'_>, doc: &Documented) -> Result<Option<Expr>, GraphErr> {
    ctx.query
        .filter
        .as_deref()
        .map(|f| filters::parse(f, &doc.filter))
        .transpose()
}

/// Refuses an `$expand` or `$select` the docs do not list for the resource.
pub(crate) fn check_query(ctx: &Ctx<'_>, doc: &Documented) -> Result<(), GraphErr> {
    ctx.query.check_expand(doc.filter.type_name, doc.expand)?;
    ctx.query.check_select(doc.filter.type_name, doc.select)
}

/// Which items a list reads: every item the caller may read (a
/// catalog-scoped caller must then name one access package), or those a
/// function call already narrowed down (`filterByCurrentUser`: the user's
/// own; `additionalAccess`: a named package), which need no package filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Tenant,
    Narrowed,
}

/// Lists the assignments `keep` admits and the query's `$filter` matches.
pub(crate) fn list_assignments(
    st: &State,
    ctx: &Ctx<'_>,
    scope: Scope,
    keep: impl Fn(&Assignment) -> bool,
) -> Result<Reply, GraphErr> {
    check_query(ctx, &ASSIGNMENTS)?;
    let mut f = parse(ctx, &ASSIGNMENTS)?;
    if scope == Scope::Tenant {
        catalog_scope_check(st, f.as_ref())?;
    }
    if st.faults.ignore_target_filter {
        // A proxy or a regression that drops this part of the filter.
        f = f.and_then(|f| f.without("target/objectId"));
    }
    let items = st
        .assignments
        .iter()
        .filter(|a| keep(a))
        .filter(|a| {
            let subject = st.subject(&a.subject_id);
            matches(f.as_ref(), |path| match path {
                "state" => json!(a.state.as_str()),
                "accesspackage/id" => json!(a.package_id),
                "assignmentpolicy/id" => json!(a.policy_id),
                "target/objectid" => json!(subject.and_then(|s| s.object_id.clone())),
                _ => Value::Null,
            })
        })
        .map(|a| render::assignment(st, a, &ctx.query))
        .collect();
    list(st, ctx, "assignments", items)
}

/// Lists the requests `keep` admits and the query's `$filter` matches.
pub(crate) fn list_requests(
    st: &State,
    ctx: &Ctx<'_>,
    scope: Scope,
    keep: impl Fn(&Request) -> bool,
) -> Result<Reply, GraphErr> {
    check_query(ctx, &REQUESTS)?;
    let f = parse(ctx, &REQUESTS)?;
    if scope == Scope::Tenant {
        catalog_scope_check(st, f.as_ref())?;
    }
    let now = std::time::Instant::now();
    let lagging = st.faults.request_listing_lag.is_some();
    let items = st
        .requests
        .iter()
        .filter(|r| !lagging || r.listed_from.is_none_or(|at| now >= at))
        .filter(|r| keep(r))
        .filter(|r| {
            matches(f.as_ref(), |path| match path {
                "state" => json!(r.state.as_str()),
                "createddatetime" => json!(r.created),
                "accesspackage/id" => json!(r.package_id),
                _ => Value::Null,
            })
        })
        .map(|r| render::request(st, r, &ctx.query))
        .collect();
    list(st, ctx, "assignmentRequests", items)
}

/// In catalog-scoped mode, lists must name one access package.
fn catalog_scope_check(st: &State, f: Option<&Expr>) -> Result<(), GraphErr> {
    if !st.cfg.catalog_scoped {
        return Ok(());
    }
    if f.and_then(|f| f.required_eq("accessPackage/id")).is_some() {
        return Ok(());
    }
    Err(GraphErr::new(
        403,
        "AccessDenied",
        "The caller has catalog-scoped roles only: filter the list on one access package with $filter=accessPackage/id eq '<id>'.",
    ))
}

fn single(ctx: &Ctx<'_>, set: &str, mut v: Value) -> Result<Reply, GraphErr> {
    apply_select(&mut v, &ctx.query);
    if let Some(obj) = v.as_object_mut() {
        obj.insert(
            "@odata.context".into(),
            json!(ctx.context(&format!("{EM}/{set}/$entity"))),
        );
    }
    Ok(Reply::json(200, v))
}

fn list(st: &State, ctx: &Ctx<'_>, set: &str, items: Vec<Value>) -> Result<Reply, GraphErr> {
    list_any(st, ctx, &format!("{EM}/{set}"), items)
}

/// Pages any list of already rendered items (used by the directory routes).
pub(crate) fn list_any(
    st: &State,
    ctx: &Ctx<'_>,
    context: &str,
    mut items: Vec<Value>,
) -> Result<Reply, GraphErr> {
    for v in &mut items {
        apply_select(v, &ctx.query);
    }
    let body = paging::page(
        items,
        &ctx.query,
        &ctx.self_url(),
        &ctx.context(context),
        st.cfg.page_size,
    )?;
    Ok(Reply::json(200, body))
}
