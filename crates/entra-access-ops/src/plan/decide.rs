//! The planner: facts in, plan out. Pure, no IO, so tools can plan from
//! facts they gathered themselves.

use std::collections::{HashMap, HashSet};

use super::{Action, PackagePlan, PackageSpec, PlanItem, Reason, ReportReason, SkipReason};
use crate::refusal::Refusal;
use crate::{
    AssignmentFact, MemberFact, Observed, PackageFacts, Person, RequestFact, MAX_REMOVALS_CEILING,
};
use entra_access::error::Result;
use entra_access::models::{AssignmentId, AssignmentState, ObjectId, RequestState};

/// Plans one package from facts: what [`BulkAssign::plan`](crate::BulkAssign::plan)
/// and [`sync::plan`](crate::sync::plan) do once they have read the
/// source's members and the package's assignments and open requests.
///
/// Per desired person (`members`, duplicates collapsed):
///
/// | What the person has | Action |
/// |---|---|
/// | a delivered or delivering assignment | skip (`alreadyDelivered`, `delivering`) |
/// | the same, with an open removal request | skip (`removalRequested`, with its id) |
/// | an open request of any kind | skip (`openRequest:<state>`, with its id) |
/// | a partially delivered assignment, or one whose delivery failed | report (no request) |
/// | an expired assignment, or none | add |
/// | (an e-mail) the same, but the policy takes directory users only | report (`emailNotAllowed`) |
/// | (not a user: a device, a service principal…) | skip (`notAUser:<type>`) |
///
/// Unless `spec.removal_scope` is [`RemovalScope::None`](crate::RemovalScope::None),
/// a delivered, delivering or partially delivered assignment within the
/// scope whose target is not desired is removed — unless a request for that
/// person or assignment is open (Graph would refuse a second one): it is
/// skipped with the request's id. An assignment without a target is never
/// removed. Items come desired people first, then removals, each sorted by
/// person, so two plans of the same state read the same.
///
/// Errors, before anything is sent: an invalid id in `spec`, facts of
/// another package (`InvalidInput`), or a plan that breaks a limit
/// (`InvalidInput` with a [`Refusal`]): removals from a source with nobody
/// in it, more removals than `spec.max_removals` (or than
/// [`MAX_REMOVALS_CEILING`]), more assignments than `spec.max_assignments`.
///
/// ```
/// use entra_access::models::Assignment;
/// use entra_access_ops::{plan_package, AssignmentFact, MemberFact, PackageFacts, PackageSpec, RemovalScope, Source};
///
/// let mut spec = PackageSpec::new("pkg-1", "pol-1", Source::users(["ada"]));
/// spec.removal_scope = RemovalScope::Policy;
/// let members = [MemberFact::user("ada", None)];
/// let mut facts = PackageFacts::new("pkg-1");
/// let grace: Assignment = serde_json::from_value(serde_json::json!({
///     "id": "as-1", "state": "delivered",
///     "target": {"objectId": "grace"}, "assignmentPolicy": {"id": "pol-1"}
/// })).unwrap();
/// facts.assignments.push(AssignmentFact::from_assignment(&grace));
///
/// let plan = plan_package(&spec, &members, &facts)?;
/// let lines: Vec<String> = plan.items.iter().map(|i| format!("{} {}", i.action, i.person)).collect();
/// assert_eq!(lines, ["Add ada", "Remove grace"]);
/// assert_eq!(plan.observed.assignments["delivered"], 1);
/// # Ok::<(), entra_access::Error>(())
/// ```
pub fn plan_package(
    spec: &PackageSpec,
    members: &[MemberFact],
    facts: &PackageFacts,
) -> Result<PackagePlan> {
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
    let mut plan = PackagePlan {
        spec: spec.clone(),
        observed: Observed::of(facts),
        current_assignments,
        items,
        warnings: Vec::new(),
    };
    let waiting = plan.adds_waiting_for_approval().count();
    if waiting > 0 {
        plan.warnings
            .push(crate::Warning::AddsWaitForApproval { adds: waiting });
    }
    let desired = members.iter().filter(|m| m.is_user()).count();
    limits(&plan, desired).map_err(Refusal::into_error)?;
    Ok(plan)
}

