//! The checks of a stored plan, made when it is applied, after re-reading
//! what it observed: every item against the rules planning follows, so a
//! plan changed after planning (by hand, by a tool, by a merge) can never
//! write what planning would have refused. Pure: facts in, verdict out.

use std::collections::HashSet;

use crate::plan::{Action, PackagePlan, PlanItem, Reason};
use crate::refusal::Refusal;
use crate::{PackageFacts, Person, MAX_REMOVALS_CEILING};
use entra_access::models::AssignmentId;

/// What a package is checked against: its facts read just now, and who its
/// source holds just now.
pub(crate) struct Now<'a> {
    pub(crate) facts: &'a PackageFacts,
    pub(crate) desired: &'a HashSet<Person>,
}

/// Checks every item of `plan` with the rules planning uses, against the
/// state read `now`; `edited` says the plan no longer matches its digest
/// (applied on purpose), so nothing in it is trusted as planning's.
///
/// - A removal names a held assignment of this package, held by the item's
///   person, within the plan's removal scope (scope `none` removes
///   nothing), with no request in flight for it; it is not of a person the
///   source lists (its fixed users and e-mails, the plan's own items for
///   desired people, and — for an edited plan — its groups as read now:
///   in a plan as made, someone back in a group is skipped right before
///   their removal, and the row says so).
/// - An add is for someone the source holds now, who holds nothing yet and
///   has no request in flight; an e-mail only through a policy that takes
///   people outside the directory.
/// - No write twice; removals within the plan's cap and the ceiling no
///   plan can raise; the package within its assignment cap; no removal
///   from a source with nobody in it (unless allowed).
pub(crate) fn check(plan: &PackagePlan, now: &Now<'_>, edited: bool) -> Result<(), Refusal> {
    let spec = &plan.spec;
    let refuse = |item: &PlanItem, action: &'static str, rule: String| Refusal::ItemRefused {
        package: spec.label.clone(),
        person: item.person.to_string(),
        action,
        rule,
    };
    // People the plan itself lists as desired (its items other than
    // removals and the holders it found not desired).
    let listed: HashSet<&Person> = plan
        .items
        .iter()
        .filter(|i| {
            i.action != Action::Remove && !matches!(i.reason, Some(Reason::NotDesired { .. }))
        })
        .map(|i| &i.person)
        .collect();
    let fixed = |p: &Person| match p {
        Person::User(id) => spec.source.users.contains(id),
        Person::Email(e) => spec.source.emails.iter().any(|m| m.eq_ignore_ascii_case(e)),
    };
    let open_for = |p: &Person, assignment: Option<&AssignmentId>| {
        now.facts
            .open_requests
            .iter()
            .filter(|r| r.is_open())
            .find(|r| {
                r.is_for(p) || (assignment.is_some() && r.assignment_id.as_ref() == assignment)
            })
    };

    let mut removed: HashSet<&AssignmentId> = HashSet::new();
    let mut added: HashSet<&Person> = HashSet::new();
    for item in &plan.items {
        match item.action {
            Action::Remove => {
                let rule = |rule: String| refuse(item, "removal", rule);
                if !spec.removal_scope.removes() {
                    return Err(rule(format!(
                        "is a removal, but the plan's removal scope is {}",
                        spec.removal_scope
                    )));
                }
                let Some(id) = &item.assignment_id else {
                    return Err(rule("names no assignment".into()));
                };
                if !removed.insert(id) {
                    return Err(rule(format!("removes assignment {id} a second time")));
                }
                let Some(a) = now.facts.assignments.iter().find(|a| &a.id == id) else {
                    return Err(rule(format!(
                        "names assignment {id}, which is not an assignment of this package"
                    )));
                };
                if !a.is_held() {
                    return Err(rule(format!(
                        "names assignment {id}, which holds nothing (state {})",
                        a.state.as_ref().map_or("unknown", |s| s.as_str())
                    )));
                }
                if !a.is_for(&item.person) {
                    let holder = a
                        .target
                        .as_ref()
                        .map(ToString::to_string)
                        .or_else(|| a.email.clone())
                        .unwrap_or_else(|| "nobody".into());
                    return Err(rule(format!(
                        "names assignment {id}, which is held by {holder}, not by {}",
                        item.person
                    )));
                }
                if !spec.removal_scope.covers(a.policy.as_ref(), &spec.policy) {
                    let policy = a
                        .policy
                        .as_ref()
                        .map_or("an unknown policy", |p| p.as_str());
                    return Err(rule(format!(
                        "names assignment {id}, made under {policy}, outside the removal scope {} \
                         (policy {})",
                        spec.removal_scope, spec.policy
                    )));
                }
                if fixed(&item.person) || listed.contains(&item.person) {
                    return Err(rule(
                        "is of a person the plan's source lists (planning removes only people \
                         it does not list)"
                            .into(),
                    ));
                }
                if edited && now.desired.contains(&item.person) {
                    return Err(rule(
                        "is of a person the plan's source holds now (its groups read again)".into(),
                    ));
                }
                if let Some(r) = open_for(&item.person, Some(id)) {
                    return Err(rule(format!(
                        "has request {} in flight for the same person or assignment (Graph \
                         refuses a second one)",
                        r.id
                    )));
                }
            }
            Action::Add => {
                let rule = |rule: String| refuse(item, "add", rule);
                if !added.insert(&item.person) {
                    return Err(rule("adds the same person a second time".into()));
                }
                if !now.desired.contains(&item.person) {
                    return Err(rule(
                        "is for someone the plan's source does not hold now (its groups and \
                         users read again)"
                            .into(),
                    ));
                }
                if let Some(a) = now
                    .facts
                    .assignments
                    .iter()
                    .find(|a| a.is_held() && a.is_for(&item.person))
                {
                    return Err(rule(format!(
                        "is for someone who already holds the package (assignment {})",
                        a.id
                    )));
                }
                if let Some(r) = open_for(&item.person, None) {
                    return Err(rule(format!(
                        "is for someone with request {} in flight (Graph refuses a second one)",
                        r.id
                    )));
                }
                if matches!(item.person, Person::Email(_)) && !spec.policy_allows_email() {
                    return Err(rule(format!(
                        "is for someone outside the directory, but policy {} takes directory \
                         users only",
                        spec.policy
                    )));
                }
            }
            Action::Skip(_) | Action::Report(_) => {}
        }
    }

    let planned = plan.count(&Action::Remove);
    if planned > 0 && now.desired.is_empty() && !spec.allow_empty_source {
        return Err(spec.refuse_empty_source());
    }
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
        let live = now
            .facts
            .assignments
            .iter()
            .filter(|a| a.state != Some(entra_access::models::AssignmentState::Expired))
            .count();
        let after = (live + plan.count(&Action::Add)).saturating_sub(planned);
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
