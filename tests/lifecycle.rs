//! Lifecycle workflows: access-package tasks are added and removed by
//! posting a new version of the whole workflow.

mod common;

use common::*;
use entra_access::api::{AccessPackageTask, TaskChange};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const WF: &str = "/v1.0/identityGovernance/lifecycleWorkflows/workflows/wf-1";

fn workflow(tasks: Value) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identityGovernance/lifecycleWorkflows/workflows/$entity",
        "id": "wf-1",
        "version": 3,
        "category": "joiner",
        "displayName": "Onboard new hires",
        "description": "Day one",
        "isEnabled": true,
        "isSchedulingEnabled": false,
        "createdDateTime": "2024-01-01T00:00:00Z",
        "lastModifiedDateTime": "2024-02-01T00:00:00Z",
        "executionConditions": {
            "@odata.type": "#microsoft.graph.identityGovernance.triggerAndScopeBasedConditions",
            "scope": {"@odata.type": "#microsoft.graph.identityGovernance.ruleBasedSubjectSet", "rule": "(department eq 'Marketing')"},
            "trigger": {"@odata.type": "#microsoft.graph.identityGovernance.timeBasedAttributeTrigger", "timeBasedAttribute": "employeeHireDate", "offsetInDays": 1}
        },
        "tasks": tasks
    })
}

fn enable_account_task() -> Value {
    json!({
        "id": "task-1",
        "category": "joiner,leaver",
        "continueOnError": false,
        "description": "Enable user account in the directory",
        "displayName": "Enable User Account",
        "executionSequence": 1,
        "isEnabled": true,
        "taskDefinitionId": "6fc52c9d-398b-4305-9763-15f42c1676fc",
        "arguments": []
    })
}

async fn serve_workflow(server: &MockServer, body: Value) {
    Mock::given(method("GET"))
        .and(path(WF))
        .and(query_param("$expand", "tasks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::test]
async fn adding_a_request_task_posts_the_whole_workflow_with_the_task_appended() {
    let server = MockServer::start().await;
    serve_workflow(&server, workflow(json!([enable_account_task()]))).await;
    Mock::given(method("POST"))
        .and(path(format!("{WF}/createNewVersion")))
        .respond_with(|req: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let mut wf = body["workflow"].clone();
            wf["id"] = json!("wf-1");
            wf["version"] = json!(4);
            ResponseTemplate::new(200).set_body_json(wf)
        })
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let client = client_for(&server);
    let change = client
        .lifecycle_workflows()
        .add_task(
            "wf-1",
            AccessPackageTask::request_assignment("pkg-1", "pol-1"),
        )
        .await
        .unwrap();
    assert!(matches!(change, TaskChange::Changed(_)));
    assert_eq!(change.workflow().tasks.len(), 2);

    let posts: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .collect();
    let sent: Value = serde_json::from_slice(&posts[0].body).unwrap();
    let expected = json!({
        "workflow": {
            "category": "joiner",
            "displayName": "Onboard new hires",
            "description": "Day one",
            "isEnabled": true,
            "isSchedulingEnabled": false,
            "executionConditions": workflow(json!([]))["executionConditions"],
            "tasks": [
                {
                    "continueOnError": false,
                    "description": "Enable user account in the directory",
                    "displayName": "Enable User Account",
                    "isEnabled": true,
                    "taskDefinitionId": "6fc52c9d-398b-4305-9763-15f42c1676fc",
                    "arguments": []
                },
                {
                    "displayName": "Request user access package assignment",
                    "isEnabled": true,
                    "continueOnError": false,
                    "taskDefinitionId": "c1ec1e76-f374-4375-aaa6-0bb6bd4c60be",
                    "arguments": [
                        {"name": "accessPackageId", "value": "pkg-1"},
                        {"name": "assignmentPolicyId", "value": "pol-1"}
                    ]
                }
            ]
        }
    });
    assert_eq!(sent, expected, "sent: {sent:#}");
}

#[tokio::test]
async fn a_task_already_present_is_not_added_twice() {
    let server = MockServer::start().await;
    let existing = json!({
        "id": "task-9",
        "category": "leaver",
        "displayName": "Remove access package assignment for user",
        "isEnabled": true,
        "taskDefinitionId": "4a0b64f2-c7ec-46ba-b117-18f262946c50",
        "arguments": [{"name": "accessPackageId", "value": "pkg-1"}]
    });
    serve_workflow(&server, workflow(json!([existing]))).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let change = client
        .lifecycle_workflows()
        .add_task("wf-1", AccessPackageTask::remove_assignment("pkg-1"))
        .await
        .unwrap();
    assert!(matches!(change, TaskChange::Unchanged(_)));
}

#[tokio::test]
async fn removing_a_task_posts_the_workflow_without_it() {
    let server = MockServer::start().await;
    let remove = json!({
        "id": "task-9",
        "taskDefinitionId": "4a0b64f2-c7ec-46ba-b117-18f262946c50",
        "arguments": [{"name": "accessPackageId", "value": "pkg-1"}]
    });
    serve_workflow(&server, workflow(json!([enable_account_task(), remove]))).await;
    Mock::given(method("POST"))
        .and(path(format!("{WF}/createNewVersion")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(workflow(json!([enable_account_task()]))),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let client = client_for(&server);
    let change = client
        .lifecycle_workflows()
        .remove_task("wf-1", AccessPackageTask::remove_assignment("pkg-1"))
        .await
        .unwrap();
    assert!(matches!(change, TaskChange::Changed(_)));
    let posts: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .collect();
    let sent: Value = serde_json::from_slice(&posts[0].body).unwrap();
    let tasks = sent["workflow"]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["displayName"], "Enable User Account");

    // Removing what is not there sends nothing more.
    let again = client
        .lifecycle_workflows()
        .remove_task("wf-1", AccessPackageTask::CancelPendingRequests)
        .await
        .unwrap();
    assert!(matches!(again, TaskChange::Unchanged(_)));
}

#[tokio::test]
async fn a_bad_workflow_id_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let err = client
        .lifecycle_workflows()
        .add_task("wf/../x", AccessPackageTask::RemoveAllAssignments)
        .await
        .unwrap_err();
    assert!(err.is_invalid_input());
    assert!(err.to_string().contains("workflow id"), "{err}");
}
