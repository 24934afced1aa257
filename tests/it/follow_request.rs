//! Following a request: `wait_until_final` and `watch` against a request
//! whose answers change from poll to poll.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use entra_access::models::{CalloutStatus, RequestState};
use entra_access::ErrorKind;
use futures::TryStreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const REQUEST: &str = "/v1.0/identityGovernance/entitlementManagement/assignmentRequests/req-1";

fn state(state: &str, status: &str) -> Value {
    json!({"id": "req-1", "requestType": "adminAdd", "state": state, "status": status})
}

/// Answers the n-th GET with `answers[n]`, repeating the last one; returns
/// the poll counter.
async fn mount_sequence(server: &MockServer, answers: Vec<Value>) -> Arc<AtomicUsize> {
    let polls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&polls);
    Mock::given(method("GET"))
        .and(path(REQUEST))
        .respond_with(move |_: &wiremock::Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let body = answers
                .get(n)
                .or(answers.last())
                .cloned()
                .unwrap_or(Value::Null);
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(server)
        .await;
    mount_catch_all(server).await;
    polls
}

#[tokio::test]
async fn waits_through_submitted_and_delivering_to_delivered() {
    let server = MockServer::start().await;
    let polls = mount_sequence(
        &server,
        vec![
            state("submitted", "Accepted"),
            state("delivering", "Delivering"),
            state("delivering", "Delivering"),
            state("delivered", "Delivered"),
        ],
    )
    .await;
    let client = client_for(&server);
    let done = client
        .assignment_requests()
        .wait_until_final("req-1")
        .poll_interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(done.state, Some(RequestState::Delivered));
    assert_eq!(polls.load(Ordering::SeqCst), 4, "stops polling once final");
    assert!(done.is_delivered());
    for r in server.received_requests().await.unwrap() {
        assert_eq!(r.method.as_str(), "GET");
        assert_eq!(r.url.path(), REQUEST);
    }
}

// Paused clock, and a client with no timer of its own: while a poll waits
// on the server no timer is pending, so the clock moves only on the waits
// between polls and the polls fall at the same instants however slow the
// machine is (on real time, a busy machine let the 80 ms pass before the
// second answer arrived).
#[tokio::test(start_paused = true)]
async fn gives_up_at_the_timeout_naming_the_last_state() {
    let server = MockServer::start().await;
    let polls = mount_sequence(
        &server,
        vec![
            state("submitted", "Accepted"),
            state("pendingApproval", "PendingApproval"),
        ],
    )
    .await;
    let client = paused_client_for(&server, fast_retries());
    let started = tokio::time::Instant::now();
    let err = client
        .assignment_requests()
        .wait_until_final("req-1")
        .poll_interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(10))
        .timeout(Duration::from_millis(80))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_timeout());
    let msg = err.to_string();
    assert!(msg.contains("req-1"), "{msg}");
    assert!(msg.contains("last state seen: pendingApproval"), "{msg}");
    assert!(msg.contains("waits for approval"), "{msg}");
    // Given up at the timeout, not before nor long after.
    assert_eq!(started.elapsed(), Duration::from_millis(80));
    // Polls at 0, 5, 15, 25, ... 75 and a last one at the deadline.
    assert_eq!(polls.load(Ordering::SeqCst), 10);
}

