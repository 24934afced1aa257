//! Creating assignment requests on the wire: exact bodies, client-side
//! validation (nothing sent) and error classification. (Sending only when
//! nothing exists is `entra_access_ops::submit_once`, tested there.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use crate::common;

use chrono::TimeZone;
use common::*;
use entra_access::api::Target;
use entra_access::models::{
    Answer, AssignmentPolicy, Expiration, IsoDuration, RequestState, Schedule,
};
use entra_access::ErrorKind;
use serde_json::{json, Value};

use wiremock::matchers::{any, body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const REQUESTS: &str = "/v1.0/identityGovernance/entitlementManagement/assignmentRequests";

fn created(id: &str, request_type: &str) -> Value {
    json!({
        "id": id, "requestType": request_type, "state": "submitted", "status": "Accepted",
        "createdDateTime": null, "completedDateTime": null
    })
}

fn policy() -> AssignmentPolicy {
    serde_json::from_value(json!({
        "id": "pol-1",
        "questions": [
            {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion",
             "id": "q-project", "text": "Project?", "isRequired": true},
            {"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion",
             "id": "q-dept", "text": "Department?", "isRequired": false,
             "choices": [{"actualValue": "fin", "text": "Finance"},
                         {"actualValue": "eng", "text": "Engineering"}]}
        ]
    }))
    .unwrap()
}

fn t(y: i32, m: u32, d: u32) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

/// Mounts a POST that expects `body` once and answers 201 with `answer`.
async fn expect_post(server: &MockServer, body: Value, answer: Value) {
    Mock::given(method("POST"))
        .and(path(REQUESTS))
        .and(body_json(&body))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer))
        .expect(1)
        .mount(server)
        .await;
}

