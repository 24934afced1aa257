//! The retry policy and the pure decision of whether and when to retry.
//! What is worth retrying at all is the error's classification
//! ([`crate::error`]); this module decides how often and how long to wait.

use std::time::Duration;

use crate::error::{is_retryable, Attempt};

/// How the client retries failed calls.
///
/// Defaults follow the official Graph SDKs: 3 retries, 3 s initial backoff,
/// exponential with jitter, at most 180 s between tries. `Retry-After` is
/// always honoured in full (never undercut); a `Retry-After` longer than
/// [`max_retry_after`](RetryPolicy::max_retry_after) ends the retries with a
/// throttling error instead of sleeping that long.
///
/// What is retried:
/// - GET and DELETE: 429, 503, 504, connection failures and timeouts;
/// - POST (a new assignment request): only 429 and failures before the request
///   was sent. Any other POST failure is reported as "may have been processed".
///
/// ```
/// use std::time::Duration;
/// use entra_access::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_retries(5)
///     .initial_backoff(Duration::from_millis(500))
///     .max_elapsed(Duration::from_secs(120));
/// assert_eq!(policy.retries(), 5);
/// let none = RetryPolicy::none();
/// assert_eq!(none.retries(), 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Option<Duration>,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_secs(3),
            max_backoff: Duration::from_secs(180),
            max_elapsed: None,
            max_retry_after: Duration::from_secs(300),
        }
    }
}

/// Graph SDKs refuse more than 10 retries; so do we.
const MAX_RETRIES: u32 = 10;

impl RetryPolicy {
    /// Never retry (401 still gets one retry with a fresh token).
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How many times a call is retried after the first try (at most 10).
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n.min(MAX_RETRIES);
        self
    }

    /// The backoff before the first retry when Graph sent no `Retry-After`.
    #[must_use]
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// The longest backoff between two tries when Graph sent no `Retry-After`.
    #[must_use]
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// Give up when the next try would start later than `d` after the first.
    #[must_use]
    pub fn max_elapsed(mut self, d: Duration) -> Self {
        self.max_elapsed = Some(d);
        self
    }

    /// The longest `Retry-After` the client will wait for (default 300 s).
    ///
    /// When Graph asks for longer, the call ends at once with an error for
    /// which [`Error::is_throttled`](crate::Error::is_throttled) is true and
    /// [`Error::retry_after`](crate::Error::retry_after) gives Graph's
    /// `Retry-After`; nothing sleeps. Raise it to wait that long instead.
    ///
    /// ```
    /// use std::time::Duration;
    /// use entra_access::RetryPolicy;
    ///
    /// // Wait up to ten minutes when Graph asks for it.
    /// let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(600));
    /// # let _ = policy;
    /// ```
    #[must_use]
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// The number of retries after the first try.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The longest `Retry-After` waited for (see [`max_retry_after`](Self::max_retry_after)).
    pub fn retry_after_limit(&self) -> Duration {
        self.max_retry_after
    }

    /// Exponential backoff with jitter for retry number `retry` (0-based):
    /// between half and all of `initial * 2^retry`, capped at `max_backoff`.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        let full = self
            .initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// What to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Try again after this long.
    RetryAfter(Duration),
    /// Stop; `maybe_processed` tells whether a write may have taken effect.
    GiveUp { maybe_processed: bool },
    /// Stop: Graph asked (with `Retry-After`) to wait longer than
    /// `max_retry_after`. The call ends as throttled, without sleeping.
    WaitTooLong { maybe_processed: bool },
}

/// The largest extra wait after a `Retry-After`, as a fraction of it, so
/// clients told the same `Retry-After` do not all come back at one instant.
pub(crate) const RETRY_AFTER_JITTER: f64 = 0.1;

/// A random extra of up to `fraction` of `d`, so waiters that would all
/// wake at one instant spread out.
pub(crate) fn jitter(d: Duration, fraction: f64) -> Duration {
    d.mul_f64(fraction * fastrand::f64())
}

