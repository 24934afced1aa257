//! `watch`: a stream of a request's state changes.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{self, BoxStream, Stream, StreamExt};
use tokio::time::Instant;

use super::polling::{polling_setters, Polling};
use crate::api::common::{checked, EM};
use crate::error::{Error, ErrorKind, Result};
use crate::models::{AssignmentRequest, AssignmentRequestId, RequestState};
use crate::request::ApiRequest;
use crate::transport::{deadline_after, Transport};

/// A stream of one request's states: the first observation, then each
/// change of `state`, ending after a final state (delivered, deliveryFailed,
/// denied, canceled, partiallyDelivered) — or, when asked, after a state
/// that waits for people or the calendar
/// ([`stop_when_pending_approval`](Self::stop_when_pending_approval),
/// [`stop_when_scheduled`](Self::stop_when_scheduled)). Polls
/// `GET assignmentRequests/{id}` with a doubling interval.
///
/// On a failed poll it yields the error and ends; past the
/// [`timeout`](Self::timeout) it yields an `ErrorKind::Timeout` error naming
/// the last state seen (saying so when the request waits for approval) and
/// ends. Configure it before polling it.
///
/// To follow a request to its end without seeing each state, use
/// [`wait_until_final`](crate::api::AssignmentRequests::wait_until_final).
///
/// ```no_run
/// use futures::TryStreamExt;
/// use std::time::Duration;
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let mut changes = client
///     .assignment_requests()
///     .watch("req-1")
///     .poll_interval(Duration::from_secs(5));
/// let mut last = None;
/// while let Some(r) = changes.try_next().await? {
///     eprintln!("{:?}: {:?}", r.state, r.status);
///     last = Some(r);
/// }
/// if let Some(done) = last.filter(|r| !r.is_delivered()) {
///     eprintln!("not delivered: {:?} {:?}", done.state, done.status);
/// }
/// # Ok(()) }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct WatchRequest {
    transport: Arc<Transport>,
    id: AssignmentRequestId,
    pub(crate) polling: Polling,
    pub(crate) stops: Stops,
    inner: Option<BoxStream<'static, Result<AssignmentRequest>>>,
}

/// The open states after which a follow ends early.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Stops {
    /// `scheduled`, for a start still ahead.
    pub(crate) scheduled: bool,
    /// `pendingApproval`.
    pub(crate) pending_approval: bool,
}

impl Stops {
    /// Whether the follow ends at the open request `r`.
    fn at(self, r: &AssignmentRequest) -> bool {
        (self.scheduled && starts_later(r).is_some())
            || (self.pending_approval && r.is_pending_approval())
    }
}

polling_setters!(WatchRequest);

impl std::fmt::Debug for WatchRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchRequest")
            .field("id", &self.id)
            .field("polling", &self.polling)
            .field("stops", &self.stops)
            .field("started", &self.inner.is_some())
            .finish_non_exhaustive()
    }
}

impl WatchRequest {
    pub(crate) fn new(transport: Arc<Transport>, id: AssignmentRequestId) -> Self {
        Self {
            transport,
            id,
            polling: Polling::default(),
            stops: Stops::default(),
            inner: None,
        }
    }

    /// The GET each poll sends (no IO).
    pub fn request(&self) -> Result<ApiRequest> {
        let id = checked(&self.id, "assignment request id")?;
        Ok(ApiRequest::get(format!("{EM}/assignmentRequests/{id}")))
    }

    /// Also end the stream after an observation in state `scheduled` whose
    /// start (`schedule.startDateTime`) is still ahead (default: keep
    /// polling). Graph keeps such a request in `scheduled` until its start,
    /// which may be days away.
    pub fn stop_when_scheduled(mut self, stop: bool) -> Self {
        self.stops.scheduled = stop;
        self
    }

