//! `GET /identityGovernance/lifecycleWorkflows/workflows`, `GET …/workflows/{id}`
//! and `POST …/workflows/{id}/createNewVersion`.
//!
//! As Graph documents them: the GET expands `tasks` and annotates them with
//! `tasks@odata.context` (identitygovernance-workflow-get.md); a new version
//! takes the complete workflow wrapped in `{"workflow": …}`
//! (identitygovernance-workflow-createnewversion.md), holds at most 25 tasks
//! (identitygovernance-task.md), and carries no annotation but `@odata.type`
//! ("Manage workflow versions": copy the workflow "excluding the id,
//! odata.context, and tasks@odata.context portions"). Properties the v1.0
//! types do not have are refused, as for any type that is not open.

use serde_json::{json, Map, Value};

use super::reply::{now_string, GraphErr, Reply};
use super::routes::{method_not_allowed, unknown_segment, Ctx};
use super::state::State;

const CONTEXT: &str = "identityGovernance/lifecycleWorkflows/workflows/$entity";

/// Graph's limit of tasks per workflow.
const MAX_TASKS: usize = 25;

/// Properties and navigation properties of v1.0 `workflow` (with
/// `workflowBase`).
const WORKFLOW_PROPERTIES: &[&str] = &[
    "category",
    "createdDateTime",
    "description",
    "displayName",
    "executionConditions",
    "isEnabled",
    "isSchedulingEnabled",
    "lastModifiedDateTime",
    "deletedDateTime",
    "id",
    "nextScheduleRunDateTime",
    "quarantineDetails",
    "settings",
    "version",
    "administrationScopeTargets",
    "createdBy",
    "lastModifiedBy",
    "tasks",
    "executionScope",
    "previewScope",
    "runs",
    "taskReports",
    "userProcessingResults",
    "versions",
];

/// What Graph sets itself on a new version, whatever the body says.
const WORKFLOW_SET_BY_GRAPH: &[&str] = &[
    "id",
    "version",
    "createdDateTime",
    "lastModifiedDateTime",
    "deletedDateTime",
    "nextScheduleRunDateTime",
    "createdBy",
    "lastModifiedBy",
];

/// Properties and navigation properties of v1.0 `task`.
const TASK_PROPERTIES: &[&str] = &[
    "arguments",
    "category",
    "continueOnError",
    "description",
    "displayName",
    "executionSequence",
    "id",
    "isEnabled",
    "taskDefinitionId",
    "taskProcessingResults",
];

/// Properties of `keyValuePair` (a task argument).
const ARGUMENT_PROPERTIES: &[&str] = &["name", "value"];

/// The workflow categories each access-package task definition runs in
/// (`resources/identitygovernance-lifecycleworkflows-overview.md`, "The
/// category of the task must match the category of the workflow").
const TASK_CATEGORIES: &[(&str, &str, &[&str])] = &[
    (
        "c1ec1e76-f374-4375-aaa6-0bb6bd4c60be",
        "Request user access package assignment",
        &["joiner", "mover"],
    ),
    (
        "4a0b64f2-c7ec-46ba-b117-18f262946c50",
        "Remove access package assignment for user",
        &["leaver", "mover"],
    ),
    (
        "42ae2956-193d-4f39-be06-691b8ac4fa1d",
        "Remove all access package assignments for user",
        &["leaver"],
    ),
    (
        "498770d9-bab7-4e4c-b73d-5ded82a1d0b3",
        "Cancel all pending access package assignment requests for user",
        &["leaver"],
    ),
];

/// 400 for a task whose definition does not run in the workflow's category.
fn check_task_categories(
    category: Option<&str>,
    tasks: &[Map<String, Value>],
) -> Result<(), GraphErr> {
    let Some(category) = category else {
        return Ok(());
    };
    for task in tasks {
        let definition = task.get("taskDefinitionId").and_then(Value::as_str);
        let Some((_, name, allowed)) = TASK_CATEGORIES
            .iter()
            .find(|(id, _, _)| definition.is_some_and(|d| d.eq_ignore_ascii_case(id)))
        else {
            continue;
        };
        if !allowed.iter().any(|c| c.eq_ignore_ascii_case(category)) {
            return Err(GraphErr::bad_request(format!(
                "The category of the task must match the category of the workflow: '{name}' runs in {} workflows, and this workflow is '{category}'.",
                allowed.join(" or ")
            )));
        }
    }
    Ok(())
}

