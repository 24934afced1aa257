//! Every request body the crate sends, held against the documented v1.0
//! example for that case (`tests/data/bodies/`, each naming its doc page).
//!
//! A body's shape is the set of its key paths (`assignment/targetId`,
//! `answers[]/answeredQuestion/id`). For each case:
//! - every key the case's example shows is sent (except [`DOC_ONLY`]);
//! - every key sent is shown by some example of the same operation, or is
//!   in [`KEPT`], whose reasons `docs/graph-fidelity.md` must give.
//!
//! The builders are plain data: `request()` returns the `ApiRequest` that
//! `send()` would post, so no IO happens here.

use std::collections::BTreeSet;
use std::path::PathBuf;

use entra_access::api::Target;
use entra_access::auth::StaticToken;
use entra_access::models::{Answer, DateTime, IsoDuration};
use entra_access::request::ApiRequest;
use entra_access::Client;
use serde_json::Value;

/// Keys the crate sends that no documented example shows, with the section
/// of `docs/graph-fidelity.md` that says why they are kept.
const KEPT: &[&str] = &[
    "schedule",
    "schedule/startDateTime",
    "schedule/expiration",
    "schedule/expiration/type",
    "schedule/expiration/endDateTime",
    "schedule/expiration/duration",
    "assignment/target/displayName",
    "assignment/target/connectedOrganization",
    "assignment/target/connectedOrganization/id",
];

/// Keys an example shows that the crate does not send, and why (also in
/// `docs/graph-fidelity.md`).
const DOC_ONLY: &[&str] = &["@odata.type", "id"];

/// The documented examples of `POST .../assignmentRequests`.
const CREATE_EXAMPLES: &[&str] = &[
    "admin-add-by-object-id.json",
    "admin-add-bypass-approval.json",
    "admin-add-by-email.json",
    "admin-remove.json",
    "admin-update.json",
    "user-add-with-answers.json",
    "user-add-with-justification.json",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn client() -> Client {
    Client::builder()
        .token_provider(StaticToken::new("t"))
        .build()
        .unwrap()
}

struct Example {
    source: String,
    body: Value,
}

fn example(name: &str) -> Example {
    let path = root().join("tests/data/bodies").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).unwrap();
    let source = doc["source"].as_str().expect("source").to_owned();
    assert!(
        source.contains("api-reference/v1.0/api/"),
        "{name} names a v1.0 doc page"
    );
    Example {
        source,
        body: normalize(doc["body"].clone()),
    }
}

/// Two spellings in the v1.0 examples are beta leftovers: the navigation
/// property `accessPackageAssignment` (v1.0: `assignment`) and PascalCase
/// request types. Both are mapped to v1.0's spelling
/// (docs/graph-fidelity.md, "Request bodies").
fn normalize(mut body: Value) -> Value {
    if let Some(obj) = body.as_object_mut()
        && let Some(a) = obj.remove("accessPackageAssignment")
    {
        obj.insert("assignment".into(), a);
    }
    body
}

