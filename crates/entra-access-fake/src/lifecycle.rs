//! How assignment requests move: submitted → (pendingApproval →) delivering →
//! delivered, or deliveryFailed / denied / canceled.

use std::time::Instant;

use serde_json::{json, Value};

use super::reply::now_string;
use super::state::{Assignment, DirKind, DirObject, State};
use entra_access::models::{AssignmentId, AssignmentState, ObjectId, RequestState, RequestType};

fn is_add(t: &RequestType) -> bool {
    matches!(
        t,
        RequestType::AdminAdd | RequestType::UserAdd | RequestType::SystemAdd
    )
}

fn is_remove(t: &RequestType) -> bool {
    matches!(
        t,
        RequestType::AdminRemove | RequestType::UserRemove | RequestType::SystemRemove
    )
}

/// Moves every request whose automatic step is due (auto mode), catching up
/// on several steps when more time has passed.
pub(crate) fn tick(st: &mut State, now: Instant) {
    let Some(delay) = st.cfg.step_delay else {
        return;
    };
    for i in 0..st.requests.len() {
        while let Some(due) = st.requests.get(i).and_then(|r| r.due) {
            if due > now {
                break;
            }
            let moved = step(st, i, now);
            if let Some(r) = st.requests.get_mut(i) {
                r.due = if moved && movable(&r.state) {
                    Some(due + delay)
                } else {
                    None
                };
            }
        }
    }
}

/// Whether `step` would move a request in this state.
fn movable(s: &RequestState) -> bool {
    matches!(
        s,
        RequestState::Submitted | RequestState::Delivering | RequestState::Scheduled
    )
}

/// Schedules the next automatic step of request `i` (auto mode only).
pub(crate) fn schedule_next(st: &mut State, i: usize, now: Instant) {
    let delay = st.cfg.step_delay;
    if let Some(r) = st.requests.get_mut(i) {
        r.due = match delay {
            Some(d) if movable(&r.state) => Some(now + d),
            _ => None,
        };
    }
}

/// Whether request `r` waits for approvers before delivery: its policy
/// requires approval for its kind of request, and an administrator's
/// request did not ask to bypass it (`parameters.bypassApproval`).
pub(crate) fn needs_approval(st: &State, r: &super::state::Request) -> bool {
    let required = st.policy(r.policy_id.as_str()).is_some_and(|p| {
        (is_add(&r.request_type) && p.approval_for_add)
            || (matches!(
                r.request_type,
                RequestType::AdminUpdate | RequestType::UserUpdate
            ) && p.approval_for_update)
    });
    required && r.bypass_approval != Some(true)
}

/// Moves request `i` one step. Returns false when it cannot move on its own
/// (final, or waiting for approval).
pub(crate) fn step(st: &mut State, i: usize, now: Instant) -> bool {
    let Some(r) = st.requests.get(i) else {
        return false;
    };
    match r.state {
        RequestState::Submitted | RequestState::Scheduled => {
            let needs_approval = needs_approval(st, r);
            if needs_approval {
                if let Some(r) = st.requests.get_mut(i) {
                    r.state = RequestState::PendingApproval;
                    r.status = "PendingApproval".into();
                }
            } else {
                begin_delivery(st, i);
            }
            true
        }
        RequestState::Delivering => {
            finish_delivery(st, i, now);
            true
        }
        _ => false,
    }
}

/// Approves a request waiting for approval; it starts delivering.
pub(crate) fn approve(st: &mut State, i: usize, now: Instant) -> bool {
    if !st
        .requests
        .get(i)
        .is_some_and(|r| r.state == RequestState::PendingApproval)
    {
        return false;
    }
    begin_delivery(st, i);
    schedule_next(st, i, now);
    true
}

/// Denies a request waiting for approval.
pub(crate) fn deny(st: &mut State, i: usize) -> bool {
    let Some(r) = st.requests.get_mut(i) else {
        return false;
    };
    if r.state != RequestState::PendingApproval {
        return false;
    }
    r.state = RequestState::Denied;
    r.status = "Denied".into();
    r.completed = Some(now_string());
    r.due = None;
    true
}

/// Enters `delivering`; an add request gets its assignment now.
pub(crate) fn begin_delivery(st: &mut State, i: usize) {
    let Some(r) = st.requests.get(i).cloned() else {
        return;
    };
    let assignment_id = if is_add(&r.request_type) {
        match r.assignment_id.clone() {
            Some(id) => {
                // A renewal leaves the held assignment delivered meanwhile.
                if let Some(a) = st.assignment_mut(id.as_str()).filter(|_| !r.renews) {
                    a.state = AssignmentState::Delivering;
                    a.status = "Delivering".into();
                }
                Some(id)
            }
            None => {
                let id = AssignmentId::new(st.ids.next_id());
                st.assignments.push(Assignment {
                    id: id.clone(),
                    package_id: r.package_id.clone(),
                    policy_id: r.policy_id.clone(),
                    subject_id: r.subject_id.clone(),
                    state: AssignmentState::Delivering,
                    status: "Delivering".into(),
                    schedule: assignment_schedule(&r.schedule),
                    expired: None,
                    callouts: Vec::new(),
                });
                Some(id)
            }
        }
    } else {
        r.assignment_id.clone()
    };
    if let Some(r) = st.requests.get_mut(i) {
        r.state = RequestState::Delivering;
        r.status = "Delivering".into();
        r.assignment_id = assignment_id;
    }
}