pub(crate) fn handle(st: &mut State, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    let Some(id) = ctx.segs.get(3).map(String::as_str) else {
        return list(st, ctx);
    };
    let action = ctx.segs.get(4).map(|s| s.to_ascii_lowercase());
    let new_version = matches!(
        action.as_deref(),
        Some("createnewversion" | "microsoft.graph.identitygovernance.createnewversion")
    );
    match (ctx.method, action.as_deref(), ctx.segs.len()) {
        ("GET", None, 4) => {
            let wf = st
                .workflows
                .iter()
                .find(|w| w.id == id)
                .ok_or_else(|| GraphErr::not_found("Workflow", id))?;
            let v = wf.versions.last().cloned().unwrap_or(Value::Null);
            Ok(Reply::json(200, render(v, ctx, id)))
        }
        ("POST", Some(_), 5) if new_version => create_new_version(st, ctx, id),
        (_, None, 4) => Err(method_not_allowed(ctx)),
        (_, Some(_), 5) if new_version => Err(method_not_allowed(ctx)),
        _ => Err(unknown_segment(ctx)),
    }
}

/// A stored version as Graph answers it: `$select` applied, the context
/// annotations of the entity and of its expanded tasks.
fn render(mut v: Value, ctx: &Ctx<'_>, id: &str) -> Value {
    if let Some(obj) = v.as_object_mut() {
        obj.retain(|k, _| !k.contains('@'));
    }
    super::query::apply_select(&mut v, &ctx.query);
    if v.get("tasks").is_some() {
        v["tasks@odata.context"] = json!(ctx.context(&format!(
            "identityGovernance/lifecycleWorkflows/workflows('{id}')/tasks"
        )));
    }
    v["@odata.context"] = json!(ctx.context(CONTEXT));
    v
}

fn create_new_version(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Result<Reply, GraphErr> {
    let body = ctx.json_body()?;
    let Some(new) = body.get("workflow").and_then(Value::as_object) else {
        return Err(GraphErr::bad_request(
            "The request body must be {\"workflow\": {…}} with the complete new workflow.",
        ));
    };
    if let Some(path) = annotation_in(&body, "") {
        return Err(GraphErr::bad_request(format!(
            "The request body carries the annotation '{path}'. Remove the odata.context, tasks@odata.context and other annotations read with the workflow before creating a new version."
        )));
    }
    unknown_property(
        new,
        WORKFLOW_PROPERTIES,
        "microsoft.graph.identityGovernance.workflow",
    )?;
    let tasks = check_tasks(new.get("tasks"))?;
    let stored_category = st
        .workflows
        .iter()
        .find(|w| w.id == id)
        .and_then(|w| w.versions.last())
        .and_then(|v| v.get("category"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    check_task_categories(stored_category.as_deref(), &tasks)?;

    let task_ids: Vec<String> = (0..tasks.len()).map(|_| st.ids.next_id()).collect();
    let wf = st
        .workflows
        .iter_mut()
        .find(|w| w.id == id)
        .ok_or_else(|| GraphErr::not_found("Workflow", id))?;
    let current = wf.versions.last().cloned().unwrap_or_else(|| json!({}));
    let version = current.get("version").and_then(Value::as_i64).unwrap_or(1) + 1;
    let mut next = current.clone();
    if let Some(dst) = next.as_object_mut() {
        dst.retain(|k, _| !k.contains('@'));
        for (k, v) in new {
            if !WORKFLOW_SET_BY_GRAPH.contains(&k.as_str()) {
                dst.insert(k.clone(), v.clone());
            }
        }
        let tasks: Vec<Value> = tasks
            .into_iter()
            .zip(task_ids)
            .enumerate()
            .map(|(i, (mut t, task_id))| {
                t.insert("id".into(), json!(task_id));
                t.insert("executionSequence".into(), json!(i + 1));
                Value::Object(t)
            })
            .collect();
        dst.insert("tasks".into(), Value::Array(tasks));
        dst.insert("id".into(), json!(id));
        dst.insert("version".into(), json!(version));
        dst.insert("lastModifiedDateTime".into(), json!(now_string()));
    }
    wf.versions.push(next.clone());
    Ok(Reply::json(200, render(next, ctx, id)))
}

/// The tasks of a new version, checked: objects of known properties, each
/// with a `taskDefinitionId`, arguments of `name` and `value`, at most 25.
fn check_tasks(tasks: Option<&Value>) -> Result<Vec<Map<String, Value>>, GraphErr> {
    let tasks = match tasks {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(GraphErr::bad_request("'tasks' must be a collection.")),
    };
    if tasks.len() > MAX_TASKS {
        return Err(GraphErr::bad_request(format!(
            "A workflow can have up to {MAX_TASKS} tasks; the new version has {}.",
            tasks.len()
        )));
    }
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        let Some(task) = t.as_object() else {
            return Err(GraphErr::bad_request("Every task must be an object."));
        };
        unknown_property(
            task,
            TASK_PROPERTIES,
            "microsoft.graph.identityGovernance.task",
        )?;
        if task
            .get("taskDefinitionId")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(GraphErr::bad_request(
                "Every task needs a taskDefinitionId.",
            ));
        }
        for arg in task
            .get("arguments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match arg.as_object() {
                Some(a) => {
                    unknown_property(a, ARGUMENT_PROPERTIES, "microsoft.graph.keyValuePair")?
                }
                None => return Err(GraphErr::bad_request("Every argument must be an object.")),
            }
        }
        out.push(task.clone());
    }
    Ok(out)
}

