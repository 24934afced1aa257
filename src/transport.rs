//! The one place that sends requests to Graph.
//!
//! Everything that goes over the network passes through [`Transport::execute`]:
//! it checks the origin before attaching the token, sets `client-request-id`,
//! `User-Agent` and `Retry-Attempt`, waits at the client-wide throttle gate,
//! retries by the [`RetryPolicy`], refreshes the token once after a 401, maps
//! error answers to [`GraphError`], and traces each call without secrets.

mod retry;
mod retry_after;
mod throttle;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;
use url::{Origin, Url};

pub use retry::RetryPolicy;
pub(crate) use retry::{Attempt, Decision};
pub(crate) use retry_after::parse_retry_after;
use throttle::ThrottleGate;

use crate::auth::TokenProvider;
use crate::error::{Error, ErrorKind, GraphError, Result};
use crate::request::ApiRequest;

/// An answer with a success status, its body read.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) body: Bytes,
}

/// The shared sender. Handles and builders hold it in an `Arc`.
#[derive(Debug)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) api_root: Url,
    pub(crate) origin: Origin,
    pub(crate) tokens: Arc<dyn TokenProvider>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: HeaderValue,
    pub(crate) gate: ThrottleGate,
}

impl Transport {
    pub(crate) fn new(
        http: reqwest::Client,
        api_root: Url,
        tokens: Arc<dyn TokenProvider>,
        retry: RetryPolicy,
        timeout: Duration,
        user_agent: HeaderValue,
    ) -> Self {
        Self {
            origin: api_root.origin(),
            http,
            api_root,
            tokens,
            retry,
            timeout,
            user_agent,
            gate: ThrottleGate::default(),
        }
    }

    /// The absolute URL an [`ApiRequest`] goes to.
    pub(crate) fn url_for(&self, req: &ApiRequest) -> Result<Url> {
        let full = format!("{}{}", self.api_root, req.path_and_query());
        Url::parse(&full).map_err(|e| Error::invalid_input("request path", e))
    }

    /// Whether `url` is on the configured Graph origin.
    pub(crate) fn is_graph_origin(&self, url: &Url) -> bool {
        url.origin() == self.origin
    }

    /// How many 429 answers this client has seen (for adaptive concurrency).
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
        let body = match body {
            Some(v) => Some(Bytes::from(
                serde_json::to_vec(v).map_err(|e| Error::invalid_input("request body", e))?,
            )),
            None => None,
        };
        let extra = build_headers(headers)?;
        let idempotent = !matches!(method, Method::POST | Method::PATCH);
        let send_token = self.is_graph_origin(&url);
        let client_request_id = extra
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let started = Instant::now();
        let mut retries_done: u32 = 0;
        let mut refreshed_after_401 = false;
        loop {
            self.gate.wait().await;
            let mut rb = self
                .http
                .request(method.clone(), url.clone())
                .timeout(self.timeout)
                .headers(extra.clone())
                .header(USER_AGENT, self.user_agent.clone())
                .header("client-request-id", client_request_id.as_str())
                .header(http::header::ACCEPT, "application/json");
            if retries_done > 0 {
                rb = rb.header("Retry-Attempt", retries_done.to_string());
            }
            let mut sent_token = None;
            if send_token {
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
                sent_token = Some(token.secret);
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
            let (attempt, failure) = match sent {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    tracing::Span::current().record("status", status.as_u16());
                    if let Some(id) = headers.get("request-id").and_then(|v| v.to_str().ok()) {
                        tracing::Span::current().record("request_id", id);
                    }
                    match resp.bytes().await {
                        Ok(body) if status.is_success() => return Ok(Response { body }),
                        Ok(body) => {
                            if status == StatusCode::UNAUTHORIZED
                                && send_token
                                && !refreshed_after_401
                            {
                                tracing::debug!("401: refreshing the token and trying once more");
                                refreshed_after_401 = true;
                                self.tokens.invalidate().await;
                                continue;
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
                                err.redact(t.expose());
                            }
                            (
                                Attempt::Status {
                                    status: status.as_u16(),
                                    retry_after,
                                },
                                Error::graph(err),
                            )
                        }
                        Err(e) => (
                            Attempt::Broken,
                            Error::new(ErrorKind::Transport, "the answer's body could not be read")
                                .with_source(e.without_url()),
                        ),
                    }
                }
                Err(e) => classify_send_error(e),
            };
            if let Attempt::Status { status: 429, .. } = attempt {
                self.gate.record_throttled();
            }
            match self
                .retry
                .decide(idempotent, attempt, retries_done, started.elapsed())
            {
                Decision::RetryAfter(delay) => {
                    if let Attempt::Status { status: 429, .. } = attempt {
                        self.gate.pause_for(delay);
                    }
                    tracing::warn!(
                        attempt = retries_done + 1,
                        delay_ms = delay.as_millis() as u64,
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
            }
        }
    }
}

fn classify_send_error(e: reqwest::Error) -> (Attempt, Error) {
    let e = e.without_url();
    if e.is_timeout() {
        (
            Attempt::TimedOut,
            Error::new(ErrorKind::Timeout, "the request timed out").with_source(e),
        )
    } else if e.is_connect() {
        (
            Attempt::NotSent,
            Error::new(ErrorKind::Transport, "could not connect to Graph").with_source(e),
        )
    } else {
        (
            Attempt::Broken,
            Error::new(ErrorKind::Transport, "the connection failed").with_source(e),
        )
    }
}

fn build_headers(headers: &[(String, String)]) -> Result<HeaderMap> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let name = http::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| Error::invalid_input("header name", e))?;
        if name == AUTHORIZATION {
            return Err(Error::invalid_input(
                "header Authorization",
                "is set by the client from its token provider",
            ));
        }
        let value =
            HeaderValue::from_str(value).map_err(|e| Error::invalid_input("header value", e))?;
        map.append(name, value);
    }
    Ok(map)
}

/// Decodes JSON straight from bytes, naming the JSON path on failure.
pub(crate) fn decode<T: DeserializeOwned>(what: &str, body: &[u8]) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| Error::decode(what, e))
}
