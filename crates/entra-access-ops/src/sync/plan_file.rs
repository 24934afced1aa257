//! The sync plan as data: what was observed, and every action with its
//! reason. It is `Serialize + Deserialize`, versioned, and names the Graph
//! base URL it was made against, so it can be reviewed, stored and applied
//! later by another process.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::SyncError;

use crate::{Observed, RemovalScope};
use entra_access::models::{
    AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentRequestId, DateTime, IsoDuration,
    ObjectId,
};

/// The plan format this build writes and applies.
pub const SYNC_PLAN_FORMAT_VERSION: u32 = 1;

/// Whom an action is for: a user by object id, or a person outside the
/// directory by e-mail. Displays as the id or the address.
///
/// ```
/// use entra_access_ops::sync::PlanTarget;
///
/// let t = PlanTarget::Email("ana@fabrikam.com".into());
/// assert_eq!(t.to_string(), "ana@fabrikam.com");
/// assert_eq!(serde_json::to_string(&t)?, r#"{"email":"ana@fabrikam.com"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum PlanTarget {
    /// A user, by object id.
    User(ObjectId),
    /// A person outside the directory, by e-mail.
    Email(String),
}

impl fmt::Display for PlanTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User(id) => f.write_str(id.as_str()),
            Self::Email(e) => f.write_str(e),
        }
    }
}

/// Add or remove.
///
/// ```
/// use entra_access_ops::sync::ActionKind;
/// assert_eq!(ActionKind::Add.to_string(), "add");
/// assert_eq!(serde_json::to_string(&ActionKind::Remove)?, r#""remove""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ActionKind {
    /// `adminAdd` through the package's policy.
    Add,
    /// `adminRemove` of one assignment.
    Remove,
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Add => "add",
            Self::Remove => "remove",
        })
    }
}

/// Why an action is in the plan.
///
/// ```
/// use entra_access_ops::sync::Reason;
///
/// let r = Reason::GroupMember { group: "grp-1".into() };
/// assert_eq!(r.to_string(), "member of group grp-1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Reason {
    /// Listed in `users` (as the file wrote it) and not holding the package.
    ListedUser {
        /// The entry as written (user principal name or object id).
        listed_as: String,
    },
    /// A user member of a listed group, not holding the package.
    GroupMember {
        /// The group.
        group: ObjectId,
    },
    /// Listed in `emails`, not holding the package.
    ListedEmail,
    /// Holds an assignment in the removal scope that the file does not list.
    NotDesired {
        /// The policy the assignment is under.
        policy: Option<AssignmentPolicyId>,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ListedUser { listed_as } => write!(f, "listed in users as {listed_as}"),
            Self::GroupMember { group } => write!(f, "member of group {group}"),
            Self::ListedEmail => f.write_str("listed in emails"),
            Self::NotDesired { policy: Some(p) } => {
                write!(f, "not in the file; assignment under policy {p}")
            }
            Self::NotDesired { policy: None } => f.write_str("not in the file"),
        }
    }
}

/// One write of the plan.
///
/// ```
/// use entra_access_ops::sync::{plan_package, ActionKind, DesiredHolder, PlanTarget, ResolvedPackage};
/// use entra_access_ops::PackageFacts;
///
/// let mut pkg = ResolvedPackage::new("Marketing", "pkg-1", "pol-1");
/// pkg.desired.push(DesiredHolder::user("ada", "ada@contoso.com"));
/// let plan = plan_package(&pkg, &PackageFacts::new("pkg-1"))?;
/// let action = &plan.actions[0];
/// assert_eq!(action.kind, ActionKind::Add);
/// assert_eq!(action.target, PlanTarget::User("ada".into()));
/// assert_eq!(action.reason.to_string(), "listed in users as ada@contoso.com");
/// # Ok::<(), entra_access_ops::sync::SyncError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SyncAction {
    /// Add or remove.
    pub kind: ActionKind,
    /// Whom it is for.
    pub target: PlanTarget,
    /// For a removal: the assignment to remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_id: Option<AssignmentId>,
    /// Why.
    pub reason: Reason,
}

