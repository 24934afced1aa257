//! Which assignments a plan may remove, and how many: one scope, one cap
//! and one ceiling for every plan.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Removals a package plan may make unless the caller allows more
/// ([`PackageSpec::max_removals`](crate::PackageSpec::max_removals)).
pub const DEFAULT_MAX_REMOVALS: usize = 50;

/// The most removals one package plan may carry, whatever its own cap says:
/// a cap written into a plan (or a file) cannot raise it. Removing more
/// from one package takes several reviewed plans.
pub const MAX_REMOVALS_CEILING: usize = 10_000;

/// Which assignments of a package a plan may remove (a bulk run's
/// [`reconcile`](crate::BulkAssign::reconcile), a desired-state file's
/// `removal`).
///
/// In JSON and TOML `"none"`, `"policy"` or `"all"`.
///
/// ```
/// use entra_access_ops::RemovalScope;
///
/// assert_eq!(RemovalScope::default(), RemovalScope::Policy);
/// assert_eq!(RemovalScope::All.to_string(), "all");
/// assert_eq!(serde_json::to_value(RemovalScope::All)?, "all");
/// assert!(serde_json::from_str::<RemovalScope>(r#""allPolicies""#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RemovalScope {
    /// Never remove: only add (a bulk run without
    /// [`reconcile`](crate::BulkAssign::reconcile); a file adopting a
    /// package that already has holders).
    #[serde(rename = "none")]
    None,
    /// Only assignments made through the plan's own policy (the bulk's
    /// policy; the one the file names for the package, or its only one). Access granted through another policy — a request the person
    /// made, an automatic assignment — is left alone. The default.
    #[default]
    #[serde(rename = "policy")]
    Policy,
    /// Assignments of the package under every policy.
    #[serde(rename = "all")]
    All,
}

impl RemovalScope {
    /// `none`, `policy` or `all`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Policy => "policy",
            Self::All => "all",
        }
    }

    /// Whether this scope removes anything at all.
    ///
    /// ```
    /// use entra_access_ops::RemovalScope;
    /// assert!(!RemovalScope::None.removes() && RemovalScope::Policy.removes());
    /// ```
    pub fn removes(self) -> bool {
        self != Self::None
    }

    /// Whether an assignment under `assignment_policy` is in this scope
    /// when the run's own policy is `own`.
    pub(crate) fn covers(
        self,
        assignment_policy: Option<&entra_access::models::AssignmentPolicyId>,
        own: &entra_access::models::AssignmentPolicyId,
    ) -> bool {
        match self {
            Self::None => false,
            Self::Policy => assignment_policy == Some(own),
            Self::All => true,
        }
    }
}

impl fmt::Display for RemovalScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
