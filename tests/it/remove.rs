//! `remove_for` on the wire: find the target's active assignments of a
//! package and request removal of each.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use crate::common;

use common::*;
use entra_access::api::RemoveFor;
use serde_json::{json, Value};
use wiremock::matchers::{any, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const REQUESTS: &str = "/v1.0/identityGovernance/entitlementManagement/assignmentRequests";
const ASSIGNMENTS: &str = "/v1.0/identityGovernance/entitlementManagement/assignments";

/// The assignments of `pkg-1` for `user-1`, as the lookup asks for them
/// (target expanded); each item is `user-1`'s unless it names a target.
async fn mount_assignments(server: &MockServer, items: Value) {
    let items: Vec<Value> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let mut a = a.clone();
            if a.get("target").is_none() {
                a["target"] = json!({"id": "subj-1", "objectId": "user-1"});
            }
            a
        })
        .collect();
    Mock::given(method("GET"))
        .and(path(ASSIGNMENTS))
        .and(query_param(
            "$filter",
            "accessPackage/id eq 'pkg-1' and target/objectId eq 'user-1'",
        ))
        .and(query_param("$expand", "target"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": items})))
        .expect(1)
        .mount(server)
        .await;
}

/// The package's open requests, as the lookup before the removals asks
/// for them.
async fn mount_open_requests(server: &MockServer, items: Value) {
    Mock::given(method("GET"))
        .and(path(REQUESTS))
        .and(query_param(
            "$expand",
            "assignment($expand=target),requestor",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": items})))
        .expect(1)
        .mount(server)
        .await;
}

fn removal_body(assignment: &str) -> Value {
    json!({"requestType": "adminRemove", "assignment": {"id": assignment}, "justification": "offboarding"})
}

async fn mount_removal(server: &MockServer, assignment: &str, status: u16, answer: Value) {
    Mock::given(method("POST"))
        .and(path(REQUESTS))
        .and(body_json(removal_body(assignment)))
        .respond_with(ResponseTemplate::new(status).set_body_json(answer))
        .expect(1)
        .mount(server)
        .await;
}

fn created(id: &str) -> Value {
    json!({"id": id, "requestType": "adminRemove", "state": "submitted", "status": "Accepted"})
}

#[tokio::test]
async fn nothing_assigned_is_an_outcome_not_an_error() {
    let server = MockServer::start().await;
    // Only expired and failed assignments: nothing to remove.
    mount_assignments(
        &server,
        json!([{"id": "asg-old", "state": "expired"}, {"id": "asg-bad", "state": "deliveryFailed"}]),
    )
    .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = client
        .assignments()
        .remove_for("pkg-1", "user-1")
        .justification("offboarding")
        .send()
        .await
        .unwrap();
    assert!(outcome.is_not_assigned());
    assert!(outcome.requests().is_empty());
}

#[tokio::test]
async fn one_assignment_one_removal() {
    let server = MockServer::start().await;
    mount_assignments(&server, json!([{"id": "asg-1", "state": "delivered"}])).await;
    mount_open_requests(&server, json!([])).await;
    mount_removal(&server, "asg-1", 201, created("req-1")).await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = client
        .assignments()
        .remove_for("pkg-1", "user-1")
        .justification("offboarding")
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = outcome.requests().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["req-1"]);
    assert!(matches!(outcome, RemoveFor::Requested { ref failed, .. } if failed.is_empty()));
}

#[tokio::test]
async fn two_assignments_two_removals() {
    let server = MockServer::start().await;
    mount_assignments(
        &server,
        json!([
            {"id": "asg-1", "state": "delivered"},
            {"id": "asg-x", "state": "expired"},
            {"id": "asg-2", "state": "partiallyDelivered"}
        ]),
    )
    .await;
    mount_open_requests(&server, json!([])).await;
    mount_removal(&server, "asg-1", 201, created("req-1")).await;
    mount_removal(&server, "asg-2", 201, created("req-2")).await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = client
        .assignments()
        .remove_for("pkg-1", "user-1")
        .justification("offboarding")
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = outcome.requests().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["req-1", "req-2"]);
}

#[tokio::test]
async fn a_failed_removal_is_listed_when_another_succeeded() {
    let server = MockServer::start().await;
    mount_assignments(
        &server,
        json!([{"id": "asg-1", "state": "delivered"}, {"id": "asg-2", "state": "delivering"}]),
    )
    .await;
    mount_open_requests(&server, json!([])).await;
    mount_removal(&server, "asg-1", 201, created("req-1")).await;
    mount_removal(
        &server,
        "asg-2",
        400,
        envelope("ExistingOpenRequest", "a removal is already open"),
    )
    .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = client
        .assignments()
        .remove_for("pkg-1", "user-1")
        .justification("offboarding")
        .send()
        .await
        .unwrap();
    let RemoveFor::Requested { requests, failed } = outcome else {
        panic!("expected Requested");
    };
    assert_eq!(requests.len(), 1);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].0, "asg-2");
    assert_eq!(failed[0].1.status(), Some(400));
}

