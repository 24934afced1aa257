//! FakeGraph refuses what Graph refuses: for each rule, a call Graph's v1.0
//! docs do not allow is refused (status and Graph error code), and the
//! documented form is accepted.
#![allow(clippy::unwrap_used)] // helpers outside #[test] fns unwrap too

use std::time::Duration;

use entra_access::api::{AssignmentsOfCurrentUser, RequestsOfCurrentUser};
use entra_access::models::{
    AccessPackageId, AssignmentPolicyId, AssignmentRequestId, AssignmentState, ObjectId,
    RequestState, RequestType,
};
use entra_access::odata::{Filter, Order, Path};
use entra_access_fake::{
    AccessPackageSeed, AssignmentSeed, CatalogSeed, FakeGraph, GroupSeed, PolicySeed, RequestSeed,
    ServicePrincipalSeed, UserSeed,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

const EM: &str = "/v1.0/identityGovernance/entitlementManagement";
const DAY: Duration = Duration::from_secs(24 * 3600);

struct Resp {
    status: StatusCode,
    body: Value,
}

/// A raw Graph caller holding one bearer token.
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    fn app(fake: &FakeGraph) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: fake.uri().to_owned(),
            token: fake.token(),
        }
    }

    fn user(fake: &FakeGraph, user: &ObjectId) -> Self {
        Self {
            token: fake.delegated_token_for(user),
            ..Self::app(fake)
        }
    }

    async fn send(&self, rb: reqwest::RequestBuilder) -> Resp {
        let r = rb.bearer_auth(&self.token).send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        Resp { status, body }
    }

    async fn get(&self, path: &str) -> Resp {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    async fn post(&self, path: &str, body: Option<Value>) -> Resp {
        let rb = self.http.post(format!("{}{path}", self.base));
        let rb = match body {
            Some(b) => rb.json(&b),
            None => rb,
        };
        self.send(rb).await
    }

    async fn delete(&self, path: &str) -> Resp {
        self.send(self.http.delete(format!("{}{path}", self.base)))
            .await
    }
}

#[track_caller]
fn refused(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    assert_eq!(r.body["error"]["code"], code, "{}", r.body);
    assert!(
        r.body["error"]["innerError"]["request-id"].is_string(),
        "{}",
        r.body
    );
}

#[track_caller]
fn ok(r: &Resp, status: u16) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
}

struct World {
    fake: FakeGraph,
    app: Api,
    pkg: AccessPackageId,
    policy: AssignmentPolicyId,
    ada: ObjectId,
    bob: ObjectId,
}

async fn world() -> World {
    let fake = FakeGraph::builder().manual_progress().start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Sales"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let ada = fake.add_user(UserSeed::new("Ada"));
    let bob = fake.add_user(UserSeed::new("Bob"));
    let app = Api::app(&fake);
    World {
        fake,
        app,
        pkg,
        policy,
        ada,
        bob,
    }
}

fn add_body(pkg: &AccessPackageId, policy: &AssignmentPolicyId, target: &ObjectId) -> Value {
    json!({
        "requestType": "adminAdd",
        "assignment": {
            "targetId": target,
            "assignmentPolicyId": policy,
            "accessPackageId": pkg,
        }
    })
}

fn id_of(r: &Resp) -> AssignmentRequestId {
    AssignmentRequestId::new(r.body["id"].as_str().unwrap())
}

// ----- 1. lists accept only the documented query ------------------------------

