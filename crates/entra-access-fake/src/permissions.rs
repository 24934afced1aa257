//! What the fake's callers are allowed: the application permissions of its
//! app, each user's delegated scopes and directory roles, the tenant's
//! licence; and the check every Graph call passes before it is served.
//!
//! The rules follow the permission tables of Graph's v1.0 pages
//! (`microsoftgraph/microsoft-graph-docs-contrib`, `api-reference/v1.0/api/`):
//! `entitlementmanagement-list-*.md` and the `rbac-entitlement-management-*`
//! includes for entitlement management, `approval-filterbycurrentuser.md`
//! and `approvalstage-update.md` for approvals,
//! `identitygovernance-workflow-*.md` with `rbac-lifecycle-workflows-apis-*`
//! for lifecycle workflows, `user-list.md`/`user-get.md` for users and
//! `group-list*.md` for groups. A call whose token lacks every permission
//! the page accepts is refused with 403: `Authorization_RequestDenied`
//! ("Insufficient privileges to complete the operation.", the directory's
//! documented answer) on `/users` and `/groups`, `accessDenied` (Graph's
//! generic code, `concepts/errors.md`) elsewhere. The defaults grant
//! everything, so a test configures only what it takes away.

use std::collections::HashMap;

use serde_json::Value;

use super::reply::GraphErr;
use super::routes::Ctx;
use super::state::State;
use super::token::{Issued, Principal};
use super::FakeGraph;
use entra_access::models::ObjectId;

/// Template ids of built-in directory roles, for
/// [`UserAccess::directory_roles`] (Entra's `permissions-reference.md`).
pub mod directory_roles {
    /// The role every member user holds (no administrator rights).
    pub const USER: &str = "b79fbf4d-3ef9-4689-8143-76b194e85509";
    /// Global Administrator.
    pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";
    /// Global Reader.
    pub const GLOBAL_READER: &str = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
    /// Identity Governance Administrator.
    pub const IDENTITY_GOVERNANCE_ADMINISTRATOR: &str = "45d8d3c5-c802-45c6-b32a-1d70b5e1e86e";
    /// Lifecycle Workflows Administrator.
    pub const LIFECYCLE_WORKFLOWS_ADMINISTRATOR: &str = "59d46f88-662b-457b-bceb-5c3809e5908f";
    /// Security Reader.
    pub const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";
    /// Security Administrator.
    pub const SECURITY_ADMINISTRATOR: &str = "194ae4cb-b126-40b2-bd5b-6091b380977d";
    /// Compliance Administrator.
    pub const COMPLIANCE_ADMINISTRATOR: &str = "17315797-102d-40b4-93e0-432062caca18";
}

use directory_roles as role;

/// The application permissions the fake's app holds unless a test says
/// otherwise: everything the fake serves.
pub const DEFAULT_APPLICATION_PERMISSIONS: [&str; 4] = [
    "EntitlementManagement.ReadWrite.All",
    "GroupMember.Read.All",
    "User.Read.All",
    "LifecycleWorkflows.ReadWrite.All",
];

/// The delegated scopes a signed-in user's token carries unless a test says
/// otherwise: everything the fake serves.
pub const DEFAULT_SCOPES: [&str; 5] = [
    "EntitlementManagement.ReadWrite.All",
    "EntitlementMgmt-SubjectAccess.ReadWrite",
    "GroupMember.Read.All",
    "User.ReadBasic.All",
    "LifecycleWorkflows.ReadWrite.All",
];

/// What the tenant is licensed for (entra-docs
/// `id-governance/licensing-fundamentals.md`): entitlement management needs
/// Microsoft Entra ID P2 or Governance, lifecycle workflows Governance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Licence {
    /// Microsoft Entra ID Governance: everything (the default).
    #[default]
    Governance,
    /// Microsoft Entra ID P2: entitlement management, not lifecycle workflows.
    EntraIdP2,
    /// No identity-governance licence: entitlement management and lifecycle
    /// workflows are refused.
    Free,
}

/// A signed-in user's delegated scopes (`scp`) and directory roles
/// (`wids`), for [`FakeGraph::set_user_access`].
///
/// ```
/// use entra_access_fake::{directory_roles, UserAccess};
///
/// let reader = UserAccess::new()
///     .scopes(["EntitlementManagement.Read.All"])
///     .directory_roles([directory_roles::GLOBAL_READER]);
/// # let _ = reader;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct UserAccess {
    pub(crate) scopes: Vec<String>,
    pub(crate) directory_roles: Vec<String>,
}

impl UserAccess {
    /// No scopes, and only the role every member user holds.
    pub fn new() -> Self {
        Self {
            scopes: Vec::new(),
            directory_roles: vec![role::USER.to_owned()],
        }
    }

