//! Creating and acting on assignment requests; reprocessing assignments.

use serde_json::{json, Value};

use super::lifecycle;
use super::permissions::directory_roles;
use super::render;
use super::reply::{now_string, GraphErr, Reply};
use super::routes::{method_not_allowed, unknown_segment, Ctx};
use super::scheduled;
use super::scope::{self, Target};
use super::state::{Request, State};
use super::token::{require_delegated, Principal};
use entra_access::models::{
    AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentRequestId, AssignmentState,
    ObjectId, RequestState, RequestType,
};

/// `POST assignmentRequests`, `POST assignmentRequests/{id}/cancel|reprocess`,
/// `DELETE assignmentRequests/{id}`, `POST assignments/{id}/reprocess`.
pub(crate) fn handle(st: &mut State, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    let requests = ctx.seg_is(2, "assignmentRequests");
    let id = ctx.segs.get(3).map(String::as_str);
    let action = ctx.segs.get(4).map(|s| s.to_ascii_lowercase());
    match (requests, id, action.as_deref(), ctx.method, ctx.segs.len()) {
        (true, None, None, "POST", 3) => create(st, ctx),
        (true, Some(id), Some("cancel"), "POST", 5) => cancel(st, id, ctx),
        (true, Some(id), Some("reprocess"), "POST", 5) => reprocess_request(st, id, ctx),
        (true, Some(id), None, "DELETE", 4) => delete(st, id),
        (false, Some(id), Some("reprocess"), "POST", 5) => reprocess_assignment(st, id),
        (_, _, Some("cancel" | "reprocess"), _, 5) | (_, _, None, _, 3 | 4) => {
            Err(method_not_allowed(ctx))
        }
        _ => Err(unknown_segment(ctx)),
    }
}

const ALLOWED_KEYS: &[&str] = &[
    "requestType",
    "assignment",
    "schedule",
    "justification",
    "answers",
    "parameters",
    "id",
    "@odata.type",
];

/// `parameters` (`resources/accesspackageassignmentrequestparameters.md`):
/// `bypassApproval`, "when true, bypasses the approval requirement
/// configured on the access package policy for this request". Only an
/// administrator's request may ask that; the fake refuses it on a
/// `userAdd` (the page does not say what Graph does).
fn bypass_approval(body: &Value, request_type: &RequestType) -> Result<Option<bool>, GraphErr> {
    let parameters = match body.get("parameters") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(p)) => p,
        Some(_) => {
            return Err(GraphErr::bad_request(
                "'parameters' must be an accessPackageAssignmentRequestParameters object.",
            ))
        }
    };
    if let Some(k) = parameters
        .keys()
        .find(|k| !matches!(k.as_str(), "bypassApproval" | "@odata.type"))
    {
        return Err(GraphErr::bad_request(format!(
            "The property '{k}' does not exist on type 'microsoft.graph.accessPackageAssignmentRequestParameters'. Make sure to only use property names that are defined by the type."
        )));
    }
    let bypass = match parameters.get("bypassApproval") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => {
            return Err(GraphErr::bad_request(format!(
                "Cannot convert the literal '{other}' to the expected type 'Edm.Boolean' (parameters.bypassApproval)."
            )))
        }
    };
    if bypass == Some(true) && !request_type.as_str().starts_with("admin") {
        return Err(GraphErr::bad_request(format!(
            "parameters.bypassApproval can be set only on an administrator's request (adminAdd, adminUpdate), not on {}.",
            request_type.as_str()
        )));
    }
    Ok(bypass)
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Graph reads `requestType` ignoring case: the v1.0 create page's own
/// examples send `AdminAdd` and `UserAdd` beside `adminAdd`.
fn request_type(wire: &str) -> RequestType {
    const KNOWN: &[RequestType] = &[
        RequestType::NotSpecified,
        RequestType::UserAdd,
        RequestType::UserUpdate,
        RequestType::UserRemove,
        RequestType::AdminAdd,
        RequestType::AdminUpdate,
        RequestType::AdminRemove,
        RequestType::SystemAdd,
        RequestType::SystemUpdate,
        RequestType::SystemRemove,
        RequestType::OnBehalfAdd,
    ];
    KNOWN
        .iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(wire))
        .cloned()
        .unwrap_or_else(|| RequestType::from_wire(wire))
}

