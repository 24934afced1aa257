//! The fake's in-memory store: what Graph would keep in its database.
//!
//! Everything lives in one [`State`] behind a `std::sync::Mutex`; the lock is
//! only ever held for a synchronous piece of work, never across `.await`.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::faults::Faults;
use super::ids::IdGen;
use super::introspect::Received;
use entra_access::models::{
    AccessPackageId, AllowedTargetScope, AssignmentId, AssignmentPolicyId, AssignmentRequestId,
    AssignmentState, CatalogId, ObjectId, QuestionId, RequestState, RequestType, SubjectType,
    WorkflowId,
};

/// Settings fixed when the fake starts (some can be changed later).
/// `Debug` leaves out the client secret.
#[derive(Clone)]
pub(crate) struct Config {
    pub page_size: usize,
    /// `$top` read as a total: at most `$top` items, no next link.
    pub top_is_total: bool,
    /// `None`: requests move only on `advance()`; `Some(d)`: one step every `d`.
    pub step_delay: Option<Duration>,
    pub catalog_scoped: bool,
    pub token_lifetime: Duration,
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: String,
    /// Object id of the calling app's service principal (its tokens' `oid`).
    pub app_object_id: String,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("page_size", &self.page_size)
            .field("top_is_total", &self.top_is_total)
            .field("step_delay", &self.step_delay)
            .field("catalog_scoped", &self.catalog_scoped)
            .field("token_lifetime", &self.token_lifetime)
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// `accessPackageCatalog`.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    pub id: CatalogId,
    pub display_name: String,
    pub description: Option<String>,
    pub created: String,
}

/// `accessPackage`.
#[derive(Debug, Clone)]
pub(crate) struct Package {
    pub id: AccessPackageId,
    pub catalog_id: Option<CatalogId>,
    pub display_name: String,
    pub description: Option<String>,
    pub is_hidden: bool,
    pub created: String,
}

/// One policy question.
#[derive(Debug, Clone)]
pub(crate) struct Question {
    pub id: QuestionId,
    pub text: String,
    pub required: bool,
    /// Empty for a text question; the offered values for a multiple-choice one.
    pub choices: Vec<String>,
}

/// `accessPackageAssignmentPolicy`.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub id: AssignmentPolicyId,
    pub package_id: AccessPackageId,
    pub display_name: String,
    pub description: Option<String>,
    pub scope: AllowedTargetScope,
    /// Allowed users (`singleUser`) and groups (`groupMembers`) for `specific…` scopes.
    pub specific_users: Vec<ObjectId>,
    pub specific_groups: Vec<ObjectId>,
    pub approval_for_add: bool,
    pub approval_for_update: bool,
    pub justification_required: bool,
    /// `requestorSettings.enableTargetsToSelfAddAccess`: users in scope may
    /// request access for themselves (`userAdd`).
    pub self_add: bool,
    /// `requestorSettings.allowCustomAssignmentSchedule`: a requestor may
    /// send a schedule.
    pub custom_schedule: bool,
    /// `isApproverJustificationRequired` of every approval stage.
    pub approver_justification: bool,
    /// Named approvers of each approval stage, in order (seeded).
    pub approval_stages: Vec<Vec<ObjectId>>,
    pub questions: Vec<Question>,
    pub created: String,
}

/// Kinds of directory object the fake knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DirKind {
    User,
    Group,
    ServicePrincipal,
    Device,
}

impl DirKind {
    pub(crate) fn odata_type(self) -> &'static str {
        match self {
            Self::User => "#microsoft.graph.user",
            Self::Group => "#microsoft.graph.group",
            Self::ServicePrincipal => "#microsoft.graph.servicePrincipal",
            Self::Device => "#microsoft.graph.device",
        }
    }
}

/// A user, group, service principal or device.
#[derive(Debug, Clone)]
pub(crate) struct DirObject {
    pub id: ObjectId,
    pub kind: DirKind,
    pub display_name: String,
    /// Users: `mail`.
    pub mail: Option<String>,
    /// Users: `userPrincipalName`.
    pub upn: Option<String>,
    /// Users: `Member` or `Guest`.
    pub user_type: Option<String>,
    /// Users: `accountEnabled`.
    pub account_enabled: bool,
    /// Groups: direct members, in insertion order.
    pub members: Vec<ObjectId>,
    /// Service principals: `appId`.
    pub app_id: Option<String>,
}

/// `accessPackageSubject`: who an assignment is for.
#[derive(Debug, Clone)]
pub(crate) struct Subject {
    pub id: String,
    pub object_id: Option<ObjectId>,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub principal_name: Option<String>,
    pub subject_type: SubjectType,
}

