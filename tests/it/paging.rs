//! Paging on the wire: every item once and in order, empty pages, the page
//! cap and the run of empty pages, the loop and origin guards, resuming
//! from a saved link, malformed pages, a token per page, and cancellation
//! of the lookahead fetch on drop.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use crate::common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use common::*;
use entra_access::auth::{AccessToken, AuthError, TokenProvider};
use entra_access::models::Assignment;
use entra_access::paging::ItemStream;
use entra_access::request::RequestOptions;
use entra_access::{Client, ErrorKind};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assignments_path() -> String {
    format!("{EM}/assignments")
}

fn ids(items: &[Assignment]) -> Vec<String> {
    items.iter().map(|a| a.id.to_string()).collect()
}

fn expected_ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|n| format!("asg-{n:05}")).collect()
}

/// Mounts pages of `sizes` items each, chained by absolute next links
/// (`$skiptoken=p2`, `p3`, …); returns the total item count.
async fn mount_chain(server: &MockServer, sizes: &[usize]) -> usize {
    let p = assignments_path();
    let mut start = 0;
    for (i, &size) in sizes.iter().enumerate() {
        let token = (i > 0).then(|| format!("p{}", i + 1));
        let next = (i + 1 < sizes.len()).then(|| next_link(server, &p, &format!("p{}", i + 2)));
        let body = page(assignments(start..start + size), next.as_deref());
        mount_page(server, &p, token.as_deref(), body).await;
        start += size;
    }
    start
}

#[tokio::test]
async fn every_item_of_every_page_comes_once_and_in_order() {
    let graph = MockServer::start().await;
    let total = mount_chain(&graph, &[3, 3, 3, 2]).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let items = client.assignments().list().collect().await.unwrap();

    assert_eq!(ids(&items), expected_ids(0..total));
    assert_eq!(
        skiptokens(&graph).await,
        vec![
            None,
            Some("p2".into()),
            Some("p3".into()),
            Some("p4".into())
        ]
    );
    for req in graph.received_requests().await.unwrap() {
        assert_eq!(
            req.headers.get("authorization").unwrap(),
            format!("Bearer {TOKEN}").as_str(),
            "every page carries the token"
        );
    }
}

#[tokio::test]
async fn item_stream_counts_what_is_buffered_across_pages_of_any_size() {
    // One buffer is reused for every page: a page larger than the one before
    // must fit, a smaller one must not bring back items of the last.
    let graph = MockServer::start().await;
    let total = mount_chain(&graph, &[3, 1, 4, 2]).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let mut stream = client.assignments().list().stream();
    let mut seen = Vec::new();
    let mut buffered = Vec::new();
    while let Some(a) = stream.try_next().await.unwrap() {
        seen.push(a);
        buffered.push(ItemStream::buffered(&stream));
    }

    assert_eq!(ids(&seen), expected_ids(0..total));
    assert_eq!(buffered, vec![2, 1, 0, 0, 3, 2, 1, 0, 1, 0]);
    assert_eq!(ItemStream::buffered(&stream), 0);
    assert!(
        stream.next_link().is_none(),
        "the last page has no next link"
    );
}

#[tokio::test]
async fn page_stream_yields_pages_and_tracks_the_next_link() {
    let graph = MockServer::start().await;
    mount_chain(&graph, &[2, 2, 1]).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let mut pages = client.assignments().list().pages();
    assert!(pages.next_link().is_none(), "nothing read yet");
    let mut sizes = Vec::new();
    let mut links = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        sizes.push(page.items().len());
        assert_eq!(page.next_link(), pages.next_link());
        links.push(pages.next_link().map(|u| u.to_string()));
    }
    assert_eq!(sizes, vec![2, 2, 1]);
    let p = assignments_path();
    assert_eq!(
        links,
        vec![
            Some(next_link(&graph, &p, "p2")),
            Some(next_link(&graph, &p, "p3")),
            None
        ]
    );
    assert!(pages.next().await.is_none(), "stays ended");
}

#[tokio::test]
async fn empty_pages_with_a_next_link_are_skipped_over() {
    let graph = MockServer::start().await;
    mount_chain(&graph, &[2, 0, 0, 3]).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let items = client.assignments().list().collect().await.unwrap();

    assert_eq!(ids(&items), expected_ids(0..5));
    assert_eq!(graph.received_requests().await.unwrap().len(), 4);
}