    /// What every user has unless a test says otherwise: [`DEFAULT_SCOPES`]
    /// and the Identity Governance and Lifecycle Workflows Administrator roles.
    pub fn everything() -> Self {
        Self {
            scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            directory_roles: vec![
                role::USER.to_owned(),
                role::IDENTITY_GOVERNANCE_ADMINISTRATOR.to_owned(),
                role::LIFECYCLE_WORKFLOWS_ADMINISTRATOR.to_owned(),
            ],
        }
    }

    /// The delegated scopes consented for the user (replacing the others).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The user's directory roles by template id (see [`directory_roles`]),
    /// replacing the others.
    pub fn directory_roles<I, S>(mut self, roles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.directory_roles = roles.into_iter().map(Into::into).collect();
        self
    }
}

impl Default for UserAccess {
    fn default() -> Self {
        Self::everything()
    }
}

/// The fake's permission settings.
#[derive(Debug, Clone)]
pub(crate) struct Access {
    /// The `aud` of the tokens the fake issues and accepts (its origin).
    pub audience: String,
    /// The app's application permissions.
    pub app_roles: Vec<String>,
    /// Users whose access a test set; the others have [`UserAccess::everything`].
    pub users: HashMap<ObjectId, UserAccess>,
    pub licence: Licence,
    /// Bumped whenever the app's permissions change, so `FakeGraph::token`
    /// mints a token with the new ones.
    pub app_version: u64,
    /// The token `FakeGraph::token` hands out, and the app version it has.
    pub static_token: Option<(u64, String)>,
}

impl Access {
    pub(crate) fn new(audience: &str) -> Self {
        Self {
            audience: audience.to_owned(),
            app_roles: DEFAULT_APPLICATION_PERMISSIONS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            users: HashMap::new(),
            licence: Licence::Governance,
            app_version: 0,
            static_token: None,
        }
    }

    /// A user's access (the default when no test set it).
    pub(crate) fn user(&self, user: &ObjectId) -> UserAccess {
        self.users.get(user).cloned().unwrap_or_default()
    }
}

/// Which service a route belongs to: it decides the licence and the 403's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Area {
    EntitlementManagement,
    LifecycleWorkflows,
    Directory,
}

/// What one kind of call needs.
#[derive(Debug)]
struct Rule {
    area: Area,
    /// Accepted application permissions; `None`: app-only tokens are not
    /// supported (the route itself answers them).
    app: Option<&'static [&'static str]>,
    /// Accepted delegated scopes.
    delegated: &'static [&'static str],
    /// Directory roles one of which a signed-in user needs; empty: none.
    roles: &'static [&'static str],
}

const EM_READ_PERMISSIONS: &[&str] = &[
    "EntitlementManagement.Read.All",
    "EntitlementManagement.ReadWrite.All",
];
const EM_WRITE_PERMISSIONS: &[&str] = &["EntitlementManagement.ReadWrite.All"];
const SUBJECT_ACCESS: &[&str] = &[
    "EntitlementMgmt-SubjectAccess.ReadWrite",
    "EntitlementManagement.ReadWrite.All",
];
// rbac-entitlement-management-catalog-reader-apis-read.md
const EM_READ_ROLES: &[&str] = &[
    role::SECURITY_READER,
    role::GLOBAL_READER,
    role::COMPLIANCE_ADMINISTRATOR,
    role::SECURITY_ADMINISTRATOR,
    role::IDENTITY_GOVERNANCE_ADMINISTRATOR,
    role::GLOBAL_ADMINISTRATOR,
];
// rbac-entitlement-management-end-user-apis-write-including-subject-access.md
const EM_WRITE_ROLES: &[&str] = &[
    role::IDENTITY_GOVERNANCE_ADMINISTRATOR,
    role::GLOBAL_ADMINISTRATOR,
];

