//! `submit_once` on the wire: the lookup before (and after an uncertain)
//! POST, what it returns, and one POST per person however many calls race.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeZone;
use common::*;
use entra_access::api::Target;
use entra_access::models::IsoDuration;
use entra_access_ops::{submit_once, Submission};
use serde_json::{json, Value};
use wiremock::matchers::{any, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const REQUESTS: &str = "/v1.0/identityGovernance/entitlementManagement/assignmentRequests";
const ASSIGNMENTS: &str = "/v1.0/identityGovernance/entitlementManagement/assignments";

fn created(id: &str, request_type: &str) -> Value {
    json!({
        "id": id, "requestType": request_type, "state": "submitted", "status": "Accepted",
        "createdDateTime": null, "completedDateTime": null
    })
}

#[tokio::test]
async fn input_the_builder_refuses_is_refused_before_any_lookup() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let rq = client.assignment_requests();
    let end = chrono::Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    for add in [
        rq.admin_add("pkg", "pol", Target::email("nope")),
        rq.admin_add("pkg-1", "pol-1", Target::user("user-1"))
            .ends_at(end)
            .duration(IsoDuration::days(1)),
    ] {
        let err = submit_once(&client, add).await.unwrap_err();
        assert!(err.is_invalid_input(), "{err}");
    }
}

/// The lookup `submit_once` does: open requests of the package with
/// their assignment's target and requestor, then assignments of the package
/// for the user.
async fn mount_lookup(server: &MockServer, requests: Value, assignments: Value, times: u64) {
    Mock::given(method("GET"))
        .and(path(REQUESTS))
        .and(query_param(
            "$filter",
            "accessPackage/id eq 'pkg-1' and (state eq 'submitted' or state eq 'pendingApproval' \
             or state eq 'delivering' or state eq 'scheduled')",
        ))
        .and(query_param(
            "$expand",
            "assignment($expand=target),requestor",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": requests})))
        .expect(times)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(ASSIGNMENTS))
        .and(query_param(
            "$filter",
            "accessPackage/id eq 'pkg-1' and target/objectId eq 'user-1'",
        ))
        .and(query_param("$expand", "target"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": assignments})))
        .expect(times)
        .mount(server)
        .await;
}

fn open_request(id: &str, target: &str) -> Value {
    json!({
        "id": id, "requestType": "adminAdd", "state": "pendingApproval", "status": "PendingApproval",
        "assignment": {"id": format!("asg-{id}"), "state": "delivering",
                       "target": {"id": "subj-x", "objectId": target}}
    })
}

#[tokio::test]
async fn returns_an_open_request_without_posting() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REQUESTS))
        .and(query_param(
            "$expand",
            "assignment($expand=target),requestor",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            open_request("req-other", "user-9"),
            {"id": "req-remove", "requestType": "adminRemove", "state": "submitted",
             "assignment": {"id": "asg-0", "target": {"objectId": "user-1"}}},
            open_request("req-open", "user-1"),
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created("dup", "adminAdd")))
        .expect(0)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);

    let outcome = submit_once(
        &client,
        client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::user("user-1")),
    )
    .await
    .unwrap();
    match outcome {
        Submission::AlreadyRequested(r) => assert_eq!(r.id, "req-open"),
        other => panic!("expected AlreadyRequested, got {other:?}"),
    }
}

#[tokio::test]
async fn returns_a_delivered_assignment_without_posting() {
    let server = MockServer::start().await;
    mount_lookup(
        &server,
        json!([]),
        json!([
            {"id": "asg-old", "state": "expired", "target": {"objectId": "user-1"}},
            {"id": "asg-1", "state": "delivered", "status": "Delivered",
             "target": {"id": "subj-1", "objectId": "user-1"}}
        ]),
        1,
    )
    .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = submit_once(
        &client,
        client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::user("user-1")),
    )
    .await
    .unwrap();
    match outcome {
        Submission::AlreadyAssigned(a) => assert_eq!(a.id, "asg-1"),
        other => panic!("expected AlreadyAssigned, got {other:?}"),
    }
}

