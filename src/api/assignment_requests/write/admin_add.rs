//! `adminAdd`: assign an access package directly.

use std::sync::Arc;

use super::draft::{approval_intent_setters, draft_setters, Draft};
use super::target::Target;
use crate::api::common::checked;
use crate::error::Result;
use crate::models::{AccessPackageId, AssignmentPolicyId, AssignmentRequest, RequestType};
use crate::request::ApiRequest;
use crate::transport::Transport;

/// Assigns an access package to a target through a policy (`adminAdd`);
/// see [`AssignmentRequests::admin_add`](crate::api::AssignmentRequests::admin_add).
///
/// [`request`](Self::request) describes the POST without sending it:
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use entra_access::api::Target;
/// use serde_json::json;
/// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
///
/// let req = client
///     .assignment_requests()
///     .admin_add("pkg-1", "pol-1", Target::user("user-1"))
///     .ends_at(Utc.with_ymd_and_hms(2025, 1, 31, 0, 0, 0).unwrap())
///     .justification("onboarding")
///     .request()?;
/// assert_eq!(req.method(), &http::Method::POST);
/// assert_eq!(req.path(), "identityGovernance/entitlementManagement/assignmentRequests");
/// assert_eq!(
///     req.body_json().unwrap(),
///     &json!({
///         "requestType": "adminAdd",
///         "assignment": {
///             "targetId": "user-1",
///             "assignmentPolicyId": "pol-1",
///             "accessPackageId": "pkg-1"
///         },
///         "schedule": {
///             "expiration": {"type": "afterDateTime", "endDateTime": "2025-01-31T00:00:00Z"}
///         },
///         "justification": "onboarding"
///     })
/// );
/// # Ok::<(), entra_access::Error>(())
/// ```
///
/// Someone not in the directory yet is addressed by e-mail:
///
/// ```
/// use entra_access::api::Target;
/// use entra_access::models::IsoDuration;
/// use serde_json::json;
/// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
///
/// let target = Target::email("ana@fabrikam.com")
///     .display_name("Ana Souza")
///     .connected_organization("org-1");
/// let req = client
///     .assignment_requests()
///     .admin_add("pkg-1", "pol-1", target)
///     .duration(IsoDuration::days(30))
///     .request()?;
/// assert_eq!(
///     req.body_json().unwrap(),
///     &json!({
///         "requestType": "adminAdd",
///         "assignment": {
///             "target": {
///                 "email": "ana@fabrikam.com",
///                 "displayName": "Ana Souza",
///                 "connectedOrganization": {"id": "org-1"}
///             },
///             "assignmentPolicyId": "pol-1",
///             "accessPackageId": "pkg-1"
///         },
///         "schedule": {"expiration": {"type": "afterDuration", "duration": "P30D"}}
///     })
/// );
///
/// // Refused before anything is sent:
/// let err = client
///     .assignment_requests()
///     .admin_add("pkg-1", "pol-1", Target::email("ana at fabrikam"))
///     .request()
///     .unwrap_err();
/// assert!(err.is_invalid_input());
/// # Ok::<(), entra_access::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until sent"]
pub struct AdminAdd {
    transport: Arc<Transport>,
    package: AccessPackageId,
    policy_id: AssignmentPolicyId,
    target: Target,
    draft: Draft,
}

draft_setters!(AdminAdd);

approval_intent_setters!(
    AdminAdd,
    ".admin_add(\"pkg-1\", \"pol-1\", entra_access::api::Target::user(\"user-1\"))"
);

impl AdminAdd {
    pub(crate) fn new(
        transport: Arc<Transport>,
        package: AccessPackageId,
        policy_id: AssignmentPolicyId,
        target: Target,
    ) -> Self {
        Self {
            transport,
            package,
            policy_id,
            target,
            draft: Draft::default(),
        }
    }

    /// The access package.
    pub fn access_package(&self) -> &AccessPackageId {
        &self.package
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The POST this builder sends (no IO), or the `InvalidInput` error
    /// that keeps it from being sent.
    pub fn request(&self) -> Result<ApiRequest> {
        checked(&self.package, "access package id")?;
        checked(&self.policy_id, "assignment policy id")?;
        self.target.check()?;
        self.draft.known_policy(&self.policy_id)?;
        let carrier = self.target.carrier(&self.policy_id, &self.package);
        self.draft.post(RequestType::AdminAdd, carrier, true)
    }

    /// Sends the request once and returns the created request (`submitted`;
    /// delivery happens later, see
    /// [`wait_until_final`](crate::api::AssignmentRequests::wait_until_final)).
    ///
    /// If the POST fails in a way that leaves open whether Graph processed
    /// it, the error says so ([`Error::may_have_been_processed`](crate::Error::may_have_been_processed)); do not
    /// simply send again: look for the request or assignment first.
    pub async fn send(self) -> Result<AssignmentRequest> {
        let req = self.request()?;
        self.transport
            .send_json(&req, "the created assignment request")
            .await
    }

    /// Like [`send`](Self::send), with the answer's metadata (Graph's
    /// `request-id` to log for the write, `client-request-id`, status, `Date`).
    pub async fn send_with_meta(self) -> Result<crate::request::WithMeta<AssignmentRequest>> {
        let req = self.request()?;
        self.transport
            .send_json_with_meta(&req, "the created assignment request")
            .await
    }
}

crate::api::common::request_options!(AdminAdd, transport);
