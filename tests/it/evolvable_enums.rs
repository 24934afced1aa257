//! Evolvable enums (microsoft/api-guidelines `graph/patterns/evolvable-enums.md`):
//! every entitlement-management and lifecycle-workflow request sends
//! `Prefer: include-unknown-enum-members` (joined to a `Prefer` the caller
//! set), so late members such as `filterByCurrentUser(on='targetManager')`
//! and the workflow category `mover` are accepted and read as themselves;
//! `unknownFutureValue` is never posted back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::*;
use entra_access::api::{AccessPackageTask, AssignmentsOfCurrentUser, RequestsOfCurrentUser};
use entra_access_fake::{FakeGraph, UserSeed};
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFER: &str = "include-unknown-enum-members";

#[tokio::test]
async fn governance_requests_prefer_late_enum_members_and_keep_the_callers_prefer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(Vec::new(), None)))
        .mount(&server)
        .await;
    let client = client_for(&server);
    client.assignments().list().collect().await.unwrap();
    client
        .assignment_policies()
        .list()
        .header("Prefer", "odata.maxpagesize=5")
        .collect()
        .await
        .unwrap();
    let _: Value = client
        .raw()
        .get("identityGovernance/lifecycleWorkflows/workflows/wf-1")
        .send()
        .await
        .unwrap();
    client.groups().members("grp-1").collect().await.unwrap();

    let prefers: Vec<(String, Vec<String>)> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let values = r
                .headers
                .get_all("prefer")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect();
            (r.url.path().to_owned(), values)
        })
        .collect();
    assert_eq!(
        prefers,
        [
            (format!("{EM}/assignments"), vec![PREFER.to_owned()]),
            (
                format!("{EM}/assignmentPolicies"),
                vec![format!("odata.maxpagesize=5, {PREFER}")]
            ),
            (
                "/v1.0/identityGovernance/lifecycleWorkflows/workflows/wf-1".to_owned(),
                vec![PREFER.to_owned()]
            ),
            ("/v1.0/groups/grp-1/members".to_owned(), vec![]),
        ]
    );
}

#[tokio::test]
async fn late_filter_by_current_user_members_are_accepted() {
    let fake = FakeGraph::start().await;
    let user = fake.add_user(UserSeed::new("Manager"));
    let client = fake.delegated_client_for(&user).unwrap();
    for on in [
        RequestsOfCurrentUser::TargetManager,
        RequestsOfCurrentUser::TargetOrRequestor,
        RequestsOfCurrentUser::RequestForOthers,
        RequestsOfCurrentUser::TargetAgentIdentitySponsorOrOwner,
    ] {
        client
            .assignment_requests()
            .filter_by_current_user(on)
            .collect()
            .await
            .unwrap_or_else(|e| panic!("{on:?}: {e}"));
    }
    for on in [
        AssignmentsOfCurrentUser::TargetManager,
        AssignmentsOfCurrentUser::TargetAgentIdentitySponsorOrOwner,
    ] {
        client
            .assignments()
            .filter_by_current_user(on)
            .collect()
            .await
            .unwrap_or_else(|e| panic!("{on:?}: {e}"));
    }
}

fn workflow_in(category: &str) -> Value {
    json!({
        "displayName": "Move to Sales",
        "category": category,
        "description": "Tasks for people who move to Sales",
        "isEnabled": true,
        "isSchedulingEnabled": false,
        "executionConditions": {
            "@odata.type": "#microsoft.graph.identityGovernance.triggerAndScopeBasedConditions",
            "scope": {
                "@odata.type": "#microsoft.graph.identityGovernance.ruleBasedSubjectSet",
                "rule": "(department eq 'Sales')"
            },
            "trigger": {
                "@odata.type": "#microsoft.graph.identityGovernance.attributeChangeTrigger",
                "triggerAttributes": [{"name": "department"}]
            }
        },
        "tasks": []
    })
}

fn new_version_posts(fake: &FakeGraph) -> Vec<Value> {
    fake.received()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/createNewVersion"))
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn a_mover_workflow_reads_and_is_edited_as_mover() {
    let fake = FakeGraph::start().await;
    let id = fake.add_workflow(workflow_in("mover"));
    let client = fake.client().unwrap();

    let read = client.lifecycle_workflows().get(id.clone()).await.unwrap();
    assert_eq!(read.category.as_deref(), Some("mover"));
    let done = client
        .lifecycle_workflows()
        .edit(id.clone())
        .add(AccessPackageTask::request_assignment("pkg-1", "pol-1"))
        .commit()
        .await
        .unwrap();
    assert_eq!(done.new_version, Some(2));
    let posted = new_version_posts(&fake);
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0]["workflow"]["category"], "mover");
}

#[tokio::test]
async fn an_edit_of_a_workflow_whose_category_reads_as_unknown_is_refused_before_sending() {
    let fake = FakeGraph::start().await;
    let id = fake.add_workflow(workflow_in("unknownFutureValue"));
    let err = fake
        .client()
        .unwrap()
        .lifecycle_workflows()
        .edit(id.clone())
        .add(AccessPackageTask::request_assignment("pkg-1", "pol-1"))
        .commit()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    assert!(err.to_string().contains("workflow.category"), "{err}");
    assert!(new_version_posts(&fake).is_empty(), "nothing was posted");
    assert_eq!(fake.workflow_versions(&id).len(), 1);
}
