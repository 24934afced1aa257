//! The client-wide throttle gate: after Graph answers 429, every Graph
//! request of the client waits until Graph's `Retry-After` has passed, and
//! the waiters are then released spread over a short while (jitter), not at
//! one instant.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::deadline::saturating_add;
use crate::retry::jitter;

/// The largest extra wait after a pause, as a fraction of the pause.
pub(crate) const RELEASE_JITTER: f64 = 0.2;

#[derive(Debug, Default)]
pub(crate) struct ThrottleGate {
    pause: Mutex<Option<Pause>>,
    throttled: AtomicU64,
}

/// A pause in force: until when, and how long it was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pause {
    until: Instant,
    length: Duration,
}

impl ThrottleGate {
    fn current(&self) -> Option<Pause> {
        match self.pause.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    /// Waits until no pause is in force. A caller held by a pause waits past
    /// its end by a random extra of up to a fifth of the pause.
    pub(crate) async fn wait(&self) {
        while let Some(pause) = self.current() {
            if pause.until <= Instant::now() {
                return;
            }
            let release = saturating_add(pause.until, jitter(pause.length, RELEASE_JITTER));
            tokio::time::sleep_until(release).await;
        }
    }

    /// Counts one 429 answer.
    pub(crate) fn record_throttled(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }

    /// Pauses every request for `d` (extending, never shortening, a pause
    /// already in force). Never overflows: a `d` too long to represent
    /// pauses for about 30 years.
    pub(crate) fn pause_for(&self, d: Duration) {
        let now = Instant::now();
        let until = saturating_add(now, d);
        let mut guard = match self.pause.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if guard.is_none_or(|cur| cur.until < until) {
            *guard = Some(Pause { until, length: d });
        }
    }

    /// How many 429 answers this client has seen.
    pub(crate) fn throttled_count(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    /// Whether a pause was ever set.
    #[cfg(test)]
    fn was_paused(&self) -> bool {
        self.current().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn held_requests_are_released_spread_out_and_never_early() {
        let gate = Arc::new(ThrottleGate::default());
        let start = Instant::now();
        let retry_after = Duration::from_secs(10);
        gate.pause_for(retry_after);
        let waiters: Vec<_> = (0..20)
            .map(|_| {
                let gate = Arc::clone(&gate);
                tokio::spawn(async move {
                    gate.wait().await;
                    Instant::now() - start
                })
            })
            .collect();
        let mut released = Vec::new();
        for w in waiters {
            released.push(w.await.unwrap());
        }
        assert!(released.iter().all(|&t| t >= retry_after), "{released:?}");
        let ceiling = retry_after + retry_after.mul_f64(RELEASE_JITTER);
        assert!(released.iter().all(|&t| t <= ceiling), "{released:?}");
        released.sort();
        released.dedup();
        assert!(
            released.len() > 10,
            "released at too few instants: {released:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_too_long_to_represent_does_not_panic() {
        let gate = ThrottleGate::default();
        gate.pause_for(Duration::MAX);
        gate.pause_for(Duration::from_secs(1));
        assert!(gate.was_paused());
        let waited = tokio::time::timeout(Duration::from_secs(3600), gate.wait()).await;
        assert!(waited.is_err(), "the long pause stays in force");
    }

    #[tokio::test(start_paused = true)]
    async fn no_pause_no_wait() {
        let gate = ThrottleGate::default();
        let start = Instant::now();
        gate.wait().await;
        assert_eq!(Instant::now(), start);
        assert!(!gate.was_paused());
    }
}
