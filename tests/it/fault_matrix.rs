//! The fault matrix: long runs against a fake Graph that throttles, fails,
//! resets connections, cuts bodies short and answers slowly, with a seeded
//! mix so every run sees the same faults. A listing must still deliver
//! every item exactly once and in order, a bulk assignment must request
//! every user exactly once, and the client must retry no more than its
//! policy allows and never come back before `Retry-After`.
//!
//! No assertion here measures the test's own duration: patience is checked
//! on the waits the fake recorded (when each answer went out and when the
//! retry arrived), so a busy machine only makes the run longer, never wrong.
//! These runs use real time on purpose: the fake stamps arrivals with the
//! system clock, which a paused Tokio clock would not move.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime};

use entra_access::{Client, RetryPolicy};
use entra_access_fake::{
    AccessPackageSeed, AssignmentSeed, Chaos, FakeGraph, FaultKind, GroupSeed, PolicySeed,
    ReceivedRequest, UserSeed,
};
use entra_access_ops::{Outcome, Report};
use futures::TryStreamExt;

const ASSIGNMENTS: usize = 5_000;
const PAGE_SIZE: usize = 50;
const MAX_RETRIES: u32 = 5;
const SEED: u64 = 20_240_501;

/// The mix of the issue: 10 % 503 (3 % with `Retry-After: 1`), `throttled`
/// 429 (half with `Retry-After: 1`, half with an HTTP date up to a second
/// ahead), 2 % resets, 2 % truncated JSON, and 5 % slow answers.
fn matrix(seed: u64, throttled: f64) -> Chaos {
    Chaos::new(seed)
        .with(0.07, unavailable(None))
        .with(0.03, unavailable(Some(Duration::from_secs(1))))
        .with(
            throttled / 2.0,
            FaultKind::Throttle {
                retry_after: Duration::from_secs(1),
            },
        )
        .with(
            throttled / 2.0,
            FaultKind::ThrottleUntil {
                retry_after: Duration::ZERO,
            },
        )
        .with(0.02, FaultKind::Reset)
        .with(0.02, FaultKind::Truncated)
        .with(
            0.05,
            FaultKind::Latency {
                delay: Duration::from_millis(150),
            },
        )
}

fn unavailable(retry_after: Option<Duration>) -> FaultKind {
    FaultKind::Status {
        status: 503,
        code: "serviceNotAvailable".into(),
        retry_after,
    }
}

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(MAX_RETRIES)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(50))
}

fn client(fake: &FakeGraph) -> Client {
    fake.client_builder()
        .retry_policy(policy())
        .build()
        .unwrap()
}

