//! A token never leaves the Graph origin and never shows up in output.

use crate::common;

use common::*;
use futures::TryStreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_with_the_token() {
    let graph = MockServer::start().await;
    let evil = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/steal", evil.uri()).as_str()),
        )
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&evil)
        .await;
    let client = client_for(&graph);
    let err = client.raw().get::<Value>("me").send().await.unwrap_err();
    assert_eq!(err.status(), Some(302), "{err}");
    assert!(
        evil.received_requests().await.unwrap().is_empty(),
        "the redirect was followed"
    );
}

#[tokio::test]
async fn a_redirect_within_graph_is_followed_with_the_token() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/old"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("Location", format!("{}/v1.0/new", graph.uri()).as_str()),
        )
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/new"))
        .and(wiremock::matchers::header(
            "authorization",
            format!("Bearer {TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"moved": true})))
        .expect(1)
        .mount(&graph)
        .await;
    let client = client_for(&graph);
    let v: Value = client.raw().get("old").send().await.unwrap();
    assert_eq!(v["moved"], true);
}

#[tokio::test]
async fn a_next_link_to_another_origin_gets_nothing() {
    let graph = MockServer::start().await;
    let evil = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "a1", "state": "delivered"}],
            "@odata.nextLink": format!("{}/v1.0/identityGovernance/entitlementManagement/assignments?$skiptoken=x", evil.uri()),
        })))
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&evil)
        .await;
    let client = client_for(&graph);
    let mut stream = client.assignments().list().stream();
    assert_eq!(stream.try_next().await.unwrap().unwrap().id.as_str(), "a1");
    let err = stream.try_next().await.unwrap_err();
    assert_eq!(err.kind(), entra_access::ErrorKind::Paging);
    assert!(stream.try_next().await.unwrap().is_none());
    assert!(evil.received_requests().await.unwrap().is_empty());
}

/// Every kind of error a run against the fake can produce: none shows a
/// token the client used or the client secret, in `Display`, `Debug` or
/// anywhere in its source chain.
#[tokio::test]
async fn no_error_of_a_full_fake_run_shows_a_token_or_the_secret() {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use entra_access::auth::{AuthError, ClientCredentials, Secret, TokenFn, TokenProvider};
    use entra_access::{Client, ErrorKind, RetryPolicy};
    use entra_access_fake::{
        AccessPackageSeed, AssignmentSeed, FakeGraph, Fault, PolicySeed, UserSeed,
    };

    let wrong_secret = "wrong-secret-Q7f9xK2mPz0aL4v8";
    let fake = FakeGraph::builder().seed(5).start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("P"));
    let policy = fake.add_policy(PolicySeed::new("D", &pkg));
    let user = fake.add_user(UserSeed::new("U"));
    let assignment = fake.add_assignment(AssignmentSeed::new(&pkg, &policy, &user));

    // The client gets real tokens from the fake's token endpoint; keep every
    // token handed out so the assertions know them.
    let issued: Arc<Mutex<Vec<String>>> = Arc::default();
    let creds = Arc::new(fake.client_credentials().unwrap());
    let client = |retry: RetryPolicy, timeout: Duration| {
        let (issued, creds) = (issued.clone(), creds.clone());
        Client::builder()
            .base_url(fake.uri())
            .token_provider(TokenFn::new(move || {
                let (issued, creds) = (issued.clone(), creds.clone());
                async move {
                    let t = creds.token().await?;
                    issued.lock().unwrap().push(t.secret.expose().to_owned());
                    Ok::<_, AuthError>(t)
                }
            }))
            .retry_policy(retry)
            .timeout(timeout)
            .build()
            .unwrap()
    };
    let plain = client(RetryPolicy::none(), Duration::from_secs(10));
    let mut errors: Vec<(&str, entra_access::Error)> = Vec::new();

    // Auth: a wrong client secret.
    let bad_creds = ClientCredentials::new(
        fake.tenant_id(),
        fake.client_id(),
        Secret::new(wrong_secret.to_owned()),
    )
    .unwrap()
    .authority_host(fake.uri())
    .unwrap();
    let bad = Client::builder()
        .base_url(fake.uri())
        .token_provider(bad_creds)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    errors.push(("auth", bad.assignments().list().send().await.unwrap_err()));

    // 401 twice (the client refreshes once, then reports it).
    fake.inject(Fault::status(401, "InvalidAuthenticationToken").times(2));
    errors.push(("401", plain.assignments().list().send().await.unwrap_err()));
    fake.inject(Fault::status(403, "AccessDenied"));
    errors.push(("403", plain.assignments().list().send().await.unwrap_err()));
    errors.push((
        "404",
        plain
            .assignments()
            .get("00000000-0000-0000-0000-00000000dead")
            .send()
            .await
            .unwrap_err(),
    ));
    fake.inject(Fault::truncated());
    errors.push((
        "decode",
        plain
            .assignments()
            .get(assignment.clone())
            .send()
            .await
            .unwrap_err(),
    ));
    let mut off = plain.assignments().resume(
        "https://elsewhere.example/v1.0/identityGovernance/entitlementManagement/assignments",
    );
    errors.push(("paging", off.try_next().await.unwrap_err()));
    fake.inject(Fault::latency(Duration::from_secs(3)));
    // A second is ample for the request to reach the fake on a busy machine
    // (the injected latency must be the one this call meets), and far short
    // of the three seconds the answer takes.
    let impatient = client(RetryPolicy::none(), Duration::from_secs(1));
    errors.push((
        "timeout",
        impatient.assignments().list().send().await.unwrap_err(),
    ));
    errors.push((
        "invalid input",
        plain
            .assignments()
            .get("../../users")
            .send()
            .await
            .unwrap_err(),
    ));
    fake.inject(Fault::reset());
    errors.push((
        "transport",
        plain.assignments().list().send().await.unwrap_err(),
    ));
    fake.inject(Fault::throttle(Duration::from_secs(1)));
    errors.push((
        "throttled",
        plain.assignments().list().send().await.unwrap_err(),
    ));

    let kinds: Vec<ErrorKind> = errors.iter().map(|(_, e)| e.kind()).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::Auth,
            ErrorKind::Graph,
            ErrorKind::Graph,
            ErrorKind::Graph,
            ErrorKind::Decode,
            ErrorKind::Paging,
            ErrorKind::Timeout,
            ErrorKind::InvalidInput,
            ErrorKind::Transport,
            ErrorKind::Graph,
        ]
    );
    assert_eq!(errors[1].1.status(), Some(401));
    assert_eq!(errors[2].1.status(), Some(403));
    assert_eq!(errors[3].1.status(), Some(404));

    let mut secrets = issued.lock().unwrap().clone();
    assert!(!secrets.is_empty(), "no token was issued");
    secrets.push(fake.client_secret().expose().to_owned());
    secrets.push(wrong_secret.to_owned());
    secrets.push(fake.token());
    for (what, e) in &errors {
        let mut shown = format!("{e}\n{e:?}");
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            shown.push_str(&format!("\n{s}\n{s:?}"));
            source = s.source();
        }
        for secret in &secrets {
            assert!(!shown.contains(secret.as_str()), "{what}: {shown}");
        }
    }
}
