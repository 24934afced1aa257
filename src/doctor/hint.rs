//! The one-line hint a program adds when Graph refused one of its calls.

use super::table::Capability;
use crate::Error;

/// What a refused call of a job with `capability` most likely lacks, in one
/// line, from the permission table; `None` when `error` is not a refusal
/// (HTTP 401 or 403).
///
/// ```
/// use entra_access::doctor::{hint, Capability};
/// use entra_access::error::{Error, GraphError, GraphErrorCode};
///
/// let refused = Error::from_graph(GraphError::new(403, GraphErrorCode::AccessDenied, "denied"));
/// let line = hint(Capability::Assign, &refused).unwrap();
/// assert!(line.contains("EntitlementManagement.ReadWrite.All"), "{line}");
/// assert!(line.contains("Identity Governance Administrator"), "{line}");
///
/// let missing = Error::from_graph(GraphError::new(404, GraphErrorCode::ItemNotFound, "gone"));
/// assert_eq!(hint(Capability::Assign, &missing), None);
/// ```
pub fn hint(capability: Capability, error: &Error) -> Option<String> {
    let req = capability.requirement();
    match error.status()? {
        401 => Some(
            "Graph refused the token itself: it expired, or is for another resource or tenant; get a new token for Microsoft Graph (run the doctor example to see which)".to_owned(),
        ),
        403 => {
            let mut line = match &req.application {
                Some(app) => format!(
                    "`{capability}` needs the application permission {} (with admin consent), or the delegated permission {}",
                    app.least, req.delegated.least
                ),
                None => format!(
                    "`{capability}` needs a signed-in user (Graph refuses app-only tokens here) with the delegated permission {}",
                    req.delegated.least
                ),
            };
            if let Some(role) = req.directory_roles.first() {
                line.push_str(&format!(" and the role {}", role.name));
                if let Some(catalog) = req.catalog_roles.first() {
                    line.push_str(&format!(" (or the catalog role {catalog})"));
                }
            }
            if let Some(condition) = req.condition {
                line.push_str(&format!("; {condition}"));
            }
            line.push_str("; run the doctor example for the exact gap");
            Some(line)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{GraphError, GraphErrorCode};

    #[test]
    fn every_capability_names_its_permission_in_one_line() {
        let refused = Error::from_graph(GraphError::new(
            403,
            GraphErrorCode::Other("Authorization_RequestDenied".into()),
            "Insufficient privileges to complete the operation.",
        ));
        for c in Capability::ALL {
            let line = hint(c, &refused).unwrap();
            assert!(!line.contains('\n'), "{line}");
            assert!(line.contains(c.requirement().delegated.least), "{line}");
            if let Some(app) = &c.requirement().application {
                assert!(line.contains(app.least), "{line}");
            } else {
                assert!(line.contains("signed-in user"), "{line}");
            }
        }
        let unauthorized = Error::from_graph(GraphError::new(
            401,
            GraphErrorCode::InvalidAuthenticationToken,
            "expired",
        ));
        assert!(hint(Capability::List, &unauthorized)
            .unwrap()
            .contains("new token"));
        let timeout = Error::new(crate::ErrorKind::Timeout, "timed out");
        assert_eq!(hint(Capability::List, &timeout), None);
    }
}
