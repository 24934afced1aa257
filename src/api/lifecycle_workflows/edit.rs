//! Several task changes in one new workflow version, checked against
//! concurrent edits.

use std::sync::Arc;

use serde_json::Value;

use super::conflict::{ConflictKind, VersionConflict};
use super::selector::{same_task, TaskSelector};
use super::{edit_lock, task_category, LifecycleWorkflows, TaskChange};
use crate::api::common::checked;
use crate::error::{Error, ErrorKind, Result};
use crate::models::{Task, Workflow, WorkflowId};
use crate::transport::Transport;

/// Graph's limit: "A workflow can have up to 25 tasks" (v1.0 `task`
/// resource, identitygovernance-task.md).
pub const MAX_TASKS_PER_WORKFLOW: usize = 25;

/// One change of a [`EditWorkflow`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum TaskEdit {
    /// Append the task, unless the workflow has the same task already (same
    /// definition, same arguments).
    Add(Task),
    /// Take out every task the selector matches.
    Remove(TaskSelector),
}

/// What one [`TaskEdit`] did to the workflow it was applied to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EditEffect {
    /// The task was appended.
    Added,
    /// The same task was there already; nothing was added.
    AlreadyPresent,
    /// This many tasks were taken out.
    Removed(usize),
    /// No task matched; nothing was removed.
    Absent,
}

impl EditEffect {
    /// Whether the change altered the workflow.
    pub fn changed(self) -> bool {
        matches!(self, Self::Added | Self::Removed(_))
    }
}

/// Applies `edits` to `workflow` in order.
fn apply(edits: &[TaskEdit], workflow: &mut Workflow) -> Vec<EditEffect> {
    edits
        .iter()
        .map(|edit| match edit {
            TaskEdit::Add(task) => {
                if workflow.tasks.iter().any(|t| same_task(task, t)) {
                    EditEffect::AlreadyPresent
                } else {
                    workflow.tasks.push(task.clone());
                    EditEffect::Added
                }
            }
            TaskEdit::Remove(selector) => {
                let before = workflow.tasks.len();
                workflow.tasks.retain(|t| !selector.matches(t));
                match before - workflow.tasks.len() {
                    0 => EditEffect::Absent,
                    n => EditEffect::Removed(n),
                }
            }
        })
        .collect()
}

/// The `version` of a workflow as Graph sent it.
fn version_of(workflow: &Workflow) -> Option<i64> {
    serde_json::to_value(workflow)
        .ok()?
        .get("version")?
        .as_i64()
}

/// What a committed [`EditWorkflow`] did.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct WorkflowEdited {
    /// The workflow after the edit: as re-read after the write, or as read
    /// when nothing had to change.
    pub workflow: Workflow,
    /// The version the edit read.
    pub read_version: i64,
    /// The version the edit created; `None` when nothing had to change and
    /// nothing was posted.
    pub new_version: Option<i64>,
    /// Each change with what it did, in the order given.
    pub effects: Vec<(TaskEdit, EditEffect)>,
}

impl WorkflowEdited {
    /// Whether a new version was created.
    pub fn changed(&self) -> bool {
        self.new_version.is_some()
    }
}

impl From<WorkflowEdited> for TaskChange {
    fn from(e: WorkflowEdited) -> Self {
        if e.changed() {
            TaskChange::Changed(e.workflow)
        } else {
            TaskChange::Unchanged(e.workflow)
        }
    }
}

