//! Seeding: the objects a test puts into the fake before running its code.
//!
//! Each `*Seed` is a small builder; `FakeGraph::add_*` (in `seeding.rs`) stores it and returns
//! the typed id. Ids come from the seeded generator unless given with `.id()`.
//! References (a policy's package, a group's members) are not checked, so
//! they may be added in any order.

use serde_json::Value;

use entra_access::models::{
    AccessPackageId, AllowedTargetScope, AssignmentId, AssignmentPolicyId, AssignmentRequestId,
    AssignmentState, CatalogId, ObjectId, QuestionId, RequestState, RequestType,
};

/// An access package catalog.
#[derive(Debug, Clone)]
#[must_use]
pub struct CatalogSeed {
    pub(super) id: Option<CatalogId>,
    pub(super) display_name: String,
    pub(super) description: Option<String>,
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
    pub(super) id: Option<AccessPackageId>,
    pub(super) display_name: String,
    pub(super) description: Option<String>,
    pub(super) catalog: Option<CatalogId>,
    pub(super) hidden: bool,
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
    pub(super) id: Option<QuestionId>,
    pub(super) text: String,
    pub(super) required: bool,
    pub(super) choices: Vec<String>,
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
    pub(super) id: Option<AssignmentPolicyId>,
    pub(super) package: AccessPackageId,
    pub(super) display_name: String,
    pub(super) description: Option<String>,
    pub(super) scope: AllowedTargetScope,
    pub(super) specific_users: Vec<ObjectId>,
    pub(super) specific_groups: Vec<ObjectId>,
    pub(super) approval_for_add: bool,
    pub(super) approval_for_update: bool,
    pub(super) justification_required: bool,
    pub(super) self_add: bool,
    pub(super) custom_schedule: bool,
    pub(super) approver_justification: bool,
    pub(super) questions: Vec<QuestionSeed>,
    pub(super) approval_stages: Vec<Vec<ObjectId>>,
}