#[tokio::test]
async fn filters_name_only_documented_properties_and_operators() {
    let w = world().await;
    let pkg = &w.pkg;
    let cases: &[(&str, &str)] = &[
        // undocumented properties
        ("accessPackages", "id eq 'x'"),
        ("accessPackages", "isHidden eq false"),
        ("assignmentPolicies", "accessPackage/id eq 'x'"),
        ("assignments", "status eq 'Delivered'"),
        ("assignments", "target/email eq 'a@b.c'"),
        ("assignments", "assignmentState eq 'Delivered'"),
        ("assignmentRequests", "requestType eq 'adminAdd'"),
        (
            "assignmentRequests",
            "completedDateTime ge 2024-01-01T00:00:00Z",
        ),
        // documented properties, undocumented operators
        ("assignments", "state ne 'expired'"),
        ("assignments", "state in ('delivered','delivering')"),
        ("accessPackages", "startswith(displayName,'Sa')"),
    ];
    for (set, filter) in cases {
        let r = w.app.get(&format!("{EM}/{set}?$filter={filter}")).await;
        refused(&r, 400, "BadRequest");
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Invalid filter clause"),
            "{set} {filter}: {}",
            r.body
        );
    }
    let documented = [
        ("accessPackages", "displayName eq 'Sales'".to_owned()),
        (
            "accessPackages",
            "contains(tolower(displayName),'sal')".to_owned(),
        ),
        ("assignmentPolicies", "displayName eq 'Direct'".to_owned()),
        (
            "assignments",
            format!(
                "accessPackage/id eq '{pkg}' and assignmentPolicy/id eq '{}' and target/objectId eq '{}' and (state eq 'delivered' or state eq 'delivering')",
                w.policy, w.ada
            ),
        ),
        (
            "assignmentRequests",
            format!("accessPackage/id eq '{pkg}' and state eq 'submitted' and createdDateTime gt 2020-01-01T00:00:00Z"),
        ),
    ];
    for (set, filter) in documented {
        ok(
            &w.app.get(&format!("{EM}/{set}?$filter={filter}")).await,
            200,
        );
    }
}

#[tokio::test]
async fn expand_and_select_name_only_documented_properties() {
    let w = world().await;
    for (set, query) in [
        ("assignments", "$expand=requestor"),
        ("assignmentRequests", "$expand=target"),
        ("accessPackages", "$expand=resourceRoleScopes"),
        ("assignments", "$select=id,assignmentState"),
        ("assignmentRequests", "$select=requestState"),
    ] {
        let r = w.app.get(&format!("{EM}/{set}?{query}")).await;
        refused(&r, 400, "BadRequest");
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Parsing OData Select and Expand failed"),
            "{}",
            r.body
        );
    }
    for (set, query) in [
        ("assignments", "$expand=target,accessPackage,assignmentPolicy&$select=id,state,target"),
        ("assignmentRequests", "$expand=assignment($expand=target),accessPackage,requestor&$select=id,state,requestType"),
        ("accessPackages", "$expand=assignmentPolicies,catalog&$select=id,displayName"),
        ("assignmentPolicies", "$expand=accessPackage,questions"),
    ] {
        ok(&w.app.get(&format!("{EM}/{set}?{query}")).await, 200);
    }
}

#[tokio::test]
async fn the_crate_sees_a_refused_filter_as_a_400_bad_request() {
    let w = world().await;
    let client = w.fake.client().unwrap();
    let err = client
        .assignments()
        .list()
        .filter(Filter::ne(Path::STATE, "expired"))
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_eq!(err.code().unwrap().as_str(), "BadRequest");
    // The crate's own filter builders stay within the documented forms.
    client
        .assignments()
        .list()
        .access_package(w.pkg.clone())
        .states([AssignmentState::Delivered, AssignmentState::Delivering])
        .collect()
        .await
        .unwrap();
}

/// `$orderby`, `$count`, `$skip` and `$search`: no entitlement-management
/// page names them (the list pages name `$select`, `$filter`, `$expand`).
const UNDOCUMENTED_OPTIONS: [(&str, &str); 4] = [
    ("$orderby", "$orderby=id"),
    ("$count", "$count=true"),
    ("$skip", "$skip=1"),
    ("$search", "$search=%22Ada%22"),
];

#[tokio::test]
async fn query_options_no_entitlement_management_page_names_get_400() {
    let w = world().await;
    let other = w.fake.add_access_package(AccessPackageSeed::new("Other"));
    w.fake.add_incompatible_package(&w.pkg, &other);
    let catalog = w.fake.add_catalog(CatalogSeed::new("General"));
    let lists = [
        "assignments".to_owned(),
        "assignmentRequests".to_owned(),
        "accessPackages".to_owned(),
        "assignmentPolicies".to_owned(),
        "catalogs".to_owned(),
        format!("catalogs/{catalog}/accessPackages"),
        format!("accessPackages/{}/incompatibleAccessPackages", w.pkg),
        format!("assignments/{}", "x"),
    ];
    for list in &lists {
        for (name, query) in UNDOCUMENTED_OPTIONS {
            let r = w.app.get(&format!("{EM}/{list}?{query}")).await;
            refused(&r, 400, "BadRequest");
            let message = r.body["error"]["message"].as_str().unwrap();
            assert!(
                message.contains(&format!("Query option '{name}' is not allowed")),
                "{list}?{query}: {message}"
            );
        }
    }
    // Also next to documented options, and without the `$` prefix.
    let r = w
        .app
        .get(&format!(
            "{EM}/assignments?$expand=target&$top=5&orderby=id"
        ))
        .await;
    refused(&r, 400, "BadRequest");
    // The incompatibility lists document paging only: a `$filter` there is
    // refused, not ignored (which would answer the whole list).
    for nav in [
        "incompatibleAccessPackages",
        "accessPackagesIncompatibleWith",
        "incompatibleGroups",
    ] {
        let path = format!("{EM}/accessPackages/{}/{nav}", w.pkg);
        refused(
            &w.app
                .get(&format!("{path}?$filter=displayName eq 'Other'"))
                .await,
            400,
            "BadRequest",
        );
        ok(&w.app.get(&format!("{path}?$top=5")).await, 200);
    }
}

