//! The transport's promises, on the wire: where the token goes, retries,
//! Retry-After, the POST rule, error mapping and secret-free output.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use async_trait::async_trait;
use common::*;
use entra_access::auth::{AccessToken, AuthError, StaticToken, TokenProvider};
use entra_access::error::GraphErrorCode;
use entra_access::{Client, ErrorKind, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn token_goes_only_to_the_graph_origin() {
    let graph = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "me"})))
        .expect(1)
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "elsewhere"})))
        .expect(1)
        .mount(&other)
        .await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let me: Value = client.raw().get("me").send().await.unwrap();
    assert_eq!(me["id"], "me");
    let there: Value = client
        .raw()
        .get_url(&format!("{}/v1.0/me", other.uri()))
        .await
        .unwrap();
    assert_eq!(there["id"], "elsewhere");

    let received = other.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert!(
        received[0].headers.get("authorization").is_none(),
        "token leaked to another origin"
    );
}

#[tokio::test]
async fn every_request_names_itself() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .and(header_exists("client-request-id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(2)
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    let client = Client::builder()
        .base_url(graph.uri())
        .token_provider(StaticToken::new(TOKEN))
        .user_agent_suffix("my-tool/1.0")
        .build()
        .unwrap();
    let _: Value = client.raw().get("me").send().await.unwrap();
    let _: Value = client.raw().get("me").send().await.unwrap();
    let reqs = graph.received_requests().await.unwrap();
    let ua = reqs[0].headers.get("user-agent").unwrap().to_str().unwrap();
    assert_eq!(
        ua,
        format!("entra-access/{} my-tool/1.0", env!("CARGO_PKG_VERSION"))
    );
    let ids: Vec<_> = reqs
        .iter()
        .map(|r| r.headers.get("client-request-id").unwrap().clone())
        .collect();
    assert_ne!(ids[0], ids[1], "each call gets its own client-request-id");
}

#[test]
fn plain_http_to_a_remote_host_is_refused_at_build_time() {
    for url in ["http://graph.microsoft.com", "http://192.168.1.10:8080"] {
        let err = Client::builder()
            .base_url(url)
            .token_provider(StaticToken::new(TOKEN))
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.to_string().contains("loopback"), "{err}");
    }
    let err = Client::builder()
        .base_url("https://graph.microsoft.com")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("token provider"), "{err}");
}

/// Hands out `token-1`, `token-2`, … and counts invalidations.
#[derive(Debug, Default)]
struct Rotating {
    issued: AtomicUsize,
    invalidated: AtomicUsize,
}