async fn posted_bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn admin_add_for_a_directory_user_sends_graphs_shape() {
    let server = MockServer::start().await;
    let body = json!({
        "requestType": "adminAdd",
        "assignment": {"targetId": "user-1", "assignmentPolicyId": "pol-1", "accessPackageId": "pkg-1"},
        "schedule": {
            "startDateTime": "2025-01-01T00:00:00Z",
            "expiration": {"type": "afterDateTime", "endDateTime": "2025-03-31T00:00:00Z"}
        },
        "justification": "onboarding",
        "answers": [
            {"@odata.type": "#microsoft.graph.accessPackageAnswerString",
             "value": "Falcon", "displayValue": "Falcon",
             "answeredQuestion": {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "id": "q-project"}},
            {"@odata.type": "#microsoft.graph.accessPackageAnswerString",
             "value": "fin", "displayValue": "Finance",
             "answeredQuestion": {"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "id": "q-dept"}}
        ]
    });
    expect_post(&server, body.clone(), created("req-1", "adminAdd")).await;
    mount_catch_all(&server).await;
    let client = client_for(&server);

    let r = client
        .assignment_requests()
        .admin_add("pkg-1", "pol-1", Target::user("user-1"))
        .policy(&policy())
        .starts_at(t(2025, 1, 1))
        .ends_at(t(2025, 3, 31))
        .justification("onboarding")
        .answer("q-project", "Falcon")
        .answer("q-dept", "Finance")
        .send()
        .await
        .unwrap();
    assert_eq!(r.id, "req-1");
    assert_eq!(r.state, Some(RequestState::Submitted));
    assert_eq!(r.status.as_deref(), Some("Accepted"));
    assert_eq!(posted_bodies(&server).await, vec![body]);
}

#[tokio::test]
async fn admin_add_by_email_duration_and_no_expiration_bodies() {
    let server = MockServer::start().await;
    let by_email = json!({
        "requestType": "adminAdd",
        "assignment": {
            "target": {"email": "ana@fabrikam.com", "displayName": "Ana Souza",
                       "connectedOrganization": {"id": "org-1"}},
            "assignmentPolicyId": "pol-1", "accessPackageId": "pkg-1"
        },
        "schedule": {"expiration": {"type": "afterDuration", "duration": "P30D"}}
    });
    let never = json!({
        "requestType": "adminAdd",
        "assignment": {"targetId": "user-2", "assignmentPolicyId": "pol-1", "accessPackageId": "pkg-1"},
        "schedule": {"expiration": {"type": "noExpiration"}},
        "answers": [
            {"@odata.type": "#microsoft.graph.accessPackageAnswerString",
             "value": "eng", "displayValue": "eng",
             "answeredQuestion": {"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "id": "q-dept"}}
        ]
    });
    expect_post(&server, by_email.clone(), created("req-e", "adminAdd")).await;
    expect_post(&server, never.clone(), created("req-n", "adminAdd")).await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let requests = client.assignment_requests();

    let target = Target::email("ana@fabrikam.com")
        .display_name("Ana Souza")
        .connected_organization("org-1");
    let r = requests
        .admin_add("pkg-1", "pol-1", target)
        .duration(IsoDuration::days(30))
        .send()
        .await
        .unwrap();
    assert_eq!(r.id, "req-e");
    // Complete answers pass without a policy.
    let r = requests
        .admin_add("pkg-1", "pol-1", Target::user("user-2"))
        .no_expiration()
        .answers(vec![Answer::choice("q-dept", "eng")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.id, "req-n");
    assert_eq!(posted_bodies(&server).await, vec![by_email, never]);
}

#[tokio::test]
async fn admin_update_and_admin_remove_bodies() {
    let server = MockServer::start().await;
    let update = json!({
        "requestType": "adminUpdate",
        "assignment": {"id": "asg-1"},
        "schedule": {
            "startDateTime": "2025-01-01T00:00:00Z",
            "expiration": {"type": "afterDuration", "duration": "P90D"}
        },
        "answers": [
            {"@odata.type": "#microsoft.graph.accessPackageAnswerString",
             "value": "Hawk", "displayValue": "Hawk",
             "answeredQuestion": {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "id": "q-project"}}
        ]
    });
    let remove = json!({
        "requestType": "adminRemove",
        "assignment": {"id": "asg-2"},
        "justification": "left the team"
    });
    expect_post(&server, update.clone(), created("req-u", "adminUpdate")).await;
    expect_post(&server, remove.clone(), created("req-r", "adminRemove")).await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let requests = client.assignment_requests();

    let r = requests
        .admin_update("asg-1")
        .policy(&policy())
        .schedule(Schedule::new(
            Some(t(2025, 1, 1)),
            Some(Expiration::after_duration(IsoDuration::days(90))),
        ))
        .answer("q-project", "Hawk")
        .send()
        .await
        .unwrap();
    assert_eq!(r.id, "req-u");
    let r = requests
        .admin_remove("asg-2")
        .justification("left the team")
        .send()
        .await
        .unwrap();
    assert_eq!(r.id, "req-r");
    assert_eq!(posted_bodies(&server).await, vec![update, remove]);
}

#[tokio::test]
async fn cancel_reprocess_and_delete_accept_any_2xx() {
    let server = MockServer::start().await;
    for (m, p, status) in [
        ("POST", format!("{REQUESTS}/req-1/cancel"), 204),
        ("POST", format!("{REQUESTS}/req-2/cancel"), 200),
        ("POST", format!("{REQUESTS}/req-3/reprocess"), 202),
        ("DELETE", format!("{REQUESTS}/req-4"), 204),
    ] {
        Mock::given(method(m))
            .and(path(p))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
    }
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let requests = client.assignment_requests();
    requests.cancel("req-1").send().await.unwrap();
    requests.cancel("req-2").send().await.unwrap();
    requests.reprocess("req-3").send().await.unwrap();
    requests.delete("req-4").send().await.unwrap();
    for r in server.received_requests().await.unwrap() {
        assert!(r.body.is_empty(), "{} {} sent a body", r.method, r.url);
    }
}

#[tokio::test]
async fn a_refused_cancel_is_a_graph_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{REQUESTS}/req-1/cancel")))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(envelope("BadRequest", "not cancellable")),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let err = client
        .assignment_requests()
        .cancel("req-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(!err.is_request_already_open() && !err.is_already_assigned());
}

#[tokio::test]
async fn every_validation_error_is_caught_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let rq = client.assignment_requests();
    let add = || rq.admin_add("pkg-1", "pol-1", Target::user("user-1"));
    let cases: Vec<(&str, entra_access::Result<_>, &str)> = vec![
        (
            "empty package",
            rq.admin_add("", "pol-1", Target::user("u")).send().await,
            "access package id is empty",
        ),
        (
            "bad policy id",
            rq.admin_add("pkg", "pol/1", Target::user("u")).send().await,
            "assignment policy id contains",
        ),
        (
            "bad target id",
            rq.admin_add("pkg", "pol", Target::user("u 1")).send().await,
            "target object id contains",
        ),
        (
            "no @",
            rq.admin_add("pkg", "pol", Target::email("ana.fabrikam.com"))
                .send()
                .await,
            "exactly one '@'",
        ),
        (
            "two @",
            rq.admin_add("pkg", "pol", Target::email("a@b@c.com"))
                .send()
                .await,
            "exactly one '@'",
        ),
        (
            "no local part",
            rq.admin_add("pkg", "pol", Target::email("@c.com"))
                .send()
                .await,
            "nothing before",
        ),
        (
            "undotted domain",
            rq.admin_add("pkg", "pol", Target::email("ana@fabrikam"))
                .send()
                .await,
            "dotted domain",
        ),
        (
            "space",
            rq.admin_add("pkg", "pol", Target::email("ana @fabrikam.com"))
                .send()
                .await,
            "character ' '",
        ),
        (
            "bad connected org",
            rq.admin_add(
                "pkg",
                "pol",
                Target::email("a@b.com").connected_organization(""),
            )
            .send()
            .await,
            "connected organization id is empty",
        ),
        (
            "end before start",
            add()
                .starts_at(t(2025, 2, 1))
                .ends_at(t(2025, 1, 1))
                .send()
                .await,
            "before or when it starts",
        ),
        (
            "end and duration",
            add()
                .ends_at(t(2025, 2, 1))
                .duration(IsoDuration::days(3))
                .send()
                .await,
            "both an end date and a duration",
        ),
        (
            "never and duration",
            add()
                .no_expiration()
                .duration(IsoDuration::days(3))
                .send()
                .await,
            "no_expiration",
        ),
        (
            "required question",
            add().policy(&policy()).answer("q-dept", "fin").send().await,
            "question q-project (\"Project?\") is required",
        ),
        (
            "unknown question",
            add()
                .policy(&policy())
                .answer("q-project", "x")
                .answer("q-zzz", "x")
                .send()
                .await,
            "q-zzz is not a question of policy pol-1",
        ),
        (
            "not a choice",
            add()
                .policy(&policy())
                .answer("q-project", "x")
                .answer("q-dept", "Marketing")
                .send()
                .await,
            "\"Marketing\" is not one of its choices (expected one of: fin, eng)",
        ),
        (
            "choice by display text in a complete answer",
            add()
                .policy(&policy())
                .answers(vec![Answer::choice("q-dept", "Finance")])
                .answer("q-project", "x")
                .send()
                .await,
            "not one of its choices",
        ),
        (
            "answer needs the policy",
            add().answer("q-project", "x").send().await,
            ".policy(&policy)",
        ),
        (
            "other policy",
            rq.admin_add("pkg", "pol-2", Target::user("u"))
                .policy(&policy())
                .send()
                .await,
            "given to check the request against is pol-1",
        ),
    ];
    for (name, result, expected) in cases {
        let err = result.expect_err(name);
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{name}: {err}");
        assert!(err.to_string().contains(expected), "{name}: {err}");
    }
    let more = [
        rq.admin_update("asg-1").send().await.map(|_| ()),
        rq.admin_update("")
            .duration(IsoDuration::days(1))
            .send()
            .await
            .map(|_| ()),
        rq.admin_update("asg-1")
            .policy(&policy())
            .answer("q-dept", "hr")
            .send()
            .await
            .map(|_| ()),
        rq.admin_remove("a?b").send().await.map(|_| ()),
        rq.cancel("").send().await,
        rq.reprocess("x#y").send().await,
        rq.delete("../x").send().await,
    ];
    for (i, r) in more.into_iter().enumerate() {
        let err = r.expect_err(&format!("case {i}"));
        assert!(err.is_invalid_input(), "case {i}: {err}");
    }
}

#[tokio::test]
async fn plain_send_reports_a_500_as_maybe_processed_and_posts_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(REQUESTS))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let err = client
        .assignment_requests()
        .admin_add("pkg-1", "pol-1", Target::user("user-1"))
        .send()
        .await
        .unwrap_err();
    assert!(err.may_have_been_processed());
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn graph_refusals_are_classified_by_code() {
    let server = MockServer::start().await;
    for (user, status, code) in [
        ("u-scope", 400, "RequestorNotInAllowedScope"),
        ("u-open", 400, "ExistingOpenRequest"),
        ("u-has", 400, "AlreadyAssigned"),
        ("u-gone", 404, "ResourceNotFound"),
    ] {
        Mock::given(method("POST"))
            .and(path(REQUESTS))
            .and(wiremock::matchers::body_partial_json(
                json!({"assignment": {"targetId": user}}),
            ))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_json(envelope(code, "You don't meet policy requirements")),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let predicates = |e: &entra_access::Error| {
        [
            e.is_outside_policy_scope(),
            e.is_request_already_open(),
            e.is_already_assigned(),
            e.is_not_found(),
        ]
    };
    for (i, user) in ["u-scope", "u-open", "u-has", "u-gone"]
        .into_iter()
        .enumerate()
    {
        let err = client
            .assignment_requests()
            .admin_add("pkg-1", "pol-1", Target::user(user))
            .send()
            .await
            .unwrap_err();
        let mut want = [false; 4];
        want[i] = true;
        assert_eq!(predicates(&err), want, "{user}: {err}");
    }
}

/// `assignments().reprocess(id)` against the fake: a delivered assignment is
/// accepted (202), an expired one is refused with Graph's envelope.
#[tokio::test]
async fn reprocess_an_assignment() {
    use entra_access::models::AssignmentState;
    use entra_access_fake::{AccessPackageSeed, AssignmentSeed, FakeGraph, PolicySeed, UserSeed};

    let fake = FakeGraph::start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("P"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let ada = fake.add_user(UserSeed::new("Ada"));
    let bob = fake.add_user(UserSeed::new("Bob"));
    let live = fake.add_assignment(AssignmentSeed::new(&pkg, &policy, &ada));
    let gone = fake
        .add_assignment(AssignmentSeed::new(&pkg, &policy, &bob).state(AssignmentState::Expired));
    let client = fake.client().unwrap();

    client
        .assignments()
        .reprocess(live.clone())
        .send()
        .await
        .unwrap();
    let err = client
        .assignments()
        .reprocess(gone)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_eq!(
        fake.count(
            "POST",
            &format!("/v1.0/identityGovernance/entitlementManagement/assignments/{live}/reprocess")
        ),
        1
    );
}

/// One rule for answers in single and bulk adds: `answers(list)` replaces
/// every answer set before; `answer(question, value)` appends one.
#[tokio::test]
async fn answers_replace_and_answer_appends_in_single_adds() {
    let server = MockServer::start().await;
    let text = |id: &str, v: &str| serde_json::to_value(Answer::text_input(id, v)).unwrap();
    let admin = json!({
        "requestType": "adminAdd",
        "assignment": {"targetId": "user-1", "assignmentPolicyId": "pol-1", "accessPackageId": "pkg-1"},
        "answers": [
            text("q-project", "Falcon"),
            {"@odata.type": "#microsoft.graph.accessPackageAnswerString",
             "value": "fin", "displayValue": "Finance",
             "answeredQuestion": {"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "id": "q-dept"}}
        ]
    });
    let user = json!({
        "requestType": "userAdd",
        "assignment": {"assignmentPolicyId": "pol-1", "accessPackageId": "pkg-1"},
        "answers": [text("q-project", "Hawk")]
    });
    expect_post(&server, admin.clone(), created("req-a", "adminAdd")).await;
    expect_post(&server, user.clone(), created("req-u", "userAdd")).await;
    mount_catch_all(&server).await;
    let client = client_for(&server);
    let rq = client.assignment_requests();

    // The first list is replaced by the second; `answer` adds to it.
    rq.admin_add("pkg-1", "pol-1", Target::user("user-1"))
        .policy(&policy())
        .answers(vec![Answer::text_input("q-project", "Old")])
        .answers(vec![Answer::text_input("q-project", "Falcon")])
        .answer("q-dept", "Finance")
        .send()
        .await
        .unwrap();
    // `answer` before `answers` is replaced too.
    rq.user_add("pkg-1", "pol-1")
        .policy(&policy())
        .answer("q-dept", "Finance")
        .answers(vec![Answer::text_input("q-project", "Hawk")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted_bodies(&server).await, vec![admin, user]);

    // An empty list clears them.
    let req = rq
        .admin_update("asg-1")
        .answers(vec![Answer::text_input("q-project", "x")])
        .answers(Vec::new())
        .duration(IsoDuration::days(1))
        .request()
        .unwrap();
    assert!(req.body_json().unwrap().get("answers").is_none());
}

#[tokio::test]
async fn answers_replace_in_bulk_adds_too() {
    use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};

    let fake = FakeGraph::start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("P"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let user = fake.add_user(UserSeed::new("Ada"));
    let client = fake.client().unwrap();

    let report = entra_access_ops::BulkAssign::users(&client, &pkg, &policy, [&user])
        .answers(vec![Answer::text_input("q-project", "Old")])
        .answers(vec![Answer::text_input("q-project", "Falcon")])
        .run()
        .await
        .unwrap();
    assert_eq!(report.totals().created, 1);
    let posts: Vec<Value> = fake
        .received()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/assignmentRequests"))
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0]["answers"],
        json!([serde_json::to_value(Answer::text_input("q-project", "Falcon")).unwrap()])
    );
}

/// `set_x(Some(v))` is `x(v)`; `set_x(None)` clears what `x` set.
#[test]
fn optional_setters_set_and_clear() {
    use entra_access::api::Decision;
    let client = entra_access::Client::builder()
        .token_provider(entra_access::auth::StaticToken::new("t"))
        .build()
        .unwrap();
    let rq = client.assignment_requests();
    let add = || rq.admin_add("pkg-1", "pol-1", Target::user("user-1"));
    let body = |r: entra_access::Result<entra_access::request::ApiRequest>| {
        r.unwrap().body_json().unwrap().clone()
    };
    let plain = body(add().request());
    let (start, end) = (t(2025, 1, 1), t(2025, 2, 1));
    let days = IsoDuration::days(3);
    let schedule = Schedule::new(Some(start), Some(Expiration::never()));

    // Some(v) equals the plain setter.
    assert_eq!(
        body(
            add()
                .set_starts_at(Some(start))
                .set_ends_at(Some(end))
                .request()
        ),
        body(add().starts_at(start).ends_at(end).request())
    );
    assert_eq!(
        body(add().set_duration(Some(days)).request()),
        body(add().duration(days).request())
    );
    assert_eq!(
        body(add().set_schedule(Some(schedule.clone())).request()),
        body(add().schedule(schedule.clone()).request())
    );
    assert_eq!(
        body(add().set_justification(Some("why".into())).request()),
        body(add().justification("why").request())
    );
    // None clears.
    for cleared in [
        add().starts_at(start).set_starts_at(None).request(),
        add().ends_at(end).set_ends_at(None).request(),
        add().duration(days).set_duration(None).request(),
        add()
            .schedule(schedule.clone())
            .set_schedule(None)
            .request(),
        add()
            .starts_at(start)
            .duration(days)
            .set_schedule(None)
            .request(),
        add().justification("why").set_justification(None).request(),
    ] {
        assert_eq!(body(cleared), plain);
    }
    // A policy set and cleared again checks nothing: the answer by value
    // then needs it, as with no policy at all.
    let by_value = add()
        .policy(&policy())
        .set_policy(None)
        .answer("q-project", "x")
        .request()
        .unwrap_err();
    assert!(
        by_value.to_string().contains(".policy(&policy)"),
        "{by_value}"
    );
    assert_eq!(
        body(
            add()
                .set_policy(Some(&policy()))
                .answer("q-project", "x")
                .request()
        ),
        body(add().policy(&policy()).answer("q-project", "x").request())
    );
    // The same on the other builders with optional settings.
    let user_add = body(rq.user_add("p", "q").request());
    assert_eq!(
        body(
            rq.user_add("p", "q")
                .justification("x")
                .set_justification(None)
                .request()
        ),
        user_add
    );
    assert_eq!(
        body(
            rq.admin_remove("a")
                .set_justification(Some("gone".into()))
                .request()
        ),
        body(rq.admin_remove("a").justification("gone").request())
    );
    assert_eq!(
        body(
            rq.admin_remove("a")
                .justification("gone")
                .set_justification(None)
                .request()
        ),
        body(rq.admin_remove("a").request())
    );
    let approvals = client.approvals();
    assert_eq!(
        body(
            approvals
                .approve("r", "s")
                .set_justification(Some("ok".into()))
                .request()
        ),
        body(approvals.approve("r", "s").justification("ok").request())
    );
    assert_eq!(
        body(
            approvals
                .deny("r", "s")
                .justification("no")
                .set_justification(None)
                .request()
        ),
        json!({"reviewResult": Decision::Deny.as_str()})
    );
    let email = || Target::email("ana@fabrikam.com");
    assert_eq!(
        email()
            .set_display_name(Some("Ana".into()))
            .set_connected_organization(Some("org-1".into())),
        email().display_name("Ana").connected_organization("org-1")
    );
    assert_eq!(
        email()
            .display_name("Ana")
            .connected_organization("org-1")
            .set_display_name(None)
            .set_connected_organization(None),
        email()
    );
}

/// Approval intent and the policy's requestor rules, against FakeGraph.
mod on_the_fake {
    use entra_access::api::Target;
    use entra_access::models::{
        AccessPackageId, AssignmentPolicyId, IsoDuration, ObjectId, RequestState,
    };
    use entra_access_fake::{AccessPackageSeed, AssignmentSeed, FakeGraph, PolicySeed, UserSeed};
    use serde_json::json;

    const CREATE: &str = "identityGovernance/entitlementManagement/assignmentRequests";

    struct World {
        fake: FakeGraph,
        pkg: AccessPackageId,
        ada: ObjectId,
    }

    async fn world() -> World {
        let fake = FakeGraph::builder().manual_progress().start().await;
        let pkg = fake.add_access_package(AccessPackageSeed::new("Travel"));
        let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
        World { fake, pkg, ada }
    }

    fn code(err: &entra_access::Error) -> Option<&str> {
        err.code().map(|c| c.as_str())
    }

    /// The must-show of item 3: a direct assignment under a policy that
    /// requires approval waits for the approvers, unless it asks to bypass
    /// them; both intents are on the wire.
    #[tokio::test]
    async fn a_direct_assignment_waits_for_approvers_unless_it_bypasses_them() {
        let w = world().await;
        let bob = w.fake.add_user(UserSeed::new("Bob"));
        let approver = w.fake.add_user(UserSeed::new("Grace Approver"));
        let policy = w
            .fake
            .add_policy(PolicySeed::new("Approved", &w.pkg).approval_stage([&approver]));
        let client = w.fake.client().unwrap();
        let requests = client.assignment_requests();

        let waits = requests
            .admin_add(w.pkg.clone(), policy.clone(), Target::user(w.ada.clone()))
            .send()
            .await
            .unwrap();
        let bypasses = requests
            .admin_add(w.pkg.clone(), policy.clone(), Target::user(bob.clone()))
            .bypass_approval(true)
            .send()
            .await
            .unwrap();
        assert_eq!(
            bypasses.parameters.and_then(|p| p.bypass_approval),
            Some(true),
            "the created request echoes its parameters"
        );
        w.fake.settle();
        assert_eq!(
            w.fake.assignment_request(&waits.id).unwrap().state,
            RequestState::PendingApproval
        );
        assert_eq!(
            w.fake.assignment_request(&bypasses.id).unwrap().state,
            RequestState::Delivered
        );
        let posted: Vec<serde_json::Value> = w
            .fake
            .received()
            .into_iter()
            .filter(|r| r.method == "POST")
            .map(|r| serde_json::from_str(&r.body).unwrap())
            .collect();
        assert!(posted[0].get("parameters").is_none(), "{}", posted[0]);
        assert_eq!(posted[1]["parameters"], json!({"bypassApproval": true}));

        // An update under a policy that approves updates bypasses it too.
        let held = w
            .fake
            .add_assignment(AssignmentSeed::new(&w.pkg, &policy, &approver));
        let update = requests
            .admin_update(held)
            .duration(IsoDuration::days(30))
            .bypass_approval(true)
            .send()
            .await
            .unwrap();
        w.fake.settle();
        assert_eq!(
            w.fake.assignment_request(&update.id).unwrap().state,
            RequestState::Delivered
        );
    }

    #[tokio::test]
    async fn the_fake_refuses_bypass_on_a_self_service_request_and_bad_parameters() {
        let w = world().await;
        let policy = w
            .fake
            .add_policy(PolicySeed::new("Ask", &w.pkg).allow_self_add(true));
        let as_ada = w.fake.delegated_client_for(&w.ada).unwrap();
        let err = as_ada
            .raw()
            .post(
                CREATE,
                &json!({"requestType": "userAdd",
                    "assignment": {"accessPackageId": w.pkg, "assignmentPolicyId": policy},
                    "parameters": {"bypassApproval": true}}),
            )
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(400), "{err}");
        assert!(err.to_string().contains("bypassApproval"), "{err}");
        let app = w.fake.client().unwrap();
        for parameters in [
            json!({"skipEverything": true}),
            json!({"bypassApproval": "yes"}),
        ] {
            let err = app
                .raw()
                .post(
                    CREATE,
                    &json!({"requestType": "adminAdd",
                        "assignment": {"accessPackageId": w.pkg, "assignmentPolicyId": policy, "targetId": w.ada},
                        "parameters": parameters}),
                )
                .await
                .unwrap_err();
            assert_eq!(err.status(), Some(400), "{err}");
        }
        assert!(w.fake.assignment_requests().is_empty());
    }

    /// Item 9: a `userAdd` the policy does not allow is refused before
    /// sending when the builder knows the policy (read from Graph), and by
    /// the fake with Graph's answer when it does not.
    #[tokio::test]
    async fn a_user_add_the_policy_does_not_allow_is_refused_before_sending() {
        let w = world().await;
        let admin_only = w.fake.add_policy(PolicySeed::new("Admins assign", &w.pkg));
        let fixed = w.fake.add_policy(
            PolicySeed::new("Fixed schedule", &w.pkg)
                .allow_self_add(true)
                .allow_custom_schedule(false),
        );
        let justify = w.fake.add_policy(
            PolicySeed::new("Say why", &w.pkg)
                .allow_self_add(true)
                .require_justification(true),
        );
        let as_ada = w.fake.delegated_client_for(&w.ada).unwrap();
        let read = |id: &AssignmentPolicyId| {
            let c = as_ada.clone();
            let id = id.clone();
            async move { c.assignment_policies().get(id).send().await.unwrap() }
        };
        let (admin_only_p, fixed_p, justify_p) = (
            read(&admin_only).await,
            read(&fixed).await,
            read(&justify).await,
        );
        let rq = as_ada.assignment_requests();
        let before = w.fake.assignment_request_posts();
        let cases = [
            (
                rq.user_add(w.pkg.clone(), admin_only.clone())
                    .policy(&admin_only_p)
                    .send()
                    .await,
                "requestorSettings.enableTargetsToSelfAddAccess",
            ),
            (
                rq.user_add(w.pkg.clone(), fixed.clone())
                    .policy(&fixed_p)
                    .duration(IsoDuration::days(7))
                    .send()
                    .await,
                "requestorSettings.allowCustomAssignmentSchedule",
            ),
            (
                rq.user_add(w.pkg.clone(), justify.clone())
                    .policy(&justify_p)
                    .send()
                    .await,
                "requestApprovalSettings.isRequestorJustificationRequired",
            ),
        ];
        for (result, setting) in cases {
            let err = result.map(|_| ()).unwrap_err();
            assert!(err.is_invalid_input(), "{setting}: {err}");
            assert!(err.to_string().contains(setting), "{err}");
        }
        assert_eq!(
            w.fake.assignment_request_posts(),
            before,
            "nothing was sent"
        );

        // Without the policy the same requests reach the fake, which
        // refuses them as Graph does.
        let err = rq
            .user_add(w.pkg.clone(), admin_only)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            (err.status(), code(&err)),
            (Some(400), Some("NoMatchingPolicy")),
            "{err}"
        );
        assert!(err.is_outside_policy_scope(), "{err}");
        let err = rq
            .user_add(w.pkg.clone(), fixed.clone())
            .duration(IsoDuration::days(7))
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), Some("CustomScheduleNotAllowed"), "{err}");
        let err = rq
            .user_add(w.pkg.clone(), justify.clone())
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), Some("JustificationRequired"), "{err}");
        assert!(w.fake.assignment_requests().is_empty());

        // What the policies allow goes through, checked and sent.
        rq.user_add(w.pkg.clone(), fixed)
            .policy(&fixed_p)
            .send()
            .await
            .unwrap();
        let bob = w.fake.add_user(UserSeed::new("Bob"));
        w.fake
            .delegated_client_for(&bob)
            .unwrap()
            .assignment_requests()
            .user_add(w.pkg.clone(), justify)
            .policy(&justify_p)
            .justification("the spring trip")
            .send()
            .await
            .unwrap();
        assert_eq!(w.fake.assignment_requests().len(), 2);
    }

    /// Graph lets a user renew their own access with another `userAdd`.
    #[tokio::test]
    async fn a_user_add_for_a_held_package_renews_the_assignment() {
        let w = world().await;
        let policy = w
            .fake
            .add_policy(PolicySeed::new("Ask", &w.pkg).allow_self_add(true));
        let held = w
            .fake
            .add_assignment(AssignmentSeed::new(&w.pkg, &policy, &w.ada));
        let renewal = w
            .fake
            .delegated_client_for(&w.ada)
            .unwrap()
            .assignment_requests()
            .user_add(w.pkg.clone(), policy.clone())
            .duration(IsoDuration::days(90))
            .send()
            .await
            .unwrap();
        w.fake.settle();
        assert_eq!(
            w.fake.assignment_request(&renewal.id).unwrap().state,
            RequestState::Delivered
        );
        let assignments = w.fake.assignments();
        assert_eq!(assignments.len(), 1, "renewed, not doubled");
        assert_eq!(assignments[0].id, held);
        let read = w
            .fake
            .client()
            .unwrap()
            .assignments()
            .get(held)
            .send()
            .await
            .unwrap();
        let expiration = read.schedule.and_then(|s| s.expiration).unwrap();
        assert_eq!(expiration.duration, Some(IsoDuration::days(90)));

        // An administrator's second add is still refused as Graph does.
        let err = w
            .fake
            .client()
            .unwrap()
            .assignment_requests()
            .admin_add(w.pkg.clone(), policy, Target::user(w.ada.clone()))
            .send()
            .await
            .unwrap_err();
        assert!(err.is_already_assigned(), "{err}");
    }
}
