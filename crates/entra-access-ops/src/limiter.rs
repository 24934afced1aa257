//! AIMD adaptive concurrency: halve the number of writes in flight when the
//! client sees a new 429, grow it by one after a window of successes.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

/// Where the limiter reads how many 429s the client has seen.
pub(crate) type ThrottleCounter = Arc<dyn Fn() -> u64 + Send + Sync>;

#[derive(Debug)]
struct State {
    limit: usize,
    in_flight: usize,
    successes: usize,
    last_throttled: u64,
    /// Releases still to come from writes that were in flight at the last
    /// decrease: their throttling was already answered by it.
    cooldown: usize,
    /// The limit at the last decrease: growth near it probes slowly.
    ceiling: Option<usize>,
}

/// A semaphore whose size adapts: multiplicative decrease on throttling,
/// additive increase after `limit` successes in a row without throttling
/// (one step per "window"), never below 1 nor above `max`.
pub(crate) struct AdaptiveLimiter {
    max: usize,
    state: Mutex<State>,
    notify: Notify,
    throttled: ThrottleCounter,
}

impl std::fmt::Debug for AdaptiveLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdaptiveLimiter")
            .field("max", &self.max)
            .field("state", &*self.lock())
            .finish_non_exhaustive()
    }
}

/// A slot held while one write runs; give it back with
/// [`AdaptiveLimiter::release`].
#[derive(Debug)]
#[must_use = "a permit must be released"]
pub(crate) struct Permit(());

impl AdaptiveLimiter {
    /// Starts at `max` (at least 1) in flight.
    pub(crate) fn new(max: usize, throttled: ThrottleCounter) -> Self {
        let max = max.max(1);
        let last_throttled = throttled();
        Self {
            max,
            state: Mutex::new(State {
                limit: max,
                in_flight: 0,
                successes: 0,
                last_throttled,
                cooldown: 0,
                ceiling: None,
            }),
            notify: Notify::new(),
            throttled,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Halves the limit if the client saw a 429 since the last look, at
    /// most once per window: 429s that writes already in flight at the last
    /// decrease run into do not halve again (one throttling episode, one
    /// decrease).
    fn observe(&self, s: &mut State) -> bool {
        let now = (self.throttled)();
        if now > s.last_throttled {
            s.last_throttled = now;
            s.successes = 0;
            if s.cooldown == 0 {
                s.ceiling = Some(s.limit);
                s.limit = (s.limit / 2).max(1);
                s.cooldown = s.in_flight;
            }
            true
        } else {
            false
        }
    }

    /// The current limit.
    pub(crate) fn limit(&self) -> usize {
        self.lock().limit
    }

    /// Waits for a free slot under the current limit.
    pub(crate) async fn acquire(&self) -> Permit {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut s = self.lock();
                self.observe(&mut s);
                if s.in_flight < s.limit {
                    s.in_flight += 1;
                    return Permit(());
                }
            }
            notified.await;
        }
    }

