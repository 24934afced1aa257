//! FakeGraph behaves like Graph: seeding, reads, filters, paging, request
//! lifecycle, errors, token endpoint, faults and introspection.
#![allow(clippy::unwrap_used)] // helpers outside #[test] fns unwrap too

use std::collections::HashSet;
use std::time::Duration;

use entra_access::models::{
    AccessPackageId, AllowedTargetScope, AssignmentPolicyId, AssignmentRequestId, AssignmentState,
    ObjectId, RequestState, RequestType,
};
use entra_access_fake::{
    AccessPackageSeed, AssignmentSeed, CatalogSeed, DeviceSeed, FakeGraph, Fault, GroupSeed,
    PolicySeed, QuestionSeed, RequestSeed, ServicePrincipalSeed, UserSeed,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

const EM: &str = "/v1.0/identityGovernance/entitlementManagement";

/// A tiny Graph caller for the tests.
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

struct Resp {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Api {
    fn new(fake: &FakeGraph) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: fake.uri().to_owned(),
            token: fake.token(),
        }
    }

    /// A caller signed in as `user` (a delegated token).
    fn as_user(fake: &FakeGraph, user: &ObjectId) -> Self {
        Self {
            token: fake.delegated_token_for(user),
            ..Self::new(fake)
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    async fn send(&self, rb: reqwest::RequestBuilder) -> Resp {
        let r = rb.bearer_auth(&self.token).send().await.unwrap();
        let status = r.status();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        Resp {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str) -> Resp {
        self.send(self.http.get(self.url(path))).await
    }

    async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(self.http.post(self.url(path)).json(&body)).await
    }

    async fn post_empty(&self, path: &str) -> Resp {
        self.send(self.http.post(self.url(path))).await
    }

    async fn delete(&self, path: &str) -> Resp {
        self.send(self.http.delete(self.url(path))).await
    }

    /// Follows `@odata.nextLink` and returns every item and the number of pages.
    async fn all(&self, path: &str) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut pages = 0;
        let mut next = Some(self.url(path));
        while let Some(url) = next {
            let r = self.get(&url).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            pages += 1;
            items.extend(r.body["value"].as_array().unwrap().iter().cloned());
            next = r.body["@odata.nextLink"].as_str().map(str::to_owned);
        }
        (items, pages)
    }
}

fn assert_envelope(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    assert_eq!(r.body["error"]["code"], code, "{}", r.body);
    assert!(r.body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    let inner = &r.body["error"]["innerError"];
    let rid = inner["request-id"].as_str().unwrap();
    assert_eq!(r.headers["request-id"].to_str().unwrap(), rid);
    assert!(uuid::Uuid::parse_str(rid).is_ok());
    assert!(inner["client-request-id"].as_str().is_some());
    let date = inner["date"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%S").is_ok(),
        "{date}"
    );
}

struct World {
    fake: FakeGraph,
    api: Api,
    pkg: AccessPackageId,
    policy: AssignmentPolicyId,
    ada: ObjectId,
    bob: ObjectId,
}

async fn world(builder: entra_access_fake::FakeGraphBuilder) -> World {
    let fake = builder.start().await;
    let cat = fake.add_catalog(CatalogSeed::new("General"));
    let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing Campaign").catalog(&cat));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
    let bob = fake.add_user(UserSeed::new("Bob Builder"));
    let api = Api::new(&fake);
    World {
        fake,
        api,
        pkg,
        policy,
        ada,
        bob,
    }
}

fn admin_add(pkg: &AccessPackageId, policy: &AssignmentPolicyId, target: &ObjectId) -> Value {
    json!({
        "requestType": "adminAdd",
        "assignment": { "targetId": target, "assignmentPolicyId": policy, "accessPackageId": pkg },
    })
}

fn req_id(r: &Resp) -> AssignmentRequestId {
    AssignmentRequestId::new(r.body["id"].as_str().unwrap())
}

// ----- reads, filters, paging ---------------------------------------------------

#[tokio::test]
async fn access_packages_filter_expand_and_get() {
    let fake = FakeGraph::builder().seed(3).start().await;
    let a = fake.add_access_package(AccessPackageSeed::new("Marketing Campaign"));
    let b = fake.add_access_package(AccessPackageSeed::new("Sales TEAM access"));
    let _c = fake.add_access_package(AccessPackageSeed::new("Let's go"));
    let pa = fake.add_policy(PolicySeed::new("Direct", &a));
    let api = Api::new(&fake);

    let r = api.get(&format!("{EM}/accessPackages?$filter=displayName eq 'marketing campaign'&$expand=assignmentPolicies")).await;
    assert_eq!(r.status, 200);
    let v = r.body["value"].as_array().unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["id"], a.as_str());
    assert_eq!(v[0]["assignmentPolicies"][0]["id"], pa.as_str());
    assert!(r.body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("#identityGovernance/entitlementManagement/accessPackages"));

    let ids = |r: &Resp| -> Vec<String> {
        r.body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = api
        .get(&format!(
            "{EM}/accessPackages?$filter=contains(displayName,'TEAM')"
        ))
        .await;
    assert_eq!(ids(&r), vec![b.to_string()]);
    let r = api
        .get(&format!(
            "{EM}/accessPackages?$filter=contains(displayName,'team')"
        ))
        .await;
    assert!(ids(&r).is_empty());
    let r = api
        .get(&format!(
            "{EM}/accessPackages?$filter=contains(tolower(displayName),'team')"
        ))
        .await;
    assert_eq!(ids(&r), vec![b.to_string()]);
    let r = api
        .get(&format!(
            "{EM}/accessPackages?$filter=displayName eq 'Let''s go'"
        ))
        .await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);

    let r = api
        .get(&format!(
            "{EM}/accessPackages/{a}?$expand=assignmentPolicies"
        ))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["displayName"], "Marketing Campaign");
    assert_eq!(r.body["assignmentPolicies"].as_array().unwrap().len(), 1);
    assert!(r.body.get("catalog").is_none(), "not expanded");

    let r = api.get(&format!("{EM}/accessPackages/nope")).await;
    assert_envelope(&r, 404, "ResourceNotFound");
    let r = api.get(&format!("{EM}/assignmentPolicies/{pa}")).await;
    assert_eq!(r.body["allowedTargetScope"], "allMemberUsers");
    assert_eq!(
        r.body["requestApprovalSettings"]["isApprovalRequiredForAdd"],
        false
    );
    let r = api
        .get(&format!("{EM}/accessPackages?$filter=nosuch eq 'x'"))
        .await;
    assert_envelope(&r, 400, "BadRequest");
    let r = api
        .get(&format!("{EM}/accessPackages?$expand=nosuch"))
        .await;
    assert_envelope(&r, 400, "BadRequest");
}

