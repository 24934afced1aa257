//! Seeding: the objects a test puts into the fake before running its code.
//!
//! Each `*Seed` is a small builder; `FakeGraph::add_*` stores it and returns
//! the typed id. Ids come from the seeded generator unless given with `.id()`.
//! References (a policy's package, a group's members) are not checked, so
//! they may be added in any order.

use serde_json::{json, Value};

use super::reply::now_string;
use super::state::{
    Assignment, Catalog, DirKind, DirObject, Package, Policy, Question, Request, State,
};
use super::FakeGraph;
use crate::models::{
    AccessPackageId, AllowedTargetScope, AssignmentId, AssignmentPolicyId, AssignmentRequestId,
    AssignmentState, CatalogId, ObjectId, QuestionId, RequestState, RequestType, WorkflowId,
};

/// An access package catalog.
#[derive(Debug, Clone)]
#[must_use]
pub struct CatalogSeed {
    id: Option<CatalogId>,
    display_name: String,
    description: Option<String>,
}

impl CatalogSeed {
    /// A catalog called `display_name`.
    pub fn new(display_name: &str) -> Self {
        Self {
            id: None,
            display_name: display_name.to_owned(),
            description: None,
        }
    }
    /// Use this id instead of a generated one.
    pub fn id(mut self, id: impl Into<CatalogId>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// `description`.
    pub fn description(mut self, text: &str) -> Self {
        self.description = Some(text.to_owned());
        self
    }
}

/// An access package.
#[derive(Debug, Clone)]
#[must_use]
pub struct AccessPackageSeed {
    id: Option<AccessPackageId>,
    display_name: String,
    description: Option<String>,
    catalog: Option<CatalogId>,
    hidden: bool,
}

impl AccessPackageSeed {
    /// A package called `display_name`.
    pub fn new(display_name: &str) -> Self {
        Self {
            id: None,
            display_name: display_name.to_owned(),
            description: None,
            catalog: None,
            hidden: false,
        }
    }
    /// Use this id instead of a generated one.
    pub fn id(mut self, id: impl Into<AccessPackageId>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// `description`.
    pub fn description(mut self, text: &str) -> Self {
        self.description = Some(text.to_owned());
        self
    }
    /// The catalog it belongs to.
    pub fn catalog(mut self, catalog: &CatalogId) -> Self {
        self.catalog = Some(catalog.clone());
        self
    }
    /// `isHidden`.
    pub fn hidden(mut self, hidden: bool) -> Self {
        self.hidden = hidden;
        self
    }
}

/// A policy question: free text, or multiple choice when choices are given.
#[derive(Debug, Clone)]
#[must_use]
pub struct QuestionSeed {
    id: Option<QuestionId>,
    text: String,
    required: bool,
    choices: Vec<String>,
}

impl QuestionSeed {
    /// A required text question.
    pub fn text(text: &str) -> Self {
        Self {
            id: None,
            text: text.to_owned(),
            required: true,
            choices: Vec::new(),
        }
    }
    /// A required multiple-choice question offering `choices` (their `actualValue`s).
    pub fn choice(text: &str, choices: &[&str]) -> Self {
        Self {
            id: None,
            text: text.to_owned(),
            required: true,
            choices: choices.iter().map(|c| (*c).to_owned()).collect(),
        }
    }
    /// Use this id instead of a generated one.
    pub fn id(mut self, id: impl Into<QuestionId>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// Whether an answer is required (default true).
    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }
}

/// An assignment policy of an access package.
#[derive(Debug, Clone)]
#[must_use]
pub struct PolicySeed {
    id: Option<AssignmentPolicyId>,
    package: AccessPackageId,
    display_name: String,
    description: Option<String>,
    scope: AllowedTargetScope,
    specific_users: Vec<ObjectId>,
    specific_groups: Vec<ObjectId>,
    approval_for_add: bool,
    approval_for_update: bool,
    justification_required: bool,
    questions: Vec<QuestionSeed>,
}

impl PolicySeed {
    /// A policy of `package` that admits all member users, needs no
    /// approval and asks no questions.
    pub fn new(display_name: &str, package: &AccessPackageId) -> Self {
        Self {
            id: None,
            package: package.clone(),
            display_name: display_name.to_owned(),
            description: None,
            scope: AllowedTargetScope::AllMemberUsers,
            specific_users: Vec::new(),
            specific_groups: Vec::new(),
            approval_for_add: false,
            approval_for_update: false,
            justification_required: false,
            questions: Vec::new(),
        }
    }
    /// Use this id instead of a generated one.
    pub fn id(mut self, id: impl Into<AssignmentPolicyId>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// `description`.
    pub fn description(mut self, text: &str) -> Self {
        self.description = Some(text.to_owned());
        self
    }
    /// `allowedTargetScope` (default `allMemberUsers`).
    pub fn allowed_target_scope(mut self, scope: AllowedTargetScope) -> Self {
        self.scope = scope;
        self
    }
    /// Adds a `singleUser` (or single service principal) to `specificAllowedTargets`.
    pub fn allow_user(mut self, user: &ObjectId) -> Self {
        self.specific_users.push(user.clone());
        self
    }
    /// Adds a `groupMembers` entry to `specificAllowedTargets` (nested members count).
    pub fn allow_group_members(mut self, group: &ObjectId) -> Self {
        self.specific_groups.push(group.clone());
        self
    }
    /// `isApprovalRequiredForAdd` and `isApprovalRequiredForUpdate`: requests
    /// wait in `pendingApproval` until `FakeGraph::approve` / `deny`.
    pub fn require_approval(mut self, required: bool) -> Self {
        self.approval_for_add = required;
        self.approval_for_update = required;
        self
    }
    /// `isRequestorJustificationRequired`: requests without a justification
    /// get 400 `JustificationRequired`.
    pub fn require_justification(mut self, required: bool) -> Self {
        self.justification_required = required;
        self
    }
    /// Adds a question; unanswered required questions get 400 `MissingRequiredAnswers`.
    pub fn question(mut self, q: QuestionSeed) -> Self {
        self.questions.push(q);
        self
    }
}

/// A user. Mail and user principal name default to
/// `first.last@contoso.example` from the display name.
#[derive(Debug, Clone)]
#[must_use]
pub struct UserSeed {
    id: Option<ObjectId>,
    display_name: String,
    mail: Option<String>,
    upn: Option<String>,
    guest: bool,
    enabled: bool,
}

impl UserSeed {
    /// A member user called `display_name`.
    pub fn new(display_name: &str) -> Self {
        Self {
            id: None,
            display_name: display_name.to_owned(),
            mail: None,
            upn: None,
            guest: false,
            enabled: true,
        }
    }
    /// Use this object id instead of a generated one.
    pub fn id(mut self, id: impl Into<ObjectId>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// `mail`.
    pub fn mail(mut self, mail: &str) -> Self {
        self.mail = Some(mail.to_owned());
        self
    }
    /// `userPrincipalName`.
    pub fn user_principal_name(mut self, upn: &str) -> Self {
        self.upn = Some(upn.to_owned());
        self
    }
    /// `userType` `Guest` instead of `Member`.
    pub fn guest(mut self, guest: bool) -> Self {
        self.guest = guest;
        self
    }
    /// `accountEnabled` (default true).
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }
}

/// A group and its direct members (users, groups, service principals, devices).
#[derive(Debug, Clone)]
#[must_use]
pub struct GroupSeed {
    id: Option<ObjectId>,
    display_name: String,
    members: Vec<ObjectId>,
}

impl GroupSeed {
    /// An empty group.
    pub fn new(display_name: &str) -> Self {
        Self {
            id: None,
            display_name: display_name.to_owned(),
            members: Vec::new(),
        }
    }
    /// Use this object id instead of a generated one.
    pub fn id(mut self, id: impl Into<ObjectId>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// Adds a direct member (any directory object added to the fake).
    pub fn member(mut self, member: &ObjectId) -> Self {
        self.members.push(member.clone());
        self
    }
    /// Adds several direct members.
    pub fn members<'a>(mut self, members: impl IntoIterator<Item = &'a ObjectId>) -> Self {
        self.members.extend(members.into_iter().cloned());
        self
    }
}

/// A service principal.
#[derive(Debug, Clone)]
#[must_use]
pub struct ServicePrincipalSeed {
    id: Option<ObjectId>,
    display_name: String,
    app_id: Option<String>,
}

impl ServicePrincipalSeed {
    /// A service principal called `display_name`.
    pub fn new(display_name: &str) -> Self {
        Self {
            id: None,
            display_name: display_name.to_owned(),
            app_id: None,
        }
    }
    /// Use this object id instead of a generated one.
    pub fn id(mut self, id: impl Into<ObjectId>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// `appId` (default: generated).
    pub fn app_id(mut self, app_id: &str) -> Self {
        self.app_id = Some(app_id.to_owned());
        self
    }
}

/// A device (only ever seen as a group member).
#[derive(Debug, Clone)]
#[must_use]
pub struct DeviceSeed {
    id: Option<ObjectId>,
    display_name: String,
}

impl DeviceSeed {
    /// A device called `display_name`.
    pub fn new(display_name: &str) -> Self {
        Self {
            id: None,
            display_name: display_name.to_owned(),
        }
    }
    /// Use this object id instead of a generated one.
    pub fn id(mut self, id: impl Into<ObjectId>) -> Self {
        self.id = Some(id.into());
        self
    }
}

/// Who a seeded assignment or request is for.
#[derive(Debug, Clone)]
enum SeedTarget {
    Object(ObjectId),
    Email(String),
}

/// An existing assignment, in any state (default `delivered`).
#[derive(Debug, Clone)]
#[must_use]
pub struct AssignmentSeed {
    id: Option<AssignmentId>,
    package: AccessPackageId,
    policy: AssignmentPolicyId,
    target: SeedTarget,
    state: AssignmentState,
    status: Option<String>,
    schedule: Option<Value>,
}

impl AssignmentSeed {
    /// A delivered assignment of `package` through `policy` for a user or
    /// service principal.
    pub fn new(package: &AccessPackageId, policy: &AssignmentPolicyId, target: &ObjectId) -> Self {
        Self {
            id: None,
            package: package.clone(),
            policy: policy.clone(),
            target: SeedTarget::Object(target.clone()),
            state: AssignmentState::Delivered,
            status: None,
            schedule: None,
        }
    }
    /// For someone not in the directory (subject `objectId` null).
    pub fn for_email(package: &AccessPackageId, policy: &AssignmentPolicyId, email: &str) -> Self {
        let mut s = Self::new(package, policy, &ObjectId::new(""));
        s.target = SeedTarget::Email(email.to_owned());
        s
    }
    /// Use this id instead of a generated one.
    pub fn id(mut self, id: impl Into<AssignmentId>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// `state` (the `status` text follows it unless set).
    pub fn state(mut self, state: AssignmentState) -> Self {
        self.state = state;
        self
    }
    /// `status` text.
    pub fn status(mut self, status: &str) -> Self {
        self.status = Some(status.to_owned());
        self
    }
    /// `schedule` JSON as Graph shows it.
    pub fn schedule(mut self, schedule: Value) -> Self {
        self.schedule = Some(schedule);
        self
    }
}

/// An existing assignment request, in any state (default `submitted`).
#[derive(Debug, Clone)]
#[must_use]
pub struct RequestSeed {
    id: Option<AssignmentRequestId>,
    request_type: RequestType,
    package: AccessPackageId,
    policy: AssignmentPolicyId,
    target: SeedTarget,
    state: RequestState,
    status: Option<String>,
    assignment: Option<AssignmentId>,
    justification: Option<String>,
}

impl RequestSeed {
    /// A request of `request_type` for `target`.
    pub fn new(
        request_type: RequestType,
        package: &AccessPackageId,
        policy: &AssignmentPolicyId,
        target: &ObjectId,
    ) -> Self {
        Self {
            id: None,
            request_type,
            package: package.clone(),
            policy: policy.clone(),
            target: SeedTarget::Object(target.clone()),
            state: RequestState::Submitted,
            status: None,
            assignment: None,
            justification: None,
        }
    }
    /// For someone not in the directory, by e-mail address.
    pub fn for_email(
        request_type: RequestType,
        package: &AccessPackageId,
        policy: &AssignmentPolicyId,
        email: &str,
    ) -> Self {
        let mut s = Self::new(request_type, package, policy, &ObjectId::new(""));
        s.target = SeedTarget::Email(email.to_owned());
        s
    }
    /// Use this id instead of a generated one.
    pub fn id(mut self, id: impl Into<AssignmentRequestId>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// `state` (the `status` text follows it unless set). Open states keep
    /// moving like any other request.
    pub fn state(mut self, state: RequestState) -> Self {
        self.state = state;
        self
    }
    /// `status` text.
    pub fn status(mut self, status: &str) -> Self {
        self.status = Some(status.to_owned());
        self
    }
    /// The assignment the request created or changes.
    pub fn assignment(mut self, assignment: &AssignmentId) -> Self {
        self.assignment = Some(assignment.clone());
        self
    }
    /// `justification`.
    pub fn justification(mut self, text: &str) -> Self {
        self.justification = Some(text.to_owned());
        self
    }
}

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
                    subject_type: crate::models::SubjectType::User,
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
        {
            if !g.members.contains(member) {
                g.members.push(member.clone());
            }
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
