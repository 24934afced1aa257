//! The body of `createNewVersion`: the whole workflow, without what Graph
//! sets itself.
//!
//! Follows Microsoft's "Manage workflow versions" guide (copy the workflow
//! "excluding the id, odata.context, and tasks@odata.context portions") and
//! the v1.0 example of `workflow: createNewVersion`
//! (identitygovernance-workflow-createnewversion.md), whose body carries
//! `@odata.type` on `executionConditions`, `scope` and `trigger`: those
//! abstract types need it, so `@odata.type` is the one annotation kept.

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::models::Workflow;

/// Workflow properties Graph sets itself (v1.0 `workflow` and
/// `workflowBase`), and navigation properties other than `tasks`.
/// `quarantineDetails` is the service's record of a quarantined workflow.
const WORKFLOW_READ_ONLY: &[&str] = &[
    "id",
    "version",
    "createdDateTime",
    "lastModifiedDateTime",
    "deletedDateTime",
    "nextScheduleRunDateTime",
    "quarantineDetails",
    "createdBy",
    "lastModifiedBy",
    "executionScope",
    "previewScope",
    "runs",
    "taskReports",
    "userProcessingResults",
    "versions",
];

/// Task properties Graph sets itself: `id`, `executionSequence` (the
/// position in `tasks`), `category` (from the task definition), and the
/// `taskProcessingResults` navigation property.
const TASK_READ_ONLY: &[&str] = &[
    "id",
    "category",
    "executionSequence",
    "taskProcessingResults",
];

/// Graph's sentinel for enum members the caller did not ask to see.
const UNKNOWN_FUTURE_VALUE: &str = "unknownFutureValue";

/// The one annotation a body keeps: the type of an abstract complex value.
const TYPE_ANNOTATION: &str = "@odata.type";

/// `{"workflow": {…}}` for `createNewVersion`. A workflow whose
/// `category` reads as `unknownFutureValue` is refused: Graph refuses that
/// sentinel posted back, and the category it stands for is not known.
pub(crate) fn new_version_body(workflow: &Workflow) -> Result<Value> {
    if let Some(category) = &workflow.category
        && category.eq_ignore_ascii_case(UNKNOWN_FUTURE_VALUE)
    {
        return Err(Error::invalid_input(
            "workflow.category",
            "reads as unknownFutureValue (a category Graph did not name without \
                 `Prefer: include-unknown-enum-members`); it cannot be posted back, so the \
                 new version was not sent",
        ));
    }
    let mut body =
        serde_json::to_value(workflow).map_err(|e| Error::invalid_input("workflow", e))?;
    strip_annotations(&mut body);
    if let Some(obj) = body.as_object_mut() {
        remove_keys(obj, WORKFLOW_READ_ONLY);
        if let Some(tasks) = obj.get_mut("tasks").and_then(Value::as_array_mut) {
            for task in tasks.iter_mut().filter_map(Value::as_object_mut) {
                remove_keys(task, TASK_READ_ONLY);
            }
        }
    }
    Ok(json!({ "workflow": body }))
}

fn remove_keys(obj: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        obj.remove(*key);
    }
}

/// Whether `key` is an instance or property annotation (`@odata.context`,
/// `tasks@odata.context`, `@odata.etag`, `@microsoft.graph.tips`…).
pub(crate) fn is_annotation(key: &str) -> bool {
    key.contains('@')
}

/// Removes every annotation but `@odata.type`, at any depth.
fn strip_annotations(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            obj.retain(|k, _| k == TYPE_ANNOTATION || !is_annotation(k));
            obj.values_mut().for_each(strip_annotations);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_annotations),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_ids_and_read_only_properties_are_left_out_at_every_depth() {
        let read: Workflow = serde_json::from_value(json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#x",
            "@odata.etag": "W/\"1\"",
            "id": "wf", "version": 3, "displayName": "Onboard", "category": "joiner",
            "createdDateTime": "2024-01-01T00:00:00Z", "lastModifiedDateTime": "2024-01-01T00:00:00Z",
            "deletedDateTime": null, "nextScheduleRunDateTime": null,
            "createdBy": {"id": "u"}, "lastModifiedBy": {"id": "u"},
            "lastModifiedBy@odata.navigationLink": "x",
            "executionConditions": {
                "@odata.type": "#microsoft.graph.identityGovernance.triggerAndScopeBasedConditions",
                "scope@odata.type": "#x",
                "scope": {"@odata.type": "#microsoft.graph.identityGovernance.ruleBasedSubjectSet", "rule": "r", "@odata.id": "y"}
            },
            "tasks@odata.context": "https://graph.microsoft.com/v1.0/$metadata#tasks",
            "tasks": [{
                "id": "t1", "category": "joiner", "executionSequence": 1, "@odata.etag": "e",
                "displayName": "T", "taskDefinitionId": "d", "isEnabled": true, "continueOnError": false,
                "arguments": [{"name": "a", "value": "b", "value@odata.type": "#String"}]
            }]
        }))
        .unwrap();
        let body = new_version_body(&read).unwrap();
        assert_eq!(
            body,
            json!({"workflow": {
                "displayName": "Onboard", "category": "joiner",
                "executionConditions": {
                    "@odata.type": "#microsoft.graph.identityGovernance.triggerAndScopeBasedConditions",
                    "scope": {"@odata.type": "#microsoft.graph.identityGovernance.ruleBasedSubjectSet", "rule": "r"}
                },
                "tasks": [{
                    "displayName": "T", "taskDefinitionId": "d", "isEnabled": true, "continueOnError": false,
                    "arguments": [{"name": "a", "value": "b"}]
                }]
            }})
        );
    }
}
