//! How often and how long to poll a request.

use std::time::Duration;

use crate::error::{Error, Result};

/// Poll timing: the first interval, the ceiling the interval doubles up to,
/// and the overall time limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Polling {
    pub(crate) initial: Duration,
    pub(crate) max: Duration,
    pub(crate) timeout: Duration,
}

impl Default for Polling {
    /// 2 s, doubling up to 30 s, for at most 10 minutes.
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(2),
            max: Duration::from_secs(30),
            timeout: Duration::from_secs(600),
        }
    }
}

impl Polling {
    pub(crate) fn check(&self) -> Result<()> {
        if self.initial.is_zero() {
            return Err(Error::invalid_input(
                "poll interval",
                "must be more than zero",
            ));
        }
        Ok(())
    }

    /// The interval after `current`: doubled, at most the ceiling (and never
    /// below the initial interval, should the ceiling be set lower).
    pub(crate) fn next_interval(&self, current: Duration) -> Duration {
        current.saturating_mul(2).min(self.max).max(self.initial)
    }
}

/// Generates `poll_interval`, `max_interval` and `timeout` setters for a
/// builder with a `polling: Polling` field.
macro_rules! polling_setters {
    ($builder:ident) => {
        impl $builder {
            /// The first wait between two polls (default 2 s); it doubles
            /// after each poll up to [`max_interval`](Self::max_interval).
            pub fn poll_interval(mut self, interval: std::time::Duration) -> Self {
                self.polling.initial = interval;
                self
            }

            /// The longest wait between two polls (default 30 s).
            pub fn max_interval(mut self, interval: std::time::Duration) -> Self {
                self.polling.max = interval;
                self
            }

            /// How long to follow the request in all (default 10 minutes);
            /// past it, an `ErrorKind::Timeout` error names the last state seen.
            /// `Duration::MAX` (or any duration too long to add to the clock)
            /// means no deadline.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.polling.timeout = timeout;
                self
            }
        }
    };
}
pub(crate) use polling_setters;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_double_up_to_the_ceiling() {
        let p = Polling::default();
        let mut d = p.initial;
        let mut seen = vec![d.as_secs()];
        for _ in 0..6 {
            d = p.next_interval(d);
            seen.push(d.as_secs());
        }
        assert_eq!(seen, [2, 4, 8, 16, 30, 30, 30]);
    }

    #[test]
    fn a_ceiling_below_the_start_keeps_the_start() {
        let p = Polling {
            initial: Duration::from_secs(5),
            max: Duration::from_secs(1),
            timeout: Duration::from_secs(60),
        };
        assert_eq!(p.next_interval(p.initial), Duration::from_secs(5));
        assert!(Polling {
            initial: Duration::ZERO,
            ..p
        }
        .check()
        .is_err());
    }
}
