//! Reporting a submitted request: what `send_idempotent` found, the state
//! word of each observation, and how the followed request ended, in the
//! lines a command-line tool prints.

use std::fmt;

use super::outcome::FinalOutcome;
use super::watch::{starts_later, WatchRequest};
use crate::error::Result;
use crate::models::{format_datetime, AssignmentRequest, DateTime, RequestState};

/// A request's state as Graph spells it (`submitted`, `pendingApproval`,
/// `delivered`…), or `unknown` when Graph sent none: the word to print for
/// each state change a [`WatchRequest::follow`] reports.
///
/// ```
/// use entra_access::api::state_name;
/// use entra_access::models::AssignmentRequest;
///
/// let r: AssignmentRequest = serde_json::from_value(serde_json::json!({
///     "id": "r1", "state": "pendingApproval"
/// }))?;
/// assert_eq!(state_name(&r), "pendingApproval");
/// let r: AssignmentRequest = serde_json::from_value(serde_json::json!({"id": "r2"}))?;
/// assert_eq!(state_name(&r), "unknown");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn state_name(request: &AssignmentRequest) -> &str {
    request
        .state
        .as_ref()
        .map_or("unknown", RequestState::as_str)
}

/// How a followed request ended, ready to report: the request as last
/// seen, its [`FinalOutcome`], and the start Graph holds it `scheduled`
/// for. From [`WatchRequest::follow_and_summarize`] or
/// [`RequestSummary::of`].
///
/// `Display` is one line naming the request:
///
/// - delivered: `request {id}: delivered`;
/// - delivery failed or partial: `request {id}: {problem}` (the
///   [`DeliveryProblem`](super::DeliveryProblem): status and failed
///   custom-extension calls);
/// - scheduled for a start still ahead: `request {id}: access starts at
///   {RFC 3339}`;
/// - denied or canceled: `request {id} ended {state}`;
/// - still open: `request {id} is {state}, not final yet`.
///
/// ```
/// use entra_access::api::RequestSummary;
/// use entra_access::models::AssignmentRequest;
///
/// let failed: AssignmentRequest = serde_json::from_value(serde_json::json!({
///     "id": "r1", "state": "deliveryFailed", "status": "DeliveryFailed"
/// }))?;
/// let summary = RequestSummary::of(failed);
/// assert_eq!(summary.state(), "deliveryFailed");
/// assert!(!summary.is_success());
/// assert_eq!(
///     summary.to_string(),
///     "request r1: delivery failed (status: DeliveryFailed)"
/// );
///
/// let later: AssignmentRequest = serde_json::from_value(serde_json::json!({
///     "id": "r2", "state": "scheduled",
///     "schedule": { "startDateTime": "2999-01-01T00:00:00Z" }
/// }))?;
/// let summary = RequestSummary::of(later);
/// assert!(summary.is_success() && summary.starts_at.is_some());
/// assert_eq!(summary.to_string(), "request r2: access starts at 2999-01-01T00:00:00Z");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RequestSummary {
    /// The request as last observed.
    pub request: AssignmentRequest,
    /// How it ended ([`FinalOutcome::of`] the request).
    pub outcome: FinalOutcome,
    /// When Graph holds the request `scheduled` for a start still ahead:
    /// that start ([`starts_later`]).
    pub starts_at: Option<DateTime>,
}

impl RequestSummary {
    /// Summarizes a request as observed now.
    pub fn of(request: AssignmentRequest) -> Self {
        Self {
            outcome: FinalOutcome::of(&request),
            starts_at: starts_later(&request),
            request,
        }
    }

    /// The request's state word ([`state_name`]).
    pub fn state(&self) -> &str {
        state_name(&self.request)
    }

    /// Whether nothing went wrong: the request was delivered, or is
    /// scheduled for a start still ahead (Graph delivers it then). A
    /// command-line tool exits non-zero otherwise, printing the summary.
    pub fn is_success(&self) -> bool {
        self.outcome.is_delivered() || self.starts_at.is_some()
    }
}

impl fmt::Display for RequestSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = &self.request.id;
        if let Some(start) = &self.starts_at {
            return write!(
                f,
                "request {id}: access starts at {}",
                format_datetime(start)
            );
        }
        match &self.outcome {
            FinalOutcome::Delivered => write!(f, "request {id}: delivered"),
            FinalOutcome::DeliveryFailed(p) | FinalOutcome::PartiallyDelivered(p) => {
                write!(f, "request {id}: {p}")
            }
            FinalOutcome::NotFinal(_) => {
                write!(f, "request {id} is {}, not final yet", self.state())
            }
            _ => write!(f, "request {id} ended {}", self.state()),
        }
    }
}

impl WatchRequest {
    /// [`follow`](Self::follow)s the request (calling `on_change` with each
    /// observed state) and summarizes how it ended. A request that ended
    /// other than delivered is still `Ok`; check
    /// [`RequestSummary::is_success`]. `Err` is a failed poll or the
    /// timeout.
    ///
    /// ```
    /// use entra_access::api::{state_name, Target};
    /// use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};
    ///
    /// # tokio_test(async {
    /// let fake = FakeGraph::start().await;
    /// let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
    /// let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    /// let ada = fake.add_user(UserSeed::new("Ada"));
    /// let client = fake.client()?;
    ///
    /// let request = client
    ///     .assignment_requests()
    ///     .admin_add(&pkg, &policy, Target::user(&ada))
    ///     .send()
    ///     .await?;
    /// let mut seen = Vec::new();
    /// let summary = client
    ///     .assignment_requests()
    ///     .watch(&request.id)
    ///     .poll_interval(std::time::Duration::from_millis(10))
    ///     .stop_when_scheduled(true)
    ///     .follow_and_summarize(|r| seen.push(state_name(r).to_owned()))
    ///     .await?;
    /// assert!(summary.is_success(), "{summary}");
    /// assert_eq!(summary.state(), "delivered");
    /// assert_eq!(seen.last().map(String::as_str), Some("delivered"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # });
    /// # fn tokio_test<F: std::future::Future<Output = Result<(), Box<dyn std::error::Error>>>>(f: F) {
    /// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f).unwrap()
    /// # }
    /// ```
    pub async fn follow_and_summarize(
        self,
        on_change: impl FnMut(&AssignmentRequest) + Send,
    ) -> Result<RequestSummary> {
        self.follow(on_change).await.map(RequestSummary::of)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn request(json: serde_json::Value) -> AssignmentRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn each_ending_reads_as_one_line() {
        for (json, line, success) in [
            (
                serde_json::json!({"id": "r1", "state": "delivered"}),
                "request r1: delivered",
                true,
            ),
            (
                serde_json::json!({"id": "r2", "state": "denied"}),
                "request r2 ended denied",
                false,
            ),
            (
                serde_json::json!({"id": "r3", "state": "partiallyDelivered"}),
                "request r3: partially delivered",
                false,
            ),
            (
                serde_json::json!({"id": "r4", "state": "pendingApproval"}),
                "request r4 is pendingApproval, not final yet",
                false,
            ),
            (
                serde_json::json!({"id": "r5"}),
                "request r5 is unknown, not final yet",
                false,
            ),
            (
                // A start already past is not "later": Graph should have
                // moved it on, so it is reported as not final.
                serde_json::json!({"id": "r6", "state": "scheduled",
                    "schedule": {"startDateTime": "2000-01-01T00:00:00Z"}}),
                "request r6 is scheduled, not final yet",
                false,
            ),
        ] {
            let summary = RequestSummary::of(request(json));
            assert_eq!(summary.to_string(), line);
            assert_eq!(summary.is_success(), success, "{line}");
        }
    }
}
