//! Evolvable enums, as Graph applies them (microsoft/api-guidelines,
//! `graph/patterns/evolvable-enums.md`): members added after
//! `unknownFutureValue` are only for callers that send
//! `Prefer: include-unknown-enum-members`. Without it, such a member sent
//! is refused with 400 and one Graph answers with reads as
//! `unknownFutureValue`. `unknownFutureValue` itself is never a value a
//! caller may send.
//!
//! The late members the fake knows: `filterByCurrentUser(on=…)`'s
//! `targetManager`, `targetOrRequestor`, `requestForOthers` and
//! `targetAgentIdentitySponsorOrOwner`, and the lifecycle category `mover`
//! (`identityGovernance.lifecycleWorkflowCategory` and the task categories,
//! resources/identitygovernance-workflowbase.md).

use serde_json::Value;

use super::reply::GraphErr;
use super::routes::Ctx;

/// The preference that lets late enum members through.
const PREFERENCE: &str = "include-unknown-enum-members";

const SENTINEL: &str = "unknownFutureValue";

/// Late members of `filterByCurrentUser(on=…)` (lower case).
const LATE_ON: &[&str] = &[
    "targetmanager",
    "targetorrequestor",
    "requestforothers",
    "targetagentidentitysponsororowner",
];

/// The late member of the lifecycle categories.
const LATE_CATEGORY: &str = "mover";

/// Whether the `Prefer` headers (any number, comma-separated preferences)
/// include `include-unknown-enum-members`.
pub(crate) fn prefers_late_members(headers: &http::HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case(PREFERENCE))
}

/// Whether the request is one the rule applies to here.
fn governed(ctx: &Ctx<'_>) -> bool {
    ctx.seg_is(0, "identityGovernance")
        && (ctx.seg_is(1, "entitlementManagement") || ctx.seg_is(1, "lifecycleWorkflows"))
}

fn lifecycle(ctx: &Ctx<'_>) -> bool {
    ctx.seg_is(0, "identityGovernance") && ctx.seg_is(1, "lifecycleWorkflows")
}

/// Refuses, as Graph does, a late member sent without the preference and
/// `unknownFutureValue` sent at all.
pub(crate) fn check_request(ctx: &Ctx<'_>) -> Result<(), GraphErr> {
    if !governed(ctx) {
        return Ok(());
    }
    if !ctx.prefers_late_members {
        for seg in &ctx.segs {
            let lower = seg.to_ascii_lowercase();
            if let Some(late) = LATE_ON.iter().find(|m| lower.contains(&format!("'{m}'"))) {
                return Err(late_member(late, "on"));
            }
        }
    }
    if !lifecycle(ctx) || ctx.body.is_empty() {
        return Ok(());
    }
    let Ok(body) = serde_json::from_slice::<Value>(ctx.body) else {
        // The route answers a malformed body itself.
        return Ok(());
    };
    let mut categories = Vec::new();
    collect_categories(&body, &mut categories);
    for category in categories {
        for member in category.split(',').map(str::trim) {
            if member.eq_ignore_ascii_case(SENTINEL) {
                return Err(GraphErr::bad_request(format!(
                    "Invalid value '{SENTINEL}' for property 'category': it is a sentinel, not a value to send."
                )));
            }
            if member.eq_ignore_ascii_case(LATE_CATEGORY) && !ctx.prefers_late_members {
                return Err(late_member(LATE_CATEGORY, "category"));
            }
        }
    }
    Ok(())
}

fn late_member(member: &str, field: &str) -> GraphErr {
    GraphErr::bad_request(format!(
        "Invalid value '{member}' for '{field}': the member is only accepted with the header 'Prefer: {PREFERENCE}'."
    ))
}

fn collect_categories<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if k.eq_ignore_ascii_case("category") => out.push(s),
                    other => collect_categories(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_categories(v, out)),
        _ => {}
    }
}

/// Shows a late member of an answer as `unknownFutureValue` when the caller
/// did not send the preference.
pub(crate) fn render_answer(ctx: &Ctx<'_>, body: &mut Value) {
    if ctx.prefers_late_members || !lifecycle(ctx) {
        return;
    }
    hide_late_categories(body);
}

fn hide_late_categories(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if k.eq_ignore_ascii_case("category") => {
                        let shown: Vec<&str> = s
                            .split(',')
                            .map(|m| {
                                if m.trim().eq_ignore_ascii_case(LATE_CATEGORY) {
                                    SENTINEL
                                } else {
                                    m
                                }
                            })
                            .collect();
                        *s = shown.join(",");
                    }
                    other => hide_late_categories(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(hide_late_categories),
        _ => {}
    }
}
