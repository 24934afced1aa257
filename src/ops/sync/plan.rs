//! The planner: facts in, plan out. Pure, no IO, so tools can plan from
//! facts they gathered themselves.

use super::desired::RemovalScope;
use super::error::SyncError;
use super::facts::{AssignmentFact, PackageFacts, RequestFact};
use super::fingerprint::Observed;
use super::plan_file::{
    ActionKind, PackagePlan, PlanTarget, Reason, SyncAction, SyncPlan, Warning,
    SYNC_PLAN_FORMAT_VERSION,
};
use super::resolve::ResolvedPackage;
use crate::models::{AssignmentRequestId, DateTime, ObjectId};

/// Someone on the Graph side: an object id, an e-mail, or both.
struct Person<'a> {
    id: Option<&'a ObjectId>,
    email: Option<&'a str>,
}

impl Person<'_> {
    fn is(&self, target: &PlanTarget) -> bool {
        match target {
            PlanTarget::User(id) => self.id == Some(id),
            PlanTarget::Email(e) => self.email.is_some_and(|m| m.eq_ignore_ascii_case(e)),
        }
    }

    fn same_as(&self, other: &Person<'_>) -> bool {
        (self.id.is_some() && self.id == other.id)
            || matches!((self.email, other.email), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
    }

    /// The object id when known, else the e-mail.
    fn target(&self) -> Option<PlanTarget> {
        match (self.id, self.email) {
            (Some(id), _) => Some(PlanTarget::User(id.clone())),
            (None, Some(e)) => Some(PlanTarget::Email(e.to_owned())),
            (None, None) => None,
        }
    }
}

fn of_assignment(a: &AssignmentFact) -> Person<'_> {
    Person {
        id: a.target.as_ref().filter(|id| !id.as_str().is_empty()),
        email: a.email.as_deref().filter(|e| !e.is_empty()),
    }
}

fn of_request(r: &RequestFact) -> Person<'_> {
    Person {
        id: r.target.as_ref().filter(|id| !id.as_str().is_empty()),
        email: r.email.as_deref().filter(|e| !e.is_empty()),
    }
}

