//! The bulk planner: facts in, plan out. Pure, no IO, so tools can plan
//! from facts they gathered themselves.

use std::collections::{HashMap, HashSet};

use super::{Action, BulkPlan, BulkSpec, PlanItem, ReportReason, SkipReason};
use crate::refusal;
use crate::{AssignmentFact, MemberFact, Observed, PackageFacts, RequestFact};
use entra_access::error::Result;
use entra_access::models::{AssignmentId, AssignmentState, DateTime, ObjectId};

/// Plans a bulk run from facts: what [`BulkAssign::plan`](crate::BulkAssign::plan)
/// does once it has read the source's members and the package's
/// assignments and open requests.
///
/// Per user: a delivered or delivering assignment → skip; an open request →
/// skip (with its id); partially delivered or delivery failed → report;
/// expired or nothing → add. Members that are not users are skipped with
/// their type; duplicates collapse. Unless `spec.removal_scope` is
/// [`RemovalScope::None`](crate::RemovalScope::None), delivered,
/// delivering or partially delivered assignments of people outside the
/// source, within the scope, are removed — unless a request for that
/// person or assignment is open (Graph would refuse a second one): those
/// are skipped with the request's id.
///
/// `base_url` is the client's ([`Client::base_url`](entra_access::Client::base_url)):
/// the plan is applied only there. Errors, before anything is sent: an
/// invalid id in `spec`, facts of another package (`InvalidInput`), or a
/// plan that breaks a cap of `spec` (`InvalidInput` with a
/// [`BulkRefusal`](crate::BulkRefusal)).
///
/// ```
/// use entra_access::models::Assignment;
/// use entra_access_ops::{plan_bulk, Action, AssignmentFact, BulkSource, BulkSpec, MemberFact, PackageFacts, RemovalScope};
///
/// let mut spec = BulkSpec::new("pkg-1", "pol-1", BulkSource::Users(vec!["ada".into()]));
/// spec.removal_scope = RemovalScope::Policy;
/// let members = [MemberFact::user("ada", None)];
/// let mut facts = PackageFacts::new("pkg-1");
/// let grace: Assignment = serde_json::from_value(serde_json::json!({
///     "id": "as-1", "state": "delivered",
///     "target": {"objectId": "grace"}, "assignmentPolicy": {"id": "pol-1"}
/// })).unwrap();
/// facts.assignments.push(AssignmentFact::from_assignment(&grace));
///
/// let plan = plan_bulk("https://graph.microsoft.com/v1.0/", chrono::Utc::now(), &spec, &members, &facts)?;
/// let lines: Vec<String> = plan.items.iter().map(|i| format!("{} {}", i.action, i.user_id)).collect();
/// assert_eq!(lines, ["Add ada", "Remove grace"]);
/// assert_eq!(plan.observed.assignments["delivered"], 1);
/// # Ok::<(), entra_access::Error>(())
/// ```
pub fn plan_bulk(
    base_url: &str,
    created_at: DateTime,
    spec: &BulkSpec,
    members: &[MemberFact],
    facts: &PackageFacts,
) -> Result<BulkPlan> {
    spec.check()?;
    if facts.access_package != spec.access_package {
        return Err(crate::invalid_input(
            "facts",
            format!(
                "are of package {}, not of the plan's package {}",
                facts.access_package, spec.access_package
            ),
        ));
    }
    let (items, current_assignments) = decide(spec, members, facts);
    let plan = BulkPlan {
        format_version: super::BULK_PLAN_FORMAT_VERSION,
        base_url: base_url.to_owned(),
        created_at,
        spec: spec.clone(),
        observed: Observed::of(facts),
        items,
        current_assignments,
    };
    let source_users = members.iter().filter(|m| m.is_user()).count();
    refusal::check(&plan, source_users, spec).map_err(crate::BulkRefusal::into_error)?;
    Ok(plan)
}

/// How strongly an assignment state settles a person, most settled first.
fn rank(state: Option<&AssignmentState>) -> u8 {
    match state {
        Some(AssignmentState::Delivered) => 0,
        Some(AssignmentState::Delivering) => 1,
        Some(AssignmentState::PartiallyDelivered) => 2,
        Some(AssignmentState::DeliveryFailed) => 3,
        Some(AssignmentState::Expired) => 5,
        _ => 4,
    }
}