#[tokio::test]
async fn paging_returns_every_item_exactly_once_and_keeps_query() {
    let w = world(FakeGraph::builder().page_size(4)).await;
    let mut expected = HashSet::new();
    for i in 0..11 {
        let u = w.fake.add_user(UserSeed::new(&format!("User {i}")));
        expected.insert(
            w.fake
                .add_assignment(AssignmentSeed::new(&w.pkg, &w.policy, &u))
                .to_string(),
        );
    }
    // Noise that the filter must drop.
    w.fake.add_assignment(
        AssignmentSeed::new(&w.pkg, &w.policy, &w.ada).state(AssignmentState::Expired),
    );

    let path = format!("{EM}/assignments?$filter=state eq 'delivered'&$expand=target");
    let first = w.api.get(&path).await;
    let next = first.body["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("{}{EM}/assignments?", w.fake.uri())),
        "{next}"
    );
    assert!(
        next.contains("$filter=state%20eq%20%27delivered%27"),
        "{next}"
    );
    assert!(next.contains("$expand=target"), "{next}");
    assert!(next.contains("$skiptoken="), "{next}");

    let (items, pages) = w.api.all(&path).await;
    assert_eq!(pages, 3);
    let got: Vec<String> = items
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got.len(), 11);
    assert_eq!(got.iter().cloned().collect::<HashSet<_>>(), expected);
    assert!(items.iter().all(|a| a["target"]["objectId"].is_string()));

    // $top smaller than the page size wins; larger does not.
    let r = w.api.get(&format!("{EM}/assignments?$top=2")).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 2);
    assert!(r.body["@odata.nextLink"]
        .as_str()
        .unwrap()
        .contains("$top=2"));
    let r = w.api.get(&format!("{EM}/assignments?$top=50")).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 4);
    // A skip token does not fit another query.
    let token = next.split("$skiptoken=").nth(1).unwrap();
    let r = w
        .api
        .get(&format!("{EM}/assignments?$skiptoken={token}"))
        .await;
    assert_envelope(&r, 400, "BadRequest");
}

#[tokio::test]
async fn assignment_filters_select_the_right_items() {
    let w = world(FakeGraph::builder()).await;
    let other_pkg = w.fake.add_access_package(AccessPackageSeed::new("Other"));
    let other_pol = w
        .fake
        .add_policy(PolicySeed::new("Other direct", &other_pkg));
    let a1 = w
        .fake
        .add_assignment(AssignmentSeed::new(&w.pkg, &w.policy, &w.ada));
    let a2 = w.fake.add_assignment(
        AssignmentSeed::new(&w.pkg, &w.policy, &w.bob).state(AssignmentState::Delivering),
    );
    let a3 = w.fake.add_assignment(
        AssignmentSeed::new(&w.pkg, &w.policy, &w.bob).state(AssignmentState::Expired),
    );
    let a4 = w
        .fake
        .add_assignment(AssignmentSeed::new(&other_pkg, &other_pol, &w.ada));

    let ids = |items: Vec<Value>| -> Vec<String> {
        items
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let q = |f: &str| format!("{EM}/assignments?$filter={}", f.replace(' ', "%20"));

    let (v, _) = w
        .api
        .all(&q(&format!("accessPackage/id eq '{}'", w.pkg)))
        .await;
    assert_eq!(ids(v), vec![a1.to_string(), a2.to_string(), a3.to_string()]);
    let (v, _) = w
        .api
        .all(&q(&format!("assignmentPolicy/id eq '{other_pol}'")))
        .await;
    assert_eq!(ids(v), vec![a4.to_string()]);
    let (v, _) = w
        .api
        .all(&q(&format!(
            "target/objectid eq '{}' and state eq 'Delivered'",
            w.ada
        )))
        .await;
    assert_eq!(ids(v), vec![a1.to_string(), a4.to_string()]);
    let (v, _) = w
        .api
        .all(&q(&format!(
            "accessPackage/id eq '{}' and (state eq 'delivered' or state eq 'delivering')",
            w.pkg
        )))
        .await;
    assert_eq!(ids(v), vec![a1.to_string(), a2.to_string()]);

    let r = w
        .api
        .get(&format!(
            "{EM}/assignments/{a2}?$expand=target,accessPackage,assignmentPolicy"
        ))
        .await;
    assert_eq!(r.body["state"], "delivering");
    assert_eq!(r.body["target"]["objectId"], w.bob.as_str());
    assert_eq!(r.body["target"]["subjectType"], "user");
    assert_eq!(r.body["accessPackage"]["id"], w.pkg.as_str());
    assert_eq!(r.body["assignmentPolicy"]["id"], w.policy.as_str());
    let r = w.api.get(&format!("{EM}/assignments/{a3}")).await;
    assert!(r.body["expiredDateTime"].is_string());
    assert!(r.body.get("target").is_none());

    let r = w.api.get(&q("assignmentState eq 'Delivered'")).await;
    assert_envelope(&r, 400, "BadRequest");
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("assignmentState"));

    let r = w
        .api
        .post_empty(&format!("{EM}/assignments/{a1}/reprocess"))
        .await;
    assert_eq!(r.status, 202);
    let r = w
        .api
        .post_empty(&format!("{EM}/assignments/{a3}/reprocess"))
        .await;
    assert_envelope(&r, 400, "AssignmentNotReprocessable");
    let r = w
        .api
        .post_empty(&format!("{EM}/assignments/nope/reprocess"))
        .await;
    assert_envelope(&r, 404, "ResourceNotFound");
}

