//! Lifecycle workflows: tasks are added and removed by posting one new
//! version of the whole workflow, checked against concurrent edits, with a
//! body as Graph documents it.

use crate::common;

use std::sync::{Arc, Mutex};

use common::*;
use entra_access::api::{AccessPackageTask, ConflictKind, EditEffect, TaskChange, TaskSelector};
use entra_access::ErrorKind;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

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
    let mut answer = workflow(json!([enable_account_task()]));
    answer["version"] = json!(4);
    Mock::given(method("POST"))
        .and(path(format!("{WF}/createNewVersion")))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
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

// ----- concurrent edits from elsewhere (a Graph that keeps versions) -------------------

/// Someone else's write, relative to this edit's `createNewVersion`.
#[derive(Clone, Copy)]
enum Rival {
    /// No one else writes.
    None,
    /// Someone else creates a version (from the same read) just before ours.
    Before,
    /// Someone else creates a version just after ours; `keeps_ours` says
    /// whether they built it from our version.
    After { keeps_ours: bool },
}

/// A Graph workflow that numbers versions like Graph (`version` + 1 per
/// `createNewVersion`) and lets a rival write around ours.
#[derive(Clone)]
struct VersionedWorkflow {
    versions: Arc<Mutex<Vec<Value>>>,
    rival: Rival,
    answer_has_version: bool,
}

impl VersionedWorkflow {
    fn new(start: Value, rival: Rival) -> Self {
        Self {
            versions: Arc::new(Mutex::new(vec![start])),
            rival,
            answer_has_version: true,
        }
    }

    fn current(&self) -> Value {
        self.versions.lock().unwrap().last().cloned().unwrap()
    }

    fn push(versions: &mut Vec<Value>, mut wf: Value) -> Value {
        let v = versions.last().unwrap()["version"].as_i64().unwrap() + 1;
        wf["id"] = json!("wf-1");
        wf["version"] = json!(v);
        versions.push(wf.clone());
        wf
    }

    fn rival_task() -> Value {
        json!({"displayName": "Send Welcome Email", "isEnabled": true,
               "taskDefinitionId": "70b29d51-b59a-4773-9280-8841dfd3f2ea", "arguments": []})
    }

    /// The rival's version: the workflow it read, plus its own task.
    fn rival_version(read: &Value) -> Value {
        let mut wf = read.clone();
        wf["tasks"].as_array_mut().unwrap().push(Self::rival_task());
        wf
    }
}

impl Respond for VersionedWorkflow {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut versions = self.versions.lock().unwrap();
        if req.method.as_str() == "GET" {
            let mut wf = versions.last().cloned().unwrap();
            wf["tasks@odata.context"] = json!("https://graph.microsoft.com/v1.0/$metadata#identityGovernance/lifecycleWorkflows/workflows('wf-1')/tasks");
            return ResponseTemplate::new(200).set_body_json(wf);
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let read_by_rival = versions.last().cloned().unwrap();
        if let Rival::Before = self.rival {
            Self::push(&mut versions, Self::rival_version(&read_by_rival));
        }
        let mut ours = Self::push(&mut versions, body["workflow"].clone());
        if let Rival::After { keeps_ours } = self.rival {
            let base = if keeps_ours {
                ours.clone()
            } else {
                read_by_rival
            };
            Self::push(&mut versions, Self::rival_version(&base));
        }
        if !self.answer_has_version {
            ours.as_object_mut().unwrap().remove("version");
        }
        ResponseTemplate::new(200).set_body_json(ours)
    }
}

async fn versioned_server(graph: VersionedWorkflow) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(WF))
        .and(query_param("$expand", "tasks"))
        .respond_with(graph.clone())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{WF}/createNewVersion")))
        .respond_with(graph)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    server
}

fn has_request_task(wf: &Value, package: &str) -> bool {
    wf["tasks"].as_array().unwrap().iter().any(|t| {
        t["taskDefinitionId"] == "c1ec1e76-f374-4375-aaa6-0bb6bd4c60be"
            && t["arguments"][0]["value"] == package
    })
}

