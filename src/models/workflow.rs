//! Lifecycle workflows and their tasks.
//!
//! Adding a task means posting the whole workflow back
//! (`createNewVersion`), so [`Workflow`] and [`Task`] keep every property
//! they do not model in `extra` and serialize it back unchanged.

use serde::{Deserialize, Serialize};

use super::serde_util::null_as_default;
use super::WorkflowId;

/// A lifecycle workflow (`microsoft.graph.identityGovernance.workflow`).
///
/// Modelled properties that Graph sent as `null` are not written back;
/// everything else round-trips, including unknown properties.
///
/// ```
/// use entra_access::models::Workflow;
///
/// let json = serde_json::json!({
///     "id": "w1", "displayName": "Onboard", "category": "joiner",
///     "executionConditions": {"@odata.type": "#microsoft.graph.identityGovernance.triggerAndScopeBasedConditions"},
///     "version": 3,
///     "tasks": [{"displayName": "Assign", "taskDefinitionId": "c1ec1e76-f374-4375-aaa6-0bb6bd4c60be",
///                "arguments": [{"name": "accessPackageId", "value": "pkg1"}]}]
/// });
/// let w: Workflow = serde_json::from_value(json.clone()).unwrap();
/// assert_eq!(w.tasks[0].argument("accessPackageId"), Some("pkg1"));
/// assert_eq!(serde_json::to_value(&w).unwrap(), json);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Workflow {
    /// Id of the workflow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<WorkflowId>,
    /// `joiner`, `mover` or `leaver`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the workflow is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_enabled: Option<bool>,
    /// Whether scheduled runs are enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_scheduling_enabled: Option<bool>,
    /// Trigger and scope, kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_conditions: Option<serde_json::Value>,
    /// The tasks, in order.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tasks: Vec<Task>,
    /// Every other property, kept as Graph sent it.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Workflow {
    /// The tasks whose `taskDefinitionId` is `definition_id`.
    pub fn tasks_of(&self, definition_id: &str) -> impl Iterator<Item = &Task> {
        let definition_id = definition_id.to_owned();
        self.tasks
            .iter()
            .filter(move |t| t.task_definition_id.as_deref() == Some(definition_id.as_str()))
    }
}

/// A task of a lifecycle workflow.
///
/// ```
/// use entra_access::models::{Task, TaskDefinition};
///
/// let t = Task::new(TaskDefinition::REQUEST_ACCESS_PACKAGE_ASSIGNMENT, "Assign package")
///     .with_argument("accessPackageId", "pkg1")
///     .with_argument("assignmentPolicyId", "p1");
/// assert_eq!(t.argument("assignmentPolicyId"), Some("p1"));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Task {
    /// Id of the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Comma-joined categories (read-only, from the definition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Whether the workflow goes on when this task fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continue_on_error: Option<bool>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Position in the workflow (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_sequence: Option<i32>,
    /// Whether the task runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_enabled: Option<bool>,
    /// The built-in task definition (see [`TaskDefinition`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_definition_id: Option<String>,
    /// The task's arguments.
    #[serde(default, deserialize_with = "null_as_default")]
    pub arguments: Vec<TaskArgument>,
    /// Every other property, kept as Graph sent it.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Task {
    /// An enabled task of the given definition.
    pub fn new(task_definition_id: impl Into<String>, display_name: impl Into<String>) -> Self {
        Self {
            task_definition_id: Some(task_definition_id.into()),
            display_name: Some(display_name.into()),
            is_enabled: Some(true),
            continue_on_error: Some(false),
            ..Self::default()
        }
    }

    /// Adds (or replaces) an argument.
    #[must_use]
    pub fn with_argument(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        let value = value.into();
        match self.arguments.iter_mut().find(|a| a.name == name) {
            Some(arg) => arg.value = Some(value),
            None => self.arguments.push(TaskArgument {
                name,
                value: Some(value),
            }),
        }
        self
    }

    /// The value of the argument `name` (`None` when it is absent or `null`).
    pub fn argument(&self, name: &str) -> Option<&str> {
        self.arguments
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.value.as_deref())
    }
}

/// A `{name, value}` argument of a task.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskArgument {
    /// Argument name, such as `accessPackageId`.
    #[serde(default)]
    pub name: String,
    /// Argument value. Graph's `keyValuePair.value` is nullable: a `null`
    /// reads as `None` and is written back as `null`.
    #[serde(default)]
    pub value: Option<String>,
}

impl TaskArgument {
    /// An argument with a value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
        }
    }
}

/// Ids of the built-in task definitions that concern access packages.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct TaskDefinition;

impl TaskDefinition {
    /// Request user access package assignment (arguments `accessPackageId`,
    /// `assignmentPolicyId`).
    pub const REQUEST_ACCESS_PACKAGE_ASSIGNMENT: &'static str =
        "c1ec1e76-f374-4375-aaa6-0bb6bd4c60be";
    /// Remove access package assignment for user (argument `accessPackageId`).
    pub const REMOVE_ACCESS_PACKAGE_ASSIGNMENT: &'static str =
        "4a0b64f2-c7ec-46ba-b117-18f262946c50";
    /// Remove all access package assignments for user.
    pub const REMOVE_ALL_ACCESS_PACKAGE_ASSIGNMENTS: &'static str =
        "42ae2956-193d-4f39-be06-691b8ac4fa1d";
    /// Cancel all pending access package assignment requests for user.
    pub const CANCEL_PENDING_ACCESS_PACKAGE_REQUESTS: &'static str =
        "498770d9-bab7-4e4c-b73d-5ded82a1d0b3";
}
