//! `GET /users`, `GET /users/{id}`, `GET /groups`, `GET /groups/{id}`,
//! `GET /groups/{id}/members` and `…/transitiveMembers` (optionally cast,
//! e.g. `…/members/microsoft.graph.user`).

use serde_json::json;

use super::em_read::list_any;
use super::render;
use super::reply::{GraphErr, Reply};
use super::routes::{method_not_allowed, unknown_segment, Ctx};
use super::state::{DirKind, State};

pub(crate) fn handle(st: &State, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    if ctx.method != "GET" {
        return Err(method_not_allowed(ctx));
    }
    if ctx.segs.len() == 1 {
        return list(st, ctx);
    }
    let Some(id) = ctx
        .segs
        .get(1)
        .map(String::as_str)
        .filter(|s| !s.is_empty())
    else {
        return Err(unknown_segment(ctx));
    };
    if ctx.seg_is(0, "users") {
        if ctx.segs.len() != 2 {
            return Err(unknown_segment(ctx));
        }
        let user = st
            .directory
            .iter()
            .find(|o| {
                o.kind == DirKind::User
                    && (o.id == id || o.upn.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(id)))
            })
            .ok_or_else(|| GraphErr::directory_not_found(id))?;
        let mut v = render::directory_object(user);
        if let Some(o) = v.as_object_mut() {
            o.remove("@odata.type");
        }
        super::query::apply_select(&mut v, &ctx.query);
        v["@odata.context"] = json!(ctx.context("users/$entity"));
        return Ok(Reply::json(200, v));
    }
    let group = st
        .object(id)
        .filter(|o| o.kind == DirKind::Group)
        .ok_or_else(|| GraphErr::directory_not_found(id))?;
    if ctx.segs.len() == 2 {
        let mut v = render::directory_object(group);
        super::query::apply_select(&mut v, &ctx.query);
        v["@odata.context"] = json!(ctx.context("groups/$entity"));
        return Ok(Reply::json(200, v));
    }
    let transitive = if ctx.seg_is(2, "members") {
        false
    } else if ctx.seg_is(2, "transitiveMembers") {
        true
    } else {
        return Err(unknown_segment(ctx));
    };
    let cast = match ctx.segs.get(3).map(|s| s.to_ascii_lowercase()) {
        None => None,
        Some(c) => Some(match c.as_str() {
            "microsoft.graph.user" => DirKind::User,
            "microsoft.graph.group" => DirKind::Group,
            "microsoft.graph.serviceprincipal" => DirKind::ServicePrincipal,
            "microsoft.graph.device" => DirKind::Device,
            _ => return Err(unknown_segment(ctx)),
        }),
    };
    if ctx.segs.len() > 4 {
        return Err(unknown_segment(ctx));
    }
    // group-list-members.md (v1.0): "This API has a known issue where
    // service principals are not listed as group members in v1.0." The fake
    // leaves them out of `members` and `transitiveMembers` alike (also under
    // the `microsoft.graph.servicePrincipal` cast).
    let items = st
        .members(group.id.as_str(), transitive)
        .iter()
        .filter_map(|m| st.object(m.as_str()))
        .filter(|o| o.kind != DirKind::ServicePrincipal)
        .filter(|o| cast.is_none_or(|k| o.kind == k))
        .map(render::directory_object)
        .collect();
    list_any(st, ctx, "directoryObjects", items)
}

/// `GET /users` or `GET /groups`: every user or group, paged.
fn list(st: &State, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    let (kind, set) = if ctx.seg_is(0, "users") {
        (DirKind::User, "users")
    } else {
        (DirKind::Group, "groups")
    };
    let items = st
        .directory
        .iter()
        .filter(|o| o.kind == kind)
        .map(|o| {
            let mut v = render::directory_object(o);
            if let Some(obj) = v.as_object_mut() {
                obj.remove("@odata.type");
            }
            v
        })
        .collect();
    list_any(st, ctx, set, items)
}