// ----- request lifecycle -----------------------------------------------------------

#[tokio::test]
async fn admin_add_moves_through_submitted_delivering_delivered() {
    let w = world(FakeGraph::builder().manual_progress()).await;
    let mut body = admin_add(&w.pkg, &w.policy, &w.ada);
    body["justification"] = json!("onboarding");
    body["schedule"] = json!({ "startDateTime": "2024-05-01T00:00:00Z", "expiration": { "type": "afterDuration", "duration": "P30D" } });
    let r = w.api.post(&format!("{EM}/assignmentRequests"), body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["state"], "submitted");
    assert_eq!(r.body["status"], "Accepted");
    assert_eq!(r.body["requestType"], "adminAdd");
    assert!(r.body["createdDateTime"].is_null());
    assert!(r.body["completedDateTime"].is_null());
    assert_eq!(r.body["schedule"]["expiration"]["duration"], "P30D");
    let id = req_id(&r);
    assert!(w.fake.assignments().is_empty());

    assert_eq!(w.fake.advance(&id), Some(RequestState::Delivering));
    let a = w.fake.assignments();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].state, AssignmentState::Delivering);
    assert_eq!(a[0].target_object_id.as_ref(), Some(&w.ada));

    assert_eq!(w.fake.advance(&id), Some(RequestState::Delivered));
    assert_eq!(
        w.fake.advance(&id),
        None,
        "a delivered request does not move"
    );
    let r = w
        .api
        .get(&format!(
            "{EM}/assignmentRequests/{id}?$expand=assignment,accessPackage,requestor"
        ))
        .await;
    assert_eq!(r.body["state"], "delivered");
    assert_eq!(r.body["status"], "Delivered");
    assert!(r.body["createdDateTime"].is_string());
    assert!(r.body["completedDateTime"].is_string());
    assert_eq!(r.body["justification"], "onboarding");
    assert_eq!(r.body["assignment"]["state"], "delivered");
    assert_eq!(
        r.body["assignment"]["schedule"]["expiration"]["duration"],
        "P30D"
    );
    assert_eq!(r.body["accessPackage"]["id"], w.pkg.as_str());
    // Graph's requestor: "the subject who requested or, if a direct
    // assignment, was assigned": the assignee, not the calling app.
    assert_eq!(r.body["requestor"]["objectId"], w.ada.as_str());
    assert_eq!(r.body["requestor"]["subjectType"], "user");
    let snap = w.fake.assignment_request(&id).unwrap();
    assert_eq!(snap.state, RequestState::Delivered);
    assert_eq!(
        snap.assignment_id.as_ref(),
        Some(&w.fake.assignments()[0].id)
    );

    // Listing requests by filter.
    let (v, _) = w
        .api
        .all(&format!(
            "{EM}/assignmentRequests?$filter=state%20eq%20'delivered'%20and%20accessPackage/id%20eq%20'{}'",
            w.pkg
        ))
        .await;
    assert_eq!(v.len(), 1);
    let (v, _) = w
        .api
        .all(&format!(
            "{EM}/assignmentRequests?$filter=state%20eq%20'submitted'"
        ))
        .await;
    assert!(v.is_empty());
}

