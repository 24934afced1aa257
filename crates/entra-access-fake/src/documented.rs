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
