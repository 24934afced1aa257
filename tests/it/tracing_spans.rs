//! Traces that nest: every `graph_request` span of `.stream()`, `.pages()`
//! and `.collect()` (page fetches run on spawned tasks) is a child of the
//! span the caller polls in, and records `client_request_id`. A layer
//! records span parents and fields, not text (captured through
//! `common::trace_capture`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::{Arc, Mutex};

use common::*;
use futures::{StreamExt, TryStreamExt};
use tracing::Instrument;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One span as the layer saw it: name, parent's name, client_request_id.
#[derive(Clone, Debug, Default)]
struct Seen {
    name: String,
    parent: Option<String>,
    client_request_id: Option<String>,
}

#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<(tracing::span::Id, Seen)>>>);

struct FieldVisitor<'a>(&'a mut Option<String>);

impl tracing::field::Visit for FieldVisitor<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "client_request_id" {
            *self.0 = Some(value.to_owned());
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "client_request_id" {
            *self.0 = Some(format!("{value:?}"));
        }
    }
}

impl<S> Layer<S> for Spans
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let span = ctx.span(id).unwrap();
        let mut seen = Seen {
            name: span.name().to_owned(),
            parent: span.parent().map(|p| p.name().to_owned()),
            client_request_id: None,
        };
        attrs.record(&mut FieldVisitor(&mut seen.client_request_id));
        self.0.lock().unwrap().push((id.clone(), seen));
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _ctx: Context<'_, S>,
    ) {
        let mut spans = self.0.lock().unwrap();
        if let Some((_, seen)) = spans.iter_mut().rev().find(|(i, _)| i == id) {
            values.record(&mut FieldVisitor(&mut seen.client_request_id));
        }
    }
}

#[tokio::test]
async fn graph_requests_nest_under_the_callers_span() {
    let spans = Spans::default();
    let _capture =
        trace_capture::capture(tracing::level_filters::LevelFilter::TRACE, spans.clone());

    let graph = MockServer::start().await;
    let p = format!("{EM}/assignments");
    Mock::given(method("GET"))
        .and(path(&p))
        .and(query_param("$top", "999"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(assignments(0..2), Some(&next_link(&graph, &p, "two")))),
        )
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path(&p))
        .and(query_param("$skiptoken", "two"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(assignments(2..3), None)))
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let items: Vec<_> = client
        .assignments()
        .list()
        .stream()
        .collect::<Vec<_>>()
        .instrument(tracing::info_span!("caller_stream"))
        .await;
    assert_eq!(items.len(), 3);
    let pages: Vec<_> = client
        .assignments()
        .list()
        .pages()
        .try_collect::<Vec<_>>()
        .instrument(tracing::info_span!("caller_pages"))
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    let all = client
        .assignments()
        .list()
        .collect()
        .instrument(tracing::info_span!("caller_collect"))
        .await
        .unwrap();
    assert_eq!(all.len(), 3);

    let seen: Vec<Seen> = spans
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|(_, s)| s.clone())
        .collect();
    let requests: Vec<&Seen> = seen.iter().filter(|s| s.name == "graph_request").collect();
    let parents: Vec<Option<&str>> = requests.iter().map(|s| s.parent.as_deref()).collect();
    assert_eq!(
        parents,
        [
            Some("caller_stream"),
            Some("caller_stream"),
            Some("caller_pages"),
            Some("caller_pages"),
            Some("caller_collect"),
            Some("caller_collect"),
        ],
        "every page fetch is a child of the caller's span"
    );
    for r in &requests {
        let id = r.client_request_id.as_deref().unwrap_or_default();
        assert_eq!(id.len(), 36, "client_request_id recorded: {r:?}");
    }
    // The attempt spans nest under their graph_request.
    assert!(seen
        .iter()
        .filter(|s| s.name == "attempt")
        .all(|s| s.parent.as_deref() == Some("graph_request")));
}