/// Several task changes to one lifecycle workflow, committed as **one** new
/// version (`createNewVersion`), in the spirit of kube-rs
/// `entry().and_modify().commit()`. From
/// [`LifecycleWorkflows::edit`].
///
/// [`commit`](Self::commit) reads the workflow (with its `version`),
/// applies the changes in order, and posts one new version only if
/// something changed: adding a task that is already there, or removing one
/// that is not, changes nothing. It then re-reads the workflow and fails
/// with an [`ErrorKind::Conflict`] error carrying a [`VersionConflict`]
/// when the version moved under it.
///
/// What the check can and cannot see:
/// - Edits of the same workflow from this process (any client) never race:
///   they wait for each other and build on each other's versions.
/// - Another writer's version created between this edit's read and its
///   write is seen: Graph numbers this edit's version above
///   `read_version + 1` ([`ConflictKind::VersionsInBetween`]). This edit's
///   version has then already replaced theirs; the error says which
///   versions to compare.
/// - Another writer's version created after this edit's, from an older
///   read, is seen when it dropped this edit's changes
///   ([`ConflictKind::OverwrittenLater`]); a later version that keeps them
///   is fine.
/// - Not seen: a `PATCH` of `displayName`, `description` or `isEnabled`
///   between the read and the write (Graph creates no version for those, and
///   the new version carries the values read), and a version that lands
///   after the re-read. Versions are assumed to count up by one per
///   `createNewVersion`, as Graph documents them.
///
/// ```no_run
/// use entra_access::api::{AccessPackageTask, TaskSelector};
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let done = client
///     .lifecycle_workflows()
///     .edit("wf-mover")
///     .add(AccessPackageTask::request_assignment("pkg-new", "pol-new"))
///     .remove(TaskSelector::package("pkg-old"))
///     .commit()
///     .await?;
/// println!("version {:?}: {} tasks", done.new_version, done.workflow.tasks.len());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use = "an edit does nothing until committed"]
pub struct EditWorkflow {
    transport: Arc<Transport>,
    id: WorkflowId,
    edits: Vec<TaskEdit>,
}

impl EditWorkflow {
    pub(crate) fn new(transport: Arc<Transport>, id: WorkflowId) -> Self {
        Self {
            transport,
            id,
            edits: Vec::new(),
        }
    }

