//! Response metadata: a write returns Graph's `request-id`, the
//! `client-request-id`, the status and the `Date`; every page carries its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::TimeZone;
use common::*;
use entra_access::api::Target;
use entra_access::request::RequestOptions;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_write_returns_graphs_ids_status_and_date() {
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{EM}/assignmentRequests")))
        .and(header("client-request-id", "write-1"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("request-id", "graph-req-9")
                .insert_header("client-request-id", "write-1")
                .insert_header("Date", "Wed, 01 May 2024 10:00:00 GMT")
                .set_body_json(json!({
                    "id": "req-1",
                    "requestType": "adminAdd",
                    "state": "submitted",
                    "status": "Accepted"
                })),
        )
        .expect(1)
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let sent = client
        .assignment_requests()
        .admin_add("pkg-1", "pol-1", Target::user("usr-1"))
        .options(RequestOptions::new().client_request_id("write-1"))
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(sent.value().id.as_str(), "req-1");
    let meta = sent.meta();
    assert_eq!(meta.status, 201);
    assert_eq!(meta.request_id(), Some("graph-req-9"));
    assert_eq!(meta.client_request_id(), Some("write-1"));
    assert_eq!(
        meta.date,
        Some(chrono::Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 0).unwrap())
    );
}

#[tokio::test]
async fn without_an_echo_the_sent_client_request_id_is_reported() {
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{EM}/assignments/asg-1/reprocess")))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let meta = client
        .assignments()
        .reprocess("asg-1")
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(meta.status, 202);
    assert_eq!(meta.request_id(), None);
    let sent = graph.received_requests().await.unwrap()[0]
        .headers
        .get("client-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(meta.client_request_id(), Some(sent.as_str()));
}

#[tokio::test]
async fn each_page_carries_its_own_metadata() {
    let graph = MockServer::start().await;
    let p = format!("{EM}/assignments");
    Mock::given(method("GET"))
        .and(path(&p))
        .and(query_param("$top", "999"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "page-1")
                .set_body_json(page(assignments(0..1), Some(&next_link(&graph, &p, "two")))),
        )
        .expect(1)
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path(&p))
        .and(query_param("$skiptoken", "two"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "page-2")
                .set_body_json(page(assignments(1..2), None)),
        )
        .expect(1)
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    use futures::TryStreamExt;
    let pages: Vec<_> = client
        .assignments()
        .list()
        .pages()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = pages.iter().map(|p| p.meta().request_id()).collect();
    assert_eq!(ids, [Some("page-1"), Some("page-2")]);
    assert!(pages.iter().all(|p| p.meta().status == 200));
}
