//! How Graph is to process a create request (`parameters`).

use serde::{Deserialize, Serialize};

/// `accessPackageAssignmentRequestParameters`: settings a create request
/// carries about its own processing (`parameters` of an
/// [`AssignmentRequest`](super::AssignmentRequest)).
///
/// Documented on the v1.0 page
/// `resources/accesspackageassignmentrequestparameters.md`, which is newer
/// than the schema table this crate's conformance tests read.
///
/// ```
/// use entra_access::models::AssignmentRequestParameters;
///
/// let p = AssignmentRequestParameters::bypassing_approval(true);
/// assert_eq!(serde_json::to_value(&p).unwrap(), serde_json::json!({"bypassApproval": true}));
/// let read: AssignmentRequestParameters = serde_json::from_str(r#"{"bypassApproval": null}"#).unwrap();
/// assert_eq!(read.bypass_approval, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AssignmentRequestParameters {
    /// `bypassApproval`: `true` skips the approval the policy requires for
    /// this request; `false` (Graph's default) waits for the approvers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bypass_approval: Option<bool>,
}

impl AssignmentRequestParameters {
    /// Parameters that say whether to bypass the policy's approval.
    pub fn bypassing_approval(bypass: bool) -> Self {
        Self {
            bypass_approval: Some(bypass),
        }
    }
}
