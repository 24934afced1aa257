//! Which assignments a run may remove, and how many: one scope and one cap
//! for bulk runs and desired-state syncs alike.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Removals a run may make (per package for a sync) unless the caller
/// allows more.
pub const DEFAULT_MAX_REMOVALS: usize = 50;

/// Which assignments of a package a bulk run ([`BulkAssign`](super::BulkAssign))
/// or a sync ([`ops::sync`](super::sync)) may remove.
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
    /// [`reconcile`](super::BulkAssign::reconcile); a sync adopting a
    /// package that already has holders).
    #[serde(rename = "none")]
    None,
    /// Only assignments made through the run's own policy (the bulk's
    /// policy; the one the sync file names for the package, or its only
    /// one). Access granted through another policy — a request the person
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
