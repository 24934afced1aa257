//! The one permission table: for each capability a program's job needs, the
//! Graph calls it makes, the permissions and roles Graph accepts for them,
//! and the pages that say so.
//!
//! Every fact is taken from Graph's v1.0 API pages (repository
//! `microsoftgraph/microsoft-graph-docs-contrib`, `api-reference/v1.0/api/`
//! and the permission and role includes under `api-reference/v1.0/includes/`)
//! and, for the directory roles' template ids, from Entra's
//! `permissions-reference.md`. `docs/permissions.md` is checked against this
//! table by a test, so the two cannot drift.

use std::fmt;
use std::str::FromStr;

/// What a program's job needs from Graph; the doctor gives one verdict per
/// capability.
///
/// ```
/// use entra_access::doctor::Capability;
///
/// let need: Vec<Capability> = "list,assign".split(',').map(str::parse).collect::<Result<_, _>>()?;
/// assert_eq!(need, [Capability::List, Capability::Assign]);
/// assert_eq!(Capability::SelfService.as_str(), "self");
/// # Ok::<(), entra_access::doctor::UnknownCapability>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Capability {
    /// `list`: read access packages, policies, assignments and requests.
    List,
    /// `assign`: create assignment requests as an administrator (assign,
    /// update, remove, bulk, sync apply).
    Assign,
    /// `groups`: read group members (bulk and sync sources).
    Groups,
    /// `users`: look users up by principal name (sync's `users` lists).
    Users,
    /// `lifecycle`: read and edit lifecycle workflow tasks.
    Lifecycle,
    /// `approve`: list, approve and deny the requests waiting for the
    /// signed-in user.
    Approve,
    /// `self`: request, extend or give up access for the signed-in user.
    SelfService,
}

impl Capability {
    /// Every capability, in the table's order.
    pub const ALL: [Self; 7] = [
        Self::List,
        Self::Assign,
        Self::Groups,
        Self::Users,
        Self::Lifecycle,
        Self::Approve,
        Self::SelfService,
    ];

    /// The capability's name on a command line (`list`, …, `self`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Assign => "assign",
            Self::Groups => "groups",
            Self::Users => "users",
            Self::Lifecycle => "lifecycle",
            Self::Approve => "approve",
            Self::SelfService => "self",
        }
    }

    /// What Graph asks of a caller for this capability.
    pub fn requirement(self) -> &'static Requirement {
        match self {
            Self::List => &LIST,
            Self::Assign => &ASSIGN,
            Self::Groups => &GROUPS,
            Self::Users => &USERS,
            Self::Lifecycle => &LIFECYCLE,
            Self::Approve => &APPROVE,
            Self::SelfService => &SELF_SERVICE,
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a [`Capability`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCapability(pub String);

impl fmt::Display for UnknownCapability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Capability::ALL.iter().map(|c| c.as_str()).collect();
        write!(
            f,
            "unknown capability {:?}: expected one of {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownCapability {}

impl FromStr for Capability {
    type Err = UnknownCapability;

    /// Parses a name as [`as_str`](Capability::as_str) spells it, ignoring
    /// ASCII case and surrounding spaces.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownCapability(s.to_owned()))
    }
}

/// Permissions of one kind (application or delegated) that Graph accepts
/// for a capability.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Grant {
    /// The least privileged permission: the one to grant.
    pub least: &'static str,
    /// Higher privileged permissions that also do.
    pub also: &'static [&'static str],
}

impl Grant {
    /// Every accepted permission, least privileged first.
    pub fn accepted(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(self.least).chain(self.also.iter().copied())
    }

    /// Whether `permission` is one of them (Graph's names ignore case).
    pub fn accepts(&self, permission: &str) -> bool {
        self.accepted().any(|p| p.eq_ignore_ascii_case(permission))
    }
}