#[tokio::test]
async fn requests_progress_on_their_own_with_a_step_delay() {
    let w = world(FakeGraph::builder().step_delay(Duration::from_millis(20))).await;
    let r = w
        .api
        .post(
            &format!("{EM}/assignmentRequests"),
            admin_add(&w.pkg, &w.policy, &w.ada),
        )
        .await;
    let id = req_id(&r);
    let mut state = String::new();
    for _ in 0..200 {
        let r = w.api.get(&format!("{EM}/assignmentRequests/{id}")).await;
        state = r.body["state"].as_str().unwrap().to_owned();
        if state == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(state, "delivered");
    assert_eq!(w.fake.assignments()[0].state, AssignmentState::Delivered);
}

#[tokio::test]
async fn conflicts_scope_and_validation_give_graph_envelopes() {
    let w = world(FakeGraph::builder().manual_progress()).await;
    let url = format!("{EM}/assignmentRequests");
    let r = w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.ada)).await;
    assert_eq!(r.status, 201);
    let r = w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.ada)).await;
    assert_envelope(&r, 400, "ExistingOpenRequest");
    w.fake.settle();
    let r = w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.ada)).await;
    assert_envelope(&r, 400, "AlreadyAssigned");

    // A guest is outside allMemberUsers.
    let guest = w.fake.add_user(UserSeed::new("Gus Guest").guest(true));
    let r = w.api.post(&url, admin_add(&w.pkg, &w.policy, &guest)).await;
    assert_envelope(&r, 400, "RequestorNotInAllowedScope");
    assert_eq!(
        r.body["error"]["message"],
        "You don't meet policy requirements to request this entitlement."
    );

    // specificDirectoryUsers through nested group membership.
    let inner = w.fake.add_group(GroupSeed::new("Inner").member(&w.bob));
    let outer = w.fake.add_group(GroupSeed::new("Outer").member(&inner));
    let specific = w.fake.add_policy(
        PolicySeed::new("Specific", &w.pkg)
            .allowed_target_scope(AllowedTargetScope::SpecificDirectoryUsers)
            .allow_group_members(&outer),
    );
    let carol = w.fake.add_user(UserSeed::new("Carol"));
    let r = w.api.post(&url, admin_add(&w.pkg, &specific, &carol)).await;
    assert_envelope(&r, 400, "RequestorNotInAllowedScope");
    let r = w.api.post(&url, admin_add(&w.pkg, &specific, &w.bob)).await;
    assert_eq!(r.status, 201, "{}", r.body);

    // Unknown ids, wrong shapes.
    let r = w
        .api
        .post(
            &url,
            admin_add(&AccessPackageId::new("nope"), &w.policy, &w.ada),
        )
        .await;
    assert_envelope(&r, 404, "ResourceNotFound");
    let r = w
        .api
        .post(
            &url,
            admin_add(&w.pkg, &AssignmentPolicyId::new("nope"), &w.ada),
        )
        .await;
    assert_envelope(&r, 404, "ResourceNotFound");
    let r = w
        .api
        .post(&url, admin_add(&w.pkg, &w.policy, &ObjectId::new("nope")))
        .await;
    assert_envelope(&r, 404, "ResourceNotFound");
    let raw = w
        .api
        .send(
            w.api
                .http
                .post(w.api.url(&url))
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_envelope(&raw, 400, "BadRequest");
    let r = w
        .api
        .post(
            &url,
            json!({ "requestType": "AdminAdd", "accessPackageAssignment": {} }),
        )
        .await;
    assert_envelope(&r, 400, "BadRequest");
    let r = w.api.post(&url, json!({ "requestType": "adminAdd" })).await;
    assert_envelope(&r, 400, "BadRequest");

    // Required questions and justification.
    let asks = w.fake.add_policy(
        PolicySeed::new("Asks", &w.pkg)
            .question(QuestionSeed::text("Why?"))
            .require_justification(true),
    );
    let dan = w.fake.add_user(UserSeed::new("Dan"));
    let r = w.api.post(&url, admin_add(&w.pkg, &asks, &dan)).await;
    assert_envelope(&r, 400, "MissingRequiredAnswers");
    let q = w.fake.question_ids(&asks);
    let mut body = admin_add(&w.pkg, &asks, &dan);
    body["answers"] = json!([{ "@odata.type": "#microsoft.graph.accessPackageAnswerString", "value": "x",
        "answeredQuestion": { "@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "id": q[0] } }]);
    let r = w.api.post(&url, body.clone()).await;
    assert_envelope(&r, 400, "JustificationRequired");
    body["justification"] = json!("needed");
    let r = w.api.post(&url, body).await;
    assert_eq!(r.status, 201, "{}", r.body);
}

#[tokio::test]
async fn unknown_paths_methods_and_auth() {
    let w = world(FakeGraph::builder()).await;
    let r = w.api.get(&format!("{EM}/nosuch")).await;
    assert_envelope(&r, 400, "BadRequest");
    let r = w.api.delete(&format!("{EM}/assignments/x")).await;
    assert_envelope(&r, 405, "Request_BadRequest");

    let url = format!("{}{EM}/accessPackages", w.fake.uri());
    let r = reqwest::Client::new()
        .get(&url)
        .header("client-request-id", "my-id-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["client-request-id"], "my-id-1");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    assert_eq!(body["error"]["innerError"]["client-request-id"], "my-id-1");
    let r = reqwest::Client::new()
        .get(&url)
        .bearer_auth("made-up")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Every response carries both ids, success too.
    let r = reqwest::Client::new()
        .get(&url)
        .bearer_auth(w.fake.token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("request-id"));
    assert!(r.headers().contains_key("client-request-id"));
}

#[tokio::test]
async fn email_target_becomes_a_guest_user_when_delivered() {
    let fake = FakeGraph::builder().manual_progress().start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Partners"));
    let pol = fake.add_policy(
        PolicySeed::new("External", &pkg)
            .allowed_target_scope(AllowedTargetScope::AllExternalUsers),
    );
    let api = Api::new(&fake);
    let body = json!({
        "requestType": "adminAdd",
        "assignment": { "target": { "email": "pat@partner.example", "displayName": "Pat Partner" }, "assignmentPolicyId": pol, "accessPackageId": pkg },
    });
    let r = api.post(&format!("{EM}/assignmentRequests"), body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = req_id(&r);
    fake.advance(&id);
    let a = fake.assignments();
    assert_eq!(a[0].target_object_id, None);
    assert_eq!(a[0].target_email.as_deref(), Some("pat@partner.example"));
    let r = api
        .get(&format!("{EM}/assignments/{}?$expand=target", a[0].id))
        .await;
    assert!(r.body["target"]["objectId"].is_null());
    assert!(fake.user_by_mail("pat@partner.example").is_none());

    fake.advance(&id);
    let user = fake.user_by_mail("pat@partner.example").unwrap();
    assert_eq!(fake.assignments()[0].target_object_id.as_ref(), Some(&user));
    let r = api.get(&format!("/v1.0/users/{user}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["mail"], "pat@partner.example");
    assert_eq!(
        r.body["displayName"], "Pat Partner",
        "the given display name is kept"
    );

    // A member-only policy refuses e-mail targets.
    let members = fake.add_policy(PolicySeed::new("Members", &pkg));
    let body = json!({
        "requestType": "adminAdd",
        "assignment": { "target": { "email": "x@partner.example" }, "assignmentPolicyId": members, "accessPackageId": pkg },
    });
    let r = api.post(&format!("{EM}/assignmentRequests"), body).await;
    assert_envelope(&r, 400, "RequestorNotInAllowedScope");
}

#[tokio::test]
async fn admin_remove_expires_and_admin_update_reschedules() {
    let w = world(FakeGraph::builder().manual_progress()).await;
    let a = w
        .fake
        .add_assignment(AssignmentSeed::new(&w.pkg, &w.policy, &w.ada));
    let url = format!("{EM}/assignmentRequests");
    let r = w.api.post(&url, json!({
        "requestType": "adminUpdate",
        "assignment": { "id": a },
        "schedule": { "expiration": { "type": "afterDateTime", "endDateTime": "2030-01-01T00:00:00Z" } },
    })).await;
    assert_eq!(r.status, 201, "{}", r.body);
    w.fake.settle();
    let r = w.api.get(&format!("{EM}/assignments/{a}")).await;
    assert_eq!(
        r.body["schedule"]["expiration"]["endDateTime"],
        "2030-01-01T00:00:00Z"
    );

    let r = w
        .api
        .post(
            &url,
            json!({ "requestType": "adminRemove", "assignment": { "id": a } }),
        )
        .await;
    assert_eq!(r.status, 201);
    let id = req_id(&r);
    assert_eq!(
        w.fake
            .assignment_requests()
            .last()
            .unwrap()
            .assignment_id
            .as_ref(),
        Some(&a)
    );
    w.fake.settle();
    assert_eq!(
        w.fake.assignment_request(&id).unwrap().state,
        RequestState::Delivered
    );
    let snap = &w.fake.assignments()[0];
    assert_eq!(snap.state, AssignmentState::Expired);
    assert!(snap.expired_date_time.is_some());
    let r = w
        .api
        .post(
            &url,
            json!({ "requestType": "adminRemove", "assignment": { "id": a } }),
        )
        .await;
    assert_envelope(&r, 400, "AssignmentNotActive");
    let r = w
        .api
        .post(
            &url,
            json!({ "requestType": "adminRemove", "assignment": { "id": "nope" } }),
        )
        .await;
    assert_envelope(&r, 404, "ResourceNotFound");
    // Expired: a new adminAdd is allowed again.
    let r = w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.ada)).await;
    assert_eq!(r.status, 201, "{}", r.body);
}

#[tokio::test]
async fn approval_waits_for_approve_or_deny() {
    let w = world(FakeGraph::builder().manual_progress()).await;
    let gated = w
        .fake
        .add_policy(PolicySeed::new("Gated", &w.pkg).require_approval(true));
    let url = format!("{EM}/assignmentRequests");
    let one = req_id(&w.api.post(&url, admin_add(&w.pkg, &gated, &w.ada)).await);
    let two = req_id(&w.api.post(&url, admin_add(&w.pkg, &gated, &w.bob)).await);
    assert_eq!(w.fake.advance_all(), 2);
    for id in [&one, &two] {
        assert_eq!(
            w.fake.assignment_request(id).unwrap().state,
            RequestState::PendingApproval
        );
    }
    assert_eq!(
        w.fake.advance_all(),
        0,
        "pending approval does not move on its own"
    );
    assert!(w.fake.approve(&one));
    assert!(w.fake.deny(&two));
    assert!(!w.fake.deny(&two));
    w.fake.settle();
    assert_eq!(
        w.fake.assignment_request(&one).unwrap().state,
        RequestState::Delivered
    );
    let r = w.api.get(&format!("{EM}/assignmentRequests/{two}")).await;
    assert_eq!(r.body["state"], "denied");
    assert_eq!(w.fake.assignments().len(), 1);
}

#[tokio::test]
async fn failed_delivery_reprocess_cancel_and_delete() {
    let w = world(FakeGraph::builder().manual_progress()).await;
    let url = format!("{EM}/assignmentRequests");
    w.fake.fail_delivery_for(&w.ada);
    let id = req_id(&w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.ada)).await);
    w.fake.settle();
    let r = w.api.get(&format!("{url}/{id}")).await;
    assert_eq!(r.body["state"], "deliveryFailed");
    assert!(r.body["status"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(
        r.body["customExtensionCalloutInstances"][0]["status"],
        "calloutFailed"
    );
    assert_eq!(
        w.fake.assignments()[0].state,
        AssignmentState::DeliveryFailed
    );

    // cancel is delegated-only: the app's token is refused, a user's is heard.
    let r = w.api.post_empty(&format!("{url}/{id}/cancel")).await;
    assert_envelope(&r, 403, "accessDenied");
    let admin = Api::as_user(&w.fake, &w.bob);
    let r = admin.post_empty(&format!("{url}/{id}/cancel")).await;
    assert_envelope(&r, 400, "RequestNotCancelable");
    w.fake.clear_delivery_failures();
    let r = w.api.post_empty(&format!("{url}/{id}/reprocess")).await;
    assert_eq!(r.status, 202);
    assert_eq!(
        w.fake.assignment_request(&id).unwrap().state,
        RequestState::Delivering
    );
    w.fake.settle();
    assert_eq!(
        w.fake.assignment_request(&id).unwrap().state,
        RequestState::Delivered
    );
    assert_eq!(w.fake.assignments()[0].state, AssignmentState::Delivered);
    let r = w.api.post_empty(&format!("{url}/{id}/reprocess")).await;
    assert_envelope(&r, 400, "RequestNotReprocessable");

    let open = req_id(&w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.bob)).await);
    let r = w.api.delete(&format!("{url}/{open}")).await;
    assert_envelope(&r, 400, "RequestNotDeletable");
    let r = admin.post_empty(&format!("{url}/{open}/cancel")).await;
    assert_eq!(r.status, 204);
    assert_eq!(
        w.fake.assignment_request(&open).unwrap().state,
        RequestState::Canceled
    );
    let r = w.api.delete(&format!("{url}/{open}")).await;
    assert_eq!(r.status, 204);
    let r = w.api.get(&format!("{url}/{open}")).await;
    assert_envelope(&r, 404, "ResourceNotFound");
    let r = admin.post_empty(&format!("{url}/nope/cancel")).await;
    assert_envelope(&r, 404, "ResourceNotFound");
}

#[tokio::test]
async fn seeded_requests_in_any_state() {
    let w = world(FakeGraph::builder().manual_progress()).await;
    let pending = w.fake.add_request(
        RequestSeed::new(RequestType::AdminAdd, &w.pkg, &w.policy, &w.ada)
            .state(RequestState::PendingApproval),
    );
    let done = w.fake.add_request(
        RequestSeed::new(RequestType::AdminAdd, &w.pkg, &w.policy, &w.bob)
            .state(RequestState::Denied),
    );
    let r = w
        .api
        .get(&format!("{EM}/assignmentRequests/{pending}"))
        .await;
    assert_eq!(r.body["status"], "PendingApproval");
    assert!(r.body["completedDateTime"].is_null());
    let r = w.api.get(&format!("{EM}/assignmentRequests/{done}")).await;
    assert_eq!(r.body["state"], "denied");
    assert!(r.body["completedDateTime"].is_string());
    // The open seeded request blocks a duplicate.
    let r = w
        .api
        .post(
            &format!("{EM}/assignmentRequests"),
            admin_add(&w.pkg, &w.policy, &w.ada),
        )
        .await;
    assert_envelope(&r, 400, "ExistingOpenRequest");
}

#[tokio::test]
async fn catalog_scoped_mode_requires_a_package_filter() {
    let w = world(FakeGraph::builder().catalog_scoped(true)).await;
    for coll in ["assignments", "assignmentRequests"] {
        let r = w.api.get(&format!("{EM}/{coll}")).await;
        assert_envelope(&r, 403, "AccessDenied");
        let r = w
            .api
            .get(&format!("{EM}/{coll}?$filter=state%20eq%20'delivered'"))
            .await;
        assert_envelope(&r, 403, "AccessDenied");
        let r = w
            .api
            .get(&format!(
                "{EM}/{coll}?$filter=accessPackage/id%20eq%20'{}'%20and%20state%20eq%20'delivered'",
                w.pkg
            ))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    w.fake.set_catalog_scoped(false);
    assert_eq!(w.api.get(&format!("{EM}/assignments")).await.status, 200);
}

// ----- directory and workflows -----------------------------------------------------

#[tokio::test]
async fn group_members_and_transitive_members() {
    let fake = FakeGraph::builder().page_size(2).start().await;
    let u1 = fake.add_user(UserSeed::new("One"));
    let u2 = fake.add_user(UserSeed::new("Two"));
    let sp = fake.add_service_principal(ServicePrincipalSeed::new("Robot"));
    let dev = fake.add_device(DeviceSeed::new("Laptop"));
    let inner = fake.add_group(GroupSeed::new("Inner").members([&u2, &sp]));
    let outer = fake.add_group(GroupSeed::new("Outer").members([&u1, &inner, &dev]));
    fake.add_group_member(&inner, &u1); // u1 twice via nesting: listed once transitively
    let api = Api::new(&fake);

    let (direct, pages) = api.all(&format!("/v1.0/groups/{outer}/members")).await;
    assert_eq!(pages, 2);
    let types: Vec<(&str, &str)> = direct
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap(),
                m["@odata.type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        types,
        vec![
            (u1.as_str(), "#microsoft.graph.user"),
            (inner.as_str(), "#microsoft.graph.group"),
            (dev.as_str(), "#microsoft.graph.device"),
        ]
    );
    let (all, _) = api
        .all(&format!("/v1.0/groups/{outer}/transitiveMembers"))
        .await;
    let ids: HashSet<&str> = all.iter().map(|m| m["id"].as_str().unwrap()).collect();
    // v1.0 lists no service principals (documented known issue), so `sp`
    // (a member of `inner`) is missing.
    assert_eq!(all.len(), 4);
    assert_eq!(
        ids,
        HashSet::from([u1.as_str(), u2.as_str(), dev.as_str(), inner.as_str()])
    );
    assert!(!all
        .iter()
        .any(|m| m["@odata.type"] == "#microsoft.graph.servicePrincipal"));
    let (users, _) = api
        .all(&format!(
            "/v1.0/groups/{outer}/transitiveMembers/microsoft.graph.user"
        ))
        .await;
    assert_eq!(users.len(), 2);

    let r = api.get(&format!("/v1.0/users/{u1}")).await;
    assert_eq!(r.body["displayName"], "One");
    assert_eq!(r.body["userPrincipalName"], "one@contoso.example");
    let r = api.get("/v1.0/users/one@contoso.example").await;
    assert_eq!(r.body["id"], u1.as_str());
    let r = api.get("/v1.0/users/nope").await;
    assert_envelope(&r, 404, "Request_ResourceNotFound");
    let r = api.get("/v1.0/groups/nope/members").await;
    assert_envelope(&r, 404, "Request_ResourceNotFound");
}

#[tokio::test]
async fn workflow_get_and_create_new_version() {
    let fake = FakeGraph::start().await;
    let wf = fake.add_workflow(
        json!({ "displayName": "Onboard", "category": "joiner", "isEnabled": true, "tasks": [] }),
    );
    let api = Api::new(&fake);
    let path = format!("/v1.0/identityGovernance/lifecycleWorkflows/workflows/{wf}");
    let r = api.get(&path).await;
    assert_eq!(r.body["version"], 1);
    let task = json!({ "displayName": "Request access package", "taskDefinitionId": "c1ec1e76-f374-4375-aaa6-0bb6bd4c60be",
        "arguments": [{ "name": "accessPackageId", "value": "p" }, { "name": "assignmentPolicyId", "value": "q" }] });
    let r = api.post(&format!("{path}/createNewVersion"), json!({ "workflow": { "displayName": "Onboard", "category": "joiner", "tasks": [task] } })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["version"], 2);
    assert_eq!(r.body["id"], wf.as_str());
    assert_eq!(
        r.body["tasks"][0]["taskDefinitionId"],
        "c1ec1e76-f374-4375-aaa6-0bb6bd4c60be"
    );
    assert_eq!(fake.workflow_versions(&wf).len(), 2);
    assert_eq!(
        api.get(&path).await.body["tasks"].as_array().unwrap().len(),
        1
    );
    let r = api
        .post(
            &format!("{path}/createNewVersion"),
            json!({ "displayName": "no wrapper" }),
        )
        .await;
    assert_envelope(&r, 400, "BadRequest");
    let r = api
        .get("/v1.0/identityGovernance/lifecycleWorkflows/workflows/nope")
        .await;
    assert_envelope(&r, 404, "ResourceNotFound");
}

// ----- token endpoint ------------------------------------------------------------------

#[tokio::test]
async fn token_endpoint_issues_tokens_graph_accepts() {
    let fake = FakeGraph::builder()
        .token_lifetime(Duration::from_secs(120))
        .start()
        .await;
    let http = reqwest::Client::new();
    let secret = fake.client_secret();
    let form = |secret: &str| {
        vec![
            ("client_id", fake.client_id()),
            ("client_secret", secret.to_owned()),
            ("scope", "https://graph.microsoft.com/.default".to_owned()),
            ("grant_type", "client_credentials".to_owned()),
        ]
    };
    let r = http
        .post(fake.token_url())
        .form(&form("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(body["error_codes"], json!([7000215]));
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS7000215: Invalid client secret provided."));
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("Trace ID: "));
    assert!(body["trace_id"].is_string() && body["correlation_id"].is_string());

    let r = http
        .post(fake.token_url())
        .form(&form(secret.expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 120);
    let token = body["access_token"].as_str().unwrap().to_owned();

    let url = format!("{}{EM}/accessPackages", fake.uri());
    assert_eq!(
        http.get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    fake.expire_tokens();
    let r = http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));

    let bad_tenant = format!("{}/other-tenant/oauth2/v2.0/token", fake.uri());
    let r = http
        .post(bad_tenant)
        .form(&form(secret.expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(fake.token_requests(), 3);
    // The secret never shows up in the log.
    assert!(fake
        .received()
        .iter()
        .all(|r| !r.body.contains(secret.expose())));
    assert!(fake.received()[0].body.contains("client_secret=***"));
}

// ----- faults ------------------------------------------------------------------------------

#[tokio::test]
async fn throttle_fires_exactly_n_times() {
    let w = world(FakeGraph::builder()).await;
    w.fake.throttle_next(2, Duration::from_secs(3));
    let path = format!("{EM}/accessPackages");
    for _ in 0..2 {
        let r = w.api.get(&path).await;
        assert_envelope(&r, 429, "TooManyRequests");
        assert_eq!(r.headers["retry-after"], "3");
    }
    assert_eq!(w.api.get(&path).await.status, 200);
    assert_eq!(w.fake.count("GET", &path), 3);
}

#[tokio::test]
async fn faults_scoped_by_method_and_path_do_not_touch_state() {
    let w = world(FakeGraph::builder().manual_progress()).await;
    let url = format!("{EM}/assignmentRequests");
    w.fake.inject(
        Fault::status(503, "serviceNotAvailable")
            .times(2)
            .on_method("POST")
            .on_path(&url),
    );
    assert_eq!(w.api.get(&format!("{EM}/assignments")).await.status, 200);
    let r = w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.ada)).await;
    assert_envelope(&r, 503, "serviceNotAvailable");
    let r = w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.ada)).await;
    assert_eq!(r.status, 503);
    assert!(
        w.fake.assignment_requests().is_empty(),
        "failed POSTs create nothing"
    );
    let r = w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.ada)).await;
    assert_eq!(r.status, 201);
    assert_eq!(w.fake.assignment_request_posts(), 3);

    w.fake.fail_next(500, "generalException");
    assert_envelope(
        &w.api.get(&format!("{EM}/accessPackages")).await,
        500,
        "generalException",
    );
    assert_eq!(w.api.get(&format!("{EM}/accessPackages")).await.status, 200);
}

#[tokio::test]
async fn reset_closes_the_connection_without_a_response() {
    let w = world(FakeGraph::builder()).await;
    w.fake.reset_next(1);
    let url = format!("{}{EM}/accessPackages", w.fake.uri());
    let err = reqwest::Client::new()
        .get(&url)
        .bearer_auth(w.fake.token())
        .send()
        .await
        .unwrap_err();
    assert!(
        err.is_request() || err.is_connect() || err.is_body(),
        "{err:?}"
    );
    assert!(err.status().is_none());
    // The next request is served (on a new connection).
    assert_eq!(w.api.get(&format!("{EM}/accessPackages")).await.status, 200);
    let log = w.fake.received();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].status, 0);
    assert_eq!(log[1].status, 200);
}

