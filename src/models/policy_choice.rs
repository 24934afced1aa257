//! Picking the one assignment policy to use from an access package.

use std::fmt;

use super::{AccessPackage, AssignmentPolicy};

/// Why [`AccessPackage::single_policy`] could not pick a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyChoiceError {
    /// The package was read without `$expand=assignmentPolicies`, so its
    /// policies are unknown; read it again with `expand_policies()`.
    NotExpanded {
        /// The package, for messages (`access package "Name" (id)`).
        package: String,
    },
    /// The package has no assignment policy at all.
    NoPolicies {
        /// The package, for messages.
        package: String,
    },
    /// No policy of the package has that id or display name.
    NotFound {
        /// The package, for messages.
        package: String,
        /// What the caller asked for.
        wanted: String,
        /// The package's policies, `id (display name)` each.
        policies: Vec<String>,
    },
    /// Nothing was asked for, or a display name was, and several policies fit.
    Several {
        /// The package, for messages.
        package: String,
        /// The policies that fit, `id (display name)` each.
        policies: Vec<String>,
    },
}

impl fmt::Display for PolicyChoiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotExpanded { package } => write!(
                f,
                "the policies of {package} were not read; read the package with its policies expanded"
            ),
            Self::NoPolicies { package } => {
                write!(f, "{package} has no assignment policy; create one first")
            }
            Self::NotFound {
                package,
                wanted,
                policies,
            } => write!(
                f,
                "policy {wanted} is not a policy of {package}; its policies: {}",
                policies.join(", ")
            ),
            Self::Several { package, policies } => write!(
                f,
                "{package} has {} policies; name one by id or display name: {}",
                policies.len(),
                policies.join(", ")
            ),
        }
    }
}

impl std::error::Error for PolicyChoiceError {}

impl AccessPackage {
    /// `access package "Marketing Campaign" (aa0c…)`, or `access package
    /// aa0c…` without a display name: how messages name the package.
    pub fn label(&self) -> String {
        match &self.display_name {
            Some(name) => format!("access package {name:?} ({})", self.id),
            None => format!("access package {}", self.id),
        }
    }

    /// The assignment policy to use: the one whose id (or else display
    /// name) is `wanted`, or, with `None`, the package's only policy.
    ///
    /// Needs the policies expanded (`expand_policies()` on the get, find or
    /// resolve). Zero, unknown and several-fitting each give their own
    /// [`PolicyChoiceError`] naming the package and its policies.
    ///
    /// ```
    /// use entra_access::models::{AccessPackage, PolicyChoiceError};
    ///
    /// let package: AccessPackage = serde_json::from_value(serde_json::json!({
    ///     "id": "pkg-1", "displayName": "Sales",
    ///     "assignmentPolicies": [
    ///         { "id": "pol-1", "displayName": "Employees" },
    ///         { "id": "pol-2", "displayName": "Partners" }
    ///     ]
    /// }))?;
    /// assert_eq!(package.single_policy(Some("Partners"))?.id.as_str(), "pol-2");
    /// assert_eq!(package.single_policy(Some("pol-1"))?.id.as_str(), "pol-1");
    /// assert!(matches!(package.single_policy(None), Err(PolicyChoiceError::Several { .. })));
    /// assert!(matches!(package.single_policy(Some("x")), Err(PolicyChoiceError::NotFound { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn single_policy(
        &self,
        wanted: Option<&str>,
    ) -> Result<&AssignmentPolicy, PolicyChoiceError> {
        let Some(policies) = self.assignment_policies.as_deref() else {
            return Err(PolicyChoiceError::NotExpanded {
                package: self.label(),
            });
        };
        if policies.is_empty() {
            return Err(PolicyChoiceError::NoPolicies {
                package: self.label(),
            });
        }
        let fitting: Vec<&AssignmentPolicy> = match wanted {
            None => policies.iter().collect(),
            Some(wanted) => match policies.iter().find(|p| p.id.as_str() == wanted) {
                Some(by_id) => vec![by_id],
                None => policies
                    .iter()
                    .filter(|p| p.display_name.as_deref() == Some(wanted))
                    .collect(),
            },
        };
        match (fitting.as_slice(), wanted) {
            ([only], _) => Ok(only),
            ([], Some(wanted)) => Err(PolicyChoiceError::NotFound {
                package: self.label(),
                wanted: wanted.to_owned(),
                policies: policies.iter().map(describe).collect(),
            }),
            (several, _) => Err(PolicyChoiceError::Several {
                package: self.label(),
                policies: several.iter().map(|p| describe(p)).collect(),
            }),
        }
    }
}

/// `id (display name)`, or the id alone.
fn describe(p: &AssignmentPolicy) -> String {
    match &p.display_name {
        Some(name) => format!("{} ({name})", p.id),
        None => p.id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(policies: serde_json::Value) -> AccessPackage {
        let mut v = serde_json::json!({ "id": "pkg", "displayName": "P" });
        if !policies.is_null() {
            v["assignmentPolicies"] = policies;
        }
        serde_json::from_value(v).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn each_case_has_its_own_error() {
        let p = package(serde_json::Value::Null);
        assert!(matches!(
            p.single_policy(None),
            Err(PolicyChoiceError::NotExpanded { .. })
        ));
        let p = package(serde_json::json!([]));
        assert!(matches!(
            p.single_policy(Some("a")),
            Err(PolicyChoiceError::NoPolicies { .. })
        ));
        let p = package(
            serde_json::json!([{ "id": "a", "displayName": "Same" }, { "id": "b", "displayName": "Same" }]),
        );
        let e = p.single_policy(Some("Same")).unwrap_err();
        assert!(e.to_string().contains("has 2 policies"), "{e}");
        assert!(e.to_string().contains("a (Same), b (Same)"), "{e}");
        assert_eq!(p.single_policy(Some("b")).map(|x| x.id.as_str()), Ok("b"));
        let p = package(serde_json::json!([{ "id": "only" }]));
        assert_eq!(p.single_policy(None).map(|x| x.id.as_str()), Ok("only"));
        let e = p.single_policy(Some("other")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "policy other is not a policy of access package \"P\" (pkg); its policies: only"
        );
    }
}