/// An id inside `assignment`, in either documented form: `{key}Id: "…"` or
/// `{key}: {"id": "…"}`. Both forms naming different ids is refused.
fn ref_id<'a>(assignment: &'a Value, key: &str) -> Result<Option<&'a str>, GraphErr> {
    let flat = str_field(assignment, &format!("{key}Id"));
    let nested = assignment.get(key).and_then(|v| str_field(v, "id"));
    match (flat, nested) {
        (Some(a), Some(b)) if a != b => Err(GraphErr::bad_request(format!(
            "assignment.{key}Id '{a}' and assignment.{key}.id '{b}' name different objects."
        ))),
        (a, b) => Ok(a.or(b)),
    }
}

fn create(st: &mut State, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    let body = ctx.json_body()?;
    let Some(obj) = body.as_object() else {
        return Err(GraphErr::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    if let Some(k) = obj.keys().find(|k| !ALLOWED_KEYS.contains(&k.as_str())) {
        return Err(GraphErr::bad_request(format!(
            "The property '{k}' does not exist on type 'microsoft.graph.accessPackageAssignmentRequest'. Make sure to only use property names that are defined by the type."
        )));
    }
    let request_type = match str_field(&body, "requestType") {
        Some(t) => request_type(t),
        None => {
            return Err(GraphErr::bad_request(
                "The requestType property is required.",
            ))
        }
    };
    let Some(assignment) = body.get("assignment").filter(|a| a.is_object()) else {
        return Err(GraphErr::bad_request(
            "The assignment property is required.",
        ));
    };
    let bypass_approval = bypass_approval(&body, &request_type)?;
    let (package_id, policy_id, subject_id, assignment_id, renews) = match request_type {
        RequestType::AdminAdd => {
            let add = validate_add(st, assignment, &body, &request_type)?;
            (add.package, add.policy, add.subject, None, false)
        }
        RequestType::UserAdd => {
            // Self-service: the requestor is the signed-in user, so an
            // app-only token cannot make one (403, as for the other
            // delegated-only operations).
            let user = require_delegated(&ctx.principal, "a userAdd request")?;
            let mut carrier = assignment.clone();
            match str_field(assignment, "targetId") {
                Some(t) if t != user.as_str() => {
                    return Err(GraphErr::bad_request(
                        "A userAdd request is for the signed-in user; assignment.targetId must be the caller's id or left out.",
                    ))
                }
                _ => carrier["targetId"] = json!(user),
            }
            let add = validate_add(st, &carrier, &body, &request_type)?;
            // A userAdd is "for either a first assignment or renew
            // assignment" (the create page): one for a package the user
            // holds renews that assignment.
            let renews = add.held.is_some();
            (add.package, add.policy, add.subject, add.held, renews)
        }
        RequestType::AdminUpdate | RequestType::AdminRemove => {
            let Some(aid) = str_field(assignment, "id") else {
                return Err(GraphErr::bad_request(format!(
                    "assignment.id is required for a {} request.",
                    request_type.as_str()
                )));
            };
            let a = st.assignment(aid).ok_or_else(|| GraphErr::not_found("Assignment", aid))?.clone();
            if matches!(a.state, AssignmentState::Expired) {
                return Err(GraphErr::new(
                    400,
                    "AssignmentNotActive",
                    format!("The assignment '{aid}' has expired and cannot be updated or removed."),
                ));
            }
            check_no_open_request(st, &a.package_id, &a.subject_id)?;
            (a.package_id, a.policy_id, a.subject_id, Some(a.id), false)
        }
        other => {
            return Err(GraphErr::bad_request(format!(
                "The requestType '{}' is not supported for application callers; use adminAdd, adminUpdate or adminRemove.",
                other.as_str()
            )))
        }
    };
    let schedule = body.get("schedule").cloned().unwrap_or_else(|| {
        json!({
            "startDateTime": null,
            "recurrence": null,
            "expiration": { "endDateTime": null, "duration": null, "type": "notSpecified" }
        })
    });
    let id = AssignmentRequestId::new(st.ids.next_id());
    st.requests.push(Request {
        id: id.clone(),
        request_type,
        state: RequestState::Submitted,
        status: "Accepted".into(),
        package_id,
        policy_id,
        // Graph's `requestor` is "the subject who requested or, if a direct
        // assignment, was assigned": the assignee of an admin request, the
        // signed-in user (who is also the target) of a userAdd.
        requestor_subject_id: subject_id.clone(),
        subject_id,
        assignment_id,
        schedule,
        justification: str_field(&body, "justification").map(str::to_owned),
        answers: body
            .get("answers")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        created: now_string(),
        completed: None,
        callouts: Vec::new(),
        due: None,
        requestor_only: false,
        bypass_approval,
        renews,
        listed_from: st
            .faults
            .request_listing_lag
            .map(|lag| std::time::Instant::now() + lag),
    });
    if let Principal::User(user) = &ctx.principal {
        st.created_by.insert(id.clone(), user.clone());
    }
    let i = st.requests.len() - 1;
    lifecycle::schedule_next(st, i, ctx.now);
    let Some(r) = st.requests.get(i) else {
        return Err(GraphErr::new(
            500,
            "generalException",
            "The request was lost.",
        ));
    };
    let mut v = render::request(st, r, &Default::default());
    v["createdDateTime"] = Value::Null;
    v["completedDateTime"] = Value::Null;
    v["@odata.context"] =
        json!(ctx.context("identityGovernance/entitlementManagement/assignmentRequests/$entity"));
    scheduled::park_if_future(st, i);
    Ok(Reply::json(201, v))
}

/// What a checked add request is for.
struct Add {
    package: AccessPackageId,
    policy: AssignmentPolicyId,
    subject: String,
    /// The target's delivered assignment of the package (a `userAdd` that
    /// renews it; an `adminAdd` is refused instead).
    held: Option<AssignmentId>,
}

/// Whether a create body asks for a schedule of its own: a start, or an
/// expiration other than `notSpecified`.
fn asks_for_schedule(body: &Value) -> bool {
    let Some(schedule) = body.get("schedule").filter(|s| s.is_object()) else {
        return false;
    };
    let start = schedule.get("startDateTime").is_some_and(|v| !v.is_null());
    let expiration = schedule.get("expiration").is_some_and(|e| {
        let kind = e.get("type").and_then(Value::as_str);
        let set = |k: &str| e.get(k).is_some_and(|v| !v.is_null());
        kind.is_some_and(|t| !t.eq_ignore_ascii_case("notSpecified"))
            || set("endDateTime")
            || set("duration")
    });
    start || expiration
}

/// Checks an `adminAdd` or `userAdd` body.
fn validate_add(
    st: &mut State,
    assignment: &Value,
    body: &Value,
    request_type: &RequestType,
) -> Result<Add, GraphErr> {
    let Some(pkg) = ref_id(assignment, "accessPackage")? else {
        return Err(GraphErr::bad_request(
            "assignment.accessPackageId (or assignment.accessPackage.id) is required for an adminAdd request.",
        ));
    };
    let Some(pol) = ref_id(assignment, "assignmentPolicy")? else {
        return Err(GraphErr::bad_request(
            "assignment.assignmentPolicyId (or assignment.assignmentPolicy.id) is required for an adminAdd request.",
        ));
    };
    let pkg = st
        .package(pkg)
        .ok_or_else(|| GraphErr::not_found("Access package", pkg))?
        .id
        .clone();
    let policy = st
        .policy(pol)
        .ok_or_else(|| GraphErr::not_found("Assignment policy", pol))?
        .clone();
    if policy.package_id != pkg {
        return Err(GraphErr::bad_request(format!(
            "The policy '{pol}' does not belong to access package '{pkg}'."
        )));
    }
    let user_add = *request_type == RequestType::UserAdd;
    // requestorSettings.enableTargetsToSelfAddAccess: a policy users may not
    // request through is no policy for a userAdd (the message Graph is
    // observed to answer; its code is undocumented).
    if user_add && !policy.self_add {
        return Err(GraphErr::new(
            400,
            "NoMatchingPolicy",
            "No valid policy was found in the request.",
        ));
    }
    // requestorSettings.allowCustomAssignmentSchedule.
    if user_add && !policy.custom_schedule && asks_for_schedule(body) {
        return Err(GraphErr::new(
            400,
            "CustomScheduleNotAllowed",
            format!("The policy '{pol}' does not allow requestors to set a custom schedule (allowCustomAssignmentSchedule is false); leave the schedule out."),
        ));
    }
    let target = if let Some(tid) = str_field(assignment, "targetId") {
        let obj = st
            .object(tid)
            .filter(|o| {
                matches!(
                    o.kind,
                    super::state::DirKind::User | super::state::DirKind::ServicePrincipal
                )
            })
            .ok_or_else(|| GraphErr::not_found("Target", tid))?
            .clone();
        Target::Object(obj)
    } else if let Some(email) = assignment.get("target").and_then(|t| str_field(t, "email")) {
        Target::Email(email.to_owned())
    } else if let Some(oid) = assignment
        .get("target")
        .and_then(|t| str_field(t, "objectId"))
    {
        let obj = st
            .object(oid)
            .ok_or_else(|| GraphErr::not_found("Target", oid))?
            .clone();
        Target::Object(obj)
    } else {
        return Err(GraphErr::bad_request(
            "An adminAdd request needs assignment.targetId or assignment.target.email.",
        ));
    };
    if !scope::allows(st, &policy, &target) {
        return Err(GraphErr::new(
            400,
            "RequestorNotInAllowedScope",
            "You don't meet policy requirements to request this entitlement.",
        ));
    }
    scope::check_answers(&policy, body)?;
    if policy.justification_required && str_field(body, "justification").is_none() {
        return Err(GraphErr::new(
            400,
            "JustificationRequired",
            "The policy requires a justification for this request.",
        ));
    }
    let subject = match &target {
        Target::Object(o) => st
            .subject_for_object(&o.id)
            .ok_or_else(|| GraphErr::not_found("Target", o.id.as_str()))?,
        Target::Email(e) => {
            let id = st.subject_for_email(e);
            // Keep the display name the request gave the newcomer.
            let given = assignment
                .get("target")
                .and_then(|t| str_field(t, "displayName"));
            if let (Some(name), Some(sub)) = (given, st.subjects.iter_mut().find(|x| x.id == id))
                && sub.display_name.is_none()
            {
                sub.display_name = Some(name.to_owned());
            }
            id
        }
    };
    check_no_open_request(st, &pkg, &subject)?;
    let held = st
        .assignments
        .iter()
        .find(|a| {
            a.package_id == pkg
                && a.subject_id == subject
                && matches!(
                    a.state,
                    AssignmentState::Delivered | AssignmentState::Delivering
                )
        })
        .map(|a| a.id.clone());
    if held.is_some() && !user_add {
        return Err(GraphErr::new(
            400,
            "AlreadyAssigned",
            format!("The target already has an active assignment to access package '{pkg}'."),
        ));
    }
    Ok(Add {
        package: pkg,
        policy: policy.id,
        subject,
        held,
    })
}

fn check_no_open_request(st: &State, pkg: &AccessPackageId, subject: &str) -> Result<(), GraphErr> {
    // A request a lagging listing holds back is not seen by this check
    // either (see `FakeGraph::set_request_listing_lag`).
    let now = std::time::Instant::now();
    let lagging = st.faults.request_listing_lag.is_some();
    match st.requests.iter().find(|r| {
        &r.package_id == pkg
            && r.subject_id == subject
            && r.state.is_open()
            && !(lagging && r.listed_from.is_some_and(|at| now < at))
    }) {
        Some(r) => Err(GraphErr::new(
            400,
            "ExistingOpenRequest",
            format!(
                "There is already an open request '{}' for this target and access package.",
                r.id
            ),
        )),
        None => Ok(()),
    }
}

fn index_of(st: &State, id: &str) -> Result<usize, GraphErr> {
    st.requests
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| GraphErr::not_found("Assignment request", id))
}

/// Who made request `r`: the signed-in user who created it, or for a
/// seeded end-user request (`userAdd`, …) its target.
fn requestor_of(st: &State, r: &Request) -> Option<ObjectId> {
    if let Some(user) = st.created_by.get(&r.id) {
        return Some(user.clone());
    }
    r.request_type
        .as_str()
        .starts_with("user")
        .then(|| st.subject(&r.subject_id).and_then(|s| s.object_id.clone()))
        .flatten()
}

/// accesspackageassignmentrequest-cancel.md: "End users canceling their own
/// request" need no administrator role; an administrator cancelling a
/// request someone else submitted needs `EntitlementManagement.ReadWrite.All`
/// and an entitlement-management administrator role (in catalog-scoped
/// mode every caller holds a catalog role). Judged by the user's access as
/// set now (`FakeGraph::set_user_access`).
fn may_cancel(st: &State, r: &Request, user: &ObjectId) -> bool {
    if requestor_of(st, r).as_ref() == Some(user) {
        return true;
    }
    let access = st.access.user(user);
    let write_scope = access
        .scopes
        .iter()
        .any(|s| s.eq_ignore_ascii_case("EntitlementManagement.ReadWrite.All"));
    let admin_role = st.cfg.catalog_scoped
        || access.directory_roles.iter().any(|r| {
            r == directory_roles::IDENTITY_GOVERNANCE_ADMINISTRATOR
                || r == directory_roles::GLOBAL_ADMINISTRATOR
        });
    write_scope && admin_role
}

fn cancel(st: &mut State, id: &str, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    // accesspackageassignmentrequest-cancel.md: "Application: Not supported."
    let user = require_delegated(&ctx.principal, "assignmentRequests/{id}/cancel")?;
    let i = index_of(st, id)?;
    if st
        .requests
        .get(i)
        .is_some_and(|r| !may_cancel(st, r, &user))
    {
        return Err(GraphErr::new(
            403,
            "accessDenied",
            format!("The signed-in user may cancel only their own requests; cancelling request '{id}', which someone else submitted, needs an entitlement-management administrator role and EntitlementManagement.ReadWrite.All."),
        ));
    }
    let Some(r) = st.requests.get_mut(i) else {
        return Err(GraphErr::not_found("Assignment request", id));
    };
    if !matches!(
        r.state,
        RequestState::Submitted | RequestState::PendingApproval | RequestState::Scheduled
    ) {
        return Err(GraphErr::new(
            400,
            "RequestNotCancelable",
            format!(
                "The request '{id}' is {} and can no longer be canceled.",
                r.state.as_str()
            ),
        ));
    }
    r.state = RequestState::Canceled;
    r.status = "Canceled".into();
    r.completed = Some(now_string());
    r.due = None;
    Ok(Reply::empty(204))
}

fn reprocess_request(st: &mut State, id: &str, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    let i = index_of(st, id)?;
    let state = st.requests.get(i).map(|r| r.state.clone());
    if !matches!(
        state,
        Some(RequestState::DeliveryFailed | RequestState::PartiallyDelivered)
    ) {
        return Err(GraphErr::new(
            400,
            "RequestNotReprocessable",
            format!("Only requests in deliveryFailed or partiallyDelivered can be reprocessed; '{id}' is not."),
        ));
    }
    if let Some(done) = st
        .requests
        .get(i)
        .and_then(|r| completed_at(r.completed.as_deref()))
        && st.utc_now() - done > chrono::Duration::days(REPROCESS_WINDOW_DAYS)
    {
        return Err(GraphErr::new(
                400,
                "RequestNotReprocessable",
                format!("The request '{id}' completed more than {REPROCESS_WINDOW_DAYS} days ago and can no longer be reprocessed; cancel it and make a new request."),
            ));
    }
    if let Some(r) = st.requests.get_mut(i) {
        r.completed = None;
    }
    lifecycle::begin_delivery(st, i);
    lifecycle::schedule_next(st, i, ctx.now);
    Ok(Reply::empty(202))
}

/// accesspackageassignmentrequest-reprocess.md: "You can only reprocess a
/// request within 14 days from the time the original request was completed."
const REPROCESS_WINDOW_DAYS: i64 = 14;

fn completed_at(text: Option<&str>) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text?)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

