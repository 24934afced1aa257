//! Per-call options and views of a client: timeout, retry policy,
//! `client-request-id` and headers for one call; views that share the
//! throttle gate; options out of range refused before sending.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration;

use common::*;
use entra_access::auth::StaticToken;
use entra_access::request::RequestOptions;
use entra_access::{Client, ErrorKind, RetryPolicy};
use serde_json::{json, Value};
use tokio::time::Instant;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assignment_json() -> Value {
    json!({"id": "asg-1", "state": "delivered"})
}

#[tokio::test(start_paused = true)]
async fn a_per_call_timeout_overrides_the_clients() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments/asg-1")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(assignment_json())
                .set_delay(Duration::from_secs(30)),
        )
        // No `.expect(1)`: on the paused clock the call may give up before
        // the server has counted the request.
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    // The client would wait 60 s and retry; this call waits 200 ms, once.
    let client = client_for(&graph);
    let started = Instant::now();
    let err = client
        .assignments()
        .get("asg-1")
        .options(
            RequestOptions::new()
                .timeout(Duration::from_millis(200))
                .retry_policy(RetryPolicy::none()),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert_eq!(started.elapsed(), Duration::from_millis(200));
}

#[tokio::test]
async fn a_per_call_retry_policy_overrides_the_clients_both_ways() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments/asg-1")))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(envelope("ServiceUnavailable", "try later")),
        )
        .expect(1 + 4)
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    let patient = client_for(&graph); // retries 3 times by default
    let err = patient
        .assignments()
        .get("asg-1")
        .options(RequestOptions::new().retry_policy(RetryPolicy::none()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(graph.received_requests().await.unwrap().len(), 1);

    let impatient = Client::builder()
        .base_url(graph.uri())
        .token_provider(StaticToken::new(TOKEN))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    impatient
        .assignments()
        .get("asg-1")
        .options(RequestOptions::new().retry_policy(fast_retries()))
        .send()
        .await
        .unwrap_err();
    // 1 + (1 try + 3 retries).
    assert_eq!(graph.received_requests().await.unwrap().len(), 5);
}

#[tokio::test]
async fn a_call_sends_its_client_request_id_and_headers() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments")))
        .and(header("client-request-id", "call-7"))
        .and(header("x-trace", "view"))
        .and(header("x-call", "yes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(assignments(0..1), None)))
        .expect(1)
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    let view = client_for(&graph)
        .with_options(
            RequestOptions::new()
                .client_request_id("view-1")
                .header("x-trace", "view"),
        )
        .unwrap();
    let items = view
        .assignments()
        .list()
        .options(
            RequestOptions::new()
                .client_request_id("call-7")
                .header("x-call", "yes"),
        )
        .collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 1);
    let received = graph.received_requests().await.unwrap();
    assert_eq!(
        received[0]
            .headers
            .get_all("client-request-id")
            .iter()
            .count(),
        1,
        "the call's id replaces the view's"
    );
}

// Real time, not the paused clock: on a paused clock a busy machine lets
// tokio jump to the call's timeout while the server's answer is still on
// its way, and the call ends in `Timeout`. A one-second Retry-After keeps
// the real wait short; the check is a lower bound only.
#[tokio::test]
async fn a_429_on_one_view_pauses_the_other() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/a"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&graph)
        .await;
    let client = client_for(&graph);
    let view_a = client
        .with_options(RequestOptions::new().header("x-view", "a"))
        .unwrap();
    let view_b = client
        .with_options(RequestOptions::new().retry_policy(RetryPolicy::none()))
        .unwrap();

    let a = tokio::spawn(async move { view_a.raw().get::<Value>("a").send().await });
    // Wait until Graph's 429 to A is counted; the pause started just before.
    while client.throttled_count() == 0 {
        tokio::task::yield_now().await;
    }
    let paused_at = std::time::Instant::now();
    view_b.raw().get::<Value>("b").send().await.unwrap();
    // The gate holds B until a second after the 429 reached A; the margin
    // covers the moments between that and `paused_at`.
    assert!(
        paused_at.elapsed() >= Duration::from_millis(900),
        "view B went ahead after {:?}",
        paused_at.elapsed()
    );
    a.await.unwrap().unwrap();
    assert_eq!(client.throttled_count(), 1, "one gate, one count");
    let b_sent = graph
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == "/v1.0/b")
        .count();
    assert_eq!(b_sent, 1, "B waited, it was not refused and retried");
}

#[tokio::test]
async fn options_out_of_range_are_refused_before_sending() {
    let graph = MockServer::start().await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let err = client
        .assignments()
        .get("asg-1")
        .options(RequestOptions::new().timeout(Duration::ZERO))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    assert!(err.to_string().contains("timeout"), "{err}");
    let err = client
        .assignments()
        .list()
        .options(RequestOptions::new().header("Authorization", "Bearer mine"))
        .collect()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    for bad in [
        RequestOptions::new().page_size(1000),
        RequestOptions::new().page_size(0),
        RequestOptions::new().timeout(Duration::ZERO),
        RequestOptions::new().client_request_id("line\nbreak"),
    ] {
        let err = client.with_options(bad.clone()).unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err}");
    }
    assert!(graph.received_requests().await.unwrap().is_empty());
}

/// An API-management key (or any per-call header) is sent, but `Debug`
/// of the options, of a client view that carries them and of its clones
/// shows the header's name only.
#[test]
fn debug_shows_header_names_not_values() {
    const KEY: &str = "apim-key-5d2e81c4";
    let options = RequestOptions::new()
        .header("Ocp-Apim-Subscription-Key", KEY)
        .client_request_id("2f1c0a4e-6a43-4a39-9f5e-0c1b9b6d7e11");
    let client = Client::builder()
        .token_provider(StaticToken::new("token"))
        .build()
        .unwrap();
    let view = client.with_options(options.clone()).unwrap();
    for shown in [
        format!("{options:?}"),
        format!("{view:?}"),
        format!("{:?}", view.clone()),
        format!("{view:#?}"),
    ] {
        assert!(!shown.contains(KEY), "{shown}");
        assert!(shown.contains("Ocp-Apim-Subscription-Key"), "{shown}");
    }
}