/// The schedule an assignment gets from its request: start now when none was
/// asked for, no expiration unless one was asked for.
fn assignment_schedule(requested: &Value) -> Value {
    let start = requested
        .get("startDateTime")
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or_else(|| json!(now_string()));
    let expiration = requested
        .get("expiration")
        .filter(|e| {
            e.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t != "notSpecified")
        })
        .cloned()
        .unwrap_or_else(
            || json!({ "endDateTime": null, "duration": null, "type": "noExpiration" }),
        );
    json!({ "startDateTime": start, "recurrence": null, "expiration": expiration })
}

fn failing(st: &State, subject_id: &str) -> bool {
    st.subject(subject_id).is_some_and(|s| {
        s.object_id.as_ref().is_some_and(|o| {
            st.failing_targets
                .contains(&o.as_str().to_ascii_lowercase())
        }) || s
            .email
            .as_ref()
            .is_some_and(|e| st.failing_targets.contains(&e.to_ascii_lowercase()))
    })
}

fn failed_callout(st: &mut State) -> Value {
    json!({
        "id": st.ids.next_id(),
        "customExtensionId": st.ids.next_id(),
        "detail": "The custom extension callout failed: the endpoint answered 500 Internal Server Error (injected by FakeGraph).",
        "externalCorrelationId": null,
        "status": "calloutFailed",
    })
}

/// Ends `delivering`: delivered, or deliveryFailed for failing targets.
fn finish_delivery(st: &mut State, i: usize, _now: Instant) {
    let Some(r) = st.requests.get(i).cloned() else {
        return;
    };
    let done = now_string();
    if failing(st, &r.subject_id) {
        let callout = failed_callout(st);
        if is_add(&r.request_type)
            && let Some(a) = r
                .assignment_id
                .as_ref()
                .and_then(|id| st.assignment_mut(id.as_str()))
        {
            a.state = AssignmentState::DeliveryFailed;
            a.status = "DeliveryFailed".into();
            a.callouts.push(callout.clone());
        }
        if let Some(r) = st.requests.get_mut(i) {
            r.state = RequestState::DeliveryFailed;
            r.status = "DeliveryFailed".into();
            r.completed = Some(done);
            r.callouts.push(callout);
        }
        return;
    }
    if is_add(&r.request_type) {
        materialise_email_subject(st, &r.subject_id);
    }
    if let Some(a) = r
        .assignment_id
        .as_ref()
        .and_then(|id| st.assignment_mut(id.as_str()))
    {
        if is_remove(&r.request_type) {
            a.state = AssignmentState::Expired;
            a.status = "Expired".into();
            a.expired = Some(done.clone());
        } else {
            a.state = AssignmentState::Delivered;
            a.status = "Delivered".into();
            if r.renews {
                // A renewal keeps the start and takes the new expiration.
                let renewed = assignment_schedule(&r.schedule);
                a.schedule["expiration"] = renewed["expiration"].clone();
            } else if !is_add(&r.request_type) && r.schedule.get("expiration").is_some() {
                a.schedule = assignment_schedule(&r.schedule);
            }
        }
    }
    if let Some(r) = st.requests.get_mut(i) {
        r.state = RequestState::Delivered;
        r.status = "Delivered".into();
        r.completed = Some(done);
    }
}

/// An e-mail subject becomes a guest user when its first assignment is delivered.
fn materialise_email_subject(st: &mut State, subject_id: &str) {
    let Some(s) = st.subject(subject_id).cloned() else {
        return;
    };
    if s.object_id.is_some() {
        return;
    }
    let email = s.email.clone().unwrap_or_default();
    let id = ObjectId::new(st.ids.next_id());
    let local = s
        .display_name
        .clone()
        .unwrap_or_else(|| email.split('@').next().unwrap_or("guest").to_owned());
    let upn = format!("{}#EXT#@contoso.example", email.replace('@', "_"));
    st.directory.push(DirObject {
        id: id.clone(),
        kind: DirKind::User,
        display_name: local.clone(),
        mail: Some(email),
        upn: Some(upn.clone()),
        user_type: Some("Guest".into()),
        account_enabled: true,
        members: Vec::new(),
        app_id: None,
    });
    if let Some(s) = st.subjects.iter_mut().find(|x| x.id == subject_id) {
        s.object_id = Some(id);
        s.display_name = Some(local);
        s.principal_name = Some(upn);
    }
}
