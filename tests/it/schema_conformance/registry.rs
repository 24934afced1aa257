//! Which Graph type each model and enum stands for, and the documented exceptions.

use serde_json::Value;

/// A model struct and the Graph type it represents (`in_table = false`: the
/// type is outside the entitlement-management table, which the test checks).
pub struct ModelRow {
    pub rust: &'static str,
    pub graph: &'static str,
    pub in_table: bool,
    /// Decodes a JSON object into the model and serializes it back.
    pub round_trip: fn(Value) -> Result<Value, String>,
}

pub fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(
    v: Value,
) -> Result<Value, String> {
    let t: T = serde_path_to_error::deserialize(v).map_err(|e| e.to_string())?;
    serde_json::to_value(&t).map_err(|e| e.to_string())
}

macro_rules! models {
    ($($rust:ident => $graph:literal $(, $out:ident)?;)+) => {
        &[$(ModelRow {
            rust: stringify!($rust),
            graph: $graph,
            in_table: models!(@in $($out)?),
            round_trip: round_trip::<entra_access::models::$rust>,
        }),+]
    };
    (@in) => { true };
    (@in outside_table) => { false };
}

pub const MODELS: &[ModelRow] = models! {
    AccessPackage => "microsoft.graph.accessPackage";
    Answer => "microsoft.graph.accessPackageAnswerString";
    AnsweredQuestion => "microsoft.graph.accessPackageQuestion";
    AnswerChoice => "microsoft.graph.accessPackageAnswerChoice";
    Approval => "microsoft.graph.approval";
    ApprovalDecisionStage => "microsoft.graph.approvalStage";
    ApprovalReviewer => "microsoft.graph.identity", outside_table;
    ApprovalSettings => "microsoft.graph.accessPackageAssignmentApprovalSettings";
    ApprovalStage => "microsoft.graph.accessPackageApprovalStage";
    Assignment => "microsoft.graph.accessPackageAssignment";
    AssignmentPolicy => "microsoft.graph.accessPackageAssignmentPolicy";
    AssignmentRequest => "microsoft.graph.accessPackageAssignmentRequest";
    // Newer than the table: see NEWER_THAN_TABLE.
    AssignmentRequestParameters => "microsoft.graph.accessPackageAssignmentRequestParameters", outside_table;
    AutomaticRequestSettings => "microsoft.graph.accessPackageAutomaticRequestSettings";
    Catalog => "microsoft.graph.accessPackageCatalog";
    ConnectedOrganization => "microsoft.graph.connectedOrganization";
    ConnectedOrganizationMembers => "microsoft.graph.connectedOrganizationMembers";
    CustomExtensionCalloutInstance => "microsoft.graph.customExtensionCalloutInstance", outside_table;
    DirectoryObject => "microsoft.graph.directoryObject", outside_table;
    Expiration => "microsoft.graph.expirationPattern";
    GroupMembers => "microsoft.graph.groupMembers";
    LocalizedText => "microsoft.graph.accessPackageLocalizedText";
    MultipleChoiceQuestion => "microsoft.graph.accessPackageMultipleChoiceQuestion";
    RequestorManager => "microsoft.graph.requestorManager";
    RequestorSettings => "microsoft.graph.accessPackageAssignmentRequestorSettings";
    Schedule => "microsoft.graph.entitlementManagementSchedule";
    SingleUser => "microsoft.graph.singleUser";
    Subject => "microsoft.graph.accessPackageSubject";
    Task => "microsoft.graph.identityGovernance.task";
    TaskArgument => "microsoft.graph.keyValuePair";
    TextInputQuestion => "microsoft.graph.accessPackageTextInputQuestion";
    Workflow => "microsoft.graph.identityGovernance.workflow";
};

/// Hand-written polymorphic models (an enum over the subtypes, unknown
/// subtypes kept raw) and type aliases.
pub const POLYMORPHIC: &[(&str, &str)] = &[
    ("SubjectSet", "microsoft.graph.subjectSet"),
    ("Question", "microsoft.graph.accessPackageQuestion"),
    ("ExpirationPattern", "microsoft.graph.expirationPattern"),
];