/// The items, and the package's assignments that are not expired.
fn decide(spec: &BulkSpec, members: &[MemberFact], facts: &PackageFacts) -> (Vec<PlanItem>, usize) {
    let assignments = &facts.assignments;
    // The most settled assignment per target.
    let mut best: HashMap<&ObjectId, &AssignmentFact> = HashMap::new();
    for a in assignments {
        if let Some(t) = &a.target {
            let slot = best.entry(t).or_insert(a);
            if rank(a.state.as_ref()) < rank(slot.state.as_ref()) {
                *slot = a;
            }
        }
    }
    let mut open_by_target: HashMap<&ObjectId, &RequestFact> = HashMap::new();
    let mut open_by_assignment: HashMap<&AssignmentId, &RequestFact> = HashMap::new();
    for r in facts.open_requests.iter().filter(|r| r.is_open()) {
        if let Some(t) = &r.target {
            open_by_target.entry(t).or_insert(r);
        }
        if let Some(a) = &r.assignment_id {
            open_by_assignment.entry(a).or_insert(r);
        }
    }
    let skip_open = |r: &RequestFact| {
        // Open requests always have a state (`is_open` checked it).
        let state = r
            .state
            .clone()
            .unwrap_or(entra_access::models::RequestState::Submitted);
        (
            Action::Skip(SkipReason::OpenRequest(state)),
            Some(r.id.clone()),
        )
    };

    let mut items = Vec::with_capacity(members.len());
    let mut seen: HashSet<&ObjectId> = HashSet::with_capacity(members.len());
    for m in members {
        if !seen.insert(&m.id) {
            continue;
        }
        let existing = best.get(&m.id).copied();
        let upn = m
            .user_principal_name
            .clone()
            .or_else(|| existing.and_then(|a| a.principal_name.clone()));
        let mut item = PlanItem {
            user_id: m.id.clone(),
            user_principal_name: upn,
            action: Action::Add,
            assignment_id: existing.map(|a| a.id.clone()),
            request_id: None,
        };
        if let Some(kind) = &m.not_a_user {
            item.action = Action::Skip(SkipReason::NotAUser(kind.clone()));
            items.push(item);
            continue;
        }
        let state = existing.and_then(|a| a.state.as_ref());
        item.action = match state {
            Some(AssignmentState::Delivered) => Action::Skip(SkipReason::AlreadyDelivered),
            Some(AssignmentState::Delivering) => Action::Skip(SkipReason::Delivering),
            _ => match open_by_target.get(&m.id) {
                Some(r) => {
                    let (action, id) = skip_open(r);
                    item.request_id = id;
                    action
                }
                None => match state {
                    Some(AssignmentState::PartiallyDelivered) => {
                        Action::Report(ReportReason::PartiallyDelivered)
                    }
                    Some(AssignmentState::DeliveryFailed) => {
                        Action::Report(ReportReason::DeliveryFailed)
                    }
                    Some(AssignmentState::Expired) | None => Action::Add,
                    Some(other) => Action::Report(ReportReason::UnknownState(other.to_string())),
                },
            },
        };
        if matches!(item.action, Action::Add) && state.is_none() {
            item.assignment_id = None;
        }
        items.push(item);
    }

    if spec.removal_scope.removes() {
        for a in assignments {
            let Some(target) = &a.target else { continue };
            if seen.contains(target) || !a.is_held() {
                continue;
            }
            if !spec.removal_scope.covers(a.policy.as_ref(), &spec.policy) {
                continue;
            }
            let open = open_by_assignment
                .get(&a.id)
                .or_else(|| open_by_target.get(target));
            let (action, request_id) = match open {
                Some(r) => skip_open(r),
                None => (Action::Remove, None),
            };
            items.push(PlanItem {
                user_id: target.clone(),
                user_principal_name: a.principal_name.clone(),
                action,
                assignment_id: Some(a.id.clone()),
                request_id,
            });
        }
    }

    let current = assignments
        .iter()
        .filter(|a| a.state != Some(AssignmentState::Expired))
        .count();
    (items, current)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{BulkRefusal, BulkSource, RemovalScope};
    use entra_access::models::{AssignmentRequestId, RequestState};

    fn user(id: &str) -> MemberFact {
        MemberFact::user(id, Some(format!("{id}@contoso.com")))
    }

    fn assignment(id: &str, target: &str, state: &str) -> AssignmentFact {
        let a: entra_access::models::Assignment = serde_json::from_value(serde_json::json!({
            "id": id, "state": state,
            "target": {"objectId": target}, "assignmentPolicy": {"id": "pol"}
        }))
        .unwrap();
        AssignmentFact::from_assignment(&a)
    }

    fn request(
        id: &str,
        person: Option<&str>,
        assignment: Option<&str>,
        state: &str,
    ) -> RequestFact {
        let mut body = serde_json::json!({"id": id, "state": state, "requestType": "adminAdd"});
        if let Some(a) = assignment {
            body["assignment"] = serde_json::json!({"id": a});
        }
        if let Some(p) = person {
            body["assignment"]["target"] = serde_json::json!({"objectId": p});
        }
        RequestFact::from_request(&serde_json::from_value(body).unwrap())
    }

    fn spec(reconcile: bool) -> BulkSpec {
        let mut spec = BulkSpec::new("pkg", "pol", BulkSource::Users(vec![]));
        spec.allow_empty_source = true;
        if reconcile {
            spec.removal_scope = RemovalScope::Policy;
        }
        spec
    }

    fn plan_of(
        spec: &BulkSpec,
        members: &[MemberFact],
        assignments: Vec<AssignmentFact>,
        open_requests: Vec<RequestFact>,
    ) -> BulkPlan {
        let mut facts = PackageFacts::new("pkg");
        facts.assignments = assignments;
        facts.open_requests = open_requests;
        plan_bulk(
            "https://graph.test/v1.0/",
            chrono::Utc::now(),
            spec,
            members,
            &facts,
        )
        .unwrap()
    }

    fn action_of<'a>(plan: &'a BulkPlan, id: &str) -> &'a Action {
        &plan
            .items
            .iter()
            .find(|i| i.user_id.as_str() == id)
            .unwrap()
            .action
    }

    #[test]
    fn each_state_gets_its_action() {
        let plan = plan_of(
            &spec(false),
            &[
                user("new"),
                user("done"),
                user("going"),
                user("old"),
                user("asked"),
                user("part"),
                user("failed"),
                MemberFact::other("d1", "device"),
                user("new"),
            ],
            vec![
                assignment("a1", "done", "delivered"),
                assignment("a2", "going", "delivering"),
                assignment("a3", "old", "expired"),
                assignment("a4", "part", "partiallyDelivered"),
                assignment("a5", "failed", "deliveryFailed"),
                assignment("a6", "asked", "expired"),
            ],
            vec![request("r1", Some("asked"), None, "pendingApproval")],
        );
        assert_eq!(plan.items.len(), 8, "duplicates collapse: {plan:#?}");
        assert_eq!(action_of(&plan, "new"), &Action::Add);
        assert_eq!(
            action_of(&plan, "done"),
            &Action::Skip(SkipReason::AlreadyDelivered)
        );
        assert_eq!(
            action_of(&plan, "going"),
            &Action::Skip(SkipReason::Delivering)
        );
        assert_eq!(action_of(&plan, "old"), &Action::Add);
        assert_eq!(
            action_of(&plan, "asked"),
            &Action::Skip(SkipReason::OpenRequest(RequestState::PendingApproval))
        );
        assert_eq!(
            action_of(&plan, "part"),
            &Action::Report(ReportReason::PartiallyDelivered)
        );
        assert_eq!(
            action_of(&plan, "failed"),
            &Action::Report(ReportReason::DeliveryFailed)
        );
        assert_eq!(
            action_of(&plan, "d1"),
            &Action::Skip(SkipReason::NotAUser("device".into()))
        );
        assert_eq!(plan.current_assignments, 4);
        assert_eq!(plan.assignments_after(), 6);
        // The fingerprint leaves the expired ones out.
        assert_eq!(plan.observed.assignments.values().sum::<usize>(), 4);
    }

    #[test]
    fn a_delivered_assignment_wins_over_an_expired_one() {
        let plan = plan_of(
            &spec(false),
            &[user("u")],
            vec![
                assignment("old", "u", "expired"),
                assignment("new", "u", "delivered"),
            ],
            vec![],
        );
        assert_eq!(
            plan.items[0].action,
            Action::Skip(SkipReason::AlreadyDelivered)
        );
        assert_eq!(plan.items[0].assignment_id, Some(AssignmentId::new("new")));
    }

    #[test]
    fn reconcile_removes_only_active_assignments_of_non_members() {
        let plan = plan_of(
            &spec(true),
            &[user("stay")],
            vec![
                assignment("a1", "stay", "delivered"),
                assignment("a2", "left", "delivered"),
                assignment("a3", "gone", "expired"),
                assignment("a4", "leaving", "delivered"),
            ],
            vec![request("r9", None, Some("a4"), "submitted")],
        );
        let removes: Vec<_> = plan.writes().map(|i| i.user_id.as_str()).collect();
        assert_eq!(removes, ["left"]);
        let left = plan
            .items
            .iter()
            .find(|i| i.user_id.as_str() == "left")
            .unwrap();
        assert_eq!(left.assignment_id, Some(AssignmentId::new("a2")));
        assert_eq!(
            action_of(&plan, "leaving"),
            &Action::Skip(SkipReason::OpenRequest(RequestState::Submitted))
        );
        assert_eq!(plan.assignments_after(), 2);
    }

    #[test]
    fn removals_stay_within_the_scope() {
        let mut other = assignment("a-other", "other", "delivered");
        other.policy = Some("someone-elses".into());
        let mut unknown = assignment("a-unknown", "unknown", "delivered");
        unknown.policy = None;
        let ours = assignment("a-ours", "ours", "delivered");
        let facts = vec![other, unknown, ours];

        let plan = plan_of(&spec(true), &[user("stay")], facts.clone(), vec![]);
        let removed: Vec<_> = plan
            .items
            .iter()
            .filter(|i| i.action == Action::Remove)
            .map(|i| i.user_id.as_str())
            .collect();
        assert_eq!(removed, ["ours"], "{plan:#?}");

        let mut all = spec(true);
        all.removal_scope = RemovalScope::All;
        assert_eq!(
            plan_of(&all, &[user("stay")], facts.clone(), vec![]).count(&Action::Remove),
            3
        );
        let none = plan_of(&spec(false), &[user("stay")], facts, vec![]);
        assert_eq!(none.count(&Action::Remove), 0);
        assert_eq!(none.items.len(), 1);
    }

    #[test]
    fn a_holder_with_any_open_request_is_skipped_with_its_id() {
        let plan = plan_of(
            &spec(true),
            &[user("stay")],
            vec![assignment("a-left", "left", "delivered")],
            // An open add for the same person, known only by its target:
            // no assignment id to match.
            vec![request("r-add", Some("left"), None, "pendingApproval")],
        );
        let left = plan
            .items
            .iter()
            .find(|i| i.user_id.as_str() == "left")
            .unwrap();
        assert_eq!(
            left.action,
            Action::Skip(SkipReason::OpenRequest(RequestState::PendingApproval))
        );
        assert_eq!(left.request_id, Some(AssignmentRequestId::new("r-add")));
        assert_eq!(plan.count(&Action::Remove), 0);
    }

    #[test]
    fn a_plan_round_trips_through_json() {
        let plan = plan_of(
            &spec(true),
            &[user("new"), user("asked")],
            vec![assignment("a-left", "left", "delivered")],
            vec![request("r1", Some("asked"), None, "submitted")],
        );
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(json["formatVersion"], 1);
        assert_eq!(json["baseUrl"], "https://graph.test/v1.0/");
        assert_eq!(json["spec"]["accessPackage"], "pkg");
        assert_eq!(json["spec"]["removalScope"], "policy");
        assert_eq!(json["currentAssignments"], 1);
        assert!(json["observed"]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:"));
        assert_eq!(json["items"][0]["userId"], "new");
        assert_eq!(json["items"][1]["requestId"], "r1");
        assert_eq!(
            json["items"][2]["action"],
            serde_json::json!({"kind": "remove"})
        );
        let back: BulkPlan = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, plan);
        assert_eq!(BulkPlan::from_json(&plan.to_json()).unwrap(), plan);

        // Another version is refused by plain serde too.
        let mut other = json;
        other["formatVersion"] = 2.into();
        let err = serde_json::from_value::<BulkPlan>(other).unwrap_err();
        assert!(err.to_string().contains("version 2"), "{err}");
    }

    #[test]
    fn caps_and_foreign_facts_are_refused() {
        let mut capped = spec(true);
        capped.max_removals = 0;
        let mut facts = PackageFacts::new("pkg");
        facts.assignments = vec![assignment("a-left", "left", "delivered")];
        let now = chrono::Utc::now();
        let err = plan_bulk("https://g/", now, &capped, &[user("u")], &facts).unwrap_err();
        assert_eq!(
            BulkRefusal::of(&err),
            Some(&BulkRefusal::TooManyRemovals { planned: 1, cap: 0 })
        );
        let mut empty = spec(true);
        empty.allow_empty_source = false;
        let err = plan_bulk("https://g/", now, &empty, &[], &facts).unwrap_err();
        assert_eq!(BulkRefusal::of(&err), Some(&BulkRefusal::EmptySource));
        let err = plan_bulk(
            "https://g/",
            now,
            &spec(false),
            &[],
            &PackageFacts::new("other"),
        )
        .unwrap_err();
        assert!(
            err.is_invalid_input() && err.to_string().contains("other"),
            "{err}"
        );
        let mut bad = spec(false);
        bad.access_package = "a/b".into();
        assert!(plan_bulk("https://g/", now, &bad, &[], &facts)
            .unwrap_err()
            .is_invalid_input());
    }
}