#[tokio::test]
async fn documented_options_keep_working_where_the_undocumented_are_refused() {
    let w = world().await;
    for target in [&w.ada, &w.bob] {
        w.fake
            .add_assignment(AssignmentSeed::new(&w.pkg, &w.policy, target));
    }
    let r = w
        .app
        .get(&format!(
            "{EM}/assignments?$count=true&$filter=target/objectId eq '{}'",
            w.ada
        ))
        .await;
    refused(&r, 400, "BadRequest");
    let r = w
        .app
        .get(&format!(
            "{EM}/assignments?$filter=target/objectId eq '{}'&$expand=target&$select=id,state,target",
            w.ada
        ))
        .await;
    ok(&r, 200);
    let items = r.body["value"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", r.body);
    assert_eq!(items[0]["target"]["objectId"], json!(w.ada), "{}", r.body);
    assert!(items[0].get("expiredDateTime").is_none(), "{}", r.body);
    // `$top` pages; the next link (its `$skiptoken`) brings the rest.
    let r = w.app.get(&format!("{EM}/assignments?$top=1")).await;
    ok(&r, 200);
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    let next = r.body["@odata.nextLink"].as_str().unwrap();
    let path = next.strip_prefix(w.fake.uri()).unwrap();
    let r = w.app.get(path).await;
    ok(&r, 200);
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    assert!(r.body.get("@odata.nextLink").is_none(), "{}", r.body);
    let r = w
        .app
        .get(&format!(
            "{EM}/assignmentRequests?$orderby=createdDateTime desc"
        ))
        .await;
    refused(&r, 400, "BadRequest");
    ok(
        &w.app
            .get(&format!(
                "{EM}/assignmentRequests?$filter=state eq 'delivered'&$expand=accessPackage&$select=id,state&$top=10"
            ))
            .await,
        200,
    );
    // The directory documents `$count` (with `ConsistencyLevel: eventual`):
    // its lists keep serving it.
    let r = w
        .app
        .send(
            w.app
                .http
                .get(format!("{}/v1.0/users?$count=true", w.app.base))
                .header("ConsistencyLevel", "eventual"),
        )
        .await;
    ok(&r, 200);
}

#[tokio::test]
async fn the_crate_sees_a_refused_query_option_as_a_typed_400() {
    let w = world().await;
    w.fake
        .add_assignment(AssignmentSeed::new(&w.pkg, &w.policy, &w.ada));
    let client = w.fake.client().unwrap();
    let err = client
        .assignments()
        .list()
        .order_by("state", Order::Asc)
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_eq!(err.code().unwrap().as_str(), "BadRequest");
    let graph = err.graph_error().unwrap();
    assert!(
        graph
            .message
            .contains("Query option '$orderby' is not allowed"),
        "{}",
        graph.message
    );
    // Not mistaken for a refusal of the page size: asked once, not again
    // without `$top`.
    assert_eq!(w.fake.count("GET", &format!("{EM}/assignments")), 1);
    let err = client
        .assignment_requests()
        .list()
        .count(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_eq!(err.code().unwrap().as_str(), "BadRequest");
}

#[tokio::test]
async fn catalogs_expand_their_access_packages_as_graph_documents() {
    let w = world().await;
    let general = w.fake.add_catalog(CatalogSeed::new("General"));
    let empty = w.fake.add_catalog(CatalogSeed::new("Empty"));
    let badge = w
        .fake
        .add_access_package(AccessPackageSeed::new("Badge").catalog(&general));
    // entitlementmanagement-list-catalogs.md: "to retrieve the access
    // packages in each catalog, include `$expand=accessPackages`".
    let r = w
        .app
        .get(&format!("{EM}/catalogs?$expand=accessPackages"))
        .await;
    ok(&r, 200);
    let catalogs = r.body["value"].as_array().unwrap();
    let of = |id: &str| {
        catalogs
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing: {}", r.body))["accessPackages"]
            .as_array()
            .unwrap_or_else(|| panic!("no accessPackages: {}", r.body))
            .clone()
    };
    let in_general = of(general.as_str());
    assert_eq!(in_general.len(), 1, "{}", r.body);
    assert_eq!(in_general[0]["id"], json!(badge));
    assert_eq!(in_general[0]["displayName"], "Badge");
    assert!(of(empty.as_str()).is_empty());
    // accesspackagecatalog-get.md: the same on one catalog, also with
    // nested options for the packages.
    let r = w
        .app
        .get(&format!(
            "{EM}/catalogs/{general}?$expand=accessPackages($expand=assignmentPolicies)&$select=id,displayName"
        ))
        .await;
    ok(&r, 200);
    assert_eq!(
        r.body["accessPackages"][0]["id"],
        json!(badge),
        "{}",
        r.body
    );
    assert!(
        r.body["accessPackages"][0]["assignmentPolicies"].is_array(),
        "{}",
        r.body
    );
    assert!(r.body.get("description").is_none(), "{}", r.body);
    // What the catalog does not have, and what the fake does not model, is
    // still refused.
    for query in [
        "$expand=assignments",
        "$expand=accessPackages($expand=resourceRoleScopes)",
    ] {
        let r = w.app.get(&format!("{EM}/catalogs?{query}")).await;
        refused(&r, 400, "BadRequest");
    }
}

// ----- 2. both body forms, requestType in any case -----------------------------

#[tokio::test]
async fn both_documented_body_forms_and_request_type_in_any_case() {
    let w = world().await;
    let url = format!("{EM}/assignmentRequests");
    let nested = json!({
        "requestType": "AdminAdd",
        "assignment": {
            "targetId": w.ada,
            "assignmentPolicy": { "id": w.policy },
            "accessPackage": { "id": w.pkg },
        }
    });
    let r = w.app.post(&url, Some(nested)).await;
    ok(&r, 201);
    assert_eq!(r.body["requestType"], "adminAdd");
    w.fake.settle();
    let a = w.fake.assignments();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].access_package_id, w.pkg);
    assert_eq!(a[0].assignment_policy_id, w.policy);

    let mut flat = add_body(&w.pkg, &w.policy, &w.bob);
    flat["requestType"] = json!("ADMINADD");
    let r = w.app.post(&url, Some(flat)).await;
    ok(&r, 201);
    assert_eq!(r.body["requestType"], "adminAdd");

    // The two forms naming different packages, or no package at all: refused.
    let pkg2 = w.fake.add_access_package(AccessPackageSeed::new("Other"));
    let carol = w.fake.add_user(UserSeed::new("Carol"));
    let mut both = add_body(&w.pkg, &w.policy, &carol);
    both["assignment"]["accessPackage"] = json!({ "id": pkg2 });
    refused(&w.app.post(&url, Some(both)).await, 400, "BadRequest");
    let mut none = add_body(&w.pkg, &w.policy, &carol);
    none["assignment"]
        .as_object_mut()
        .unwrap()
        .remove("accessPackageId");
    refused(&w.app.post(&url, Some(none)).await, 400, "BadRequest");
}