pub struct EnumRow {
    pub rust: &'static str,
    pub graph: &'static str,
    pub in_table: bool,
    pub known: &'static [&'static str],
}

macro_rules! enums {
    ($($rust:ident => $graph:literal $(, $out:ident)?;)+) => {
        &[$(EnumRow {
            rust: stringify!($rust),
            graph: $graph,
            in_table: models!(@in $($out)?),
            known: entra_access::models::$rust::KNOWN,
        }),+]
    };
}

pub const ENUMS: &[EnumRow] = enums! {
    AllowedTargetScope => "microsoft.graph.allowedTargetScope";
    // The table names the property's type but lists no members for it.
    ApproverInformationVisibility => "microsoft.graph.approverInformationVisibility", outside_table;
    AssignmentState => "microsoft.graph.accessPackageAssignmentState";
    CalloutStatus => "microsoft.graph.customExtensionCalloutInstanceStatus", outside_table;
    CatalogState => "microsoft.graph.accessPackageCatalogState";
    CatalogType => "microsoft.graph.accessPackageCatalogType";
    ConnectedOrganizationState => "microsoft.graph.connectedOrganizationState";
    ExpirationType => "microsoft.graph.expirationPatternType";
    RequestState => "microsoft.graph.accessPackageRequestState";
    RequestType => "microsoft.graph.accessPackageRequestType";
    SubjectLifecycle => "microsoft.graph.accessPackageSubjectLifecycle";
    SubjectType => "microsoft.graph.accessPackageSubjectType";
};

/// Enum-typed Graph properties the models keep as a `String`, and why.
pub const ENUM_AS_STRING: &[(&str, &str, &str)] = &[
    (
        "Workflow",
        "category",
        "lifecycleWorkflowCategory: kept verbatim so createNewVersion posts it back unchanged",
    ),
    (
        "Task",
        "category",
        "lifecycleTaskCategory is a flags enum: Graph sends several members comma-joined",
    ),
];

/// Keys the docs show in a request body that the CSDL does not define: the
/// model carries them for that body only. Each names the documented example
/// (under `tests/data/bodies/`) and the JSON path where it shows the key.
pub const WRITE_ONLY: &[(&str, &str, &str, &str)] = &[
    (
        "Assignment",
        "targetId",
        "admin-add-by-object-id.json",
        "/assignment/targetId",
    ),
    (
        "Assignment",
        "assignmentPolicyId",
        "admin-add-by-object-id.json",
        "/assignment/assignmentPolicyId",
    ),
    (
        "Assignment",
        "accessPackageId",
        "admin-add-by-object-id.json",
        "/assignment/accessPackageId",
    ),
];

/// A property a v1.0 doc page documents that the schema table lacks: the
/// page is newer than the CSDL the table was reduced from
/// (`tests/data/README.md`). The model carries it as the page describes
/// it; the test checks the entry is still missing from the table (drop it
/// once a refreshed table has it) and that a documented body shows it.
pub struct NewerProperty {
    pub model: &'static str,
    pub wire: &'static str,
    /// The property's type, as the page names it.
    pub graph_type: &'static str,
    /// The Rust type the model gives it.
    pub rust_type: &'static str,
    /// The page (microsoft-graph-docs-contrib, `api-reference/v1.0/`).
    pub page: &'static str,
    /// The documented body under `tests/data/bodies/` and the JSON path where
    /// it shows the property.
    pub fixture: &'static str,
    pub pointer: &'static str,
    /// The complex type's properties, with their `Edm` types, as the page
    /// lists them.
    pub members: &'static [(&'static str, &'static str)],
}

pub const NEWER_THAN_TABLE: &[NewerProperty] = &[NewerProperty {
    model: "AssignmentRequest",
    wire: "parameters",
    graph_type: "microsoft.graph.accessPackageAssignmentRequestParameters",
    rust_type: "AssignmentRequestParameters",
    page: "resources/accesspackageassignmentrequestparameters.md",
    fixture: "admin-add-bypass-approval.json",
    pointer: "/parameters/bypassApproval",
    members: &[("bypassApproval", "Edm.Boolean")],
}];