#[tokio::test]
async fn matches_e_mail_targets_ignoring_case() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REQUESTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "req-guest", "requestType": "adminAdd", "state": "submitted",
             "assignment": {"id": "asg-g", "target": {"email": "Ana@Fabrikam.com", "objectId": null}}}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = submit_once(
        &client,
        client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::email("ana@fabrikam.com")),
    )
    .await
    .unwrap();
    assert_eq!(outcome.request().map(|r| r.id.as_str()), Some("req-guest"));
    assert!(!outcome.is_submitted());
}

#[tokio::test]
async fn posts_once_when_nothing_exists() {
    let server = MockServer::start().await;
    mount_lookup(
        &server,
        json!([open_request("req-x", "user-9")]),
        json!([]),
        1,
    )
    .await;
    Mock::given(method("POST"))
        .and(path(REQUESTS))
        .respond_with(ResponseTemplate::new(201).set_body_json(created("req-new", "adminAdd")))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = submit_once(
        &client,
        client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::user("user-1")),
    )
    .await
    .unwrap();
    assert_eq!(
        outcome,
        Submission::Submitted(serde_json::from_value(created("req-new", "adminAdd")).unwrap())
    );
}

#[tokio::test]
async fn after_a_500_finds_the_processed_request() {
    let server = MockServer::start().await;
    // First lookup: nothing. The POST answers 500 (it was processed anyway).
    // Second lookup: the request is there.
    Mock::given(method("GET"))
        .and(path(REQUESTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(REQUESTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            open_request("req-processed", "user-1")
        ]})))
        .expect(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ASSIGNMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(REQUESTS))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(envelope("generalException", "boom")),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = submit_once(
        &client,
        client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::user("user-1")),
    )
    .await
    .unwrap();
    match outcome {
        Submission::Submitted(r) => assert_eq!(r.id, "req-processed"),
        other => panic!("expected Submitted, got {other:?}"),
    }
}

#[tokio::test]
async fn after_a_500_with_nothing_found_reports_the_error() {
    let server = MockServer::start().await;
    mount_lookup(&server, json!([]), json!([]), 2).await;
    Mock::given(method("POST"))
        .and(path(REQUESTS))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(envelope("generalException", "boom")),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let err = submit_once(
        &client,
        client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::user("user-1")),
    )
    .await
    .unwrap_err();
    assert!(err.may_have_been_processed(), "{err}");
    assert_eq!(err.status(), Some(500));
}

/// An open request Graph shows before its assignment exists: `assignment`
/// null, the person only in `requestor`.
fn requestor_only(id: &str, request_type: &str, person: &str) -> Value {
    json!({
        "id": id, "requestType": request_type, "state": "submitted", "status": "Accepted",
        "assignment": null,
        "requestor": {"id": format!("subj-{person}"), "objectId": person, "subjectType": "user"}
    })
}

#[tokio::test]
async fn sees_an_open_add_known_only_by_its_requestor() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REQUESTS))
        .and(query_param(
            "$expand",
            "assignment($expand=target),requestor",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            // A removal for the same person is not an add.
            requestor_only("req-remove", "adminRemove", "user-1"),
            requestor_only("req-other", "adminAdd", "user-9"),
            requestor_only("req-open", "adminAdd", "user-1"),
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created("dup", "adminAdd")))
        .expect(0)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = submit_once(
        &client,
        client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::user("user-1")),
    )
    .await
    .unwrap();
    match outcome {
        Submission::AlreadyRequested(r) => assert_eq!(r.id, "req-open"),
        other => panic!("expected AlreadyRequested, got {other:?}"),
    }
}

#[tokio::test]
async fn after_a_500_finds_a_request_known_only_by_its_requestor() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REQUESTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(REQUESTS))
        .and(query_param(
            "$expand",
            "assignment($expand=target),requestor",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            requestor_only("req-remove", "adminRemove", "user-1"),
            requestor_only("req-processed", "adminAdd", "user-1"),
        ]})))
        .expect(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ASSIGNMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(REQUESTS))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(envelope("generalException", "boom")),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = submit_once(
        &client,
        client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::user("user-1")),
    )
    .await
    .unwrap();
    match outcome {
        Submission::Submitted(r) => assert_eq!(r.id, "req-processed"),
        other => panic!("expected Submitted, got {other:?}"),
    }
}

