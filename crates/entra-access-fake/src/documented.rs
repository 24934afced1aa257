//! What Graph's v1.0 documentation allows in the query of each
//! entitlement-management list: the properties `$filter` may name (and with
//! which operators), the navigation properties `$expand` may name, and the
//! properties `$select` may name. The fake refuses anything else, so a test
//! cannot pass on a query Graph refuses.
//!
//! Sources (microsoft-graph-docs-contrib, `api-reference/v1.0/`):
//! - `resources/accesspackage.md`: `displayName` "Supports $filter (eq,
//!   contains)"; `api/entitlementmanagement-list-accesspackages.md` shows
//!   `contains(tolower(displayName),'team')`; `$expand=assignmentPolicies`
//!   (`api/accesspackage-get.md`) and `catalog` (relationship).
//! - `api/entitlementmanagement-list-assignmentpolicies.md`: "supports some
//!   of the $filter …", example `displayName eq '…'`; relationships
//!   `accessPackage`, `catalog`, `questions`, `customExtensionStageSettings`.
//! - `resources/accesspackageassignment.md`: `state`, `accessPackage/id`,
//!   `assignmentPolicy/id`, `target/objectId` support `$filter` (`eq`);
//!   `accessPackage`, `assignmentPolicy`, `target` support `$expand`.
//! - `resources/accesspackageassignmentrequest.md` and
//!   `api/entitlementmanagement-list-assignmentrequests.md`: `state`
//!   (`eq`), `createdDateTime` (example `gt`), `accessPackage/id`;
//!   `$expand` of `accessPackage`, `assignment`, `requestor`.
//!
//! `$select` may name the type's properties and navigation properties (the
//! v1.0 schema, `clean_v10_metadata/cleanMetadata.xml`).
//!
//! The error: Graph documents only the status of a refused filter (400,
//! microsoft-graph-docs-contrib issue #1679, `assignmentState eq 'Delivered'`
//! on v1.0). The code and message are those of Graph's OData layer:
//! `BadRequest`, "Invalid filter clause: …" for `$filter` and "Parsing OData
//! Select and Expand failed: …" for `$expand`/`$select`, in Graph's error
//! envelope (`concepts/errors.md`).

use super::filters::{FilterSpec, Ops};
use super::query::Query;
use super::reply::GraphErr;

/// Refuses a system query option no entitlement-management page documents.
///
/// The list pages name `$select`, `$filter` and `$expand`
/// (`entitlementmanagement-list-assignments.md`, `…-list-catalogs.md`,
/// `…-list-assignmentpolicies.md`, `…-list-assignmentrequests.md`;
/// `…-list-accesspackages.md` names `$select` and `$filter`), the get pages
/// `$select` and `$expand`, `accesspackage-list-incompatibleaccesspackages.md`,
/// `…-list-accesspackagesincompatiblewith.md` and
/// `approval-filterbycurrentuser.md` "the OData query parameters for
/// (server-side) paging", the function pages none. No page names
/// `$orderby`, `$count`, `$skip` or `$search`, so every one of them (and any
/// other `$` option the fake does not read) gets 400. `$top` and
/// `$skiptoken` are paging, read by `paging::page`.
///
/// The wording: Microsoft documents no error for an unsupported query
/// option on these endpoints. The code is `BadRequest`, as for the fake's
/// other query refusals; the message follows the OData library's ("Query
/// option '…' is not allowed", OData/AspNetCoreOData #667). It names only
/// the refused option, so the crate's page-size fallback cannot mistake it
/// for a refusal of the page size.
pub(crate) fn check_options(q: &Query) -> Result<(), GraphErr> {
    match q.others.first() {
        Some(name) => Err(GraphErr::bad_request(format!(
            "The query specified in the URI is not valid. Query option '{name}' is not allowed on entitlement-management resources."
        ))),
        None => Ok(()),
    }
}

/// The query rules of one entitlement-management resource.
#[derive(Debug)]
pub(crate) struct Documented {
    pub filter: FilterSpec,
    /// Lower-case navigation properties `$expand` may name.
    pub expand: &'static [&'static str],
    /// Lower-case properties (and navigation properties) `$select` may name.
    pub select: &'static [&'static str],
}

pub(crate) const PACKAGES: Documented = Documented {
    filter: FilterSpec {
        type_name: "microsoft.graph.accessPackage",
        props: &[("displayname", Ops::EqContains)],
    },
    expand: &["assignmentpolicies", "catalog"],
    select: &[
        "id",
        "createddatetime",
        "description",
        "displayname",
        "ishidden",
        "modifieddatetime",
        "assignmentpolicies",
        "catalog",
    ],
};

pub(crate) const POLICIES: Documented = Documented {
    filter: FilterSpec {
        type_name: "microsoft.graph.accessPackageAssignmentPolicy",
        props: &[("displayname", Ops::Eq)],
    },
    expand: &[
        "accesspackage",
        "catalog",
        "questions",
        "customextensionstagesettings",
    ],
    select: &[
        "id",
        "allowedtargetscope",
        "automaticrequestsettings",
        "createddatetime",
        "description",
        "displayname",
        "expiration",
        "modifieddatetime",
        "notificationsettings",
        "requestapprovalsettings",
        "requestorsettings",
        "reviewsettings",
        "specificallowedtargets",
        "accesspackage",
        "catalog",
        "customextensionstagesettings",
        "questions",
    ],
};

pub(crate) const ASSIGNMENTS: Documented = Documented {
    filter: FilterSpec {
        type_name: "microsoft.graph.accessPackageAssignment",
        props: &[
            ("state", Ops::Eq),
            ("accesspackage/id", Ops::Eq),
            ("assignmentpolicy/id", Ops::Eq),
            ("target/objectid", Ops::Eq),
        ],
    },
    expand: &["target", "accesspackage", "assignmentpolicy"],
    select: &[
        "id",
        "customextensioncalloutinstances",
        "expireddatetime",
        "schedule",
        "state",
        "status",
        "accesspackage",
        "assignmentpolicy",
        "target",
    ],
};

pub(crate) const REQUESTS: Documented = Documented {
    filter: FilterSpec {
        type_name: "microsoft.graph.accessPackageAssignmentRequest",
        props: &[
            ("state", Ops::Eq),
            ("createddatetime", Ops::Compare),
            ("accesspackage/id", Ops::Eq),
        ],
    },
    expand: &["accesspackage", "assignment", "requestor"],
    select: &[
        "id",
        "answers",
        "completeddatetime",
        "createddatetime",
        "customextensioncalloutinstances",
        "justification",
        "requesttype",
        "schedule",
        "state",
        "status",
        "accesspackage",
        "assignment",
        "requestor",
    ],
};
