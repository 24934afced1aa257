//! Model types against Graph-shaped JSON (tests/fixtures/models/*.json).
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use entra_access::models::*;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/models/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load<T: DeserializeOwned>(name: &str) -> T {
    let text = fixture(name);
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn raw(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn dt(s: &str) -> DateTime {
    parse_datetime(s).unwrap()
}

/// Serializing then deserializing gives the same value.
fn reparse<T: serde::Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(v: &T) {
    let text = serde_json::to_string(v).unwrap();
    let back: T = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, v, "{text}");
}

#[test]
fn access_package_with_expanded_catalog_and_policies() {
    let p: AccessPackage = load("access_package.json");
    assert_eq!(p.id, "a914b616-e04e-476b-aa37-91038f0b165b");
    assert_eq!(p.display_name.as_deref(), Some("Marketing Campaign"));
    assert_eq!(p.is_hidden, Some(false));
    // 7 fractional digits.
    assert_eq!(
        p.created_date_time,
        Some(dt("2024-03-01T10:00:00Z") + chrono::TimeDelta::nanoseconds(354_656_800))
    );
    let catalog = p.catalog.as_ref().unwrap();
    assert_eq!(catalog.catalog_type, Some(CatalogType::UserManaged));
    assert_eq!(catalog.state, Some(CatalogState::Published));
    assert_eq!(catalog.is_externally_visible, Some(true));
    let policies = p.assignment_policies.as_ref().unwrap();
    assert_eq!(policies.len(), 1);
    assert_eq!(
        policies[0].expiration.as_ref().unwrap().kind,
        Some(ExpirationType::NoExpiration)
    );
    assert!(!policies[0].requires_approval_for_add());
    reparse(&p);
}

#[test]
fn access_package_not_expanded_and_offset_dates() {
    let p: AccessPackage = load("access_package_minimal.json");
    assert!(p.catalog.is_none());
    assert!(p.assignment_policies.is_none(), "not expanded is None");
    assert!(p.description.is_none() && p.is_hidden.is_none());
    assert_eq!(p.created_date_time, Some(dt("2024-01-05T07:00:00Z")));
    let out = serde_json::to_value(&p).unwrap();
    assert_eq!(out["createdDateTime"], "2024-01-05T07:00:00Z");
    assert!(out.get("modifiedDateTime").is_none());
    assert!(out.get("assignmentPolicies").is_none());
}

#[test]
fn policy_with_targets_stages_and_questions() {
    let p: AssignmentPolicy = load("assignment_policy.json");
    assert_eq!(
        p.allowed_target_scope,
        Some(AllowedTargetScope::SpecificDirectoryUsers)
    );
    assert!(p.requires_approval_for_add());
    assert!(!p.is_auto_assignment());
    assert!(p.allows_custom_schedule());
    assert_eq!(
        p.expiration.as_ref().unwrap().duration,
        Some(IsoDuration::days(365))
    );
    assert_eq!(
        p.access_package.as_ref().unwrap().id,
        "a914b616-e04e-476b-aa37-91038f0b165b"
    );

    let targets = &p.specific_allowed_targets;
    assert_eq!(targets.len(), 4);
    match &targets[0] {
        SubjectSet::GroupMembers(g) => {
            assert_eq!(
                g.group_id.as_ref().unwrap(),
                "ad7c4dd2-9ad9-4b2f-a0c5-1cf3d0d4c61a"
            );
            assert_eq!(g.description.as_deref(), Some("Sales"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&targets[1], SubjectSet::SingleUser(u) if u.user_id.as_ref().unwrap() == "8b2d5a8c-7e59-4e32-8cf4-2d3a3c2d0c11")
    );
    assert!(
        matches!(&targets[2], SubjectSet::ConnectedOrganizationMembers(c)
        if c.connected_organization_id.as_ref().unwrap() == "922f2f5c-2f3e-4f8f-9a3b-0e2f1c4a7d11")
    );
    // Unknown subtype kept verbatim.
    let raw_policy = raw("assignment_policy.json");
    assert_eq!(
        targets[3],
        SubjectSet::Other(raw_policy["specificAllowedTargets"][3].clone())
    );
    assert_eq!(
        targets[3].odata_type(),
        Some("#microsoft.graph.attributeRuleMembers")
    );

    let approval = p.request_approval_settings.as_ref().unwrap();
    assert_eq!(approval.is_requestor_justification_required, Some(true));
    let stage = &approval.stages[0];
    assert_eq!(
        stage.duration_before_automatic_denial,
        Some(IsoDuration::days(2))
    );
    assert_eq!(
        stage.duration_before_escalation,
        Some(IsoDuration::hours(12))
    );
    assert!(
        matches!(&stage.primary_approvers[0], SubjectSet::RequestorManager(m) if m.manager_level == Some(1))
    );
    assert!(matches!(
        &stage.fallback_primary_approvers[0],
        SubjectSet::SingleUser(_)
    ));
    assert!(matches!(
        &stage.escalation_approvers[0],
        SubjectSet::Other(_)
    ));
    assert!(
        stage.fallback_escalation_approvers.is_empty(),
        "null array reads as empty"
    );

    let questions = p.questions.as_ref().unwrap();
    assert_eq!(questions.len(), 3);
    match &questions[0] {
        Question::TextInput(q) => {
            assert_eq!(q.is_single_line_question, Some(true));
            assert_eq!(q.regex_pattern.as_deref(), Some("^[A-Z].*$"));
            assert_eq!(q.localizations[0].language_code, "fr-FR");
        }
        other => panic!("{other:?}"),
    }
    match &questions[1] {
        Question::MultipleChoice(q) => {
            assert_eq!(q.is_multiple_selection_allowed, Some(false));
            assert_eq!(q.choices.len(), 2);
            assert_eq!(q.choices[0].actual_value.as_deref(), Some("emea"));
            assert_eq!(
                q.choices[0].localizations[0].text.as_deref(),
                Some("Europe")
            );
            assert!(q.choices[1].localizations.is_empty());
            assert_eq!(q.localizations[0].text.as_deref(), Some("¿Qué región?"));
            assert_eq!(
                q.choice("Americas").unwrap().actual_value.as_deref(),
                Some("amer")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&questions[2], Question::Unknown(_)));
    assert_eq!(
        questions[2].id().unwrap(),
        "c5c1d5f7-0000-4000-8000-000000000003"
    );

    let required: Vec<_> = p.required_questions().filter_map(Question::id).collect();
    assert_eq!(
        required,
        vec![
            QuestionId::new("a3a9b3d5-3d2e-4a5b-9f59-6a1c8c9e2c01"),
            QuestionId::new("c5c1d5f7-0000-4000-8000-000000000003")
        ]
    );
    reparse(&p);
}

#[test]
fn polymorphic_values_serialize_with_odata_type() {
    let p: AssignmentPolicy = load("assignment_policy.json");
    let out = serde_json::to_value(&p).unwrap();
    let src = raw("assignment_policy.json");
    // Every subject set and question comes back with its @odata.type and fields.
    assert_eq!(out["specificAllowedTargets"], src["specificAllowedTargets"]);
    assert_eq!(
        out["requestApprovalSettings"]["stages"][0]["primaryApprovers"],
        src["requestApprovalSettings"]["stages"][0]["primaryApprovers"]
    );
    assert_eq!(out["questions"][0], src["questions"][0]);
    assert_eq!(out["questions"][2], src["questions"][2]);
    assert_eq!(
        out["questions"][1]["@odata.type"],
        "#microsoft.graph.accessPackageMultipleChoiceQuestion"
    );
    assert_eq!(
        out["questions"][1]["choices"][0],
        src["questions"][1]["choices"][0]
    );
}

#[test]
fn auto_assignment_policy_with_unknown_scope() {
    let p: AssignmentPolicy = load("assignment_policy_auto.json");
    assert!(p.is_auto_assignment());
    assert!(!p.requires_approval_for_add());
    assert_eq!(
        p.allowed_target_scope,
        Some(AllowedTargetScope::Unknown(
            "specificDirectoryUsersOfTheFuture".into()
        ))
    );
    let auto = p.automatic_request_settings.as_ref().unwrap();
    assert_eq!(auto.request_access_for_allowed_targets, Some(true));
    assert_eq!(
        auto.grace_period_before_access_removal,
        Some(IsoDuration::days(7))
    );
    let exp = p.expiration.as_ref().unwrap();
    assert_eq!(exp.kind, Some(ExpirationType::NotSpecified));
    assert!(exp.duration.is_none() && exp.end_date_time.is_none());
    assert!(p.questions.is_none());
    assert_eq!(p.required_questions().count(), 0);
    let out = serde_json::to_value(&p).unwrap();
    assert_eq!(
        out["allowedTargetScope"],
        "specificDirectoryUsersOfTheFuture"
    );
}

#[test]
fn assignment_with_target_schedule_and_callouts() {
    let a: Assignment = load("assignment.json");
    assert_eq!(a.id, "2f4c0f2c-6f0d-4c3e-8b8e-4d8c5d1b6a01");
    assert_eq!(a.state, Some(AssignmentState::Delivered));
    assert_eq!(a.status.as_deref(), Some("Delivered"));
    assert!(a.expired_date_time.is_none());
    assert_eq!(
        a.target_object_id().unwrap(),
        "8b2d5a8c-7e59-4e32-8cf4-2d3a3c2d0c11"
    );
    let target = a.target.as_ref().unwrap();
    assert_eq!(
        target.id.as_deref(),
        Some("ab4291f6-66b7-42bf-b16e-1ff8e4b8c3e5")
    );
    assert_eq!(target.subject_type, Some(SubjectType::User));
    let schedule = a.schedule.as_ref().unwrap();
    let exp = schedule.expiration.as_ref().unwrap();
    assert_eq!(exp.kind, Some(ExpirationType::AfterDateTime));
    assert_eq!(exp.end_date_time, Some(dt("2024-04-01T10:00:00Z")));
    let callout = &a.custom_extension_callout_instances[0];
    assert_eq!(callout.status, Some(CalloutStatus::CallbackReceived));
    assert_eq!(
        callout.external_correlation_id.as_deref(),
        Some("08585244335848553936836226133CU19")
    );
    assert_eq!(
        a.package_id().unwrap(),
        "a914b616-e04e-476b-aa37-91038f0b165b"
    );
    assert_eq!(
        a.policy_id().unwrap(),
        "87e1c7f7-c7f7-4f7a-bd3d-00f2d6bd9c2f"
    );
    // Carrier-only fields are absent from a response and not written.
    assert!(a.target_id.is_none());
    let out = serde_json::to_value(&a).unwrap();
    assert!(out.get("targetId").is_none());
    assert_eq!(
        out["schedule"]["expiration"]["endDateTime"],
        "2024-04-01T10:00:00Z"
    );
    assert_eq!(
        out["schedule"]["startDateTime"],
        "2024-03-01T10:00:00.354656800Z"
    );
    reparse(&a);
}

#[test]
fn external_subject_without_object_id_and_doc_bug_null_string() {
    let a: Assignment = load("assignment_external.json");
    assert_eq!(
        a.state,
        Some(AssignmentState::Unknown("partiallyDeliveredSomehow".into()))
    );
    assert!(
        a.expired_date_time.is_none(),
        "\"null\" string reads as None"
    );
    assert!(a.custom_extension_callout_instances.is_empty());
    let target = a.target.as_ref().unwrap();
    assert!(target.object_id.is_none());
    assert!(a.target_object_id().is_none());
    assert_eq!(target.email.as_deref(), Some("guest@fabrikam.com"));
    assert_eq!(target.subject_type, Some(SubjectType::NotSpecified));
    let org = target.connected_organization.as_ref().unwrap();
    assert_eq!(org.state, Some(ConnectedOrganizationState::Proposed));
    assert_eq!(org.identity_sources.len(), 1);
    let exp = a.schedule.as_ref().unwrap().expiration.as_ref().unwrap();
    assert_eq!(exp.kind, Some(ExpirationType::NotSpecified));
    let out = serde_json::to_value(&a).unwrap();
    assert_eq!(out["state"], "partiallyDeliveredSomehow");
    reparse(&a);
}

#[test]
fn request_created_response() {
    let r: AssignmentRequest = load("assignment_request_created.json");
    assert_eq!(r.id, "7e382d02-4454-436b-b700-59c7dd77f466");
    assert_eq!(r.request_type, Some(RequestType::AdminAdd));
    assert_eq!(r.state, Some(RequestState::Submitted));
    assert_eq!(r.status.as_deref(), Some("Accepted"));
    assert!(r.created_date_time.is_none() && r.completed_date_time.is_none());
    assert!(!r.is_final());
    assert!(r.assignment.is_none() && r.requestor.is_none() && r.access_package.is_none());
    assert!(r.answers.is_empty());
}

#[test]
fn request_expanded_with_answers() {
    let r: AssignmentRequest = load("assignment_request_expanded.json");
    assert_eq!(r.request_type, Some(RequestType::UserAdd));
    assert_eq!(r.state, Some(RequestState::PendingApproval));
    assert_eq!(
        r.completed_date_time,
        Some(dt("2024-03-02T10:00:00Z") + chrono::TimeDelta::nanoseconds(123_456_789))
    );
    let exp = r.schedule.as_ref().unwrap().expiration.as_ref().unwrap();
    assert_eq!(exp.duration, Some(IsoDuration::days(30)));
    assert_eq!(r.answers.len(), 2);
    assert_eq!(r.answers[1].value.as_deref(), Some("emea"));
    assert_eq!(
        r.answers[1].question_id().unwrap(),
        "b4b0c4e6-4e3f-4b6c-8a6a-7b2d9d0f3d02"
    );
    assert_eq!(
        r.custom_extension_callout_instances[0].status,
        Some(CalloutStatus::Unknown("waitingForCallbackForever".into()))
    );
    assert_eq!(
        r.requestor.as_ref().unwrap().object_id.as_ref().unwrap(),
        "8b2d5a8c-7e59-4e32-8cf4-2d3a3c2d0c11"
    );
    let assignment = r.assignment.as_ref().unwrap();
    assert_eq!(assignment.state, Some(AssignmentState::Delivering));
    let out = serde_json::to_value(&r).unwrap();
    let src = raw("assignment_request_expanded.json");
    assert_eq!(out["answers"], src["answers"], "answers round-trip exactly");
    assert_eq!(
        out["customExtensionCalloutInstances"][0]["status"],
        "waitingForCallbackForever"
    );
    reparse(&r);
}

#[test]
fn create_bodies_match_the_documented_shapes() {
    let mut body = AssignmentRequest::new(
        RequestType::AdminAdd,
        Assignment::for_target("u1", "p1", "pkg1"),
    );
    body.schedule = Some(Schedule::new(
        Some(dt("2024-05-01T00:00:00Z")),
        Some(Expiration::after_duration(IsoDuration::days(30))),
    ));
    body.justification = Some("Onboarding".into());
    body.answers = vec![Answer::text_input("q1", "Falcon")];
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({
            "requestType": "adminAdd",
            "assignment": {"targetId": "u1", "assignmentPolicyId": "p1", "accessPackageId": "pkg1"},
            "schedule": {"startDateTime": "2024-05-01T00:00:00Z", "expiration": {"type": "afterDuration", "duration": "P30D"}},
            "justification": "Onboarding",
            "answers": [{
                "@odata.type": "#microsoft.graph.accessPackageAnswerString",
                "value": "Falcon", "displayValue": "Falcon",
                "answeredQuestion": {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "id": "q1"}
            }]
        })
    );

    let mut subject = Subject::by_email("user@contoso.com");
    subject.connected_organization = Some(ConnectedOrganization::with_id("org1"));
    let body = AssignmentRequest::new(
        RequestType::AdminAdd,
        Assignment::for_subject(subject, "p1", "pkg1"),
    );
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({
            "requestType": "adminAdd",
            "assignment": {
                "target": {"email": "user@contoso.com", "connectedOrganization": {"id": "org1"}},
                "assignmentPolicyId": "p1", "accessPackageId": "pkg1"
            }
        })
    );

    let mut body = AssignmentRequest::new(RequestType::AdminUpdate, Assignment::existing("a1"));
    body.schedule = Some(Schedule::new(
        None,
        Some(Expiration::at(dt("2025-01-01T00:00:00Z"))),
    ));
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({
            "requestType": "adminUpdate",
            "assignment": {"id": "a1"},
            "schedule": {"expiration": {"type": "afterDateTime", "endDateTime": "2025-01-01T00:00:00Z"}}
        })
    );
    assert_eq!(
        serde_json::to_value(Expiration::never()).unwrap(),
        json!({"type": "noExpiration"})
    );
}

#[test]
fn answers_built_from_policy_questions() {
    let p: AssignmentPolicy = load("assignment_policy.json");
    let qs = p.questions.as_ref().unwrap();
    let text = Answer::for_question(&qs[0], "Falcon").unwrap();
    assert_eq!(
        text.answered_question
            .as_ref()
            .unwrap()
            .odata_type
            .as_deref(),
        Some("#microsoft.graph.accessPackageTextInputQuestion")
    );
    // A multiple-choice answer by display text carries the actual value.
    let choice = Answer::for_question(&qs[1], "Americas").unwrap();
    assert_eq!(choice.value.as_deref(), Some("amer"));
    assert_eq!(choice.display_value.as_deref(), Some("Americas"));
    assert_eq!(
        choice
            .answered_question
            .as_ref()
            .unwrap()
            .odata_type
            .as_deref(),
        Some("#microsoft.graph.accessPackageMultipleChoiceQuestion")
    );
    let by_value = Answer::for_question(&qs[1], "emea").unwrap();
    assert_eq!(by_value.value.as_deref(), Some("emea"));
    assert_eq!(
        by_value.display_value.as_deref(),
        Some("Europe, Middle East and Africa")
    );
    // An unknown subtype without a type cannot be answered.
    assert!(Answer::for_question(&Question::Unknown(json!({"id": "x"})), "v").is_none());
}

#[test]
fn group_members_of_each_type() {
    #[derive(serde::Deserialize)]
    struct Page {
        value: Vec<DirectoryObject>,
    }
    let page: Page = load("group_members.json");
    let kinds: Vec<_> = page.value.iter().map(DirectoryObject::kind).collect();
    assert_eq!(
        kinds,
        vec![
            DirectoryObjectKind::User,
            DirectoryObjectKind::Group,
            DirectoryObjectKind::ServicePrincipal,
            DirectoryObjectKind::Device,
            DirectoryObjectKind::OrgContact,
            DirectoryObjectKind::User,
            DirectoryObjectKind::Other("#microsoft.graph.somethingNew".into()),
        ]
    );
    let users: Vec<_> = page.value.iter().filter(|m| m.is_user()).collect();
    assert_eq!(users.len(), 2);
    assert_eq!(
        users[0].user_principal_name.as_deref(),
        Some("alexw@contoso.com")
    );
    assert_eq!(users[0].mail.as_deref(), Some("alexw@contoso.com"));
    // A member we may not read: only type and id.
    assert_eq!(users[1].id, "8c6f4d5e-0000-4000-8000-000000000044");
    assert!(users[1].display_name.is_none() && users[1].user_principal_name.is_none());
    let untyped: DirectoryObject = serde_json::from_value(json!({"id": "z"})).unwrap();
    assert_eq!(untyped.kind(), DirectoryObjectKind::Other(String::new()));
}

#[test]
fn workflow_round_trips_losslessly() {
    let src = raw("workflow.json");
    let w: Workflow = load("workflow.json");
    assert_eq!(
        w.id.as_ref().unwrap(),
        "156ce798-1eb6-4e0a-8515-e79f54d04390"
    );
    assert_eq!(w.category.as_deref(), Some("joiner"));
    assert_eq!(w.tasks.len(), 2);
    let request_tasks: Vec<_> = w
        .tasks_of(TaskDefinition::REQUEST_ACCESS_PACKAGE_ASSIGNMENT)
        .collect();
    assert_eq!(request_tasks.len(), 1);
    assert_eq!(
        request_tasks[0].argument("accessPackageId"),
        Some("a914b616-e04e-476b-aa37-91038f0b165b")
    );
    assert_eq!(w.extra["version"], 2);
    assert_eq!(w.extra["deletedDateTime"], Value::Null);
    assert!(w.tasks[1].extra.contains_key("futureTaskField"));
    assert_eq!(serde_json::to_value(&w).unwrap(), src);

    // Adding a task keeps everything else.
    let mut w2 = w.clone();
    w2.tasks.push(
        Task::new(
            TaskDefinition::REMOVE_ACCESS_PACKAGE_ASSIGNMENT,
            "Remove package",
        )
        .with_argument("accessPackageId", "pkg2"),
    );
    let out = serde_json::to_value(&w2).unwrap();
    assert_eq!(out["executionConditions"], src["executionConditions"]);
    assert_eq!(out["tasks"][1], src["tasks"][1]);
    assert_eq!(
        out["tasks"][2],
        json!({
            "continueOnError": false, "displayName": "Remove package", "isEnabled": true,
            "taskDefinitionId": "4a0b64f2-c7ec-46ba-b117-18f262946c50",
            "arguments": [{"name": "accessPackageId", "value": "pkg2"}]
        })
    );
}

#[test]
fn enum_values_round_trip_unchanged() {
    fn check<T: serde::Serialize + DeserializeOwned>(known: &[&str]) {
        for wire in known.iter().copied().chain(["brandNewValue", "Delivered"]) {
            let v: T = serde_json::from_value(json!(wire)).unwrap();
            assert_eq!(serde_json::to_value(&v).unwrap(), json!(wire));
        }
    }
    check::<AssignmentState>(AssignmentState::KNOWN);
    check::<RequestState>(RequestState::KNOWN);
    check::<RequestType>(RequestType::KNOWN);
    check::<ExpirationType>(ExpirationType::KNOWN);
    check::<AllowedTargetScope>(AllowedTargetScope::KNOWN);
    check::<SubjectType>(SubjectType::KNOWN);
    check::<CalloutStatus>(CalloutStatus::KNOWN);
    check::<CatalogType>(CatalogType::KNOWN);
    check::<CatalogState>(CatalogState::KNOWN);
    check::<ConnectedOrganizationState>(ConnectedOrganizationState::KNOWN);
}

#[test]
fn null_arrays_and_missing_ids_are_tolerated() {
    let p: AssignmentPolicy = serde_json::from_value(json!({
        "id": "p", "specificAllowedTargets": null, "questions": null,
        "requestorSettings": {"onBehalfRequestors": null},
        "requestApprovalSettings": {"stages": null}
    }))
    .unwrap();
    assert!(p.specific_allowed_targets.is_empty());
    assert!(p.questions.is_none());
    assert!(p.request_approval_settings.unwrap().stages.is_empty());
    let r: AssignmentRequest =
        serde_json::from_value(json!({"answers": null, "customExtensionCalloutInstances": null}))
            .unwrap();
    assert!(r.id.as_str().is_empty());
    assert_eq!(serde_json::to_value(&r).unwrap(), json!({}));
}

#[test]
fn bad_values_give_errors_naming_the_path() {
    let text = r#"{"id":"a","schedule":{"expiration":{"type":"afterDuration","duration":"P1Y"}}}"#;
    let de = &mut serde_json::Deserializer::from_str(text);
    let err = serde_path_to_error::deserialize::<_, Assignment>(de).unwrap_err();
    assert_eq!(err.path().to_string(), "schedule.expiration.duration");
    assert!(err.to_string().contains("days"), "{err}");

    let text = r#"{"id":"a","expiredDateTime":"not a date"}"#;
    assert!(serde_json::from_str::<Assignment>(text).is_err());
}

#[test]
fn a_null_task_argument_keeps_the_workflow() {
    // keyValuePair.value is nullable: one null must not lose the workflow.
    let src = json!({
        "id": "wf-1",
        "category": "joiner",
        "tasks": [{
            "taskDefinitionId": "c1ec1e76-f374-4375-aaa6-0bb6bd4c60be",
            "arguments": [
                {"name": "accessPackageId", "value": "pkg-1"},
                {"name": "cleared", "value": null}
            ]
        }]
    });
    let w: Workflow = serde_json::from_value(src.clone()).unwrap();
    assert_eq!(w.tasks[0].argument("accessPackageId"), Some("pkg-1"));
    assert_eq!(w.tasks[0].argument("cleared"), None);
    assert_eq!(w.tasks[0].arguments[1].value, None);
    // Posted back (createNewVersion) exactly as read: the null stays a null.
    assert_eq!(serde_json::to_value(&w).unwrap(), src);
}

#[test]
fn subject_lifecycle_and_approver_visibility_decode() {
    let s: Subject = serde_json::from_value(json!({
        "objectId": "u1", "subjectLifecycle": "governed"
    }))
    .unwrap();
    assert_eq!(s.subject_lifecycle, Some(SubjectLifecycle::Governed));
    let s: Subject = serde_json::from_value(json!({"subjectLifecycle": "somethingNew"})).unwrap();
    assert_eq!(
        s.subject_lifecycle,
        Some(SubjectLifecycle::Unknown("somethingNew".into()))
    );
    let stage: ApprovalStage = serde_json::from_value(json!({
        "approverInformationVisibility": "notVisible", "primaryApprovers": null
    }))
    .unwrap();
    assert_eq!(
        stage.approver_information_visibility,
        Some(ApproverInformationVisibility::NotVisible)
    );
    assert_eq!(
        serde_json::to_value(&stage).unwrap()["approverInformationVisibility"],
        "notVisible"
    );
}