/// Holds `plan` (made from a source with `desired` people) to the limits
/// of its spec: removals only from a source with someone in it (unless
/// allowed), `max_removals`, the ceiling, `max_assignments`.
fn limits(plan: &PackagePlan, desired: usize) -> std::result::Result<(), Refusal> {
    let spec = &plan.spec;
    if spec.removal_scope.removes() && desired == 0 && !spec.allow_empty_source {
        return Err(spec.refuse_empty_source());
    }
    let planned = plan.count(&Action::Remove);
    if planned > MAX_REMOVALS_CEILING {
        return Err(Refusal::RemovalCeiling {
            package: spec.label.clone(),
            planned,
            ceiling: MAX_REMOVALS_CEILING,
        });
    }
    if planned > spec.max_removals {
        return Err(Refusal::TooManyRemovals {
            package: spec.label.clone(),
            planned,
            cap: spec.max_removals,
        });
    }
    if let Some(cap) = spec.max_assignments {
        let after = plan.assignments_after();
        if after > cap {
            return Err(Refusal::TooManyAssignments {
                package: spec.label.clone(),
                after,
                cap,
            });
        }
    }
    Ok(())
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

/// Values looked up by a person's object id or by e-mail (ignoring case).
struct ByPerson<'a, V> {
    ids: HashMap<&'a ObjectId, V>,
    emails: HashMap<String, V>,
}

impl<'a, V: Copy> ByPerson<'a, V> {
    fn new() -> Self {
        Self {
            ids: HashMap::new(),
            emails: HashMap::new(),
        }
    }

    /// Files `v` under the id and the e-mail given (empty ones ignored);
    /// `better(new, old)` says whether `v` replaces a value already there.
    fn put(
        &mut self,
        id: Option<&'a ObjectId>,
        email: Option<&str>,
        v: V,
        better: impl Fn(V, V) -> bool,
    ) {
        if let Some(id) = id.filter(|id| !id.as_str().is_empty()) {
            let slot = self.ids.entry(id).or_insert(v);
            if better(v, *slot) {
                *slot = v;
            }
        }
        if let Some(e) = email.filter(|e| !e.is_empty()) {
            let slot = self.emails.entry(e.to_ascii_lowercase()).or_insert(v);
            if better(v, *slot) {
                *slot = v;
            }
        }
    }

    fn of(&self, person: &Person) -> Option<V> {
        match person {
            Person::User(id) => self.ids.get(id).copied(),
            Person::Email(e) => self.emails.get(&e.to_ascii_lowercase()).copied(),
        }
    }

    /// By id first, then by e-mail.
    fn either(&self, id: Option<&ObjectId>, email: Option<&str>) -> Option<V> {
        id.and_then(|id| self.ids.get(id).copied()).or_else(|| {
            email
                .filter(|e| !e.is_empty())
                .and_then(|e| self.emails.get(&e.to_ascii_lowercase()).copied())
        })
    }
}

/// For [`ByPerson::put`]: the first value filed stays.
fn first<V>(_: V, _: V) -> bool {
    false
}

fn skip_open(r: &RequestFact) -> (Action, Option<entra_access::models::AssignmentRequestId>) {
    // Open requests always have a state (`is_open` checked it).
    let state = r.state.clone().unwrap_or(RequestState::Submitted);
    (
        Action::Skip(SkipReason::OpenRequest(state)),
        Some(r.id.clone()),
    )
}