const EM_READ: Rule = Rule {
    area: Area::EntitlementManagement,
    app: Some(EM_READ_PERMISSIONS),
    delegated: EM_READ_PERMISSIONS,
    roles: EM_READ_ROLES,
};
const EM_WRITE: Rule = Rule {
    area: Area::EntitlementManagement,
    app: Some(EM_WRITE_PERMISSIONS),
    delegated: EM_WRITE_PERMISSIONS,
    roles: EM_WRITE_ROLES,
};
// entitlementmanagement-post-assignmentrequests.md (end-user request
// types: no administrator role), accesspackageassignmentrequest-cancel.md
// (own requests).
const SELF_SERVICE: Rule = Rule {
    area: Area::EntitlementManagement,
    app: None,
    delegated: SUBJECT_ACCESS,
    roles: &[],
};
// accesspackageassignmentrequest-filterbycurrentuser.md
const MY_REQUESTS: Rule = Rule {
    area: Area::EntitlementManagement,
    app: None,
    delegated: &[
        "EntitlementMgmt-SubjectAccess.ReadWrite",
        "EntitlementManagement.Read.All",
        "EntitlementManagement.ReadWrite.All",
    ],
    roles: &[],
};
// accesspackageassignment-filterbycurrentuser.md
const MY_ASSIGNMENTS: Rule = Rule {
    area: Area::EntitlementManagement,
    app: None,
    delegated: EM_READ_PERMISSIONS,
    roles: &[],
};
// accesspackageassignment-additionalaccess.md
const ADDITIONAL_ACCESS: Rule = Rule {
    area: Area::EntitlementManagement,
    app: None,
    delegated: EM_READ_PERMISSIONS,
    roles: EM_READ_ROLES,
};
// approval-filterbycurrentuser.md, approvalstage-update.md
const APPROVALS_WRITE: Rule = Rule {
    area: Area::EntitlementManagement,
    app: None,
    delegated: EM_WRITE_PERMISSIONS,
    roles: &[],
};
// approval-get.md, approval-list-stages.md
const APPROVALS_READ: Rule = Rule {
    area: Area::EntitlementManagement,
    app: None,
    delegated: EM_READ_PERMISSIONS,
    roles: &[],
};
// identitygovernance-workflow-get.md, rbac-lifecycle-workflows-apis-read.md
const LIFECYCLE_READ: Rule = Rule {
    area: Area::LifecycleWorkflows,
    app: Some(LIFECYCLE_READ_PERMISSIONS),
    delegated: LIFECYCLE_READ_PERMISSIONS,
    roles: &[
        role::GLOBAL_READER,
        role::LIFECYCLE_WORKFLOWS_ADMINISTRATOR,
        role::GLOBAL_ADMINISTRATOR,
    ],
};
const LIFECYCLE_READ_PERMISSIONS: &[&str] = &[
    "LifecycleWorkflows.Read.All",
    "LifecycleWorkflows-Workflow.ReadWrite.All",
    "LifecycleWorkflows.ReadWrite.All",
];
// identitygovernance-workflow-createnewversion.md, rbac-lifecycle-workflows-apis-write.md
const LIFECYCLE_WRITE: Rule = Rule {
    area: Area::LifecycleWorkflows,
    app: Some(LIFECYCLE_WRITE_PERMISSIONS),
    delegated: LIFECYCLE_WRITE_PERMISSIONS,
    roles: &[
        role::LIFECYCLE_WORKFLOWS_ADMINISTRATOR,
        role::GLOBAL_ADMINISTRATOR,
    ],
};
const LIFECYCLE_WRITE_PERMISSIONS: &[&str] = &[
    "LifecycleWorkflows-Workflow.ReadWrite.All",
    "LifecycleWorkflows.ReadWrite.All",
];
// user-list.md, user-get.md
const USERS: Rule = Rule {
    area: Area::Directory,
    app: Some(&[
        "User.Read.All",
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ]),
    delegated: &[
        "User.ReadBasic.All",
        "User.Read.All",
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
    roles: &[],
};
// group-list-members.md, group-list.md, group-get.md
const GROUPS: Rule = Rule {
    area: Area::Directory,
    app: Some(GROUP_PERMISSIONS),
    delegated: GROUP_PERMISSIONS,
    roles: &[],
};
const GROUP_PERMISSIONS: &[&str] = &[
    "GroupMember.Read.All",
    "Group.Read.All",
    "Directory.Read.All",
    "Group.ReadWrite.All",
    "GroupMember.ReadWrite.All",
];

/// The rule for the call in `ctx`; `None` for paths the fake does not
/// serve (the route answers them).
fn rule(ctx: &Ctx<'_>) -> Option<&'static Rule> {
    let seg = |i: usize| ctx.segs.get(i).map(|s| s.to_ascii_lowercase());
    let read = ctx.method == "GET";
    match (seg(0).as_deref(), seg(1).as_deref()) {
        (Some("identitygovernance"), Some("entitlementmanagement")) => {
            let set = seg(2);
            let function = seg(3).is_some_and(|s| s.starts_with("filterbycurrentuser"));
            Some(match set.as_deref() {
                Some("accesspackageassignmentapprovals") if function => &APPROVALS_WRITE,
                Some("accesspackageassignmentapprovals") if read => &APPROVALS_READ,
                Some("accesspackageassignmentapprovals") => &APPROVALS_WRITE,
                Some("assignmentrequests") if function => &MY_REQUESTS,
                Some("assignments") if function => &MY_ASSIGNMENTS,
                Some("assignments")
                    if seg(3).is_some_and(|s| s.starts_with("additionalaccess")) =>
                {
                    &ADDITIONAL_ACCESS
                }
                Some("assignmentrequests") if !read && ctx.segs.len() == 3 => {
                    if is_end_user_request(ctx.body) {
                        &SELF_SERVICE
                    } else {
                        &EM_WRITE
                    }
                }
                Some("assignmentrequests") if seg(4).as_deref() == Some("cancel") => &SELF_SERVICE,
                _ if read => &EM_READ,
                _ => &EM_WRITE,
            })
        }
        (Some("identitygovernance"), Some("lifecycleworkflows")) => Some(if read {
            &LIFECYCLE_READ
        } else {
            &LIFECYCLE_WRITE
        }),
        (Some("users"), _) => Some(&USERS),
        (Some("groups"), _) => Some(&GROUPS),
        _ => None,
    }
}

/// Whether a create body asks for an end-user request type (`userAdd`,
/// `userUpdate`, `userRemove`, `approverRemove`).
fn is_end_user_request(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("requestType")?.as_str().map(str::to_ascii_lowercase))
        .is_some_and(|t| t.starts_with("user") || t == "approverremove")
}

fn holds(granted: &[String], accepted: &[&str]) -> bool {
    granted
        .iter()
        .any(|g| accepted.iter().any(|a| a.eq_ignore_ascii_case(g)))
}

fn refused(area: Area) -> GraphErr {
    match area {
        Area::Directory => GraphErr::new(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ),
        Area::EntitlementManagement | Area::LifecycleWorkflows => GraphErr::new(
            403,
            "accessDenied",
            "The caller is not authorized to perform the operation.",
        ),
    }
}

/// Refuses the call in `ctx` when the tenant's licence, the token's
/// permissions or the signed-in user's roles do not allow it.
pub(crate) fn check(st: &State, ctx: &Ctx<'_>, token: &Issued) -> Result<(), GraphErr> {
    let Some(rule) = rule(ctx) else {
        return Ok(());
    };
    let licensed = match (rule.area, st.access.licence) {
        (Area::Directory, _) | (_, Licence::Governance) => true,
        (Area::EntitlementManagement, Licence::EntraIdP2) => true,
        (_, _) => false,
    };
    if !licensed {
        let product = match rule.area {
            Area::LifecycleWorkflows => "Microsoft Entra ID Governance",
            _ => "Microsoft Entra ID P2 or Microsoft Entra ID Governance",
        };
        return Err(GraphErr::new(
            403,
            "accessDenied",
            format!("The tenant does not have a valid {product} license for this feature."),
        ));
    }
    // A caller with catalog-scoped roles: entitlement management asks
    // neither the tenant-wide permission (of an app) nor a directory role.
    let catalog_role = rule.area == Area::EntitlementManagement && st.cfg.catalog_scoped;
    match &token.principal {
        Principal::App => match rule.app {
            // The route answers an app-only token itself.
            None => Ok(()),
            Some(accepted) if holds(&token.roles, accepted) || catalog_role => Ok(()),
            Some(_) => Err(refused(rule.area)),
        },
        Principal::User(_) => {
            if !holds(&token.scopes, rule.delegated) {
                return Err(refused(rule.area));
            }
            if rule.roles.is_empty() || holds(&token.directory_roles, rule.roles) || catalog_role {
                Ok(())
            } else {
                Err(refused(rule.area))
            }
        }
    }
}

impl FakeGraph {
    /// The application permissions of the fake's app (the `roles` of its
    /// app-only tokens; default [`DEFAULT_APPLICATION_PERMISSIONS`]).
    /// Tokens issued from now on carry them; tokens issued before keep
    /// theirs, as Graph's do until they expire.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> entra_access::Result<()> {
    /// let fake = entra_access_fake::FakeGraph::start().await;
    /// fake.set_application_permissions(["EntitlementManagement.Read.All"]);
    /// let err = fake.client()?.groups().members("g-1").send().await.unwrap_err();
    /// assert!(err.is_forbidden());
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_application_permissions<I, S>(&self, permissions: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut st = self.state();
        st.access.app_roles = permissions.into_iter().map(Into::into).collect();
        st.access.app_version += 1;
    }

    /// The application permissions of the fake's app.
    pub fn application_permissions(&self) -> Vec<String> {
        self.state().access.app_roles.clone()
    }

    /// The delegated scopes and directory roles of `user`'s tokens (default
    /// [`UserAccess::everything`]). Tokens issued from now on carry them.
    pub fn set_user_access(&self, user: &ObjectId, access: UserAccess) {
        self.state().access.users.insert(user.clone(), access);
    }

    /// What the tenant is licensed for (default [`Licence::Governance`]):
    /// without a licence, Graph refuses entitlement management (P2 or
    /// Governance) and lifecycle workflows (Governance) with 403.
    pub fn set_licence(&self, licence: Licence) {
        self.state().access.licence = licence;
    }
}
