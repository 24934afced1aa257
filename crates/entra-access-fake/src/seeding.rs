//! `FakeGraph::add_*`: storing seeds in the fake's state.

use serde_json::{json, Value};

use super::reply::now_string;
use super::seed::{
    AccessPackageSeed, AssignmentSeed, CatalogSeed, DeviceSeed, GroupSeed, PolicySeed, RequestSeed,
    SeedTarget, ServicePrincipalSeed, UserSeed,
};
use super::state::{
    Assignment, Catalog, DirKind, DirObject, Package, Policy, Question, Request, State,
};
use super::FakeGraph;
use entra_access::models::{
    AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentRequestId, AssignmentState,
    CatalogId, ObjectId, QuestionId, RequestState, WorkflowId,
};

/// `Delivered` for `delivered`, `PendingApproval` for `pendingApproval`…
fn pascal(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn subject_of(st: &mut State, target: &SeedTarget) -> String {
    match target {
        SeedTarget::Object(o) => match st.subject_for_object(o) {
            Some(s) => s,
            None => {
                // Not (yet) a user or service principal in the fake: keep the id anyway.
                let id = st.ids.next_id();
                st.subjects.push(super::state::Subject {
                    id: id.clone(),
                    object_id: Some(o.clone()),
                    email: None,
                    display_name: None,
                    principal_name: None,
                    subject_type: entra_access::models::SubjectType::User,
                });
                id
            }
        },
        SeedTarget::Email(e) => st.subject_for_email(e),
    }
}

fn default_mail(display_name: &str) -> String {
    let local: String = display_name
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(".");
    let local = if local.is_empty() {
        "user".to_owned()
    } else {
        local
    };
    format!("{local}@contoso.example")
}

impl FakeGraph {
    /// Adds a catalog.
    pub fn add_catalog(&self, seed: CatalogSeed) -> CatalogId {
        let mut st = self.state();
        let id = seed.id.unwrap_or_else(|| CatalogId::new(st.ids.next_id()));
        st.catalogs.push(Catalog {
            id: id.clone(),
            display_name: seed.display_name,
            description: seed.description,
            created: now_string(),
        });
        id
    }

    /// Adds an access package.
    pub fn add_access_package(&self, seed: AccessPackageSeed) -> AccessPackageId {
        let mut st = self.state();
        let id = seed
            .id
            .unwrap_or_else(|| AccessPackageId::new(st.ids.next_id()));
        st.packages.push(Package {
            id: id.clone(),
            catalog_id: seed.catalog,
            display_name: seed.display_name,
            description: seed.description,
            is_hidden: seed.hidden,
            created: now_string(),
        });
        id
    }

    /// Adds an assignment policy.
    pub fn add_policy(&self, seed: PolicySeed) -> AssignmentPolicyId {
        let mut st = self.state();
        let id = seed
            .id
            .unwrap_or_else(|| AssignmentPolicyId::new(st.ids.next_id()));
        let questions = seed
            .questions
            .into_iter()
            .map(|q| Question {
                id: q.id.unwrap_or_else(|| QuestionId::new(st.ids.next_id())),
                text: q.text,
                required: q.required,
                choices: q.choices,
            })
            .collect();
        st.policies.push(Policy {
            id: id.clone(),
            package_id: seed.package,
            display_name: seed.display_name,
            description: seed.description,
            scope: seed.scope,
            specific_users: seed.specific_users,
            specific_groups: seed.specific_groups,
            approval_for_add: seed.approval_for_add,
            approval_for_update: seed.approval_for_update,
            justification_required: seed.justification_required,
            self_add: seed.self_add,
            custom_schedule: seed.custom_schedule,
            approver_justification: seed.approver_justification,
            approval_stages: seed.approval_stages,
            questions,
            created: now_string(),
        });
        id
    }

    /// The question ids of a policy, in order (for building answers).
    pub fn question_ids(&self, policy: &AssignmentPolicyId) -> Vec<QuestionId> {
        self.state()
            .policy(policy.as_str())
            .map(|p| p.questions.iter().map(|q| q.id.clone()).collect())
            .unwrap_or_default()
    }

    /// Adds a user.
    pub fn add_user(&self, seed: UserSeed) -> ObjectId {
        let mut st = self.state();
        let id = seed.id.unwrap_or_else(|| ObjectId::new(st.ids.next_id()));
        let mail = seed
            .mail
            .unwrap_or_else(|| default_mail(&seed.display_name));
        st.directory.push(DirObject {
            id: id.clone(),
            kind: DirKind::User,
            display_name: seed.display_name,
            upn: Some(seed.upn.unwrap_or_else(|| mail.clone())),
            mail: Some(mail),
            user_type: Some(if seed.guest { "Guest" } else { "Member" }.to_owned()),
            account_enabled: seed.enabled,
            members: Vec::new(),
            app_id: None,
        });
        id
    }

    /// Adds a group with its direct members.
    pub fn add_group(&self, seed: GroupSeed) -> ObjectId {
        let mut st = self.state();
        let id = seed.id.unwrap_or_else(|| ObjectId::new(st.ids.next_id()));
        st.directory.push(plain_object(
            id.clone(),
            DirKind::Group,
            seed.display_name,
            seed.members,
            None,
        ));
        id
    }

    /// Adds `member` to `group`'s direct members (no-op for an unknown group).
    pub fn add_group_member(&self, group: &ObjectId, member: &ObjectId) {
        let mut st = self.state();
        if let Some(g) = st
            .directory
            .iter_mut()
            .find(|o| o.id == *group && o.kind == DirKind::Group)
            && !g.members.contains(member)
        {
            g.members.push(member.clone());
        }
    }

    /// Adds a service principal.
    pub fn add_service_principal(&self, seed: ServicePrincipalSeed) -> ObjectId {
        let mut st = self.state();
        let id = seed.id.unwrap_or_else(|| ObjectId::new(st.ids.next_id()));
        let app_id = seed.app_id.unwrap_or_else(|| st.ids.next_id());
        st.directory.push(plain_object(
            id.clone(),
            DirKind::ServicePrincipal,
            seed.display_name,
            Vec::new(),
            Some(app_id),
        ));
        id
    }

    /// Adds a device.
    pub fn add_device(&self, seed: DeviceSeed) -> ObjectId {
        let mut st = self.state();
        let id = seed.id.unwrap_or_else(|| ObjectId::new(st.ids.next_id()));
        st.directory.push(plain_object(
            id.clone(),
            DirKind::Device,
            seed.display_name,
            Vec::new(),
            None,
        ));
        id
    }

    /// Adds an existing assignment.
    pub fn add_assignment(&self, seed: AssignmentSeed) -> AssignmentId {
        let mut st = self.state();
        let id = seed
            .id
            .unwrap_or_else(|| AssignmentId::new(st.ids.next_id()));
        let subject_id = subject_of(&mut st, &seed.target);
        let now = now_string();
        let expired = (seed.state == AssignmentState::Expired).then(|| now.clone());
        st.assignments.push(Assignment {
            id: id.clone(),
            package_id: seed.package,
            policy_id: seed.policy,
            subject_id,
            status: seed.status.unwrap_or_else(|| pascal(seed.state.as_str())),
            state: seed.state,
            schedule: seed.schedule.unwrap_or_else(|| {
                json!({ "startDateTime": now, "recurrence": null,
                        "expiration": { "endDateTime": null, "duration": null, "type": "noExpiration" } })
            }),
            expired,
            callouts: Vec::new(),
        });
        id
    }

    /// Adds an existing request. Open ones keep moving like created ones.
    pub fn add_request(&self, seed: RequestSeed) -> AssignmentRequestId {
        let mut st = self.state();
        let id = seed
            .id
            .unwrap_or_else(|| AssignmentRequestId::new(st.ids.next_id()));
        let subject_id = subject_of(&mut st, &seed.target);
        let requestor_subject_id = match &seed.requested_by {
            Some(by) => subject_of(&mut st, &SeedTarget::Object(by.clone())),
            None => subject_id.clone(),
        };
        if let Some(by) = &seed.requested_by
            && st
                .object(by.as_str())
                .is_some_and(|o| o.kind == DirKind::User)
        {
            st.created_by.insert(id.clone(), by.clone());
        }
        let completed = seed.state.is_final().then(now_string);
        st.requests.push(Request {
            id: id.clone(),
            request_type: seed.request_type,
            status: seed.status.unwrap_or_else(|| match seed.state {
                RequestState::Submitted => "Accepted".to_owned(),
                ref s => pascal(s.as_str()),
            }),
            state: seed.state,
            package_id: seed.package,
            policy_id: seed.policy,
            subject_id,
            assignment_id: seed.assignment,
            schedule: json!({ "startDateTime": null, "recurrence": null,
                              "expiration": { "endDateTime": null, "duration": null, "type": "notSpecified" } }),
            justification: seed.justification,
            answers: Vec::new(),
            created: now_string(),
            completed,
            callouts: Vec::new(),
            due: None,
            requestor_only: seed.requestor_only,
            bypass_approval: None,
            renews: false,
            listed_from: None,
            requestor_subject_id,
        });
        let i = st.requests.len() - 1;
        super::lifecycle::schedule_next(&mut st, i, std::time::Instant::now());
        id
    }

    /// Adds a lifecycle workflow from its Graph JSON (`displayName`,
    /// `category`, `tasks`, …). Its `id` is kept or generated, `version` starts at 1.
    pub fn add_workflow(&self, workflow: Value) -> WorkflowId {
        let mut st = self.state();
        let mut wf = if workflow.is_object() {
            workflow
        } else {
            json!({})
        };
        let id = wf
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| st.ids.next_id());
        wf["id"] = json!(id);
        if wf.get("version").is_none() {
            wf["version"] = json!(1);
        }
        let id = WorkflowId::new(id);
        st.workflows.push(super::state::Workflow {
            id: id.clone(),
            versions: vec![wf],
        });
        id
    }
}

fn plain_object(
    id: ObjectId,
    kind: DirKind,
    display_name: String,
    members: Vec<ObjectId>,
    app_id: Option<String>,
) -> DirObject {
    DirObject {
        id,
        kind,
        display_name,
        mail: None,
        upn: None,
        user_type: None,
        account_enabled: true,
        members,
        app_id,
    }
}
