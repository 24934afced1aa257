//! The stop signal of a run: once raised, no new write starts.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::future::Either;
use tokio::sync::Notify;

#[derive(Debug, Default)]
struct Inner {
    stopped: AtomicBool,
    notify: Notify,
}

/// Shared by a run and its stop handles; raising it is permanent.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stop(Arc<Inner>);

impl Stop {
    /// Raises the signal and wakes whoever waits on it.
    pub(crate) fn raise(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    /// Whether the signal was raised.
    pub(crate) fn is_raised(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }

    /// Resolves once the signal is raised.
    pub(crate) async fn raised(&self) {
        loop {
            let notified = self.0.notify.notified();
            let mut notified = pin!(notified);
            notified.as_mut().enable();
            if self.is_raised() {
                return;
            }
            notified.await;
        }
    }

    /// Runs `work` unless the signal is (or gets) raised first: `None` then,
    /// and `work` is dropped.
    pub(crate) async fn unless_raised<F: Future>(&self, work: F) -> Option<F::Output> {
        if self.is_raised() {
            return None;
        }
        let work = pin!(work);
        let raised = pin!(self.raised());
        match futures::future::select(work, raised).await {
            Either::Left((out, _)) => Some(out),
            Either::Right(((), _)) => None,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn raising_cuts_waiting_work_short_and_later_work_never_starts() {
        let stop = Stop::default();
        assert_eq!(stop.unless_raised(async { 1 }).await, Some(1));
        let waiting = {
            let stop = stop.clone();
            async move { stop.unless_raised(std::future::pending::<()>()).await }
        };
        let raise = async {
            tokio::task::yield_now().await;
            stop.raise();
        };
        let (cut, ()) = futures::join!(waiting, raise);
        assert_eq!(cut, None);
        assert!(stop.is_raised());
        assert_eq!(stop.unless_raised(async { 2 }).await, None);
    }
}
