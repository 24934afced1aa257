//! `userAdd`: the signed-in user requests an access package for themselves.

use std::sync::Arc;

use super::draft::{draft_setters, Draft};
use super::requestor_rules::check_user_add;
use crate::api::common::checked;
use crate::error::Result;
use crate::models::{
    AccessPackageId, Assignment, AssignmentPolicyId, AssignmentRequest, RequestType,
};
use crate::request::ApiRequest;
use crate::transport::Transport;

/// The signed-in user requests `package` for themselves through `policy`
/// (`userAdd`); see [`AssignmentRequests::user_add`](crate::api::AssignmentRequests::user_add).
///
/// **Delegated-only**: the requestor is whoever the token signs in; an
/// app-only token is refused with 403 ([`Error::is_forbidden`](crate::Error::is_forbidden)).
/// A user who holds the package already renews their assignment this way.
///
/// Given the policy ([`policy`](Self::policy)), the request is checked
/// before sending against what the policy lets a requestor do, as Graph
/// would check it after the round trip: self-service turned off
/// (`requestorSettings.enableTargetsToSelfAddAccess`), a schedule the
/// requestor may not choose (`allowCustomAssignmentSchedule`), a missing
/// justification (`isRequestorJustificationRequired`), and the answers.
/// Each is an `InvalidInput` error naming the setting. A policy with
/// approval sends the request to `pendingApproval`, where
/// [`Client::approvals`](crate::Client::approvals) takes over.
///
/// ```
/// use entra_access::models::AssignmentPolicy;
/// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
/// let policy: AssignmentPolicy = serde_json::from_value(serde_json::json!({
///     "id": "pol-1",
///     "requestorSettings": {"enableTargetsToSelfAddAccess": false}
/// })).unwrap();
/// let err = client.assignment_requests().user_add("pkg-1", "pol-1").policy(&policy).request().unwrap_err();
/// assert!(err.is_invalid_input());
/// assert!(err.to_string().contains("enableTargetsToSelfAddAccess"));
/// # Ok::<(), entra_access::Error>(())
/// ```
///
/// ```
/// use serde_json::json;
/// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
/// let req = client
///     .assignment_requests()
///     .user_add("pkg-1", "pol-1")
///     .justification("I run the spring campaign")
///     .request()?;
/// assert_eq!(
///     req.body_json().unwrap(),
///     &json!({
///         "requestType": "userAdd",
///         "assignment": {"assignmentPolicyId": "pol-1", "accessPackageId": "pkg-1"},
///         "justification": "I run the spring campaign"
///     })
/// );
/// # Ok::<(), entra_access::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until sent"]
pub struct UserAdd {
    transport: Arc<Transport>,
    package: AccessPackageId,
    policy_id: AssignmentPolicyId,
    draft: Draft,
}

draft_setters!(UserAdd);

impl UserAdd {
    pub(crate) fn new(
        transport: Arc<Transport>,
        package: AccessPackageId,
        policy_id: AssignmentPolicyId,
    ) -> Self {
        Self {
            transport,
            package,
            policy_id,
            draft: Draft::default(),
        }
    }

    /// The POST this builder sends (no IO), or the `InvalidInput` error
    /// that keeps it from being sent.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// assert!(client.assignment_requests().user_add("", "pol-1").request().is_err());
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn request(&self) -> Result<ApiRequest> {
        checked(&self.package, "access package id")?;
        checked(&self.policy_id, "assignment policy id")?;
        if let Some(policy) = self.draft.known_policy(&self.policy_id)? {
            check_user_add(policy, &self.draft)?;
        }
        let mut carrier = Assignment::existing("");
        carrier.assignment_policy_id = Some(self.policy_id.clone());
        carrier.access_package_id = Some(self.package.clone());
        self.draft.post(RequestType::UserAdd, carrier, true)
    }

    /// Sends the request once and returns it (`submitted`; follow it with
    /// [`wait_until_final`](crate::api::AssignmentRequests::wait_until_final)).
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let request = client.assignment_requests().user_add("pkg-1", "pol-1").send().await?;
    /// println!("requested: {}", request.id);
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<AssignmentRequest> {
        let req = self.request()?;
        self.transport
            .send_json(&req, "the created assignment request")
            .await
    }
}
