//! Tracing captured per test in a test binary shared by many tests.
//!
//! `tracing::subscriber::set_default` in parallel tests is unreliable:
//! tracing caches each callsite's interest process-wide, and a callsite
//! first hit on another thread (with no subscriber) can be cached as
//! uninteresting while this test's subscriber is being registered. So one
//! global subscriber is installed instead, interested in every callsite
//! ("sometimes"), and it hands each span and event to the layer the
//! current thread installed with [`capture`] (a `#[tokio::test]` runs its
//! tasks on its own thread); threads without one pay an `enabled` check.

use std::cell::RefCell;
use std::sync::{Arc, Once};

use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::Registry;
use tracing_subscriber::Layer;

/// A layer a test captures with.
pub type TestLayer = Arc<dyn Layer<Registry> + Send + Sync>;

thread_local! {
    static LAYER: RefCell<Option<(LevelFilter, TestLayer)>> = const { RefCell::new(None) };
}

/// Ends the capture of this thread when dropped.
pub struct Capture(());

impl Drop for Capture {
    fn drop(&mut self) {
        LAYER.with(|l| *l.borrow_mut() = None);
    }
}

/// Sends this thread's spans and events at `max_level` or more severe to
/// `layer` until the guard drops.
pub fn capture(
    max_level: LevelFilter,
    layer: impl Layer<Registry> + Send + Sync + 'static,
) -> Capture {
    static GLOBAL: Once = Once::new();
    GLOBAL.call_once(|| {
        tracing::subscriber::set_global_default(Registry::default().with(Switch))
            .expect("no other global subscriber in the test binary");
    });
    LAYER.with(|l| *l.borrow_mut() = Some((max_level, Arc::new(layer))));
    tracing::callsite::rebuild_interest_cache();
    Capture(())
}

fn current() -> Option<TestLayer> {
    LAYER.with(|l| l.borrow().as_ref().map(|(_, layer)| Arc::clone(layer)))
}

/// The global layer: forwards to the current thread's [`TestLayer`].
struct Switch;

impl Layer<Registry> for Switch {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, ctx: Context<'_, Registry>) -> bool {
        LAYER.with(|l| {
            l.borrow()
                .as_ref()
                .is_some_and(|(max, layer)| metadata.level() <= max && layer.enabled(metadata, ctx))
        })
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, Registry>) {
        if let Some(l) = current() {
            l.on_new_span(attrs, id, ctx);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, Registry>) {
        if let Some(l) = current() {
            l.on_record(id, values, ctx);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, Registry>) {
        if let Some(l) = current() {
            l.on_event(event, ctx);
        }
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, Registry>) {
        if let Some(l) = current() {
            l.on_enter(id, ctx);
        }
    }

    fn on_exit(&self, id: &Id, ctx: Context<'_, Registry>) {
        if let Some(l) = current() {
            l.on_exit(id, ctx);
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, Registry>) {
        if let Some(l) = current() {
            l.on_close(id, ctx);
        }
    }
}