/// `accessPackageAssignment`.
#[derive(Debug, Clone)]
pub(crate) struct Assignment {
    pub id: AssignmentId,
    pub package_id: AccessPackageId,
    pub policy_id: AssignmentPolicyId,
    pub subject_id: String,
    pub state: AssignmentState,
    pub status: String,
    pub schedule: Value,
    pub expired: Option<String>,
    pub callouts: Vec<Value>,
}

/// `accessPackageAssignmentRequest`.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub id: AssignmentRequestId,
    pub request_type: RequestType,
    pub state: RequestState,
    pub status: String,
    pub package_id: AccessPackageId,
    pub policy_id: AssignmentPolicyId,
    pub subject_id: String,
    pub assignment_id: Option<AssignmentId>,
    pub schedule: Value,
    pub justification: Option<String>,
    pub answers: Vec<Value>,
    pub created: String,
    pub completed: Option<String>,
    pub callouts: Vec<Value>,
    /// When the request takes its next automatic step (auto mode only).
    pub due: Option<Instant>,
    /// Seeded as Graph may show an open request: no assignment yet, and the
    /// person only in `requestor` (`RequestSeed::requestor_only`).
    pub requestor_only: bool,
    /// `parameters.bypassApproval` as the create body sent it.
    pub bypass_approval: Option<bool>,
    /// A `userAdd` for someone who holds the package already: delivery
    /// renews their assignment instead of creating one.
    pub renews: bool,
    /// Left out of request lists until then (a lagging listing); `GET` by
    /// id finds it at once.
    pub listed_from: Option<Instant>,
    /// The subject Graph shows as `requestor`: "the subject who requested
    /// or, if a direct assignment, was assigned"
    /// (`resources/accesspackageassignmentrequest.md`). The target's
    /// subject unless a seed named someone else (`RequestSeed::requested_by`).
    pub requestor_subject_id: String,
}

/// A lifecycle workflow and its versions (last = current).
#[derive(Debug, Clone)]
pub(crate) struct Workflow {
    pub id: WorkflowId,
    pub versions: Vec<Value>,
}

/// Everything the fake knows. `Debug` shows counts only (no tokens).
pub(crate) struct State {
    pub cfg: Config,
    pub ids: IdGen,
    pub catalogs: Vec<Catalog>,
    pub packages: Vec<Package>,
    pub policies: Vec<Policy>,
    pub directory: Vec<DirObject>,
    pub subjects: Vec<Subject>,
    pub assignments: Vec<Assignment>,
    pub requests: Vec<Request>,
    pub workflows: Vec<Workflow>,
    /// Pairs (package, a package it marks incompatible).
    pub incompatible: Vec<(AccessPackageId, AccessPackageId)>,
    /// Pairs (package, a group whose members must not hold it).
    pub incompatible_groups: Vec<(AccessPackageId, ObjectId)>,
    /// Lower-cased object ids and e-mail addresses whose deliveries fail.
    pub failing_targets: HashSet<String>,
    pub faults: Faults,
    pub log: Vec<Received>,
    /// Issued access tokens and what each grants.
    pub tokens: super::token::Tokens,
    /// What the app and the users may do, and the tenant's licence.
    pub access: super::permissions::Access,
    /// The signed-in user who created a request (delegated callers only).
    pub created_by: HashMap<AssignmentRequestId, ObjectId>,
    /// Approvers' decisions, by request and stage.
    pub approval_decisions: super::approvals::Decisions,
    /// Device-code sign-ins and refresh tokens.
    pub device: super::device_code::DeviceCodes,
    /// How far the fake's calendar runs ahead of the real one: scheduled
    /// starts and the reprocess window are judged at `now + clock_offset`.
    pub clock_offset: chrono::Duration,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("cfg", &self.cfg)
            .field("packages", &self.packages.len())
            .field("policies", &self.policies.len())
            .field("directory", &self.directory.len())
            .field("assignments", &self.assignments.len())
            .field("requests", &self.requests.len())
            .field("received", &self.log.len())
            .finish_non_exhaustive()
    }
}

impl State {
    pub(crate) fn new(cfg: Config, seed: u64) -> Self {
        Self {
            cfg,
            ids: IdGen::new(seed),
            catalogs: Vec::new(),
            packages: Vec::new(),
            policies: Vec::new(),
            directory: Vec::new(),
            subjects: Vec::new(),
            assignments: Vec::new(),
            requests: Vec::new(),
            workflows: Vec::new(),
            incompatible: Vec::new(),
            incompatible_groups: Vec::new(),
            failing_targets: HashSet::new(),
            faults: Faults::default(),
            log: Vec::new(),
            tokens: HashMap::new(),
            access: super::permissions::Access::new(""),
            created_by: HashMap::new(),
            approval_decisions: HashMap::new(),
            device: Default::default(),
            clock_offset: chrono::Duration::zero(),
        }
    }

