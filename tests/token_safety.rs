//! A token never leaves the Graph origin and never shows up in output.

mod common;

use common::*;
use futures::TryStreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_with_the_token() {
    let graph = MockServer::start().await;
    let evil = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/steal", evil.uri()).as_str()),
        )
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&evil)
        .await;
    let client = client_for(&graph);
    let err = client.raw().get::<Value>("me").await.unwrap_err();
    assert_eq!(err.status(), Some(302), "{err}");
    assert!(
        evil.received_requests().await.unwrap().is_empty(),
        "the redirect was followed"
    );
}

#[tokio::test]
async fn a_redirect_within_graph_is_followed_with_the_token() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/old"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("Location", format!("{}/v1.0/new", graph.uri()).as_str()),
        )
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/new"))
        .and(wiremock::matchers::header(
            "authorization",
            format!("Bearer {TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"moved": true})))
        .expect(1)
        .mount(&graph)
        .await;
    let client = client_for(&graph);
    let v: Value = client.raw().get("old").await.unwrap();
    assert_eq!(v["moved"], true);
}

#[tokio::test]
async fn a_next_link_to_another_origin_gets_nothing() {
    let graph = MockServer::start().await;
    let evil = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "a1", "state": "delivered"}],
            "@odata.nextLink": format!("{}/v1.0/identityGovernance/entitlementManagement/assignments?$skiptoken=x", evil.uri()),
        })))
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&evil)
        .await;
    let client = client_for(&graph);
    let mut stream = client.assignments().list().stream();
    assert_eq!(stream.try_next().await.unwrap().unwrap().id.as_str(), "a1");
    let err = stream.try_next().await.unwrap_err();
    assert_eq!(err.kind(), entra_access::ErrorKind::Paging);
    assert!(stream.try_next().await.unwrap().is_none());
    assert!(evil.received_requests().await.unwrap().is_empty());
}
