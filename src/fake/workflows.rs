//! `GET /identityGovernance/lifecycleWorkflows/workflows/{id}` and
//! `POST …/workflows/{id}/createNewVersion`.

use serde_json::{json, Value};

use super::reply::{now_string, GraphErr, Reply};
use super::routes::{method_not_allowed, unknown_segment, Ctx};
use super::state::State;

const CONTEXT: &str = "identityGovernance/lifecycleWorkflows/workflows/$entity";

pub(crate) fn handle(st: &mut State, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    let Some(id) = ctx.segs.get(3).map(String::as_str) else {
        return Err(unknown_segment(ctx));
    };
    let action = ctx.segs.get(4).map(|s| s.to_ascii_lowercase());
    let new_version = matches!(
        action.as_deref(),
        Some("createnewversion" | "microsoft.graph.identitygovernance.createnewversion")
    );
    match (ctx.method, action.as_deref(), ctx.segs.len()) {
        ("GET", None, 4) => {
            let wf = st
                .workflows
                .iter()
                .find(|w| w.id == id)
                .ok_or_else(|| GraphErr::not_found("Workflow", id))?;
            let mut v = wf.versions.last().cloned().unwrap_or(Value::Null);
            super::query::apply_select(&mut v, &ctx.query);
            v["@odata.context"] = json!(ctx.context(CONTEXT));
            Ok(Reply::json(200, v))
        }
        ("POST", Some(_), 5) if new_version => create_new_version(st, ctx, id),
        (_, None, 4) => Err(method_not_allowed(ctx)),
        (_, Some(_), 5) if new_version => Err(method_not_allowed(ctx)),
        _ => Err(unknown_segment(ctx)),
    }
}

fn create_new_version(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Result<Reply, GraphErr> {
    let body = ctx.json_body()?;
    let Some(new) = body.get("workflow").filter(|w| w.is_object()) else {
        return Err(GraphErr::bad_request(
            "The request body must be {\"workflow\": {…}} with the complete new workflow.",
        ));
    };
    let task_defs_ok = new.get("tasks").is_none_or(|t| {
        t.as_array().is_some_and(|a| {
            a.iter()
                .all(|x| x.get("taskDefinitionId").and_then(Value::as_str).is_some())
        })
    });
    if !task_defs_ok {
        return Err(GraphErr::bad_request(
            "Every task needs a taskDefinitionId.",
        ));
    }
    let wf = st
        .workflows
        .iter_mut()
        .find(|w| w.id == id)
        .ok_or_else(|| GraphErr::not_found("Workflow", id))?;
    let current = wf.versions.last().cloned().unwrap_or_else(|| json!({}));
    let version = current.get("version").and_then(Value::as_i64).unwrap_or(1) + 1;
    let mut next = current.clone();
    if let (Some(dst), Some(src)) = (next.as_object_mut(), new.as_object()) {
        for (k, v) in src {
            if k != "id" && k != "version" {
                dst.insert(k.clone(), v.clone());
            }
        }
        dst.insert("id".into(), json!(id));
        dst.insert("version".into(), json!(version));
        dst.insert("lastModifiedDateTime".into(), json!(now_string()));
    }
    wf.versions.push(next.clone());
    next["@odata.context"] = json!(ctx.context(CONTEXT));
    Ok(Reply::json(200, next))
}
