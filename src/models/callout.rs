//! Custom-extension (Logic App) calls made while processing an assignment.

use serde::{Deserialize, Serialize};

use super::CalloutStatus;

/// `customExtensionCalloutInstance`: one call to a custom extension.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomExtensionCalloutInstance {
    /// Id of the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Id of the custom extension that was called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_extension_id: Option<String>,
    /// Details of the call, as Graph reports them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Correlation id on the other side (the Logic App run id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_correlation_id: Option<String>,
    /// How the call went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CalloutStatus>,
}

impl CustomExtensionCalloutInstance {
    /// Whether the call failed or its callback timed out (`calloutFailed`,
    /// `callbackTimedOut`).
    ///
    /// ```
    /// use entra_access::models::CustomExtensionCalloutInstance;
    ///
    /// let c: CustomExtensionCalloutInstance =
    ///     serde_json::from_str(r#"{"status": "callbackTimedOut"}"#).unwrap();
    /// assert!(c.is_failed());
    /// ```
    pub fn is_failed(&self) -> bool {
        matches!(
            self.status,
            Some(CalloutStatus::CalloutFailed | CalloutStatus::CallbackTimedOut)
        )
    }
}
