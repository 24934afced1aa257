//! Graph-shaped JSON for the records in the store.

use serde_json::{json, Value};

use super::query::Query;
use super::state::{
    Assignment, Catalog, DirKind, DirObject, Package, Policy, Question, Request, State, Subject,
};
use entra_access::models::RequestType;

pub(crate) fn catalog(c: &Catalog) -> Value {
    json!({
        "id": c.id,
        "displayName": c.display_name,
        "description": c.description,
        "catalogType": "userManaged",
        "state": "published",
        "isExternallyVisible": false,
        "createdDateTime": c.created,
        "modifiedDateTime": c.created,
    })
}

/// An access package, with `assignmentPolicies` and `catalog` when expanded.
pub(crate) fn package(st: &State, p: &Package, q: &Query) -> Value {
    let mut v = json!({
        "id": p.id,
        "displayName": p.display_name,
        "description": p.description,
        "isHidden": p.is_hidden,
        "createdDateTime": p.created,
        "modifiedDateTime": p.created,
    });
    if q.expands("assignmentpolicies") {
        let pols: Vec<Value> = st
            .policies
            .iter()
            .filter(|x| x.package_id == p.id)
            .map(policy_plain)
            .collect();
        v["assignmentPolicies"] = Value::Array(pols);
    }
    if q.expands("catalog") {
        v["catalog"] = p
            .catalog_id
            .as_ref()
            .and_then(|c| st.catalog(c.as_str()))
            .map_or(Value::Null, catalog);
    }
    v
}

fn package_plain(st: &State, id: &str) -> Value {
    st.package(id)
        .map_or(Value::Null, |p| package(st, p, &Query::default()))
}

fn question(q: &Question, sequence: usize) -> Value {
    let mut v = json!({
        "id": q.id,
        "sequence": sequence,
        "isRequired": q.required,
        "isAnswerEditable": true,
        "text": q.text,
        "localizations": [],
    });
    if q.choices.is_empty() {
        v["@odata.type"] = json!("#microsoft.graph.accessPackageTextInputQuestion");
        v["isSingleLineQuestion"] = json!(true);
        v["regexPattern"] = Value::Null;
    } else {
        v["@odata.type"] = json!("#microsoft.graph.accessPackageMultipleChoiceQuestion");
        v["isMultipleSelectionAllowed"] = json!(false);
        v["choices"] = q
            .choices
            .iter()
            .map(|c| json!({ "actualValue": c, "text": c, "localizations": [] }))
            .collect();
    }
    v
}

/// A policy without expansions.
pub(crate) fn policy_plain(p: &Policy) -> Value {
    let mut targets: Vec<Value> = p
        .specific_users
        .iter()
        .map(|u| json!({ "@odata.type": "#microsoft.graph.singleUser", "userId": u, "description": null }))
        .collect();
    targets.extend(p.specific_groups.iter().map(|g| {
        json!({ "@odata.type": "#microsoft.graph.groupMembers", "groupId": g, "description": null })
    }));
    let approval = p.approval_for_add || p.approval_for_update;
    let stages: Vec<Value> = if !p.approval_stages.is_empty() {
        p.approval_stages
            .iter()
            .map(|approvers| {
                json!({
                    "durationBeforeAutomaticDenial": "P14D",
                    "isApproverJustificationRequired": p.approver_justification,
                    "isEscalationEnabled": false,
                    "durationBeforeEscalation": "PT0S",
                    "primaryApprovers": approvers.iter().map(|u| json!({ "@odata.type": "#microsoft.graph.singleUser", "userId": u, "description": null })).collect::<Vec<_>>(),
                    "fallbackPrimaryApprovers": [],
                    "escalationApprovers": [],
                    "fallbackEscalationApprovers": [],
                })
            })
            .collect()
    } else if approval {
        vec![json!({
            "durationBeforeAutomaticDenial": "P14D",
            "isApproverJustificationRequired": p.approver_justification,
            "isEscalationEnabled": false,
            "durationBeforeEscalation": "PT0S",
            "primaryApprovers": [{ "@odata.type": "#microsoft.graph.requestorManager", "managerLevel": 1 }],
            "fallbackPrimaryApprovers": [],
            "escalationApprovers": [],
            "fallbackEscalationApprovers": [],
        })]
    } else {
        Vec::new()
    };
    json!({
        "id": p.id,
        "displayName": p.display_name,
        "description": p.description,
        "allowedTargetScope": p.scope.as_str(),
        "specificAllowedTargets": targets,
        "createdDateTime": p.created,
        "modifiedDateTime": p.created,
        "expiration": { "endDateTime": null, "duration": null, "type": "noExpiration" },
        "requestorSettings": {
            "enableTargetsToSelfAddAccess": p.self_add,
            "enableTargetsToSelfUpdateAccess": false,
            "enableTargetsToSelfRemoveAccess": false,
            "allowCustomAssignmentSchedule": p.custom_schedule,
            "enableOnBehalfRequestorsToAddAccess": false,
            "enableOnBehalfRequestorsToUpdateAccess": false,
            "enableOnBehalfRequestorsToRemoveAccess": false,
            "onBehalfRequestors": [],
        },
        "requestApprovalSettings": {
            "isApprovalRequiredForAdd": p.approval_for_add,
            "isApprovalRequiredForUpdate": p.approval_for_update,
            "isRequestorJustificationRequired": p.justification_required,
            "stages": stages,
        },
        "questions": p.questions.iter().enumerate().map(|(i, q)| question(q, i + 1)).collect::<Vec<_>>(),
    })
}