async fn fake_with_assignments(n: usize) -> FakeGraph {
    let fake = FakeGraph::builder()
        .seed(SEED)
        .page_size(PAGE_SIZE)
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

fn graph_requests(fake: &FakeGraph) -> Vec<ReceivedRequest> {
    fake.received()
        .into_iter()
        .filter(|r| r.path.starts_with("/v1.0/"))
        .collect()
}

fn count(log: &[ReceivedRequest], pred: impl Fn(&FaultKind) -> bool) -> usize {
    log.iter()
        .filter(|r| r.fault.as_ref().is_some_and(&pred))
        .count()
}

/// The earliest moment a retry may arrive after `answer` said `Retry-After`.
fn not_before(answer: &ReceivedRequest) -> Option<SystemTime> {
    let value = answer.retry_after.as_deref()?;
    match value.parse::<u64>() {
        Ok(secs) => Some(answer.received_at + Duration::from_secs(secs)),
        Err(_) => Some(httpdate::parse_http_date(value).expect("an HTTP date")),
    }
}

/// Checks, over the fake's log, that retries stay within the policy and
/// never come earlier than `Retry-After`. Returns how many waits it checked.
fn assert_retries_bounded_and_patient(log: &[ReceivedRequest]) -> usize {
    let mut by_id: HashMap<&str, Vec<&ReceivedRequest>> = HashMap::new();
    for r in log {
        let id = r.header("client-request-id").expect("client-request-id");
        by_id.entry(id).or_default().push(r);
    }
    let mut waits = 0;
    for (id, tries) in &by_id {
        assert!(
            tries.len() <= 1 + MAX_RETRIES as usize,
            "{id}: {} tries, the policy allows {}",
            tries.len(),
            1 + MAX_RETRIES
        );
        for (n, pair) in tries.windows(2).enumerate() {
            let (answer, retry) = (pair[0], pair[1]);
            assert_eq!(
                retry.header("retry-attempt"),
                Some((n + 1).to_string().as_str()),
                "{id}"
            );
            if let Some(at) = not_before(answer) {
                waits += 1;
                assert!(
                    retry.received_at >= at,
                    "{id}: retry {:?} before Retry-After {:?} ({:?})",
                    retry.received_at,
                    at,
                    answer.retry_after
                );
            }
        }
    }
    waits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_5000_assignments_through_the_fault_matrix() {
    let fake = fake_with_assignments(ASSIGNMENTS).await;
    let expected: Vec<String> = fake
        .assignments()
        .iter()
        .map(|a| a.id.as_str().to_owned())
        .collect();
    fake.set_chaos(Some(matrix(SEED, 0.05).on_method("GET")));
    let client = client(&fake);

    let got: Vec<String> = client
        .assignments()
        .list()
        .stream()
        .map_ok(|a| a.id.as_str().to_owned())
        .try_collect()
        .await
        .expect("the listing survives the faults");

    // Exactly the items, in order, none twice.
    assert_eq!(got.len(), ASSIGNMENTS);
    assert_eq!(got.iter().collect::<HashSet<_>>().len(), ASSIGNMENTS);
    assert_eq!(got, expected);

    let log = graph_requests(&fake);
    // Every kind of the matrix happened (so the test cannot pass vacuously).
    let plain_503 = count(&log, |k| *k == unavailable(None));
    let ra_503 = count(&log, |k| *k == unavailable(Some(Duration::from_secs(1))));
    let throttled = count(&log, |k| matches!(k, FaultKind::Throttle { .. }));
    let throttled_date = count(&log, |k| matches!(k, FaultKind::ThrottleUntil { .. }));
    let resets = count(&log, |k| *k == FaultKind::Reset);
    let truncated = count(&log, |k| *k == FaultKind::Truncated);
    let slow = count(&log, |k| matches!(k, FaultKind::Latency { .. }));
    let counts = [
        plain_503,
        ra_503,
        throttled,
        throttled_date,
        resets,
        truncated,
        slow,
    ];
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");
    assert_eq!(log.iter().filter(|r| r.status == 0).count(), resets);

    // Each page was answered in full exactly once: the client did not skip a
    // page or fetch a good one twice.
    let pages = ASSIGNMENTS / PAGE_SIZE;
    let whole = log
        .iter()
        .filter(|r| r.status == 200 && r.fault != Some(FaultKind::Truncated))
        .count();
    assert_eq!(whole, pages);

    // A truncated page is fetched again, at most as often as the policy retries.
    let mut cuts: HashMap<(String, Option<String>), u32> = HashMap::new();
    for r in log.iter().filter(|r| r.fault == Some(FaultKind::Truncated)) {
        *cuts.entry((r.path.clone(), r.query.clone())).or_default() += 1;
    }
    assert!(cuts.values().all(|&n| n <= MAX_RETRIES), "{cuts:?}");

    let waits = assert_retries_bounded_and_patient(&log);
    assert_eq!(
        waits,
        ra_503 + throttled + throttled_date,
        "every Retry-After was followed by a retry"
    );
    eprintln!(
        "{} requests for {pages} pages; 503 {plain_503}+{ra_503} (Retry-After), \
         429 {throttled}+{throttled_date} (date), resets {resets}, truncated {truncated}, slow {slow}",
        log.len()
    );
}

#[tokio::test]
async fn a_page_cut_short_on_every_try_fails_after_the_policy_retries() {
    let fake = fake_with_assignments(3).await;
    fake.inject(entra_access_fake::Fault::truncated().always());
    let client = client(&fake);
    let err = client
        .assignments()
        .list()
        .collect()
        .await
        .expect_err("never a whole page");
    assert_eq!(err.kind(), entra_access::ErrorKind::Decode, "{err}");
    assert_eq!(
        fake.count(
            "GET",
            "/v1.0/identityGovernance/entitlementManagement/assignments"
        ),
        1 + MAX_RETRIES as usize
    );
}

#[tokio::test]
async fn a_page_cut_short_once_is_fetched_again_by_send_too() {
    let fake = fake_with_assignments(3).await;
    fake.inject(entra_access_fake::Fault::truncated());
    let client = client(&fake);
    let page = client.assignments().list().send().await.unwrap();
    assert_eq!(page.items().len(), 3);
    let log = graph_requests(&fake);
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].fault, Some(FaultKind::Truncated));
    assert_eq!(log[1].fault, None);
}