/// The items, and the package's assignments that are not expired.
fn decide(
    spec: &PackageSpec,
    members: &[MemberFact],
    facts: &PackageFacts,
) -> (Vec<PlanItem>, usize) {
    // The most settled assignment per person.
    let mut best: ByPerson<'_, &AssignmentFact> = ByPerson::new();
    for a in &facts.assignments {
        best.put(a.target.as_ref(), a.email.as_deref(), a, |new, old| {
            rank(new.state.as_ref()) < rank(old.state.as_ref())
        });
    }
    let mut open: ByPerson<'_, &RequestFact> = ByPerson::new();
    let mut open_removal: ByPerson<'_, &RequestFact> = ByPerson::new();
    let mut open_by_assignment: HashMap<&AssignmentId, &RequestFact> = HashMap::new();
    let mut removal_by_assignment: HashMap<&AssignmentId, &RequestFact> = HashMap::new();
    for r in facts.open_requests.iter().filter(|r| r.is_open()) {
        open.put(r.target.as_ref(), r.email.as_deref(), r, first);
        if let Some(a) = &r.assignment_id {
            open_by_assignment.entry(a).or_insert(r);
        }
        if r.is_removal() {
            open_removal.put(r.target.as_ref(), r.email.as_deref(), r, first);
            if let Some(a) = &r.assignment_id {
                removal_by_assignment.entry(a).or_insert(r);
            }
        }
    }

    let mut items = Vec::with_capacity(members.len());
    let mut seen: HashSet<&Person> = HashSet::with_capacity(members.len());
    let mut desired: ByPerson<'_, ()> = ByPerson::new();
    for m in members {
        if !seen.insert(&m.person) {
            continue;
        }
        match &m.person {
            Person::User(id) => desired.put(Some(id), None, (), first),
            Person::Email(e) => desired.put(None, Some(e), (), first),
        }
        let existing = best.of(&m.person);
        let mut item = PlanItem {
            person: m.person.clone(),
            principal_name: m
                .principal_name
                .clone()
                .or_else(|| existing.and_then(|a| a.principal_name.clone())),
            action: Action::Add,
            reason: m.reason.clone(),
            assignment_id: existing.map(|a| a.id.clone()),
            request_id: None,
        };
        if let Some(kind) = &m.not_a_user {
            item.action = Action::Skip(SkipReason::NotAUser(kind.clone()));
            items.push(item);
            continue;
        }
        let state = existing.and_then(|a| a.state.as_ref());
        let removal = || {
            existing
                .and_then(|a| removal_by_assignment.get(&a.id).copied())
                .or_else(|| open_removal.of(&m.person))
        };
        item.action = match state {
            Some(AssignmentState::Delivered | AssignmentState::Delivering) => match removal() {
                Some(r) => {
                    item.request_id = Some(r.id.clone());
                    Action::Skip(SkipReason::RemovalRequested)
                }
                None if state == Some(&AssignmentState::Delivered) => {
                    Action::Skip(SkipReason::AlreadyDelivered)
                }
                None => Action::Skip(SkipReason::Delivering),
            },
            _ => match open.of(&m.person) {
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
        if item.action == Action::Add {
            if state.is_none() {
                item.assignment_id = None;
            }
            if matches!(m.person, Person::Email(_)) && !spec.policy_allows_email() {
                let scope = spec
                    .policy_scope
                    .as_ref()
                    .map_or_else(String::new, ToString::to_string);
                item.action = Action::Report(ReportReason::EmailNotAllowed(scope));
            }
        }
        items.push(item);
    }
    items.sort_by(|a, b| a.person.cmp(&b.person));

    let mut removals = Vec::new();
    if spec.removal_scope.removes() {
        for a in facts.assignments.iter().filter(|a| a.is_held()) {
            let id = a.target.as_ref().filter(|id| !id.as_str().is_empty());
            let email = a.email.as_deref().filter(|e| !e.is_empty());
            let person = match (id, email) {
                (Some(id), _) => Person::User(id.clone()),
                (None, Some(e)) => Person::Email(e.to_owned()),
                // Nobody's: never removed.
                (None, None) => continue,
            };
            if desired.either(id, email).is_some() || seen.contains(&person) {
                continue;
            }
            if !spec.removal_scope.covers(a.policy.as_ref(), &spec.policy) {
                continue;
            }
            let open = open_by_assignment
                .get(&a.id)
                .copied()
                .or_else(|| open.either(id, email));
            let (action, request_id) = match open {
                Some(r) => skip_open(r),
                None => (Action::Remove, None),
            };
            removals.push(PlanItem {
                person,
                principal_name: a.principal_name.clone(),
                action,
                reason: Some(Reason::NotDesired {
                    policy: a.policy.clone(),
                }),
                assignment_id: Some(a.id.clone()),
                request_id,
            });
        }
    }
    removals.sort_by(|a, b| (&a.person, &a.assignment_id).cmp(&(&b.person, &b.assignment_id)));
    items.extend(removals);

    let current = facts
        .assignments
        .iter()
        .filter(|a| a.state != Some(AssignmentState::Expired))
        .count();
    (items, current)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Plan, RemovalScope, Source};
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
        request_type: &str,
    ) -> RequestFact {
        let mut body = serde_json::json!({"id": id, "state": state, "requestType": request_type});
        if let Some(a) = assignment {
            body["assignment"] = serde_json::json!({"id": a});
        }
        if let Some(p) = person {
            body["assignment"]["target"] = serde_json::json!({"objectId": p});
        }
        RequestFact::from_request(&serde_json::from_value(body).unwrap())
    }

    fn spec(reconcile: bool) -> PackageSpec {
        let mut spec = PackageSpec::new("pkg", "pol", Source::default());
        spec.allow_empty_source = true;
        if reconcile {
            spec.removal_scope = RemovalScope::Policy;
        }
        spec
    }

    fn plan_of(
        spec: &PackageSpec,
        members: &[MemberFact],
        assignments: Vec<AssignmentFact>,
        open_requests: Vec<RequestFact>,
    ) -> PackagePlan {
        let mut facts = PackageFacts::new("pkg");
        facts.assignments = assignments;
        facts.open_requests = open_requests;
        plan_package(spec, members, &facts).unwrap()
    }

    fn item<'a>(plan: &'a PackagePlan, id: &str) -> &'a PlanItem {
        plan.items.iter().find(|i| i.person.is(id)).unwrap()
    }

    fn action_of<'a>(plan: &'a PackagePlan, id: &str) -> &'a Action {
        &item(plan, id).action
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
            vec![request(
                "r1",
                Some("asked"),
                None,
                "pendingApproval",
                "adminAdd",
            )],
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
            vec![request("r9", None, Some("a4"), "submitted", "adminRemove")],
        );
        let removes: Vec<String> = plan.writes().map(|i| i.person.to_string()).collect();
        assert_eq!(removes, ["left"]);
        assert_eq!(
            item(&plan, "left").assignment_id,
            Some(AssignmentId::new("a2"))
        );
        assert_eq!(
            item(&plan, "left").reason,
            Some(Reason::NotDesired {
                policy: Some("pol".into())
            })
        );
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
        let removed: Vec<String> = plan.removals().map(|i| i.person.to_string()).collect();
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
            vec![request(
                "r-add",
                Some("left"),
                None,
                "pendingApproval",
                "adminAdd",
            )],
        );
        let left = item(&plan, "left");
        assert_eq!(
            left.action,
            Action::Skip(SkipReason::OpenRequest(RequestState::PendingApproval))
        );
        assert_eq!(left.request_id, Some(AssignmentRequestId::new("r-add")));
        assert_eq!(plan.count(&Action::Remove), 0);
    }

    /// Issue 20, 12: a member whose assignment has an open removal request
    /// is not "already delivered": it is about to lose access.
    #[test]
    fn a_member_with_an_open_removal_gets_its_own_skip_reason() {
        let plan = plan_of(
            &spec(false),
            &[user("going"), user("by-person"), user("fine")],
            vec![
                assignment("a-going", "going", "delivered"),
                assignment("a-person", "by-person", "delivered"),
                assignment("a-fine", "fine", "delivered"),
            ],
            vec![
                request("r-rm", None, Some("a-going"), "submitted", "adminRemove"),
                request(
                    "r-rm2",
                    Some("by-person"),
                    None,
                    "pendingApproval",
                    "userRemove",
                ),
            ],
        );
        for (who, id) in [("going", "r-rm"), ("by-person", "r-rm2")] {
            let i = item(&plan, who);
            assert_eq!(
                i.action,
                Action::Skip(SkipReason::RemovalRequested),
                "{i:?}"
            );
            assert_eq!(i.request_id, Some(AssignmentRequestId::new(id)));
        }
        assert_eq!(
            action_of(&plan, "fine"),
            &Action::Skip(SkipReason::AlreadyDelivered)
        );
    }

    /// Issue 20, 1: the people of the source and of Graph are one person
    /// however their GUID is spelled.
    #[test]
    fn ids_spelled_in_another_case_are_the_same_person() {
        let upper = "0CF0EDB8-0000-4000-8000-00000000000A";
        let plan = plan_of(
            &spec(true),
            &[MemberFact::user(upper, None)],
            vec![assignment("as-1", &upper.to_ascii_lowercase(), "delivered")],
            vec![],
        );
        assert_eq!(plan.items.len(), 1, "{plan:#?}");
        assert_eq!(
            plan.items[0].action,
            Action::Skip(SkipReason::AlreadyDelivered)
        );
        assert!(plan.is_empty());
    }

    #[test]
    fn e_mails_match_ignoring_case_and_need_a_policy_that_takes_them() {
        let guest: entra_access::models::Assignment = serde_json::from_value(serde_json::json!({
            "id": "as-ana", "state": "delivered",
            "target": {"objectId": "guest-ana", "email": "ana@fabrikam.example"},
            "assignmentPolicy": {"id": "pol"}
        }))
        .unwrap();
        let plan = plan_of(
            &spec(true),
            &[
                MemberFact::email("Ana@Fabrikam.example"),
                MemberFact::email("bo@fabrikam.example"),
            ],
            vec![AssignmentFact::from_assignment(&guest)],
            vec![],
        );
        assert_eq!(
            action_of(&plan, "ana@fabrikam.example"),
            &Action::Skip(SkipReason::AlreadyDelivered),
            "matched by e-mail, not removed: {plan:#?}"
        );
        assert_eq!(plan.count(&Action::Remove), 0);
        assert_eq!(action_of(&plan, "bo@fabrikam.example"), &Action::Add);

        let mut members_only = spec(false);
        members_only.policy_scope = Some(entra_access::models::AllowedTargetScope::AllMemberUsers);
        let plan = plan_of(
            &members_only,
            &[MemberFact::email("bo@fabrikam.example")],
            vec![],
            vec![],
        );
        assert_eq!(
            plan.items[0].action,
            Action::Report(ReportReason::EmailNotAllowed("allMemberUsers".into()))
        );
    }

    #[test]
    fn an_assignment_without_a_target_is_never_removed() {
        let a: entra_access::models::Assignment = serde_json::from_value(
            serde_json::json!({"id": "as-x", "state": "delivered", "assignmentPolicy": {"id": "pol"}}),
        )
        .unwrap();
        let plan = plan_of(
            &spec(true),
            &[user("stay")],
            vec![AssignmentFact::from_assignment(&a)],
            vec![],
        );
        assert_eq!(plan.count(&Action::Remove), 0, "{plan:#?}");
    }

    #[test]
    fn a_plan_round_trips_through_json() {
        let package = plan_of(
            &spec(true),
            &[user("new"), user("asked")],
            vec![assignment("a-left", "left", "delivered")],
            vec![request("r1", Some("asked"), None, "submitted", "adminAdd")],
        );
        let plan = Plan::new(
            "https://graph.test/v1.0/",
            chrono::Utc::now(),
            vec![package],
        )
        .unwrap();
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(json["formatVersion"], 2);
        assert_eq!(json["baseUrl"], "https://graph.test/v1.0/");
        assert!(json["digest"].as_str().unwrap().starts_with("sha256:"));
        let p = &json["packages"][0];
        assert_eq!(p["spec"]["accessPackage"], "pkg");
        assert_eq!(p["spec"]["removalScope"], "policy");
        assert_eq!(p["currentAssignments"], 1);
        assert!(p["observed"]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:"));
        assert_eq!(
            p["items"][0]["person"],
            serde_json::json!({"user": "asked"})
        );
        assert_eq!(p["items"][0]["requestId"], "r1");
        assert_eq!(
            p["items"][2]["action"],
            serde_json::json!({"kind": "remove"})
        );
        let back: Plan = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, plan);
        assert!(!back.is_edited());
        assert_eq!(Plan::from_json(&plan.to_json()).unwrap(), plan);

        // Another version is refused by plain serde too.
        let mut other = json;
        other["formatVersion"] = 1.into();
        let err = serde_json::from_value::<Plan>(other).unwrap_err();
        assert!(err.to_string().contains("version 1"), "{err}");
    }

    #[test]
    fn caps_and_foreign_facts_are_refused() {
        let mut capped = spec(true);
        capped.max_removals = 0;
        let mut facts = PackageFacts::new("pkg");
        facts.assignments = vec![assignment("a-left", "left", "delivered")];
        let err = plan_package(&capped, &[user("u")], &facts).unwrap_err();
        assert_eq!(
            Refusal::of(&err),
            Some(&Refusal::TooManyRemovals {
                package: "pkg".into(),
                planned: 1,
                cap: 0
            })
        );
        let mut empty = spec(true);
        empty.allow_empty_source = false;
        let err = plan_package(&empty, &[], &facts).unwrap_err();
        assert!(
            matches!(Refusal::of(&err), Some(Refusal::EmptySource { .. })),
            "{err}"
        );
        let err = plan_package(&spec(false), &[], &PackageFacts::new("other")).unwrap_err();
        assert!(
            err.is_invalid_input() && err.to_string().contains("other"),
            "{err}"
        );
        let mut bad = spec(false);
        bad.access_package = "a/b".into();
        assert!(plan_package(&bad, &[], &facts)
            .unwrap_err()
            .is_invalid_input());
    }

    /// Issue 20, 3: no cap can raise the ceiling.
    #[test]
    fn the_removal_ceiling_holds_whatever_the_cap() {
        let mut huge = spec(true);
        huge.max_removals = usize::MAX;
        let mut facts = PackageFacts::new("pkg");
        facts.assignments = (0..=MAX_REMOVALS_CEILING)
            .map(|i| assignment(&format!("a-{i}"), &format!("p-{i}"), "delivered"))
            .collect();
        let err = plan_package(&huge, &[user("stay")], &facts).unwrap_err();
        assert_eq!(
            Refusal::of(&err),
            Some(&Refusal::RemovalCeiling {
                package: "pkg".into(),
                planned: MAX_REMOVALS_CEILING + 1,
                ceiling: MAX_REMOVALS_CEILING
            })
        );
    }
}
