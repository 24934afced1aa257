//! Which failures are worth another try: the one classification the retry
//! policy decides with and [`Error::is_retryable`](super::Error::is_retryable)
//! answers with. It lives with the error, so the error needs nothing of the
//! transport that sends.

use std::time::Duration;

/// What happened on one try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// Graph answered with this status (not 2xx, not 401).
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The connection could not be made: nothing was sent.
    NotSent,
    /// The request timed out: it may have been processed.
    TimedOut,
    /// The connection broke after the request was sent, or the body of a
    /// success could not be read.
    Broken,
}

/// Whether a failure is of a kind the policy retries: 429 and failures
/// before sending always; 503, 504, timeouts and broken connections only
/// for idempotent requests; nothing else. The one classification: the
/// policy decides with it, and [`Error::is_retryable`](crate::Error::is_retryable)
/// answers with it.
pub(crate) fn is_retryable(attempt: Attempt, idempotent: bool) -> bool {
    match attempt {
        Attempt::Status { status: 429, .. } | Attempt::NotSent => true,
        Attempt::Status {
            status: 503 | 504, ..
        }
        | Attempt::TimedOut
        | Attempt::Broken => idempotent,
        Attempt::Status { .. } => false,
    }
}
