//! The bulk plan: what to do for each person, decided from current state
//! before anything is written. Pure: no IO.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::models::{
    AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentRequestId, AssignmentState,
    ObjectId, RequestState,
};

/// What a bulk run does (or did) for one person.
///
/// In JSON (like every enum of [`ops`](crate::ops)) an object with the
/// variant as `kind` in camelCase and its data, if any, as `detail`:
///
/// ```
/// use entra_access::models::RequestState;
/// use entra_access::ops::{Action, SkipReason};
///
/// let skip = Action::Skip(SkipReason::OpenRequest(RequestState::Submitted));
/// let json = serde_json::to_value(&skip).unwrap();
/// assert_eq!(
///     json,
///     serde_json::json!({"kind": "skip", "detail": {"kind": "openRequest", "detail": "submitted"}})
/// );
/// assert_eq!(serde_json::to_value(Action::Add).unwrap(), serde_json::json!({"kind": "add"}));
/// assert_eq!(serde_json::from_value::<Action>(json).unwrap(), skip);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Action {
    /// Request an assignment (`adminAdd`).
    Add,
    /// Request removal of the person's assignment (`adminRemove`; only with
    /// reconcile, for targets that are not in the source, under the
    /// [`RemovalScope`]).
    Remove,
    /// Nothing to do.
    Skip(SkipReason),
    /// Needs a human: no request is made, and the reason is reported.
    Report(ReportReason),
}

impl Action {
    /// Whether this action writes (adds or removes).
    pub fn is_write(&self) -> bool {
        matches!(self, Self::Add | Self::Remove)
    }
}

impl fmt::Display for Action {
    /// `Add`, `Remove`, `Skip(alreadyDelivered)`, `Report(deliveryFailed)`…
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Add => f.write_str("Add"),
            Self::Remove => f.write_str("Remove"),
            Self::Skip(r) => write!(f, "Skip({r})"),
            Self::Report(r) => write!(f, "Report({r})"),
        }
    }
}

/// Why a person needs nothing (JSON: see [`Action`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "camelCase")]
#[non_exhaustive]
pub enum SkipReason {
    /// The person already holds a delivered assignment.
    AlreadyDelivered,
    /// The person's assignment is being delivered.
    Delivering,
    /// A request for the person is still open (submitted, pending approval,
    /// delivering or scheduled): a re-run never asks twice.
    OpenRequest(RequestState),
    /// The member is not a user; the value is its type without the
    /// `#microsoft.graph.` prefix (`group`, `device`, `servicePrincipal`…).
    NotAUser(String),
    /// Planned for removal, but the person was a member of the source again
    /// when it was re-read right before the removal: nothing was sent.
    RejoinedSource,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlreadyDelivered => f.write_str("alreadyDelivered"),
            Self::Delivering => f.write_str("delivering"),
            Self::OpenRequest(s) => write!(f, "openRequest:{s}"),
            Self::NotAUser(t) => write!(f, "notAUser:{t}"),
            Self::RejoinedSource => f.write_str("rejoinedSource"),
        }
    }
}

/// Why a person is reported instead of acted on (JSON: see [`Action`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "camelCase")]
#[non_exhaustive]
pub enum ReportReason {
    /// The assignment was only partly delivered: reprocess it or look at
    /// its resources; a new request would not help.
    PartiallyDelivered,
    /// Delivery of the assignment failed: reprocess it or remove it.
    DeliveryFailed,
    /// The assignment is in a state this crate does not know.
    UnknownState(String),
}

impl fmt::Display for ReportReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PartiallyDelivered => f.write_str("partiallyDelivered"),
            Self::DeliveryFailed => f.write_str("deliveryFailed"),
            Self::UnknownState(s) => write!(f, "unknownState:{s}"),
        }
    }
}

/// One person in a [`BulkPlan`] (JSON: camelCase fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PlanItem {
    /// The person's directory object id.
    pub user_id: ObjectId,
    /// The user principal name, when the member listing or an existing
    /// assignment told it.
    pub user_principal_name: Option<String>,
    /// What to do.
    pub action: Action,
    /// The assignment concerned: the one to remove, or the one that made
    /// the person a skip or a report.
    pub assignment_id: Option<AssignmentId>,
    /// The open request that made the person a skip.
    pub request_id: Option<AssignmentRequestId>,
}