/// Serves page `n` of a generated listing at the assignments path: `page(n)`
/// gives its items and whether a next link (`$skiptoken=t<n+1>`, new on
/// every page) follows. Page 1 is the request without a skip token.
struct Generated<F> {
    base: String,
    page: F,
}

impl<F> wiremock::Respond for Generated<F>
where
    F: Fn(usize) -> (Vec<serde_json::Value>, bool) + Send + Sync + 'static,
{
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let n = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "$skiptoken")
            .and_then(|(_, v)| v.strip_prefix('t').and_then(|n| n.parse().ok()))
            .unwrap_or(1);
        let (items, more) = (self.page)(n);
        let next = more.then(|| format!("{}?$skiptoken=t{}", self.base, n + 1));
        ResponseTemplate::new(200).set_body_json(page(items, next.as_deref()))
    }
}

async fn mount_generated<F>(server: &MockServer, page: F)
where
    F: Fn(usize) -> (Vec<serde_json::Value>, bool) + Send + Sync + 'static,
{
    let p = assignments_path();
    let base = format!("{}{p}", server.uri());
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(Generated { base, page })
        .mount(server)
        .await;
}

/// How many pages a generated listing that "never ends" serves before it
/// does end: far past every bound under test, so that code without the
/// bounds finishes (and the test fails) instead of hanging.
const ENDLESS: usize = 5_000;

#[tokio::test]
async fn an_endless_run_of_empty_pages_ends_in_a_paging_error() {
    let graph = MockServer::start().await;
    // Empty pages, each with a new skip token: no link repeats.
    mount_generated(&graph, |n| (Vec::new(), n < ENDLESS)).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let mut pages = client.assignments().list().pages();
    let mut read = 0;
    let err = loop {
        match pages.try_next().await {
            Ok(Some(page)) => {
                assert!(page.items().is_empty());
                read += 1;
            }
            Ok(None) => panic!("the listing ended after {read} pages without an error"),
            Err(e) => break e,
        }
    };

    assert_eq!(err.kind(), ErrorKind::Paging);
    assert!(
        err.to_string().contains("100 empty pages in a row"),
        "{err}"
    );
    assert_eq!(read, 100, "every page read was yielded before the error");
    assert_eq!(
        graph.received_requests().await.unwrap().len(),
        100,
        "nothing is asked past the run"
    );
    assert!(
        pages
            .next_link()
            .unwrap()
            .as_str()
            .ends_with("$skiptoken=t101"),
        "the link not followed is kept for a deliberate resume"
    );
    assert!(
        pages.try_next().await.unwrap().is_none(),
        "ends after the error"
    );
    let err = client.assignments().list().collect().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Paging, "collect stops the same way");
}

#[tokio::test]
async fn the_page_cap_stops_a_listing_that_never_ends() {
    let graph = MockServer::start().await;
    // One item a page, a new skip token on every page.
    mount_generated(&graph, |n| (assignments(n - 1..n), n < ENDLESS)).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let mut items = client
        .assignments()
        .list()
        .options(RequestOptions::new().max_pages(30))
        .stream();
    let mut seen = Vec::new();
    let err = loop {
        match items.try_next().await {
            Ok(Some(a)) => seen.push(a),
            Ok(None) => panic!("the listing ended after {} items", seen.len()),
            Err(e) => break e,
        }
    };
    assert_eq!(err.kind(), ErrorKind::Paging);
    assert!(err.to_string().contains("30 pages"), "{err}");
    assert!(
        err.to_string().contains("max_pages"),
        "says how to allow more: {err}"
    );
    assert_eq!(
        ids(&seen),
        expected_ids(0..30),
        "the 30 pages' items, then the error"
    );
    assert_eq!(graph.received_requests().await.unwrap().len(), 30);

    // A view's cap holds for a resumed listing too, counted from the resume.
    let view = client
        .with_options(RequestOptions::new().max_pages(3))
        .unwrap();
    let link = format!("{}{}?$skiptoken=t41", graph.uri(), assignments_path());
    let results: Vec<_> = view.assignments().resume(&link).collect().await;
    assert_eq!(results.len(), 4, "three pages and the error");
    let err = results[3].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Paging);
    assert_eq!(
        results[2].as_ref().unwrap().items()[0].id.as_str(),
        "asg-00042"
    );
}