fn paths(v: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}/{k}")
                    };
                    out.insert(p.clone());
                    walk(child, &p, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, &format!("{prefix}[]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(v, "", &mut out);
    out
}

/// Every key path shown by any documented create example.
fn documented_create_paths() -> BTreeSet<String> {
    CREATE_EXAMPLES
        .iter()
        .flat_map(|name| paths(&example(name).body))
        .collect()
}

fn body(req: &ApiRequest) -> &Value {
    req.body_json().expect("a JSON body")
}

/// Holds a create body against its example: the example's keys are sent,
/// and nothing is sent that no example shows (unless kept, with a reason).
fn hold(case: &str, req: &ApiRequest, example_name: &str) {
    assert_eq!(req.method(), &http::Method::POST, "{case}");
    assert_eq!(
        req.path(),
        "identityGovernance/entitlementManagement/assignmentRequests",
        "{case}"
    );
    let ex = example(example_name);
    let sent = paths(body(req));
    let shown = paths(&ex.body);
    let not_sent: Vec<_> = shown
        .iter()
        .filter(|p| !sent.contains(*p) && !DOC_ONLY.contains(&p.as_str()))
        .collect();
    assert!(
        not_sent.is_empty(),
        "{case}: {} shows {not_sent:?}, which the crate does not send\n  sent: {}",
        ex.source,
        body(req)
    );
    assert_only_documented_keys(case, req);
    let request_type = |b: &Value| b["requestType"].as_str().map(str::to_ascii_lowercase);
    assert_eq!(
        request_type(body(req)),
        request_type(&ex.body),
        "{case}: requestType"
    );
    assert_eq!(
        body(req)["requestType"]
            .as_str()
            .map(|s| s.chars().next().unwrap().is_lowercase()),
        Some(true),
        "{case}: requestType is sent in v1.0's camelCase"
    );
}

/// Every key path `req` sends is shown by a documented create example or
/// explained in `KEPT`.
fn assert_only_documented_keys(case: &str, req: &ApiRequest) {
    let documented = documented_create_paths();
    let undocumented: Vec<_> = paths(body(req))
        .into_iter()
        .filter(|p| !documented.contains(p) && !KEPT.contains(&p.as_str()))
        .collect();
    assert!(
        undocumented.is_empty(),
        "{case}: sends {undocumented:?}, which no documented example shows and KEPT does not explain\n  sent: {}",
        body(req)
    );
}

const PKG: &str = "a914b616-e04e-476b-aa37-91038f0b165b";
const POLICY: &str = "2264bf65-76ba-417b-a27d-54d291f0cbc8";
const USER: &str = "46184453-e63b-4f20-86c2-c557ed5d5df9";
const ASSIGNMENT: &str = "a6bb6942-3ae1-4259-9908-0133aaee9377";

#[test]
fn admin_add_by_object_id_is_the_documented_body() {
    let req = client()
        .assignment_requests()
        .admin_add(PKG, POLICY, Target::user(USER))
        .request()
        .unwrap();
    hold("adminAdd by object id", &req, "admin-add-by-object-id.json");
    // Nothing more than the example: same keys, same values.
    assert_eq!(body(&req), &example("admin-add-by-object-id.json").body);
}

#[test]
fn admin_add_bypassing_approval_is_the_documented_body() {
    let req = client()
        .assignment_requests()
        .admin_add(PKG, POLICY, Target::user(USER))
        .bypass_approval(true)
        .request()
        .unwrap();
    hold(
        "adminAdd bypassing approval",
        &req,
        "admin-add-bypass-approval.json",
    );
    assert_eq!(body(&req), &example("admin-add-bypass-approval.json").body);

    // Asking for approval explicitly sends `false`; unset sends nothing.
    let req = client()
        .assignment_requests()
        .admin_add(PKG, POLICY, Target::user(USER))
        .bypass_approval(false)
        .request()
        .unwrap();
    assert_eq!(
        body(&req)["parameters"],
        serde_json::json!({"bypassApproval": false})
    );
    let req = client()
        .assignment_requests()
        .admin_add(PKG, POLICY, Target::user(USER))
        .bypass_approval(true)
        .set_bypass_approval(None)
        .request()
        .unwrap();
    assert_eq!(body(&req), &example("admin-add-by-object-id.json").body);
}

#[test]
fn admin_update_bypassing_approval_sends_only_documented_keys() {
    let end: DateTime = "2026-12-31T00:00:00Z".parse().unwrap();
    let req = client()
        .assignment_requests()
        .admin_update("44c741c1-2cf4-40db-83b6-e0112f8e5a83")
        .ends_at(end)
        .bypass_approval(true)
        .request()
        .unwrap();
    assert_only_documented_keys("adminUpdate bypassing approval", &req);
    assert_eq!(
        body(&req)["parameters"],
        example("admin-add-bypass-approval.json").body["parameters"]
    );
}

#[test]
fn admin_add_by_email_is_the_documented_body() {
    let req = client()
        .assignment_requests()
        .admin_add(PKG, POLICY, Target::email("user@contoso.com"))
        .request()
        .unwrap();
    hold("adminAdd by e-mail", &req, "admin-add-by-email.json");
    let mut expected = example("admin-add-by-email.json").body;
    expected["requestType"] = "adminAdd".into();
    assert_eq!(body(&req), &expected);
}

#[test]
fn admin_add_by_email_with_name_and_organization_keeps_only_explained_keys() {
    let req = client()
        .assignment_requests()
        .admin_add(
            PKG,
            POLICY,
            Target::email("user@contoso.com")
                .display_name("Ana")
                .connected_organization("org-1"),
        )
        .request()
        .unwrap();
    hold("adminAdd by e-mail, named", &req, "admin-add-by-email.json");
}

#[test]
fn admin_add_with_justification_schedule_and_answers() {
    let end: DateTime = "2026-12-31T00:00:00Z".parse().unwrap();
    let req = client()
        .assignment_requests()
        .admin_add(PKG, POLICY, Target::user(USER))
        .justification("onboarding")
        .ends_at(end)
        .answers(vec![
            Answer::text_input("7aaa18c9-8e4f-440f-bd5a-3a7ce312cbe6", "text"),
            Answer::choice(
                "8fe745e7-80b2-490d-bd22-4e708c77288c",
                "MultipleChoiceAnswerValue",
            ),
        ])
        .request()
        .unwrap();
    hold("adminAdd with extras", &req, "admin-add-by-object-id.json");
    // The answers have exactly the documented answer shape.
    let answer_paths = |b: &Value| {
        paths(b)
            .into_iter()
            .filter(|p| p.starts_with("answers"))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        answer_paths(body(&req)),
        answer_paths(&example("user-add-with-answers.json").body)
    );
    let req = client()
        .assignment_requests()
        .admin_add(PKG, POLICY, Target::user(USER))
        .duration(IsoDuration::days(30))
        .request()
        .unwrap();
    hold(
        "adminAdd for a duration",
        &req,
        "admin-add-by-object-id.json",
    );
}

#[test]
fn admin_update_is_the_documented_body() {
    let req = client()
        .assignment_requests()
        .admin_update("44c741c1-2cf4-40db-83b6-e0112f8e5a83")
        .answers(vec![
            Answer::choice("8fe745e7-80b2-490d-bd22-4e708c77288c", "UpdatedAnswerValue"),
            Answer::text_input("7aaa18c9-8e4f-440f-bd5a-3a7ce312cbe6", "My updated answer."),
        ])
        .request()
        .unwrap();
    hold("adminUpdate", &req, "admin-update.json");
    let sent = body(&req);
    assert_eq!(
        sent["assignment"],
        serde_json::json!({"id": "44c741c1-2cf4-40db-83b6-e0112f8e5a83"})
    );
    assert!(sent.get("id").is_none() && sent.get("@odata.type").is_none());

    let end: DateTime = "2026-12-31T00:00:00Z".parse().unwrap();
    let req = client()
        .assignment_requests()
        .admin_update("44c741c1-2cf4-40db-83b6-e0112f8e5a83")
        .ends_at(end)
        .request()
        .unwrap();
    // An extension: the example's answers are not part of this case.
    assert_only_documented_keys("adminUpdate with a schedule", &req);
    let sent = paths(body(&req));
    assert!(sent.contains("assignment/id") && sent.contains("schedule/expiration/endDateTime"));
}

#[test]
fn admin_remove_is_the_documented_body() {
    let req = client()
        .assignment_requests()
        .admin_remove(ASSIGNMENT)
        .request()
        .unwrap();
    hold("adminRemove", &req, "admin-remove.json");
    assert_eq!(body(&req), &example("admin-remove.json").body);
    let req = client()
        .assignment_requests()
        .admin_remove(ASSIGNMENT)
        .justification("left the project")
        .request()
        .unwrap();
    hold(
        "adminRemove with a justification",
        &req,
        "admin-remove.json",
    );
}

#[test]
fn cancel_and_reprocess_send_no_body() {
    let c = client();
    let id = "d82eb508-acc4-43cc-bcf1-7c1c4a2c073b";
    for (name, req, action) in [
        (
            "cancel.json",
            c.assignment_requests().cancel(id).request().unwrap(),
            "cancel",
        ),
        (
            "reprocess.json",
            c.assignment_requests().reprocess(id).request().unwrap(),
            "reprocess",
        ),
    ] {
        let ex = example(name);
        assert!(ex.body.is_null(), "{name}: the page documents no body");
        assert_eq!(req.method(), &http::Method::POST, "{action}");
        assert_eq!(
            req.path(),
            format!("identityGovernance/entitlementManagement/assignmentRequests/{id}/{action}")
        );
        assert_eq!(
            req.body_json(),
            None,
            "{action} sends no body ({})",
            ex.source
        );
    }
}

#[test]
fn every_kept_or_omitted_key_is_explained_in_graph_fidelity() {
    let doc = std::fs::read_to_string(root().join("docs/graph-fidelity.md"))
        .expect("docs/graph-fidelity.md");
    for key in KEPT.iter().chain(DOC_ONLY) {
        assert!(
            doc.contains(&format!("`{key}`")),
            "docs/graph-fidelity.md does not explain `{key}`"
        );
    }
    let documented = documented_create_paths();
    for key in KEPT {
        assert!(
            !documented.contains(*key),
            "{key} is shown by an example now: drop it from KEPT"
        );
    }
}

#[test]
fn the_shape_comparison_catches_an_undocumented_key() {
    // The check itself: a key no example shows is caught.
    let mut b = example("admin-remove.json").body;
    b["isValidationOnly"] = true.into();
    let req = ApiRequest::post(
        "identityGovernance/entitlementManagement/assignmentRequests",
        b,
    );
    let caught = std::panic::catch_unwind(|| hold("probe", &req, "admin-remove.json"));
    assert!(caught.is_err(), "an undocumented key must fail the check");
    // And a documented key left out is caught too.
    let req = ApiRequest::post(
        "identityGovernance/entitlementManagement/assignmentRequests",
        serde_json::json!({"requestType": "adminRemove", "assignment": {}}),
    );
    let caught = std::panic::catch_unwind(|| hold("probe", &req, "admin-remove.json"));
    assert!(
        caught.is_err(),
        "a missing documented key must fail the check"
    );
}
