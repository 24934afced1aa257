//! Lifecycle workflows: add and remove the access-package tasks of a
//! joiner, mover or leaver workflow.

use std::sync::Arc;

use serde_json::{json, Value};

use super::common::{checked, Get};
use crate::error::Result;
use crate::models::{
    AccessPackageId, AssignmentPolicyId, Task, TaskDefinition, Workflow, WorkflowId,
};
use crate::request::ApiRequest;
use crate::transport::Transport;

const WORKFLOWS: &str = "identityGovernance/lifecycleWorkflows/workflows";

/// Properties Graph sets itself; they are not sent back in `createNewVersion`.
const READ_ONLY: &[&str] = &[
    "id",
    "version",
    "createdDateTime",
    "lastModifiedDateTime",
    "createdBy",
    "lastModifiedBy",
    "nextScheduleRunDateTime",
    "deletedDateTime",
    "executionSequence",
    "category@odata.type",
];

/// The four built-in entitlement-management tasks of lifecycle workflows.
///
/// ```
/// use entra_access::api::AccessPackageTask;
///
/// let task = AccessPackageTask::request_assignment("pkg-1", "pol-1").into_task();
/// assert_eq!(task.task_definition_id.as_deref(), Some("c1ec1e76-f374-4375-aaa6-0bb6bd4c60be"));
/// assert_eq!(task.argument("accessPackageId"), Some("pkg-1"));
/// assert_eq!(task.argument("assignmentPolicyId"), Some("pol-1"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccessPackageTask {
    /// "Request user access package assignment" (joiner, mover).
    RequestAssignment {
        /// The access package to request.
        package: AccessPackageId,
        /// The policy to request it under.
        policy: AssignmentPolicyId,
    },
    /// "Remove access package assignment for user" (leaver, mover).
    RemoveAssignment {
        /// The access package to remove.
        package: AccessPackageId,
    },
    /// "Remove all access package assignments for user" (leaver).
    RemoveAllAssignments,
    /// "Cancel all pending access package assignment requests for user" (leaver).
    CancelPendingRequests,
}

impl AccessPackageTask {
    /// Request `package` under `policy` for the workflow's user.
    pub fn request_assignment(
        package: impl Into<AccessPackageId>,
        policy: impl Into<AssignmentPolicyId>,
    ) -> Self {
        Self::RequestAssignment {
            package: package.into(),
            policy: policy.into(),
        }
    }

    /// Remove the workflow user's assignment of `package`.
    pub fn remove_assignment(package: impl Into<AccessPackageId>) -> Self {
        Self::RemoveAssignment {
            package: package.into(),
        }
    }

    /// The task definition id Graph knows the task by.
    pub fn definition_id(&self) -> &'static str {
        match self {
            Self::RequestAssignment { .. } => TaskDefinition::REQUEST_ACCESS_PACKAGE_ASSIGNMENT,
            Self::RemoveAssignment { .. } => TaskDefinition::REMOVE_ACCESS_PACKAGE_ASSIGNMENT,
            Self::RemoveAllAssignments => TaskDefinition::REMOVE_ALL_ACCESS_PACKAGE_ASSIGNMENTS,
            Self::CancelPendingRequests => TaskDefinition::CANCEL_PENDING_ACCESS_PACKAGE_REQUESTS,
        }
    }

    /// The task as it goes into a workflow, with Graph's display name.
    pub fn into_task(self) -> Task {
        let def = self.definition_id();
        match self {
            Self::RequestAssignment { package, policy } => {
                Task::new(def, "Request user access package assignment")
                    .with_argument("accessPackageId", package.into_inner())
                    .with_argument("assignmentPolicyId", policy.into_inner())
            }
            Self::RemoveAssignment { package } => {
                Task::new(def, "Remove access package assignment for user")
                    .with_argument("accessPackageId", package.into_inner())
            }
            Self::RemoveAllAssignments => {
                Task::new(def, "Remove all access package assignments for user")
            }
            Self::CancelPendingRequests => Task::new(
                def,
                "Cancel all pending access package assignment requests for user",
            ),
        }
    }

    /// Whether `task` is this task (same definition and arguments).
    pub fn matches(&self, task: &Task) -> bool {
        let same_def = task.task_definition_id.as_deref() == Some(self.definition_id());
        same_def
            && match self {
                Self::RequestAssignment { package, policy } => {
                    task.argument("accessPackageId") == Some(package.as_str())
                        && task.argument("assignmentPolicyId") == Some(policy.as_str())
                }
                Self::RemoveAssignment { package } => {
                    task.argument("accessPackageId") == Some(package.as_str())
                }
                Self::RemoveAllAssignments | Self::CancelPendingRequests => true,
            }
    }
}

