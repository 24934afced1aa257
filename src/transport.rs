//! The one place that sends requests to Graph.
//!
//! Everything that goes over the network passes through [`Transport::execute`]:
//! it checks the origin before attaching the token, sets `client-request-id`,
//! `User-Agent` and `Retry-Attempt`, waits at the client-wide throttle gate,
//! retries by the [`RetryPolicy`], refreshes the token once after a 401, maps
//! error answers to [`GraphError`], and traces each call without secrets.

mod deadline;
mod retry_after;
mod throttle;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;
use url::{Origin, Url};

pub(crate) use deadline::deadline_after;
pub(crate) use retry_after::parse_retry_after;
use throttle::ThrottleGate;

use crate::auth::{AccessToken, TokenProvider};
use crate::body;
use crate::error::{Attempt, Error, ErrorKind, GraphError, Result};
use crate::request::headers::{self, CLIENT_REQUEST_ID};
use crate::request::{ApiRequest, RequestOptions, ResponseMeta, WithMeta};
use crate::retry::{Decision, RetryPolicy};

/// The default cap on a success body: 64 MiB, far above any Graph page.
pub(crate) const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// The default cap on an error body: 64 KiB, of which an excerpt is kept.
pub(crate) const DEFAULT_MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// An answer with a success status, its body read.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) body: Bytes,
    pub(crate) meta: ResponseMeta,
}

/// The settings of a [`Transport`] besides its HTTP client and token source.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) retry: RetryPolicy,
    /// Timeout of one try; `None`: no timeout.
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) max_body_bytes: usize,
    pub(crate) max_error_body_bytes: usize,
    /// `$top` a stream that drains a whole list asks for unless the caller
    /// set one; `None`: Graph's default.
    pub(crate) page_size: Option<u32>,
}

/// The sender. Handles and builders hold it in an `Arc`. A view with other
/// settings ([`Transport::with_options`]) shares the HTTP client, the token
/// cache, the throttle gate and what was learned about endpoints.
#[derive(Clone)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) api_root: Url,
    pub(crate) origin: Origin,
    pub(crate) tokens: Arc<dyn TokenProvider>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) max_body_bytes: usize,
    pub(crate) max_error_body_bytes: usize,
    pub(crate) page_size: Option<u32>,
    /// The most pages one stream reads ([`RequestOptions::max_pages`]).
    pub(crate) max_pages: u32,
    pub(crate) gate: Arc<ThrottleGate>,
    /// Headers every call of this view sends (from [`RequestOptions`]); a
    /// request's own header of the same name replaces them.
    extra_headers: Vec<(String, String)>,
    /// Why this view's options were refused: every call ends with this
    /// `InvalidInput` error before anything is sent.
    refused: Option<String>,
    /// Endpoints (paths) listed without `$top`: Graph refused it there, or
    /// answered it as a total.
    lists_without_top: Arc<Mutex<HashSet<String>>>,
}

/// Shows the settings and the names of the view's extra headers, never
/// their values (an API-management key travels in one), nor the HTTP
/// client (whose `Debug` prints its default headers).
impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("api_root", &self.api_root.as_str())
            .field("tokens", &self.tokens)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_error_body_bytes", &self.max_error_body_bytes)
            .field("page_size", &self.page_size)
            .field("extra_headers", &headers::HeaderNames(&self.extra_headers))
            .field("refused", &self.refused)
            .finish_non_exhaustive()
    }
}

/// What one try came to.
enum Tried {
    /// A success, its body read within the cap.
    Done(Response),
    /// Graph answered 401 to the token that was sent: refresh it and go again.
    Unauthorized(AccessToken),
    /// A failure, classified for the retry policy.
    Failed(Attempt, Error),
    /// A failure that ends the call whatever the policy says.
    Fatal(Error),
}

