//! Device-code sign-in against a fake identity platform (wiremock).
#![cfg(feature = "client-credentials")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use entra_access::auth::{
    AuthError, CachedTokenProvider, DeviceCode, DeviceCodePrompt, TokenProvider,
};
use serde_json::json;
use wiremock::matchers::{any, body_string_contains, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT_ID: &str = "public-client-1";
const DEVICE_PATH: &str = "/contoso.onmicrosoft.com/oauth2/v2.0/devicecode";
const TOKEN_PATH: &str = "/contoso.onmicrosoft.com/oauth2/v2.0/token";
const REFRESH_MARKER: &str = "REFRESH-TOKEN-q7";

async fn mount_catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(418).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .expect(0)
        .named("catch-all")
        .mount(server)
        .await;
}

async fn mount_device_code(server: &MockServer, expected: u64) {
    Mock::given(method("POST"))
        .and(path(DEVICE_PATH))
        .and(body_string_contains("client_id=public-client-1"))
        .and(body_string_contains("offline_access"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "device_code": "DEVICE-CODE-1",
            "user_code": "ABCD-EFGH",
            "verification_uri": "https://microsoft.com/devicelogin",
            "expires_in": 900,
            "interval": 5,
            "message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate."
        })))
        .expect(expected)
        .named("devicecode")
        .mount(server)
        .await;
}

fn oauth_error(code: &str) -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({
        "error": code,
        "error_description": format!("AADSTS: {code}"),
        "error_codes": [70016]
    }))
}

fn token(access: &str, refresh: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "token_type": "Bearer",
        "scope": "https://graph.microsoft.com/.default",
        "expires_in": 3599,
        "access_token": access,
        "refresh_token": refresh
    }))
}

/// Answers the device-code polls from a script, one answer per poll.
struct Script(Mutex<Vec<ResponseTemplate>>);

impl Respond for Script {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut answers = self.0.lock().unwrap();
        if answers.is_empty() {
            ResponseTemplate::new(500).set_body_string("script ran out")
        } else {
            answers.remove(0)
        }
    }
}

async fn mount_polls(server: &MockServer, answers: Vec<ResponseTemplate>) {
    let n = answers.len() as u64;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("device_code=DEVICE-CODE-1"))
        .respond_with(Script(Mutex::new(answers)))
        .expect(n)
        .named("device-code polls")
        .mount(server)
        .await;
}

/// A provider against the server; records prompts and waits. The HTTP
/// client has no timers of its own, so paused time only moves on our waits.
type Recorded<T> = Arc<Mutex<Vec<T>>>;

fn provider(server: &MockServer) -> (DeviceCode, Recorded<DeviceCodePrompt>, Recorded<Duration>) {
    let prompts = Arc::new(Mutex::new(Vec::new()));
    let waits = Arc::new(Mutex::new(Vec::new()));
    let (p, w) = (Arc::clone(&prompts), Arc::clone(&waits));
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let dc = DeviceCode::new(TENANT, CLIENT_ID, move |prompt| {
        p.lock().unwrap().push(prompt.clone())
    })
    .unwrap()
    .authority_host(&server.uri())
    .unwrap()
    .http_client(http)
    .on_poll_wait(move |wait| w.lock().unwrap().push(wait));
    (dc, prompts, waits)
}

#[tokio::test(start_paused = true)]
async fn pending_twice_then_slow_down_then_a_token() {
    let server = MockServer::start().await;
    mount_device_code(&server, 1).await;
    mount_polls(
        &server,
        vec![
            oauth_error("authorization_pending"),
            oauth_error("authorization_pending"),
            oauth_error("slow_down"),
            token("ACCESS-1", REFRESH_MARKER),
        ],
    )
    .await;
    mount_catch_all(&server).await;

    let (dc, prompts, waits) = provider(&server);
    let token = dc.sign_in().await.unwrap();
    assert_eq!(token.secret.expose(), "ACCESS-1");
    assert!(dc.is_signed_in());

    let prompts = prompts.lock().unwrap();
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].user_code, "ABCD-EFGH");
    assert_eq!(
        prompts[0].verification_uri,
        "https://microsoft.com/devicelogin"
    );
    // Interval 5 s twice, then 5 s longer after slow_down.
    assert_eq!(
        *waits.lock().unwrap(),
        vec![
            Duration::from_secs(5),
            Duration::from_secs(5),
            Duration::from_secs(10)
        ]
    );
    // The refresh token is never shown.
    assert!(!format!("{dc:?}").contains(REFRESH_MARKER));
}