#[tokio::test]
async fn latency_delays_responses() {
    // No clock in the assertions: the fake records the delay it put before
    // each answer (wiremock sleeps that long before sending it).
    let w = world(FakeGraph::builder()).await;
    let path = format!("{EM}/accessPackages");
    w.fake.inject(Fault::latency(Duration::from_millis(150)));
    assert_eq!(w.api.get(&path).await.status, 200);
    w.fake.set_latency(Some(Duration::from_millis(500)));
    assert_eq!(w.api.get(&path).await.status, 200);
    w.fake.set_latency(None);
    assert_eq!(w.api.get(&path).await.status, 200);
    let log = w.fake.received();
    let delays: Vec<_> = log.iter().map(|r| r.delay).collect();
    assert_eq!(
        delays,
        [
            Some(Duration::from_millis(150)),
            Some(Duration::from_millis(500)),
            None
        ],
        "a latency fault delays one answer, the standing latency every answer until unset"
    );
    assert_eq!(
        log[0].fault,
        Some(entra_access_fake::FaultKind::Latency {
            delay: Duration::from_millis(150)
        })
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let w = world(FakeGraph::builder().rate_limit(2.0)).await;
    let path = format!("{EM}/accessPackages");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let r = w.api.get(&path).await;
        if r.status == 429 {
            assert_eq!(r.body["error"]["code"], "TooManyRequests");
            let secs: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
            assert!(secs >= 1);
        }
        statuses.push(r.status.as_u16());
    }
    assert_eq!(&statuses[..2], &[200, 200]);
    assert!(statuses[2..].contains(&429), "{statuses:?}");
}