    /// Also end the stream after an observation in state `pendingApproval`
    /// (default: keep polling). Such a request moves only when its approvers
    /// decide, which may take days; the last item then
    /// [`is_pending_approval`](AssignmentRequest::is_pending_approval), and
    /// [`AssignmentRequest::approval_stages`] names who it waits for.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let mut changes = client
    ///     .assignment_requests()
    ///     .watch("req-1")
    ///     .stop_when_pending_approval(true);
    /// let mut last = None;
    /// while let Some(r) = changes.try_next().await? {
    ///     last = Some(r);
    /// }
    /// if last.is_some_and(|r| r.is_pending_approval()) {
    ///     eprintln!("waiting for the approvers");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stop_when_pending_approval(mut self, stop: bool) -> Self {
        self.stops.pending_approval = stop;
        self
    }

    /// Drains the stream: the last state observed (the final one), or the
    /// first failed poll.
    pub(crate) async fn last(mut self) -> Result<AssignmentRequest> {
        let mut last = None;
        while let Some(r) = self.next().await.transpose()? {
            last = Some(r);
        }
        last.ok_or_else(|| {
            Error::new(
                ErrorKind::Decode,
                format!("assignment request {} was never observed", self.id),
            )
        })
    }

    fn start(&self) -> BoxStream<'static, Result<AssignmentRequest>> {
        let setup = self.polling.check().and_then(|()| self.request());
        let req = match setup {
            Ok(req) => req,
            Err(e) => return stream::once(async move { Err(e) }).boxed(),
        };
        let state = Follow {
            transport: Arc::clone(&self.transport),
            id: self.id.clone(),
            req,
            polling: self.polling,
            interval: self.polling.initial,
            started: false,
            deadline: None,
            last: None,
            done: false,
            stops: self.stops,
        };
        stream::unfold(state, |mut st| async move {
            let item = st.next_change().await?;
            Some((item, st))
        })
        .boxed()
    }
}

impl Stream for WatchRequest {
    type Item = Result<AssignmentRequest>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.inner.is_none() {
            let s = self.start();
            self.inner = Some(s);
        }
        match self.inner.as_mut() {
            Some(s) => s.poll_next_unpin(cx),
            None => Poll::Ready(None),
        }
    }
}

/// The polling loop's state.
struct Follow {
    transport: Arc<Transport>,
    id: AssignmentRequestId,
    req: ApiRequest,
    polling: Polling,
    interval: Duration,
    /// Whether the first poll was made.
    started: bool,
    /// When to give up; `None`: never (a timeout too long to add to the
    /// clock, such as `Duration::MAX`).
    deadline: Option<Instant>,
    /// The state of the last observation (outer `None`: nothing seen yet).
    last: Option<Option<RequestState>>,
    done: bool,
    stops: Stops,
}

impl Follow {
    /// Polls until the state changes, the request is final, a poll fails
    /// or time runs out; `None` once the stream is over.
    async fn next_change(&mut self) -> Option<Result<AssignmentRequest>> {
        if self.done {
            return None;
        }
        loop {
            if self.started {
                let remaining = match self.deadline {
                    Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                    None => Duration::MAX,
                };
                if remaining.is_zero() {
                    self.done = true;
                    return Some(Err(self.timed_out()));
                }
                tokio::time::sleep(self.interval.min(remaining)).await;
                self.interval = self.polling.next_interval(self.interval);
            } else {
                self.started = true;
                self.deadline = deadline_after(self.polling.timeout);
            }
            let r = match self
                .transport
                .send_json::<AssignmentRequest>(&self.req, "the assignment request")
                .await
            {
                Ok(r) => r,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            let changed = self.last.as_ref() != Some(&r.state);
            self.last = Some(r.state.clone());
            tracing::debug!(request = %self.id, state = ?r.state, changed, "polled");
            if r.is_final() || self.stops.at(&r) {
                self.done = true;
                return Some(Ok(r));
            }
            if changed {
                return Some(Ok(r));
            }
        }
    }

    fn timed_out(&self) -> Error {
        let last = match &self.last {
            Some(Some(RequestState::PendingApproval)) => {
                "pendingApproval (it waits for approval: its approvers have not decided)".to_owned()
            }
            Some(Some(state)) => state.to_string(),
            Some(None) => "(no state given)".to_owned(),
            None => "(never observed)".to_owned(),
        };
        Error::new(
            ErrorKind::Timeout,
            format!(
                "assignment request {} did not reach a final state within {:?}; last state seen: {last}",
                self.id, self.polling.timeout
            ),
        )
    }
}

/// When a request is `scheduled` for a start still ahead of the clock: that
/// start; otherwise `None`.
fn starts_later(request: &AssignmentRequest) -> Option<crate::models::DateTime> {
    let start = request.schedule.as_ref()?.start_date_time?;
    (request.state == Some(RequestState::Scheduled) && start > chrono::Utc::now()).then_some(start)
}

crate::api::common::request_options!(WatchRequest, transport);
