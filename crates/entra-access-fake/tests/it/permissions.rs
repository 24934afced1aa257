//! FakeGraph refuses what Graph refuses: its tokens are JWTs whose claims
//! are what the test configured, a call whose permission or role is missing
//! gets Graph's 403 envelope, a token for another audience or tenant or an
//! expired one gets 401, and a tenant without the licence is refused.
#![allow(clippy::unwrap_used)] // helpers outside #[test] fns unwrap too

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use entra_access::models::ObjectId;
use entra_access_fake::{
    directory_roles, AccessPackageSeed, AssignmentSeed, FakeGraph, GroupSeed, Licence, PolicySeed,
    TokenSpec, UserAccess, UserSeed, DEFAULT_APPLICATION_PERMISSIONS,
};
use serde_json::{json, Value};

const EM: &str = "/v1.0/identityGovernance/entitlementManagement";

/// One answer: status and JSON body (`Null` when empty).
struct Resp {
    status: u16,
    request_id: Option<String>,
    body: Value,
}

async fn call(
    fake: &FakeGraph,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Resp {
    let http = reqwest::Client::new();
    let url = format!("{}{path}", fake.uri());
    let mut rb = match method {
        "GET" => http.get(url),
        "POST" => http.post(url),
        "PATCH" => http.patch(url),
        other => panic!("{other}"),
    };
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    let request_id = r
        .headers()
        .get("request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = r.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    Resp {
        status,
        request_id,
        body,
    }
}

async fn get(fake: &FakeGraph, token: &str, path: &str) -> Resp {
    call(fake, token, "GET", path, None).await
}

/// Graph's error envelope with `status` and `code`, its request id in the
/// header too.
fn assert_refused(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.body["error"]["code"], code, "{}", r.body);
    assert!(r.body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(
        r.body["error"]["innerError"]["request-id"].as_str(),
        r.request_id.as_deref(),
        "{}",
        r.body
    );
}

/// The payload of a JWT.
fn claims(token: &str) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap()
}

struct World {
    fake: FakeGraph,
    pkg: String,
    policy: String,
    ada: ObjectId,
    /// Not assigned yet.
    bob: ObjectId,
    group: ObjectId,
}

async fn world() -> World {
    let fake = FakeGraph::builder().manual_progress().start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
    let bob = fake.add_user(UserSeed::new("Bob Kahn"));
    let group = fake.add_group(GroupSeed::new("Team").member(&ada));
    fake.add_assignment(AssignmentSeed::new(&pkg, &policy, &ada));
    World {
        fake,
        pkg: pkg.to_string(),
        policy: policy.to_string(),
        ada,
        bob,
        group,
    }
}

fn admin_add(w: &World) -> Value {
    json!({
        "requestType": "adminAdd",
        "assignment": {"targetId": w.bob, "assignmentPolicyId": w.policy, "accessPackageId": w.pkg},
    })
}

#[tokio::test]
async fn tokens_are_jwts_whose_claims_say_what_the_test_configured() {
    let w = world().await;
    let fake = &w.fake;
    let app = claims(&fake.token());
    assert_eq!(app["aud"], fake.uri());
    assert_eq!(app["tid"], fake.tenant_id());
    assert_eq!(app["appid"], fake.client_id());
    assert_eq!(app["idtyp"], "app");
    assert_eq!(app["roles"], json!(DEFAULT_APPLICATION_PERMISSIONS));
    let now = chrono::Utc::now().timestamp();
    assert!(app["exp"].as_i64().unwrap() > now);
    assert!(app.get("scp").is_none());

    // The same token until the app's permissions change.
    assert_eq!(fake.token(), fake.token());
    let before = fake.token();
    fake.set_application_permissions(["EntitlementManagement.Read.All"]);
    assert_ne!(fake.token(), before);
    assert_eq!(
        claims(&fake.token())["roles"],
        json!(["EntitlementManagement.Read.All"])
    );
    // Tokens from the client-credentials endpoint carry them too.
    let creds = fake.client_credentials().unwrap();
    let issued = entra_access::auth::TokenProvider::token(&creds)
        .await
        .unwrap();
    assert_eq!(
        claims(issued.secret.expose())["roles"],
        json!(["EntitlementManagement.Read.All"])
    );

    fake.set_user_access(
        &w.ada,
        UserAccess::new()
            .scopes(["EntitlementManagement.Read.All", "User.ReadBasic.All"])
            .directory_roles([directory_roles::GLOBAL_READER]),
    );
    let user = claims(&fake.delegated_token_for(&w.ada));
    assert_eq!(user["idtyp"], "user");
    assert_eq!(user["oid"], w.ada.as_str());
    assert_eq!(
        user["scp"],
        "EntitlementManagement.Read.All User.ReadBasic.All"
    );
    assert_eq!(user["wids"], json!([directory_roles::GLOBAL_READER]));
    assert!(user.get("roles").is_none());

    let other = claims(
        &fake.token_with(
            TokenSpec::app()
                .audience("https://management.azure.com")
                .tenant("contoso")
                .expired(),
        ),
    );
    assert_eq!(other["aud"], "https://management.azure.com");
    assert_eq!(other["tid"], "contoso");
    assert!(other["exp"].as_i64().unwrap() < now);
}