#[tokio::test]
async fn a_page_cap_of_zero_is_refused_before_anything_is_sent() {
    let graph = MockServer::start().await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let err = client
        .assignments()
        .list()
        .options(RequestOptions::new().max_pages(0))
        .collect()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    assert!(err.to_string().contains("max_pages"), "{err}");
    assert!(client
        .with_options(RequestOptions::new().max_pages(0))
        .unwrap_err()
        .is_invalid_input());
    assert!(graph.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_long_listing_with_runs_of_empty_pages_is_read_to_the_end() {
    const PAGES: usize = 300;
    let graph = MockServer::start().await;
    // Every hundredth page holds an item; the 99 before it are empty: the
    // longest run of empty pages a stream follows, three times over, in a
    // listing three times as long as that run.
    mount_generated(&graph, |n| {
        let items = if n % 100 == 0 {
            assignments(n..n + 1)
        } else {
            Vec::new()
        };
        (items, n < PAGES)
    })
    .await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let items = client.assignments().list().collect().await.unwrap();
    assert_eq!(ids(&items), ["asg-00100", "asg-00200", "asg-00300"]);
    assert_eq!(graph.received_requests().await.unwrap().len(), PAGES);

    // A cap of exactly the listing's length lets it finish; one less does not.
    let capped = |n| {
        client
            .assignments()
            .list()
            .options(RequestOptions::new().max_pages(n))
            .collect()
    };
    assert_eq!(capped(PAGES as u32).await.unwrap().len(), 3);
    assert_eq!(
        capped(PAGES as u32 - 1).await.unwrap_err().kind(),
        ErrorKind::Paging
    );
}

#[tokio::test]
async fn a_repeated_next_link_stops_with_a_paging_error_after_the_earlier_items() {
    let graph = MockServer::start().await;
    let p = assignments_path();
    let link2 = next_link(&graph, &p, "p2");
    let link3 = next_link(&graph, &p, "p3");
    mount_page(&graph, &p, None, page(assignments(0..2), Some(&link2))).await;
    mount_page(
        &graph,
        &p,
        Some("p2"),
        page(assignments(2..4), Some(&link3)),
    )
    .await;
    // Page 3 points back at page 2: a loop.
    mount_page(
        &graph,
        &p,
        Some("p3"),
        page(assignments(4..5), Some(&link2)),
    )
    .await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let mut stream = client.assignments().list().stream();
    let mut seen = Vec::new();
    let err = loop {
        match stream.next().await {
            Some(Ok(a)) => seen.push(a),
            Some(Err(e)) => break e,
            None => panic!("the loop was not detected"),
        }
    };

    assert_eq!(err.kind(), ErrorKind::Paging);
    assert!(err.to_string().contains("before"), "{err}");
    assert_eq!(ids(&seen), expected_ids(0..5));
    assert!(
        stream.next_link().is_none(),
        "a refused link is not offered for resuming"
    );
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the error"
    );
    assert_eq!(
        skiptokens(&graph).await,
        vec![None, Some("p2".into()), Some("p3".into())],
        "page 2 was not fetched again"
    );
}

#[tokio::test]
async fn a_next_link_to_the_first_page_is_a_loop_too() {
    let graph = MockServer::start().await;
    let p = assignments_path();
    // The first page as the stream asked for it (with the default `$top`).
    let first = format!("{}{p}?$top=999", graph.uri());
    mount_page(&graph, &p, None, page(assignments(0..1), Some(&first))).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let err = client.assignments().list().collect().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Paging);
    assert_eq!(graph.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_next_link_off_the_graph_origin_is_refused_and_nothing_is_sent_there() {
    let graph = MockServer::start().await;
    let foreign = MockServer::start().await;
    mount_catch_all(&foreign).await;
    let p = assignments_path();
    let link2 = next_link(&graph, &p, "p2");
    let off = next_link(&foreign, &p, "p3");
    mount_page(&graph, &p, None, page(assignments(0..2), Some(&link2))).await;
    mount_page(&graph, &p, Some("p2"), page(assignments(2..3), Some(&off))).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let mut stream = client.assignments().list().stream();
    let mut seen = Vec::new();
    let err = loop {
        match stream.next().await {
            Some(Ok(a)) => seen.push(a),
            Some(Err(e)) => break e,
            None => panic!("the foreign link was followed or ignored"),
        }
    };

    assert_eq!(err.kind(), ErrorKind::Paging);
    assert!(err.to_string().contains("origin"), "{err}");
    assert_eq!(ids(&seen), expected_ids(0..3));
    assert!(stream.next().await.is_none());
    assert!(
        foreign.received_requests().await.unwrap().is_empty(),
        "the foreign server received a request"
    );
}

#[tokio::test]
async fn resume_refuses_a_link_off_the_graph_origin() {
    let graph = MockServer::start().await;
    let foreign = MockServer::start().await;
    mount_catch_all(&graph).await;
    mount_catch_all(&foreign).await;
    let client = client_for(&graph);

    let link = next_link(&foreign, &assignments_path(), "p2");
    let err = client
        .assignments()
        .resume(&link)
        .try_next()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Paging);
    let err = client
        .assignments()
        .resume("not a url")
        .try_next()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    assert!(foreign.received_requests().await.unwrap().is_empty());
    assert!(graph.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_saved_next_link_resumes_with_the_rest() {
    let graph = MockServer::start().await;
    mount_chain(&graph, &[2, 2, 2, 1]).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let mut pages = client.assignments().list().top(2).pages();
    let first = pages.try_next().await.unwrap().unwrap();
    let saved = pages.next_link().unwrap().to_string();
    drop(pages);
    assert_eq!(ids(first.items()), expected_ids(0..2));
    assert_eq!(saved, next_link(&graph, &assignments_path(), "p2"));

    let rest: Vec<Assignment> = client
        .assignments()
        .resume(&saved)
        .map_ok(|page| {
            futures::stream::iter(
                page.into_items()
                    .into_iter()
                    .map(Ok::<_, entra_access::Error>),
            )
        })
        .try_flatten()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&rest), expected_ids(2..7));
    let tokens = skiptokens(&graph).await;
    // The first stream may have fetched page 2 ahead before it was dropped.
    let tail = [Some("p2".into()), Some("p3".into()), Some("p4".into())];
    assert!(tokens.len() == 4 || tokens.len() == 5, "{tokens:?}");
    assert_eq!(tokens[0], None);
    assert_eq!(&tokens[tokens.len() - 3..], &tail, "{tokens:?}");
}

#[tokio::test]
async fn a_page_without_value_is_a_decode_error_after_the_earlier_items() {
    let graph = MockServer::start().await;
    let p = assignments_path();
    let link2 = next_link(&graph, &p, "p2");
    mount_page(&graph, &p, None, page(assignments(0..3), Some(&link2))).await;
    mount_page(
        &graph,
        &p,
        Some("p2"),
        json!({"items": [], "@odata.nextLink": null}),
    )
    .await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let mut stream = client.assignments().list().stream();
    let mut seen = Vec::new();
    let err = loop {
        match stream.next().await {
            Some(Ok(a)) => seen.push(a),
            Some(Err(e)) => break e,
            None => panic!("the malformed page was accepted"),
        }
    };

    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("page"), "{err}");
    let source = std::error::Error::source(&err)
        .map(|s| s.to_string())
        .unwrap_or_default();
    assert!(
        source.contains("value"),
        "the cause names the field: {source}"
    );
    assert_eq!(ids(&seen), expected_ids(0..3));
    assert!(stream.next().await.is_none(), "the stream ends");
}