    /// Gives a slot back. `succeeded` says whether the write went through;
    /// a success without new throttling counts toward growing the limit.
    pub(crate) fn release(&self, permit: Permit, succeeded: bool) {
        let Permit(()) = permit;
        {
            let mut s = self.lock();
            s.in_flight = s.in_flight.saturating_sub(1);
            // This write was in flight at the last decrease (if one is
            // cooling down); a decrease made now counts only later ones.
            let cooling = s.cooldown > 0;
            let throttled = self.observe(&mut s);
            if cooling {
                s.cooldown -= 1;
            }
            if succeeded && !throttled {
                s.successes += 1;
                // One step per window of `limit` successes; within a
                // quarter of the last throttling point, one per four windows.
                let near = s.ceiling.is_some_and(|c| s.limit * 4 >= c * 3);
                let window = if near { s.limit * 4 } else { s.limit };
                if s.successes >= window && s.limit < self.max {
                    s.limit += 1;
                    s.successes = 0;
                }
            }
        }
        self.notify.notify_waiters();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    fn counter() -> (Arc<AtomicU64>, ThrottleCounter) {
        let c = Arc::new(AtomicU64::new(0));
        let c2 = Arc::clone(&c);
        (c, Arc::new(move || c2.load(Ordering::SeqCst)))
    }

    async fn succeed(l: &AdaptiveLimiter, n: usize) {
        for _ in 0..n {
            let p = l.acquire().await;
            l.release(p, true);
        }
    }

    #[tokio::test]
    async fn throttling_halves_and_successes_grow_back() {
        let (count, source) = counter();
        let l = AdaptiveLimiter::new(8, source);
        assert_eq!(l.limit(), 8);
        count.store(1, Ordering::SeqCst);
        let p = l.acquire().await;
        assert_eq!(l.limit(), 4);
        l.release(p, true);
        count.store(3, Ordering::SeqCst);
        let p = l.acquire().await;
        assert_eq!(l.limit(), 2);
        l.release(p, false);
        count.store(4, Ordering::SeqCst);
        let p = l.acquire().await;
        assert_eq!(l.limit(), 1);
        count.store(5, Ordering::SeqCst);
        l.release(p, true);
        assert_eq!(l.limit(), 1, "never below one");
        // Near the last throttling point (1) growth probes slowly: one step
        // per four windows of successes.
        succeed(&l, 3).await;
        assert_eq!(l.limit(), 1);
        succeed(&l, 1).await;
        assert_eq!(l.limit(), 2);
        succeed(&l, 8).await;
        assert_eq!(l.limit(), 3);
        // Failures do not grow it.
        for _ in 0..10 {
            let p = l.acquire().await;
            l.release(p, false);
        }
        assert_eq!(l.limit(), 3);
        // It never exceeds the configured maximum.
        for _ in 0..200 {
            let p = l.acquire().await;
            l.release(p, true);
        }
        assert_eq!(l.limit(), 8);
    }

    #[tokio::test]
    async fn far_below_the_throttling_point_growth_is_one_step_per_window() {
        let (count, source) = counter();
        let l = AdaptiveLimiter::new(16, source);
        count.store(1, Ordering::SeqCst);
        let p = l.acquire().await;
        l.release(p, false);
        assert_eq!(l.limit(), 8, "halved from 16");
        let mut steps = Vec::new();
        for _ in 0..8 + 9 + 10 {
            let p = l.acquire().await;
            l.release(p, true);
            steps.push(l.limit());
        }
        // 8 successes at 8, 9 at 9, 10 at 10; then within a quarter of 16.
        assert_eq!((steps[6], steps[7]), (8, 9));
        assert_eq!((steps[15], steps[16]), (9, 10));
        assert_eq!((steps[25], steps[26]), (10, 11));
        succeed(&l, 11).await;
        assert_eq!(l.limit(), 12, "12 * 4 >= 16 * 3: slow probing from 12 on");
        succeed(&l, 47).await;
        assert_eq!(l.limit(), 12);
        succeed(&l, 1).await;
        assert_eq!(l.limit(), 13);
    }

    #[tokio::test]
    async fn one_throttling_episode_halves_once() {
        let (count, source) = counter();
        let l = AdaptiveLimiter::new(16, source);
        let mut permits = Vec::new();
        for _ in 0..16 {
            permits.push(l.acquire().await);
        }
        // The 16 in-flight writes all run into 429s.
        for p in permits {
            count.fetch_add(1, Ordering::SeqCst);
            l.release(p, true);
        }
        assert_eq!(l.limit(), 8, "halved once, not down to 1");
        // A later episode halves again.
        count.fetch_add(1, Ordering::SeqCst);
        let p = l.acquire().await;
        assert_eq!(l.limit(), 4);
        l.release(p, true);
    }

    #[tokio::test]
    async fn acquire_waits_for_a_free_slot() {
        let (_, source) = counter();
        let l = Arc::new(AdaptiveLimiter::new(1, source));
        let first = l.acquire().await;
        let l2 = Arc::clone(&l);
        let waiter = tokio::spawn(async move {
            let p = l2.acquire().await;
            l2.release(p, true);
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "second acquire must wait");
        l.release(first, true);
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .unwrap()
            .unwrap();
    }
}