// ----- introspection and determinism ----------------------------------------------------------

#[tokio::test]
async fn introspection_sees_what_was_sent() {
    let w = world(FakeGraph::builder().manual_progress()).await;
    let url = format!("{EM}/assignmentRequests");
    w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.ada)).await;
    w.api
        .get(&format!(
            "{EM}/assignments?$filter=state%20eq%20'delivered'"
        ))
        .await;
    let log = w.fake.received();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, url);
    assert_eq!(log[0].status, 201);
    assert_eq!(log[0].header("authorization"), Some("***"));
    assert_eq!(
        log[0].body_json().unwrap()["assignment"]["targetId"],
        w.ada.as_str()
    );
    assert_eq!(
        log[1].query_param("$filter").as_deref(),
        Some("state eq 'delivered'")
    );
    assert_eq!(w.fake.count("get", &format!("{EM}/assignments")), 1);
    assert_eq!(w.fake.count("POST", "/v1.0/"), 1);
    assert_eq!(w.fake.assignment_request_posts(), 1);
    assert!(!format!("{log:?}").contains(&w.fake.token()));
    assert!(!format!("{:?}", w.fake).contains(&w.fake.token()));
    w.fake.clear_received();
    assert_eq!(w.fake.count("POST", "/"), 0);

    w.fake.settle();
    let a = &w.fake.assignments()[0];
    let json = w.fake.assignment_json(&a.id).unwrap();
    assert_eq!(json["target"]["objectId"], w.ada.as_str());
    assert_eq!(json["accessPackage"]["id"], w.pkg.as_str());
}

