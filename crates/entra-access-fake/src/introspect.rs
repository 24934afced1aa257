//! What the fake saw and holds, for assertions in tests.

use std::time::SystemTime;

use serde_json::Value;

use super::faults::FaultKind;
use super::state::{Assignment, Request, State};
use entra_access::models::{
    AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentRequestId, AssignmentState,
    ObjectId, RequestState, RequestType,
};

/// One HTTP request the fake received, with secrets redacted: the
/// `Authorization` header reads `***`, and `client_secret` /
/// `client_assertion` form fields read `***`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, e.g. `/v1.0/identityGovernance/entitlementManagement/assignments`.
    pub path: String,
    /// The raw query string (still percent-encoded), if any.
    pub query: Option<String>,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8).
    pub body: String,
    /// The status the fake answered with (0 for a reset connection).
    pub status: u16,
    /// When the fake received the request (wall clock, so it compares with
    /// `Retry-After` dates).
    pub received_at: SystemTime,
    /// The `Retry-After` header the fake answered with, as sent.
    pub retry_after: Option<String>,
    /// The injected fault (a [`Fault`](super::Fault) rule or the
    /// [`Chaos`](super::Chaos) mix) that shaped the answer, if any.
    pub fault: Option<FaultKind>,
    /// The delay the fake put before its answer (latency faults and
    /// [`set_latency`](super::FakeGraph::set_latency)), if any. Tests can
    /// check it instead of measuring time.
    pub delay: Option<std::time::Duration>,
}

impl ReceivedRequest {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A decoded query parameter, e.g. `query_param("$filter")`.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let q = self.query.as_deref()?;
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// Internal log entry (same data as [`ReceivedRequest`]).
pub(crate) type Received = ReceivedRequest;

/// Builds the redacted log entry for a wiremock request.
pub(crate) fn record(req: &wiremock::Request) -> Received {
    let headers = req
        .headers
        .iter()
        .map(|(k, v)| {
            let name = k.as_str().to_ascii_lowercase();
            let value = if name == "authorization" {
                "***".to_owned()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            (name, value)
        })
        .collect();
    let mut body = String::from_utf8_lossy(&req.body).into_owned();
    let form = req
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                url::form_urlencoded::parse(req.body.as_slice()).map(|(k, v)| {
                    let redact = k == "client_secret" || k == "client_assertion";
                    (
                        k.into_owned(),
                        if redact {
                            "***".to_owned()
                        } else {
                            v.into_owned()
                        },
                    )
                }),
            )
            .finish();
    }
    ReceivedRequest {
        method: req.method.as_str().to_owned(),
        path: req.url.path().to_owned(),
        query: req.url.query().map(str::to_owned),
        headers,
        body,
        status: 0,
        received_at: SystemTime::now(),
        retry_after: None,
        fault: None,
        delay: None,
    }
}

/// An assignment as the fake holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssignmentSnapshot {
    /// The assignment id.
    pub id: AssignmentId,
    /// The access package.
    pub access_package_id: AccessPackageId,
    /// The policy it was made through.
    pub assignment_policy_id: AssignmentPolicyId,
    /// The target's object id; `None` for a subject not (yet) in the directory.
    pub target_object_id: Option<ObjectId>,
    /// The target's e-mail address, if known.
    pub target_email: Option<String>,
    /// `state`.
    pub state: AssignmentState,
    /// `status`.
    pub status: String,
    /// `expiredDateTime`.
    pub expired_date_time: Option<String>,
}

/// An assignment request as the fake holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestSnapshot {
    /// The request id.
    pub id: AssignmentRequestId,
    /// `requestType`.
    pub request_type: RequestType,
    /// `state`.
    pub state: RequestState,
    /// `status`.
    pub status: String,
    /// The access package.
    pub access_package_id: AccessPackageId,
    /// The policy.
    pub assignment_policy_id: AssignmentPolicyId,
    /// The assignment it created or changes, once known.
    pub assignment_id: Option<AssignmentId>,
    /// The target's object id; `None` while an e-mail target is not in the directory.
    pub target_object_id: Option<ObjectId>,
    /// The target's e-mail address, if known.
    pub target_email: Option<String>,
    /// `justification`.
    pub justification: Option<String>,
    /// `createdDateTime`.
    pub created_date_time: String,
    /// `completedDateTime`.
    pub completed_date_time: Option<String>,
}

pub(crate) fn assignment_snapshot(st: &State, a: &Assignment) -> AssignmentSnapshot {
    let subject = st.subject(&a.subject_id);
    AssignmentSnapshot {
        id: a.id.clone(),
        access_package_id: a.package_id.clone(),
        assignment_policy_id: a.policy_id.clone(),
        target_object_id: subject.and_then(|s| s.object_id.clone()),
        target_email: subject.and_then(|s| s.email.clone()),
        state: a.state.clone(),
        status: a.status.clone(),
        expired_date_time: a.expired.clone(),
    }
}

pub(crate) fn request_snapshot(st: &State, r: &Request) -> RequestSnapshot {
    let subject = st.subject(&r.subject_id);
    RequestSnapshot {
        id: r.id.clone(),
        request_type: r.request_type.clone(),
        state: r.state.clone(),
        status: r.status.clone(),
        access_package_id: r.package_id.clone(),
        assignment_policy_id: r.policy_id.clone(),
        assignment_id: r.assignment_id.clone(),
        target_object_id: subject.and_then(|s| s.object_id.clone()),
        target_email: subject.and_then(|s| s.email.clone()),
        justification: r.justification.clone(),
        created_date_time: r.created.clone(),
        completed_date_time: r.completed.clone(),
    }
}