    /// Appends `task` unless the workflow has the same task (same
    /// `taskDefinitionId`, same arguments in any order).
    ///
    /// ```
    /// use entra_access::api::{AccessPackageTask, TaskEdit};
    /// # fn demo(client: entra_access::Client) {
    /// let edit = client
    ///     .lifecycle_workflows()
    ///     .edit("wf-1")
    ///     .add(AccessPackageTask::request_assignment("pkg-1", "pol-1"))
    ///     .add(AccessPackageTask::request_assignment("pkg-2", "pol-2"));
    /// assert!(matches!(edit.edits()[1], TaskEdit::Add(_)));
    /// # }
    /// ```
    // A builder step named after what it does to the workflow, not `Add`.
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, task: impl Into<Task>) -> Self {
        self.edits.push(TaskEdit::Add(task.into()));
        self
    }

    /// Takes out every task `selector` matches (none: no change).
    ///
    /// ```
    /// use entra_access::api::{AccessPackageTask, TaskSelector};
    /// # fn demo(client: entra_access::Client) {
    /// let edit = client
    ///     .lifecycle_workflows()
    ///     .edit("wf-1")
    ///     .remove(AccessPackageTask::remove_assignment("pkg-1"))
    ///     .remove(TaskSelector::package("pkg-2"));
    /// assert_eq!(edit.edits().len(), 2);
    /// # }
    /// ```
    pub fn remove(mut self, selector: impl Into<TaskSelector>) -> Self {
        self.edits.push(TaskEdit::Remove(selector.into()));
        self
    }

    /// The changes, in order.
    pub fn edits(&self) -> &[TaskEdit] {
        &self.edits
    }

    /// What the changes would make of `workflow`, without IO: the edited
    /// workflow and each change's effect.
    ///
    /// ```
    /// use entra_access::api::{AccessPackageTask, EditEffect};
    /// use entra_access::models::Workflow;
    /// # fn demo(client: entra_access::Client) {
    /// let edit = client
    ///     .lifecycle_workflows()
    ///     .edit("wf-1")
    ///     .add(AccessPackageTask::RemoveAllAssignments)
    ///     .add(AccessPackageTask::RemoveAllAssignments);
    /// let (after, effects) = edit.preview(&Workflow::default());
    /// assert_eq!(after.tasks.len(), 1);
    /// assert_eq!(effects, [EditEffect::Added, EditEffect::AlreadyPresent]);
    /// # }
    /// ```
    pub fn preview(&self, workflow: &Workflow) -> (Workflow, Vec<EditEffect>) {
        let mut after = workflow.clone();
        let effects = apply(&self.edits, &mut after);
        (after, effects)
    }

    /// Reads the workflow, applies the changes, creates one new version when
    /// something changed, and checks that the version did not move under
    /// the edit (see the type's docs for what that check covers).
    ///
    /// Errors: [`ErrorKind::InvalidInput`] before anything is sent for a bad
    /// workflow id, a task to add without `taskDefinitionId`, a task to add
    /// whose category does not fit the workflow's (see
    /// [`AccessPackageTask::workflow_categories`](super::AccessPackageTask::workflow_categories);
    /// other tasks by their own `category`), or a result of more than
    /// [`MAX_TASKS_PER_WORKFLOW`] tasks; [`ErrorKind::Conflict`]
    /// with a [`VersionConflict`] when the version moved. A failure after
    /// the new version was posted (the re-read) is marked
    /// [`may_have_been_processed`](Error::may_have_been_processed):
    /// committing the same edit again is safe.
    ///
    /// ```no_run
    /// use entra_access::api::AccessPackageTask;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let done = client
    ///     .lifecycle_workflows()
    ///     .edit("wf-leaver")
    ///     .add(AccessPackageTask::CancelPendingRequests)
    ///     .add(AccessPackageTask::RemoveAllAssignments)
    ///     .commit()
    ///     .await?;
    /// if !done.changed() {
    ///     println!("both tasks were there already");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn commit(self) -> Result<WorkflowEdited> {
        let id = checked(&self.id, "workflow id")?.to_owned();
        for edit in &self.edits {
            if let TaskEdit::Add(task) = edit
                && task.task_definition_id.as_deref().is_none_or(str::is_empty)
            {
                return Err(Error::invalid_input(
                    "task to add",
                    "has no taskDefinitionId; build it with Task::new or AccessPackageTask",
                ));
            }
        }
        let handle = LifecycleWorkflows::new(Arc::clone(&self.transport));
        let _edit_lock = edit_lock::lock(self.transport.api_root.as_str(), &id).await;

        let read = handle.get(self.id.clone()).await?;
        let read_version = version_of(&read).ok_or_else(|| {
            Error::new(
                ErrorKind::Decode,
                format!("workflow {id} was read without its `version`; nothing was changed, as a concurrent edit could not be detected"),
            )
        })?;
        let (edited, effects) = self.preview(&read);
        let effects: Vec<_> = self.edits.iter().cloned().zip(effects).collect();
        if !effects.iter().any(|(_, e)| e.changed()) {
            return Ok(WorkflowEdited {
                workflow: read,
                read_version,
                new_version: None,
                effects,
            });
        }
        let added = effects
            .iter()
            .filter(|(_, effect)| *effect == EditEffect::Added)
            .filter_map(|(edit, _)| match edit {
                TaskEdit::Add(task) => Some(task),
                TaskEdit::Remove(_) => None,
            });
        task_category::check_added(&id, &read, added)?;
        if edited.tasks.len() > MAX_TASKS_PER_WORKFLOW {
            return Err(Error::invalid_input(
                "edit",
                format!(
                    "would leave workflow {id} with {} tasks; Graph allows at most {MAX_TASKS_PER_WORKFLOW} per workflow: remove tasks in the same edit (`.remove(..)`)",
                    edited.tasks.len()
                ),
            ));
        }

        let req = handle.new_version_request(&self.id, &edited)?;
        let answer: Value = self
            .transport
            .send_json(&req, "the new workflow version")
            .await?;
        let answer = unwrap_workflow(answer);
        let new_version = answer.get("version").and_then(Value::as_i64);

        let current = handle
            .get(self.id.clone())
            .await
            .map_err(Error::maybe_processed)?;
        let current_version = version_of(&current);
        let ours_hold = !self.preview(&current).1.iter().any(|e| e.changed());
        let conflict = |kind| VersionConflict {
            workflow_id: self.id.clone(),
            kind,
            read_version,
            new_version,
            current_version,
        };
        let expected = read_version.checked_add(1);
        match new_version {
            Some(n) if Some(n) != expected => {
                return Err(conflict(ConflictKind::VersionsInBetween).into_error())
            }
            Some(n) => {
                if current_version.is_some_and(|c| c > n) && !ours_hold {
                    return Err(conflict(ConflictKind::OverwrittenLater).into_error());
                }
            }
            None => {
                if current_version != expected || !ours_hold {
                    return Err(conflict(ConflictKind::Unverified).into_error());
                }
            }
        }
        // A re-read older than the new version (replication lag) says
        // nothing about it: report the version Graph answered with.
        let workflow = if current_version >= new_version {
            current
        } else {
            serde_json::from_value(answer).unwrap_or(edited)
        };
        Ok(WorkflowEdited {
            workflow,
            read_version,
            new_version: new_version.or(current_version),
            effects,
        })
    }
}

