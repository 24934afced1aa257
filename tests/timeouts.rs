//! Timeouts and cancellation: a hung server gives a `Timeout` error, a
//! dropped stream stops fetching, and a dropped bulk run stops its tasks.

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

/// Dropping a bulk run half-way: its tasks end, nothing more is sent, and a
/// second run finishes the job without requesting anyone twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_bulk_run_midway_stops_its_tasks_and_requests() {
    use entra_access::fake::{
        AccessPackageSeed, FakeGraph, Fault, GroupSeed, PolicySeed, UserSeed,
    };
    use entra_access::ops::Outcome;

    const USERS: usize = 120;
    let fake = FakeGraph::builder().seed(3).start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Everyone"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let users: Vec<_> = (0..USERS)
        .map(|i| fake.add_user(UserSeed::new(&format!("User {i}"))))
        .collect();
    let group = fake.add_group(GroupSeed::new("All").members(users.iter()));
    fake.inject(
        Fault::latency(Duration::from_millis(60))
            .always()
            .on_method("POST"),
    );
    // No idle keep-alive connections, whose tasks would outlive the run.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let client = fake.client_builder().http_client(http).build().unwrap();
    let metrics = tokio::runtime::Handle::current().metrics();
    let before = metrics.num_alive_tasks();

    let run = client
        .bulk_assign_group(&pkg, &policy, &group)
        .concurrency(8)
        .run();
    let dropped = tokio::time::timeout(Duration::from_millis(700), run).await;
    assert!(dropped.is_err(), "the run should still be going");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let posts = fake.assignment_request_posts();
    assert!(posts > 0 && posts < USERS, "{posts} writes before the drop");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        fake.assignment_request_posts(),
        posts,
        "writes went on after the drop"
    );
    assert_eq!(metrics.num_alive_tasks(), before, "tasks outlived the run");
    // Every write that reached the fake made exactly one request.
    assert_eq!(fake.assignment_requests().len(), posts);

    let report = client
        .bulk_assign_group(&pkg, &policy, &group)
        .concurrency(8)
        .run()
        .await
        .unwrap();
    let t = report.totals();
    assert_eq!(
        (t.created, t.skipped, t.failed),
        (USERS - posts, posts, 0),
        "{t:?}"
    );
    let requests = fake.assignment_requests();
    assert_eq!(requests.len(), USERS);
    for u in &users {
        let mine = requests
            .iter()
            .filter(|r| r.target_object_id.as_ref() == Some(u))
            .count();
        assert_eq!(mine, 1, "{u}");
        let row = report.row(u.as_str()).unwrap();
        assert!(
            matches!(row.outcome, Outcome::Submitted | Outcome::Skipped),
            "{row:?}"
        );
    }
}