#[tokio::test]
async fn when_every_removal_fails_the_error_is_returned() {
    let server = MockServer::start().await;
    mount_assignments(&server, json!([{"id": "asg-1", "state": "delivered"}])).await;
    mount_open_requests(&server, json!([])).await;
    mount_removal(&server, "asg-1", 403, envelope("accessDenied", "no")).await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let err = client
        .assignments()
        .remove_for("pkg-1", "user-1")
        .justification("offboarding")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn bad_ids_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client_for(&server);
    for (pkg, user) in [("", "user-1"), ("pkg-1", "a/b"), ("pkg'1", "user-1")] {
        let err = client
            .assignments()
            .remove_for(pkg, user)
            .send()
            .await
            .unwrap_err();
        assert!(err.is_invalid_input(), "{pkg:?} {user:?}: {err}");
    }
}

/// An open removal for the target is not asked for twice, even when the
/// open request names the person only through its requestor; an open add
/// for the same person is never taken for a removal.
#[tokio::test]
async fn an_open_removal_is_returned_not_posted_again_and_an_add_is_not_a_removal() {
    let server = MockServer::start().await;
    mount_assignments(
        &server,
        json!([{"id": "asg-1", "state": "delivered"}, {"id": "asg-2", "state": "delivered"}]),
    )
    .await;
    mount_open_requests(
        &server,
        json!([
            // An open add for the same person: not a removal.
            {"id": "req-add", "requestType": "adminAdd", "state": "pendingApproval",
             "assignment": null, "requestor": {"objectId": "user-1"}},
            // An open removal of asg-1 that names only its requestor.
            {"id": "req-open", "requestType": "adminRemove", "state": "submitted",
             "assignment": null, "requestor": {"objectId": "user-1"}}
        ]),
    )
    .await;
    mount_removal(&server, "asg-2", 201, created("req-2")).await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = client
        .assignments()
        .remove_for("pkg-1", "user-1")
        .justification("offboarding")
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = outcome.requests().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["req-open", "req-2"]);
    let posts = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 1, "only asg-2 was asked for");
}

/// Graph (or a proxy in front of it) that ignores the target filter answers
/// with every holder of the package: only the named person's assignment is
/// removed, and an assignment without a target matches nobody. Ids compare
/// ignoring case, as Graph compares GUIDs.
#[tokio::test]
async fn a_dropped_target_filter_removes_only_that_persons_assignment() {
    let ada = "0cf0edb8-0000-4000-8000-00000000000a";
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ASSIGNMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "asg-bob", "state": "delivered",
             "target": {"id": "subj-b", "objectId": "0cf0edb8-0000-4000-8000-00000000000b"}},
            {"id": "asg-ada", "state": "delivered", "target": {"id": "subj-a", "objectId": ada}},
            {"id": "asg-nobody", "state": "delivered"},
            {"id": "asg-null", "state": "delivered", "target": null}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    mount_open_requests(&server, json!([])).await;
    mount_removal(&server, "asg-ada", 201, created("req-ada")).await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let outcome = client
        .assignments()
        .remove_for("pkg-1", ada.to_uppercase())
        .justification("offboarding")
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = outcome.requests().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["req-ada"]);
    let posted: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(
        posted,
        [removal_body("asg-ada")],
        "nobody else's access was touched"
    );

    // Only someone else's assignments: nothing to remove, nothing posted.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ASSIGNMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "asg-bob", "state": "delivered", "target": {"objectId": "someone-else"}},
            {"id": "asg-nobody", "state": "delivered"}
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let outcome = client_for(&server)
        .assignments()
        .remove_for("pkg-1", ada)
        .send()
        .await
        .unwrap();
    assert!(outcome.is_not_assigned());
}
