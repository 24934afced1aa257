//! From the token's claims and the permission table to a verdict per
//! capability: decided from the token alone when it answers, else by one
//! probe whose outcome maps to a verdict.

use std::time::SystemTime;

use super::probe::{Outcome, Probe};
use super::table::{Capability, Requirement};
use super::token::{TokenClaims, TokenFacts, TokenKind};
use super::verdict::{PermissionKind, Verdict};

/// How one capability gets its verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// The token answers: no request.
    Decided(Verdict),
    /// One probe answers.
    Probe {
        probe: Probe,
        /// The verdict when Graph answers the probe.
        answered: Verdict,
        /// The verdict when Graph refuses it (403).
        refused: Refusal,
    },
}

/// What a refused probe means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// This verdict.
    Verdict(Verdict),
    /// `Unknown` with Graph's code, its request id and this reason.
    Unknown(String),
}

impl Plan {
    /// The verdict, given the outcome of the plan's probe.
    pub(crate) fn verdict(self, outcome: Option<&Outcome>) -> Verdict {
        match (self, outcome) {
            (Self::Decided(v), _) => v,
            (Self::Probe { probe, .. }, None) => Verdict::Unknown {
                code: None,
                request_id: None,
                reason: format!("the probe {} was not sent", probe.describe()),
            },
            (Self::Probe { answered, .. }, Some(Outcome::Answered)) => answered,
            (Self::Probe { refused, .. }, Some(Outcome::Refused { code, request_id })) => {
                match refused {
                    Refusal::Verdict(v) => v,
                    Refusal::Unknown(reason) => Verdict::Unknown {
                        code: code.clone(),
                        request_id: request_id.clone(),
                        reason,
                    },
                }
            }
            (
                Self::Probe { .. },
                Some(Outcome::Failed {
                    code,
                    request_id,
                    reason,
                }),
            ) => Verdict::Unknown {
                code: code.clone(),
                request_id: request_id.clone(),
                reason: reason.clone(),
            },
        }
    }
}

/// What the client expects of its token.
#[derive(Clone, Debug)]
pub(crate) struct Expect {
    /// The Graph origin, such as `https://graph.microsoft.com`.
    pub(crate) audience: String,
    /// The tenant, when the caller named one.
    pub(crate) tenant: Option<String>,
    pub(crate) now: SystemTime,
}

/// Graph's application id: an `aud` Microsoft uses for Graph in every cloud.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// A verdict for every capability when the token itself is unusable
/// (expired, for another audience or tenant); `None` when it is not.
pub(crate) fn unusable(facts: &TokenFacts, expect: &Expect) -> Option<Verdict> {
    if let Some(at) = facts.expires_at()
        && at <= expect.now
    {
        return Some(Verdict::Expired { at: Some(at) });
    }
    let claims = facts.claims()?;
    if let Some(aud) = &claims.audience {
        let trimmed = aud.trim_end_matches('/');
        if !trimmed.eq_ignore_ascii_case(&expect.audience)
            && !trimmed.eq_ignore_ascii_case(GRAPH_APP_ID)
        {
            return Some(Verdict::WrongAudienceOrTenant {
                expected: expect.audience.clone(),
                found: aud.clone(),
            });
        }
    }
    if let (Some(want), Some(tid)) = (&expect.tenant, &claims.tenant)
        && !want.eq_ignore_ascii_case(tid)
    {
        return Some(Verdict::WrongAudienceOrTenant {
            expected: format!("tenant {want}"),
            found: format!("tenant {tid}"),
        });
    }
    None
}

/// The plan for one capability.
pub(crate) fn plan(capability: Capability, facts: &TokenFacts) -> Plan {
    let req = capability.requirement();
    match facts {
        TokenFacts::Readable(claims) => from_claims(req, claims),
        TokenFacts::Opaque { reason, .. } => opaque(req, reason),
    }
}

/// The probe that exercises a capability's own permission, when a read
/// does; `None` for capabilities whose calls are writes no read can show.
fn own_probe(capability: Capability) -> Option<Probe> {
    match capability {
        Capability::List => Some(Probe::TenantAssignments),
        Capability::Groups => Some(Probe::Groups),
        Capability::Users => Some(Probe::Users),
        // Its list needs the same permission as approving.
        Capability::Approve => Some(Probe::MyApprovals),
        Capability::Assign | Capability::Lifecycle | Capability::SelfService => None,
    }
}

/// The read that confirms a capability whose permission the token shows.
fn confirming_probe(capability: Capability) -> Probe {
    match capability {
        Capability::List | Capability::Assign => Probe::TenantAssignments,
        Capability::Groups => Probe::Groups,
        Capability::Users => Probe::Users,
        Capability::Lifecycle => Probe::Workflows,
        Capability::Approve => Probe::MyApprovals,
        Capability::SelfService => Probe::MyRequests,
    }
}

