//! "Fuzz" targets through the public client: a local server answers with
//! arbitrary statuses, headers and bodies (random bytes and mutations of real
//! Graph pages), and every call must end in a value or a typed error that
//! names no token, never a panic or a hang.
//!
//! The cargo-fuzz toolchain needs nightly; these are proptest targets
//! instead. Case counts come from `PROPTEST_CASES` (256 by default); the
//! high-volume decoders are also fuzzed directly in the library's unit tests
//! (`paging::page_fuzz`, `error::graph_error`, `transport::retry_after`,
//! `models::duration`).

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use entra_access::auth::StaticToken;
use entra_access::{Client, ErrorKind, RetryPolicy};
use futures::TryStreamExt;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FIXTURES: [&str; 2] = [
    include_str!("../fixtures/models/assignment.json"),
    include_str!("../fixtures/models/assignment_request_expanded.json"),
];

/// What the server answers with next.
#[derive(Clone)]
struct Answer {
    status: u16,
    content_type: &'static str,
    retry_after: Option<String>,
    body: Vec<u8>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("retry_after", &self.retry_after)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

fn answer() -> impl Strategy<Value = Answer> {
    let status = prop_oneof![
        6 => Just(200u16),
        1 => prop::sample::select(vec![201u16, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504]),
        1 => 200u16..600,
    ];
    let content_type = prop::sample::select(vec![
        "application/json",
        "application/json;odata.metadata=minimal",
        "text/html",
        "application/octet-stream",
    ]);
    let retry_after = proptest::option::of(prop_oneof![
        "[0-9]{1,3}".boxed(),
        "\\PC{0,20}".boxed(),
        Just("Wed, 21 Oct 2015 07:28:00 GMT".to_owned()).boxed(),
    ]);
    (status, content_type, retry_after, body()).prop_map(
        |(status, content_type, retry_after, body)| Answer {
            status,
            content_type,
            retry_after,
            body,
        },
    )
}

/// Random bytes, or a real page or Graph error cut, flipped or spliced.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let page = (0..FIXTURES.len()).prop_map(|i| {
        format!(
            r#"{{"value":[{item},{item}],"@odata.nextLink":"/v1.0/x?$skiptoken=1"}}"#,
            item = FIXTURES[i]
        )
        .into_bytes()
    });
    let entity = (0..FIXTURES.len()).prop_map(|i| FIXTURES[i].as_bytes().to_vec());
    let error = Just(
        envelope("BadRequest", "Bearer leaked-looking text")
            .to_string()
            .into_bytes(),
    );
    let real = prop_oneof![page, entity, error];
    let mutated = (
        real,
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 0..6),
    )
        .prop_map(|(mut doc, edits)| {
            for (at, byte, op) in edits {
                let i = at.index(doc.len().max(1)).min(doc.len());
                match op {
                    0 => doc.truncate(i),
                    1 => {
                        if let Some(b) = doc.get_mut(i) {
                            *b = byte;
                        }
                    }
                    _ => doc.insert(i, byte),
                }
            }
            doc
        });
    prop_oneof![
        3 => mutated,
        1 => prop::collection::vec(any::<u8>(), 0..256),
    ]
}

/// A server that answers every request with the current `Answer`.
async fn server(current: Arc<Mutex<Answer>>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(move |_: &wiremock::Request| {
            let a = current.lock().unwrap().clone();
            let mut t = ResponseTemplate::new(a.status).set_body_raw(a.body, a.content_type);
            if let Some(v) = a.retry_after.as_deref()
                && http::HeaderValue::from_str(v).is_ok()
            {
                t = t.insert_header("Retry-After", v);
            }
            t
        })
        .mount(&server)
        .await;
    server
}

/// How long one call may take before it counts as hung. The server answers
/// at once and nothing is retried, so a call takes milliseconds; a wait of
/// minutes catches a hang (a loop that never ends, a wait on a long
/// Retry-After) without failing on a machine that is merely busy.
const HUNG: Duration = Duration::from_secs(300);

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .token_provider(StaticToken::new(TOKEN))
        .retry_policy(RetryPolicy::none())
        // Longer than the hang guard: a slow answer is never a `Timeout`.
        .timeout(HUNG * 2)
        .build()
        .unwrap()
}

fn typed(e: &entra_access::Error) -> Result<(), TestCaseError> {
    prop_assert!(
        matches!(
            e.kind(),
            ErrorKind::Decode | ErrorKind::Graph | ErrorKind::Paging
        ),
        "{:?}",
        e
    );
    let shown = format!("{e} {e:?}");
    prop_assert!(!shown.contains(TOKEN), "{}", shown);
    Ok(())
}

/// Runs `cases` of arbitrary answers against one public call.
fn fuzz<F, Fut>(call: F)
where
    F: Fn(Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), entra_access::Error>>,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let current = Arc::new(Mutex::new(Answer {
        status: 200,
        content_type: "application/json",
        retry_after: None,
        body: Vec::new(),
    }));
    let server = rt.block_on(server(current.clone()));
    let client = client(&server);
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&answer(), |a| {
            *current.lock().unwrap() = a;
            let fut = call(client.clone());
            let result = rt.block_on(async { tokio::time::timeout(HUNG, fut).await });
            match result {
                Err(_) => Err(TestCaseError::fail("the call hung")),
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => typed(&e),
            }
        })
        .unwrap();
}

#[test]
fn first_page_of_assignments() {
    fuzz(|client| async move { client.assignments().list().send().await.map(drop) });
}

#[test]
fn streaming_every_page_of_requests() {
    fuzz(|client| async move {
        let mut s = client.assignment_requests().list().stream();
        // A repeating next link ends the stream with a Paging error.
        while s.try_next().await?.is_some() {}
        Ok(())
    });
}

#[test]
fn one_assignment() {
    fuzz(|client| async move { client.assignments().get("a1").send().await.map(drop) });
}