#[tokio::test]
async fn a_failed_delivery_surfaces_status_and_callout_details() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        vec![
            state("delivering", "Delivering"),
            json!({
                "id": "req-1", "requestType": "adminAdd",
                "state": "deliveryFailed", "status": "DeliveryFailed",
                "customExtensionCalloutInstances": [
                    {"id": "c-ok", "customExtensionId": "ext-audit", "status": "callbackReceived"},
                    {"id": "c-bad", "customExtensionId": "ext-provision", "status": "calloutFailed",
                     "detail": "Logic App returned 500", "externalCorrelationId": "run-42"}
                ]
            }),
        ],
    )
    .await;
    let client = client_for(&server);
    let done = client
        .assignment_requests()
        .wait_until_final("req-1")
        .poll_interval(Duration::from_millis(5))
        .send()
        .await
        .unwrap();
    assert!(!done.is_delivered());
    assert_eq!(done.state, Some(RequestState::DeliveryFailed));
    assert_eq!(done.status.as_deref(), Some("DeliveryFailed"));
    let calls: Vec<_> = done.callouts().collect();
    assert_eq!(calls.len(), 2, "every call made, in Graph's order");
    assert_eq!(calls[0].custom_extension_id.as_deref(), Some("ext-audit"));
    let failed: Vec<_> = done.callouts().filter(|c| c.is_failed()).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].status, Some(CalloutStatus::CalloutFailed));
    assert_eq!(
        failed[0].custom_extension_id.as_deref(),
        Some("ext-provision")
    );
    assert_eq!(failed[0].detail.as_deref(), Some("Logic App returned 500"));
    assert_eq!(failed[0].external_correlation_id.as_deref(), Some("run-42"));
}

#[tokio::test]
async fn every_other_final_state_ends_the_wait() {
    for (wire, expected) in [
        ("denied", RequestState::Denied),
        ("canceled", RequestState::Canceled),
        ("partiallyDelivered", RequestState::PartiallyDelivered),
    ] {
        let server = MockServer::start().await;
        let polls = mount_sequence(
            &server,
            vec![
                state("pendingApproval", "PendingApproval"),
                state(wire, "Final"),
            ],
        )
        .await;
        let client = client_for(&server);
        let done = client
            .assignment_requests()
            .wait_until_final("req-1")
            .poll_interval(Duration::from_millis(5))
            .send()
            .await
            .unwrap();
        assert_eq!(done.state, Some(expected.clone()), "{wire}");
        assert_eq!(polls.load(Ordering::SeqCst), 2, "{wire}");
        assert!(done.is_final() && !done.is_delivered(), "{wire}");
        assert_eq!(done.status.as_deref(), Some("Final"), "{wire}");
    }
}

#[tokio::test]
async fn watch_yields_each_change_once_and_ends_after_the_final_state() {
    let server = MockServer::start().await;
    let polls = mount_sequence(
        &server,
        vec![
            state("submitted", "Accepted"),
            state("submitted", "Accepted"),
            state("delivering", "Delivering"),
            state("delivering", "Delivering"),
            state("delivering", "Delivering"),
            state("delivered", "Delivered"),
        ],
    )
    .await;
    let client = client_for(&server);
    let seen: Vec<_> = client
        .assignment_requests()
        .watch("req-1")
        .poll_interval(Duration::from_millis(2))
        .max_interval(Duration::from_millis(5))
        .try_collect()
        .await
        .unwrap();
    let states: Vec<_> = seen.iter().map(|r| r.state.clone().unwrap()).collect();
    assert_eq!(
        states,
        [
            RequestState::Submitted,
            RequestState::Delivering,
            RequestState::Delivered
        ]
    );
    assert_eq!(polls.load(Ordering::SeqCst), 6);
}

#[tokio::test]
async fn watch_of_an_already_final_request_yields_it_once() {
    let server = MockServer::start().await;
    let polls = mount_sequence(&server, vec![state("delivered", "Delivered")]).await;
    let client = client_for(&server);
    let seen: Vec<_> = client
        .assignment_requests()
        .watch("req-1")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(polls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn watch_yields_a_failed_poll_and_ends() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REQUEST))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(envelope("ResourceNotFound", "no such request")),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let items: Vec<_> =
        futures::StreamExt::collect::<Vec<_>>(client.assignment_requests().watch("req-1")).await;
    assert_eq!(items.len(), 1);
    let err = items.into_iter().next().unwrap().unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn bad_ids_and_a_zero_interval_are_refused_without_polling() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let requests = client.assignment_requests();
    let err = requests.wait_until_final("a/b").send().await.unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    let err = requests
        .wait_until_final("req-1")
        .poll_interval(Duration::ZERO)
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("poll interval"), "{err}");
    let items: Vec<_> = futures::StreamExt::collect::<Vec<_>>(requests.watch("")).await;
    assert_eq!(items.len(), 1);
    assert!(items[0].as_ref().unwrap_err().is_invalid_input());
}