/// Plans one package.
///
/// - Desired = `resolved.desired`; held = people with a delivered,
///   delivering or partially delivered assignment (any policy) or an open
///   add request.
/// - Adds: desired, not held. An e-mail the policy cannot take is a warning.
/// - Removals (scope `policy`: assignments under `resolved.policy` only;
///   `all`: any; `none`: never): held, not desired, and no request of any
///   kind in flight for the person (else a warning).
/// - Refused: removals on with nobody desired, or more removals than
///   `max_removals`.
///
/// ```
/// use entra_access::models::Assignment;
/// use entra_access::ops::sync::{plan_package, AssignmentFact, DesiredHolder, PackageFacts, ResolvedPackage};
///
/// let mut pkg = ResolvedPackage::new("Marketing", "pkg-1", "pol-1");
/// pkg.desired.push(DesiredHolder::user("ada", "ada"));
/// let mut facts = PackageFacts::new("pkg-1");
/// let grace: Assignment = serde_json::from_value(serde_json::json!({
///     "id": "as-1", "state": "delivered",
///     "target": {"objectId": "grace"}, "assignmentPolicy": {"id": "pol-1"}
/// })).unwrap();
/// facts.assignments.push(AssignmentFact::from_assignment(&grace));
///
/// let plan = plan_package(&pkg, &facts)?;
/// let lines: Vec<String> = plan.actions.iter().map(|a| format!("{} {}", a.kind, a.target)).collect();
/// assert_eq!(lines, ["add ada", "remove grace"]);
/// # Ok::<(), entra_access::ops::sync::SyncError>(())
/// ```
pub fn plan_package(
    resolved: &ResolvedPackage,
    facts: &PackageFacts,
) -> Result<PackagePlan, SyncError> {
    if resolved.desired.is_empty() && resolved.removal != RemovalScope::None {
        return Err(SyncError::EmptyDesiredSet {
            package: resolved.label.clone(),
            removal: resolved.removal.to_string(),
        });
    }
    let held: Vec<&AssignmentFact> = facts.assignments.iter().filter(|a| a.is_held()).collect();
    let open: Vec<&RequestFact> = facts.open_requests.iter().filter(|r| r.is_open()).collect();
    let in_flight_for = |p: &Person<'_>| -> Option<&AssignmentRequestId> {
        open.iter()
            .find(|r| of_request(r).same_as(p))
            .map(|r| &r.id)
    };

    let mut warnings = resolved.warnings.clone();
    let mut adds = Vec::new();
    let mut unchanged = Vec::new();
    for holder in &resolved.desired {
        let t = &holder.target;
        let holds = held.iter().any(|a| of_assignment(a).is(t));
        let requested = open.iter().any(|r| r.is_add() && of_request(r).is(t));
        if holds || requested {
            if holds && !requested {
                if let Some(r) = open.iter().find(|r| of_request(r).is(t)) {
                    warnings.push(Warning::DesiredButRequestOpen {
                        target: t.clone(),
                        request: r.id.clone(),
                    });
                }
            }
            unchanged.push(t.clone());
            continue;
        }
        if let PlanTarget::Email(email) = t {
            if !resolved.policy_allows_email() {
                warnings.push(Warning::EmailNotAllowed {
                    email: email.clone(),
                    policy: resolved.policy.clone(),
                    scope: resolved
                        .policy_scope
                        .as_ref()
                        .map_or_else(String::new, ToString::to_string),
                });
                continue;
            }
        }
        adds.push(SyncAction {
            kind: ActionKind::Add,
            target: t.clone(),
            assignment_id: None,
            reason: holder.reason.clone(),
        });
    }

    let mut removals = Vec::new();
    if resolved.removal != RemovalScope::None {
        for a in &held {
            let in_scope = resolved.removal == RemovalScope::All
                || a.policy.as_ref() == Some(&resolved.policy);
            let person = of_assignment(a);
            let Some(target) = person.target() else {
                continue;
            };
            let desired = resolved.desired.iter().any(|h| person.is(&h.target));
            if !in_scope || desired {
                continue;
            }
            if let Some(request) = in_flight_for(&person) {
                warnings.push(Warning::RemovalDeferred {
                    target,
                    request: request.clone(),
                });
                continue;
            }
            removals.push(SyncAction {
                kind: ActionKind::Remove,
                target,
                assignment_id: Some(a.id.clone()),
                reason: Reason::NotDesired {
                    policy: a.policy.clone(),
                },
            });
        }
    }
    if removals.len() > resolved.max_removals as usize {
        return Err(SyncError::TooManyRemovals {
            package: resolved.label.clone(),
            planned: removals.len(),
            max: resolved.max_removals,
        });
    }
    adds.sort_by(|a, b| a.target.cmp(&b.target));
    removals.sort_by(|a, b| (&a.target, &a.assignment_id).cmp(&(&b.target, &b.assignment_id)));
    unchanged.sort();
    adds.extend(removals);
    Ok(PackagePlan {
        access_package: resolved.access_package.clone(),
        label: resolved.label.clone(),
        policy: resolved.policy.clone(),
        removal: resolved.removal,
        max_removals: resolved.max_removals,
        observed: Observed::of(facts),
        settings: resolved.settings.clone(),
        actions: adds,
        unchanged,
        warnings,
    })
}

/// Plans every package: the pure planner behind [`plan`](super::plan).
///
/// `packages` pairs each resolved package with its facts; `base_url` is
/// the client's ([`Client::base_url`](crate::Client::base_url)); the first
/// package refused stops the plan.
///
/// ```
/// use entra_access::ops::sync::{plan_from_facts, DesiredHolder, PackageFacts, ResolvedPackage};
///
/// let mut pkg = ResolvedPackage::new("Marketing", "pkg-1", "pol-1");
/// pkg.desired.push(DesiredHolder::email("ana@fabrikam.com"));
/// let facts = PackageFacts::new("pkg-1");
/// let plan = plan_from_facts("https://graph.microsoft.com/", chrono::Utc::now(), &[(pkg, facts)])?;
/// assert_eq!(plan.totals().to_string(), "1 to add, 0 to remove, 0 unchanged");
/// # Ok::<(), entra_access::ops::sync::SyncError>(())
/// ```
pub fn plan_from_facts(
    base_url: &str,
    created_at: DateTime,
    packages: &[(ResolvedPackage, PackageFacts)],
) -> Result<SyncPlan, SyncError> {
    let packages = packages
        .iter()
        .map(|(resolved, facts)| plan_package(resolved, facts))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SyncPlan {
        format_version: SYNC_PLAN_FORMAT_VERSION,
        base_url: base_url.to_owned(),
        created_at,
        packages,
    })
}