// ----- 3. delete, reprocess window, scheduled starts ---------------------------

#[tokio::test]
async fn a_request_that_owns_an_assignment_cannot_be_deleted() {
    let w = world().await;
    let url = format!("{EM}/assignmentRequests");
    let delivered = id_of(
        &w.app
            .post(&url, Some(add_body(&w.pkg, &w.policy, &w.ada)))
            .await,
    );
    w.fake.settle();
    let r = w.app.delete(&format!("{url}/{delivered}")).await;
    refused(&r, 400, "RequestNotDeletable");
    assert!(w.fake.assignment_request(&delivered).is_some());

    // A denied request has no assignment: it can go.
    let approval = w
        .fake
        .add_policy(PolicySeed::new("Approval", &w.pkg).require_approval(true));
    let denied = id_of(
        &w.app
            .post(&url, Some(add_body(&w.pkg, &approval, &w.bob)))
            .await,
    );
    w.fake.settle();
    assert!(w.fake.deny(&denied));
    ok(&w.app.delete(&format!("{url}/{denied}")).await, 204);
    assert!(w.fake.assignment_request(&denied).is_none());
}

#[tokio::test]
async fn reprocess_only_within_14_days_of_completion() {
    let w = world().await;
    let url = format!("{EM}/assignmentRequests");
    w.fake.fail_delivery_for(&w.ada);
    w.fake.fail_delivery_for(&w.bob);
    let recent = id_of(
        &w.app
            .post(&url, Some(add_body(&w.pkg, &w.policy, &w.ada)))
            .await,
    );
    let old = id_of(
        &w.app
            .post(&url, Some(add_body(&w.pkg, &w.policy, &w.bob)))
            .await,
    );
    w.fake.settle();
    w.fake.clear_delivery_failures();

    w.fake.advance_clock(13 * DAY);
    ok(
        &w.app.post(&format!("{url}/{recent}/reprocess"), None).await,
        202,
    );
    w.fake.advance_clock(2 * DAY);
    let r = w.app.post(&format!("{url}/{old}/reprocess"), None).await;
    refused(&r, 400, "RequestNotReprocessable");
    assert_eq!(
        w.fake.assignment_request(&old).unwrap().state,
        RequestState::DeliveryFailed
    );
    w.fake.settle();
    assert_eq!(
        w.fake.assignment_request(&recent).unwrap().state,
        RequestState::Delivered
    );
}

