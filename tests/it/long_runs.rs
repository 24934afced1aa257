//! Long runs with tokens that expire every four seconds, on Tokio's paused
//! clock: a minute of calls, slow concurrent listings and a throttled bulk
//! run keep going, the client fetches about one token per lifetime (not one
//! per call), one for all concurrent callers (single-flight), and never
//! hands out a token past its life.
//!
//! The clock is paused, so the runs take a minute of Tokio time and almost
//! no wall-clock time. The clients have no timer of their own (no request
//! timeout, no idle-pool timer, no token load timeout): Tokio advances a
//! paused clock whenever the runtime idles, also while a request waits on
//! the fake's socket, and such a timer would fire spuriously.
//!
//! The fake judges its tokens on the wall clock, which a paused clock does
//! not follow (on a busy machine the wall clock may even run ahead of it):
//! so the fake issues tokens good for an hour, the client is told they last
//! four seconds of Tokio time, and whether a request went out with a token
//! past those four seconds is checked on Tokio's clock, when the client
//! takes the token for the request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use entra_access::auth::{
    AccessToken, AuthError, CachedTokenProvider, ClientCredentials, TokenProvider,
};
use entra_access::{Client, RetryPolicy};
use entra_access_fake::{
    AccessPackageSeed, AssignmentSeed, Chaos, FakeGraph, FaultKind, PolicySeed, UserSeed,
};
use futures::{StreamExt, TryStreamExt};
use tokio::time::Instant;

const LIFETIME: Duration = Duration::from_secs(4);

/// An HTTP client without timers of its own.
fn timer_free_http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

/// How long the fake's tokens are good for on the wall clock: longer than
/// any run, however slow the machine.
const FAKE_LIFETIME: Duration = Duration::from_secs(3600);

/// When each token fetched so far runs out on Tokio's clock.
type Deadlines = Arc<Mutex<HashMap<String, Instant>>>;

/// The fake's token endpoint, with each token's life cut to `LIFETIME` of
/// Tokio time (the deadline is noted for [`Checked`]).
#[derive(Debug)]
struct FourSecondTokens {
    inner: ClientCredentials,
    deadlines: Deadlines,
}

#[async_trait]
impl TokenProvider for FourSecondTokens {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        let token = self.inner.token().await?;
        let deadline = Instant::now() + LIFETIME;
        self.deadlines
            .lock()
            .unwrap()
            .insert(token.secret.expose().to_owned(), deadline);
        Ok(AccessToken::new(token.secret, SystemTime::now() + LIFETIME))
    }

    fn graph_scope(&self) -> Option<String> {
        self.inner.graph_scope()
    }
}

/// The client's token provider: the cache in front of the endpoint, and a
/// count of the tokens it handed out for a request after their deadline.
#[derive(Debug)]
struct Checked {
    cache: CachedTokenProvider<FourSecondTokens>,
    deadlines: Deadlines,
    stale: Arc<Mutex<Vec<String>>>,
}

#[async_trait]
impl TokenProvider for Checked {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        let token = self.cache.token().await?;
        let deadline = self.deadlines.lock().unwrap()[token.secret.expose()];
        let now = Instant::now();
        if now >= deadline {
            self.stale
                .lock()
                .unwrap()
                .push(format!("a token {:?} past its life", now - deadline));
        }
        Ok(token)
    }

    async fn invalidate(&self) {
        self.cache.invalidate().await;
    }

    async fn invalidate_if(&self, sent: &AccessToken) {
        self.cache.invalidate_if(sent).await;
    }

    fn graph_scope(&self) -> Option<String> {
        self.cache.graph_scope()
    }
}

/// A client that gets its tokens from the fake's token endpoint through a
/// `CachedTokenProvider` with the default refresh margin (5 minutes, which
/// a 4-second token's whole life lies inside). Also returns the record of
/// tokens handed out past their life.
fn client_with_expiring_tokens(
    fake: &FakeGraph,
    retry: RetryPolicy,
) -> (Client, Arc<Mutex<Vec<String>>>) {
    let creds = fake
        .client_credentials()
        .unwrap()
        .http_client(timer_free_http());
    let deadlines = Deadlines::default();
    let stale = Arc::new(Mutex::new(Vec::new()));
    let provider = Checked {
        cache: CachedTokenProvider::new(FourSecondTokens {
            inner: creds,
            deadlines: Arc::clone(&deadlines),
        })
        .load_timeout(Duration::MAX),
        deadlines,
        stale: Arc::clone(&stale),
    };
    let client = Client::builder()
        .base_url(fake.uri())
        .token_provider(provider)
        .cache_tokens(false)
        .http_client(timer_free_http())
        .timeout(Duration::MAX)
        .retry_policy(retry)
        .build()
        .unwrap();
    (client, stale)
}

