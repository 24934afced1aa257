//! Token providers against a fake identity platform.
// Helpers outside #[test] functions unwrap too; a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use entra_access::auth::{
    AccessToken, AuthError, CachedTokenProvider, Secret, TokenFn, TokenProvider,
};

/// Distinctive strings that must never show up in Debug or Display output.
const ACCESS_TOKEN: &str = "eyJ0eXAi.ACCESS-TOKEN-xk42";
const TOKEN_MARKER: &str = "ACCESS-TOKEN-xk42";
const SECRET_MARKER: &str = "SECRET-zq81";

#[cfg(feature = "client-credentials")]
mod client_credentials {
    use std::collections::HashMap;

    use super::*;
    use entra_access::auth::ClientCredentials;
    use entra_access::Cloud;
    use serde_json::json;
    use wiremock::matchers::{any, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const TENANT: &str = "contoso.onmicrosoft.com";
    const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
    /// A secret with characters that must be form-encoded.
    const CLIENT_SECRET: &str = "a+b/c=&d SECRET-zq81";
    const TOKEN_PATH: &str = "/contoso.onmicrosoft.com/oauth2/v2.0/token";

    /// Fails loudly on any request no other mock expects.
    async fn mount_catch_all(server: &MockServer) {
        Mock::given(any())
            .respond_with(ResponseTemplate::new(418).set_body_string("unexpected request"))
            .with_priority(u8::MAX)
            .expect(0)
            .named("catch-all")
            .mount(server)
            .await;
    }

    fn token_body(token: &str, expires_in: u64) -> serde_json::Value {
        json!({
            "token_type": "Bearer",
            "expires_in": expires_in,
            "ext_expires_in": expires_in,
            "access_token": token
        })
    }

    fn credentials(server: &MockServer) -> ClientCredentials {
        ClientCredentials::new(TENANT, CLIENT_ID, CLIENT_SECRET)
            .unwrap()
            .authority_host(&server.uri())
            .unwrap()
    }

    fn form_fields(body: &[u8]) -> HashMap<String, String> {
        url::form_urlencoded::parse(body).into_owned().collect()
    }

    #[tokio::test]
    async fn posts_the_form_the_identity_platform_expects() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body(ACCESS_TOKEN, 3599)))
            .expect(1)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        let before = SystemTime::now();
        let token = credentials(&server).token().await.unwrap();
        let after = SystemTime::now();
        assert_eq!(token.secret.expose(), ACCESS_TOKEN);
        let expires_at = token.expires_at.expect("expiry from expires_in");
        assert!(expires_at >= before + Duration::from_secs(3599));
        assert!(expires_at <= after + Duration::from_secs(3599));

        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert!(
            request.headers.get("authorization").is_none(),
            "no Basic auth"
        );
        let body = std::str::from_utf8(&request.body).unwrap();
        assert!(
            body.contains("client_secret=a%2Bb%2Fc%3D%26d+SECRET-zq81"),
            "{body}"
        );
        let expected: HashMap<String, String> = [
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("scope", "https://graph.microsoft.com/.default"),
            ("grant_type", "client_credentials"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(form_fields(&request.body), expected);
    }

    #[tokio::test]
    async fn scope_follows_the_cloud_and_can_be_set() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body(ACCESS_TOKEN, 3599)))
            .expect(2)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        // `cloud` sets the authority host too, so point it at the server after.
        ClientCredentials::new(TENANT, CLIENT_ID, CLIENT_SECRET)
            .unwrap()
            .cloud(Cloud::UsGov)
            .authority_host(&server.uri())
            .unwrap()
            .token()
            .await
            .unwrap();
        credentials(&server)
            .scope("api://custom/.default")
            .token()
            .await
            .unwrap();

        let scopes: Vec<String> = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| form_fields(&r.body)["scope"].clone())
            .collect();
        assert_eq!(
            scopes,
            [
                "https://graph.microsoft.us/.default",
                "api://custom/.default"
            ]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cached_client_credentials_share_one_request() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(token_body(ACCESS_TOKEN, 3599))
                    .set_delay(Duration::from_millis(100)),
            )
            .expect(1)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        let provider = Arc::new(CachedTokenProvider::new(credentials(&server)));
        let calls: Vec<_> = (0..20)
            .map(|_| {
                let provider = provider.clone();
                tokio::spawn(async move { provider.token().await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap().secret.expose(), ACCESS_TOKEN);
        }
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }

    /// Credentials whose HTTP client has no timer of its own, for tests on
    /// the paused clock.
    fn paused_credentials(server: &MockServer) -> ClientCredentials {
        let http = reqwest::Client::builder()
            .pool_idle_timeout(None)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        credentials(server).http_client(http)
    }

    #[tokio::test(start_paused = true)]
    async fn short_lived_token_is_used_for_most_of_its_life() {
        let server = MockServer::start().await;
        // A 60-second token lies wholly inside the default 5-minute margin;
        // it is still used for 54 seconds (nine tenths of its life).
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body(ACCESS_TOKEN, 60)))
            .expect(2)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        let provider =
            CachedTokenProvider::new(paused_credentials(&server)).load_timeout(Duration::MAX);
        provider.token().await.unwrap();
        tokio::time::advance(Duration::from_secs(50)).await;
        provider.token().await.unwrap();
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
        tokio::time::advance(Duration::from_secs(6)).await;
        provider.token().await.unwrap();
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_token_endpoint_503_is_retried_and_not_fanned_out() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(
                ResponseTemplate::new(503)
                    .set_body_string("<html>Service Unavailable</html>")
                    .set_delay(Duration::from_millis(50)),
            )
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body(ACCESS_TOKEN, 3599)))
            .expect(1)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        let provider = Arc::new(CachedTokenProvider::new(credentials(&server)));
        let calls: Vec<_> = (0..10)
            .map(|_| {
                let provider = provider.clone();
                tokio::spawn(async move { provider.token().await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap().secret.expose(), ACCESS_TOKEN);
        }
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_reset_connection_to_the_token_endpoint_is_unavailable() {
        // A port nobody listens on: the connection is refused.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let err = ClientCredentials::new(TENANT, CLIENT_ID, CLIENT_SECRET)
            .unwrap()
            .authority_host(&format!("http://127.0.0.1:{port}"))
            .unwrap()
            .token()
            .await
            .unwrap_err();
        assert!(err.is_transient(), "{err:?}");
        assert!(matches!(err, AuthError::Unavailable { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn invalidate_forces_a_new_request() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body(ACCESS_TOKEN, 3599)))
            .expect(2)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        let provider = CachedTokenProvider::new(credentials(&server));
        provider.token().await.unwrap();
        provider.token().await.unwrap();
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
        provider.invalidate().await;
        provider.token().await.unwrap();
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn oauth_error_body_becomes_refused_with_all_fields() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided. Trace ID: 0b5e6f4a Correlation ID: 7c1a2b3c Timestamp: 2024-05-01 10:00:00Z",
                "error_codes": [7000215],
                "timestamp": "2024-05-01 10:00:00Z",
                "trace_id": "0b5e6f4a-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
                "correlation_id": "7c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8",
                "error_uri": "https://login.microsoftonline.com/error?code=7000215"
            })))
            .expect(1)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        match credentials(&server).token().await.unwrap_err() {
            AuthError::Refused {
                status,
                error,
                description,
                error_codes,
                trace_id,
                correlation_id,
            } => {
                assert_eq!(status, 400);
                assert_eq!(error, "invalid_client");
                assert!(description
                    .unwrap()
                    .starts_with("AADSTS7000215: Invalid client secret"));
                assert_eq!(error_codes, vec![7000215]);
                assert_eq!(
                    trace_id.as_deref(),
                    Some("0b5e6f4a-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
                );
                assert_eq!(
                    correlation_id.as_deref(),
                    Some("7c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8")
                );
            }
            other => panic!("expected Refused, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn non_json_server_error_is_unavailable() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(
                ResponseTemplate::new(500)
                    .set_body_string("<html>Internal Server Error</html>")
                    .insert_header("content-type", "text/html"),
            )
            .expect(1)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        match credentials(&server).token().await.unwrap_err() {
            AuthError::Unavailable {
                status, message, ..
            } => {
                assert_eq!(status, Some(500));
                assert!(message.contains("500"), "{message}");
                assert!(!message.contains("<html>"), "{message}");
            }
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn malformed_success_body_does_not_leak_the_token() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "token_type": "Bearer",
                "expires_in": { "soon": true },
                "access_token": ACCESS_TOKEN
            })))
            .expect(1)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        let error = credentials(&server).token().await.unwrap_err();
        assert!(matches!(error, AuthError::Endpoint { .. }), "{error:?}");
        let text = format!("{error:?} {error}");
        assert!(!text.contains(TOKEN_MARKER), "{text}");
    }

    #[tokio::test]
    async fn redirects_are_not_followed() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(
                ResponseTemplate::new(307)
                    .insert_header("location", format!("{}/elsewhere", server.uri()).as_str()),
            )
            .expect(1)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        let error = credentials(&server).token().await.unwrap_err();
        assert!(matches!(error, AuthError::Endpoint { .. }), "{error:?}");
    }

    /// One HTTP stack (issue 23): a `reqwest::Client` handed to the builder
    /// carries the token requests of the client-credentials provider the
    /// builder makes as well as Graph's (it marks every request with a
    /// default header; the provider used to build a client of its own).
    #[tokio::test]
    async fn the_builders_http_client_carries_the_token_requests_too() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .and(header("x-http-stack", "the-callers"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body(ACCESS_TOKEN, 3599)))
            .expect(1)
            .named("token request through the caller's client")
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1.0/me"))
            .and(header("x-http-stack", "the-callers"))
            .and(header(
                "authorization",
                format!("Bearer {ACCESS_TOKEN}").as_str(),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "me"})))
            .expect(2)
            .named("Graph through the caller's client")
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        let mut marked = reqwest::header::HeaderMap::new();
        marked.insert("x-http-stack", "the-callers".parse().unwrap());
        let http = reqwest::Client::builder()
            .default_headers(marked)
            .build()
            .unwrap();
        let client = entra_access::Client::builder()
            .base_url(server.uri())
            .authority_host(server.uri())
            .client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET)
            .http_client(http)
            .build()
            .unwrap();
        for _ in 0..2 {
            let me: serde_json::Value = client.raw().get("me").send().await.unwrap();
            assert_eq!(me["id"], "me");
        }
    }

    /// A token request of a provider the builder made is bounded by the
    /// client's per-try timeout (the shared HTTP client has no timeout of
    /// its own): a token endpoint that does not answer is a transient
    /// failure after it, not a wait until the cache gives up.
    #[tokio::test(start_paused = true)]
    async fn token_requests_follow_the_clients_timeout() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(token_body(ACCESS_TOKEN, 3599))
                    .set_delay(Duration::from_secs(600)),
            )
            .mount(&server)
            .await;
        mount_catch_all(&server).await;
        let http = reqwest::Client::builder()
            .pool_idle_timeout(None)
            .build()
            .unwrap();
        let client = entra_access::Client::builder()
            .base_url(server.uri())
            .authority_host(server.uri())
            .client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET)
            .http_client(http)
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let started = tokio::time::Instant::now();
        let err = client
            .raw()
            .get::<serde_json::Value>("me")
            .send()
            .await
            .unwrap_err();
        assert!(err.is_auth(), "{err:?}");
        let auth = std::error::Error::source(&err)
            .and_then(|s| s.downcast_ref::<AuthError>())
            .unwrap();
        assert!(
            matches!(auth, AuthError::Unavailable { .. }),
            "a timed-out token request: {auth:?}"
        );
        // Three tries of 2 s and the cache's two short waits between them,
        // on the paused clock: not the built-in 30 s, nor the cache's 30 s.
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_secs(6) && waited < Duration::from_secs(30),
            "{waited:?}"
        );
    }

    #[test]
    fn plain_http_is_refused_off_loopback() {
        let result = ClientCredentials::new(TENANT, CLIENT_ID, CLIENT_SECRET)
            .unwrap()
            .authority_host("http://login.example.com");
        assert!(matches!(result, Err(AuthError::Config(_))));
    }

    #[tokio::test]
    async fn debug_output_holds_no_secrets() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body(ACCESS_TOKEN, 3599)))
            .expect(1)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;

        let plain = ClientCredentials::new(TENANT, CLIENT_ID, CLIENT_SECRET).unwrap();
        assert_eq!(
            format!("{plain:?}"),
            format!(
                "ClientCredentials {{ tenant_id: \"{TENANT}\", client_id: \"{CLIENT_ID}\", \
                 client_secret: Secret(***), \
                 token_url: \"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token\", \
                 scope: \"https://graph.microsoft.com/.default\" }}"
            )
        );

        let cached = CachedTokenProvider::new(credentials(&server));
        let token = cached.token().await.unwrap();
        for text in [
            format!("{plain:?}"),
            format!("{cached:?}"),
            format!("{cached:#?}"),
            format!("{token:?}"),
        ] {
            assert!(!text.contains(SECRET_MARKER), "{text}");
            assert!(!text.contains(TOKEN_MARKER), "{text}");
        }
    }
}

