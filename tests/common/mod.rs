//! Shared test harness: a wiremock Graph with a loud catch-all, and a client
//! pointed at it with fast retries.
#![allow(dead_code)]

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
