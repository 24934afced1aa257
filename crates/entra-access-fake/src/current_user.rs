//! The delegated-only functions on assignments and requests:
//! `filterByCurrentUser(on='…')` and `additionalAccess(…)`.
//!
//! Their permission tables (microsoft-graph-docs-contrib
//! `api-reference/v1.0/api/accesspackageassignment-filterbycurrentuser.md`,
//! `includes/permissions/accesspackageassignmentrequest-filterbycurrentuser-permissions.md`,
//! `api/accesspackageassignment-additionalaccess.md`) say "Application: Not
//! supported.", so an app-only token gets 403 (see [`require_delegated`]).

use super::em_read::{list_assignments, list_requests, Scope};
use super::reply::{GraphErr, Reply};
use super::routes::Ctx;
use super::state::{Request, State};
use super::token::require_delegated;
use entra_access::models::{AccessPackageId, ObjectId};

/// A function call in the segment after `assignments` or `assignmentRequests`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    /// `assignments/filterByCurrentUser(on='…')`.
    Assignments(On),
    /// `assignmentRequests/filterByCurrentUser(on='…')`.
    Requests(On),
    /// `assignments/additionalAccess(accessPackageId='…',incompatibleAccessPackageId='…')`.
    AdditionalAccess {
        package: AccessPackageId,
        incompatible: AccessPackageId,
    },
}

/// The `on` parameter of `filterByCurrentUser`: the members of Graph's v1.0
/// `accessPackageAssignmentFilterByCurrentUserOptions` and
/// `accessPackageAssignmentRequestFilterByCurrentUserOptions` enums (CSDL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum On {
    Target,
    CreatedBy,
    /// Requests only.
    Approver,
    /// Requests only: the user is the target or created the request.
    TargetOrRequestor,
    /// Requests only: created by the user for someone else.
    RequestForOthers,
    /// The user manages the target (the fake models no managers: none).
    TargetManager,
    /// The user sponsors or owns the target agent identity (the fake models
    /// none: none).
    TargetAgentIdentitySponsorOrOwner,
}

impl On {
    fn parse(value: &str, requests: bool) -> Option<On> {
        let on = match value.to_ascii_lowercase().as_str() {
            "target" => On::Target,
            "createdby" => On::CreatedBy,
            "targetmanager" => On::TargetManager,
            "targetagentidentitysponsororowner" => On::TargetAgentIdentitySponsorOrOwner,
            "approver" if requests => On::Approver,
            "targetorrequestor" if requests => On::TargetOrRequestor,
            "requestforothers" if requests => On::RequestForOthers,
            _ => return None,
        };
        Some(on)
    }
}

impl Call {
    /// `None` when `segment` is no function call (an id); `Some(Err)` for a
    /// malformed or unknown call.
    pub(crate) fn parse(collection: &str, segment: &str) -> Option<Result<Call, GraphErr>> {
        let (name, args) = segment.split_once('(')?;
        let args = args.strip_suffix(')')?;
        let name = name.to_ascii_lowercase();
        let params = parse_args(args);
        let param = |k: &str| {
            params
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.clone())
        };
        let call = match (collection, name.as_str()) {
            ("assignments" | "assignmentrequests", "filterbycurrentuser") => {
                let requests = collection == "assignmentrequests";
                let value = param("on").unwrap_or_default();
                On::parse(&value, requests)
                    .ok_or_else(|| {
                        GraphErr::bad_request(format!(
                            "The parameter 'on' of filterByCurrentUser has an invalid value '{value}'."
                        ))
                    })
                .map(|on| {
                    if requests {
                        Call::Requests(on)
                    } else {
                        Call::Assignments(on)
                    }
                })
            }
            ("assignments", "additionalaccess") => {
                match (param("accessPackageId"), param("incompatibleAccessPackageId")) {
                    (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() && a != b => {
                        Ok(Call::AdditionalAccess {
                            package: AccessPackageId::new(a),
                            incompatible: AccessPackageId::new(b),
                        })
                    }
                    _ => Err(GraphErr::bad_request(
                        "additionalAccess needs two distinct access package ids: accessPackageId and incompatibleAccessPackageId.",
                    )),
                }
            }
            _ => Err(GraphErr::bad_request(format!(
                "Resource not found for the segment '{segment}'."
            ))),
        };
        Some(call)
    }
}

/// `name='value'` pairs separated by commas (values without commas).
fn parse_args(args: &str) -> Vec<(String, String)> {
    args.split(',')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            let v = v.trim();
            let v = v
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .unwrap_or(v);
            Some((k.trim().to_owned(), v.to_owned()))
        })
        .collect()
}

/// Serves a delegated-only function; app-only callers get 403.
pub(crate) fn get(st: &State, ctx: &Ctx<'_>, call: Call) -> Result<Reply, GraphErr> {
    match call {
        Call::Assignments(on) => {
            let user = require_delegated(&ctx.principal, "assignments/filterByCurrentUser")?;
            let created: Vec<&Request> = st
                .requests
                .iter()
                .filter(|r| st.created_by.get(&r.id) == Some(&user))
                .collect();
            list_assignments(st, ctx, Scope::Narrowed, |a| match on {
                On::Target => is_user(st, &a.subject_id, &user),
                On::CreatedBy => created
                    .iter()
                    .any(|r| r.assignment_id.as_ref() == Some(&a.id)),
                On::Approver
                | On::TargetOrRequestor
                | On::RequestForOthers
                | On::TargetManager
                | On::TargetAgentIdentitySponsorOrOwner => false,
            })
        }
        Call::Requests(on) => {
            let user = require_delegated(&ctx.principal, "assignmentRequests/filterByCurrentUser")?;
            list_requests(st, ctx, Scope::Narrowed, |r| match on {
                On::Target => is_user(st, &r.subject_id, &user),
                On::CreatedBy => st.created_by.get(&r.id) == Some(&user),
                On::TargetOrRequestor => {
                    is_user(st, &r.subject_id, &user) || st.created_by.get(&r.id) == Some(&user)
                }
                On::RequestForOthers => {
                    st.created_by.get(&r.id) == Some(&user) && !is_user(st, &r.subject_id, &user)
                }
                On::TargetManager | On::TargetAgentIdentitySponsorOrOwner => false,
                // Requests whose current approval stage names the user.
                On::Approver => super::approvals::waits_for(st, r, &user),
            })
        }
        Call::AdditionalAccess {
            package,
            incompatible,
        } => {
            require_delegated(&ctx.principal, "assignments/additionalAccess")?;
            let holders: Vec<&str> = st
                .assignments
                .iter()
                .filter(|a| a.package_id == incompatible)
                .map(|a| a.subject_id.as_str())
                .collect();
            list_assignments(st, ctx, Scope::Narrowed, |a| {
                a.package_id == package && holders.contains(&a.subject_id.as_str())
            })
        }
    }
}

fn is_user(st: &State, subject_id: &str, user: &ObjectId) -> bool {
    st.subject(subject_id)
        .and_then(|s| s.object_id.as_ref())
        .is_some_and(|o| o == user)
}
