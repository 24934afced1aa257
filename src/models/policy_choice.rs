//! Picking the one assignment policy to use from an access package.

use super::{AccessPackage, AssignmentPolicy};
use crate::error::{Error, ErrorKind, Result};

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
    /// resolve). Each refusal names the package and its policies: policies
    /// not read, no policy at all, or no policy by that id or name are
    /// [`ErrorKind::InvalidInput`]; several fitting policies (none asked
    /// for, or a display name several share) is [`ErrorKind::Ambiguous`].
    ///
    /// ```
    /// use entra_access::models::AccessPackage;
    /// use entra_access::ErrorKind;
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
    /// assert_eq!(package.single_policy(None).unwrap_err().kind(), ErrorKind::Ambiguous);
    /// assert!(package.single_policy(Some("x")).unwrap_err().is_invalid_input());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn single_policy(&self, wanted: Option<&str>) -> Result<&AssignmentPolicy> {
        let Some(policies) = self.assignment_policies.as_deref() else {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "the policies of {} were not read; read the package with its policies expanded",
                    self.label()
                ),
            ));
        };
        if policies.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "{} has no assignment policy; create one first",
                    self.label()
                ),
            ));
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
            ([], Some(wanted)) => Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "policy {wanted} is not a policy of {}; its policies: {}",
                    self.label(),
                    list(policies.iter())
                ),
            )),
            (several, _) => Err(Error::new(
                ErrorKind::Ambiguous,
                format!(
                    "{} has {} policies; name one by id or display name: {}",
                    self.label(),
                    several.len(),
                    list(several.iter().copied())
                ),
            )),
        }
    }
}

/// `id (display name), …` for messages.
fn list<'a>(policies: impl Iterator<Item = &'a AssignmentPolicy>) -> String {
    policies.map(describe).collect::<Vec<_>>().join(", ")
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
        let e = p.single_policy(None).unwrap_err();
        assert!(
            e.is_invalid_input() && e.to_string().contains("were not read"),
            "{e}"
        );
        let p = package(serde_json::json!([]));
        let e = p.single_policy(Some("a")).unwrap_err();
        assert!(
            e.is_invalid_input() && e.to_string().contains("no assignment policy"),
            "{e}"
        );
        let p = package(
            serde_json::json!([{ "id": "a", "displayName": "Same" }, { "id": "b", "displayName": "Same" }]),
        );
        let e = p.single_policy(Some("Same")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Ambiguous);
        assert!(e.to_string().contains("has 2 policies"), "{e}");
        assert!(e.to_string().contains("a (Same), b (Same)"), "{e}");
        assert_eq!(
            p.single_policy(Some("b")).map(|x| x.id.as_str()).ok(),
            Some("b")
        );
        let p = package(serde_json::json!([{ "id": "only" }]));
        assert_eq!(
            p.single_policy(None).map(|x| x.id.as_str()).ok(),
            Some("only")
        );
        let e = p.single_policy(Some("other")).unwrap_err();
        assert!(e.is_invalid_input());
        assert_eq!(
            e.to_string(),
            "policy other is not a policy of access package \"P\" (pkg); its policies: only"
        );
    }
}
