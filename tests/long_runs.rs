//! Long runs with tokens that expire every two seconds: slow listings and a
//! slow bulk run keep going, the client refreshes about once per token
//! lifetime, and once for all concurrent callers (single-flight).

use std::time::{Duration, Instant};

use entra_access::auth::CachedTokenProvider;
use entra_access::fake::{
    AccessPackageSeed, AssignmentSeed, FakeGraph, Fault, PolicySeed, UserSeed,
};
use entra_access::{Client, RetryPolicy};
use futures::TryStreamExt;

const LIFETIME: Duration = Duration::from_secs(2);
const MARGIN: Duration = Duration::from_millis(500);

/// A client that gets its tokens from the fake's token endpoint through a
/// `CachedTokenProvider` with a small refresh margin.
fn client_with_expiring_tokens(fake: &FakeGraph) -> Client {
    let creds = fake.client_credentials().unwrap();
    Client::builder()
        .base_url(fake.uri())
        .token_provider(CachedTokenProvider::new(creds).refresh_margin(MARGIN))
        .cache_tokens(false)
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(10))
                .max_backoff(Duration::from_millis(100)),
        )
        .build()
        .unwrap()
}

/// A token is used until `MARGIN` before it expires, so one is fetched every
/// `LIFETIME - MARGIN`, plus the first.
fn assert_about_one_token_per_lifetime(fake: &FakeGraph, elapsed: Duration) {
    let period = (LIFETIME - MARGIN).as_secs_f64();
    let expected = elapsed.as_secs_f64() / period;
    let got = fake.token_requests() as f64;
    assert!(
        got >= expected - 1.0 && got <= expected + 2.0,
        "{got} token requests in {elapsed:?}; about {expected:.1} expected"
    );
    let unauthorized = fake.received().iter().filter(|r| r.status == 401).count();
    assert_eq!(unauthorized, 0, "a request went out with an expired token");
    eprintln!("{got} token requests in {elapsed:?} (about {expected:.1} expected)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_slow_listings_outlive_many_tokens() {
    let fake = FakeGraph::builder()
        .seed(11)
        .page_size(10)
        .token_lifetime(LIFETIME)
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Everyone"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    for i in 0..600 {
        let user = fake.add_user(UserSeed::new(&format!("User {i}")));
        fake.add_assignment(AssignmentSeed::new(&pkg, &policy, &user));
    }
    fake.set_latency(Some(Duration::from_millis(100)));
    let client = client_with_expiring_tokens(&fake);

    let started = Instant::now();
    // Four listings at once share one token cache: refreshes are single-flight.
    let listings = (0..4).map(|_| {
        let client = client.clone();
        async move {
            client
                .assignments()
                .list()
                .stream()
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
        elapsed > LIFETIME * 3,
        "the run must outlive several tokens: {elapsed:?}"
    );
    assert_about_one_token_per_lifetime(&fake, elapsed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_bulk_run_outlives_many_tokens() {
    const USERS: usize = 240;
    let fake = FakeGraph::builder()
        .seed(12)
        .page_size(50)
        .token_lifetime(LIFETIME)
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Everyone"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let users: Vec<_> = (0..USERS)
        .map(|i| fake.add_user(UserSeed::new(&format!("User {i}"))))
        .collect();
    // Writes are slow: the run takes several token lifetimes.
    fake.inject(
        Fault::latency(Duration::from_millis(100))
            .always()
            .on_method("POST"),
    );
    let client = client_with_expiring_tokens(&fake);

    let started = Instant::now();
    let report = client
        .bulk_assign_users(&pkg, &policy, users.iter().cloned())
        .concurrency(4)
        .run()
        .await
        .expect("the run completes");
    let elapsed = started.elapsed();
    let t = report.totals();
    assert_eq!((t.created, t.failed), (USERS, 0), "{t:?}");
    assert_eq!(fake.assignment_requests().len(), USERS);
    assert!(
        elapsed > LIFETIME * 3,
        "the run must outlive several tokens: {elapsed:?}"
    );
    assert_about_one_token_per_lifetime(&fake, elapsed);
}
