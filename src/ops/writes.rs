//! The writes a bulk run makes, through the assignment-request handle.

use std::sync::Arc;

use crate::api::{AssignmentRequests, Target};
use crate::error::Result;
use crate::models::{
    AccessPackageId, Answer, AssignmentId, AssignmentPolicyId, AssignmentRequest,
    AssignmentRequestId, ObjectId, Schedule,
};
use crate::transport::Transport;

/// What every add of a run shares.
#[derive(Clone, Debug)]
pub(crate) struct AddTemplate {
    pub(crate) package: AccessPackageId,
    pub(crate) policy: AssignmentPolicyId,
    pub(crate) schedule: Option<Schedule>,
    pub(crate) justification: Option<String>,
    pub(crate) answers: Vec<Answer>,
}

fn requests(transport: &Arc<Transport>) -> AssignmentRequests {
    AssignmentRequests::new(Arc::clone(transport))
}

/// `adminAdd` for one user, sent once (the plan already looked for what
/// exists; the caller re-checks after an uncertain failure).
pub(crate) async fn admin_add(
    transport: &Arc<Transport>,
    t: &AddTemplate,
    user: &ObjectId,
) -> Result<AssignmentRequest> {
    let mut add = requests(transport).admin_add(&t.package, &t.policy, Target::user(user));
    add = add.set_schedule(t.schedule.clone());
    add = add.set_justification(t.justification.clone());
    if !t.answers.is_empty() {
        add = add.answers(t.answers.clone());
    }
    add.send().await
}

/// `adminRemove` of one assignment.
pub(crate) async fn admin_remove(
    transport: &Arc<Transport>,
    assignment: &AssignmentId,
    justification: Option<&str>,
) -> Result<AssignmentRequest> {
    let mut remove = requests(transport).admin_remove(assignment);
    remove = remove.set_justification(justification.map(str::to_owned));
    remove.send().await
}

/// Polls a request until Graph will not move it further.
pub(crate) async fn wait_until_final(
    transport: &Arc<Transport>,
    id: &AssignmentRequestId,
) -> Result<AssignmentRequest> {
    requests(transport).wait_until_final(id).send().await
}
