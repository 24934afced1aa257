//! The writes a run makes, as the assignment-request handle's builders.

use crate::{Approval, PackageSpec, Person};
use entra_access::api::{AdminAdd, AdminRemove};
use entra_access::models::AssignmentId;
use entra_access::Client;

/// The `adminAdd` for `person` with what every add of the package sends
/// (`spec`'s package, policy, schedule, justification, answers and
/// approval intent). Sent
/// once by the engine, which looks for what exists after an uncertain
/// failure.
pub(crate) fn admin_add(client: &Client, spec: &PackageSpec, person: &Person) -> AdminAdd {
    let mut add =
        client
            .assignment_requests()
            .admin_add(&spec.access_package, &spec.policy, person.target());
    add = add.set_schedule(spec.schedule.clone());
    add = add.set_justification(spec.justification.clone());
    add = add.set_bypass_approval(spec.approval.map(Approval::bypasses));
    if !spec.answers.is_empty() {
        add = add.answers(spec.answers.clone());
    }
    add
}

/// The `adminRemove` of one assignment.
pub(crate) fn admin_remove(
    client: &Client,
    assignment: &AssignmentId,
    justification: Option<&str>,
) -> AdminRemove {
    let mut remove = client.assignment_requests().admin_remove(assignment);
    remove = remove.set_justification(justification.map(str::to_owned));
    remove
}
