//! `accessPackageAssignmentApprovals`: approvals of requests waiting in
//! `pendingApproval`, their stages, and approvers' decisions.
//!
//! Graph's pages (microsoft-graph-docs-contrib `api-reference/v1.0/api/
//! approval-filterbycurrentuser.md`, `approval-get.md`, `approval-list-stages.md`,
//! `approvalstage-update.md`): an approval's id is its request's id; every
//! call is delegated-only ("Application: Not supported"); deciding answers
//! 204, 403 when the caller may not decide, 404 for an unknown id, 409 when
//! the stage was already decided.
//!
//! Stages read in Graph's vocabulary (`resources/approvalstage.md`):
//! `reviewResult` is `NotReviewed`, `Approved` or `Denied`; `status` is
//! `InProgress`, `Initializing`, `Completed` or `Expired`; `reviewedBy` is
//! the all-zero id until someone decides. A decision is sent as `Approve` or
//! `Deny` (`approvalstage-update.md`). The fake's stages come from the
//! policy's seeded approvers (`PolicySeed::approval_stage`), in order: a
//! stage is `InProgress` once every earlier stage approved, `Initializing`
//! before that (Graph documents the value without saying when it shows; the
//! fake uses it for a stage still waiting for an earlier one), `Completed`
//! when decided. One denial ends the request in `denied`; approval by the
//! last stage starts delivery. A policy whose stages require an approver's
//! justification (`PolicySeed::require_approver_justification`) refuses a
//! decision without one.

use std::time::Instant;

use serde_json::{json, Value};

use super::em_read::list_any;
use super::reply::{now_string, GraphErr, Reply};
use super::routes::{method_not_allowed, Ctx};
use super::state::{Request, State};
use super::token::require_delegated;
use super::{lifecycle, scheduled};
use entra_access::models::{AssignmentRequestId, ObjectId, RequestState};

const SET: &str = "identityGovernance/entitlementManagement/accessPackageAssignmentApprovals";

/// `reviewedBy.id` of a stage nobody decided yet (`resources/approvalstage.md`:
/// "00000000-0000-0000-0000-000000000000 if the assigned reviewer hasn't
/// reviewed").
const NOT_REVIEWED_BY: &str = "00000000-0000-0000-0000-000000000000";

/// A decision recorded on a stage.
#[derive(Debug, Clone)]
pub(crate) struct Decided {
    pub approve: bool,
    pub by: ObjectId,
    pub justification: Option<String>,
    pub at: String,
}

/// Decisions by request and stage index.
pub(crate) type Decisions = std::collections::HashMap<(AssignmentRequestId, usize), Decided>;

/// The approvers of each stage of `r`'s policy: one unnamed stage when the
/// policy needs approval but names nobody (seeded with
/// `require_approval(true)`), which every signed-in user may decide.
fn stage_approvers(st: &State, r: &Request) -> Vec<Vec<ObjectId>> {
    match st.policy(r.policy_id.as_str()) {
        Some(p) if !p.approval_stages.is_empty() => p.approval_stages.clone(),
        _ => vec![Vec::new()],
    }
}

/// Whether `r` has an approval: it waits for one, or a stage was decided.
fn has_approval(st: &State, r: &Request) -> bool {
    r.state == RequestState::PendingApproval
        || st.approval_decisions.keys().any(|(id, _)| *id == r.id)
}

/// A GUID-shaped stage id: the request id with its first digit replaced by
/// the stage number.
fn stage_id(r: &Request, index: usize) -> String {
    let rid = r.id.as_str();
    let rest = rid.get(1..).unwrap_or("");
    format!("{}{rest}", index + 1)
}

/// The index of the stage that waits for a decision now, if any.
fn active_stage(st: &State, r: &Request) -> Option<usize> {
    if r.state != RequestState::PendingApproval {
        return None;
    }
    let stages = stage_approvers(st, r);
    (0..stages.len()).find(|i| !st.approval_decisions.contains_key(&(r.id.clone(), *i)))
}

/// Whether `user` approves a stage with these approvers (anyone, when the
/// stage names nobody).
fn is_approver(approvers: &[ObjectId], user: &ObjectId) -> bool {
    approvers.is_empty() || approvers.contains(user)
}

