//! The transport's promises, on the wire: where the token goes, retries,
//! Retry-After, the POST rule, error mapping and secret-free output.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

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

    let me: Value = client.raw().get("me").await.unwrap();
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
    let _: Value = client.raw().get("me").await.unwrap();
    let _: Value = client.raw().get("me").await.unwrap();
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
    let v: Value = client.raw().get("me").await.unwrap();
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
    let err = client.raw().get::<Value>("me").await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(
        err.code(),
        Some(&GraphErrorCode::InvalidAuthenticationToken)
    );
}

#[tokio::test]
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
    let client = client_for(&graph);
    let started = Instant::now();
    let _: Value = client.raw().get("me").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited only {:?}",
        started.elapsed()
    );
    let reqs = graph.received_requests().await.unwrap();
    assert_eq!(reqs[1].headers.get("retry-attempt").unwrap(), "1");
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let graph = MockServer::start().await;
    // The date is written when the 503 is answered: two seconds ahead,
    // truncated to whole seconds, so at least one full second away.
    Mock::given(method("GET"))
        .respond_with(|_: &wiremock::Request| {
            let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
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
    let client = client_for(&graph);
    let started = Instant::now();
    let _: Value = client.raw().get("me").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited only {:?}",
        started.elapsed()
    );
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
    let err = client.raw().get::<Value>("me").await.unwrap_err();
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
    let err = client.raw().get::<Value>("me").await.unwrap_err();
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
