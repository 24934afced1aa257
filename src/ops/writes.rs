//! The writes a run makes, as the assignment-request handle's builders.

use crate::api::{AdminAdd, AdminRemove, Target};
use crate::models::{AccessPackageId, Answer, AssignmentId, AssignmentPolicyId, Schedule};
use crate::Client;

/// What every add of a bulk run shares.
#[derive(Clone, Debug)]
pub(crate) struct AddTemplate {
    pub(crate) package: AccessPackageId,
    pub(crate) policy: AssignmentPolicyId,
    pub(crate) schedule: Option<Schedule>,
    pub(crate) justification: Option<String>,
    pub(crate) answers: Vec<Answer>,
}

impl AddTemplate {
    /// The `adminAdd` for `target` (sent once by the engine, which looks
    /// for what exists after an uncertain failure).
    pub(crate) fn admin_add(&self, client: &Client, target: Target) -> AdminAdd {
        let mut add = client
            .assignment_requests()
            .admin_add(&self.package, &self.policy, target);
        add = add.set_schedule(self.schedule.clone());
        add = add.set_justification(self.justification.clone());
        if !self.answers.is_empty() {
            add = add.answers(self.answers.clone());
        }
        add
    }
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