fn opaque(req: &Requirement, why: &str) -> Plan {
    let Some(probe) = own_probe(req.capability) else {
        return Plan::Decided(Verdict::Unknown {
            code: None,
            request_id: None,
            reason: format!(
                "{why}, and no read shows whether {} is allowed (it needs {}); run the doctor with a token it can read",
                req.capability,
                needs(req)
            ),
        });
    };
    Plan::Probe {
        probe,
        answered: Verdict::Ok,
        refused: Refusal::Unknown(format!(
            "Graph refused {} and {why}, so the doctor cannot tell which permission, role or sign-in is missing; {} needs {}",
            probe.describe(),
            req.capability,
            needs(req)
        )),
    }
}

/// What a capability needs, in words, for messages.
fn needs(req: &Requirement) -> String {
    match &req.application {
        Some(app) => format!(
            "the application permission {} or the delegated permission {}",
            app.least, req.delegated.least
        ),
        None => format!(
            "a signed-in user with the delegated permission {}",
            req.delegated.least
        ),
    }
}

fn from_claims(req: &Requirement, claims: &TokenClaims) -> Plan {
    match claims.kind {
        TokenKind::Application => app_plan(req, claims),
        TokenKind::Delegated => delegated_plan(req, claims),
    }
}

/// Why a refusal is unexplained although the token has what is needed.
fn unexplained(req: &Requirement, holds: &str) -> Refusal {
    Refusal::Unknown(format!(
        "Graph refused although the token grants {holds}: check that the tenant has the {} licence, that admin consent was granted after the last change, and any Conditional Access policy",
        req.licence
    ))
}

fn app_plan(req: &Requirement, claims: &TokenClaims) -> Plan {
    let Some(app) = &req.application else {
        return Plan::Decided(Verdict::NeedsSignedInUser {
            permission: req.delegated.least.to_owned(),
        });
    };
    let missing = || Verdict::MissingPermission {
        name: app.least.to_owned(),
        kind: PermissionKind::Application,
    };
    if let Some(held) = claims.roles.iter().find(|r| app.accepts(r)) {
        return Plan::Probe {
            probe: confirming_probe(req.capability),
            answered: Verdict::Ok,
            refused: unexplained(req, held),
        };
    }
    if req.catalog_roles.is_empty() {
        return Plan::Decided(missing());
    }
    // An entitlement-management permission of the other strength answers
    // it: a Read.All app cannot write (a catalog role aside, below).
    let em_read = Capability::List.requirement().application.as_ref();
    if req.capability == Capability::Assign
        && claims
            .roles
            .iter()
            .any(|r| em_read.is_some_and(|g| g.accepts(r)))
    {
        return Plan::Decided(missing());
    }
    // No tenant-wide permission: the app may hold a catalog role instead.
    Plan::Probe {
        probe: Probe::CatalogPackages,
        answered: Verdict::CatalogScopedOnly {
            tenant_wide: format!(
                "grant the application permission {} (admin consent)",
                app.least
            ),
        },
        refused: Refusal::Verdict(missing()),
    }
}