/// A built-in Microsoft Entra role, as a token's `wids` claim names it (by
/// template id).
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DirectoryRole {
    /// The role's name, such as `Identity Governance Administrator`.
    pub name: &'static str,
    /// Its template id (the same in every tenant).
    pub template_id: &'static str,
}

/// What Graph asks of a caller for one [`Capability`].
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Requirement {
    /// The capability.
    pub capability: Capability,
    /// The Graph calls it makes (method and path below `/v1.0/`).
    pub calls: &'static [&'static str],
    /// The application permission (app-only tokens); `None`: Graph supports
    /// no application permission, a signed-in user is needed.
    pub application: Option<Grant>,
    /// The delegated permission (a signed-in user's token).
    pub delegated: Grant,
    /// Directory roles a signed-in user may hold instead of a catalog role,
    /// least privileged first; empty: none is needed.
    pub directory_roles: &'static [DirectoryRole],
    /// Entitlement-management roles (granted per catalog) that also do,
    /// least privileged first; an app may hold one instead of the
    /// application permission. Empty: not an entitlement-management call.
    pub catalog_roles: &'static [&'static str],
    /// Whether Graph refuses app-only tokens (a signed-in user is needed).
    pub signed_in_user: bool,
    /// What else decides it besides permissions and roles, in words.
    pub condition: Option<&'static str>,
    /// The licence the tenant needs.
    pub licence: &'static str,
    /// Graph's pages for the facts above.
    pub sources: &'static [&'static str],
}

impl Requirement {
    /// Whether `role` (a template id from `wids`) is one of the directory
    /// roles that do.
    pub fn accepts_role(&self, template_id: &str) -> bool {
        self.directory_roles
            .iter()
            .any(|r| r.template_id.eq_ignore_ascii_case(template_id))
    }
}

// Directory role template ids: Entra's `docs/identity/role-based-access-control/permissions-reference.md`
// ("All roles" table).
const GLOBAL_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    name: "Global Administrator",
    template_id: "62e90394-69f5-4237-9190-012177145e10",
};
const GLOBAL_READER: DirectoryRole = DirectoryRole {
    name: "Global Reader",
    template_id: "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
};
const SECURITY_READER: DirectoryRole = DirectoryRole {
    name: "Security Reader",
    template_id: "5d6b6bb7-de71-4623-b4af-96380a352509",
};
const SECURITY_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    name: "Security Administrator",
    template_id: "194ae4cb-b126-40b2-bd5b-6091b380977d",
};
const COMPLIANCE_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    name: "Compliance Administrator",
    template_id: "17315797-102d-40b4-93e0-432062caca18",
};
const IDENTITY_GOVERNANCE_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    name: "Identity Governance Administrator",
    template_id: "45d8d3c5-c802-45c6-b32a-1d70b5e1e86e",
};
const LIFECYCLE_WORKFLOWS_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    name: "Lifecycle Workflows Administrator",
    template_id: "59d46f88-662b-457b-bceb-5c3809e5908f",
};

const EM_LICENCE: &str = "Microsoft Entra ID P2 or Microsoft Entra ID Governance";