#[tokio::test]
async fn a_version_created_elsewhere_between_read_and_write_is_a_typed_conflict() {
    let graph = VersionedWorkflow::new(workflow(json!([enable_account_task()])), Rival::Before);
    let server = versioned_server(graph.clone()).await;
    let err = client_for(&server)
        .lifecycle_workflows()
        .edit("wf-1")
        .add(AccessPackageTask::request_assignment("pkg-1", "pol-1"))
        .commit()
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.is_conflict() && !err.is_retryable());
    let c = err
        .version_conflict()
        .expect("the conflict rides in the error");
    assert_eq!(c.kind, ConflictKind::VersionsInBetween);
    assert_eq!(
        (c.read_version, c.new_version, c.current_version),
        (3, Some(5), Some(5))
    );
    assert!(err.to_string().contains("read version 3"), "{err}");
    // The rival's task is what our version lacks: the error is the only
    // thing standing between the caller and a silently lost edit.
    assert!(!graph.current()["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["displayName"] == "Send Welcome Email"));
}

#[tokio::test]
async fn a_later_version_that_dropped_our_task_is_a_typed_conflict() {
    let graph = VersionedWorkflow::new(
        workflow(json!([enable_account_task()])),
        Rival::After { keeps_ours: false },
    );
    let server = versioned_server(graph.clone()).await;
    let err = client_for(&server)
        .lifecycle_workflows()
        .add_task(
            "wf-1",
            AccessPackageTask::request_assignment("pkg-1", "pol-1"),
        )
        .await
        .unwrap_err();
    let c = err.version_conflict().expect("a typed conflict");
    assert_eq!(c.kind, ConflictKind::OverwrittenLater);
    assert_eq!(
        (c.read_version, c.new_version, c.current_version),
        (3, Some(4), Some(5))
    );
    assert!(!has_request_task(&graph.current(), "pkg-1"));
}

#[tokio::test]
async fn a_later_version_that_kept_our_task_is_no_conflict() {
    let graph = VersionedWorkflow::new(
        workflow(json!([enable_account_task()])),
        Rival::After { keeps_ours: true },
    );
    let server = versioned_server(graph.clone()).await;
    let done = client_for(&server)
        .lifecycle_workflows()
        .edit("wf-1")
        .add(AccessPackageTask::request_assignment("pkg-1", "pol-1"))
        .commit()
        .await
        .unwrap();
    assert_eq!((done.read_version, done.new_version), (3, Some(4)));
    assert_eq!(
        done.workflow.tasks.len(),
        3,
        "the re-read, with both writers' tasks"
    );
    assert!(has_request_task(&graph.current(), "pkg-1"));
}

#[tokio::test]
async fn an_answer_without_a_version_is_checked_by_the_reread() {
    let mut graph = VersionedWorkflow::new(workflow(json!([])), Rival::None);
    graph.answer_has_version = false;
    let server = versioned_server(graph).await;
    let done = client_for(&server)
        .lifecycle_workflows()
        .add_task(
            "wf-1",
            AccessPackageTask::request_assignment("pkg-1", "pol-1"),
        )
        .await
        .unwrap();
    assert!(matches!(done, TaskChange::Changed(_)));

    let mut graph = VersionedWorkflow::new(workflow(json!([])), Rival::Before);
    graph.answer_has_version = false;
    let server = versioned_server(graph).await;
    let err = client_for(&server)
        .lifecycle_workflows()
        .add_task(
            "wf-1",
            AccessPackageTask::request_assignment("pkg-1", "pol-1"),
        )
        .await
        .unwrap_err();
    let c = err.version_conflict().expect("a typed conflict");
    assert_eq!(c.kind, ConflictKind::Unverified);
    assert_eq!((c.new_version, c.current_version), (None, Some(5)));
}

#[tokio::test]
async fn several_changes_make_one_version_and_report_each_effect() {
    let graph = VersionedWorkflow::new(
        workflow(json!([enable_account_task(), {
            "id": "t-old", "taskDefinitionId": "c1ec1e76-f374-4375-aaa6-0bb6bd4c60be",
            "arguments": [{"name": "accessPackageId", "value": "pkg-old"}, {"name": "assignmentPolicyId", "value": "pol-old"}]
        }])),
        Rival::None,
    );
    let server = versioned_server(graph.clone()).await;
    let done = client_for(&server)
        .lifecycle_workflows()
        .edit("wf-1")
        .add(AccessPackageTask::request_assignment("pkg-1", "pol-1"))
        .add(AccessPackageTask::request_assignment("pkg-2", "pol-2"))
        .add(AccessPackageTask::request_assignment("pkg-1", "pol-1"))
        .remove(TaskSelector::package("pkg-old"))
        .remove(AccessPackageTask::CancelPendingRequests)
        .commit()
        .await
        .unwrap();
    let effects: Vec<_> = done.effects.iter().map(|(_, e)| *e).collect();
    assert_eq!(
        effects,
        [
            EditEffect::Added,
            EditEffect::Added,
            EditEffect::AlreadyPresent,
            EditEffect::Removed(1),
            EditEffect::Absent
        ]
    );
    assert_eq!((done.read_version, done.new_version), (3, Some(4)));
    let posts = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 1, "one new version for all five changes");
    let now = graph.current();
    assert!(has_request_task(&now, "pkg-1") && has_request_task(&now, "pkg-2"));
    assert!(!has_request_task(&now, "pkg-old"));
    assert_eq!(now["tasks"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_task_without_a_definition_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .lifecycle_workflows()
        .edit("wf-1")
        .add(entra_access::models::Task::default())
        .commit()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input());
    assert!(err.to_string().contains("taskDefinitionId"), "{err}");
}

// ----- FakeGraph: concurrent edits in one process, the documented body, the limits ------

mod with_fake_graph {
    use std::collections::BTreeSet;

    use entra_access::api::AccessPackageTask;
    use entra_access::models::WorkflowId;
    use entra_access_fake::FakeGraph;
    use serde_json::{json, Value};

    const REQUEST_DEF: &str = "c1ec1e76-f374-4375-aaa6-0bb6bd4c60be";

    /// The v1.0 "Get workflow" example answer (identitygovernance-workflow-get.md,
    /// Example 1), as Graph sends it: `@odata.context`, `tasks@odata.context`,
    /// ids, read-only properties.
    fn documented_workflow() -> Value {
        json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identityGovernance/lifecycleWorkflows/workflows/$entity",
            "category": "joiner",
            "description": "Configure new hire tasks for onboarding employees on their first day",
            "displayName": "Onboard new hire employee",
            "lastModifiedDateTime": "2022-08-24T15:39:17.6496744Z",
            "createdDateTime": "2022-08-24T15:39:17.6496704Z",
            "deletedDateTime": null,
            "id": "156ce798-1eb6-4e0a-8515-e79f54d04390",
            "isEnabled": true,
            "isSchedulingEnabled": false,
            "nextScheduleRunDateTime": null,
            "version": 1,
            "executionConditions": {
                "@odata.type": "#microsoft.graph.identityGovernance.triggerAndScopeBasedConditions",
                "scope": {
                    "@odata.type": "#microsoft.graph.identityGovernance.ruleBasedSubjectSet",
                    "rule": "(department eq 'Marketing')"
                },
                "trigger": {
                    "@odata.type": "#microsoft.graph.identityGovernance.timeBasedAttributeTrigger",
                    "timeBasedAttribute": "employeeHireDate",
                    "offsetInDays": 0
                }
            },
            "lastModifiedBy": {"id": "a698128f-b34f-44db-a9f9-7661c7aba8d8"},
            "tasks@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identityGovernance/lifecycleWorkflows/workflows('156ce798-1eb6-4e0a-8515-e79f54d04390')/tasks",
            "tasks": [
                {"category": "joiner,leaver", "continueOnError": false, "description": "Enable user account in the directory",
                 "displayName": "Enable User Account", "executionSequence": 1, "id": "4469d2ee-0626-4aa6-a792-84afcb9f3759",
                 "isEnabled": true, "taskDefinitionId": "6fc52c9d-398b-4305-9763-15f42c1676fc", "arguments": []},
                {"category": "joiner", "continueOnError": false, "description": "Send welcome email to new hire",
                 "displayName": "Send Welcome Email", "executionSequence": 2, "id": "e93e4d5d-1bcd-4175-b8a1-81729e3b4df9",
                 "isEnabled": true, "taskDefinitionId": "70b29d51-b59a-4773-9280-8841dfd3f2ea", "arguments": []},
                {"category": "joiner,leaver", "continueOnError": false, "description": "Add user to selected groups",
                 "displayName": "Add User To Groups", "executionSequence": 3, "id": "072a6872-6052-4d4a-93f0-a0ff3f1dec19",
                 "isEnabled": true, "taskDefinitionId": "22085229-5809-45e8-97fd-270d28d66910",
                 "arguments": [{"name": "groupID", "value": "e5659cb0-bcbb-4a9f-9092-90f72bd19028"}]}
            ],
            "createdBy": {"id": "a698128f-b34f-44db-a9f9-7661c7aba8d8"}
        })
    }

    fn wf_path(id: &WorkflowId) -> String {
        format!("identityGovernance/lifecycleWorkflows/workflows/{id}")
    }

    /// The bodies of the `createNewVersion` calls the fake received.
    fn posted_bodies(fake: &FakeGraph) -> Vec<Value> {
        fake.received()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/createNewVersion"))
            .map(|r| serde_json::from_str(&r.body).unwrap())
            .collect()
    }

    /// Every key path of a JSON value (`workflow.tasks[].arguments[].name`).
    fn key_paths(v: &Value, at: &str, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(obj) => {
                for (k, v) in obj {
                    let path = if at.is_empty() {
                        k.clone()
                    } else {
                        format!("{at}.{k}")
                    };
                    out.insert(path.clone());
                    key_paths(v, &path, out);
                }
            }
            Value::Array(items) => items
                .iter()
                .for_each(|v| key_paths(v, &format!("{at}[]"), out)),
            _ => {}
        }
    }

    fn annotations(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(obj) => {
                for (k, v) in obj {
                    if k.contains('@') && k != "@odata.type" {
                        out.push(k.clone());
                    }
                    annotations(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| annotations(v, out)),
            _ => {}
        }
    }

    #[tokio::test]
    async fn a_workflow_read_with_tasks_odata_context_gets_a_task_added_and_the_body_has_no_annotation(
    ) {
        let fake = FakeGraph::start().await;
        let id = fake.add_workflow(documented_workflow());
        let client = fake.client().unwrap();

        // The read carries the annotation, as Graph's does.
        let read: Value = client
            .raw()
            .get(&format!("{}?$expand=tasks", wf_path(&id)))
            .send()
            .await
            .unwrap();
        assert!(
            read["tasks@odata.context"]
                .as_str()
                .unwrap()
                .ends_with("/tasks"),
            "{read:#}"
        );

        let done = client
            .lifecycle_workflows()
            .edit(id.clone())
            .add(AccessPackageTask::request_assignment("pkg-1", "pol-1"))
            .commit()
            .await
            .unwrap();
        assert_eq!((done.read_version, done.new_version), (1, Some(2)));
        assert_eq!(done.workflow.tasks.len(), 4);
        assert_eq!(
            done.workflow.tasks[3].task_definition_id.as_deref(),
            Some(REQUEST_DEF)
        );

        let posted = posted_bodies(&fake);
        assert_eq!(posted.len(), 1);
        let mut found = Vec::new();
        annotations(&posted[0], &mut found);
        assert!(found.is_empty(), "annotations posted: {found:?}");
        let wf = &posted[0]["workflow"];
        for read_only in [
            "id",
            "version",
            "createdDateTime",
            "lastModifiedDateTime",
            "deletedDateTime",
            "nextScheduleRunDateTime",
            "createdBy",
            "lastModifiedBy",
        ] {
            assert!(wf.get(read_only).is_none(), "{read_only} posted back");
        }
        for task in wf["tasks"].as_array().unwrap() {
            for read_only in ["id", "category", "executionSequence"] {
                assert!(
                    task.get(read_only).is_none(),
                    "task {read_only} posted back: {task}"
                );
            }
        }
        assert_eq!(fake.workflow_versions(&id).len(), 2);
    }

    #[tokio::test]
    async fn the_posted_body_has_the_keys_of_the_documented_example() {
        let fixture: Value =
            serde_json::from_str(include_str!("../data/bodies/createNewVersion.json")).unwrap();
        let mut documented = BTreeSet::new();
        key_paths(&fixture["body"], "", &mut documented);
        // Example 1's tasks have no arguments; example 2 on the same page (and
        // the keyValuePair type) give an argument's keys.
        documented.insert("workflow.tasks[].arguments[].name".into());
        documented.insert("workflow.tasks[].arguments[].value".into());

        let fake = FakeGraph::start().await;
        let id = fake.add_workflow(documented_workflow());
        fake.client()
            .unwrap()
            .lifecycle_workflows()
            .add_task(id, AccessPackageTask::request_assignment("pkg-1", "pol-1"))
            .await
            .unwrap();
        let mut sent = BTreeSet::new();
        key_paths(&posted_bodies(&fake)[0], "", &mut sent);
        let invented: Vec<_> = sent.difference(&documented).collect();
        let dropped: Vec<_> = documented.difference(&sent).collect();
        assert!(
            invented.is_empty(),
            "keys the documented example does not have: {invented:?}"
        );
        assert!(dropped.is_empty(), "documented keys left out: {dropped:?}");
    }

    #[tokio::test]
    async fn the_fake_refuses_annotations_and_a_26th_task_as_graph_does() {
        let fake = FakeGraph::start().await;
        let id = fake.add_workflow(documented_workflow());
        let raw = fake.client().unwrap().raw();
        let url = format!("{}/createNewVersion", wf_path(&id));
        let task = json!({"displayName": "t", "taskDefinitionId": REQUEST_DEF, "arguments": []});
        let with = |extra: (&str, Value)| {
            let mut wf =
                json!({"displayName": "Onboard", "category": "joiner", "tasks": [task.clone()]});
            wf[extra.0] = extra.1;
            json!({"workflow": wf})
        };
        for body in [
            with((
                "tasks@odata.context",
                json!("https://graph.microsoft.com/v1.0/$metadata#x/tasks"),
            )),
            with((
                "@odata.context",
                json!("https://graph.microsoft.com/v1.0/$metadata#x"),
            )),
            json!({"workflow": {"displayName": "Onboard", "tasks": [{"taskDefinitionId": REQUEST_DEF, "@odata.etag": "W/1"}]}}),
            json!({"workflow": {"displayName": "Onboard", "tasks": vec![task.clone(); 26]}}),
            with(("taskTemplateId", json!("x"))),
        ] {
            let err = raw.post(&url, &body).await.unwrap_err();
            assert_eq!(err.status(), Some(400), "{body}: {err}");
        }
        assert_eq!(
            fake.workflow_versions(&id).len(),
            1,
            "nothing refused was stored"
        );
        // `@odata.type` on the abstract execution conditions is documented and accepted.
        let ok = raw
            .post(
                &url,
                &with((
                    "executionConditions",
                    documented_workflow()["executionConditions"].clone(),
                )),
            )
            .await
            .unwrap();
        assert_eq!(ok["version"], 2);
    }

    #[tokio::test]
    async fn more_than_25_tasks_is_refused_before_anything_is_posted() {
        let fake = FakeGraph::start().await;
        let tasks: Vec<Value> = (0..25)
            .map(|i| json!({"displayName": format!("t{i}"), "taskDefinitionId": REQUEST_DEF,
                "arguments": [{"name": "accessPackageId", "value": format!("p{i}")}, {"name": "assignmentPolicyId", "value": "q"}]}))
            .collect();
        let id =
            fake.add_workflow(json!({"displayName": "Full", "category": "joiner", "tasks": tasks}));
        let workflows = fake.client().unwrap().lifecycle_workflows();
        let err = workflows
            .add_task(
                id.clone(),
                AccessPackageTask::request_assignment("p-new", "q"),
            )
            .await
            .unwrap_err();
        assert!(err.is_invalid_input());
        assert!(
            err.to_string().contains("26 tasks") && err.to_string().contains("at most 25"),
            "{err}"
        );
        assert!(posted_bodies(&fake).is_empty());

        // Making room in the same edit is fine.
        let done = workflows
            .edit(id)
            .remove(AccessPackageTask::request_assignment("p0", "q"))
            .add(AccessPackageTask::request_assignment("p-new", "q"))
            .commit()
            .await
            .unwrap();
        assert_eq!(done.workflow.tasks.len(), 25);
    }

    #[tokio::test]
    async fn adding_a_present_task_and_removing_an_absent_one_posts_nothing() {
        let fake = FakeGraph::start().await;
        let id = fake.add_workflow(documented_workflow());
        let done = fake
            .client()
            .unwrap()
            .lifecycle_workflows()
            .edit(id.clone())
            .add(entra_access::models::Task::new(
                "6fc52c9d-398b-4305-9763-15f42c1676fc",
                "Enable again",
            ))
            .remove(AccessPackageTask::remove_assignment("pkg-none"))
            .commit()
            .await
            .unwrap();
        assert!(!done.changed());
        assert_eq!((done.read_version, done.new_version), (1, None));
        assert!(posted_bodies(&fake).is_empty());
        assert_eq!(fake.workflow_versions(&id).len(), 1);
    }

    /// "The category of the task must match the category of the workflow"
    /// (identitygovernance-lifecycleworkflows-overview.md): the crate refuses
    /// a task that does not fit before posting, and the fake refuses the
    /// same version when it is posted anyway.
    #[tokio::test]
    async fn a_task_of_another_category_is_refused_before_posting_and_by_the_fake() {
        let fake = FakeGraph::start().await;
        let joiner = fake.add_workflow(documented_workflow());
        let mut leaver_wf = documented_workflow();
        leaver_wf["id"] = json!("2a3b4c5d-0000-4000-8000-00000000leav");
        leaver_wf["category"] = json!("leaver");
        leaver_wf["tasks"] = json!([]);
        let leaver = fake.add_workflow(leaver_wf);
        let workflows = fake.client().unwrap().lifecycle_workflows();
        for (id, task, fits) in [
            (
                &joiner,
                AccessPackageTask::remove_assignment("pkg-1"),
                "leaver or mover",
            ),
            (&joiner, AccessPackageTask::RemoveAllAssignments, "leaver"),
            (&joiner, AccessPackageTask::CancelPendingRequests, "leaver"),
            (
                &leaver,
                AccessPackageTask::request_assignment("pkg-1", "pol-1"),
                "joiner or mover",
            ),
        ] {
            let err = workflows.add_task(id.clone(), task).await.unwrap_err();
            assert!(err.is_invalid_input(), "{err}");
            let msg = err.to_string();
            assert!(
                msg.contains("the category of the task must match the category of the workflow")
                    && msg.contains(fits)
                    && msg.contains(id.as_str()),
                "{msg}"
            );
        }
        assert!(posted_bodies(&fake).is_empty(), "nothing was posted");
        // Each kind lands where it fits, in one edit per workflow.
        workflows
            .edit(leaver.clone())
            .add(AccessPackageTask::remove_assignment("pkg-1"))
            .add(AccessPackageTask::RemoveAllAssignments)
            .add(AccessPackageTask::CancelPendingRequests)
            .commit()
            .await
            .unwrap();
        workflows
            .add_task(
                joiner.clone(),
                AccessPackageTask::request_assignment("pkg-1", "pol-1"),
            )
            .await
            .unwrap();

        // Posted without the crate's check, the fake answers Graph's 400.
        let raw = fake.client().unwrap().raw();
        let mut body = fake.workflow(&joiner).unwrap();
        for key in [
            "id",
            "version",
            "@odata.context",
            "tasks@odata.context",
            "createdDateTime",
            "lastModifiedDateTime",
            "deletedDateTime",
            "nextScheduleRunDateTime",
        ] {
            if let Some(obj) = body.as_object_mut() {
                obj.remove(key);
            }
        }
        let tasks = json!([{"displayName": "Remove all access package assignments for user",
            "taskDefinitionId": "42ae2956-193d-4f39-be06-691b8ac4fa1d", "isEnabled": true, "arguments": []}]);
        body["tasks"] = tasks;
        let err = raw
            .post(
                &format!("{}/createNewVersion", wf_path(&joiner)),
                &json!({ "workflow": body }),
            )
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(400), "{err}");
        assert!(
            err.to_string()
                .contains("The category of the task must match the category of the workflow"),
            "{err}"
        );
        assert_eq!(fake.workflow_versions(&joiner).len(), 2);
    }

    /// The must-show of the concurrency work: two edits at once from two
    /// clients of this process. Both land (they queue per workflow), so both
    /// tasks are present; no edit is lost and none reports a conflict.
    #[tokio::test]
    async fn two_concurrent_edits_keep_both_tasks() {
        let fake = FakeGraph::start().await;
        let id = fake.add_workflow(documented_workflow());
        let a = fake.client().unwrap().lifecycle_workflows();
        let b = fake.client().unwrap().lifecycle_workflows();
        let (ra, rb) = tokio::join!(
            a.edit(id.clone())
                .add(AccessPackageTask::request_assignment("pkg-a", "pol-a"))
                .commit(),
            b.edit(id.clone())
                .add(AccessPackageTask::request_assignment("pkg-b", "pol-b"))
                .commit(),
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        let mut versions = [ra.new_version, rb.new_version];
        versions.sort();
        assert_eq!(versions, [Some(2), Some(3)]);

        let now = fake.workflow(&id).unwrap();
        let packages: Vec<_> = now["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["taskDefinitionId"] == REQUEST_DEF)
            .map(|t| t["arguments"][0]["value"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(packages.len(), 2, "{now:#}");
        assert!(packages.contains(&"pkg-a".to_owned()) && packages.contains(&"pkg-b".to_owned()));
        // The second edit read the first one's version: GET, POST, GET for one
        // edit, then the same for the other.
        let calls: Vec<_> = fake
            .received()
            .into_iter()
            .filter(|r| r.path.contains("/lifecycleWorkflows/"))
            .map(|r| r.method)
            .collect();
        assert_eq!(calls, ["GET", "POST", "GET", "GET", "POST", "GET"]);
    }
}

/// The edit builder and its commit future can move to another task.
#[test]
fn an_edit_is_send_and_owned() {
    fn send_static<T: Send + 'static>(_: &T) {}
    let server_free_client = entra_access::Client::builder()
        .base_url("http://127.0.0.1:9")
        .token_provider(entra_access::auth::StaticToken::new(TOKEN))
        .build()
        .unwrap();
    let edit = server_free_client
        .lifecycle_workflows()
        .edit("wf-1")
        .add(AccessPackageTask::RemoveAllAssignments);
    send_static(&edit);
    let commit = edit.commit();
    send_static(&commit);
}