fn delete(st: &mut State, id: &str) -> Result<Reply, GraphErr> {
    let i = index_of(st, id)?;
    if st.requests.get(i).is_some_and(|r| r.state.is_open()) {
        return Err(GraphErr::new(
            400,
            "RequestNotDeletable",
            format!("The request '{id}' is still open; cancel it or wait until it completes."),
        ));
    }
    // accesspackageassignmentrequest-delete.md: "You cannot delete an access
    // package assignment request if it has any accessPackageAssignment objects."
    if let Some(aid) = st
        .requests
        .get(i)
        .and_then(|r| r.assignment_id.clone())
        .filter(|aid| st.assignment(aid.as_str()).is_some())
    {
        return Err(GraphErr::new(
            400,
            "RequestNotDeletable",
            format!("The request '{id}' has the assignment '{aid}' and cannot be deleted; only requests without assignments (denied, canceled) can be."),
        ));
    }
    st.requests.remove(i);
    Ok(Reply::empty(204))
}

fn reprocess_assignment(st: &mut State, id: &str) -> Result<Reply, GraphErr> {
    let a = st
        .assignment(id)
        .ok_or_else(|| GraphErr::not_found("Assignment", id))?;
    if a.state != AssignmentState::Delivered {
        return Err(GraphErr::new(
            400,
            "AssignmentNotReprocessable",
            format!(
                "Only delivered assignments can be reprocessed; '{id}' is {}.",
                a.state.as_str()
            ),
        ));
    }
    Ok(Reply::empty(202))
}