impl RetryPolicy {
    /// Decides about try `retries_done + 1`. Pure: the only input besides the
    /// arguments is the jitter.
    pub(crate) fn decide(
        &self,
        idempotent: bool,
        attempt: Attempt,
        retries_done: u32,
        elapsed: Duration,
    ) -> Decision {
        let maybe_processed = !idempotent && !matches!(attempt, Attempt::NotSent);
        let retryable = is_retryable(attempt, idempotent);
        let maybe_processed = maybe_processed
            && !matches!(
                attempt,
                Attempt::Status {
                    status: 400..=499,
                    ..
                }
            );
        if !retryable || retries_done >= self.max_retries {
            return Decision::GiveUp { maybe_processed };
        }
        let delay = match attempt {
            Attempt::Status {
                retry_after: Some(hint),
                ..
            } => {
                if hint > self.max_retry_after {
                    return Decision::WaitTooLong { maybe_processed };
                }
                hint.saturating_add(jitter(hint, RETRY_AFTER_JITTER))
            }
            _ => self.backoff(retries_done),
        };
        if let Some(budget) = self.max_elapsed
            && elapsed.checked_add(delay).is_none_or(|at| at > budget)
        {
            return Decision::GiveUp { maybe_processed };
        }
        Decision::RetryAfter(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::ZERO;

    fn status(status: u16) -> Attempt {
        Attempt::Status {
            status,
            retry_after: None,
        }
    }

    #[test]
    fn gets_retry_throttling_unavailability_and_breaks() {
        let p = RetryPolicy::default();
        for a in [
            status(429),
            status(503),
            status(504),
            Attempt::TimedOut,
            Attempt::Broken,
            Attempt::NotSent,
        ] {
            assert!(
                matches!(p.decide(true, a, 0, S), Decision::RetryAfter(_)),
                "{a:?}"
            );
        }
        for s in [400, 403, 404, 409, 500, 501] {
            assert_eq!(
                p.decide(true, status(s), 0, S),
                Decision::GiveUp {
                    maybe_processed: false
                },
                "{s}"
            );
        }
    }

    #[test]
    fn posts_retry_only_throttling_and_unsent() {
        let p = RetryPolicy::default();
        assert!(matches!(
            p.decide(false, status(429), 0, S),
            Decision::RetryAfter(_)
        ));
        assert!(matches!(
            p.decide(false, Attempt::NotSent, 0, S),
            Decision::RetryAfter(_)
        ));
        for a in [
            status(500),
            status(502),
            status(503),
            status(504),
            Attempt::TimedOut,
            Attempt::Broken,
        ] {
            assert_eq!(
                p.decide(false, a, 0, S),
                Decision::GiveUp {
                    maybe_processed: true
                },
                "{a:?}"
            );
        }
        assert_eq!(
            p.decide(false, status(400), 0, S),
            Decision::GiveUp {
                maybe_processed: false
            }
        );
    }

    #[test]
    fn retry_after_is_honoured_in_full_and_capped() {
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(60));
        let hint = Attempt::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(42)),
        };
        let mut delays = Vec::new();
        for _ in 0..50 {
            match p.decide(true, hint, 0, S) {
                Decision::RetryAfter(d) => delays.push(d),
                other => panic!("{other:?}"),
            }
        }
        let most = Duration::from_secs(42).mul_f64(1.0 + RETRY_AFTER_JITTER);
        assert!(
            delays
                .iter()
                .all(|&d| d >= Duration::from_secs(42) && d <= most),
            "{delays:?}"
        );
        delays.sort();
        delays.dedup();
        assert!(delays.len() > 1, "no jitter: {delays:?}");
        for status in [429, 503] {
            let long = Attempt::Status {
                status,
                retry_after: Some(Duration::from_secs(61)),
            };
            assert_eq!(
                p.decide(true, long, 0, S),
                Decision::WaitTooLong {
                    maybe_processed: false
                }
            );
        }
        let forever = Attempt::Status {
            status: 429,
            retry_after: Some(Duration::MAX),
        };
        assert!(matches!(
            p.decide(true, forever, 0, S),
            Decision::WaitTooLong { .. }
        ));
    }

    #[test]
    fn an_elapsed_budget_near_the_maximum_does_not_overflow() {
        let p = RetryPolicy::default()
            .max_elapsed(Duration::from_secs(10))
            .max_retry_after(Duration::MAX);
        let hint = Attempt::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(5)),
        };
        assert_eq!(
            p.decide(true, hint, 0, Duration::MAX),
            Decision::GiveUp {
                maybe_processed: false
            }
        );
    }

    #[test]
    fn retries_and_elapsed_are_bounded() {
        let p = RetryPolicy::default()
            .max_retries(2)
            .max_elapsed(Duration::from_secs(10));
        assert!(matches!(
            p.decide(true, status(503), 1, S),
            Decision::RetryAfter(_)
        ));
        assert_eq!(
            p.decide(true, status(503), 2, S),
            Decision::GiveUp {
                maybe_processed: false
            }
        );
        let hint = Attempt::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(4)),
        };
        assert_eq!(
            p.decide(true, hint, 0, Duration::from_secs(7)),
            Decision::GiveUp {
                maybe_processed: false
            }
        );
        assert_eq!(RetryPolicy::default().max_retries(99).retries(), 10);
    }

    #[test]
    fn jitter_stays_within_its_fraction() {
        let j = jitter(Duration::from_secs(10), 0.2);
        assert!(j <= Duration::from_secs(2), "{j:?}");
        assert_eq!(jitter(Duration::MAX, 0.0), Duration::ZERO);
    }

    #[test]
    fn backoff_grows_with_jitter_and_stays_capped() {
        let p = RetryPolicy::default();
        for retry in 0..40 {
            let full = Duration::from_secs(3)
                .saturating_mul(1u32 << retry.min(16))
                .min(Duration::from_secs(180));
            let d = p.backoff(retry);
            assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?}");
        }
    }
}