impl Transport {
    pub(crate) fn new(
        http: reqwest::Client,
        api_root: Url,
        tokens: Arc<dyn TokenProvider>,
        settings: Settings,
    ) -> Self {
        Self {
            origin: api_root.origin(),
            http,
            api_root,
            tokens,
            retry: settings.retry,
            timeout: settings.timeout,
            user_agent: settings.user_agent,
            max_body_bytes: settings.max_body_bytes,
            max_error_body_bytes: settings.max_error_body_bytes,
            page_size: settings.page_size,
            max_pages: crate::request::DEFAULT_MAX_PAGES,
            gate: Arc::new(ThrottleGate::default()),
            extra_headers: Vec::new(),
            refused: None,
            lists_without_top: Arc::new(Mutex::new(HashSet::new())),
        }
    }

    /// A view with `options` over this transport's settings. It shares the
    /// HTTP client, the token cache, the throttle gate and what was learned
    /// about endpoints. Options out of range make every call of the view
    /// fail with `InvalidInput` before sending.
    pub(crate) fn with_options(self: &Arc<Self>, options: &RequestOptions) -> Arc<Self> {
        let mut view = (**self).clone();
        if let Err(e) = options.check() {
            view.refused = Some(e.to_string());
            return Arc::new(view);
        }
        if let Some(t) = options.timeout {
            // A timeout too long to add to the clock means none.
            view.timeout = std::time::Instant::now().checked_add(t).map(|_| t);
        }
        if let Some(retry) = &options.retry {
            view.retry = retry.clone();
        }
        if let Some(n) = options.page_size {
            view.page_size = Some(n);
        }
        if let Some(n) = options.max_pages {
            view.max_pages = n;
        }
        let added = options.all_headers();
        view.extra_headers
            .retain(|(name, _)| !added.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)));
        view.extra_headers.extend(added);
        Arc::new(view)
    }

    /// The `InvalidInput` error of a view whose options were refused.
    pub(crate) fn check_options(&self) -> Result<()> {
        match &self.refused {
            Some(why) => Err(Error::new(ErrorKind::InvalidInput, why.clone())),
            None => Ok(()),
        }
    }

    /// Whether the list at `path` is asked without `$top`: Graph refused
    /// it there before, or answered it as a total.
    pub(crate) fn lists_without_top(&self, path: &str) -> bool {
        match self.lists_without_top.lock() {
            Ok(set) => set.contains(path),
            Err(poisoned) => poisoned.into_inner().contains(path),
        }
    }

    /// Remembers that Graph refused `$top` on the list at `path`.
    pub(crate) fn remember_top_refused(&self, path: &str) {
        tracing::info!(
            path,
            "Graph refused $top on this list; asking without it from now on"
        );
        self.remember_without_top(path);
    }

    /// Remembers that the list at `path` answered a first page of exactly
    /// `top` items and no next link: `$top` may be read there as a total,
    /// so it is not sent there again.
    pub(crate) fn remember_top_is_total(&self, path: &str, top: usize) {
        tracing::info!(
            path,
            top,
            "the first page held exactly $top items and no next link; \
             listing again without $top, and asking without it from now on"
        );
        self.remember_without_top(path);
    }

    /// Remembers that `$top` is not to be sent to the list at `path`.
    fn remember_without_top(&self, path: &str) {
        let mut set = match self.lists_without_top.lock() {
            Ok(set) => set,
            Err(poisoned) => poisoned.into_inner(),
        };
        set.insert(path.to_owned());
    }

    /// The absolute URL an [`ApiRequest`] goes to. A path with an empty,
    /// `.` or `..` segment is refused: it would resolve to another resource.
    pub(crate) fn url_for(&self, req: &ApiRequest) -> Result<Url> {
        check_path_segments(req.path())?;
        let full = format!("{}{}", self.api_root, req.path_and_query());
        Url::parse(&full).map_err(|e| Error::invalid_input("request path", e))
    }

    /// Whether `url` is on the configured Graph origin.
    pub(crate) fn is_graph_origin(&self, url: &Url) -> bool {
        url.origin() == self.origin
    }

    /// How many 429 answers Graph sent this client (for adaptive concurrency).
    /// Answers from other origins are not counted.
    pub(crate) fn throttled_count(&self) -> u64 {
        self.gate.throttled_count()
    }

    /// Sends an [`ApiRequest`].
    pub(crate) async fn send(&self, req: &ApiRequest) -> Result<Response> {
        let url = self.url_for(req)?;
        self.execute(req.method().clone(), url, req.body_json(), req.headers())
            .await
    }

    /// Sends an [`ApiRequest`] and decodes the JSON answer. An undecodable
    /// success answer to a POST or PATCH is a `Decode` error that
    /// [may have been processed](Error::may_have_been_processed).
    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        req: &ApiRequest,
        what: &str,
    ) -> Result<T> {
        let resp = self.send(req).await?;
        decode(what, &resp.body).map_err(|e| {
            // Graph answered a write with success: it was processed, even
            // though its answer cannot be read (e.g. a body cut short).
            if matches!(*req.method(), Method::POST | Method::PATCH) {
                e.maybe_processed()
            } else {
                e
            }
        })
    }

    /// Like [`send_json`](Self::send_json), with the answer's metadata.
    pub(crate) async fn send_json_with_meta<T: DeserializeOwned>(
        &self,
        req: &ApiRequest,
        what: &str,
    ) -> Result<WithMeta<T>> {
        let resp = self.send(req).await?;
        let value = decode(what, &resp.body).map_err(|e| {
            if matches!(*req.method(), Method::POST | Method::PATCH) {
                e.maybe_processed()
            } else {
                e
            }
        })?;
        Ok(WithMeta::new(value, resp.meta))
    }

    /// Sends a request to an absolute URL. The token is attached only when
    /// `url` is on the Graph origin.
    pub(crate) async fn execute(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        headers: &[(String, String)],
    ) -> Result<Response> {
        let span = tracing::debug_span!(
            "graph_request",
            method = %method,
            path = %url.path(),
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            client_request_id = tracing::field::Empty,
        );
        self.execute_inner(method, url, body, headers)
            .instrument(span)
            .await
    }

    async fn execute_inner(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        headers: &[(String, String)],
    ) -> Result<Response> {
        self.check_options()?;
        let body = match body {
            Some(v) => Some(Bytes::from(
                serde_json::to_vec(v).map_err(|e| Error::invalid_input("request body", e))?,
            )),
            None => None,
        };
        let on_graph = self.is_graph_origin(&url);
        let merged;
        let headers = if self.extra_headers.is_empty() {
            headers
        } else {
            // The request's own headers win over the view's of that name.
            merged = self
                .extra_headers
                .iter()
                .filter(|(name, _)| !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)))
                .chain(headers)
                .cloned()
                .collect::<Vec<_>>();
            &merged[..]
        };
        let mut header_map = headers::request_headers(headers, &self.user_agent)?;
        if on_graph {
            headers::prefer_unknown_enum_members(&mut header_map, url.path())?;
        }
        if let Some(id) = header_map
            .get(headers::CLIENT_REQUEST_ID)
            .and_then(|v| v.to_str().ok())
        {
            tracing::Span::current().record("client_request_id", id);
        }
        let idempotent = !matches!(method, Method::POST | Method::PATCH);
        let started = Instant::now();
        let mut retries_done: u32 = 0;
        let mut refreshed_after_401 = false;
        loop {
            if on_graph {
                self.gate.wait().await;
            }
            let mut rb = self
                .http
                .request(method.clone(), url.clone())
                .headers(header_map.clone());
            if let Some(timeout) = self.timeout {
                rb = rb.timeout(timeout);
            }
            if retries_done > 0 {
                rb = rb.header("Retry-Attempt", retries_done.to_string());
            }
            let mut sent_token = None;
            if on_graph {
                let token = self.tokens.token().await.map_err(Error::auth)?;
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.secret.expose()))
                    .map_err(|_| {
                        Error::new(
                            ErrorKind::Auth,
                            "the access token is not a valid header value",
                        )
                    })?;
                value.set_sensitive(true);
                rb = rb.header(AUTHORIZATION, value);
                sent_token = Some(token);
            }
            if let Some(b) = &body {
                rb = rb.header(CONTENT_TYPE, "application/json").body(b.clone());
            }
            let attempt_span = tracing::debug_span!(
                "attempt",
                n = retries_done + 1,
                status = tracing::field::Empty
            );
            let sent = rb.send().instrument(attempt_span.clone()).await;
            if let Ok(resp) = &sent {
                attempt_span.record("status", resp.status().as_u16());
            }
            tracing::debug!(parent: &attempt_span, "answered");
            let tried = match sent {
                Ok(resp) => {
                    self.read_answer(
                        resp,
                        sent_token,
                        idempotent,
                        !refreshed_after_401,
                        header_map
                            .get(headers::CLIENT_REQUEST_ID)
                            .and_then(|v| v.to_str().ok()),
                    )
                    .await
                }
                Err(e) => {
                    let (attempt, error) = classify_send_error(e);
                    Tried::Failed(attempt, error)
                }
            };
            let (attempt, failure) = match tried {
                Tried::Done(resp) => return Ok(resp),
                Tried::Fatal(e) => return Err(e),
                Tried::Unauthorized(token) => {
                    tracing::debug!("401: refreshing the token that was sent and trying once more");
                    refreshed_after_401 = true;
                    self.tokens.invalidate_if(&token).await;
                    continue;
                }
                Tried::Failed(attempt, error) => (attempt, error),
            };
            let throttled_by_graph =
                on_graph && matches!(attempt, Attempt::Status { status: 429, .. });
            if throttled_by_graph {
                self.gate.record_throttled();
            }
            match self
                .retry
                .decide(idempotent, attempt, retries_done, started.elapsed())
            {
                Decision::RetryAfter(delay) => {
                    if throttled_by_graph {
                        let hint = match attempt {
                            Attempt::Status {
                                retry_after: Some(hint),
                                ..
                            } => hint,
                            _ => delay,
                        };
                        tracing::info!(
                            pause_ms = u64::try_from(hint.as_millis()).unwrap_or(u64::MAX),
                            "Graph throttled this client: its Graph calls wait"
                        );
                        self.gate.pause_for(hint);
                    }
                    tracing::warn!(
                        attempt = retries_done + 1,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        error = %failure,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    retries_done += 1;
                }
                Decision::GiveUp { maybe_processed } => {
                    tracing::debug!(error = %failure, "giving up");
                    return Err(if maybe_processed {
                        failure.maybe_processed()
                    } else {
                        failure
                    });
                }
                Decision::WaitTooLong { maybe_processed } => {
                    tracing::warn!(error = %failure, "Retry-After beyond RetryPolicy::max_retry_after: giving up");
                    let failure = failure.throttled();
                    return Err(if maybe_processed {
                        failure.maybe_processed()
                    } else {
                        failure
                    });
                }
            }
        }
    }

    /// Reads an answer's body within its cap and classifies it.
    async fn read_answer(
        &self,
        resp: reqwest::Response,
        sent_token: Option<AccessToken>,
        idempotent: bool,
        may_refresh: bool,
        sent_client_request_id: Option<&str>,
    ) -> Tried {
        let status = resp.status();
        let headers = resp.headers().clone();
        tracing::Span::current().record("status", status.as_u16());
        if let Some(id) = headers.get("request-id").and_then(|v| v.to_str().ok()) {
            tracing::Span::current().record("request_id", id);
        }
        let cap = if status.is_success() {
            self.max_body_bytes
        } else {
            self.max_error_body_bytes
        };
        let body = match body::read_capped(resp, cap).await {
            Ok(body) => body,
            Err(e) => {
                return Tried::Failed(
                    Attempt::Broken,
                    Error::new(ErrorKind::Transport, "the answer's body could not be read")
                        .with_source(e.without_url()),
                )
            }
        };
        let body = match body {
            body::Body::Whole(b) => b,
            body::Body::Cut(_) if status.is_success() => {
                let e = Error::new(
                    ErrorKind::BodyTooLarge,
                    format!(
                        "the answer's body is larger than {cap} bytes; reading stopped there \
                         (raise ClientBuilder::max_body_bytes to allow more)"
                    ),
                );
                // A write answered with success was processed.
                return Tried::Fatal(if idempotent { e } else { e.maybe_processed() });
            }
            // An error body: its start is enough for the excerpt.
            body::Body::Cut(head) => head,
        };
        if status.is_success() {
            let meta = response_meta(status.as_u16(), &headers, sent_client_request_id);
            return Tried::Done(Response { body, meta });
        }
        if status == StatusCode::UNAUTHORIZED
            && may_refresh
            && let Some(token) = sent_token
        {
            return Tried::Unauthorized(token);
        }
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let mut err = GraphError::from_parts(
            status.as_u16(),
            &body,
            |name| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            },
            retry_after,
        );
        if let Some(t) = &sent_token {
            err.redact(t.secret.expose());
        }
        Tried::Failed(
            Attempt::Status {
                status: status.as_u16(),
                retry_after,
            },
            Error::graph(err),
        )
    }
}