#[tokio::test]
async fn same_seed_gives_same_ids() {
    async fn ids(seed: u64) -> Vec<String> {
        let fake = FakeGraph::builder().seed(seed).start().await;
        let p = fake.add_access_package(AccessPackageSeed::new("P"));
        let pol = fake.add_policy(PolicySeed::new("Q", &p));
        let u = fake.add_user(UserSeed::new("U"));
        vec![
            p.to_string(),
            pol.to_string(),
            u.to_string(),
            fake.tenant_id(),
            fake.client_id(),
        ]
    }
    assert_eq!(ids(5).await, ids(5).await);
    assert_ne!(ids(5).await, ids(6).await);
}

// ----- the crate's own client against the fake ------------------------------------------

#[tokio::test]
async fn crate_client_lists_gets_creates_and_retries_against_the_fake() {
    let w = world(FakeGraph::builder().page_size(3).manual_progress()).await;
    for i in 0..7 {
        let u = w.fake.add_user(UserSeed::new(&format!("Member {i}")));
        w.fake
            .add_assignment(AssignmentSeed::new(&w.pkg, &w.policy, &u));
    }
    w.fake.add_assignment(
        AssignmentSeed::new(&w.pkg, &w.policy, &w.ada).state(AssignmentState::Expired),
    );
    let client = w.fake.client().unwrap();

    let all = client
        .assignments()
        .list()
        .access_package(w.pkg.clone())
        .state(AssignmentState::Delivered)
        .expand_target()
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 7);
    assert!(all.iter().all(|a| a.target_object_id().is_some()));
    assert_eq!(
        w.fake.count("GET", &format!("{EM}/assignments")),
        3,
        "three pages of three"
    );

    let pkg = client
        .access_packages()
        .find_by_display_name("Marketing Campaign")
        .expand_policies()
        .send()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pkg.id, w.pkg);
    assert_eq!(pkg.assignment_policies.unwrap()[0].id, w.policy);

    let err = client
        .access_packages()
        .get("nope")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code().unwrap().as_str(), "ResourceNotFound");
    assert!(err.request_id().is_some());

    let created = client
        .raw()
        .post(
            "identityGovernance/entitlementManagement/assignmentRequests",
            &admin_add(&w.pkg, &w.policy, &w.bob),
        )
        .await
        .unwrap();
    assert_eq!(created["state"], "submitted");
    w.fake.settle();
    let requests = w.fake.graph_assignment_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].state, Some(RequestState::Delivered));
    assert_eq!(w.fake.graph_assignments().len(), w.fake.assignments().len());

    // Throttling is retried by the client and seen by the fake.
    w.fake.clear_received();
    w.fake.throttle_next(2, Duration::ZERO);
    client
        .access_packages()
        .get(w.pkg.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        w.fake
            .count("GET", &format!("{EM}/accessPackages/{}", w.pkg)),
        3
    );
    let log = w.fake.received();
    assert_eq!(
        log.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![429, 429, 200]
    );
    assert!(log[0].header("client-request-id").is_some());
}