#[tokio::test]
async fn a_write_whose_answer_is_cut_short_may_have_been_processed() {
    use entra_access::api::Target;
    let fake = FakeGraph::builder().seed(SEED).start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("P"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let user = fake.add_user(UserSeed::new("U"));
    fake.inject(entra_access_fake::Fault::truncated().on_method("POST"));
    let err = client(&fake)
        .assignment_requests()
        .admin_add(&pkg, &policy, Target::user(&user))
        .send()
        .await
        .expect_err("the answer is cut short");
    assert_eq!(err.kind(), entra_access::ErrorKind::Decode, "{err}");
    assert!(err.may_have_been_processed(), "{err}");
    assert_eq!(fake.assignment_requests().len(), 1, "the write took effect");
    assert_eq!(fake.assignment_request_posts(), 1, "and was not repeated");
}

/// The fake's assignment requests per target user.
fn requests_per_user(fake: &FakeGraph) -> HashMap<String, Vec<String>> {
    let mut per: HashMap<String, Vec<String>> = HashMap::new();
    for r in fake.assignment_requests() {
        if let Some(t) = &r.target_object_id {
            per.entry(t.as_str().to_owned())
                .or_default()
                .push(r.id.as_str().to_owned());
        }
    }
    per
}

/// Every row of `report` agrees with what the fake holds: a submitted row
/// names a request the fake made for that user, a failed row's user has no
/// request, and no user has two.
fn assert_report_matches_fake(fake: &FakeGraph, report: &Report) {
    let per = requests_per_user(fake);
    for (user, ids) in &per {
        assert_eq!(ids.len(), 1, "{user} has {} requests", ids.len());
    }
    for row in &report.rows {
        let made = per.get(row.person.to_string().as_str());
        match &row.outcome {
            Outcome::Submitted => {
                let made = made.unwrap_or_else(|| panic!("{row:?}: no request in the fake"));
                if let Some(id) = &row.request_id {
                    assert_eq!(made, &vec![id.as_str().to_owned()], "{row:?}");
                }
            }
            Outcome::Failed => {
                assert!(made.is_none(), "{row:?}: failed, yet the fake has {made:?}")
            }
            Outcome::Skipped | Outcome::AlreadyDone(_) => {
                assert!(made.is_some(), "{row:?}: skipped without a request")
            }
            other => panic!("unexpected outcome {other} in {row:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_assignment_of_500_users_through_the_fault_matrix() {
    const USERS: usize = 500;
    // Graph gives a request its assignment (and so its target) only once it
    // leaves `submitted`; a write whose answer was lost can only be found
    // after that. The fake moves requests on at once here (see
    // `a_lost_answer_is_found_while_the_request_is_still_submitted`).
    let fake = FakeGraph::builder()
        .seed(SEED)
        .page_size(100)
        .step_delay(Duration::from_millis(1))
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Everyone"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let users: Vec<_> = (0..USERS)
        .map(|i| fake.add_user(UserSeed::new(&format!("User {i}"))))
        .collect();
    let group = fake.add_group(GroupSeed::new("All").members(users.iter()));
    // Reads and writes alike. A 429 pauses every request of the client for
    // its Retry-After (the throttle gate), so 2 % keeps the run short.
    fake.set_chaos(Some(matrix(SEED, 0.02)));
    let client = client(&fake);

    let mut reports = Vec::new();
    // Failed rows are writes the fake never took (a 503, a reset): running
    // again picks them up, and must not request anyone twice.
    for _ in 0..5 {
        let report = entra_access_ops::BulkAssign::group(&client, &pkg, &policy, &group)
            .concurrency(8)
            .run()
            .await
            .expect("the plan reads survive the faults");
        assert_eq!(report.rows.len(), USERS);
        assert_report_matches_fake(&fake, &report);
        let failed = report.totals().failed;
        reports.push(report);
        if failed == 0 {
            break;
        }
    }
    let per = requests_per_user(&fake);
    for u in &users {
        assert_eq!(per.get(u.as_str()).map(Vec::len), Some(1), "{u}");
    }
    assert_eq!(fake.assignment_requests().len(), USERS);
    let created: usize = reports.iter().map(|r| r.totals().created).sum();
    assert_eq!(created, USERS, "each user was requested once over the runs");

    let log = graph_requests(&fake);
    let posts: Vec<_> = log.iter().filter(|r| r.method == "POST").collect();
    let cut_posts = posts
        .iter()
        .filter(|r| r.fault == Some(FaultKind::Truncated))
        .count();
    assert!(cut_posts > 0, "no write answer was cut short");
    assert!(
        posts.iter().any(|r| r.status == 0),
        "no write had its connection reset"
    );
    assert_retries_bounded_and_patient(&log);
    eprintln!(
        "bulk: {} runs, {} requests ({} POSTs, {cut_posts} cut short); failed per run {:?}",
        reports.len(),
        log.len(),
        posts.len(),
        reports
            .iter()
            .map(|r| r.totals().failed)
            .collect::<Vec<_>>()
    );
}

/// Right after a write whose answer was lost the request is still
/// `submitted`; its expanded assignment (the one "requested to be created")
/// names the target, so the bulk re-check finds it and nothing is lost.
#[tokio::test]
async fn a_lost_answer_is_found_while_the_request_is_still_submitted() {
    let fake = FakeGraph::builder()
        .seed(SEED)
        .manual_progress()
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("P"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let user = fake.add_user(UserSeed::new("U"));
    fake.inject(entra_access_fake::Fault::truncated().on_method("POST"));
    let report = entra_access_ops::BulkAssign::users(&client(&fake), &pkg, &policy, [user.clone()])
        .run()
        .await
        .unwrap();
    assert_eq!(fake.assignment_requests().len(), 1);
    assert_report_matches_fake(&fake, &report);
}