#[async_trait]
impl TokenProvider for Rotating {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(AccessToken::new(
            format!("token-{n}"),
            SystemTime::now() + Duration::from_secs(3600),
        ))
    }
    async fn invalidate(&self) {
        self.invalidated.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries_once() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(envelope(
            "InvalidAuthenticationToken",
            "Lifetime validation failed",
        )))
        .expect(1)
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    let provider = Arc::new(Rotating::default());
    let client = Client::builder()
        .base_url(graph.uri())
        .token_provider(Arc::clone(&provider))
        .cache_tokens(false)
        .build()
        .unwrap();
    let v: Value = client.raw().get("me").send().await.unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(provider.invalidated.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_second_401_is_reported_not_retried_forever() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(envelope(
            "InvalidAuthenticationToken",
            "Access token is empty.",
        )))
        .expect(2)
        .mount(&graph)
        .await;
    let client = Client::builder()
        .base_url(graph.uri())
        .token_provider(Rotating::default())
        .cache_tokens(false)
        .build()
        .unwrap();
    let err = client.raw().get::<Value>("me").send().await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(
        err.code(),
        Some(&GraphErrorCode::InvalidAuthenticationToken)
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_seconds_is_waited_for_in_full() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(envelope("TooManyRequests", "slow down")),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&graph)
        .await;
    let client = paused_client_for(&graph, fast_retries());
    let started = Instant::now();
    let _: Value = client.raw().get("me").send().await.unwrap();
    // The paused clock moved by exactly the wait the client decided: the
    // Retry-After and at most a tenth more (jitter).
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1) && waited <= Duration::from_millis(1100),
        "waited {waited:?}"
    );
    let reqs = graph.received_requests().await.unwrap();
    assert_eq!(reqs[1].headers.get("retry-attempt").unwrap(), "1");
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_is_honoured() {
    let graph = MockServer::start().await;
    // The date is written when the 503 is answered: five seconds ahead,
    // truncated to whole seconds, so more than four seconds away. The client
    // reads it a moment later on the wall clock (longer on a busy machine);
    // the bound below leaves two seconds for that moment. A client that
    // ignored the date would retry after its 5-20 ms backoff.
    Mock::given(method("GET"))
        .respond_with(|_: &wiremock::Request| {
            let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(5));
            ResponseTemplate::new(503).insert_header("Retry-After", when.as_str())
        })
        .up_to_n_times(1)
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&graph)
        .await;
    let client = paused_client_for(&graph, fast_retries());
    let started = Instant::now();
    let _: Value = client.raw().get("me").send().await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(2), "waited only {waited:?}");
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_policy_ends_the_call_as_throttled_at_once() {
    for status in [429, 503] {
        let graph = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1.0/slow"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("Retry-After", "3600")
                    .set_body_json(envelope("TooManyRequests", "come back in an hour")),
            )
            .expect(1)
            .mount(&graph)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1.0/other"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .expect(1)
            .mount(&graph)
            .await;
        mount_catch_all(&graph).await;
        let client = paused_client_for(&graph, fast_retries());
        let started = Instant::now();
        let err = client.raw().get::<Value>("slow").send().await.unwrap_err();
        assert!(err.is_throttled(), "{status}: {err:?}");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
        assert!(err.to_string().contains("max_retry_after"), "{err}");
        // Nothing slept: the paused clock did not move, and the client's
        // other calls are not held for the hour either.
        let _: Value = client.raw().get("other").send().await.unwrap();
        assert_eq!(started.elapsed(), Duration::ZERO, "{status}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_requests_meeting_a_401_for_an_old_token_cost_one_token_call() {
    let graph = MockServer::start().await;
    // The first token is refused (slowly, so all twenty are in flight).
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_delay(Duration::from_millis(200))
                .set_body_json(envelope(
                    "InvalidAuthenticationToken",
                    "Lifetime validation failed, the token is expired.",
                )),
        )
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(20)
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    let provider = Arc::new(Rotating::default());
    // The client's own cache (the default) in front of the provider.
    let client = Client::builder()
        .base_url(graph.uri())
        .token_provider(Arc::clone(&provider))
        .build()
        .unwrap();
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.raw().get::<Value>("me").send().await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap()["ok"], true);
    }
    assert_eq!(
        provider.issued.load(Ordering::SeqCst),
        2,
        "the first token, and one new one for all twenty 401s"
    );
    assert_eq!(provider.invalidated.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_429_from_another_origin_is_not_graph_throttling() {
    let graph = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&elsewhere)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&elsewhere)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&graph)
        .await;
    let client = client_for(&graph);
    let _: Value = client
        .raw()
        .get_url(&format!("{}/status", elsewhere.uri()))
        .await
        .unwrap();
    assert_eq!(client.throttled_count(), 0, "another origin's 429 counted");
    let _: Value = client.raw().get("me").send().await.unwrap();
    assert_eq!(client.throttled_count(), 1, "Graph's 429 counts");
}

/// A `tracing` writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn pauses(&self) -> usize {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .matches("Graph throttled this client")
            .count()
    }
}

async fn throttle_once(server: &MockServer) {
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(server)
        .await;
}

/// Only Graph's own 429 pauses the client's Graph calls (the throttle
/// gate, seen through its trace event) and counts; another origin's 429 is
/// retried without pausing anyone. (Was a unit test of the transport.)
#[tokio::test(start_paused = true)]
async fn only_graphs_429_pauses_the_gate() {
    let captured = Captured::default();
    let sink = captured.clone();
    let _capture = trace_capture::capture(
        tracing::level_filters::LevelFilter::INFO,
        tracing_subscriber::fmt::layer()
            .with_writer(move || sink.clone())
            .with_ansi(false),
    );
    let graph = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    throttle_once(&graph).await;
    throttle_once(&elsewhere).await;
    let client = paused_client_for(&graph, RetryPolicy::default());

    let _: Value = client
        .raw()
        .get_url(&format!("{}/status", elsewhere.uri()))
        .await
        .unwrap();
    assert_eq!(captured.pauses(), 0, "another origin paused Graph");
    assert_eq!(client.throttled_count(), 0);

    let _: Value = client.raw().get("me").send().await.unwrap();
    assert_eq!(captured.pauses(), 1);
    assert_eq!(client.throttled_count(), 1);
}