/// Whether `user` is an approver of the stage `r` waits on now.
pub(crate) fn waits_for(st: &State, r: &Request, user: &ObjectId) -> bool {
    active_stage(st, r)
        .and_then(|i| stage_approvers(st, r).get(i).cloned())
        .is_some_and(|approvers| is_approver(&approvers, user))
}

fn render_stage(
    st: &State,
    r: &Request,
    index: usize,
    approvers: &[ObjectId],
    user: &ObjectId,
) -> Value {
    let decided = st.approval_decisions.get(&(r.id.clone(), index));
    let status = match decided {
        Some(_) => "Completed",
        None if active_stage(st, r) == Some(index) => "InProgress",
        None => "Initializing",
    };
    let (result, by, at, justification) = match decided {
        Some(d) => (
            if d.approve { "Approved" } else { "Denied" },
            json!({
                "id": d.by,
                "displayName": st.object(d.by.as_str()).map(|o| o.display_name.clone()),
            }),
            json!(d.at),
            json!(d.justification),
        ),
        None => (
            "NotReviewed",
            json!({ "id": NOT_REVIEWED_BY, "displayName": null }),
            Value::Null,
            Value::Null,
        ),
    };
    json!({
        "id": stage_id(r, index),
        "displayName": null,
        "assignedToMe": is_approver(approvers, user),
        "reviewResult": result,
        "status": status,
        "reviewedBy": by,
        "reviewedDateTime": at,
        "justification": justification,
    })
}

fn render_stages(st: &State, r: &Request, user: &ObjectId) -> Vec<Value> {
    stage_approvers(st, r)
        .iter()
        .enumerate()
        .map(|(i, a)| render_stage(st, r, i, a, user))
        .collect()
}

fn render_approval(st: &State, ctx: &Ctx<'_>, r: &Request, user: &ObjectId) -> Value {
    let mut v = json!({ "id": r.id });
    if ctx.query.expands("stages") {
        v["stages"] = Value::Array(render_stages(st, r, user));
    }
    v
}

/// The request behind approval `id`, or 404.
fn approval_request<'a>(st: &'a State, id: &str) -> Result<&'a Request, GraphErr> {
    st.request(id)
        .filter(|r| has_approval(st, r))
        .ok_or_else(|| GraphErr::not_found("Approval", id))
}

/// Serves `…/accessPackageAssignmentApprovals/…`.
pub(crate) fn handle(st: &mut State, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    let user = require_delegated(&ctx.principal, "accessPackageAssignmentApprovals")?;
    let seg = |i: usize| ctx.segs.get(i).map(String::as_str).unwrap_or("");
    match (ctx.segs.len(), ctx.method) {
        (4, "GET")
            if seg(3)
                .to_ascii_lowercase()
                .starts_with("filterbycurrentuser(") =>
        {
            let on = seg(3)
                .split_once('(')
                .map(|(_, a)| a.trim_end_matches(')'))
                .and_then(|a| a.split_once('='))
                .map(|(_, v)| v.trim_matches('\'').to_ascii_lowercase());
            if on.as_deref() != Some("approver") {
                return Err(GraphErr::bad_request(format!(
                    "The parameter 'on' of filterByCurrentUser has an invalid value '{}'; the allowed value is 'approver'.",
                    on.unwrap_or_default()
                )));
            }
            let items = st
                .requests
                .iter()
                .filter(|r| waits_for(st, r, &user))
                .map(|r| render_approval(st, ctx, r, &user))
                .collect();
            list_any(st, ctx, SET, items)
        }
        (4, "GET") => {
            // approval-get.md: the approval comes with its stages.
            let r = approval_request(st, seg(3))?;
            let mut v = render_approval(st, ctx, r, &user);
            v["stages"] = Value::Array(render_stages(st, r, &user));
            v["@odata.context"] = json!(ctx.context(&format!("{SET}/$entity")));
            Ok(Reply::json(200, v))
        }
        (5, "GET") if seg(4).eq_ignore_ascii_case("stages") => {
            let r = approval_request(st, seg(3))?;
            let items = render_stages(st, r, &user);
            list_any(st, ctx, &format!("{SET}('{}')/stages", r.id), items)
        }
        (6, "GET") if seg(4).eq_ignore_ascii_case("stages") => {
            let r = approval_request(st, seg(3))?;
            let stages = render_stages(st, r, &user);
            stages
                .into_iter()
                .find(|s| s["id"] == seg(5))
                .map(|s| Reply::json(200, s))
                .ok_or_else(|| GraphErr::not_found("Approval stage", seg(5)))
        }
        (6, "PATCH") if seg(4).eq_ignore_ascii_case("stages") => {
            decide(st, ctx, seg(3), seg(5), &user)
        }
        (4..=6, _) => Err(method_not_allowed(ctx)),
        _ => Err(super::routes::unknown_segment(ctx)),
    }
}