#[tokio::test]
async fn token_fn_calls_the_closure_each_time() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = TokenFn::new(move || {
        let counter = counter.clone();
        async move {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            Ok(AccessToken::without_expiry(format!("{ACCESS_TOKEN}-{n}")))
        }
    });
    assert_eq!(
        provider.token().await.unwrap().secret.expose(),
        format!("{ACCESS_TOKEN}-0")
    );
    assert_eq!(
        provider.token().await.unwrap().secret.expose(),
        format!("{ACCESS_TOKEN}-1")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let failing = entra_access::auth::token_fn(|| async { Err(AuthError::msg("vault sealed")) });
    assert_eq!(
        failing.token().await.unwrap_err().to_string(),
        "token provider failed: vault sealed"
    );
}

#[tokio::test]
async fn debug_of_token_fn_token_and_errors_holds_no_secrets() {
    let provider = TokenFn::new(|| async {
        Ok(AccessToken::new(
            Secret::new(ACCESS_TOKEN),
            SystemTime::now() + Duration::from_secs(3600),
        ))
    });
    assert_eq!(format!("{provider:?}"), "TokenFn { .. }");
    let cached = CachedTokenProvider::new(provider);
    let token = cached.token().await.unwrap();
    assert!(format!("{token:?}").contains("Secret(***)"));

    let errors = [
        AuthError::Refused {
            status: 401,
            error: "invalid_client".into(),
            description: Some("AADSTS7000215: Invalid client secret provided.".into()),
            error_codes: vec![7000215],
            trace_id: None,
            correlation_id: None,
        },
        AuthError::Endpoint {
            message: "the token endpoint answered HTTP 500".into(),
            source: None,
        },
        AuthError::Config("client_secret is empty".into()),
        AuthError::msg("vault sealed"),
    ];
    let mut texts = vec![
        format!("{cached:?}"),
        format!("{token:?}"),
        format!("{token:#?}"),
    ];
    texts.extend(
        errors
            .iter()
            .flat_map(|e| [format!("{e:?}"), e.to_string()]),
    );
    for text in texts {
        assert!(!text.contains(TOKEN_MARKER), "{text}");
        assert!(!text.contains(SECRET_MARKER), "{text}");
    }
}