#[tokio::test]
async fn a_callers_client_request_id_replaces_the_default() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(2)
        .mount(&graph)
        .await;
    let client = client_for(&graph);
    let req = entra_access::request::ApiRequest::get("me").header("client-request-id", "mine-1");
    client.raw().send(&req).await.unwrap();
    client
        .raw()
        .send(&entra_access::request::ApiRequest::get("me"))
        .await
        .unwrap();
    let reqs = graph.received_requests().await.unwrap();
    let ids = |n: usize| -> Vec<String> {
        reqs[n]
            .headers
            .get_all("client-request-id")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(0), ["mine-1"]);
    let default = ids(1);
    assert_eq!(default.len(), 1, "{default:?}");
    assert!(uuid::Uuid::parse_str(&default[0]).is_ok(), "{default:?}");
    for r in &reqs {
        assert_eq!(r.headers.get_all("user-agent").iter().count(), 1);
        assert_eq!(r.headers.get_all("accept").iter().count(), 1);
    }
}

#[tokio::test]
async fn dot_segments_and_path_characters_in_ids_are_refused_before_sending() {
    let graph = MockServer::start().await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);
    for bad in ["..", ".", "", "a/b", "a?b", "a#b", "../../me"] {
        let err = client.assignments().get(bad).send().await.unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err:?}");
        assert!(err.to_string().contains("assignment id"), "{bad:?}: {err}");
        let err = client
            .assignment_requests()
            .cancel(bad)
            .send()
            .await
            .unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err:?}");
    }
    for bad in ["groups/../me", "groups/./x", "a/%2e%2e/b", "a//b"] {
        let err = client.raw().get::<Value>(bad).send().await.unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err:?}");
        let err = client
            .raw()
            .send(&entra_access::request::ApiRequest::get(bad))
            .await
            .unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err:?}");
    }
    assert!(graph.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn retries_stop_at_the_policy_limit() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(envelope("serviceNotAvailable", "busy")),
        )
        .expect(3)
        .mount(&graph)
        .await;
    let client = Client::builder()
        .base_url(graph.uri())
        .token_provider(StaticToken::new(TOKEN))
        .retry_policy(fast_retries().max_retries(2))
        .build()
        .unwrap();
    let err = client.raw().get::<Value>("me").send().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_post_is_not_retried_on_500_and_says_it_may_have_been_processed() {
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(envelope("generalException", "oops")),
        )
        .expect(1)
        .mount(&graph)
        .await;
    let client = client_for(&graph);
    let err = client
        .raw()
        .post("things", &json!({"a": 1}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.may_have_been_processed());
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_post_is_retried_on_429() {
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&graph)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "new"})))
        .expect(1)
        .mount(&graph)
        .await;
    let client = client_for(&graph);
    let v = client.raw().post("things", &json!({})).await.unwrap();
    assert_eq!(v["id"], "new");
}

#[tokio::test]
async fn graph_error_envelopes_become_typed_errors() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("request-id", "hdr-id")
                .set_body_json(envelope("ResourceNotFound", "Resource not found")),
        )
        .mount(&graph)
        .await;
    let client = client_for(&graph);
    let err = client
        .raw()
        .get::<Value>("identityGovernance/entitlementManagement/accessPackages/x")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.kind(), ErrorKind::Graph);
    let g = err.graph_error().unwrap();
    assert_eq!(g.code, GraphErrorCode::ResourceNotFound);
    assert_eq!(g.message, "Resource not found");
    assert_eq!(g.request_id.as_deref(), Some("req-123"));
    assert_eq!(g.client_request_id.as_deref(), Some("client-456"));
    assert_eq!(g.date.as_deref(), Some("2024-05-01T10:00:00"));
    assert_eq!(
        err.to_string(),
        "graph answered 404 ResourceNotFound: Resource not found (request-id req-123)"
    );
}

#[tokio::test]
async fn nothing_prints_the_token() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_string(format!("denied for {TOKEN}")))
        .mount(&graph)
        .await;
    let client = client_for(&graph);
    let err = client.raw().get::<Value>("me").send().await.unwrap_err();
    for text in [
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{:?}", StaticToken::new(TOKEN)),
    ] {
        assert!(!text.contains(TOKEN), "secret in {text}");
    }
    let _ = RetryPolicy::none();
}