/// Something a reviewer should know that is not an action.
///
/// ```
/// use entra_access_ops::sync::Warning;
///
/// let w = Warning::GroupNotFound { group: "grp-9".into() };
/// assert_eq!(w.to_string(), "group grp-9 does not exist; it adds nobody");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Warning {
    /// An e-mail listed for a package whose policy does not allow people
    /// outside the directory: not added.
    EmailNotAllowed {
        /// The address.
        email: String,
        /// The policy.
        policy: AssignmentPolicyId,
        /// The policy's allowed target scope.
        scope: String,
    },
    /// A listed group does not exist (with removal `none`; otherwise this
    /// is an error).
    GroupNotFound {
        /// The group id.
        group: ObjectId,
    },
    /// Members of a listed group that are not users (groups are followed
    /// transitively; devices, service principals… are left out).
    NonUserMembers {
        /// The group id.
        group: ObjectId,
        /// How many.
        count: usize,
    },
    /// Would be removed, but a request for the person is in flight (Graph
    /// refuses a second one): planned again once it ends.
    RemovalDeferred {
        /// Whom.
        target: PlanTarget,
        /// The open request.
        request: AssignmentRequestId,
    },
    /// Desired, but a request in flight (a removal?) concerns the person.
    DesiredButRequestOpen {
        /// Whom.
        target: PlanTarget,
        /// The open request.
        request: AssignmentRequestId,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmailNotAllowed { email, policy, scope } => write!(
                f,
                "{email} is outside the directory, but policy {policy} allows {scope} only; not added"
            ),
            Self::GroupNotFound { group } => write!(f, "group {group} does not exist; it adds nobody"),
            Self::NonUserMembers { group, count: 1 } => {
                write!(f, "group {group} has 1 member that is not a user; left out")
            }
            Self::NonUserMembers { group, count } => {
                write!(f, "group {group} has {count} members that are not users; left out")
            }
            Self::RemovalDeferred { target, request } => write!(
                f,
                "{target} is not in the file, but request {request} for them is in flight; removal waits for a later run"
            ),
            Self::DesiredButRequestOpen { target, request } => write!(
                f,
                "{target} is in the file and holds the package, but request {request} for them is in flight"
            ),
        }
    }
}

/// The schedule and justification sent with every write of a package
/// (from the file's `[defaults]`).
///
/// ```
/// use entra_access_ops::sync::{AddSettings, ResolvedPackage};
/// let pkg = ResolvedPackage::new("Marketing", "pkg-1", "pol-1");
/// assert_eq!(pkg.settings, AddSettings::default());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AddSettings {
    /// Sent with adds and removals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// How long a new assignment lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<IsoDuration>,
    /// When a new assignment ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<DateTime>,
}

/// The plan of one package.
///
/// ```
/// use entra_access_ops::sync::{plan_package, DesiredHolder, ResolvedPackage};
/// use entra_access_ops::{PackageFacts, RemovalScope};
///
/// let mut pkg = ResolvedPackage::new("Marketing", "pkg-1", "pol-1");
/// pkg.removal = RemovalScope::None;
/// pkg.desired.push(DesiredHolder::email("ana@fabrikam.com"));
/// let plan = plan_package(&pkg, &PackageFacts::new("pkg-1"))?;
/// assert_eq!(plan.adds().count(), 1);
/// assert_eq!(plan.removals().count(), 0);
/// assert!(plan.observed.fingerprint.starts_with("sha256:"));
/// # Ok::<(), entra_access_ops::sync::SyncError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PackagePlan {
    /// The package.
    pub access_package: AccessPackageId,
    /// How the file names it (its name or id).
    pub label: String,
    /// The policy adds go through (and, with removal `policy`, the only
    /// one removals come from).
    pub policy: AssignmentPolicyId,
    /// The removal scope.
    pub removal: RemovalScope,
    /// The removal cap.
    pub max_removals: usize,
    /// What was observed: `apply` refuses the plan when this moved.
    pub observed: Observed,
    /// Sent with every write.
    pub settings: AddSettings,
    /// The writes, adds first.
    pub actions: Vec<SyncAction>,
    /// Desired people who already hold the package (or have an open add
    /// request for it).
    pub unchanged: Vec<PlanTarget>,
    /// What a reviewer should know.
    pub warnings: Vec<Warning>,
}

