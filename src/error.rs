#![doc = include_str!("../docs/errors.md")]

mod code;
mod graph_error;
// Predicates for Graph's refusals of assignment requests
// (`is_already_assigned`, `is_request_already_open`, …).
mod refusal;
mod retryable;

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

pub use code::GraphErrorCode;
pub use graph_error::GraphError;
pub(crate) use retryable::{is_retryable, Attempt};

use crate::auth::AuthError;

/// Where a call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The caller's input was refused before anything was sent.
    InvalidInput,
    /// No (complete) answer came back: connection refused, reset, TLS…
    Transport,
    /// The request or the operation took longer than allowed.
    Timeout,
    /// The answer could not be decoded into the expected type.
    Decode,
    /// Graph answered with an error status.
    Graph,
    /// The token provider failed.
    Auth,
    /// Paging cannot go on safely: a next link repeated itself or pointed off
    /// the Graph origin.
    Paging,
    /// A lookup that must find at most one thing found several.
    Ambiguous,
    /// Someone else changed the object between this call's read and its
    /// write (see `api::VersionConflict` for lifecycle workflows).
    Conflict,
    /// An answer's body was larger than the client's cap for it (see
    /// [`ClientBuilder::max_body_bytes`](crate::ClientBuilder::max_body_bytes)
    /// and [`max_error_body_bytes`](crate::ClientBuilder::max_error_body_bytes));
    /// reading stopped at the cap.
    BodyTooLarge,
}

/// The crate's error: a kind, a message, an optional Graph error and a
/// source chain. One pointer wide.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    graph: Option<GraphError>,
    source: Option<Box<dyn StdError + Send + Sync>>,
    may_have_been_processed: bool,
    throttled: bool,
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with a message (lowercase, no trailing period).
    /// For your own test doubles and wrappers; the client builds its errors
    /// the same way.
    ///
    /// ```
    /// use entra_access::error::{Error, ErrorKind, GraphError, GraphErrorCode};
    ///
    /// let timeout = Error::new(ErrorKind::Timeout, "the request timed out");
    /// assert!(timeout.is_timeout() && timeout.is_retryable());
    ///
    /// let denied = Error::from_graph(GraphError::new(
    ///     403,
    ///     GraphErrorCode::Other("Authorization_RequestDenied".into()),
    ///     "Insufficient privileges to complete the operation.",
    /// ));
    /// assert!(denied.is_forbidden() && !denied.is_retryable());
    ///
    /// let unsure = Error::new(ErrorKind::Timeout, "the request timed out")
    ///     .mark_may_have_been_processed();
    /// assert!(!unsure.is_retryable());
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                graph: None,
                source: None,
                may_have_been_processed: false,
                throttled: false,
            }),
        }
    }

    /// Sets the underlying cause, returned by `source()`.
    pub fn with_source(mut self, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    pub(crate) fn maybe_processed(mut self) -> Self {
        self.inner.may_have_been_processed = true;
        self
    }

    /// Marks the error as a write that may have been processed (see
    /// [`may_have_been_processed`](Self::may_have_been_processed)); such an
    /// error is never [retryable](Self::is_retryable). For test doubles.
    pub fn mark_may_have_been_processed(self) -> Self {
        self.maybe_processed()
    }

    /// An error answer from Graph ([`ErrorKind::Graph`]). For test doubles.
    pub fn from_graph(err: GraphError) -> Self {
        Self::graph(err)
    }

    /// Marks the error as throttling: Graph asked to wait longer than the
    /// client was allowed to.
    pub(crate) fn throttled(mut self) -> Self {
        self.inner.throttled = true;
        self
    }

    /// Input refused before sending; `what` names the argument or variable.
    pub(crate) fn invalid_input(what: &str, problem: impl fmt::Display) -> Self {
        Self::new(ErrorKind::InvalidInput, format!("{what} {problem}"))
    }

    pub(crate) fn graph(err: GraphError) -> Self {
        let mut e = Self::new(ErrorKind::Graph, String::new());
        e.inner.graph = Some(err);
        e
    }

    pub(crate) fn auth(err: AuthError) -> Self {
        let message = match err {
            AuthError::SignInRequired { .. } => "the signed-in session has ended; sign in again",
            _ => "could not get an access token",
        };
        Self::new(ErrorKind::Auth, message).with_source(err)
    }

    pub(crate) fn decode(what: &str, err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = err.path().to_string();
        Self::new(
            ErrorKind::Decode,
            format!("could not decode {what} at `{path}`"),
        )
        .with_source(err.into_inner())
    }

    /// Where the call failed.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The Graph error envelope, when Graph answered with an error status.
    pub fn graph_error(&self) -> Option<&GraphError> {
        self.inner.graph.as_ref()
    }

    /// The HTTP status Graph answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        self.inner.graph.as_ref().map(|g| g.status)
    }

    /// Graph's `request-id` for the failed call, if it answered.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.graph.as_ref().and_then(GraphError::request_id)
    }

    /// Graph's error code, if it answered with an envelope.
    pub fn code(&self) -> Option<&GraphErrorCode> {
        self.inner.graph.as_ref().map(|g| &g.code)
    }

    /// Graph throttled the call (HTTP 429) and retries ran out, or Graph
    /// asked (with `Retry-After`) to wait longer than
    /// [`RetryPolicy::max_retry_after`](crate::RetryPolicy::max_retry_after)
    /// allows; then [`retry_after`](Self::retry_after) says how long.
    pub fn is_throttled(&self) -> bool {
        self.inner.throttled || self.status() == Some(429)
    }

    /// An answer's body was larger than the client's cap for it.
    pub fn is_body_too_large(&self) -> bool {
        self.kind() == ErrorKind::BodyTooLarge
    }

    /// The thing asked for does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Graph refused the call (HTTP 403): the caller lacks a permission or
    /// role, or the operation needs a **signed-in user** and the token is
    /// app-only. Approvals, `cancel`, `filterByCurrentUser`,
    /// `additionalAccess` and self-service requests (`userAdd`) are
    /// delegated-only (see the auth guide). Not retried.
    ///
    /// ```
    /// # async fn demo(client: entra_access::Client) {
    /// match client.approvals().list_mine().send().await {
    ///     Err(e) if e.is_forbidden() => eprintln!("{e}"), // "... a signed-in user is needed ..."
    ///     _ => {}
    /// }
    /// # }
    /// ```
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    /// The token provider failed, or Graph refused the token (401).
    pub fn is_auth(&self) -> bool {
        self.kind() == ErrorKind::Auth || self.status() == Some(401)
    }

    /// The call or the operation timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    /// The caller's input was refused before anything was sent.
    pub fn is_invalid_input(&self) -> bool {
        self.kind() == ErrorKind::InvalidInput
    }

    /// Someone else changed the object between this call's read and its
    /// write ([`ErrorKind::Conflict`]).
    pub fn is_conflict(&self) -> bool {
        self.kind() == ErrorKind::Conflict
    }

    /// Whether the client's [`RetryPolicy`](crate::RetryPolicy) retries this
    /// kind of failure, so trying the same call again later may succeed:
    /// 429, 503, 504, timeouts and connection failures. Never a write that
    /// may already have been processed, and not other statuses (500, 502,
    /// 4xx): the policy and this predicate share one classification.
    pub fn is_retryable(&self) -> bool {
        if self.inner.may_have_been_processed {
            return false;
        }
        // The retry policy's own classification, for a request that may be
        // sent again (a write that may have been processed returned above).
        let attempt = match (self.kind(), self.status()) {
            (ErrorKind::Timeout, _) => Attempt::TimedOut,
            (ErrorKind::Transport, _) => Attempt::Broken,
            (ErrorKind::Graph, Some(status)) => Attempt::Status {
                status,
                retry_after: None,
            },
            _ => return false,
        };
        is_retryable(attempt, true)
    }

    /// A write (POST) failed in a way that leaves open whether Graph
    /// processed it: look for the request or assignment before posting again.
    pub fn may_have_been_processed(&self) -> bool {
        self.inner.may_have_been_processed
    }

    /// How long Graph asked to wait, when it sent `Retry-After`.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.graph.as_ref().and_then(|g| g.retry_after)
    }
}