// `entitlementmanagement-list-assignments.md` (and the other EM list pages):
// EntitlementManagement.Read.All least, ReadWrite.All higher, for both kinds;
// roles from `includes/rbac-for-apis/rbac-entitlement-management-catalog-reader-apis-read.md`
// (catalog reader, catalog creator, access package manager; Security Reader,
// Global Reader, Compliance Administrator, Security Administrator, Identity
// Governance Administrator; "the calling app can be assigned one of the
// preceding supported roles instead of the EntitlementManagement.Read.All
// application permission"). Catalog-scoped callers must filter assignment
// and request lists by one access package (same page). A package's
// incompatible groups (`accesspackage-list-incompatiblegroups.md`, read by
// the separation-of-duties report): EntitlementManagement.Read.All least,
// ReadWrite.All higher, for both kinds. Licence: entra-docs
// `entitlement-management-troubleshoot.md`.
static LIST: Requirement = Requirement {
    capability: Capability::List,
    calls: &[
        "GET identityGovernance/entitlementManagement/accessPackages",
        "GET identityGovernance/entitlementManagement/assignmentPolicies",
        "GET identityGovernance/entitlementManagement/assignments",
        "GET identityGovernance/entitlementManagement/assignmentRequests",
        "GET identityGovernance/entitlementManagement/catalogs",
        "GET identityGovernance/entitlementManagement/accessPackages/{id}/incompatibleGroups",
    ],
    application: Some(Grant {
        least: "EntitlementManagement.Read.All",
        also: &["EntitlementManagement.ReadWrite.All"],
    }),
    delegated: Grant {
        least: "EntitlementManagement.Read.All",
        also: &["EntitlementManagement.ReadWrite.All"],
    },
    directory_roles: &[
        SECURITY_READER,
        GLOBAL_READER,
        COMPLIANCE_ADMINISTRATOR,
        SECURITY_ADMINISTRATOR,
        IDENTITY_GOVERNANCE_ADMINISTRATOR,
        GLOBAL_ADMINISTRATOR,
    ],
    catalog_roles: &["Catalog reader", "Catalog creator", "Access package manager"],
    signed_in_user: false,
    condition: Some(
        "a caller holding only catalog roles must filter lists of assignments and requests by one access package",
    ),
    licence: EM_LICENCE,
    sources: &[
        "api-reference/v1.0/api/entitlementmanagement-list-assignments.md",
        "api-reference/v1.0/api/entitlementmanagement-list-accesspackages.md",
        "api-reference/v1.0/api/accesspackage-list-incompatiblegroups.md",
        "api-reference/v1.0/includes/rbac-for-apis/rbac-entitlement-management-catalog-reader-apis-read.md",
    ],
};

// `entitlementmanagement-post-assignmentrequests.md`, permissions include
// `entitlementmanagement-post-assignmentrequests-permissions.md`: application
// EntitlementManagement.ReadWrite.All; delegated least
// EntitlementMgmt-SubjectAccess.ReadWrite, which covers only the end-user
// request types: `rbac-entitlement-management-end-user-apis-write-including-subject-access.md`
// says EntitlementManagement.ReadWrite.All "is the least privileged
// permission" for adminAdd/adminUpdate/adminRemove, with the roles access
// package assignment manager, access package manager, catalog owner or
// Identity Governance Administrator; an app may hold one of these roles
// instead of the application permission.
static ASSIGN: Requirement = Requirement {
    capability: Capability::Assign,
    calls: &[
        "POST identityGovernance/entitlementManagement/assignmentRequests (adminAdd, adminUpdate, adminRemove)",
        "POST identityGovernance/entitlementManagement/assignments/{id}/reprocess",
        "POST identityGovernance/entitlementManagement/assignmentRequests/{id}/reprocess",
        "DELETE identityGovernance/entitlementManagement/assignmentRequests/{id}",
    ],
    application: Some(Grant {
        least: "EntitlementManagement.ReadWrite.All",
        also: &[],
    }),
    delegated: Grant {
        least: "EntitlementManagement.ReadWrite.All",
        also: &[],
    },
    directory_roles: &[IDENTITY_GOVERNANCE_ADMINISTRATOR, GLOBAL_ADMINISTRATOR],
    catalog_roles: &[
        "Access package assignment manager",
        "Access package manager",
        "Catalog owner",
    ],
    signed_in_user: false,
    condition: Some("the target must be in the policy's allowed scope"),
    licence: EM_LICENCE,
    sources: &[
        "api-reference/v1.0/api/entitlementmanagement-post-assignmentrequests.md",
        "api-reference/v1.0/includes/permissions/entitlementmanagement-post-assignmentrequests-permissions.md",
        "api-reference/v1.0/includes/rbac-for-apis/rbac-entitlement-management-end-user-apis-write-including-subject-access.md",
    ],
};