/// A Graph that remembers the requests posted to it and shows them as
/// open (person only in `requestor`); its POST answers slowly, so two
/// unguarded check-then-post calls would both pass the check.
#[derive(Clone, Default)]
struct SlowRequests {
    open: Arc<Mutex<Vec<Value>>>,
    posts: Arc<Mutex<usize>>,
}

impl Respond for SlowRequests {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        if req.method.as_str() == "POST" {
            let n = {
                let mut posts = self.posts.lock().unwrap();
                *posts += 1;
                *posts
            };
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let person = body["assignment"]["targetId"].as_str().unwrap().to_owned();
            let id = format!("req-{n}");
            self.open
                .lock()
                .unwrap()
                .push(requestor_only(&id, "adminAdd", &person));
            return ResponseTemplate::new(201)
                .set_body_json(created(&id, "adminAdd"))
                .set_delay(Duration::from_millis(100));
        }
        let value = if req.url.path() == REQUESTS {
            Value::Array(self.open.lock().unwrap().clone())
        } else {
            json!([])
        };
        ResponseTemplate::new(200).set_body_json(json!({ "value": value }))
    }
}

#[tokio::test]
async fn two_concurrent_calls_for_one_person_post_once() {
    let server = MockServer::start().await;
    let graph = SlowRequests::default();
    Mock::given(any())
        .respond_with(graph.clone())
        .mount(&server)
        .await;
    let client = client_for(&server);
    // Two clones of the client: the lock is shared between them.
    let (a, b) = (client.clone(), client.clone());
    let send = |c: entra_access::Client| async move {
        submit_once(
            &c,
            c.assignment_requests()
                .admin_add("pkg-1", "pol-1", Target::user("user-1")),
        )
        .await
        .unwrap()
    };
    let (first, second) = tokio::join!(send(a), send(b));
    assert_eq!(*graph.posts.lock().unwrap(), 1, "{first:?} / {second:?}");
    let submitted = [&first, &second]
        .iter()
        .filter(|s| s.is_submitted())
        .count();
    assert_eq!(submitted, 1);
    let ids: Vec<_> = [&first, &second]
        .iter()
        .map(|s| s.request().unwrap().id.as_str().to_owned())
        .collect();
    assert_eq!(ids, ["req-1", "req-1"]);

    // Another person is not held up by the first one's lock.
    let other = submit_once(
        &client,
        client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::user("user-2")),
    )
    .await
    .unwrap();
    assert!(other.is_submitted());
    assert_eq!(*graph.posts.lock().unwrap(), 2);
}

/// Graph (or a proxy in front of it) that ignores the target filter shows
/// other people's assignments, and one without a target: none of them is
/// the person's, so the add is sent.
#[tokio::test]
async fn assignments_of_others_or_of_nobody_do_not_count_as_held() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REQUESTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ASSIGNMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "asg-bob", "state": "delivered", "target": {"id": "subj-b", "objectId": "user-9"}},
            {"id": "asg-nobody", "state": "delivered"},
            {"id": "asg-null", "state": "delivered", "target": null}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(REQUESTS))
        .respond_with(ResponseTemplate::new(201).set_body_json(created("req-new", "adminAdd")))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = submit_once(
        &client,
        client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::user("user-1")),
    )
    .await
    .unwrap();
    assert!(outcome.is_submitted(), "{outcome:?}");
}

/// Ids compare as Graph compares GUIDs: a holder named in upper case is
/// the holder Graph shows in lower case.
#[tokio::test]
async fn a_holder_named_in_upper_case_is_found() {
    let ada = "0cf0edb8-0000-4000-8000-00000000000a";
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REQUESTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ASSIGNMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "asg-ada", "state": "delivered", "target": {"id": "subj-a", "objectId": ada}}
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created("dup", "adminAdd")))
        .expect(0)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = submit_once(
        &client,
        client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::user(ada.to_uppercase())),
    )
    .await
    .unwrap();
    match outcome {
        Submission::AlreadyAssigned(a) => assert_eq!(a.id, "asg-ada"),
        other => panic!("expected AlreadyAssigned, got {other:?}"),
    }
}