/// Which assignments a reconciling bulk run may remove.
///
/// ```
/// use entra_access::ops::RemovalScope;
///
/// assert_eq!(RemovalScope::default(), RemovalScope::Policy);
/// assert_eq!(serde_json::to_value(RemovalScope::AllPolicies).unwrap(), "allPolicies");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum RemovalScope {
    /// Only assignments made through the bulk run's own policy (the
    /// default): access granted through another policy — a request the
    /// person made, an automatic assignment — is left alone.
    #[default]
    Policy,
    /// Assignments of the package under every policy.
    AllPolicies,
}

impl fmt::Display for RemovalScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Policy => "policy",
            Self::AllPolicies => "allPolicies",
        })
    }
}

/// What a bulk run will do, person by person, decided from the group's
/// members, the package's assignments and its open requests (JSON: camelCase
/// fields; see [`Action`] for the enums).
///
/// ```
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let plan = client.bulk_assign_group("pkg-1", "pol-1", "grp-1").plan().await?;
/// let json = serde_json::to_string_pretty(&plan).expect("plans serialize");
/// let back: entra_access::ops::BulkPlan = serde_json::from_str(&json).expect("and read back");
/// assert_eq!(back, plan);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BulkPlan {
    /// The package assigned.
    pub access_package: AccessPackageId,
    /// The policy assigned through.
    pub policy: AssignmentPolicyId,
    /// One item per person (members in listing order, then removals).
    pub items: Vec<PlanItem>,
    /// The package's assignments that are not expired, before the run.
    pub current_assignments: usize,
    /// Which assignments removals were planned for.
    #[serde(default)]
    pub removal_scope: RemovalScope,
}

impl BulkPlan {
    /// How many assignments the package will have once every add and
    /// removal is delivered.
    pub fn assignments_after(&self) -> usize {
        (self.current_assignments + self.count(&Action::Add))
            .saturating_sub(self.count(&Action::Remove))
    }

    /// How many items have this action (compared by variant and reason).
    pub fn count(&self, action: &Action) -> usize {
        self.items.iter().filter(|i| &i.action == action).count()
    }

    /// The items that write (adds and removals).
    pub fn writes(&self) -> impl Iterator<Item = &PlanItem> {
        self.items.iter().filter(|i| i.action.is_write())
    }
}

/// A member of the source, as far as planning needs it.
#[derive(Clone, Debug)]
pub(crate) struct MemberFacts {
    pub(crate) id: ObjectId,
    pub(crate) upn: Option<String>,
    /// `None` for a user; else the type name without prefix.
    pub(crate) not_a_user: Option<String>,
}

/// An existing assignment of the package.
#[derive(Clone, Debug)]
pub(crate) struct AssignmentFacts {
    pub(crate) id: AssignmentId,
    pub(crate) target: Option<ObjectId>,
    /// The policy it was assigned through, when Graph said.
    pub(crate) policy: Option<AssignmentPolicyId>,
    pub(crate) upn: Option<String>,
    pub(crate) state: Option<AssignmentState>,
}

/// An open request of the package.
#[derive(Clone, Debug)]
pub(crate) struct RequestFacts {
    pub(crate) id: AssignmentRequestId,
    /// The person it concerns ([`AssignmentRequest::subject_object_id`](crate::models::AssignmentRequest::subject_object_id)).
    pub(crate) subject: Option<ObjectId>,
    pub(crate) assignment_id: Option<AssignmentId>,
    pub(crate) state: RequestState,
}