#[tokio::test]
async fn crate_client_retries_a_get_after_a_connection_reset() {
    let w = world(FakeGraph::builder()).await;
    let client = w.fake.client().unwrap();
    w.fake.reset_next(1);
    let pkg = client
        .access_packages()
        .get(w.pkg.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(pkg.id, w.pkg);
    let statuses: Vec<u16> = w.fake.received().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![0, 200]);
}

#[tokio::test]
async fn client_credentials_provider_gets_and_refreshes_tokens_from_the_fake() {
    let fake = FakeGraph::start().await;
    fake.add_access_package(AccessPackageSeed::new("P"));
    let client = entra_access::Client::builder()
        .base_url(fake.uri())
        .token_provider(fake.client_credentials().unwrap())
        .build()
        .unwrap();
    assert_eq!(
        client
            .access_packages()
            .list()
            .collect()
            .await
            .unwrap()
            .len(),
        1
    );
    client.access_packages().list().collect().await.unwrap();
    assert_eq!(fake.token_requests(), 1, "the token is cached");
    fake.expire_tokens();
    assert_eq!(
        client
            .access_packages()
            .list()
            .collect()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        fake.token_requests(),
        2,
        "a 401 for the expired token fetched a new one"
    );
    assert!(fake.received().iter().any(|r| r.status == 401));
}

#[test]
fn fake_graph_can_be_shared_between_tasks() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<FakeGraph>();
}

#[tokio::test]
async fn or_of_states_and_created_date_filters() {
    let w = world(FakeGraph::builder().manual_progress()).await;
    let url = format!("{EM}/assignmentRequests");
    w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.ada)).await;
    w.api.post(&url, admin_add(&w.pkg, &w.policy, &w.bob)).await;
    let first = w.fake.assignment_requests()[0].id.clone();
    w.fake.advance(&first);
    let (v, _) = w
        .api
        .all(&format!(
            "{url}?$filter=state%20eq%20'delivering'%20or%20state%20eq%20'pendingApproval'"
        ))
        .await;
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["id"], first.as_str());
    let (v, _) = w
        .api
        .all(&format!(
            "{url}?$filter=createdDateTime%20ge%202020-01-01T00:00:00Z"
        ))
        .await;
    assert_eq!(v.len(), 2);
    let (v, _) = w
        .api
        .all(&format!(
            "{url}?$filter=createdDateTime%20lt%202020-01-01T00:00:00Z"
        ))
        .await;
    assert!(v.is_empty());
    let r = w.api.get(&format!("{url}?$top=0")).await;
    assert_envelope(&r, 400, "BadRequest");
}