/// A token is refreshed a tenth of its lifetime before it expires, so at
/// most one is fetched every 3.6 s of the run, plus the first: about one per
/// lifetime. When calls come steadily (`steady`), at least one per lifetime
/// is fetched too; otherwise a gap between calls may skip a token, and the
/// run must only have needed several.
fn assert_about_one_token_per_lifetime(
    fake: &FakeGraph,
    stale: &Mutex<Vec<String>>,
    elapsed: Duration,
    steady: bool,
) -> usize {
    let got = fake.token_requests();
    let fewest = if steady {
        (elapsed.as_secs_f64() / LIFETIME.as_secs_f64()).floor() as usize
    } else {
        3
    };
    let most = (elapsed.as_secs_f64() / (LIFETIME.as_secs_f64() * 0.9)).ceil() as usize + 1;
    assert!(
        (fewest..=most).contains(&got),
        "{got} token requests in {elapsed:?}; between {fewest} and {most} expected"
    );
    let stale = stale.lock().unwrap();
    assert!(stale.is_empty(), "requests went out with {stale:?}");
    let unauthorized = fake.received().iter().filter(|r| r.status == 401).count();
    assert_eq!(unauthorized, 0, "a request went out with a refused token");
    eprintln!("{got} token requests in {elapsed:?} of 4-second tokens");
    got
}

async fn fake_with_assignments(seed: u64, page_size: usize, n: usize) -> FakeGraph {
    let fake = FakeGraph::builder()
        .seed(seed)
        .page_size(page_size)
        .token_lifetime(FAKE_LIFETIME)
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Everyone"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    for i in 0..n {
        let user = fake.add_user(UserSeed::new(&format!("User {i}")));
        fake.add_assignment(AssignmentSeed::new(&pkg, &policy, &user));
    }
    fake
}

#[tokio::test(start_paused = true)]
async fn a_minute_of_calls_with_4_second_tokens_costs_one_token_per_lifetime() {
    let fake = fake_with_assignments(10, 10, 5).await;
    let (client, stale) = client_with_expiring_tokens(&fake, RetryPolicy::none());
    let started = Instant::now();
    // Four calls a second for a minute: 240 calls.
    for _ in 0..240 {
        let page = client.assignments().list().send().await.unwrap();
        assert_eq!(page.items().len(), 5);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let elapsed = started.elapsed();
    assert_eq!(elapsed, Duration::from_secs(60));
    let tokens = assert_about_one_token_per_lifetime(&fake, &stale, elapsed, true);
    // 60 s / 3.6 s per token.
    assert!((16..=18).contains(&tokens), "{tokens}");
}

#[tokio::test(start_paused = true)]
async fn concurrent_slow_listings_outlive_many_tokens() {
    let fake = fake_with_assignments(11, 10, 600).await;
    let (client, stale) = client_with_expiring_tokens(&fake, RetryPolicy::none());

    let started = Instant::now();
    // Four listings at once share one token cache: refreshes are
    // single-flight. Each consumer takes 50 ms per item: 30 s per listing.
    let listings = (0..4).map(|_| {
        let client = client.clone();
        async move {
            client
                .assignments()
                .list()
                .stream()
                .then(|item| async move {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    item
                })
                .try_collect::<Vec<_>>()
                .await
        }
    });
    let results = futures::future::join_all(listings).await;
    let elapsed = started.elapsed();
    for items in results {
        assert_eq!(items.expect("the listing completes").len(), 600);
    }
    assert!(
        elapsed >= Duration::from_secs(30),
        "the run must outlive several tokens: {elapsed:?}"
    );
    assert_about_one_token_per_lifetime(&fake, &stale, elapsed, false);
}

#[tokio::test(start_paused = true)]
async fn a_throttled_bulk_run_outlives_many_tokens() {
    const USERS: usize = 120;
    let fake = FakeGraph::builder()
        .seed(12)
        .page_size(50)
        .token_lifetime(FAKE_LIFETIME)
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Everyone"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let users: Vec<_> = (0..USERS)
        .map(|i| fake.add_user(UserSeed::new(&format!("User {i}"))))
        .collect();
    // A third of the writes are throttled for a second: the run takes many
    // token lifetimes of the paused clock.
    fake.set_chaos(Some(
        Chaos::new(12)
            .with(
                0.3,
                FaultKind::Throttle {
                    retry_after: Duration::from_secs(1),
                },
            )
            .on_method("POST"),
    ));
    let (client, stale) = client_with_expiring_tokens(
        &fake,
        RetryPolicy::default()
            .max_retries(10)
            .initial_backoff(Duration::from_millis(10))
            .max_backoff(Duration::from_millis(100)),
    );

    let started = Instant::now();
    let report = entra_access_ops::BulkAssign::users(&client, &pkg, &policy, users.iter().cloned())
        .concurrency(4)
        .run()
        .await
        .expect("the run completes");
    let elapsed = started.elapsed();
    let t = report.totals();
    assert_eq!((t.created, t.failed), (USERS, 0), "{t:?}");
    assert_eq!(fake.assignment_requests().len(), USERS);
    assert!(client.throttled_count() > 0);
    assert!(
        elapsed > LIFETIME * 3,
        "the run must outlive several tokens: {elapsed:?}"
    );
    assert_about_one_token_per_lifetime(&fake, &stale, elapsed, false);
}