/// Everything the plan is decided from.
#[derive(Debug)]
pub(crate) struct PlanInputs {
    pub(crate) package: AccessPackageId,
    pub(crate) policy: AssignmentPolicyId,
    pub(crate) members: Vec<MemberFacts>,
    pub(crate) assignments: Vec<AssignmentFacts>,
    pub(crate) open_requests: Vec<RequestFacts>,
    pub(crate) reconcile: bool,
    pub(crate) removal_scope: RemovalScope,
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

/// Decides the plan. Per user: delivered or delivering → skip; an open
/// request → skip; partially delivered or delivery failed → report;
/// expired or nothing → add. Non-users are skipped with their type. With
/// `reconcile`, delivered/delivering/partially delivered assignments of
/// targets that are not members, within the removal scope, are removed,
/// unless any request for that person or assignment is open (Graph would
/// refuse a second one): those are skipped with the open request's id.
pub(crate) fn decide(inputs: PlanInputs) -> BulkPlan {
    let PlanInputs {
        package,
        policy,
        members,
        assignments,
        open_requests,
        reconcile,
        removal_scope,
    } = inputs;

    // The most settled assignment per target.
    let mut best: HashMap<&ObjectId, &AssignmentFacts> = HashMap::new();
    for a in &assignments {
        if let Some(t) = &a.target {
            let slot = best.entry(t).or_insert(a);
            if rank(a.state.as_ref()) < rank(slot.state.as_ref()) {
                *slot = a;
            }
        }
    }
    let mut open_by_target: HashMap<&ObjectId, &RequestFacts> = HashMap::new();
    let mut open_by_assignment: HashMap<&AssignmentId, &RequestFacts> = HashMap::new();
    for r in &open_requests {
        if let Some(t) = &r.subject {
            open_by_target.entry(t).or_insert(r);
        }
        if let Some(a) = &r.assignment_id {
            open_by_assignment.entry(a).or_insert(r);
        }
    }

    let mut items = Vec::with_capacity(members.len());
    let mut seen: HashSet<&ObjectId> = HashSet::with_capacity(members.len());
    for m in &members {
        if !seen.insert(&m.id) {
            continue;
        }
        let existing = best.get(&m.id).copied();
        let upn = m
            .upn
            .clone()
            .or_else(|| existing.and_then(|a| a.upn.clone()));
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
                    item.request_id = Some(r.id.clone());
                    Action::Skip(SkipReason::OpenRequest(r.state.clone()))
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

    if reconcile {
        for a in &assignments {
            let Some(target) = &a.target else { continue };
            if seen.contains(target) {
                continue;
            }
            let removable = matches!(
                a.state,
                Some(
                    AssignmentState::Delivered
                        | AssignmentState::Delivering
                        | AssignmentState::PartiallyDelivered
                )
            );
            let in_scope = match removal_scope {
                RemovalScope::Policy => a.policy.as_ref() == Some(&policy),
                RemovalScope::AllPolicies => true,
            };
            if !removable || !in_scope {
                continue;
            }
            let open = open_by_assignment
                .get(&a.id)
                .or_else(|| open_by_target.get(target));
            let (action, request_id) = match open {
                Some(r) => (
                    Action::Skip(SkipReason::OpenRequest(r.state.clone())),
                    Some(r.id.clone()),
                ),
                None => (Action::Remove, None),
            };
            items.push(PlanItem {
                user_id: target.clone(),
                user_principal_name: a.upn.clone(),
                action,
                assignment_id: Some(a.id.clone()),
                request_id,
            });
        }
    }

    let current_assignments = assignments
        .iter()
        .filter(|a| a.state != Some(AssignmentState::Expired))
        .count();
    BulkPlan {
        access_package: package,
        policy,
        items,
        current_assignments,
        removal_scope,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn user(id: &str) -> MemberFacts {
        MemberFacts {
            id: ObjectId::new(id),
            upn: Some(format!("{id}@contoso.com")),
            not_a_user: None,
        }
    }

    fn assignment(id: &str, target: &str, state: AssignmentState) -> AssignmentFacts {
        AssignmentFacts {
            id: AssignmentId::new(id),
            target: Some(ObjectId::new(target)),
            policy: Some(AssignmentPolicyId::new("pol")),
            upn: None,
            state: Some(state),
        }
    }

    fn inputs(
        members: Vec<MemberFacts>,
        assignments: Vec<AssignmentFacts>,
        open_requests: Vec<RequestFacts>,
        reconcile: bool,
    ) -> PlanInputs {
        PlanInputs {
            package: AccessPackageId::new("pkg"),
            policy: AssignmentPolicyId::new("pol"),
            members,
            assignments,
            open_requests,
            reconcile,
            removal_scope: RemovalScope::Policy,
        }
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
        let mut device = user("d1");
        device.not_a_user = Some("device".into());
        let plan = decide(inputs(
            vec![
                user("new"),
                user("done"),
                user("going"),
                user("old"),
                user("asked"),
                user("part"),
                user("failed"),
                device,
                user("new"),
            ],
            vec![
                assignment("a1", "done", AssignmentState::Delivered),
                assignment("a2", "going", AssignmentState::Delivering),
                assignment("a3", "old", AssignmentState::Expired),
                assignment("a4", "part", AssignmentState::PartiallyDelivered),
                assignment("a5", "failed", AssignmentState::DeliveryFailed),
                assignment("a6", "asked", AssignmentState::Expired),
            ],
            vec![RequestFacts {
                id: AssignmentRequestId::new("r1"),
                subject: Some(ObjectId::new("asked")),
                assignment_id: None,
                state: RequestState::PendingApproval,
            }],
            false,
        ));
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
        // 5 non-expired before, 2 adds after.
        assert_eq!(plan.current_assignments, 4);
        assert_eq!(plan.assignments_after(), 6);
    }

    #[test]
    fn a_delivered_assignment_wins_over_an_expired_one() {
        let plan = decide(inputs(
            vec![user("u")],
            vec![
                assignment("old", "u", AssignmentState::Expired),
                assignment("new", "u", AssignmentState::Delivered),
            ],
            vec![],
            false,
        ));
        assert_eq!(
            plan.items[0].action,
            Action::Skip(SkipReason::AlreadyDelivered)
        );
        assert_eq!(plan.items[0].assignment_id, Some(AssignmentId::new("new")));
    }

    #[test]
    fn reconcile_removes_only_active_assignments_of_non_members() {
        let plan = decide(inputs(
            vec![user("stay")],
            vec![
                assignment("a1", "stay", AssignmentState::Delivered),
                assignment("a2", "left", AssignmentState::Delivered),
                assignment("a3", "gone", AssignmentState::Expired),
                assignment("a4", "leaving", AssignmentState::Delivered),
            ],
            vec![RequestFacts {
                id: AssignmentRequestId::new("r9"),
                subject: None,
                assignment_id: Some(AssignmentId::new("a4")),
                state: RequestState::Submitted,
            }],
            true,
        ));
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
    fn removals_stay_within_the_policy_unless_all_policies_are_allowed() {
        let mut other = assignment("a-other", "other", AssignmentState::Delivered);
        other.policy = Some(AssignmentPolicyId::new("someone-elses"));
        let mut unknown = assignment("a-unknown", "unknown", AssignmentState::Delivered);
        unknown.policy = None;
        let ours = assignment("a-ours", "ours", AssignmentState::Delivered);
        let facts = vec![other, unknown, ours];

        let plan = decide(inputs(vec![user("stay")], facts.clone(), vec![], true));
        let removed: Vec<_> = plan
            .items
            .iter()
            .filter(|i| i.action == Action::Remove)
            .map(|i| i.user_id.as_str())
            .collect();
        assert_eq!(removed, ["ours"], "{plan:#?}");
        assert_eq!(plan.removal_scope, RemovalScope::Policy);

        let mut all = inputs(vec![user("stay")], facts, vec![], true);
        all.removal_scope = RemovalScope::AllPolicies;
        let plan = decide(all);
        assert_eq!(plan.count(&Action::Remove), 3);
    }

    #[test]
    fn a_holder_with_any_open_request_is_skipped_with_its_id() {
        let plan = decide(inputs(
            vec![user("stay")],
            vec![assignment("a-left", "left", AssignmentState::Delivered)],
            // An open add for the same person, known only by its requestor:
            // no assignment id to match.
            vec![RequestFacts {
                id: AssignmentRequestId::new("r-add"),
                subject: Some(ObjectId::new("left")),
                assignment_id: None,
                state: RequestState::PendingApproval,
            }],
            true,
        ));
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
        let plan = decide(inputs(
            vec![user("new"), user("asked")],
            vec![assignment("a-left", "left", AssignmentState::Delivered)],
            vec![RequestFacts {
                id: AssignmentRequestId::new("r1"),
                subject: Some(ObjectId::new("asked")),
                assignment_id: None,
                state: RequestState::Submitted,
            }],
            true,
        ));
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(json["accessPackage"], "pkg");
        assert_eq!(json["currentAssignments"], 1);
        assert_eq!(json["removalScope"], "policy");
        assert_eq!(json["items"][0]["userId"], "new");
        assert_eq!(
            json["items"][0]["action"],
            serde_json::json!({"kind": "add"})
        );
        assert_eq!(json["items"][1]["requestId"], "r1");
        assert_eq!(
            json["items"][2]["action"],
            serde_json::json!({"kind": "remove"})
        );
        let back: BulkPlan = serde_json::from_value(json).unwrap();
        assert_eq!(back, plan);
    }

    #[test]
    fn without_reconcile_non_members_are_left_alone() {
        let plan = decide(inputs(
            vec![user("stay")],
            vec![assignment("a2", "left", AssignmentState::Delivered)],
            vec![],
            false,
        ));
        assert_eq!(plan.items.len(), 1);
        assert_eq!(plan.items[0].action, Action::Add);
    }

    #[test]
    fn actions_render_with_their_reason() {
        assert_eq!(Action::Add.to_string(), "Add");
        assert_eq!(
            Action::Skip(SkipReason::OpenRequest(RequestState::Submitted)).to_string(),
            "Skip(openRequest:submitted)"
        );
        assert_eq!(
            Action::Report(ReportReason::DeliveryFailed).to_string(),
            "Report(deliveryFailed)"
        );
    }
}
