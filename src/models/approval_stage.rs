//! Approval stages of a policy.

use serde::{Deserialize, Serialize};

use super::serde_util::null_as_default;
use super::{ApproverInformationVisibility, IsoDuration, SubjectSet};

/// `accessPackageApprovalStage`: one stage of approval.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApprovalStage {
    /// The stage's `@odata.type` when Graph sends one (for example
    /// `#microsoft.graph.accessPackageDynamicApprovalStage`).
    #[serde(
        rename = "@odata.type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_type: Option<String>,
    /// Whether requestors see who approves this stage
    /// (`approverInformationVisibility`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver_information_visibility: Option<ApproverInformationVisibility>,
    /// How long approvers have before the request is denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_before_automatic_denial: Option<IsoDuration>,
    /// How long before the request is escalated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_before_escalation: Option<IsoDuration>,
    /// Whether approvers must give a justification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_approver_justification_required: Option<bool>,
    /// Whether escalation is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_escalation_enabled: Option<bool>,
    /// The approvers.
    #[serde(default, deserialize_with = "null_as_default")]
    pub primary_approvers: Vec<SubjectSet>,
    /// Approvers used when the primary ones cannot be resolved.
    #[serde(default, deserialize_with = "null_as_default")]
    pub fallback_primary_approvers: Vec<SubjectSet>,
    /// Escalation approvers.
    #[serde(default, deserialize_with = "null_as_default")]
    pub escalation_approvers: Vec<SubjectSet>,
    /// Escalation approvers used when the others cannot be resolved.
    #[serde(default, deserialize_with = "null_as_default")]
    pub fallback_escalation_approvers: Vec<SubjectSet>,
}
