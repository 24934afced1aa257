//! What a bulk plan is made from besides the facts: the settings of the
//! run, kept in the plan so that applying it (or planning it again) needs
//! nothing else.

use serde::{Deserialize, Serialize};

use crate::source::Source;
use crate::{RemovalScope, DEFAULT_MAX_REMOVALS};
use entra_access::error::Result;
use entra_access::models::{AccessPackageId, Answer, AssignmentPolicyId, Schedule};

/// The settings of a bulk run: the package and policy, who it is for, what
/// it may remove, its caps, and what every add sends. A [`BulkPlan`](super::BulkPlan)
/// carries the one it was made from (JSON: camelCase fields).
///
/// [`BulkAssign`](crate::BulkAssign) builds one from its builder
/// calls; build one yourself to plan from facts you gathered
/// ([`plan_bulk`](crate::plan_bulk)).
///
/// ```
/// use entra_access_ops::{BulkSource, BulkSpec, RemovalScope};
///
/// let mut spec = BulkSpec::new("pkg-1", "pol-1", BulkSource::Users(vec!["u-1".into()]));
/// assert_eq!(spec.removal_scope, RemovalScope::None, "adds only unless asked");
/// spec.removal_scope = RemovalScope::Policy;
/// spec.justification = Some("quarterly onboarding".into());
/// let json = serde_json::to_value(&spec)?;
/// assert_eq!(json["removalScope"], "policy");
/// assert_eq!(json["maxRemovals"], 50);
/// assert_eq!(serde_json::from_value::<BulkSpec>(json)?, spec);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BulkSpec {
    /// The package assigned.
    pub access_package: AccessPackageId,
    /// The policy assigned through (and, with [`RemovalScope::Policy`],
    /// the only one removals come from).
    pub policy: AssignmentPolicyId,
    /// Who the run is for; read again right before each removal.
    pub source: Source,
    /// Which assignments of people outside the source are removed:
    /// [`RemovalScope::None`] (the default) removes nothing.
    pub removal_scope: RemovalScope,
    /// A plan with more removals is refused.
    pub max_removals: usize,
    /// Let a source with no users remove every assignment in scope.
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
}

impl BulkSpec {
    /// Adds only ([`RemovalScope::None`]), the default caps, nothing extra
    /// sent with the adds.
    pub fn new(
        access_package: impl Into<AccessPackageId>,
        policy: impl Into<AssignmentPolicyId>,
        source: Source,
    ) -> Self {
        Self {
            access_package: access_package.into(),
            policy: policy.into(),
            source,
            removal_scope: RemovalScope::None,
            max_removals: DEFAULT_MAX_REMOVALS,
            allow_empty_source: false,
            max_assignments: None,
            schedule: None,
            justification: None,
            answers: Vec::new(),
        }
    }

    /// Refuses ids that Graph would refuse, before anything is read or sent.
    pub(crate) fn check(&self) -> Result<()> {
        self.access_package
            .check()
            .map_err(|p| crate::invalid_input("access package id", p))?;
        self.policy
            .check()
            .map_err(|p| crate::invalid_input("assignment policy id", p))?;
        match &self.source {
            Source::Group { id, .. } => id.check().map_err(|p| crate::invalid_input("group id", p)),
            Source::Users(ids) => {
                for id in ids {
                    id.check()
                        .map_err(|p| crate::invalid_input(&format!("user id '{id}'"), p))?;
                }
                Ok(())
            }
        }
    }

    /// Whether the source is a list with no users: with removals on, it is
    /// refused before anything is read.
    pub(crate) fn is_empty_list(&self) -> bool {
        matches!(&self.source, Source::Users(ids) if ids.is_empty())
    }
}