/// The workflow in a `createNewVersion` answer: the object itself, or inside
/// `{"workflow": …}` as the v1.0 page's example answer shows it.
fn unwrap_workflow(answer: Value) -> Value {
    match answer {
        Value::Object(mut obj) if !obj.contains_key("id") && obj.contains_key("workflow") => {
            obj.remove("workflow").unwrap_or(Value::Null)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::AccessPackageTask;

    fn workflow(tasks: Vec<Task>) -> Workflow {
        Workflow {
            tasks,
            ..Workflow::default()
        }
    }

    #[test]
    fn changes_apply_in_order_and_repeat_as_no_ops() {
        let req = AccessPackageTask::request_assignment("p", "q");
        let edits = [
            TaskEdit::Add(req.clone().into()),
            TaskEdit::Add(req.clone().into()),
            TaskEdit::Remove(TaskSelector::package("gone")),
            TaskEdit::Remove(AccessPackageTask::RemoveAllAssignments.into()),
        ];
        let mut w = workflow(vec![
            AccessPackageTask::RemoveAllAssignments.into(),
            AccessPackageTask::RemoveAllAssignments.into(),
        ]);
        let effects = apply(&edits, &mut w);
        assert_eq!(
            effects,
            [
                EditEffect::Added,
                EditEffect::AlreadyPresent,
                EditEffect::Absent,
                EditEffect::Removed(2)
            ]
        );
        assert_eq!(w.tasks.len(), 1);
        assert!(req.matches(&w.tasks[0]));
        // Applying the same edit again changes nothing.
        assert!(!apply(&edits, &mut w).iter().any(|e| e.changed()));
    }

    #[test]
    fn the_version_is_read_wherever_the_model_keeps_it() {
        let w: Workflow = serde_json::from_value(json!({"version": 7})).unwrap();
        assert_eq!(version_of(&w), Some(7));
        assert_eq!(version_of(&Workflow::default()), None);
    }

    #[test]
    fn a_wrapped_answer_is_unwrapped() {
        assert_eq!(
            unwrap_workflow(json!({"workflow": {"version": 2}})),
            json!({"version": 2})
        );
        assert_eq!(
            unwrap_workflow(json!({"id": "w", "version": 2})),
            json!({"id": "w", "version": 2})
        );
    }
}

crate::api::common::request_options!(EditWorkflow, transport);
