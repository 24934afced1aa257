//! One edit at a time per workflow in this process.
//!
//! Edits of the same workflow from this process (any client, any task)
//! queue behind each other, so they build on each other's versions instead
//! of racing; edits from elsewhere are caught by the version check.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

type Locks = Mutex<HashMap<String, Weak<AsyncMutex<()>>>>;

fn locks() -> &'static Locks {
    static LOCKS: OnceLock<Locks> = OnceLock::new();
    LOCKS.get_or_init(Locks::default)
}

/// Waits for the edit lock of workflow `id` at the Graph root `api_root`.
pub(crate) async fn lock(api_root: &str, id: &str) -> OwnedMutexGuard<()> {
    let key = format!("{api_root} {id}");
    let mutex = {
        // A poisoned map only means another thread panicked while holding
        // it; the map itself is still sound.
        let mut map = locks().lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, w| w.strong_count() > 0);
        match map.get(&key).and_then(Weak::upgrade) {
            Some(m) => m,
            None => {
                let m = Arc::new(AsyncMutex::new(()));
                map.insert(key, Arc::downgrade(&m));
                m
            }
        }
    };
    mutex.lock_owned().await
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;

    use super::*;

    #[tokio::test]
    async fn the_same_workflow_waits_and_others_do_not() {
        let held = lock("https://g/v1.0/", "wf-a").await;
        let other = lock("https://g/v1.0/", "wf-b").now_or_never();
        assert!(other.is_some(), "another workflow is not blocked");
        assert!(
            lock("https://g/v1.0/", "wf-a").now_or_never().is_none(),
            "the same workflow waits"
        );
        drop(held);
        assert!(
            lock("https://g/v1.0/", "wf-a").now_or_never().is_some(),
            "free again once released"
        );
    }
}