#[tokio::test]
async fn a_future_start_is_scheduled_and_delivered_when_the_start_comes() {
    let w = world().await;
    let client = w.fake.client().unwrap();
    let start = chrono::Utc::now() + chrono::Duration::days(3);
    let created = client
        .assignment_requests()
        .admin_add(w.pkg.clone(), w.policy.clone(), &w.ada)
        .starts_at(start)
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.state,
        Some(RequestState::Submitted),
        "the 201 answer"
    );
    let id = created.id;
    let now = client
        .assignment_requests()
        .get(id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(now.state, Some(RequestState::Scheduled));
    assert_eq!(w.fake.settle(), 0, "nothing moves before the start");
    assert!(
        w.fake.assignments().is_empty(),
        "no access before the start"
    );

    w.fake.advance_clock(2 * DAY);
    assert_eq!(
        w.fake.assignment_request(&id).unwrap().state,
        RequestState::Scheduled
    );
    w.fake.advance_clock(2 * DAY);
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

    // A start in the past delivers as usual.
    let past = client
        .assignment_requests()
        .admin_add(w.pkg.clone(), w.policy.clone(), &w.bob)
        .starts_at(chrono::Utc::now() - chrono::Duration::days(1))
        .send()
        .await
        .unwrap();
    assert_eq!(w.fake.advance(&past.id), Some(RequestState::Delivering));
}

#[tokio::test]
async fn an_approved_request_with_a_future_start_waits_scheduled() {
    let w = world().await;
    let approval = w
        .fake
        .add_policy(PolicySeed::new("Approval", &w.pkg).require_approval(true));
    let mut body = add_body(&w.pkg, &approval, &w.ada);
    body["schedule"] =
        json!({ "startDateTime": (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339() });
    let id = id_of(
        &w.app
            .post(&format!("{EM}/assignmentRequests"), Some(body))
            .await,
    );
    assert_eq!(w.fake.advance(&id), Some(RequestState::PendingApproval));
    assert!(w.fake.approve(&id));
    assert_eq!(
        w.fake.assignment_request(&id).unwrap().state,
        RequestState::Scheduled
    );
    w.fake.advance_clock(2 * DAY);
    w.fake.settle();
    assert_eq!(
        w.fake.assignment_request(&id).unwrap().state,
        RequestState::Delivered
    );
}

// ----- 4. v1.0 members list no service principals ------------------------------

#[tokio::test]
async fn v1_members_list_no_service_principals() {
    let w = world().await;
    let robot = w
        .fake
        .add_service_principal(ServicePrincipalSeed::new("Robot"));
    let inner = w
        .fake
        .add_group(GroupSeed::new("Inner").members([&w.bob, &robot]));
    let team = w
        .fake
        .add_group(GroupSeed::new("Team").members([&w.ada, &robot, &inner]));
    for path in [
        format!("/v1.0/groups/{team}/members"),
        format!("/v1.0/groups/{team}/transitiveMembers"),
    ] {
        let r = w.app.get(&path).await;
        ok(&r, 200);
        let ids: Vec<&str> = r.body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap())
            .collect();
        assert!(!ids.contains(&robot.as_str()), "{path}: {ids:?}");
        assert!(ids.contains(&w.ada.as_str()), "{path}: {ids:?}");
    }
    let r = w
        .app
        .get(&format!(
            "/v1.0/groups/{team}/members/microsoft.graph.servicePrincipal"
        ))
        .await;
    ok(&r, 200);
    assert_eq!(r.body["value"], json!([]));

    let members = w
        .fake
        .client()
        .unwrap()
        .groups()
        .members(team)
        .users_only()
        .await
        .unwrap();
    assert_eq!(members.users.len(), 1);
    assert_eq!(members.others.len(), 1, "the nested group only");
}