/// A policy, with `accessPackage` and `catalog` when expanded.
pub(crate) fn policy(st: &State, p: &Policy, q: &Query) -> Value {
    let mut v = policy_plain(p);
    if q.expands("accesspackage") {
        v["accessPackage"] = package_plain(st, p.package_id.as_str());
    }
    if q.expands("catalog") {
        v["catalog"] = st
            .package(p.package_id.as_str())
            .and_then(|pk| pk.catalog_id.as_ref())
            .and_then(|c| st.catalog(c.as_str()))
            .map_or(Value::Null, catalog);
    }
    v
}

pub(crate) fn subject(s: &Subject) -> Value {
    json!({
        "id": s.id,
        "objectId": s.object_id,
        "displayName": s.display_name,
        "email": s.email,
        "principalName": s.principal_name,
        "onPremisesSecurityIdentifier": null,
        "subjectType": s.subject_type.as_str(),
    })
}

/// An assignment, with `target`, `accessPackage`, `assignmentPolicy` when expanded.
pub(crate) fn assignment(st: &State, a: &Assignment, q: &Query) -> Value {
    let mut v = json!({
        "id": a.id,
        "state": a.state.as_str(),
        "status": a.status,
        "expiredDateTime": a.expired,
        "schedule": a.schedule,
        "customExtensionCalloutInstances": a.callouts,
    });
    if q.expands("target") {
        v["target"] = st.subject(&a.subject_id).map_or(Value::Null, subject);
    }
    if q.expands("accesspackage") {
        v["accessPackage"] = package_plain(st, a.package_id.as_str());
    }
    if q.expands("assignmentpolicy") {
        v["assignmentPolicy"] = st
            .policy(a.policy_id.as_str())
            .map_or(Value::Null, policy_plain);
    }
    v
}

/// A request as `GET` shows it, with `accessPackage`, `assignment`
/// (and `assignment($expand=target)`) and `requestor` when expanded.
pub(crate) fn request(st: &State, r: &Request, q: &Query) -> Value {
    let mut v = json!({
        "id": r.id,
        "requestType": r.request_type.as_str(),
        "state": r.state.as_str(),
        "status": r.status,
        "createdDateTime": r.created,
        "completedDateTime": r.completed,
        "justification": r.justification,
        "schedule": r.schedule,
        "answers": r.answers,
        "customExtensionCalloutInstances": r.callouts,
    });
    if let Some(bypass) = r.bypass_approval {
        v["parameters"] = json!({ "bypassApproval": bypass });
    }
    if q.expands("accesspackage") {
        v["accessPackage"] = package_plain(st, r.package_id.as_str());
    }
    if q.expands("assignment") {
        let nested = q.nested("assignment").unwrap_or("").to_ascii_lowercase();
        let inner = if nested.contains("target") {
            Query::expanding(&["target"])
        } else {
            Query::default()
        };
        v["assignment"] = match r.assignment_id.as_ref() {
            Some(id) => st
                .assignment(id.as_str())
                .map_or(Value::Null, |a| assignment(st, a, &inner)),
            // Graph: "for a requestType of userAdd or adminAdd, this is an
            // access package assignment requested to be created" — it is
            // there (without an id or state) before delivery starts, so a
            // caller can tell whom a submitted request is for.
            None if r.requestor_only => Value::Null,
            None if matches!(r.request_type, RequestType::AdminAdd | RequestType::UserAdd) => {
                let mut to_be = json!({ "state": null, "status": null });
                if inner.expands("target") {
                    to_be["target"] = st.subject(&r.subject_id).map_or(Value::Null, subject);
                }
                to_be
            }
            None => Value::Null,
        };
    }
    if q.expands("requestor") {
        // "The subject who requested or, if a direct assignment, was
        // assigned" (resources/accesspackageassignmentrequest.md).
        v["requestor"] = st
            .subject(&r.requestor_subject_id)
            .map_or(Value::Null, subject);
    }
    v
}

/// A directory object as a member list or `GET /users/{id}` shows it.
pub(crate) fn directory_object(o: &DirObject) -> Value {
    match o.kind {
        DirKind::User => json!({
            "@odata.type": o.kind.odata_type(),
            "id": o.id,
            "displayName": o.display_name,
            "mail": o.mail,
            "userPrincipalName": o.upn,
            "userType": o.user_type,
            "accountEnabled": o.account_enabled,
            "businessPhones": [],
            "givenName": null,
            "surname": null,
            "jobTitle": null,
            "mobilePhone": null,
            "officeLocation": null,
            "preferredLanguage": null,
        }),
        DirKind::Group => json!({
            "@odata.type": o.kind.odata_type(),
            "id": o.id,
            "displayName": o.display_name,
            "mailEnabled": false,
            "securityEnabled": true,
            "groupTypes": [],
        }),
        DirKind::ServicePrincipal => json!({
            "@odata.type": o.kind.odata_type(),
            "id": o.id,
            "displayName": o.display_name,
            "appId": o.app_id,
            "servicePrincipalType": "Application",
        }),
        DirKind::Device => json!({
            "@odata.type": o.kind.odata_type(),
            "id": o.id,
            "displayName": o.display_name,
            "accountEnabled": true,
        }),
    }
}