/// 400 for a property the (not open) type does not have.
fn unknown_property(
    obj: &Map<String, Value>,
    known: &[&str],
    type_name: &str,
) -> Result<(), GraphErr> {
    match obj
        .keys()
        .find(|k| k.as_str() != "@odata.type" && !known.contains(&k.as_str()))
    {
        Some(k) => Err(GraphErr::bad_request(format!(
            "The property '{k}' does not exist on type '{type_name}'. Make sure to only use property names that are defined by the type."
        ))),
        None => Ok(()),
    }
}

/// The path of the first annotation other than `@odata.type`, at any depth.
fn annotation_in(v: &Value, at: &str) -> Option<String> {
    match v {
        Value::Object(obj) => obj.iter().find_map(|(k, v)| {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if k.contains('@') && k != "@odata.type" {
                Some(path)
            } else {
                annotation_in(v, &path)
            }
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| annotation_in(v, &format!("{at}[{i}]"))),
        _ => None,
    }
}

/// `GET …/workflows`: the current version of every workflow, paged.
fn list(st: &State, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    if ctx.method != "GET" {
        return Err(method_not_allowed(ctx));
    }
    let items = st
        .workflows
        .iter()
        .filter_map(|w| w.versions.last().cloned())
        .map(|mut v| {
            if let Some(obj) = v.as_object_mut() {
                obj.retain(|k, _| !k.contains('@'));
                obj.remove("tasks");
            }
            v
        })
        .collect();
    super::em_read::list_any(
        st,
        ctx,
        "identityGovernance/lifecycleWorkflows/workflows",
        items,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_found_at_any_depth_but_odata_type_is_allowed() {
        let ok = json!({"workflow": {"executionConditions": {"@odata.type": "#x", "scope": {"@odata.type": "#y"}}}});
        assert_eq!(annotation_in(&ok, ""), None);
        let deep = json!({"workflow": {"tasks": [{}, {"arguments": [{"name": "a", "value@odata.type": "#String"}]}]}});
        assert_eq!(
            annotation_in(&deep, "").as_deref(),
            Some("workflow.tasks[1].arguments[0].value@odata.type")
        );
        let ctx = json!({"workflow": {"tasks@odata.context": "x"}});
        assert_eq!(
            annotation_in(&ctx, "").as_deref(),
            Some("workflow.tasks@odata.context")
        );
    }

    #[test]
    fn too_many_tasks_and_unknown_properties_are_refused() {
        let task = json!({"taskDefinitionId": "d", "arguments": []});
        let many = Value::Array(vec![task.clone(); MAX_TASKS + 1]);
        let err = check_tasks(Some(&many)).unwrap_err();
        assert_eq!(err.status, 400);
        assert!(err.message.contains("up to 25"), "{}", err.message);
        assert_eq!(
            check_tasks(Some(&Value::Array(vec![task; MAX_TASKS])))
                .unwrap()
                .len(),
            MAX_TASKS
        );
        let odd = json!([{"taskDefinitionId": "d", "taskTemplateId": "d"}]);
        assert!(check_tasks(Some(&odd))
            .unwrap_err()
            .message
            .contains("'taskTemplateId'"));
    }
}