// ----- 5. delegated-only operations --------------------------------------------

#[tokio::test]
async fn delegated_only_operations_refuse_app_only_tokens() {
    let w = world().await;
    let url = format!("{EM}/assignmentRequests");
    let open = id_of(
        &w.app
            .post(&url, Some(add_body(&w.pkg, &w.policy, &w.ada)))
            .await,
    );
    let other = w.fake.add_access_package(AccessPackageSeed::new("Other"));
    let paths = [
        format!("{EM}/assignments/filterByCurrentUser(on='target')"),
        format!("{EM}/assignments/filterByCurrentUser(on='createdBy')"),
        format!("{url}/filterByCurrentUser(on='approver')"),
        format!(
            "{EM}/assignments/additionalAccess(accessPackageId='{}',incompatibleAccessPackageId='{other}')",
            w.pkg
        ),
    ];
    let user = Api::user(&w.fake, &w.bob);
    for path in &paths {
        refused(&w.app.get(path).await, 403, "accessDenied");
        ok(&user.get(path).await, 200);
    }
    refused(
        &w.app.post(&format!("{url}/{open}/cancel"), None).await,
        403,
        "accessDenied",
    );
    assert_eq!(
        w.fake.assignment_request(&open).unwrap().state,
        RequestState::Submitted
    );
    ok(&user.post(&format!("{url}/{open}/cancel"), None).await, 204);

    // Through the crate: the app's client is refused, a user's client works.
    let err = w
        .fake
        .client()
        .unwrap()
        .assignments()
        .filter_by_current_user(AssignmentsOfCurrentUser::Target)
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");
    assert_eq!(err.code().unwrap().as_str(), "accessDenied");
}