/// `PATCH …/{id}/stages/{stageId}` with `reviewResult` and `justification`.
fn decide(
    st: &mut State,
    ctx: &Ctx<'_>,
    id: &str,
    stage: &str,
    user: &ObjectId,
) -> Result<Reply, GraphErr> {
    let body = ctx.json_body()?;
    let Some(obj) = body.as_object() else {
        return Err(GraphErr::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    if let Some(k) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "reviewResult" | "justification" | "@odata.type"))
    {
        return Err(GraphErr::bad_request(format!(
            "The property '{k}' cannot be set on type 'microsoft.graph.approvalStage'; send reviewResult and justification."
        )));
    }
    let approve = match body.get("reviewResult").and_then(Value::as_str) {
        Some(v) if v.eq_ignore_ascii_case("Approve") => true,
        Some(v) if v.eq_ignore_ascii_case("Deny") => false,
        other => {
            return Err(GraphErr::bad_request(format!(
                "reviewResult must be 'Approve' or 'Deny', not {other:?}."
            )))
        }
    };
    let justification = match body.get("justification") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(GraphErr::bad_request("justification must be a string.")),
    };
    let r = approval_request(st, id)?.clone();
    let stages = stage_approvers(st, &r);
    let Some(index) = (0..stages.len()).find(|i| stage_id(&r, *i) == stage) else {
        return Err(GraphErr::not_found("Approval stage", stage));
    };
    let approvers = stages.get(index).cloned().unwrap_or_default();
    if !is_approver(&approvers, user) {
        return Err(GraphErr::new(
            403,
            "accessDenied",
            "The signed-in user is not an approver of this approval stage.",
        ));
    }
    if st.approval_decisions.contains_key(&(r.id.clone(), index))
        || r.state != RequestState::PendingApproval
    {
        return Err(GraphErr::new(
            409,
            "Conflict",
            "The approval stage has already been decided.",
        ));
    }
    if active_stage(st, &r) != Some(index) {
        return Err(GraphErr::bad_request(
            "The approval stage has not started: an earlier stage waits for a decision.",
        ));
    }
    let justification_required = st
        .policy(r.policy_id.as_str())
        .is_some_and(|p| p.approver_justification);
    if justification_required && justification.as_deref().is_none_or(|j| j.trim().is_empty()) {
        return Err(GraphErr::new(
            400,
            "ApproverJustificationRequired",
            "The approval stage requires the approver's justification (isApproverJustificationRequired); send one with the decision.",
        ));
    }
    st.approval_decisions.insert(
        (r.id.clone(), index),
        Decided {
            approve,
            by: user.clone(),
            justification,
            at: now_string(),
        },
    );
    let Some(i) = st.requests.iter().position(|x| x.id == r.id) else {
        return Err(GraphErr::not_found("Approval", id));
    };
    if !approve {
        lifecycle::deny(st, i);
    } else if index + 1 == stages.len() {
        release_approved(st, i, ctx.now);
    }
    Ok(Reply::empty(204))
}

/// Approved by every stage: delivery starts now, or waits in `scheduled`
/// for a later start (as `FakeGraph::approve` does).
pub(crate) fn release_approved(st: &mut State, i: usize, now: Instant) -> bool {
    let later = st.requests.get(i).is_some_and(|r| {
        r.state == RequestState::PendingApproval && scheduled::waiting_for_start(st, r)
    });
    if later {
        scheduled::park(st, i);
        return true;
    }
    lifecycle::approve(st, i, now)
}