// `group-list-members.md`, include `group-list-members-permissions.md`:
// GroupMember.Read.All least for both kinds; higher Directory.Read.All,
// Group.Read.All, Group.ReadWrite.All, GroupMember.ReadWrite.All. No role
// is named (member users read groups by default).
static GROUPS: Requirement = Requirement {
    capability: Capability::Groups,
    calls: &[
        "GET groups/{id}/members",
        "GET groups/{id}/transitiveMembers",
    ],
    application: Some(Grant {
        least: "GroupMember.Read.All",
        also: &[
            "Directory.Read.All",
            "Group.Read.All",
            "Group.ReadWrite.All",
            "GroupMember.ReadWrite.All",
        ],
    }),
    delegated: Grant {
        least: "GroupMember.Read.All",
        also: &[
            "Directory.Read.All",
            "Group.Read.All",
            "Group.ReadWrite.All",
            "GroupMember.ReadWrite.All",
        ],
    },
    directory_roles: &[],
    catalog_roles: &[],
    signed_in_user: false,
    condition: Some("members of a type the caller may not read come back with only their id"),
    licence: "any",
    sources: &[
        "api-reference/v1.0/api/group-list-members.md",
        "api-reference/v1.0/includes/permissions/group-list-members-permissions.md",
    ],
};

