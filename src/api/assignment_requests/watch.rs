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
/// denied, canceled, partiallyDelivered). Polls
/// `GET assignmentRequests/{id}` with a doubling interval.
///
/// On a failed poll it yields the error and ends; past the
/// [`timeout`](Self::timeout) it yields an `ErrorKind::Timeout` error naming
/// the last state seen and ends. Configure it before polling it.
///
/// ```no_run
/// use futures::TryStreamExt;
/// use std::time::Duration;
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let mut changes = client
///     .assignment_requests()
///     .watch("req-1")
///     .poll_interval(Duration::from_secs(5));
/// while let Some(r) = changes.try_next().await? {
///     eprintln!("{:?}: {:?}", r.state, r.status);
/// }
/// # Ok(()) }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct WatchRequest {
    transport: Arc<Transport>,
    id: AssignmentRequestId,
    pub(crate) polling: Polling,
    inner: Option<BoxStream<'static, Result<AssignmentRequest>>>,
}

polling_setters!(WatchRequest);

impl std::fmt::Debug for WatchRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchRequest")
            .field("id", &self.id)
            .field("polling", &self.polling)
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
            inner: None,
        }
    }

    /// The GET each poll sends (no IO).
    pub fn request(&self) -> Result<ApiRequest> {
        let id = checked(&self.id, "assignment request id")?;
        Ok(ApiRequest::get(format!("{EM}/assignmentRequests/{id}")))
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
            if r.is_final() {
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

crate::api::common::request_options!(WatchRequest, transport);
