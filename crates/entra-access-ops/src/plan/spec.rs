//! What a package plan is made from besides the facts: the settings of
//! one package, kept in the plan so that applying it (or planning it
//! again) needs nothing else.

use serde::{Deserialize, Serialize};

use crate::refusal::Refusal;
use crate::source::Source;
use crate::{RemovalScope, DEFAULT_MAX_REMOVALS};
use entra_access::error::Result;
use entra_access::models::{
    AccessPackageId, AllowedTargetScope, Answer, AssignmentPolicyId, Schedule,
};

/// The settings of one package's plan: the package and policy, who should
/// hold it ([`Source`]), what may be removed, the caps, and what every add
/// sends. A [`PackagePlan`](crate::PackagePlan) carries the one it was made
/// from (JSON: camelCase fields).
///
/// [`BulkAssign`](crate::BulkAssign) builds one from its builder calls; a
/// desired-state file one per `[[package]]` ([`sync::resolve`](crate::sync::resolve));
/// build one yourself to plan from facts you gathered
/// ([`plan_package`](crate::plan_package)).
///
/// ```
/// use entra_access_ops::{PackageSpec, RemovalScope, Source};
///
/// let mut spec = PackageSpec::new("pkg-1", "pol-1", Source::users(["u-1"]));
/// assert_eq!(spec.removal_scope, RemovalScope::None, "adds only unless asked");
/// assert_eq!(spec.label, "pkg-1", "named by its id unless labelled");
/// spec.removal_scope = RemovalScope::Policy;
/// spec.justification = Some("quarterly onboarding".into());
/// let json = serde_json::to_value(&spec)?;
/// assert_eq!(json["removalScope"], "policy");
/// assert_eq!(json["maxRemovals"], 50);
/// assert_eq!(serde_json::from_value::<PackageSpec>(json)?, spec);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PackageSpec {
    /// The package assigned.
    pub access_package: AccessPackageId,
    /// How messages and reports name the package (the file's name or id;
    /// the package id for a bulk run).
    pub label: String,
    /// The policy assigned through (and, with [`RemovalScope::Policy`],
    /// the only one removals come from).
    pub policy: AssignmentPolicyId,
    /// The policy's allowed target scope, when known: an e-mail add needs a
    /// policy that takes people outside the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_scope: Option<AllowedTargetScope>,
    /// Who should hold the package; read again when a stored plan is
    /// applied and right before each removal.
    pub source: Source,
    /// Which assignments of people outside the source are removed:
    /// [`RemovalScope::None`] (the default of [`new`](Self::new)) removes
    /// nothing.
    pub removal_scope: RemovalScope,
    /// A plan with more removals is refused (and never more than
    /// [`MAX_REMOVALS_CEILING`](crate::MAX_REMOVALS_CEILING)).
    pub max_removals: usize,
    /// Let a source with nobody in it remove every assignment in scope.
    #[serde(default)]
    pub allow_empty_source: bool,
    /// A plan that leaves the package with more assignments (not expired)
    /// is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_assignments: Option<usize>,
    /// The schedule sent with every add (none: the policy's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// The justification sent with every add and removal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Answers to the policy's questions, sent with every add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<Answer>,
    /// The approval intent sent with every add
    /// (`parameters.bypassApproval`); `None` sends nothing and the policy
    /// decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// Whether the policy requires approval for an add
    /// (`requestApprovalSettings.isApprovalRequiredForAdd`), when known:
    /// every plan reads the policy and sets it; `None` in a spec built by
    /// hand, where no add is claimed to wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_requires_approval: Option<bool>,
}

/// What an add asks of the policy's approval
/// (`parameters.bypassApproval` of the `adminAdd`; JSON and TOML:
/// `"require"` or `"bypass"`).
///
/// ```
/// use entra_access_ops::Approval;
///
/// assert_eq!(serde_json::to_value(Approval::Bypass)?, "bypass");
/// assert_eq!(serde_json::from_value::<Approval>("require".into())?, Approval::Require);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Approval {
    /// Send `bypassApproval: false`: the add waits for the approvers the
    /// policy names, if it names any.
    Require,
    /// Send `bypassApproval: true`: the add skips the policy's approval.
    Bypass,
}

impl Approval {
    /// The `bypassApproval` value sent.
    pub fn bypasses(self) -> bool {
        self == Self::Bypass
    }
}

impl PackageSpec {
    /// Adds only ([`RemovalScope::None`]), the default caps, nothing extra
    /// sent with the adds, labelled with the package id.
    pub fn new(
        access_package: impl Into<AccessPackageId>,
        policy: impl Into<AssignmentPolicyId>,
        source: Source,
    ) -> Self {
        let access_package = access_package.into();
        Self {
            label: access_package.to_string(),
            access_package,
            policy: policy.into(),
            policy_scope: None,
            source,
            removal_scope: RemovalScope::None,
            max_removals: DEFAULT_MAX_REMOVALS,
            allow_empty_source: false,
            max_assignments: None,
            schedule: None,
            justification: None,
            answers: Vec::new(),
            approval: None,
            policy_requires_approval: None,
        }
    }

    /// Whether the adds of this package will wait for approvers: the
    /// policy is known to require approval for an add and the spec does
    /// not [bypass](Approval::Bypass) it.
    ///
    /// ```
    /// use entra_access_ops::{Approval, PackageSpec, Source};
    ///
    /// let mut spec = PackageSpec::new("pkg-1", "pol-1", Source::default());
    /// assert!(!spec.adds_wait_for_approval(), "unknown policy: not claimed");
    /// spec.policy_requires_approval = Some(true);
    /// assert!(spec.adds_wait_for_approval());
    /// spec.approval = Some(Approval::Bypass);
    /// assert!(!spec.adds_wait_for_approval());
    /// ```
    pub fn adds_wait_for_approval(&self) -> bool {
        self.policy_requires_approval == Some(true) && self.approval != Some(Approval::Bypass)
    }

    /// Refuses ids Graph would refuse, before anything is read or sent.
    pub(crate) fn check(&self) -> Result<()> {
        self.access_package
            .check()
            .map_err(|p| crate::invalid_input("access package id", p))?;
        self.policy
            .check()
            .map_err(|p| crate::invalid_input("assignment policy id", p))?;
        self.source
            .check()
            .map_err(|(what, problem)| crate::invalid_input(&what, problem))
    }

    /// The refusal of a plan that removes while the source names nobody
    /// (nothing read yet): `None` when allowed.
    pub(crate) fn empty_source_refusal(&self) -> Option<Refusal> {
        (self.removal_scope.removes() && self.source.is_empty() && !self.allow_empty_source)
            .then(|| self.refuse_empty_source())
    }

    pub(crate) fn refuse_empty_source(&self) -> Refusal {
        Refusal::EmptySource {
            package: self.label.clone(),
            removal: self.removal_scope,
        }
    }

    /// Whether the policy lets an administrator assign people outside the
    /// directory by e-mail (`notSpecified`, the external and
    /// connected-organization scopes, or a scope this crate does not know).
    pub fn policy_allows_email(&self) -> bool {
        use AllowedTargetScope as S;
        !matches!(
            self.policy_scope,
            Some(
                S::SpecificDirectoryUsers
                    | S::SpecificDirectoryServicePrincipals
                    | S::AllMemberUsers
                    | S::AllDirectoryUsers
                    | S::AllDirectoryServicePrincipals
            )
        )
    }
}