#[tokio::test(start_paused = true)]
async fn expired_token_is_a_typed_error() {
    let server = MockServer::start().await;
    mount_device_code(&server, 1).await;
    mount_polls(
        &server,
        vec![
            oauth_error("authorization_pending"),
            oauth_error("expired_token"),
        ],
    )
    .await;
    mount_catch_all(&server).await;
    let (dc, _, _) = provider(&server);
    let err = dc.sign_in().await.unwrap_err();
    assert!(matches!(err, AuthError::DeviceCodeExpired), "{err:?}");
    assert!(!dc.is_signed_in());
}

#[tokio::test(start_paused = true)]
async fn access_denied_is_a_typed_error() {
    let server = MockServer::start().await;
    mount_device_code(&server, 1).await;
    mount_polls(&server, vec![oauth_error("access_denied")]).await;
    mount_catch_all(&server).await;
    let (dc, _, waits) = provider(&server);
    let err = dc.sign_in().await.unwrap_err();
    assert!(matches!(err, AuthError::SignInDeclined { .. }), "{err:?}");
    assert!(
        waits.lock().unwrap().is_empty(),
        "no wait after a final answer"
    );
}

#[tokio::test(start_paused = true)]
async fn refresh_token_renews_without_a_new_device_code() {
    let server = MockServer::start().await;
    mount_device_code(&server, 1).await;
    mount_polls(&server, vec![token("ACCESS-1", REFRESH_MARKER)]).await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains(REFRESH_MARKER))
        .respond_with(token("ACCESS-2", "REFRESH-TOKEN-rotated"))
        .expect(1)
        .named("refresh")
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let (dc, prompts, _) = provider(&server);
    let cached = CachedTokenProvider::new(dc).load_timeout(Duration::MAX);
    assert_eq!(cached.token().await.unwrap().secret.expose(), "ACCESS-1");
    // The cached token is used until it nears expiry…
    assert_eq!(cached.token().await.unwrap().secret.expose(), "ACCESS-1");
    // …then renewed through the refresh token, with no new prompt.
    tokio::time::advance(Duration::from_secs(3590)).await;
    assert_eq!(cached.token().await.unwrap().secret.expose(), "ACCESS-2");
    assert_eq!(prompts.lock().unwrap().len(), 1);
}