#[tokio::test]
async fn a_wrongly_typed_item_is_a_decode_error_naming_its_json_path() {
    let graph = MockServer::start().await;
    let p = assignments_path();
    let link2 = next_link(&graph, &p, "p2");
    let link3 = next_link(&graph, &p, "p3");
    let mut bad = assignments(3..6);
    bad[1]["target"]["objectId"] = json!(42);
    mount_page(&graph, &p, None, page(assignments(0..3), Some(&link2))).await;
    mount_page(&graph, &p, Some("p2"), page(bad, Some(&link3))).await;
    mount_page(&graph, &p, Some("p3"), page(assignments(6..7), None)).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let mut stream = client.assignments().list().stream();
    let mut seen = Vec::new();
    let err = loop {
        match stream.next().await {
            Some(Ok(a)) => seen.push(a),
            Some(Err(e)) => break e,
            None => panic!("the malformed page was accepted"),
        }
    };

    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string().contains("value[1].target.objectId"),
        "{err}"
    );
    assert_eq!(ids(&seen), expected_ids(0..3), "no item of the bad page");
    assert!(stream.next().await.is_none(), "the stream ends");
    assert!(
        !skiptokens(&graph).await.contains(&Some("p3".into())),
        "nothing after the bad page was fetched"
    );
}

