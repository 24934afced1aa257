//! The client-wide throttle gate: after a 429, every request of the client
//! waits until Graph's `Retry-After` has passed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Default)]
pub(crate) struct ThrottleGate {
    paused_until: Mutex<Option<Instant>>,
    throttled: AtomicU64,
}

impl ThrottleGate {
    /// Waits until no pause is in force.
    pub(crate) async fn wait(&self) {
        loop {
            let until = match self.paused_until.lock() {
                Ok(guard) => *guard,
                Err(poisoned) => *poisoned.into_inner(),
            };
            match until {
                Some(at) if at > Instant::now() => tokio::time::sleep_until(at).await,
                _ => return,
            }
        }
    }

    /// Counts one 429 answer.
    pub(crate) fn record_throttled(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }

    /// Pauses every request for `d` (extending, never shortening, a pause
    /// already in force).
    pub(crate) fn pause_for(&self, d: Duration) {
        let at = Instant::now() + d;
        let mut guard = match self.paused_until.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if guard.is_none_or(|cur| cur < at) {
            *guard = Some(at);
        }
    }

    /// How many 429 answers this client has seen.
    pub(crate) fn throttled_count(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }
}