/// The metadata of a success answer: Graph's ids and date from its headers;
/// the `client-request-id` sent when Graph did not echo it.
fn response_meta(
    status: u16,
    headers: &http::HeaderMap,
    sent_client_request_id: Option<&str>,
) -> ResponseMeta {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    ResponseMeta::new(
        status,
        text("request-id"),
        text(CLIENT_REQUEST_ID).or_else(|| sent_client_request_id.map(str::to_owned)),
        text("date")
            .and_then(|d| httpdate::parse_http_date(&d).ok())
            .map(chrono::DateTime::<chrono::Utc>::from),
    )
}

fn classify_send_error(e: reqwest::Error) -> (Attempt, Error) {
    let e = e.without_url();
    // Connect errors first: reqwest marks a connect timeout both `is_connect`
    // and `is_timeout`, and a request that never connected was never sent.
    if e.is_connect() {
        (
            Attempt::NotSent,
            Error::new(ErrorKind::Transport, "could not connect").with_source(e),
        )
    } else if e.is_timeout() {
        (
            Attempt::TimedOut,
            Error::new(ErrorKind::Timeout, "the request timed out").with_source(e),
        )
    } else {
        (
            Attempt::Broken,
            Error::new(ErrorKind::Transport, "the connection failed").with_source(e),
        )
    }
}

/// Refuses a path with an empty, `.` or `..` segment (also percent-encoded):
/// URL parsing would resolve it to another resource.
pub(crate) fn check_path_segments(path: &str) -> Result<()> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    for segment in path.trim_start_matches('/').split('/') {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        if decoded.is_empty() || decoded == "." || decoded == ".." {
            return Err(Error::invalid_input(
                "request path",
                format!(
                    "{path:?} has an empty, `.` or `..` segment, which would resolve to another resource"
                ),
            ));
        }
    }
    Ok(())
}

/// Decodes JSON straight from bytes, naming the JSON path on failure.
pub(crate) fn decode<T: DeserializeOwned>(what: &str, body: &[u8]) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| Error::decode(what, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_and_empty_segments_are_refused() {
        for bad in ["..", "a/../b", "a/./b", "a//b", "a/%2E%2e", "a/", "a/.?x=1"] {
            assert!(check_path_segments(bad).is_err(), "{bad:?}");
        }
        for good in ["a", "a/b", "a/...", "a/b?x=..", "a/b.c", "x('..')"] {
            assert!(check_path_segments(good).is_ok(), "{good:?}");
        }
    }
}