#[tokio::test]
async fn delegated_calls_see_the_signed_in_users_own_items() {
    let w = world().await;
    w.fake
        .add_assignment(AssignmentSeed::new(&w.pkg, &w.policy, &w.ada));
    w.fake
        .add_assignment(AssignmentSeed::new(&w.pkg, &w.policy, &w.bob));
    let ada = w.fake.delegated_client_for(&w.ada).unwrap();
    let mine = ada
        .assignments()
        .filter_by_current_user(AssignmentsOfCurrentUser::Target)
        .collect()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);

    // Ada (an administrator here) assigns Carol: the request and, once
    // delivered, the assignment are "created by" Ada.
    let carol = w.fake.add_user(UserSeed::new("Carol"));
    let req = ada
        .assignment_requests()
        .admin_add(w.pkg.clone(), w.policy.clone(), &carol)
        .send()
        .await
        .unwrap();
    w.fake.settle();
    let created = ada
        .assignment_requests()
        .filter_by_current_user(RequestsOfCurrentUser::CreatedBy)
        .collect()
        .await
        .unwrap();
    assert_eq!(created.iter().map(|r| &r.id).collect::<Vec<_>>(), [&req.id]);
    for on in [
        RequestsOfCurrentUser::RequestForOthers,
        RequestsOfCurrentUser::TargetOrRequestor,
    ] {
        let found = ada
            .assignment_requests()
            .filter_by_current_user(on)
            .collect()
            .await
            .unwrap();
        assert_eq!(found.iter().map(|r| &r.id).collect::<Vec<_>>(), [&req.id]);
    }
    // Every option of Graph's enum is accepted (the fake models no managers).
    let managed = ada
        .assignments()
        .filter_by_current_user(AssignmentsOfCurrentUser::TargetManager)
        .collect()
        .await
        .unwrap();
    assert!(managed.is_empty());
    let r = Api::user(&w.fake, &w.ada)
        .get(&format!(
            "{EM}/assignments/filterByCurrentUser(on='approver')"
        ))
        .await;
    refused(&r, 400, "BadRequest");

    let bob = w.fake.delegated_client_for(&w.bob).unwrap();
    let by_bob = bob
        .assignments()
        .filter_by_current_user(AssignmentsOfCurrentUser::CreatedBy)
        .collect()
        .await
        .unwrap();
    assert!(by_bob.is_empty());
    let by_ada = ada
        .assignments()
        .filter_by_current_user(AssignmentsOfCurrentUser::CreatedBy)
        .collect()
        .await
        .unwrap();
    assert_eq!(by_ada.len(), 1);

    // A request seeded in pendingApproval is offered to approvers.
    let pending = w.fake.add_request(
        RequestSeed::new(RequestType::AdminAdd, &w.pkg, &w.policy, &carol)
            .state(RequestState::PendingApproval),
    );
    let to_approve = bob
        .assignment_requests()
        .filter_by_current_user(RequestsOfCurrentUser::Approver)
        .collect()
        .await
        .unwrap();
    assert_eq!(
        to_approve.iter().map(|r| &r.id).collect::<Vec<_>>(),
        [&pending]
    );

    // Catalog-scoped callers must name a package on tenant lists, not on
    // the signed-in user's own.
    w.fake.set_catalog_scoped(true);
    let err = ada.assignments().list().collect().await.unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");
    let mine = ada
        .assignments()
        .filter_by_current_user(AssignmentsOfCurrentUser::Target)
        .collect()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
}

/// Evolvable enums (microsoft/api-guidelines `graph/patterns/evolvable-enums.md`):
/// a member after `unknownFutureValue` sent without
/// `Prefer: include-unknown-enum-members` gets 400, and reads as
/// `unknownFutureValue` without it; `unknownFutureValue` is never accepted.
#[tokio::test]
async fn late_enum_members_need_the_prefer_header() {
    let w = world().await;
    let user = Api::user(&w.fake, &w.ada);
    let late = format!("{EM}/assignmentRequests/filterByCurrentUser(on='targetManager')");
    let prefer = |rb: reqwest::RequestBuilder| rb.header("Prefer", "include-unknown-enum-members");
    refused(&user.get(&late).await, 400, "BadRequest");
    ok(
        &user
            .send(prefer(user.http.get(format!("{}{late}", user.base))))
            .await,
        200,
    );
    // Another preference beside it counts too.
    ok(
        &user
            .send(user.http.get(format!("{}{late}", user.base)).header(
                "Prefer",
                "odata.maxpagesize=5, include-unknown-enum-members",
            ))
            .await,
        200,
    );

    let id = w.fake.add_workflow(json!({
        "displayName": "Move", "category": "mover", "isEnabled": true, "tasks": []
    }));
    let path = format!("/v1.0/identityGovernance/lifecycleWorkflows/workflows/{id}");
    assert_eq!(
        w.app.get(&path).await.body["category"],
        "unknownFutureValue"
    );
    let with = w
        .app
        .send(prefer(w.app.http.get(format!("{}{path}", w.app.base))))
        .await;
    assert_eq!(with.body["category"], "mover");

    let version = |category: &str| json!({"workflow": {"displayName": "Move", "category": category, "isEnabled": true, "tasks": []}});
    let new_version = format!("{path}/createNewVersion");
    refused(
        &w.app.post(&new_version, Some(version("mover"))).await,
        400,
        "BadRequest",
    );
    let sentinel = w
        .app
        .send(prefer(
            w.app
                .http
                .post(format!("{}{new_version}", w.app.base))
                .json(&version("unknownFutureValue")),
        ))
        .await;
    refused(&sentinel, 400, "BadRequest");
    let posted = w
        .app
        .send(prefer(
            w.app
                .http
                .post(format!("{}{new_version}", w.app.base))
                .json(&version("mover")),
        ))
        .await;
    ok(&posted, 200);
}
