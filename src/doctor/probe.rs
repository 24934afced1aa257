//! The doctor's probes: one cheap read (a one-item page, `$top=1`) per
//! question the token cannot answer. Never a write.

use std::time::Duration;

use serde_json::Value;

use crate::api::RequestsOfCurrentUser;
use crate::error::{Error, ErrorKind};
use crate::request::RequestOptions;
use crate::{Client, RetryPolicy};

/// A read the doctor may send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Probe {
    /// `GET …/assignments?$top=1`: the tenant-wide list.
    TenantAssignments,
    /// `GET …/accessPackages?$top=1`: what a catalog-scoped caller may read.
    CatalogPackages,
    /// `GET groups?$top=1`.
    Groups,
    /// `GET users?$top=1`.
    Users,
    /// `GET identityGovernance/lifecycleWorkflows/workflows?$top=1`.
    Workflows,
    /// `GET …/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')?$top=1`.
    MyApprovals,
    /// `GET …/assignmentRequests/filterByCurrentUser(on='target')?$top=1`.
    MyRequests,
}

/// How a probe went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Graph answered with success.
    Answered,
    /// Graph refused (HTTP 403).
    Refused {
        code: Option<String>,
        request_id: Option<String>,
    },
    /// Anything else: another error status, a timeout, no answer.
    Failed {
        code: Option<String>,
        request_id: Option<String>,
        reason: String,
    },
}

impl Probe {
    /// What the probe reads, for messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::TenantAssignments => "GET identityGovernance/entitlementManagement/assignments?$top=1",
            Self::CatalogPackages => "GET identityGovernance/entitlementManagement/accessPackages?$top=1",
            Self::Groups => "GET groups?$top=1",
            Self::Users => "GET users?$top=1",
            Self::Workflows => "GET identityGovernance/lifecycleWorkflows/workflows?$top=1",
            Self::MyApprovals => "GET identityGovernance/entitlementManagement/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')?$top=1",
            Self::MyRequests => "GET identityGovernance/entitlementManagement/assignmentRequests/filterByCurrentUser(on='target')?$top=1",
        }
    }

    /// Sends the probe once: no retries, at most `timeout`.
    pub(crate) async fn run(self, client: &Client, timeout: Duration) -> Outcome {
        let options = RequestOptions::new()
            .timeout(timeout)
            .retry_policy(RetryPolicy::none());
        let result = match self {
            Self::TenantAssignments => client
                .assignments()
                .list()
                .top(1)
                .options(options)
                .send()
                .await
                .map(drop),
            Self::CatalogPackages => client
                .access_packages()
                .list()
                .top(1)
                .options(options)
                .send()
                .await
                .map(drop),
            Self::Groups => raw(client, "groups", options).await,
            Self::Users => raw(client, "users", options).await,
            Self::Workflows => {
                raw(
                    client,
                    "identityGovernance/lifecycleWorkflows/workflows",
                    options,
                )
                .await
            }
            Self::MyApprovals => client
                .approvals()
                .list_mine()
                .top(1)
                .options(options)
                .send()
                .await
                .map(drop),
            Self::MyRequests => client
                .assignment_requests()
                .filter_by_current_user(RequestsOfCurrentUser::Target)
                .top(1)
                .options(options)
                .send()
                .await
                .map(drop),
        };
        match result {
            Ok(()) => Outcome::Answered,
            Err(e) => outcome_of(&e, timeout),
        }
    }
}

async fn raw(client: &Client, path: &str, options: RequestOptions) -> crate::Result<()> {
    client
        .raw()
        .list::<Value>(path)
        .top(1)
        .options(options)
        .send()
        .await
        .map(drop)
}

/// Classifies a failed probe.
fn outcome_of(e: &Error, timeout: Duration) -> Outcome {
    let code = e.code().map(|c| c.as_str().to_owned());
    let request_id = e.request_id().map(str::to_owned);
    match (e.kind(), e.status()) {
        // Graph answered with success; only the body surprised the decoder:
        // the call was allowed.
        (ErrorKind::Decode, _) => Outcome::Answered,
        (_, Some(403)) => Outcome::Refused { code, request_id },
        (ErrorKind::Timeout, _) => Outcome::Failed {
            code,
            request_id,
            reason: format!("the probe got no answer within {timeout:?}"),
        },
        (_, Some(401)) => Outcome::Failed {
            code,
            request_id,
            reason: "Graph refused the token itself (HTTP 401: expired, for another audience or tenant, or malformed); get a new token".to_owned(),
        },
        (_, Some(429)) => Outcome::Failed {
            code,
            request_id,
            reason: "Graph throttled the probe (HTTP 429); run the doctor again later".to_owned(),
        },
        (_, Some(status)) => Outcome::Failed {
            code,
            request_id,
            reason: format!("Graph answered the probe with HTTP {status}: {e}"),
        },
        _ => Outcome::Failed {
            code,
            request_id,
            reason: format!("the probe failed: {e}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{GraphError, GraphErrorCode};

    #[test]
    fn failures_are_classified() {
        let t = Duration::from_secs(3);
        let denied = Error::from_graph(GraphError::new(403, GraphErrorCode::AccessDenied, "no"));
        assert_eq!(
            outcome_of(&denied, t),
            Outcome::Refused {
                code: Some("accessDenied".into()),
                request_id: None
            }
        );
        let timeout = Error::new(ErrorKind::Timeout, "timed out");
        let Outcome::Failed { reason, code, .. } = outcome_of(&timeout, t) else {
            panic!("failed");
        };
        assert!(reason.contains("3s"), "{reason}");
        assert_eq!(code, None);
        let decode = Error::new(ErrorKind::Decode, "could not decode");
        assert_eq!(outcome_of(&decode, t), Outcome::Answered);
        let throttled =
            Error::from_graph(GraphError::new(429, GraphErrorCode::TooManyRequests, "x"));
        assert!(
            matches!(outcome_of(&throttled, t), Outcome::Failed { reason, .. } if reason.contains("429"))
        );
    }
}