#[tokio::test]
async fn a_value_that_is_not_a_list_is_a_decode_error() {
    let graph = MockServer::start().await;
    mount_page(
        &graph,
        &assignments_path(),
        None,
        json!({"value": {"id": "asg-1"}}),
    )
    .await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let err = client.assignments().list().collect().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("`value`"), "{err}");
}

/// Counts token requests; the second and later calls can be made to hang,
/// reporting through `dropped` when their future is dropped unfinished.
#[derive(Debug, Default)]
struct Counting {
    calls: AtomicUsize,
    hang_after_first: bool,
    dropped: Arc<AtomicBool>,
}

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[async_trait]
impl TokenProvider for Counting {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if self.hang_after_first && n > 0 {
            let guard = SetOnDrop(Arc::clone(&self.dropped));
            tokio::time::sleep(Duration::from_secs(30)).await;
            std::mem::forget(guard);
        }
        Ok(AccessToken::without_expiry(TOKEN))
    }
}

fn uncached_client(server: &MockServer, provider: Arc<Counting>) -> Client {
    #[derive(Debug)]
    struct Shared(Arc<Counting>);
    #[async_trait]
    impl TokenProvider for Shared {
        async fn token(&self) -> Result<AccessToken, AuthError> {
            self.0.token().await
        }
    }
    Client::builder()
        .base_url(server.uri())
        .token_provider(Shared(provider))
        .cache_tokens(false)
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_token_is_asked_for_every_page() {
    let graph = MockServer::start().await;
    mount_chain(&graph, &[1, 1, 1, 1]).await;
    mount_catch_all(&graph).await;
    let provider = Arc::new(Counting::default());
    let client = uncached_client(&graph, Arc::clone(&provider));

    let items = client.assignments().list().collect().await.unwrap();

    assert_eq!(items.len(), 4);
    assert_eq!(provider.calls.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn nothing_is_sent_before_the_stream_is_polled() {
    let graph = MockServer::start().await;
    mount_chain(&graph, &[1, 1]).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let stream = client.assignments().list().stream();
    tokio::time::sleep(Duration::from_millis(50)).await;
    drop(stream);

    assert!(graph.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn dropping_the_stream_cancels_the_lookahead_fetch() {
    let graph = MockServer::start().await;
    mount_chain(&graph, &[2, 2, 2]).await;
    mount_catch_all(&graph).await;
    let provider = Arc::new(Counting {
        hang_after_first: true,
        ..Counting::default()
    });
    let client = uncached_client(&graph, Arc::clone(&provider));

    let mut stream = client.assignments().list().stream();
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.id.to_string(), "asg-00000");
    // The lookahead fetch of page 2 is now waiting for its token.
    // A hang guard only: generous, so a busy machine does not trip it.
    tokio::time::timeout(Duration::from_secs(120), async {
        while provider.calls.load(Ordering::SeqCst) < 2 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the lookahead fetch started");
    drop(stream);

    // A hang guard only: generous, so a busy machine does not trip it.
    tokio::time::timeout(Duration::from_secs(120), async {
        while !provider.dropped.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the in-flight fetch was canceled");
    assert_eq!(graph.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn dropping_the_stream_mid_way_sends_at_most_one_more_request() {
    let graph = MockServer::start().await;
    let p = assignments_path();
    let link2 = next_link(&graph, &p, "p2");
    let link3 = next_link(&graph, &p, "p3");
    mount_page(&graph, &p, None, page(assignments(0..2), Some(&link2))).await;
    Mock::given(method("GET"))
        .and(path(p.as_str()))
        .and(wiremock::matchers::query_param("$skiptoken", "p2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(assignments(2..4), Some(&link3)))
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&graph)
        .await;
    mount_page(&graph, &p, Some("p3"), page(assignments(4..6), None)).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let mut pages = client.assignments().list().pages();
    let first = pages.try_next().await.unwrap().unwrap();
    assert_eq!(first.items().len(), 2);
    drop(pages);
    tokio::time::sleep(Duration::from_millis(600)).await;

    let tokens = skiptokens(&graph).await;
    assert!(tokens.len() <= 2, "{tokens:?}");
    assert!(!tokens.contains(&Some("p3".into())), "{tokens:?}");
}
