//! Lifecycle workflows: add and remove the tasks of a joiner, mover or
//! leaver workflow, several at a time, as one new version checked against
//! concurrent edits.

mod access_package_task;
mod body;
mod conflict;
mod edit;
mod edit_lock;
mod selector;
mod task_category;

use std::sync::Arc;

pub use access_package_task::AccessPackageTask;
pub use conflict::{ConflictKind, VersionConflict};
pub use edit::{EditEffect, EditWorkflow, TaskEdit, WorkflowEdited, MAX_TASKS_PER_WORKFLOW};
pub use selector::TaskSelector;

use super::common::checked;
use super::Get;
use crate::error::Result;
use crate::models::{Task, Workflow, WorkflowId};
use crate::request::ApiRequest;
use crate::transport::Transport;

const WORKFLOWS: &str = "identityGovernance/lifecycleWorkflows/workflows";

/// What [`LifecycleWorkflows::add_task`] or [`remove_task`](LifecycleWorkflows::remove_task) did.
///
/// ```
/// use entra_access::api::TaskChange;
/// use entra_access::models::Workflow;
///
/// let change = TaskChange::Unchanged(Workflow::default());
/// assert!(change.workflow().tasks.is_empty());
/// ```
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
/// changing them creates a new version of the whole workflow
/// (`createNewVersion`). [`edit`](Self::edit) makes several changes in one
/// version and detects concurrent edits; [`add_task`](Self::add_task) and
/// [`remove_task`](Self::remove_task) are one-change edits.
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

    /// Starts an edit of the workflow's tasks: chain
    /// [`add`](EditWorkflow::add) and [`remove`](EditWorkflow::remove), then
    /// [`commit`](EditWorkflow::commit) them as one new version.
    ///
    /// ```no_run
    /// use entra_access::api::{AccessPackageTask, TaskSelector};
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let done = client
    ///     .lifecycle_workflows()
    ///     .edit("wf-onboarding")
    ///     .add(AccessPackageTask::request_assignment("pkg-1", "pol-1"))
    ///     .add(AccessPackageTask::request_assignment("pkg-2", "pol-2"))
    ///     .remove(TaskSelector::package("pkg-retired"))
    ///     .commit()
    ///     .await?;
    /// println!("{:?} -> {:?}", done.read_version, done.new_version);
    /// # Ok(()) }
    /// ```
    pub fn edit(&self, id: impl Into<WorkflowId>) -> EditWorkflow {
        EditWorkflow::new(Arc::clone(&self.transport), id.into())
    }

    /// Appends `task` to the workflow (a new version), unless the same task
    /// is already there: `edit(id).add(task).commit()`.
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
        task: impl Into<Task>,
    ) -> Result<TaskChange> {
        self.edit(id).add(task).commit().await.map(TaskChange::from)
    }

    /// Removes every task `selector` matches (a new version), if any:
    /// `edit(id).remove(selector).commit()`.
    ///
    /// ```no_run
    /// use entra_access::api::AccessPackageTask;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// client
    ///     .lifecycle_workflows()
    ///     .remove_task("wf-leaver", AccessPackageTask::remove_assignment("pkg-1"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove_task(
        &self,
        id: impl Into<WorkflowId>,
        selector: impl Into<TaskSelector>,
    ) -> Result<TaskChange> {
        self.edit(id)
            .remove(selector)
            .commit()
            .await
            .map(TaskChange::from)
    }

    /// The `createNewVersion` request for `workflow` (no IO): the whole
    /// workflow without `id`, the properties Graph sets itself, and every
    /// annotation but `@odata.type` (which the abstract
    /// `executionConditions`, `scope` and `trigger` need), at any depth.
    ///
    /// ```
    /// use entra_access::models::Workflow;
    /// # fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let read: Workflow = serde_json::from_value(serde_json::json!({
    ///     "id": "wf-1", "version": 2, "displayName": "Onboard",
    ///     "tasks@odata.context": "https://graph.microsoft.com/v1.0/$metadata#…/tasks",
    ///     "tasks": []
    /// })).unwrap();
    /// let req = client.lifecycle_workflows().new_version_request("wf-1", &read)?;
    /// assert_eq!(req.path(), "identityGovernance/lifecycleWorkflows/workflows/wf-1/createNewVersion");
    /// assert_eq!(req.body_json(), Some(&serde_json::json!({"workflow": {"displayName": "Onboard", "tasks": []}})));
    /// # Ok(()) }
    /// ```
    pub fn new_version_request(
        &self,
        id: impl Into<WorkflowId>,
        workflow: &Workflow,
    ) -> Result<ApiRequest> {
        let id = id.into();
        let id = checked(&id, "workflow id")?;
        Ok(ApiRequest::post(
            format!("{WORKFLOWS}/{id}/createNewVersion"),
            body::new_version_body(workflow)?,
        ))
    }
}