impl PolicySeed {
    /// A policy of `package` that admits all member users, needs no
    /// approval and asks no questions. Administrators assign through it;
    /// users may not request it for themselves until
    /// [`allow_self_add`](Self::allow_self_add). A requestor may send a
    /// schedule ([`allow_custom_schedule`](Self::allow_custom_schedule)).
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
            self_add: false,
            custom_schedule: true,
            approver_justification: false,
            questions: Vec::new(),
            approval_stages: Vec::new(),
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
    /// Adds an approval stage whose approvers are `approvers` (each a
    /// `singleUser`), and turns approval on for add and update requests.
    /// Call it once or twice, in stage order. Approvers sign in with
    /// [`FakeGraph::delegated_client_for`](super::FakeGraph::delegated_client_for)
    /// and decide through `Client::approvals`; deciding a stage one is not
    /// an approver of gets 403, a decided stage 409. One denial ends the
    /// request `denied`; approval by the last stage starts delivery.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};
    ///
    /// let fake = FakeGraph::start().await;
    /// let first = fake.add_user(UserSeed::new("Ada Lovelace"));
    /// let second = fake.add_user(UserSeed::new("Grace Hopper"));
    /// let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
    /// let policy = fake.add_policy(
    ///     PolicySeed::new("Two approvers", &pkg)
    ///         .approval_stage([&first])
    ///         .approval_stage([&second]),
    /// );
    /// # let _ = policy;
    /// # }
    /// ```
    pub fn approval_stage<'a>(mut self, approvers: impl IntoIterator<Item = &'a ObjectId>) -> Self {
        self.approval_stages
            .push(approvers.into_iter().cloned().collect());
        self.approval_for_add = true;
        self.approval_for_update = true;
        self
    }
    /// `isRequestorJustificationRequired`: requests without a justification
    /// get 400 `JustificationRequired`.
    pub fn require_justification(mut self, required: bool) -> Self {
        self.justification_required = required;
        self
    }
    /// `requestorSettings.enableTargetsToSelfAddAccess` (default false):
    /// users in the policy's scope may request the package for themselves
    /// (`userAdd`). Without it a `userAdd` through the policy gets 400
    /// `NoMatchingPolicy` ("No valid policy was found in the request.").
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};
    ///
    /// let fake = FakeGraph::start().await;
    /// let pkg = fake.add_access_package(AccessPackageSeed::new("Travel"));
    /// let policy = fake.add_policy(PolicySeed::new("Ask for it", &pkg).allow_self_add(true));
    /// let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
    /// let asked = fake
    ///     .delegated_client_for(&ada)
    ///     .unwrap()
    ///     .assignment_requests()
    ///     .user_add(pkg, policy)
    ///     .send()
    ///     .await;
    /// assert!(asked.is_ok());
    /// # }
    /// ```
    pub fn allow_self_add(mut self, allowed: bool) -> Self {
        self.self_add = allowed;
        self
    }
    /// `requestorSettings.allowCustomAssignmentSchedule` (default true):
    /// whether a `userAdd` may send a `schedule`. Without it one that does
    /// gets 400 `CustomScheduleNotAllowed`.
    pub fn allow_custom_schedule(mut self, allowed: bool) -> Self {
        self.custom_schedule = allowed;
        self
    }
    /// `isApproverJustificationRequired` on every approval stage: a
    /// decision without a justification gets 400
    /// `ApproverJustificationRequired`.
    pub fn require_approver_justification(mut self, required: bool) -> Self {
        self.approver_justification = required;
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
    pub(super) id: Option<ObjectId>,
    pub(super) display_name: String,
    pub(super) mail: Option<String>,
    pub(super) upn: Option<String>,
    pub(super) guest: bool,
    pub(super) enabled: bool,
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
    pub(super) id: Option<ObjectId>,
    pub(super) display_name: String,
    pub(super) members: Vec<ObjectId>,
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
    pub(super) id: Option<ObjectId>,
    pub(super) display_name: String,
    pub(super) app_id: Option<String>,
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
    pub(super) id: Option<ObjectId>,
    pub(super) display_name: String,
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
pub(super) enum SeedTarget {
    Object(ObjectId),
    Email(String),
}

/// An existing assignment, in any state (default `delivered`).
#[derive(Debug, Clone)]
#[must_use]
pub struct AssignmentSeed {
    pub(super) id: Option<AssignmentId>,
    pub(super) package: AccessPackageId,
    pub(super) policy: AssignmentPolicyId,
    pub(super) target: SeedTarget,
    pub(super) state: AssignmentState,
    pub(super) status: Option<String>,
    pub(super) schedule: Option<Value>,
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
    pub(super) id: Option<AssignmentRequestId>,
    pub(super) request_type: RequestType,
    pub(super) package: AccessPackageId,
    pub(super) policy: AssignmentPolicyId,
    pub(super) target: SeedTarget,
    pub(super) state: RequestState,
    pub(super) status: Option<String>,
    pub(super) assignment: Option<AssignmentId>,
    pub(super) justification: Option<String>,
    pub(super) requestor_only: bool,
    pub(super) requested_by: Option<ObjectId>,
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
            requestor_only: false,
            requested_by: None,
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
    /// Shown as Graph may show an open request before its assignment
    /// exists: `assignment` is `null` (until delivery makes one) and the
    /// person is only in `requestor` (Graph: "the subject who requested or,
    /// if a direct assignment, was assigned"). Without it the fake shows
    /// the assignment-to-be with its target (and the same `requestor`).
    ///
    /// ```
    /// # async fn demo() {
    /// use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, RequestSeed, UserSeed};
    /// use entra_access::models::RequestType;
    ///
    /// let fake = FakeGraph::builder().manual_progress().start().await;
    /// let pkg = fake.add_access_package(AccessPackageSeed::new("Sales"));
    /// let pol = fake.add_policy(PolicySeed::new("Direct", &pkg));
    /// let ada = fake.add_user(UserSeed::new("Ada"));
    /// fake.add_request(RequestSeed::new(RequestType::AdminAdd, &pkg, &pol, &ada).requestor_only());
    /// # }
    /// ```
    pub fn requestor_only(mut self) -> Self {
        self.requestor_only = true;
        self
    }

    /// Who asked, shown as the request's `requestor` (and, for a user, as
    /// the request's creator to `filterByCurrentUser(on='createdBy')`): for
    /// an `onBehalfAdd`, the manager who asked for the target. Without it
    /// the `requestor` is the target, as Graph shows it for a direct
    /// assignment ("the subject who requested or, if a direct assignment,
    /// was assigned", `resources/accesspackageassignmentrequest.md`) and for
    /// a user's own request.
    ///
    /// ```
    /// # async fn demo() {
    /// use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, RequestSeed, UserSeed};
    /// use entra_access::models::RequestType;
    ///
    /// let fake = FakeGraph::builder().manual_progress().start().await;
    /// let pkg = fake.add_access_package(AccessPackageSeed::new("Sales"));
    /// let pol = fake.add_policy(PolicySeed::new("Managers ask", &pkg));
    /// let ada = fake.add_user(UserSeed::new("Ada"));
    /// let manager = fake.add_user(UserSeed::new("Grace"));
    /// fake.add_request(RequestSeed::new(RequestType::OnBehalfAdd, &pkg, &pol, &ada).requested_by(&manager));
    /// # }
    /// ```
    pub fn requested_by(mut self, requestor: &ObjectId) -> Self {
        self.requested_by = Some(requestor.clone());
        self
    }
}
