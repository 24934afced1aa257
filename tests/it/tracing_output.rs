//! Captured `tracing` output of a run holds no token (captured through
//! `common::trace_capture`, which other tests running in parallel cannot
//! hide spans from).

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use entra_access::auth::StaticToken;
use entra_access::Client;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A `tracing` writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn traces_of_a_full_run_hold_no_token() {
    let captured = Captured::default();
    let sink = captured.clone();
    let _capture = trace_capture::capture(
        tracing::level_filters::LevelFilter::TRACE,
        tracing_subscriber::fmt::layer()
            .with_writer(move || sink.clone())
            .with_ansi(false),
    );

    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments")))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "0")
                .set_body_json(envelope("TooManyRequests", "slow")),
        )
        .up_to_n_times(1)
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [{"id": "a1"}]})))
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/denied"))
        .respond_with(
            ResponseTemplate::new(403).set_body_string(format!("no access for Bearer {TOKEN}")),
        )
        .mount(&graph)
        .await;
    let client = Client::builder()
        .base_url(graph.uri())
        .token_provider(StaticToken::new(TOKEN))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let items = client.assignments().list().collect().await.unwrap();
    assert_eq!(items.len(), 1);
    let err = client
        .raw()
        .get::<Value>("denied")
        .send()
        .await
        .unwrap_err();
    tracing::error!(error = %err, debug = ?err, "reported");

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("graph_request"), "no spans captured: {text}");
    assert!(text.contains("retrying"), "retry not traced: {text}");
    assert!(!text.contains(TOKEN), "token in traces: {text}");
}
