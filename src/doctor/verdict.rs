//! The doctor's verdict on one capability, and the fix in words.

use std::fmt;
use std::time::SystemTime;

use super::Capability;

/// Which kind of permission is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PermissionKind {
    /// An application permission (app-only tokens: client credentials,
    /// managed identities). An administrator grants it with admin consent.
    Application,
    /// A delegated permission (a signed-in user's token).
    Delegated,
}

impl fmt::Display for PermissionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Application => "application",
            Self::Delegated => "delegated",
        })
    }
}

/// What the doctor found for one capability. `Display` says what is
/// missing; [`fix`](Verdict::fix) says what to do about it.
///
/// ```
/// use entra_access::doctor::{PermissionKind, Verdict};
///
/// let v = Verdict::MissingPermission {
///     name: "EntitlementManagement.ReadWrite.All".into(),
///     kind: PermissionKind::Application,
/// };
/// assert_eq!(v.to_string(), "the application permission EntitlementManagement.ReadWrite.All");
/// assert!(v.fix().unwrap().contains("admin consent"));
/// assert!(Verdict::Ok.fix().is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// The token has what the capability needs, and Graph answered a read
    /// of it (or, for a write, a read of the same area with the write
    /// permission in the token).
    Ok,
    /// A permission is missing: `name` is the least privileged one that
    /// would do.
    MissingPermission {
        /// The permission to grant, such as `EntitlementManagement.ReadWrite.All`.
        name: String,
        /// Application or delegated.
        kind: PermissionKind,
    },
    /// The signed-in user has the permission but not a role Graph wants
    /// with it.
    MissingRole {
        /// The least privileged directory role that would do.
        role: String,
        /// Entitlement-management roles, granted per catalog, that also do
        /// (least privileged first); empty when none does.
        catalog_roles: Vec<String>,
    },
    /// The caller holds catalog-scoped roles only: Graph lists packages of
    /// its catalogs, but refuses lists of assignments and requests that do
    /// not filter by one access package.
    CatalogScopedOnly {
        /// What would give tenant-wide access, in words.
        tenant_wide: String,
    },
    /// Graph refuses app-only tokens here: a signed-in user is needed.
    NeedsSignedInUser {
        /// The delegated permission the user's token needs.
        permission: String,
    },
    /// The token is for another resource or tenant than the client's.
    WrongAudienceOrTenant {
        /// What the client needs, such as `https://graph.microsoft.com`.
        expected: String,
        /// What the token is for.
        found: String,
    },
    /// The token has expired.
    Expired {
        /// When it expired, if known.
        at: Option<SystemTime>,
    },
    /// The doctor cannot tell: the token gives no answer and neither did
    /// the probe (or there was none), or Graph refused for a reason the
    /// token does not explain.
    Unknown {
        /// Graph's error code, when Graph answered with one.
        code: Option<String>,
        /// Graph's request id of the probe, when there was an answer.
        request_id: Option<String>,
        /// Why the doctor cannot tell, and what to check.
        reason: String,
    },
}

impl Verdict {
    /// Whether the capability is usable.
    pub fn is_ok(&self) -> bool {
        matches!(self, Self::Ok)
    }

