//! Errors a service can branch on and construct: public constructors, and
//! `is_retryable()` that says exactly what the retry policy retries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::*;
use entra_access::error::{Error, ErrorKind, GraphError, GraphErrorCode};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn is_retryable_agrees_with_what_the_policy_retries() {
    for status in [400, 403, 404, 409, 429, 500, 501, 502, 503, 504] {
        let graph = MockServer::start().await;
        let mut answer = ResponseTemplate::new(status).set_body_json(envelope("Whatever", "no"));
        if status == 429 {
            answer = answer.insert_header("Retry-After", "0");
        }
        Mock::given(method("GET"))
            .and(path("/v1.0/thing"))
            .respond_with(answer)
            .mount(&graph)
            .await;
        let client = client_for(&graph);
        let err = client.raw().get::<Value>("thing").send().await.unwrap_err();
        let tries = graph.received_requests().await.unwrap().len();
        assert_eq!(
            err.is_retryable(),
            tries > 1,
            "{status}: is_retryable() says {}, the policy tried {tries} times",
            err.is_retryable()
        );
        assert_eq!(err.is_forbidden(), status == 403, "{status}");
    }
}

#[tokio::test]
async fn a_post_that_may_have_been_processed_is_not_retryable() {
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_json(envelope("ServiceUnavailable", "x")))
        .expect(1)
        .mount(&graph)
        .await;
    let client = client_for(&graph);
    let err = client
        .raw()
        .post("things", &serde_json::json!({}))
        .await
        .unwrap_err();
    assert!(err.may_have_been_processed());
    assert!(!err.is_retryable());
}

#[test]
fn errors_are_constructible_for_test_doubles() {
    let mut graph = GraphError::new(403, GraphErrorCode::AccessDenied, "no role");
    graph.request_id = Some("req-7".into());
    let e = Error::from_graph(graph.clone());
    assert_eq!(e.kind(), ErrorKind::Graph);
    assert!(e.is_forbidden() && !e.is_retryable() && !e.is_not_found());
    assert_eq!(e.request_id(), Some("req-7"));
    assert_eq!(e.graph_error(), Some(&graph));
    assert_eq!(e.code(), Some(&GraphErrorCode::AccessDenied));
    let from: Error = graph.into();
    assert!(from.is_forbidden());

    let io = std::io::Error::other("reset by peer");
    let t = Error::new(ErrorKind::Transport, "the connection failed").with_source(io);
    assert!(t.is_retryable());
    assert_eq!(
        std::error::Error::source(&t).unwrap().to_string(),
        "reset by peer"
    );
    let unsure = Error::new(ErrorKind::Timeout, "timed out").mark_may_have_been_processed();
    assert!(unsure.may_have_been_processed() && !unsure.is_retryable());
    assert!(!Error::new(ErrorKind::InvalidInput, "top 0").is_retryable());
}