#[cfg(feature = "azure-identity")]
mod azure {
    use std::sync::Mutex;

    use super::*;
    use async_trait::async_trait;
    use azure_core::credentials::{
        AccessToken as AzureToken, TokenCredential, TokenRequestOptions,
    };
    use azure_core::error::ErrorKind;
    use azure_core::time::OffsetDateTime;
    use entra_access::auth::AzureCredential;

    /// A hand-written credential that records the scopes it was asked for.
    #[derive(Debug, Default)]
    struct FakeCredential {
        fail: bool,
        scopes_seen: Mutex<Vec<Vec<String>>>,
    }

    #[async_trait]
    impl TokenCredential for FakeCredential {
        async fn get_token(
            &self,
            scopes: &[&str],
            _options: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AzureToken> {
            self.scopes_seen
                .lock()
                .unwrap()
                .push(scopes.iter().map(|s| s.to_string()).collect());
            if self.fail {
                return Err(azure_core::Error::with_message(
                    ErrorKind::Credential,
                    "managed identity endpoint unreachable",
                ));
            }
            Ok(AzureToken::new(
                ACCESS_TOKEN,
                OffsetDateTime::from_unix_timestamp(4_000_000_000).unwrap(),
            ))
        }
    }

    #[tokio::test]
    async fn returns_the_credentials_token_and_expiry() {
        let fake = Arc::new(FakeCredential::default());
        let provider = AzureCredential::new(fake.clone());
        let token = provider.token().await.unwrap();
        assert_eq!(token.secret.expose(), ACCESS_TOKEN);
        assert_eq!(
            token.expires_at,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(4_000_000_000))
        );
        provider
            .clone()
            .scope("https://graph.microsoft.us/.default")
            .token()
            .await
            .unwrap();
        assert_eq!(
            *fake.scopes_seen.lock().unwrap(),
            vec![
                vec!["https://graph.microsoft.com/.default".to_owned()],
                vec!["https://graph.microsoft.us/.default".to_owned()],
            ]
        );
        assert!(!format!("{provider:?}").contains(TOKEN_MARKER));
    }

    #[tokio::test]
    async fn maps_the_credentials_error_to_provider() {
        let provider = AzureCredential::new(Arc::new(FakeCredential {
            fail: true,
            ..FakeCredential::default()
        }));
        match provider.token().await.unwrap_err() {
            AuthError::Provider { message, source } => {
                assert!(
                    message.contains("managed identity endpoint unreachable"),
                    "{message}"
                );
                let source = source.expect("source kept");
                assert!(source.downcast_ref::<azure_core::Error>().is_some());
            }
            other => panic!("expected Provider, got {other:?}"),
        }
    }
}