// `user-list.md` and `user-get.md`: delegated User.ReadBasic.All least
// (User.Read covers only the signed-in user), application User.Read.All
// least; higher User.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All.
// "Guest users cannot call this API" (user-list.md).
static USERS: Requirement = Requirement {
    capability: Capability::Users,
    calls: &["GET users/{id | userPrincipalName}?$select=id,userPrincipalName"],
    application: Some(Grant {
        least: "User.Read.All",
        also: &[
            "User.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
    }),
    delegated: Grant {
        least: "User.ReadBasic.All",
        also: &[
            "User.Read.All",
            "User.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
    },
    directory_roles: &[],
    catalog_roles: &[],
    signed_in_user: false,
    condition: Some("a guest user cannot list users"),
    licence: "any",
    sources: &[
        "api-reference/v1.0/api/user-list.md",
        "api-reference/v1.0/api/user-get.md",
    ],
};

// `identitygovernance-workflow-createnewversion.md`: the current revision
// lists LifecycleWorkflows-Workflow.ReadWrite.All least and
// LifecycleWorkflows.ReadWrite.All higher (older revisions:
// LifecycleWorkflows.ReadWrite.All least), for both kinds; delegated
// callers need Lifecycle Workflows Administrator
// (`includes/rbac-for-apis/rbac-lifecycle-workflows-apis-write.md`).
// Licence: entra-docs `id-governance/licensing-fundamentals.md`.
static LIFECYCLE: Requirement = Requirement {
    capability: Capability::Lifecycle,
    calls: &[
        "GET identityGovernance/lifecycleWorkflows/workflows/{id}?$expand=tasks",
        "POST identityGovernance/lifecycleWorkflows/workflows/{id}/createNewVersion",
    ],
    application: Some(Grant {
        least: "LifecycleWorkflows-Workflow.ReadWrite.All",
        also: &["LifecycleWorkflows.ReadWrite.All"],
    }),
    delegated: Grant {
        least: "LifecycleWorkflows-Workflow.ReadWrite.All",
        also: &["LifecycleWorkflows.ReadWrite.All"],
    },
    directory_roles: &[LIFECYCLE_WORKFLOWS_ADMINISTRATOR, GLOBAL_ADMINISTRATOR],
    catalog_roles: &[],
    signed_in_user: false,
    condition: None,
    licence: "Microsoft Entra ID Governance",
    sources: &[
        "api-reference/v1.0/api/identitygovernance-workflow-createnewversion.md",
        "api-reference/v1.0/includes/rbac-for-apis/rbac-lifecycle-workflows-apis-write.md",
    ],
};

// `approval-filterbycurrentuser.md` and `approvalstage-update.md` ("For
// entitlement management"): delegated EntitlementManagement.ReadWrite.All
// (no higher), application "Not supported."; the approver is whoever the
// request's current approval stage names.
static APPROVE: Requirement = Requirement {
    capability: Capability::Approve,
    calls: &[
        "GET identityGovernance/entitlementManagement/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')",
        "GET identityGovernance/entitlementManagement/accessPackageAssignmentApprovals/{id}",
        "PATCH identityGovernance/entitlementManagement/accessPackageAssignmentApprovals/{id}/stages/{stageId}",
    ],
    application: None,
    delegated: Grant {
        least: "EntitlementManagement.ReadWrite.All",
        also: &[],
    },
    directory_roles: &[],
    catalog_roles: &[],
    signed_in_user: true,
    condition: Some("the signed-in user must be an approver of the request's current stage"),
    licence: EM_LICENCE,
    sources: &[
        "api-reference/v1.0/api/approval-filterbycurrentuser.md",
        "api-reference/v1.0/api/approvalstage-update.md",
    ],
};

// `entitlementmanagement-post-assignmentrequests.md` (userAdd, userUpdate,
// userRemove: "The signed-in user doesn't need an administrator role. The
// least privileged permission is EntitlementMgmt-SubjectAccess.ReadWrite"),
// `accesspackageassignmentrequest-filterbycurrentuser.md` (include
// `accesspackageassignmentrequest-filterbycurrentuser-permissions.md`:
// delegated EntitlementMgmt-SubjectAccess.ReadWrite least, application "Not
// supported."), and `accesspackageassignmentrequest-cancel.md` (own
// requests: EntitlementMgmt-SubjectAccess.ReadWrite, no role).
static SELF_SERVICE: Requirement = Requirement {
    capability: Capability::SelfService,
    calls: &[
        "POST identityGovernance/entitlementManagement/assignmentRequests (userAdd, userUpdate, userRemove)",
        "GET identityGovernance/entitlementManagement/assignmentRequests/filterByCurrentUser(on='target')",
        "POST identityGovernance/entitlementManagement/assignmentRequests/{id}/cancel",
    ],
    application: None,
    delegated: Grant {
        least: "EntitlementMgmt-SubjectAccess.ReadWrite",
        also: &["EntitlementManagement.ReadWrite.All"],
    },
    directory_roles: &[],
    catalog_roles: &[],
    signed_in_user: true,
    condition: Some("the policy must let the signed-in user request the package"),
    licence: EM_LICENCE,
    sources: &[
        "api-reference/v1.0/api/entitlementmanagement-post-assignmentrequests.md",
        "api-reference/v1.0/api/accesspackageassignmentrequest-filterbycurrentuser.md",
        "api-reference/v1.0/includes/rbac-for-apis/rbac-entitlement-management-end-user-apis-write-including-subject-access.md",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_capability_has_its_own_row() {
        for c in Capability::ALL {
            assert_eq!(c.requirement().capability, c);
            assert_eq!(c.as_str().parse::<Capability>(), Ok(c));
            assert!(!c.requirement().sources.is_empty(), "{c}");
            assert!(!c.requirement().calls.is_empty(), "{c}");
            // A row that needs a signed-in user has no application grant.
            assert_eq!(
                c.requirement().signed_in_user,
                c.requirement().application.is_none()
            );
        }
        assert_eq!(" Assign ".parse::<Capability>(), Ok(Capability::Assign));
        let err = "approval".parse::<Capability>().unwrap_err();
        assert!(err.to_string().contains("list, assign, groups"), "{err}");
    }

    #[test]
    fn grants_match_names_ignoring_case() {
        let g = LIST.application.as_ref().unwrap();
        assert!(g.accepts("entitlementmanagement.readwrite.all"));
        assert!(!g.accepts("EntitlementManagement.Read"));
        assert!(LIST.accepts_role("45D8D3C5-C802-45C6-B32A-1D70B5E1E86E"));
        assert!(!ASSIGN.accepts_role(GLOBAL_READER.template_id));
    }
}