#[tokio::test]
async fn an_app_without_a_permission_gets_graphs_403_and_nothing_happens() {
    let w = world().await;
    let fake = &w.fake;
    let token = fake
        .token_with(TokenSpec::app().application_permissions(["EntitlementManagement.Read.All"]));
    assert_eq!(
        get(fake, &token, &format!("{EM}/assignments")).await.status,
        200
    );
    let post = call(
        fake,
        &token,
        "POST",
        &format!("{EM}/assignmentRequests"),
        Some(admin_add(&w)),
    )
    .await;
    assert_refused(&post, 403, "accessDenied");
    assert!(
        fake.assignment_requests().is_empty(),
        "a refused write created nothing"
    );

    // Directory reads: the directory's own code and message.
    let members = get(fake, &token, &format!("/v1.0/groups/{}/members", w.group)).await;
    assert_refused(&members, 403, "Authorization_RequestDenied");
    assert_eq!(
        members.body["error"]["message"],
        "Insufficient privileges to complete the operation."
    );
    let user = get(fake, &token, &format!("/v1.0/users/{}", w.ada)).await;
    assert_refused(&user, 403, "Authorization_RequestDenied");

    // With the permissions, the same calls are served.
    let full = fake.token();
    assert_eq!(
        get(fake, &full, &format!("/v1.0/groups/{}/members", w.group))
            .await
            .status,
        200
    );
    assert_eq!(
        get(fake, &full, &format!("/v1.0/users/{}", w.ada))
            .await
            .status,
        200
    );
    let post = call(
        fake,
        &full,
        "POST",
        &format!("{EM}/assignmentRequests"),
        Some(admin_add(&w)),
    )
    .await;
    assert_eq!(post.status, 201, "{}", post.body);

    // Lifecycle workflows: reading is not editing.
    let read_only =
        fake.token_with(TokenSpec::app().application_permissions(["LifecycleWorkflows.Read.All"]));
    let path = "/v1.0/identityGovernance/lifecycleWorkflows/workflows";
    assert_eq!(get(fake, &read_only, path).await.status, 200);
    let edit = call(
        fake,
        &read_only,
        "POST",
        &format!("{path}/wf-1/createNewVersion"),
        Some(json!({"workflow": {}})),
    )
    .await;
    assert_refused(&edit, 403, "accessDenied");
}

#[tokio::test]
async fn a_signed_in_user_needs_the_scope_and_a_role() {
    let w = world().await;
    let fake = &w.fake;
    let user = |scopes: &[&str], roles: &[&str]| {
        fake.token_with(
            TokenSpec::user(&w.ada)
                .scopes(scopes.iter().copied())
                .directory_roles(roles.iter().copied()),
        )
    };
    let packages = format!("{EM}/accessPackages");
    // The scope without a role: refused.
    let no_role = user(
        &["EntitlementManagement.ReadWrite.All"],
        &[directory_roles::USER],
    );
    assert_refused(&get(fake, &no_role, &packages).await, 403, "accessDenied");
    // A reader role reads, but cannot assign.
    let reader = user(
        &["EntitlementManagement.ReadWrite.All"],
        &[directory_roles::USER, directory_roles::GLOBAL_READER],
    );
    assert_eq!(get(fake, &reader, &packages).await.status, 200);
    let post = call(
        fake,
        &reader,
        "POST",
        &format!("{EM}/assignmentRequests"),
        Some(admin_add(&w)),
    )
    .await;
    assert_refused(&post, 403, "accessDenied");
    // The role without the scope: refused.
    let no_scope = user(
        &["User.ReadBasic.All"],
        &[directory_roles::IDENTITY_GOVERNANCE_ADMINISTRATOR],
    );
    assert_refused(&get(fake, &no_scope, &packages).await, 403, "accessDenied");
    // Approvals need the ReadWrite scope and no role.
    let approvals =
        format!("{EM}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')");
    assert_refused(
        &get(
            fake,
            &user(&["EntitlementManagement.Read.All"], &[]),
            &approvals,
        )
        .await,
        403,
        "accessDenied",
    );
    assert_eq!(
        get(
            fake,
            &user(&["EntitlementManagement.ReadWrite.All"], &[]),
            &approvals
        )
        .await
        .status,
        200
    );
    // Users: the basic-profile scope is enough.
    assert_eq!(
        get(
            fake,
            &user(&["User.ReadBasic.All"], &[]),
            &format!("/v1.0/users/{}", w.ada)
        )
        .await
        .status,
        200
    );
}