    /// The fake's calendar: real time plus any
    /// [`advance_clock`](super::FakeGraph::advance_clock).
    pub(crate) fn utc_now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + self.clock_offset
    }

    pub(crate) fn package(&self, id: &str) -> Option<&Package> {
        self.packages.iter().find(|p| p.id == id)
    }

    pub(crate) fn policy(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.id == id)
    }

    pub(crate) fn catalog(&self, id: &str) -> Option<&Catalog> {
        self.catalogs.iter().find(|c| c.id == id)
    }

    pub(crate) fn object(&self, id: &str) -> Option<&DirObject> {
        self.directory.iter().find(|o| o.id == id)
    }

    pub(crate) fn subject(&self, id: &str) -> Option<&Subject> {
        self.subjects.iter().find(|s| s.id == id)
    }

    pub(crate) fn assignment(&self, id: &str) -> Option<&Assignment> {
        self.assignments.iter().find(|a| a.id == id)
    }

    pub(crate) fn request(&self, id: &str) -> Option<&Request> {
        self.requests.iter().find(|r| r.id == id)
    }

    pub(crate) fn assignment_mut(&mut self, id: &str) -> Option<&mut Assignment> {
        self.assignments.iter_mut().find(|a| a.id == id)
    }

    /// The subject for a directory object, created on first use.
    pub(crate) fn subject_for_object(&mut self, object_id: &ObjectId) -> Option<String> {
        if let Some(s) = self
            .subjects
            .iter()
            .find(|s| s.object_id.as_ref() == Some(object_id))
        {
            return Some(s.id.clone());
        }
        let obj = self.object(object_id.as_str())?.clone();
        let subject_type = match obj.kind {
            DirKind::User => SubjectType::User,
            DirKind::ServicePrincipal => SubjectType::ServicePrincipal,
            DirKind::Group | DirKind::Device => return None,
        };
        let id = self.ids.next_id();
        self.subjects.push(Subject {
            id: id.clone(),
            object_id: Some(obj.id.clone()),
            email: obj.mail.clone(),
            display_name: Some(obj.display_name.clone()),
            principal_name: obj.upn.clone(),
            subject_type,
        });
        Some(id)
    }

    /// The subject for an e-mail address: an existing user with that mail, an
    /// earlier not-yet-delivered subject, or a new subject with no object id.
    pub(crate) fn subject_for_email(&mut self, email: &str) -> String {
        let user = self
            .directory
            .iter()
            .find(|o| {
                o.kind == DirKind::User
                    && o.mail
                        .as_deref()
                        .is_some_and(|m| m.eq_ignore_ascii_case(email))
            })
            .map(|o| o.id.clone());
        if let Some(uid) = user
            && let Some(s) = self.subject_for_object(&uid)
        {
            return s;
        }
        if let Some(s) = self.subjects.iter().find(|s| {
            s.object_id.is_none()
                && s.email
                    .as_deref()
                    .is_some_and(|m| m.eq_ignore_ascii_case(email))
        }) {
            return s.id.clone();
        }
        let id = self.ids.next_id();
        self.subjects.push(Subject {
            id: id.clone(),
            object_id: None,
            email: Some(email.to_owned()),
            display_name: None,
            principal_name: None,
            subject_type: SubjectType::User,
        });
        id
    }

    /// Direct members of a group, or all members reached through nested groups
    /// (each object once, nested groups included) when `transitive`.
    pub(crate) fn members(&self, group: &str, transitive: bool) -> Vec<ObjectId> {
        let Some(g) = self.object(group) else {
            return Vec::new();
        };
        if !transitive {
            return g.members.clone();
        }
        let mut out: Vec<ObjectId> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        seen.insert(g.id.as_str().to_owned());
        let mut queue: Vec<ObjectId> = g.members.clone();
        let mut i = 0;
        while let Some(id) = queue.get(i).cloned() {
            i += 1;
            if !seen.insert(id.as_str().to_owned()) {
                continue;
            }
            if let Some(o) = self.object(id.as_str())
                && o.kind == DirKind::Group
            {
                queue.extend(o.members.iter().cloned());
            }
            out.push(id);
        }
        out
    }
}

/// Locks the state, recovering it if a thread panicked while holding it.
pub(crate) fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
