//! `wait_until_final`: follow a request to its final state.

use std::sync::Arc;

use super::polling::{polling_setters, Polling};
use super::watch::{Stops, WatchRequest};
use crate::error::Result;
use crate::models::{AssignmentRequest, AssignmentRequestId};
use crate::request::ApiRequest;
use crate::transport::Transport;

/// Polls a request until it is final and returns it; see
/// [`AssignmentRequests::wait_until_final`](crate::api::AssignmentRequests::wait_until_final).
/// Send it with [`send`](Self::send). To see each state on the way, use
/// [`watch`](crate::api::AssignmentRequests::watch).
///
/// How it ended is read from the request:
/// [`is_delivered`](AssignmentRequest::is_delivered), its
/// [`state`](AssignmentRequest::state) (`deliveryFailed`, `denied`, …) and,
/// for a failed delivery, its [`status`](AssignmentRequest::status) and
/// [`callouts`](AssignmentRequest::callouts).
///
/// ```no_run
/// use std::time::Duration;
/// use entra_access::api::Target;
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let requests = client.assignment_requests();
/// let created = requests.admin_add("pkg-1", "pol-1", Target::user("user-1")).send().await?;
/// let done = requests
///     .wait_until_final(&created.id)
///     .timeout(Duration::from_secs(300))
///     .send()
///     .await?;
/// if !done.is_delivered() {
///     eprintln!("{:?} ({:?})", done.state, done.status);
///     for call in done.callouts().filter(|c| c.is_failed()) {
///         eprintln!("custom extension {:?}: {:?}", call.custom_extension_id, call.detail);
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use = "a wait does nothing until awaited"]
pub struct WaitUntilFinal {
    transport: Arc<Transport>,
    id: AssignmentRequestId,
    polling: Polling,
    stops: Stops,
}

polling_setters!(WaitUntilFinal);

impl WaitUntilFinal {
    pub(crate) fn new(transport: Arc<Transport>, id: AssignmentRequestId) -> Self {
        Self {
            transport,
            id,
            polling: Polling::default(),
            stops: Stops::default(),
        }
    }

    /// Returns the request once it waits in `pendingApproval` instead of
    /// polling on until it is final or the timeout passes (default: keep
    /// polling). Such a request moves only when its approvers decide; the
    /// request returned then
    /// [`is_pending_approval`](AssignmentRequest::is_pending_approval), and
    /// [`AssignmentRequest::approval_stages`] names who it waits for.
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client, policy: entra_access::models::AssignmentPolicy) -> entra_access::Result<()> {
    /// let done = client
    ///     .assignment_requests()
    ///     .wait_until_final("req-1")
    ///     .stop_when_pending_approval(true)
    ///     .send()
    ///     .await?;
    /// if let Some(stages) = done.approval_stages(&policy) {
    ///     eprintln!("waiting for approval ({} stage(s))", stages.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stop_when_pending_approval(mut self, stop: bool) -> Self {
        self.stops.pending_approval = stop;
        self
    }

    /// Returns the request once it is `scheduled` for a start still ahead
    /// (default: keep polling); see
    /// [`WatchRequest::stop_when_scheduled`].
    pub fn stop_when_scheduled(mut self, stop: bool) -> Self {
        self.stops.scheduled = stop;
        self
    }

    fn into_watch(self) -> WatchRequest {
        let mut w = WatchRequest::new(self.transport, self.id);
        w.polling = self.polling;
        w.stops = self.stops;
        w
    }

    /// The GET each poll sends (no IO).
    pub fn request(&self) -> Result<ApiRequest> {
        self.clone().into_watch().request()
    }

    /// Polls until the request is final (or waits where asked to stop) and
    /// returns it. A final state that is a failure (deliveryFailed, denied,
    /// …) is still `Ok`: see [`AssignmentRequest::is_delivered`]. Past the
    /// timeout the error names the last state seen, and says so when the
    /// request waits for approval.
    pub async fn send(self) -> Result<AssignmentRequest> {
        self.into_watch().last().await
    }
}

crate::api::common::request_options!(WaitUntilFinal, transport);