#[tokio::test]
async fn catalog_scoped_mode_takes_a_catalog_role_instead_of_the_tenant_wide_grant() {
    let w = world().await;
    let fake = &w.fake;
    let no_em = fake.token_with(TokenSpec::app().application_permissions(["User.Read.All"]));
    let packages = format!("{EM}/accessPackages");
    assert_refused(&get(fake, &no_em, &packages).await, 403, "accessDenied");

    fake.set_catalog_scoped(true);
    assert_eq!(get(fake, &no_em, &packages).await.status, 200);
    let unfiltered = get(fake, &no_em, &format!("{EM}/assignments")).await;
    assert_refused(&unfiltered, 403, "AccessDenied");
    let filtered = get(
        fake,
        &no_em,
        &format!("{EM}/assignments?$filter=accessPackage/id eq '{}'", w.pkg),
    )
    .await;
    assert_eq!(filtered.status, 200, "{}", filtered.body);
    // A catalog role covers entitlement management only.
    let members = get(fake, &no_em, &format!("/v1.0/groups/{}/members", w.group)).await;
    assert_refused(&members, 403, "Authorization_RequestDenied");
    // A signed-in user with no directory role is served the same way.
    let user = fake.token_with(TokenSpec::user(&w.ada).directory_roles([directory_roles::USER]));
    assert_eq!(get(fake, &user, &packages).await.status, 200);
}

#[tokio::test]
async fn a_tenant_without_the_licence_is_refused() {
    let w = world().await;
    let fake = &w.fake;
    let token = fake.token();
    let workflows = "/v1.0/identityGovernance/lifecycleWorkflows/workflows";
    fake.set_licence(Licence::Free);
    let r = get(fake, &token, &format!("{EM}/accessPackages")).await;
    assert_refused(&r, 403, "accessDenied");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("license"),
        "{}",
        r.body
    );
    assert_refused(&get(fake, &token, workflows).await, 403, "accessDenied");
    // The directory needs no governance licence.
    assert_eq!(get(fake, &token, "/v1.0/groups").await.status, 200);

    fake.set_licence(Licence::EntraIdP2);
    assert_eq!(
        get(fake, &token, &format!("{EM}/accessPackages"))
            .await
            .status,
        200
    );
    assert_refused(&get(fake, &token, workflows).await, 403, "accessDenied");
    fake.set_licence(Licence::Governance);
    assert_eq!(get(fake, &token, workflows).await.status, 200);
}

#[tokio::test]
async fn tokens_for_elsewhere_or_expired_get_401_and_opaque_ones_work() {
    let w = world().await;
    let fake = &w.fake;
    let packages = format!("{EM}/accessPackages");
    let cases = [
        (
            TokenSpec::app().audience("https://management.azure.com"),
            "Invalid audience.",
        ),
        (
            TokenSpec::app().tenant("contoso.onmicrosoft.com"),
            "Invalid issuer.",
        ),
        (TokenSpec::app().expired(), "Lifetime validation failed"),
        (
            TokenSpec::user(&w.ada).expired(),
            "Lifetime validation failed",
        ),
    ];
    for (spec, message) in cases {
        let r = get(fake, &fake.token_with(spec), &packages).await;
        assert_refused(&r, 401, "InvalidAuthenticationToken");
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{}",
            r.body
        );
    }
    // A JWT the fake did not issue.
    let forged = format!(
        "{}.{}.sig",
        URL_SAFE_NO_PAD.encode("{}"),
        URL_SAFE_NO_PAD.encode("{}")
    );
    assert_refused(
        &get(fake, &forged, &packages).await,
        401,
        "InvalidAuthenticationToken",
    );

    // An opaque token is not a JWT, but grants what it was minted with.
    let opaque = fake.token_with(
        TokenSpec::app()
            .application_permissions(["EntitlementManagement.Read.All"])
            .opaque(),
    );
    assert!(!opaque.contains('.'));
    assert_eq!(get(fake, &opaque, &packages).await.status, 200);
    let post = call(
        fake,
        &opaque,
        "POST",
        &format!("{EM}/assignmentRequests"),
        Some(admin_add(&w)),
    )
    .await;
    assert_refused(&post, 403, "accessDenied");
}

#[tokio::test]
async fn users_groups_and_workflows_are_listed_a_page_at_a_time() {
    let w = world().await;
    let fake = &w.fake;
    fake.add_group(GroupSeed::new("Other"));
    let token = fake.token();
    for (path, first) in [
        ("/v1.0/users?$top=1", w.ada.as_str().to_owned()),
        ("/v1.0/groups?$top=1", w.group.as_str().to_owned()),
    ] {
        let r = get(fake, &token, path).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let items = r.body["value"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}", r.body);
        assert_eq!(items[0]["id"], first.as_str());
        assert!(r.body["@odata.nextLink"].is_string(), "{}", r.body);
    }
    let r = get(
        fake,
        &token,
        "/v1.0/identityGovernance/lifecycleWorkflows/workflows?$top=1",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["value"], json!([]));
}
