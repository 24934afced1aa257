//! Assignment policies: who may get an access package, how, and for how long.

use serde::{Deserialize, Serialize};

use super::serde_util::{empty_id, is_empty_id, null_as_default};
use super::{
    AccessPackage, AllowedTargetScope, ApprovalStage, AssignmentPolicyId, Catalog, DateTime,
    ExpirationPattern, IsoDuration, Question, SubjectSet,
};

/// `accessPackageAssignmentPolicy`.
///
/// ```
/// use entra_access::models::AssignmentPolicy;
///
/// let p: AssignmentPolicy = serde_json::from_str(r##"{
///     "id": "p1",
///     "allowedTargetScope": "allMemberUsers",
///     "requestApprovalSettings": {"isApprovalRequiredForAdd": true, "stages": []},
///     "questions": [{"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion",
///                    "id": "q1", "isRequired": true}]
/// }"##).unwrap();
/// assert!(p.requires_approval_for_add());
/// assert!(!p.is_auto_assignment());
/// assert_eq!(p.required_questions().count(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AssignmentPolicy {
    /// Id of the policy.
    #[serde(default = "empty_id", skip_serializing_if = "is_empty_id")]
    pub id: AssignmentPolicyId,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who may be assigned through this policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_target_scope: Option<AllowedTargetScope>,
    /// The principals allowed when the scope is `specific…`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub specific_allowed_targets: Vec<SubjectSet>,
    /// Present only on auto-assignment policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatic_request_settings: Option<AutomaticRequestSettings>,
    /// Who may request and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requestor_settings: Option<RequestorSettings>,
    /// Approval settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_approval_settings: Option<ApprovalSettings>,
    /// Access-review settings, kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_settings: Option<serde_json::Value>,
    /// Expiry of assignments made through this policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<ExpirationPattern>,
    /// Notification settings, kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_settings: Option<serde_json::Value>,
    /// When it was created.
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_date_time: Option<DateTime>,
    /// When it was last changed.
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub modified_date_time: Option<DateTime>,
    /// The access package (only with `$expand=accessPackage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_package: Option<Box<AccessPackage>>,
    /// The catalog (only with `$expand=catalog`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<Catalog>,
    /// The questions asked of requestors (`None` when Graph did not return
    /// them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questions: Option<Vec<Question>>,
    /// Custom-extension stage settings (only with `$expand`), kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_extension_stage_settings: Option<Vec<serde_json::Value>>,
}

impl AssignmentPolicy {
    /// Whether a request to add an assignment needs approval.
    pub fn requires_approval_for_add(&self) -> bool {
        self.request_approval_settings
            .as_ref()
            .and_then(|s| s.is_approval_required_for_add)
            == Some(true)
    }

    /// Whether this is an auto-assignment policy (`automaticRequestSettings`
    /// present) rather than a request-based one.
    pub fn is_auto_assignment(&self) -> bool {
        self.automatic_request_settings.is_some()
    }

    /// The questions that must be answered.
    pub fn required_questions(&self) -> impl Iterator<Item = &Question> {
        self.questions.iter().flatten().filter(|q| q.is_required())
    }

    /// Whether a requestor may send a custom schedule.
    pub fn allows_custom_schedule(&self) -> bool {
        self.requestor_settings
            .as_ref()
            .and_then(|s| s.allow_custom_assignment_schedule)
            == Some(true)
    }
}

/// `accessPackageAssignmentRequestorSettings`: who may request and how.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RequestorSettings {
    /// Whether a requestor may send a schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_custom_assignment_schedule: Option<bool>,
    /// Whether targets may request access for themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_targets_to_self_add_access: Option<bool>,
    /// Whether targets may update (extend) their own access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_targets_to_self_update_access: Option<bool>,
    /// Whether targets may remove their own access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_targets_to_self_remove_access: Option<bool>,
    /// Whether on-behalf requestors may add access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_on_behalf_requestors_to_add_access: Option<bool>,
    /// Whether on-behalf requestors may update access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_on_behalf_requestors_to_update_access: Option<bool>,
    /// Whether on-behalf requestors may remove access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_on_behalf_requestors_to_remove_access: Option<bool>,
    /// Who may request on behalf of others.
    #[serde(default, deserialize_with = "null_as_default")]
    pub on_behalf_requestors: Vec<SubjectSet>,
}

/// `accessPackageAssignmentApprovalSettings`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApprovalSettings {
    /// Whether adding an assignment needs approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_approval_required_for_add: Option<bool>,
    /// Whether updating an assignment needs approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_approval_required_for_update: Option<bool>,
    /// Whether the requestor must give a justification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_requestor_justification_required: Option<bool>,
    /// The stages (1–3 when approval is needed; empty otherwise).
    #[serde(default, deserialize_with = "null_as_default")]
    pub stages: Vec<ApprovalStage>,
}

/// `accessPackageAutomaticRequestSettings`: present on auto-assignment
/// policies.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AutomaticRequestSettings {
    /// Whether assignments are created automatically for principals in scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_access_for_allowed_targets: Option<bool>,
    /// Whether access is removed when a principal leaves the scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_access_when_target_leaves_allowed_targets: Option<bool>,
    /// How long before access is removed after leaving the scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_before_access_removal: Option<IsoDuration>,
}