// Manual progress: the request moves one step each time the loop sees a
// state, so every state is observed whatever the machine's speed.
#[tokio::test]
async fn watch_on_the_fake_yields_each_state_once_in_order() {
    use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};
    let fake = FakeGraph::builder().manual_progress().start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("P"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let user = fake.add_user(UserSeed::new("U"));
    let client = fake.client().unwrap();
    let created = client
        .assignment_requests()
        .admin_add(pkg, policy, entra_access::api::Target::user(user))
        .send()
        .await
        .unwrap();
    let mut changes = client
        .assignment_requests()
        .watch(&created.id)
        .poll_interval(Duration::from_millis(5));
    let mut seen = Vec::new();
    while let Some(r) = changes.try_next().await.unwrap() {
        seen.push(r.state.clone());
        fake.advance(&r.id);
    }
    assert_eq!(
        seen,
        [
            Some(RequestState::Submitted),
            Some(RequestState::Delivering),
            Some(RequestState::Delivered)
        ],
        "one item per state, in order, the final one last"
    );
}

/// A request waiting for its approvers moves only when they decide:
/// following it with `stop_when_pending_approval` returns it there (no
/// waiting out the timeout), and its policy names who it waits for.
#[tokio::test]
async fn following_stops_at_pending_approval_when_asked_and_names_the_approvers() {
    use entra_access::models::SubjectSet;
    use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};
    let fake = FakeGraph::builder()
        .step_delay(Duration::from_millis(5))
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("P"));
    let first = fake.add_user(UserSeed::new("First approver"));
    let second = fake.add_user(UserSeed::new("Second approver"));
    let policy = fake.add_policy(
        PolicySeed::new("Two approvers", &pkg)
            .approval_stage([&first])
            .approval_stage([&second]),
    );
    let user = fake.add_user(UserSeed::new("U"));
    let client = fake.client().unwrap();
    let created = client
        .assignment_requests()
        .admin_add(
            pkg.clone(),
            policy.clone(),
            entra_access::api::Target::user(user),
        )
        .send()
        .await
        .unwrap();
    let done = client
        .assignment_requests()
        .wait_until_final(&created.id)
        .poll_interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(10))
        // Far longer than the test may take: returning means it stopped.
        .timeout(Duration::from_secs(3600))
        .stop_when_pending_approval(true)
        .send()
        .await
        .unwrap();
    assert!(done.is_pending_approval(), "{:?}", done.state);
    let read = client
        .assignment_policies()
        .get(policy)
        .send()
        .await
        .unwrap();
    let stages = done.approval_stages(&read).expect("waiting for approval");
    let approvers: Vec<_> = stages
        .iter()
        .map(|s| match &s.primary_approvers[..] {
            [SubjectSet::SingleUser(u)] => u.user_id.clone().unwrap(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(approvers, [first, second]);

    // `watch` ends there too, with the waiting request last.
    let mut changes = client
        .assignment_requests()
        .watch(&created.id)
        .poll_interval(Duration::from_millis(5))
        .stop_when_pending_approval(true);
    let mut last = None;
    while let Some(r) = changes.try_next().await.unwrap() {
        last = Some(r);
    }
    assert!(last.unwrap().is_pending_approval());
    // Once approved and delivered, it waits for nobody.
    assert!(fake.approve(&created.id));
    fake.settle();
    let delivered = client
        .assignment_requests()
        .get(created.id.clone())
        .send()
        .await
        .unwrap();
    assert!(delivered.is_delivered() && delivered.approval_stages(&read).is_none());
}
