//! Shared test harness: a wiremock Graph with a loud catch-all, and a client
//! pointed at it with fast retries.
#![allow(dead_code)]
#![allow(clippy::expect_used)] // test helpers: failing loudly is the point

pub mod trace_capture;

use std::time::Duration;

use entra_access::auth::StaticToken;
use entra_access::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const TOKEN: &str = "test-token-7c1f0d1e";
pub const EM: &str = "/v1.0/identityGovernance/entitlementManagement";

/// A retry policy that retries like the default but without long sleeps.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

pub fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .token_provider(StaticToken::new(TOKEN))
        .retry_policy(fast_retries())
        .build()
        .expect("client builds")
}

/// A client for tests on Tokio's paused clock: no timer of its own (no
/// request timeout, no idle-pool timer), so while a request waits on the
/// server's socket no timer is pending and the paused clock cannot jump;
/// the only timers are the waits the client decides, and the paused clock
/// measures exactly those, however slow the machine.
pub fn paused_client_for(server: &MockServer, policy: RetryPolicy) -> Client {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("http client builds");
    Client::builder()
        .base_url(server.uri())
        .token_provider(StaticToken::new(TOKEN))
        .http_client(http)
        .timeout(Duration::MAX)
        .retry_policy(policy)
        .build()
        .expect("client builds")
}

/// Mounted last: any request no other mock matched gets a Graph error
/// envelope naming it, so a stray call fails its test loudly.
pub async fn mount_catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(|req: &wiremock::Request| {
            ResponseTemplate::new(418).set_body_json(json!({
                "error": {
                    "code": "UnexpectedRequest",
                    "message": format!("no mock for {} {}", req.method, req.url),
                }
            }))
        })
        .with_priority(u8::MAX)
        .mount(server)
        .await;
}

pub fn envelope(code: &str, message: &str) -> serde_json::Value {
    json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": "2024-05-01T10:00:00",
                "request-id": "req-123",
                "client-request-id": "client-456"
            }
        }
    })
}

/// A Graph-shaped assignment with an expanded target; `n` makes it unique.
pub fn assignment(n: usize) -> serde_json::Value {
    json!({
        "id": format!("asg-{n:05}"),
        "state": "delivered",
        "status": "Delivered",
        "expiredDateTime": null,
        "schedule": {
            "startDateTime": "2024-03-01T10:00:00Z",
            "expiration": {"endDateTime": null, "duration": null, "type": "noExpiration"}
        },
        "customExtensionCalloutInstances": [],
        "target": {
            "id": format!("sub-{n:05}"),
            "objectId": format!("usr-{n:05}"),
            "displayName": format!("User {n}"),
            "email": format!("user{n}@contoso.com"),
            "subjectType": "user"
        }
    })
}

/// Assignments `from..to` as JSON.
pub fn assignments(range: std::ops::Range<usize>) -> Vec<serde_json::Value> {
    range.map(assignment).collect()
}

/// A collection page: `value`, and `@odata.nextLink` when `next` is given.
pub fn page(items: Vec<serde_json::Value>, next: Option<&str>) -> serde_json::Value {
    let mut body = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#assignments",
        "value": items,
    });
    if let Some(link) = next {
        body["@odata.nextLink"] = json!(link);
    }
    body
}

/// The absolute next link Graph would send for `path` (below `/v1.0`) and
/// `skiptoken`, on `server`.
pub fn next_link(server: &MockServer, path: &str, skiptoken: &str) -> String {
    format!("{}{path}?$skiptoken={skiptoken}", server.uri())
}

/// Serves `body` at GET `path`: for the first page (no `$skiptoken`) when
/// `skiptoken` is `None`, else for that `$skiptoken`.
pub async fn mount_page(
    server: &MockServer,
    path: &str,
    skiptoken: Option<&str>,
    body: serde_json::Value,
) {
    let mock = Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path(path));
    let mock = match skiptoken {
        Some(t) => mock.and(wiremock::matchers::query_param("$skiptoken", t)),
        None => mock.and(wiremock::matchers::query_param_is_missing("$skiptoken")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// The `$skiptoken` of every request `server` received, in order (`None`
/// for a first-page request).
pub async fn skiptokens(server: &MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "$skiptoken")
                .map(|(_, v)| v.into_owned())
        })
        .collect()
}
