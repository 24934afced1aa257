//! The writes a bulk run makes, through the assignment-request handle.
//!
//! TEMPORARY: until the request builders land, these build the v1.0 create
//! bodies directly; once they do, each function becomes a one-line call to
//! `AssignmentRequests::admin_add` / `admin_remove` / `wait_until_final`.

use std::sync::Arc;
use std::time::Duration;

use super::super::api::AssignmentRequests;
use crate::error::Result;
use crate::models::{
    AccessPackageId, Answer, Assignment, AssignmentId, AssignmentPolicyId, AssignmentRequest,
    AssignmentRequestId, ObjectId, RequestType, Schedule,
};
use crate::request::ApiRequest;
use crate::transport::Transport;

const REQUESTS: &str = "identityGovernance/entitlementManagement/assignmentRequests";

/// What every add of a run shares.
#[derive(Clone, Debug)]
pub(crate) struct AddTemplate {
    pub(crate) package: AccessPackageId,
    pub(crate) policy: AssignmentPolicyId,
    pub(crate) schedule: Option<Schedule>,
    pub(crate) justification: Option<String>,
    pub(crate) answers: Vec<Answer>,
}

/// `adminAdd` for one user.
pub(crate) async fn admin_add(
    transport: &Arc<Transport>,
    t: &AddTemplate,
    user: &ObjectId,
) -> Result<AssignmentRequest> {
    let mut body = AssignmentRequest::new(
        RequestType::AdminAdd,
        Assignment::for_target(user.clone(), t.policy.clone(), t.package.clone()),
    );
    body.schedule = t.schedule.clone();
    body.justification = t.justification.clone();
    body.answers = t.answers.clone();
    post(transport, &body).await
}

/// `adminRemove` of one assignment.
pub(crate) async fn admin_remove(
    transport: &Arc<Transport>,
    assignment: &AssignmentId,
    justification: Option<&str>,
) -> Result<AssignmentRequest> {
    let mut body = AssignmentRequest::new(
        RequestType::AdminRemove,
        Assignment::existing(assignment.clone()),
    );
    body.justification = justification.map(str::to_owned);
    post(transport, &body).await
}

async fn post(transport: &Arc<Transport>, body: &AssignmentRequest) -> Result<AssignmentRequest> {
    let json = serde_json::to_value(body)
        .map_err(|e| crate::Error::invalid_input("assignment request", e))?;
    let req = ApiRequest::post(REQUESTS, json);
    transport
        .send_json(&req, "the new assignment request")
        .await
}

/// Polls a request until Graph will not move it further.
pub(crate) async fn wait_until_final(
    transport: &Arc<Transport>,
    id: &AssignmentRequestId,
) -> Result<AssignmentRequest> {
    let handle = AssignmentRequests::new(Arc::clone(transport));
    let mut delay = Duration::from_millis(500);
    loop {
        let r = handle.get(id.clone()).send().await?;
        if r.is_final() {
            return Ok(r);
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(30));
    }
}
