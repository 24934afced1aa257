//! The planner: facts in, plan out. Pure, no IO, so tools can plan from
//! facts they gathered themselves.

use std::collections::HashMap;

use super::error::SyncError;
use super::plan_file::{
    ActionKind, PackagePlan, PlanTarget, Reason, SyncAction, SyncPlan, Warning,
    SYNC_PLAN_FORMAT_VERSION,
};
use super::resolve::ResolvedPackage;
use crate::{AssignmentFact, Observed, PackageFacts, RemovalScope, RequestFact};
use entra_access::models::{AssignmentRequestId, DateTime, ObjectId};

/// Someone on the Graph side: an object id, an e-mail, or both.
struct Person<'a> {
    id: Option<&'a ObjectId>,
    email: Option<&'a str>,
}

impl Person<'_> {
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

/// People looked up by object id or by e-mail (ignoring case), each with a
/// value (the first one put in wins).
struct People<'a, V> {
    ids: HashMap<&'a ObjectId, V>,
    emails: HashMap<String, V>,
}

impl<'a, V: Copy> People<'a, V> {
    fn new() -> Self {
        Self {
            ids: HashMap::new(),
            emails: HashMap::new(),
        }
    }

    fn insert(&mut self, p: &Person<'a>, v: V) {
        if let Some(id) = p.id {
            self.ids.entry(id).or_insert(v);
        }
        if let Some(e) = p.email {
            self.emails.entry(e.to_lowercase()).or_insert(v);
        }
    }

    fn insert_target(&mut self, t: &'a PlanTarget, v: V) {
        match t {
            PlanTarget::User(id) => {
                self.ids.entry(id).or_insert(v);
            }
            PlanTarget::Email(e) => {
                self.emails.entry(e.to_lowercase()).or_insert(v);
            }
        }
    }

    /// The value of the person, found by id or by e-mail.
    fn get(&self, p: &Person<'_>) -> Option<V> {
        p.id.and_then(|id| self.ids.get(id).copied()).or_else(|| {
            p.email
                .and_then(|e| self.emails.get(&e.to_lowercase()).copied())
        })
    }

    fn get_target(&self, t: &PlanTarget) -> Option<V> {
        match t {
            PlanTarget::User(id) => self.ids.get(id).copied(),
            PlanTarget::Email(e) => self.emails.get(&e.to_lowercase()).copied(),
        }
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
/// use entra_access_ops::sync::{plan_package, DesiredHolder, ResolvedPackage};
/// use entra_access_ops::{AssignmentFact, PackageFacts};
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
/// # Ok::<(), entra_access_ops::sync::SyncError>(())
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
    let mut holders: People<'_, ()> = People::new();
    for a in &held {
        holders.insert(&of_assignment(a), ());
    }
    let mut in_flight: People<'_, &AssignmentRequestId> = People::new();
    let mut open_add: People<'_, ()> = People::new();
    for r in &open {
        in_flight.insert(&of_request(r), &r.id);
        if r.is_add() {
            open_add.insert(&of_request(r), ());
        }
    }
    let mut desired: People<'_, ()> = People::new();
    for h in &resolved.desired {
        desired.insert_target(&h.target, ());
    }

    let mut warnings = resolved.warnings.clone();
    let mut adds = Vec::new();
    let mut unchanged = Vec::new();
    for holder in &resolved.desired {
        let t = &holder.target;
        let holds = holders.get_target(t).is_some();
        let requested = open_add.get_target(t).is_some();
        if holds || requested {
            if let (true, false, Some(request)) = (holds, requested, in_flight.get_target(t)) {
                warnings.push(Warning::DesiredButRequestOpen {
                    target: t.clone(),
                    request: request.clone(),
                });
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
            let in_scope = resolved.removal.covers(a.policy.as_ref(), &resolved.policy);
            let person = of_assignment(a);
            let Some(target) = person.target() else {
                continue;
            };
            if !in_scope || desired.get(&person).is_some() {
                continue;
            }
            if let Some(request) = in_flight.get(&person) {
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
    if removals.len() > resolved.max_removals {
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
/// the client's ([`Client::base_url`](entra_access::Client::base_url)); the first
/// package refused stops the plan.
///
/// ```
/// use entra_access_ops::sync::{plan_from_facts, DesiredHolder, ResolvedPackage};
/// use entra_access_ops::PackageFacts;
///
/// let mut pkg = ResolvedPackage::new("Marketing", "pkg-1", "pol-1");
/// pkg.desired.push(DesiredHolder::email("ana@fabrikam.com"));
/// let facts = PackageFacts::new("pkg-1");
/// let plan = plan_from_facts("https://graph.microsoft.com/", chrono::Utc::now(), &[(pkg, facts)])?;
/// assert_eq!(plan.totals().to_string(), "1 to add, 0 to remove, 0 unchanged");
/// # Ok::<(), entra_access_ops::sync::SyncError>(())
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
