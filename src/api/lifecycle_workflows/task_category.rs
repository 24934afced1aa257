//! Which workflows a task may join: "The category of the task must match
//! the category of the workflow" (v1.0
//! `resources/identitygovernance-lifecycleworkflows-overview.md`), checked
//! before a new version is posted.

use super::AccessPackageTask;
use crate::error::{Error, Result};
use crate::models::{Task, TaskDefinition, Workflow};

/// The workflow categories a task definition runs in, for the
/// access-package tasks the overview lists.
fn definition_categories(definition_id: &str) -> Option<&'static [&'static str]> {
    let known: [(&str, &'static [&'static str]); 4] = [
        (
            TaskDefinition::REQUEST_ACCESS_PACKAGE_ASSIGNMENT,
            AccessPackageTask::REQUEST_CATEGORIES,
        ),
        (
            TaskDefinition::REMOVE_ACCESS_PACKAGE_ASSIGNMENT,
            AccessPackageTask::REMOVE_CATEGORIES,
        ),
        (
            TaskDefinition::REMOVE_ALL_ACCESS_PACKAGE_ASSIGNMENTS,
            AccessPackageTask::LEAVER_ONLY,
        ),
        (
            TaskDefinition::CANCEL_PENDING_ACCESS_PACKAGE_REQUESTS,
            AccessPackageTask::LEAVER_ONLY,
        ),
    ];
    known
        .into_iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(definition_id))
        .map(|(_, categories)| categories)
}

/// The categories `task` runs in: those of its definition when it is an
/// access-package task, else its own `category` (comma-joined, as Graph
/// reads it back); `None` when neither says.
fn task_categories(task: &Task) -> Option<Vec<String>> {
    if let Some(known) = task
        .task_definition_id
        .as_deref()
        .and_then(definition_categories)
    {
        return Some(known.iter().map(|c| (*c).to_owned()).collect());
    }
    let own: Vec<String> = task
        .category
        .as_deref()?
        .split(',')
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    (!own.is_empty()).then_some(own)
}

/// Refuses `added` (tasks an edit appends to `workflow`) when one runs in
/// other categories than the workflow's. A workflow whose category is
/// missing or not one of `joiner`, `mover`, `leaver` (a member Graph added
/// later, or `unknownFutureValue`) is not judged here.
pub(crate) fn check_added<'a>(
    workflow_id: &str,
    workflow: &Workflow,
    added: impl IntoIterator<Item = &'a Task>,
) -> Result<()> {
    let Some(category) = workflow.category.as_deref().map(str::trim).filter(|c| {
        ["joiner", "mover", "leaver"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(c))
    }) else {
        return Ok(());
    };
    for task in added {
        let Some(allowed) = task_categories(task) else {
            continue;
        };
        if allowed.iter().any(|c| c.eq_ignore_ascii_case(category)) {
            continue;
        }
        let name = task
            .display_name
            .as_deref()
            .or(task.task_definition_id.as_deref())
            .unwrap_or("(unnamed)");
        return Err(Error::invalid_input(
            &format!("task {name:?} (category)"),
            format!(
                "cannot join workflow {workflow_id}: the category of the task must match the \
                 category of the workflow, and this task runs in {} workflows while the workflow \
                 is {category}",
                allowed.join(" or ")
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workflow(category: &str) -> Workflow {
        serde_json::from_value(serde_json::json!({ "category": category })).unwrap()
    }

    #[test]
    fn the_overviews_rules_hold() {
        let request: Task = AccessPackageTask::request_assignment("p", "q").into();
        let remove: Task = AccessPackageTask::remove_assignment("p").into();
        let all: Task = AccessPackageTask::RemoveAllAssignments.into();
        let cancel: Task = AccessPackageTask::CancelPendingRequests.into();
        let ok = |c: &str, t: &Task| check_added("wf", &workflow(c), [t]).is_ok();
        assert!(ok("joiner", &request) && ok("mover", &request) && !ok("leaver", &request));
        assert!(ok("leaver", &remove) && ok("mover", &remove) && !ok("joiner", &remove));
        for t in [&all, &cancel] {
            assert!(ok("leaver", t) && !ok("mover", t) && !ok("joiner", t));
        }
        let err = check_added("wf-9", &workflow("leaver"), [&request]).unwrap_err();
        assert!(err.is_invalid_input());
        let msg = err.to_string();
        assert!(
            msg.contains("category of the task must match the category of the workflow"),
            "{msg}"
        );
        assert!(
            msg.contains("joiner or mover") && msg.contains("is leaver") && msg.contains("wf-9"),
            "{msg}"
        );
    }

    #[test]
    fn other_tasks_use_their_own_category_and_unknown_workflows_pass() {
        let mut welcome = Task::new("70b29d51-b59a-4773-9280-8841dfd3f2ea", "Send welcome email");
        assert!(
            check_added("wf", &workflow("leaver"), [&welcome]).is_ok(),
            "category unknown"
        );
        welcome.category = Some("joiner".into());
        assert!(check_added("wf", &workflow("leaver"), [&welcome]).is_err());
        assert!(check_added("wf", &workflow("Joiner"), [&welcome]).is_ok());
        let leaver_only: Task = AccessPackageTask::RemoveAllAssignments.into();
        assert!(check_added("wf", &workflow("unknownFutureValue"), [&leaver_only]).is_ok());
        assert!(check_added("wf", &Workflow::default(), [&leaver_only]).is_ok());
    }
}