impl From<GraphError> for Error {
    fn from(err: GraphError) -> Self {
        Self::graph(err)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.graph {
            Some(g) => fmt::Display::fmt(g, f)?,
            None => f.write_str(&self.inner.message)?,
        }
        if self.is_forbidden() {
            f.write_str(
                " (forbidden: the caller lacks a permission or role for this call; \
                 approvals, cancel, filterByCurrentUser, additionalAccess and userAdd \
                 also need a signed-in user, so an app-only token is refused)",
            )?;
        }
        if self.inner.throttled
            && let Some(wait) = self.retry_after()
        {
            write!(
                    f,
                    " (Graph asked to wait {wait:?}, more than RetryPolicy::max_retry_after allows; raise it to wait that long)"
                )?;
        }
        if self.inner.may_have_been_processed {
            f.write_str(" (the write may have been processed)")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind);
        if !self.inner.message.is_empty() {
            d.field("message", &self.inner.message);
        }
        if let Some(g) = &self.inner.graph {
            d.field("graph", g);
        }
        if self.inner.may_have_been_processed {
            d.field("may_have_been_processed", &true);
        }
        if self.inner.throttled {
            d.field("throttled", &true);
        }
        if let Some(s) = &self.inner.source {
            d.field("source", s);
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| &**s as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_small_and_thread_safe() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn predicates_follow_the_status() {
        let g = GraphError::from_parts(429, b"{}", |_| None, Some(Duration::from_secs(2)));
        let e = Error::graph(g);
        assert!(e.is_throttled());
        assert!(e.is_retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
        let e = Error::graph(GraphError::from_parts(500, b"", |_| None, None)).maybe_processed();
        assert!(!e.is_retryable());
        assert!(e.to_string().contains("may have been processed"), "{e}");
    }

    #[test]
    fn the_source_chain_is_kept() {
        let e = Error::auth(AuthError::msg("vault down"));
        assert!(e.is_auth());
        let src = StdError::source(&e).unwrap();
        assert!(src.to_string().contains("vault down"));
    }
}