fn delegated_plan(req: &Requirement, claims: &TokenClaims) -> Plan {
    let Some(held) = claims.scopes.iter().find(|s| req.delegated.accepts(s)) else {
        return Plan::Decided(Verdict::MissingPermission {
            name: req.delegated.least.to_owned(),
            kind: PermissionKind::Delegated,
        });
    };
    let confirm = |refused| Plan::Probe {
        probe: confirming_probe(req.capability),
        answered: Verdict::Ok,
        refused,
    };
    let Some(least_role) = req.directory_roles.first() else {
        // No role needed.
        return confirm(unexplained(req, held));
    };
    let missing_role = || Verdict::MissingRole {
        role: least_role.name.to_owned(),
        catalog_roles: req.catalog_roles.iter().map(|r| (*r).to_owned()).collect(),
    };
    match &claims.directory_roles {
        Some(wids) if wids.iter().any(|w| req.accepts_role(w)) => {
            confirm(unexplained(req, &format!("{held} and a directory role for it")))
        }
        Some(_) if req.catalog_roles.is_empty() => Plan::Decided(missing_role()),
        // Directory roles listed, none of them tenant-wide for this: the
        // user may hold catalog roles, which a token never shows.
        Some(_) => Plan::Probe {
            probe: Probe::CatalogPackages,
            answered: Verdict::CatalogScopedOnly {
                tenant_wide: format!("assign the signed-in user the {} role", least_role.name),
            },
            refused: Refusal::Verdict(missing_role()),
        },
        // The token does not list the user's roles: the probe decides, and
        // a refusal cannot tell a missing role from catalog-scoped ones.
        None => confirm(Refusal::Unknown(format!(
            "Graph refused although the token grants {held}; the token does not list the user's directory roles (`wids`), so the doctor cannot tell whether the role {} is missing or the user holds catalog roles only",
            least_role.name
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(roles: &[&str]) -> TokenFacts {
        TokenFacts::Readable(TokenClaims {
            kind: TokenKind::Application,
            tenant: Some("t".into()),
            app_id: Some("a".into()),
            audience: Some("https://graph.microsoft.com".into()),
            expires_at: None,
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            scopes: Vec::new(),
            directory_roles: None,
        })
    }

    fn user(scopes: &[&str], wids: Option<&[&str]>) -> TokenFacts {
        TokenFacts::Readable(TokenClaims {
            kind: TokenKind::Delegated,
            tenant: None,
            app_id: None,
            audience: Some("https://graph.microsoft.com/".into()),
            expires_at: None,
            roles: Vec::new(),
            scopes: scopes.iter().map(|r| (*r).to_owned()).collect(),
            directory_roles: wids.map(|w| w.iter().map(|r| (*r).to_owned()).collect()),
        })
    }

    const IGA: &str = "45d8d3c5-c802-45c6-b32a-1d70b5e1e86e";

    #[test]
    fn read_only_app_misses_readwrite_for_assign_without_a_probe() {
        let facts = app(&["EntitlementManagement.Read.All"]);
        assert_eq!(
            plan(Capability::Assign, &facts),
            Plan::Decided(Verdict::MissingPermission {
                name: "EntitlementManagement.ReadWrite.All".into(),
                kind: PermissionKind::Application
            })
        );
        assert!(matches!(
            plan(Capability::List, &facts),
            Plan::Probe {
                probe: Probe::TenantAssignments,
                answered: Verdict::Ok,
                ..
            }
        ));
        assert_eq!(
            plan(Capability::Approve, &facts),
            Plan::Decided(Verdict::NeedsSignedInUser {
                permission: "EntitlementManagement.ReadWrite.All".into()
            })
        );
    }

    #[test]
    fn an_app_without_em_permissions_is_probed_for_a_catalog_role() {
        let p = plan(Capability::List, &app(&[]));
        assert!(
            matches!(
                p,
                Plan::Probe {
                    probe: Probe::CatalogPackages,
                    answered: Verdict::CatalogScopedOnly { .. },
                    ..
                }
            ),
            "{p:?}"
        );
        assert_eq!(
            plan(Capability::Groups, &app(&[])),
            Plan::Decided(Verdict::MissingPermission {
                name: "GroupMember.Read.All".into(),
                kind: PermissionKind::Application
            })
        );
    }

    #[test]
    fn delegated_roles_decide_or_call_for_the_catalog_probe() {
        let scp = ["EntitlementManagement.ReadWrite.All"];
        assert!(matches!(
            plan(Capability::Assign, &user(&scp, Some(&[IGA]))),
            Plan::Probe {
                probe: Probe::TenantAssignments,
                ..
            }
        ));
        assert!(matches!(
            plan(Capability::Assign, &user(&scp, Some(&[]))),
            Plan::Probe {
                probe: Probe::CatalogPackages,
                ..
            }
        ));
        assert!(matches!(
            plan(
                Capability::Lifecycle,
                &user(&["LifecycleWorkflows.ReadWrite.All"], Some(&[IGA]))
            ),
            Plan::Decided(Verdict::MissingRole { .. })
        ));
        assert!(matches!(
            plan(
                Capability::Assign,
                &user(&["EntitlementManagement.Read.All"], Some(&[IGA]))
            ),
            Plan::Decided(Verdict::MissingPermission {
                kind: PermissionKind::Delegated,
                ..
            })
        ));
    }

    #[test]
    fn an_opaque_token_leaves_writes_unknown() {
        let facts = TokenFacts::Opaque {
            reason: "the token is not a JWT".into(),
            expires_at: None,
        };
        assert!(matches!(
            plan(Capability::Assign, &facts),
            Plan::Decided(Verdict::Unknown { .. })
        ));
        assert!(matches!(
            plan(Capability::Users, &facts),
            Plan::Probe {
                probe: Probe::Users,
                answered: Verdict::Ok,
                refused: Refusal::Unknown(_)
            }
        ));
    }

    #[test]
    fn audience_tenant_and_expiry_are_checked_first() {
        let expect = Expect {
            audience: "https://graph.microsoft.com".into(),
            tenant: Some("T".into()),
            now: SystemTime::now(),
        };
        assert_eq!(unusable(&app(&[]), &expect), None);
        let other = Expect {
            tenant: Some("other".into()),
            ..expect.clone()
        };
        assert!(matches!(
            unusable(&app(&[]), &other),
            Some(Verdict::WrongAudienceOrTenant { .. })
        ));
        let us = Expect {
            audience: "https://graph.microsoft.us".into(),
            tenant: None,
            now: SystemTime::now(),
        };
        assert!(matches!(
            unusable(&user(&[], None), &us),
            Some(Verdict::WrongAudienceOrTenant { .. })
        ));
        let gone = TokenFacts::Opaque {
            reason: "x".into(),
            expires_at: Some(std::time::UNIX_EPOCH),
        };
        assert!(matches!(
            unusable(&gone, &expect),
            Some(Verdict::Expired { .. })
        ));
    }
}
