//! Listing at the limit: a stream that drains a list asks for `$top=999`
//! (or the client's page size) unless the caller set `top`; one page keeps
//! Graph's default; a 400 about the query option makes the stream ask again
//! without `$top`, and the client remembers that for the endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::*;
use entra_access::auth::StaticToken;
use entra_access::Client;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn queries(server: &MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn streams_ask_for_the_page_size_and_top_set_by_the_caller_wins() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments")))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(assignments(0..2), None)))
        .expect(4)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let small = Client::builder()
        .base_url(server.uri())
        .token_provider(StaticToken::new(TOKEN))
        .page_size(50)
        .build()
        .unwrap();

    assert_eq!(
        client.assignments().list().collect().await.unwrap().len(),
        2
    );
    small.assignments().list().collect().await.unwrap();
    small.assignments().list().top(7).collect().await.unwrap();
    client.assignments().list().send().await.unwrap();

    assert_eq!(
        queries(&server).await,
        [
            Some("$top=999".to_owned()),
            Some("$top=50".to_owned()),
            Some("$top=7".to_owned()),
            None,
        ]
    );
}

#[test]
fn a_page_size_above_graphs_maximum_is_refused_at_build() {
    for bad in [0, 1000, u32::MAX] {
        let err = Client::builder()
            .token_provider(StaticToken::new(TOKEN))
            .page_size(bad)
            .build()
            .unwrap_err();
        assert!(err.is_invalid_input(), "{bad}: {err}");
        assert!(err.to_string().contains("page size"), "{err}");
    }
}

#[tokio::test]
async fn a_refused_top_is_asked_again_without_it_and_remembered() {
    let server = MockServer::start().await;
    let list = format!("{EM}/assignmentPolicies");
    Mock::given(method("GET"))
        .and(path(&list))
        .and(query_param("$top", "999"))
        .respond_with(ResponseTemplate::new(400).set_body_json(envelope(
            "BadRequest",
            "Query option '$top' is not allowed. Make sure it is supported by the resource.",
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(&list))
        .and(query_param_is_missing("$top"))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            vec![serde_json::json!({"id": "p1"})],
            Some(&next_link(&server, &list, "two")),
        )))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(&list))
        .and(query_param("$skiptoken", "two"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(vec![serde_json::json!({"id": "p2"})], None)),
        )
        .expect(2)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);

    let first = client.assignment_policies().list().collect().await.unwrap();
    assert_eq!(first.len(), 2, "both pages, after the fallback");
    // A clone of the client shares what it learned: no `$top` this time.
    let again = client
        .clone()
        .assignment_policies()
        .list()
        .collect()
        .await
        .unwrap();
    assert_eq!(again.len(), 2);

    assert_eq!(
        queries(&server).await,
        [
            Some("$top=999".to_owned()),
            None,
            Some("$skiptoken=two".to_owned()),
            None,
            Some("$skiptoken=two".to_owned()),
        ]
    );
}

#[tokio::test]
async fn another_bad_request_is_not_retried_without_top() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments")))
        .respond_with(ResponseTemplate::new(400).set_body_json(envelope(
            "BadRequest",
            "Invalid filter clause: the property 'stop' does not exist.",
        )))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);

    let err = client.assignments().list().collect().await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(queries(&server).await, [Some("$top=999".to_owned())]);
}

#[tokio::test]
async fn a_refusal_of_a_top_the_caller_set_is_the_callers_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments")))
        .respond_with(ResponseTemplate::new(400).set_body_json(envelope(
            "BadRequest",
            "Query option '$top' is not allowed.",
        )))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);

    let err = client
        .assignments()
        .list()
        .top(10)
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn a_first_page_of_exactly_top_items_and_no_next_link_is_listed_again_without_top() {
    // Some Graph lists read `$top` as a total: the first `$top` items and
    // no next link, however many there are.
    let server = MockServer::start().await;
    let list = format!("{EM}/assignments");
    Mock::given(method("GET"))
        .and(path(&list))
        .and(query_param("$top", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(assignments(0..3), None)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(&list))
        .and(query_param_is_missing("$top"))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            assignments(0..2),
            Some(&next_link(&server, &list, "two")),
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(&list))
        .and(query_param("$skiptoken", "two"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(assignments(2..5), None)))
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let sized = |size| {
        Client::builder()
            .base_url(server.uri())
            .token_provider(StaticToken::new(TOKEN))
            .page_size(size)
            .build()
            .unwrap()
    };

    // Items: the first answer is dropped, each item comes once.
    let client = sized(3);
    let items = client.assignments().list().collect().await.unwrap();
    let ids: Vec<String> = items.iter().map(|a| a.id.to_string()).collect();
    let want: Vec<String> = assignments(0..5)
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, want);
    // Remembered: the next listing of that endpoint sends no `$top`.
    assert_eq!(
        client.assignments().list().collect().await.unwrap().len(),
        5
    );
    // Pages: the dropped page is not yielded either.
    let pages: Vec<usize> =
        futures::TryStreamExt::try_collect::<Vec<_>>(sized(3).assignments().list().pages())
            .await
            .unwrap()
            .iter()
            .map(|p| p.items().len())
            .collect();
    assert_eq!(pages, [2, 3]);

    assert_eq!(
        queries(&server).await,
        [
            Some("$top=3".to_owned()),
            None,
            Some("$skiptoken=two".to_owned()),
            None,
            Some("$skiptoken=two".to_owned()),
            Some("$top=3".to_owned()),
            None,
            Some("$skiptoken=two".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_refusal_of_another_query_option_is_not_retried_without_top() {
    // The message says "query option", but the option refused is `$filter`.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments")))
        .respond_with(ResponseTemplate::new(400).set_body_json(envelope(
            "BadRequest",
            "Query option 'Filter' is not allowed. To allow it, set the 'AllowedQueryOptions' \
             property on EnableQueryAttribute or QueryValidationSettings.",
        )))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);

    let err = client.assignments().list().collect().await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(queries(&server).await, [Some("$top=999".to_owned())]);
}