    /// Whether the doctor could not tell ([`Verdict::Unknown`]).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown { .. })
    }

    /// What to do, in words; `None` for [`Verdict::Ok`].
    pub fn fix(&self) -> Option<String> {
        Some(match self {
            Self::Ok => return None,
            Self::MissingPermission {
                name,
                kind: PermissionKind::Application,
            } => format!(
                "add the Microsoft Graph application permission {name} to the app registration and have an administrator grant admin consent, then get a new token"
            ),
            Self::MissingPermission {
                name,
                kind: PermissionKind::Delegated,
            } => format!(
                "add the Microsoft Graph delegated permission {name} to the app registration, have an administrator grant consent (or consent when signing in), then sign in again"
            ),
            Self::MissingRole {
                role,
                catalog_roles,
            } => {
                if catalog_roles.is_empty() {
                    format!("assign the signed-in user the {role} role, then sign in again")
                } else {
                    format!(
                        "assign the signed-in user the {role} role, or {} in the catalogs to manage (entitlement management's roles), then sign in again",
                        one_of(catalog_roles)
                    )
                }
            }
            Self::CatalogScopedOnly { tenant_wide } => format!(
                "filter lists of assignments and requests by one access package (`.access_package(id)`, `--package-id`); for tenant-wide lists {tenant_wide}"
            ),
            Self::NeedsSignedInUser { permission } => format!(
                "sign in as a user (a device code: `--device-code` in the examples, `SignIn::device_code` in code) with the delegated permission {permission}; Graph offers no application permission for this"
            ),
            Self::WrongAudienceOrTenant { expected, .. } => format!(
                "get a token for {expected} (for client credentials, the scope `{expected}/.default`; for a tenant, sign in to that tenant)"
            ),
            Self::Expired { .. } => {
                "get a new token: the token provider handed out an expired one".to_owned()
            }
            Self::Unknown { reason, .. } => reason.clone(),
        })
    }
}

/// `a`, `a or b`, `a, b or c`.
fn one_of(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ok => f.write_str("ok"),
            Self::MissingPermission { name, kind } => write!(f, "the {kind} permission {name}"),
            Self::MissingRole {
                role,
                catalog_roles,
            } => {
                write!(f, "the role {role}")?;
                if !catalog_roles.is_empty() {
                    write!(f, " (or a catalog role: {})", catalog_roles.join(", "))?;
                }
                Ok(())
            }
            Self::CatalogScopedOnly { .. } => {
                f.write_str("tenant-wide access: the caller holds catalog-scoped roles only")
            }
            Self::NeedsSignedInUser { .. } => {
                f.write_str("a signed-in user: Graph refuses app-only tokens here")
            }
            Self::WrongAudienceOrTenant { expected, found } => {
                write!(f, "a token for {expected}: this one is for {found}")
            }
            Self::Expired { at: Some(at) } => write!(
                f,
                "a valid token: this one expired at {}",
                chrono::DateTime::<chrono::Utc>::from(*at).format("%Y-%m-%dT%H:%M:%SZ")
            ),
            Self::Expired { at: None } => f.write_str("a valid token: this one has expired"),
            Self::Unknown { code, reason, .. } => match code {
                Some(code) => write!(f, "{code}: {reason}"),
                None => f.write_str(reason),
            },
        }
    }
}

/// One capability's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The capability.
    pub capability: Capability,
    /// What the doctor found.
    pub verdict: Verdict,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_but_ok_has_a_fix() {
        let all = [
            Verdict::MissingPermission {
                name: "P".into(),
                kind: PermissionKind::Delegated,
            },
            Verdict::MissingRole {
                role: "R".into(),
                catalog_roles: vec!["A".into(), "B".into(), "C".into()],
            },
            Verdict::CatalogScopedOnly {
                tenant_wide: "assign R".into(),
            },
            Verdict::NeedsSignedInUser {
                permission: "P".into(),
            },
            Verdict::WrongAudienceOrTenant {
                expected: "https://graph.microsoft.com".into(),
                found: "https://management.azure.com".into(),
            },
            Verdict::Expired {
                at: Some(std::time::UNIX_EPOCH),
            },
            Verdict::Unknown {
                code: Some("accessDenied".into()),
                request_id: None,
                reason: "check the licence".into(),
            },
        ];
        for v in all {
            assert!(!v.is_ok());
            assert!(v.fix().is_some_and(|f| !f.is_empty()), "{v:?}");
            assert!(!v.to_string().is_empty());
        }
        let role = Verdict::MissingRole {
            role: "R".into(),
            catalog_roles: vec!["A".into(), "B".into(), "C".into()],
        };
        assert!(role.fix().unwrap().contains("or A, B or C in the catalogs"));
        assert_eq!(
            Verdict::Expired {
                at: Some(std::time::UNIX_EPOCH)
            }
            .to_string(),
            "a valid token: this one expired at 1970-01-01T00:00:00Z"
        );
    }
}
