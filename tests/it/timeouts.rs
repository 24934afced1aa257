//! Timeouts and cancellation: a hung server gives a `Timeout` error, a
//! dropped stream stops fetching, and a dropped bulk run stops its tasks.

use crate::common;

use std::time::Duration;

use common::*;
use entra_access::auth::StaticToken;
use entra_access::{Client, ErrorKind, RetryPolicy};
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(start_paused = true)]
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
    // On the paused clock the timeout fires as soon as the client idles.
    let started = tokio::time::Instant::now();
    let err = client.raw().get::<Value>("me").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_timeout());
    assert_eq!(started.elapsed(), Duration::from_millis(200));
}

/// A listener whose accept queue is full: connecting to it hangs until the
/// connect timeout (the kernel drops further SYNs). Returns its address and
/// what keeps it full.
async fn unreachable_listener() -> (std::net::SocketAddr, impl Sized) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..16 {
        // A connect that does not finish within a second is taken as the
        // sign that the queue is full; a busy machine connects well within.
        match tokio::time::timeout(Duration::from_secs(1), tokio::net::TcpStream::connect(addr))
            .await
        {
            Ok(Ok(stream)) => held.push(stream),
            _ => break,
        }
    }
    (addr, (listener, held))
}

#[tokio::test]
async fn a_post_that_never_connected_is_retried_and_not_called_uncertain() {
    let (addr, _keep) = unreachable_listener().await;
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .token_provider(StaticToken::new(TOKEN))
        .connect_timeout(Duration::from_millis(100))
        .retry_policy(fast_retries().max_retries(2))
        .build()
        .unwrap();
    let err = client.raw().post("things", &json!({})).await.unwrap_err();
    // A connect timeout is both "connect" and "timeout" to reqwest; nothing
    // was sent, so the POST was retried and is not "may have been processed".
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert!(!err.may_have_been_processed(), "{err:?}");
    assert!(err.is_retryable(), "{err:?}");
}

#[tokio::test]
async fn a_timeout_of_duration_max_means_no_deadline() {
    let graph = MockServer::start().await;
    let answers = [
        json!({"id": "req-1", "state": "submitted", "status": "Accepted"}),
        json!({"id": "req-1", "state": "delivered", "status": "Delivered"}),
    ];
    let polls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&polls);
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignmentRequests/req-1")))
        .respond_with(move |_: &wiremock::Request| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(answers[(n % 2).min(1)].clone())
        })
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    let client = Client::builder()
        .base_url(graph.uri())
        .token_provider(StaticToken::new(TOKEN))
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .build()
        .unwrap();
    let requests = client.assignment_requests();
    let done = requests
        .wait_until_final("req-1")
        .poll_interval(Duration::from_millis(1))
        .timeout(Duration::MAX)
        .send()
        .await
        .unwrap();
    assert_eq!(
        done.state.map(|s| s.to_string()).as_deref(),
        Some("delivered")
    );
    let seen: Vec<_> = requests
        .watch("req-1")
        .poll_interval(Duration::from_millis(1))
        .max_interval(Duration::MAX)
        .timeout(Duration::MAX)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(polls.load(std::sync::atomic::Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_timed_out_post_may_have_been_processed_and_is_not_retried() {
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(30)))
        .expect(1)
        .mount(&graph)
        .await;
    // Real time (the server must have the POST before the client gives up,
    // which `expect(1)` checks): a second leaves a busy machine ample time
    // to deliver it.
    let client = Client::builder()
        .base_url(graph.uri())
        .token_provider(StaticToken::new(TOKEN))
        .timeout(Duration::from_secs(1))
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
    use entra_access_fake::{AccessPackageSeed, FakeGraph, Fault, GroupSeed, PolicySeed, UserSeed};
    use entra_access_ops::Outcome;

    const USERS: usize = 120;
    let fake = FakeGraph::builder().seed(3).start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Everyone"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let users: Vec<_> = (0..USERS)
        .map(|i| fake.add_user(UserSeed::new(&format!("User {i}"))))
        .collect();
    let group = fake.add_group(GroupSeed::new("All").members(users.iter()));
    // Slow writes: the run lasts 15 rounds of 150 ms, much longer than the
    // 5 ms between the checks below, even when a busy machine stretches them.
    fake.inject(
        Fault::latency(Duration::from_millis(150))
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

    let mut run = Box::pin(
        entra_access_ops::BulkAssign::group(&client, &pkg, &policy, &group)
            .concurrency(8)
            .run(),
    );
    // Drop the run once it has written a few requests (not after a fixed
    // time, which a busy machine would stretch).
    loop {
        tokio::select! {
            report = &mut run => panic!("the run should still be going: {report:?}"),
            () = tokio::time::sleep(Duration::from_millis(5)) => {
                if fake.assignment_request_posts() >= 8 {
                    break;
                }
            }
        }
    }
    drop(run);
    // Writes already on their way may still reach the fake (later on a busy
    // machine): wait until the count holds still for 300 ms. Writes that go
    // on after the drop never let it, until every user is written.
    let mut posts = fake.assignment_request_posts();
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = fake.assignment_request_posts();
        if now == posts || now >= USERS {
            posts = now;
            break;
        }
        posts = now;
    }
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

    let report = entra_access_ops::BulkAssign::group(&client, &pkg, &policy, &group)
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
            matches!(
                row.outcome,
                Outcome::Submitted | Outcome::Skipped | Outcome::AlreadyDone(_)
            ),
            "{row:?}"
        );
    }
}
