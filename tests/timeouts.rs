//! Timeouts and cancellation: a hung server gives a `Timeout` error, and a
//! dropped stream stops fetching.

mod common;

use std::time::Duration;

use common::*;
use entra_access::auth::StaticToken;
use entra_access::{Client, ErrorKind, RetryPolicy};
use futures::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_hung_server_hits_the_request_timeout() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&graph)
        .await;
    let client = Client::builder()
        .base_url(graph.uri())
        .token_provider(StaticToken::new(TOKEN))
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.raw().get::<Value>("me").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_timeout());
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_timed_out_post_may_have_been_processed_and_is_not_retried() {
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(30)))
        .expect(1)
        .mount(&graph)
        .await;
    let client = Client::builder()
        .base_url(graph.uri())
        .token_provider(StaticToken::new(TOKEN))
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let err = client.raw().post("things", &json!({})).await.unwrap_err();
    assert!(err.is_timeout());
    assert!(err.may_have_been_processed());
}

#[tokio::test]
async fn dropping_a_stream_stops_paging() {
    let graph = MockServer::start().await;
    // Every page links to a next one, for ever; pages after the first are slow.
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments")))
        .respond_with(move |req: &wiremock::Request| {
            let n: u32 = req
                .url
                .query_pairs()
                .find(|(k, _)| k == "$skiptoken")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let base = format!("{}://{}", req.url.scheme(), req.url.authority());
            ResponseTemplate::new(200)
                .set_delay(Duration::from_millis(if n == 0 { 0 } else { 300 }))
                .set_body_json(json!({
                    "value": [{"id": format!("a{n}")}],
                    "@odata.nextLink": format!("{base}{EM}/assignments?$skiptoken={}", n + 1),
                }))
        })
        .mount(&graph)
        .await;
    let client = client_for(&graph);
    let mut stream = client.assignments().list().stream();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id.as_str(), "a0");
    // The lookahead for page 1 is in flight now; dropping cancels it.
    drop(stream);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let seen = graph.received_requests().await.unwrap().len();
    assert!(seen <= 2, "paging went on after the drop: {seen} requests");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        graph.received_requests().await.unwrap().len(),
        seen,
        "requests still being sent"
    );
}