impl From<AccessPackageTask> for Task {
    fn from(t: AccessPackageTask) -> Self {
        t.into_task()
    }
}

/// What [`LifecycleWorkflows::add_task`] or [`remove_task`](LifecycleWorkflows::remove_task) did.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum TaskChange {
    /// A new workflow version was created; here it is.
    Changed(Workflow),
    /// Nothing to do (the task was already there, or was not there to
    /// remove); no version was created. The current workflow.
    Unchanged(Workflow),
}

impl TaskChange {
    /// The workflow after the call.
    pub fn workflow(&self) -> &Workflow {
        match self {
            Self::Changed(w) | Self::Unchanged(w) => w,
        }
    }
}

/// Lifecycle workflows (`/identityGovernance/lifecycleWorkflows/workflows`).
///
/// Needs `LifecycleWorkflows.ReadWrite.All`. Tasks cannot be patched in place:
/// adding or removing one creates a new version of the whole workflow
/// (`createNewVersion`).
#[derive(Clone, Debug)]
pub struct LifecycleWorkflows {
    transport: Arc<Transport>,
}

impl LifecycleWorkflows {
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// Gets a workflow with its tasks.
    pub async fn get(&self, id: impl Into<WorkflowId>) -> Result<Workflow> {
        let id = id.into();
        let path = checked(&id, "workflow id").map(|id| format!("{WORKFLOWS}/{id}"));
        Get::<Workflow>::new(Arc::clone(&self.transport), path)
            .expand("tasks")
            .send()
            .await
    }

    /// The tasks of a workflow, in execution order.
    pub async fn tasks(&self, id: impl Into<WorkflowId>) -> Result<Vec<Task>> {
        let mut tasks = self.get(id).await?.tasks;
        tasks.sort_by_key(|t| t.execution_sequence.unwrap_or(i32::MAX));
        Ok(tasks)
    }

    /// Appends `task` to the workflow (a new version), unless an identical
    /// access-package task is already there.
    ///
    /// ```no_run
    /// use entra_access::api::AccessPackageTask;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let change = client
    ///     .lifecycle_workflows()
    ///     .add_task("wf-onboarding", AccessPackageTask::request_assignment("pkg-1", "pol-1"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_task(
        &self,
        id: impl Into<WorkflowId>,
        task: AccessPackageTask,
    ) -> Result<TaskChange> {
        let id = id.into();
        let mut workflow = self.get(id.clone()).await?;
        if workflow.tasks.iter().any(|t| task.matches(t)) {
            return Ok(TaskChange::Unchanged(workflow));
        }
        workflow.tasks.push(task.into_task());
        self.create_new_version(&id, &workflow)
            .await
            .map(TaskChange::Changed)
    }

    /// Removes every task matching `task` (a new version), if any.
    pub async fn remove_task(
        &self,
        id: impl Into<WorkflowId>,
        task: AccessPackageTask,
    ) -> Result<TaskChange> {
        let id = id.into();
        let mut workflow = self.get(id.clone()).await?;
        let before = workflow.tasks.len();
        workflow.tasks.retain(|t| !task.matches(t));
        if workflow.tasks.len() == before {
            return Ok(TaskChange::Unchanged(workflow));
        }
        self.create_new_version(&id, &workflow)
            .await
            .map(TaskChange::Changed)
    }

    /// The `createNewVersion` request for `workflow` (no IO): the whole
    /// workflow without the properties Graph sets itself.
    pub fn new_version_request(&self, id: &WorkflowId, workflow: &Workflow) -> Result<ApiRequest> {
        let id = checked(id, "workflow id")?;
        let mut body = serde_json::to_value(workflow)
            .map_err(|e| crate::Error::invalid_input("workflow", e))?;
        strip_read_only(&mut body);
        if let Some(tasks) = body.get_mut("tasks").and_then(Value::as_array_mut) {
            for t in tasks {
                strip_read_only(t);
                if let Some(obj) = t.as_object_mut() {
                    obj.remove("category");
                }
            }
        }
        Ok(ApiRequest::post(
            format!("{WORKFLOWS}/{id}/createNewVersion"),
            json!({ "workflow": body }),
        ))
    }

    async fn create_new_version(&self, id: &WorkflowId, workflow: &Workflow) -> Result<Workflow> {
        let req = self.new_version_request(id, workflow)?;
        self.transport
            .send_json(&req, "the new workflow version")
            .await
    }
}

fn strip_read_only(v: &mut Value) {
    if let Some(obj) = v.as_object_mut() {
        for key in READ_ONLY {
            obj.remove(*key);
        }
        obj.retain(|k, _| {
            !k.starts_with("@odata.context") && !k.ends_with("@odata.navigationLink")
        });
    }
}