/// `ClientBuilder::device_code` sends the device-code requests through the
/// client's HTTP client (here the caller's, which marks every request), and
/// the first Graph call carries the sign-in's own token: no refresh.
#[tokio::test(start_paused = true)]
async fn the_builders_device_code_uses_the_clients_http_client() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DEVICE_PATH))
        .and(wiremock::matchers::header("x-http-stack", "the-callers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "device_code": "DEVICE-CODE-1",
            "user_code": "ABCD-EFGH",
            "verification_uri": "https://microsoft.com/devicelogin",
            "expires_in": 900,
            "interval": 5
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("device_code=DEVICE-CODE-1"))
        .and(wiremock::matchers::header("x-http-stack", "the-callers"))
        .respond_with(token("ACCESS-1", REFRESH_MARKER))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .and(wiremock::matchers::header(
            "authorization",
            "Bearer ACCESS-1",
        ))
        .and(wiremock::matchers::header("x-http-stack", "the-callers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "me"})))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let mut marked = reqwest::header::HeaderMap::new();
    marked.insert("x-http-stack", "the-callers".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(marked)
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let prompts = Arc::new(Mutex::new(0));
    let shown = Arc::clone(&prompts);
    let client = entra_access::Client::builder()
        .base_url(server.uri())
        .authority_host(server.uri())
        .http_client(http)
        .timeout(Duration::MAX)
        .device_code(TENANT, CLIENT_ID, move |_| *shown.lock().unwrap() += 1)
        .build()
        .unwrap();
    let me: serde_json::Value = client.raw().get("me").send().await.unwrap();
    assert_eq!(me["id"], "me");
    assert_eq!(*prompts.lock().unwrap(), 1);
}

/// The whole flow against FakeGraph's device-code endpoint: one pending
/// poll while the person signs in, then a delegated token that Graph's
/// delegated-only routes accept, then a refresh without a new code.
#[tokio::test(start_paused = true)]
async fn signs_in_against_the_fake_and_acts_as_the_user() {
    use entra_access::Client;
    use entra_access_fake::{FakeGraph, UserSeed};

    let fake = Arc::new(FakeGraph::start().await);
    let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
    let code = Arc::new(Mutex::new(None::<String>));
    let waits = Arc::new(Mutex::new(Vec::new()));
    let (c1, c2, f, w, a) = (
        Arc::clone(&code),
        Arc::clone(&code),
        Arc::clone(&fake),
        Arc::clone(&waits),
        ada.clone(),
    );
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let dc = DeviceCode::new(fake.tenant_id(), fake.client_id(), move |p| {
        *c1.lock().unwrap() = Some(p.user_code.clone())
    })
    .unwrap()
    .authority_host(fake.uri())
    .unwrap()
    .http_client(http)
    .on_poll_wait(move |wait| {
        w.lock().unwrap().push(wait);
        // The person enters the code while the app waits.
        if let Some(user_code) = c2.lock().unwrap().take() {
            assert!(f.complete_device_code(&user_code, &a));
        }
    });
    let dc = Arc::new(dc);
    dc.sign_in().await.unwrap();
    assert_eq!(*waits.lock().unwrap(), vec![Duration::from_secs(5)]);
    assert!(fake.pending_device_codes().is_empty());
    // Graph calls below use the client's own timeouts: back to real time.
    tokio::time::resume();

    let client = Client::builder()
        .base_url(fake.uri())
        .token_provider(Arc::clone(&dc))
        .build()
        .unwrap();
    // A delegated-only call succeeds: the token signs Ada in.
    let mine = client.approvals().list_mine().collect().await.unwrap();
    assert!(mine.is_empty());

    // A new access token from the refresh token; no new device code.
    let renewed = dc.token().await.unwrap();
    // A JWT of the fake's (a delegated one: the fake signs Ada in with it).
    assert_eq!(renewed.secret.expose().split('.').count(), 3);
    let device_posts = fake
        .received()
        .iter()
        .filter(|r| r.path.ends_with("/oauth2/v2.0/devicecode"))
        .count();
    assert_eq!(device_posts, 1);
}

/// `Connection::start(true, ..)`, reading the environment:
/// against a FakeGraph named as the tenant (the person signs in when shown
/// the code), refused half-configurations, and the demo fallback, which
/// runs the flow against the demo fake's own device-code endpoint. One
/// test, because it sets process-wide environment variables.
#[tokio::test(flavor = "multi_thread")]
async fn connect_signs_in_with_a_device_code_from_the_environment() {
    use entra_access_fake::{demo, Connection, FakeGraph, UserSeed};

    const VARS: [&str; 6] = [
        "GRAPH_ACCESS_TOKEN",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_AUTHORITY_HOST",
        "GRAPH_BASE_URL",
    ];
    fn set_env(vars: &[(&str, String)]) {
        for name in VARS {
            std::env::remove_var(name);
        }
        for (name, value) in vars {
            std::env::set_var(name, value);
        }
    }
    fn device_posts(fake: &FakeGraph) -> Vec<entra_access_fake::ReceivedRequest> {
        fake.received()
            .into_iter()
            .filter(|r| r.path.ends_with("/oauth2/v2.0/devicecode"))
            .collect()
    }

    // 1. A tenant of our own: the FakeGraph plays the identity platform
    //    and Graph; Ada enters the code when the program shows it.
    let fake = Arc::new(FakeGraph::start().await);
    let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
    set_env(&[
        ("AZURE_TENANT_ID", fake.tenant_id()),
        ("AZURE_CLIENT_ID", fake.client_id()),
        ("AZURE_AUTHORITY_HOST", fake.uri().to_owned()),
        ("GRAPH_BASE_URL", fake.uri().to_owned()),
    ]);
    let prompts = Arc::new(Mutex::new(Vec::<DeviceCodePrompt>::new()));
    let (seen, person, who) = (Arc::clone(&prompts), Arc::clone(&fake), ada.clone());
    let conn = Connection::start(true, move |p| {
        seen.lock().unwrap().push(p.clone());
        assert!(person.complete_device_code(&p.user_code, &who));
    })
    .await
    .unwrap();
    assert!(!conn.is_demo());
    assert!(conn.banner().starts_with("Graph: "), "{}", conn.banner());
    // Signed in as Ada at the first call: a delegated-only call succeeds.
    let mine = conn
        .client()
        .approvals()
        .list_mine()
        .collect()
        .await
        .unwrap();
    assert!(mine.is_empty());
    assert_eq!(prompts.lock().unwrap().len(), 1);
    assert!(prompts.lock().unwrap()[0]
        .to_string()
        .contains("enter the code"));
    // The sign-in's own access token was used: no refresh right after it.
    assert_eq!(token_grants(&fake, "refresh_token"), 0);
    // The scopes: the Graph origin's .default and offline_access.
    let posts = device_posts(&fake);
    assert_eq!(posts.len(), 1);
    let scope = url::form_urlencoded::parse(posts[0].body.as_bytes())
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(scope, format!("{}/.default offline_access", fake.uri()));

    // 2. A tenant without a client id: refused before anything is sent.
    fake.clear_received();
    set_env(&[("AZURE_TENANT_ID", fake.tenant_id())]);
    let err = Connection::start(true, |_| panic!("no prompt expected"))
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    assert!(err.to_string().contains("AZURE_CLIENT_ID"), "{err}");
    assert!(!err.to_string().contains('\n'), "{err}");
    assert!(fake.received().is_empty());

    // 3. Nothing set: the demo, signed in through its device-code endpoint
    //    as the demo's first approver, who sees the two-stage request.
    set_env(&[]);
    let prompts = Arc::new(Mutex::new(0));
    let seen = Arc::clone(&prompts);
    let conn = Connection::start(true, move |_| *seen.lock().unwrap() += 1)
        .await
        .unwrap();
    assert!(conn.is_demo());
    assert!(conn.banner().contains("device code"), "{}", conn.banner());
    let approval = conn
        .client()
        .approvals()
        .get(demo::TRAVEL_REQUEST)
        .send()
        .await
        .unwrap();
    assert_eq!(approval.stages.len(), 2);
    assert!(approval.stages[0].is_pending_for_me());
    assert_eq!(*prompts.lock().unwrap(), 1);
    assert_eq!(device_posts(conn.demo().unwrap()).len(), 1);
    assert_eq!(token_grants(conn.demo().unwrap(), "refresh_token"), 0);

    // 4. Nothing set, no device code: the same demo user, with no
    //    device-code sign-in.
    let conn = Connection::start(false, |_| panic!("no prompt expected"))
        .await
        .unwrap();
    assert!(device_posts(conn.demo().unwrap()).is_empty());
    let mine = conn
        .client()
        .approvals()
        .list_mine()
        .collect()
        .await
        .unwrap();
    assert!(mine.iter().any(|a| a.id.as_str() == demo::TRAVEL_REQUEST));
}

/// How many token requests with `grant_type=<grant>` the fake received.
fn token_grants(fake: &entra_access_fake::FakeGraph, grant: &str) -> usize {
    fake.received()
        .iter()
        .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
        .filter(|r| {
            url::form_urlencoded::parse(r.body.as_bytes())
                .any(|(k, v)| k == "grant_type" && v == grant)
        })
        .count()
}

/// An HTTP client with no timer of its own, for the paused clock.
fn timer_free_http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

/// Issue 20, item 7: a person signs in once; mid-run the identity platform
/// revokes the session and the person has gone. The run's next calls each
/// fail at once with one typed error that says to sign in again: no new
/// code is shown (at most one prompt per run), nothing waits on a code
/// nobody enters, and after the one refused refresh nothing more is sent
/// to the token endpoint. The sign-in's own access token serves the first
/// calls (no refresh right after it).
#[tokio::test(start_paused = true)]
async fn a_refused_refresh_token_ends_a_run_with_one_error_and_one_prompt() {
    use entra_access_fake::{FakeGraph, UserSeed};
    use futures::future::join_all;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let fake = FakeGraph::start().await;
    let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
    fake.sign_in_device_codes_as(Some(&ada));
    fake.set_device_code_interval(1);
    let prompts = Arc::new(AtomicUsize::new(0));
    let shown = Arc::clone(&prompts);
    let dc = DeviceCode::new(fake.tenant_id(), fake.client_id(), move |_| {
        shown.fetch_add(1, Ordering::SeqCst);
    })
    .unwrap()
    .authority_host(fake.uri())
    .unwrap()
    .http_client(timer_free_http());
    dc.sign_in().await.unwrap();
    // The paused clock jumps to the next timer while a request waits on
    // the fake's socket: no timeouts of the cache or the client here.
    let client = fake
        .client_builder()
        .token_provider(CachedTokenProvider::new(dc).load_timeout(Duration::MAX))
        .cache_tokens(false)
        .http_client(timer_free_http())
        .timeout(Duration::MAX)
        .build()
        .unwrap();

    let first = join_all((0..5).map(|_| client.approvals().list_mine().collect())).await;
    assert!(first.iter().all(Result::is_ok), "{first:?}");
    assert_eq!(
        token_grants(&fake, "refresh_token"),
        0,
        "the sign-in's token is used"
    );

    // The session is revoked, and nobody is there to enter a new code.
    fake.revoke_refresh_tokens();
    fake.sign_in_device_codes_as(None);
    tokio::time::advance(Duration::from_secs(3600)).await;

    for batch in 0..3 {
        let results = join_all((0..10).map(|_| client.approvals().list_mine().collect())).await;
        for result in results {
            let err = result.unwrap_err();
            assert!(err.is_auth(), "batch {batch}: {err:?}");
            assert!(err.to_string().contains("sign in again"), "{err:?}");
            let auth = std::error::Error::source(&err)
                .and_then(|s| s.downcast_ref::<AuthError>())
                .unwrap();
            match auth {
                AuthError::SignInRequired {
                    reason,
                    error_codes,
                } => {
                    assert!(reason.contains("invalid_grant"), "{reason}");
                    assert_eq!(error_codes, &[50173]);
                }
                other => panic!("batch {batch}: {other:?}"),
            }
        }
    }
    assert_eq!(prompts.load(Ordering::SeqCst), 1, "one prompt for the run");
    assert!(
        fake.pending_device_codes().is_empty(),
        "no new code was asked for"
    );
    assert_eq!(
        token_grants(&fake, "refresh_token"),
        1,
        "one refused refresh, then nothing sent"
    );
}

/// Through the builder, the sign-in runs at the first call, once for
/// concurrent callers, and waits for the person as long as the code lives:
/// two minutes is fine (the token cache's 30 s load timeout does not cut
/// it off), and a code nobody enters ends in `DeviceCodeExpired` after its
/// 15 minutes, not sooner.
#[tokio::test(start_paused = true)]
async fn the_sign_in_waits_as_long_as_the_code_lives() {
    use entra_access_fake::{FakeGraph, UserSeed};
    use futures::future::join_all;

    let fake = Arc::new(FakeGraph::start().await);
    let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
    let prompts = Arc::new(Mutex::new(Vec::<DeviceCodePrompt>::new()));
    let (shown, person, who) = (Arc::clone(&prompts), Arc::clone(&fake), ada.clone());
    let client = fake
        .client_builder()
        .http_client(timer_free_http())
        .timeout(Duration::MAX)
        .authority_host(fake.uri())
        .device_code(fake.tenant_id(), fake.client_id(), move |p| {
            shown.lock().unwrap().push(p.clone());
            // The person takes two minutes to enter the code.
            let (person, who, code) = (Arc::clone(&person), who.clone(), p.user_code.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(120)).await;
                assert!(person.complete_device_code(&code, &who));
            });
        })
        .build()
        .unwrap();
    assert!(fake.received().is_empty(), "build sends nothing");

    let started = tokio::time::Instant::now();
    let calls = join_all((0..5).map(|_| client.approvals().list_mine().collect())).await;
    assert!(calls.iter().all(Result::is_ok), "{calls:?}");
    assert!(started.elapsed() >= Duration::from_secs(120));
    assert_eq!(
        prompts.lock().unwrap().len(),
        1,
        "one prompt for five callers"
    );
    assert_eq!(token_grants(&fake, "refresh_token"), 0);
    // The scope follows the client's Graph origin.
    let asked = fake
        .received()
        .into_iter()
        .find(|r| r.path.ends_with("/oauth2/v2.0/devicecode"))
        .unwrap();
    let scope = url::form_urlencoded::parse(asked.body.as_bytes())
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(scope, format!("{}/.default offline_access", fake.uri()));

    // Nobody enters this one.
    let nobody = fake
        .client_builder()
        .http_client(timer_free_http())
        .timeout(Duration::MAX)
        .authority_host(fake.uri())
        .device_code(fake.tenant_id(), fake.client_id(), |_| {})
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let err = nobody.approvals().list_mine().collect().await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    let auth = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<AuthError>())
        .unwrap();
    assert!(matches!(auth, AuthError::DeviceCodeExpired), "{auth:?}");
    assert!(started.elapsed() >= Duration::from_secs(900));
}