impl PackagePlan {
    /// The adds.
    pub fn adds(&self) -> impl Iterator<Item = &SyncAction> {
        self.actions.iter().filter(|a| a.kind == ActionKind::Add)
    }

    /// The removals.
    pub fn removals(&self) -> impl Iterator<Item = &SyncAction> {
        self.actions.iter().filter(|a| a.kind == ActionKind::Remove)
    }
}

/// Counts of a plan: `N to add, M to remove, K unchanged`.
///
/// ```
/// use entra_access_ops::sync::PlanTotals;
///
/// let t = PlanTotals { add: 2, remove: 1, unchanged: 5 };
/// assert_eq!(t.to_string(), "2 to add, 1 to remove, 5 unchanged");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTotals {
    /// Adds.
    pub add: usize,
    /// Removals.
    pub remove: usize,
    /// Desired people already holding.
    pub unchanged: usize,
}

impl fmt::Display for PlanTotals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} to add, {} to remove, {} unchanged",
            self.add, self.remove, self.unchanged
        )
    }
}

/// A reviewed plan: what was observed of every package, and every action
/// with its reason. Apply it with [`apply`](super::apply).
///
/// ```
/// use entra_access_ops::sync::{SyncPlan, SyncError};
///
/// let json = r#"{"formatVersion": 99, "baseUrl": "https://graph.microsoft.com/", "createdAt": "2030-01-01T00:00:00Z", "packages": []}"#;
/// assert!(matches!(SyncPlan::from_json(json), Err(SyncError::PlanVersion { found: 99, .. })));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SyncPlan {
    /// [`SYNC_PLAN_FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// The Graph base URL the plan was made against; apply refuses another.
    pub base_url: String,
    /// When the facts were read.
    pub created_at: DateTime,
    /// One per package, in the file's order.
    pub packages: Vec<PackagePlan>,
}

impl SyncPlan {
    /// Totals over every package.
    pub fn totals(&self) -> PlanTotals {
        let mut t = PlanTotals::default();
        for p in &self.packages {
            t.add += p.adds().count();
            t.remove += p.removals().count();
            t.unchanged += p.unchanged.len();
        }
        t
    }

    /// Whether the plan writes nothing.
    pub fn is_empty(&self) -> bool {
        self.packages.iter().all(|p| p.actions.is_empty())
    }

    /// Every `(package, action)` pair, in plan order.
    pub fn actions(&self) -> impl Iterator<Item = (&PackagePlan, &SyncAction)> {
        self.packages
            .iter()
            .flat_map(|p| p.actions.iter().map(move |a| (p, a)))
    }

    /// Every `(package, warning)` pair.
    pub fn warnings(&self) -> impl Iterator<Item = (&PackagePlan, &Warning)> {
        self.packages
            .iter()
            .flat_map(|p| p.warnings.iter().map(move |w| (p, w)))
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a plan; a plan of another format version is refused with
    /// [`SyncError::PlanVersion`] before its body is decoded.
    pub fn from_json(text: &str) -> Result<Self, SyncError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SyncError::PlanDecode {
                message: e.to_string(),
            })?;
        match value
            .get("formatVersion")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) if v == u64::from(SYNC_PLAN_FORMAT_VERSION) => {}
            Some(found) => {
                return Err(SyncError::PlanVersion {
                    found,
                    expected: SYNC_PLAN_FORMAT_VERSION,
                })
            }
            None => {
                return Err(SyncError::PlanDecode {
                    message: "no numeric `formatVersion`".into(),
                })
            }
        }
        serde_path_to_error::deserialize(value).map_err(|e| SyncError::PlanDecode {
            message: format!("{}: {}", e.path(), e.inner()),
        })
    }
}
