//! Which tasks of a workflow an edit removes, and when two tasks are the same.

use super::AccessPackageTask;
use crate::models::{AccessPackageId, Task, TaskDefinition};

/// Whether two tasks are the same task: the same `taskDefinitionId` and the
/// same arguments (names and values, in any order). Display name,
/// description, `isEnabled` and `continueOnError` do not count.
pub(crate) fn same_task(a: &Task, b: &Task) -> bool {
    a.task_definition_id.is_some()
        && a.task_definition_id == b.task_definition_id
        && a.arguments.len() == b.arguments.len()
        && a.arguments.iter().all(|x| b.arguments.contains(x))
        && b.arguments.iter().all(|x| a.arguments.contains(x))
}

/// The tasks a [`remove`](super::EditWorkflow::remove) takes out of a
/// workflow.
///
/// ```
/// use entra_access::api::{AccessPackageTask, TaskSelector};
///
/// let request = AccessPackageTask::request_assignment("pkg-1", "pol-1").into_task();
/// assert!(TaskSelector::from(AccessPackageTask::request_assignment("pkg-1", "pol-1")).matches(&request));
/// assert!(TaskSelector::package("pkg-1").matches(&request));
/// assert!(!TaskSelector::package("pkg-2").matches(&request));
/// assert!(TaskSelector::definition("c1ec1e76-f374-4375-aaa6-0bb6bd4c60be").matches(&request));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum TaskSelector {
    /// Tasks that are this task: the same definition and the same arguments.
    Task(Task),
    /// Tasks that are this access-package task.
    AccessPackage(AccessPackageTask),
    /// Every task of this task definition (`taskDefinitionId`).
    Definition(String),
    /// Every "Request user access package assignment" and "Remove access
    /// package assignment for user" task whose `accessPackageId` is this
    /// package.
    Package(AccessPackageId),
}

impl TaskSelector {
    /// Every task of the task definition `definition_id`.
    pub fn definition(definition_id: impl Into<String>) -> Self {
        Self::Definition(definition_id.into())
    }

    /// Every access-package task (request or remove) that names `package`.
    pub fn package(package: impl Into<AccessPackageId>) -> Self {
        Self::Package(package.into())
    }

    /// Whether `task` is selected.
    pub fn matches(&self, task: &Task) -> bool {
        match self {
            Self::Task(t) => same_task(t, task),
            Self::AccessPackage(t) => t.matches(task),
            Self::Definition(d) => task.task_definition_id.as_deref() == Some(d.as_str()),
            Self::Package(p) => {
                matches!(
                    task.task_definition_id.as_deref(),
                    Some(
                        TaskDefinition::REQUEST_ACCESS_PACKAGE_ASSIGNMENT
                            | TaskDefinition::REMOVE_ACCESS_PACKAGE_ASSIGNMENT
                    )
                ) && task.argument("accessPackageId") == Some(p.as_str())
            }
        }
    }
}

impl From<AccessPackageTask> for TaskSelector {
    fn from(t: AccessPackageTask) -> Self {
        Self::AccessPackage(t)
    }
}

impl From<Task> for TaskSelector {
    fn from(t: Task) -> Self {
        Self::Task(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_task_ignores_names_and_argument_order() {
        let a = Task::new("def", "One")
            .with_argument("x", "1")
            .with_argument("y", "2");
        let b = Task::new("def", "Other name")
            .with_argument("y", "2")
            .with_argument("x", "1");
        assert!(same_task(&a, &b));
        assert!(!same_task(
            &a,
            &Task::new("def", "One").with_argument("x", "1")
        ));
        assert!(!same_task(&a, &Task::new("other", "One")));
        assert!(!same_task(&Task::default(), &Task::default()));
    }

    #[test]
    fn a_package_selector_takes_only_that_packages_tasks() {
        let req = AccessPackageTask::request_assignment("p", "q").into_task();
        let rem = AccessPackageTask::remove_assignment("p").into_task();
        let all = AccessPackageTask::RemoveAllAssignments.into_task();
        let sel = TaskSelector::package("p");
        assert!(sel.matches(&req) && sel.matches(&rem) && !sel.matches(&all));
        let other_def = Task::new("6fc52c9d-398b-4305-9763-15f42c1676fc", "x")
            .with_argument("accessPackageId", "p");
        assert!(!sel.matches(&other_def));
    }
}
