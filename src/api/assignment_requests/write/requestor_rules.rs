//! What a known policy lets a requestor do, checked before a `userAdd` is
//! sent: Graph refuses the same requests, after the round trip.

use super::draft::Draft;
use crate::error::{Error, Result};
use crate::models::AssignmentPolicy;

/// Refuses a `userAdd` that `policy` does not allow: self-service turned off
/// (`requestorSettings.enableTargetsToSelfAddAccess`), a schedule the
/// requestor may not choose (`requestorSettings.allowCustomAssignmentSchedule`),
/// or no justification where one is required
/// (`requestApprovalSettings.isRequestorJustificationRequired`). A setting
/// the policy was read without is not held against the request.
pub(crate) fn check_user_add(policy: &AssignmentPolicy, draft: &Draft) -> Result<()> {
    let who = format!("policy {}", policy.id);
    let requestor = policy.requestor_settings.as_ref();
    if requestor.and_then(|r| r.enable_targets_to_self_add_access) == Some(false) {
        return Err(Error::invalid_input(
            &who,
            "does not let users request access for themselves \
             (requestorSettings.enableTargetsToSelfAddAccess is false): an administrator assigns \
             through it (admin_add), or request through a policy that allows self-service",
        ));
    }
    if !draft.schedule.is_empty()
        && requestor.and_then(|r| r.allow_custom_assignment_schedule) == Some(false)
    {
        return Err(Error::invalid_input(
            &who,
            "does not let requestors choose a schedule \
             (requestorSettings.allowCustomAssignmentSchedule is false): leave out the start, \
             end, duration and no_expiration; the policy's expiration applies",
        ));
    }
    let justification_required = policy
        .request_approval_settings
        .as_ref()
        .and_then(|s| s.is_requestor_justification_required)
        == Some(true);
    let justified = draft
        .justification
        .as_deref()
        .is_some_and(|j| !j.trim().is_empty());
    if justification_required && !justified {
        return Err(Error::invalid_input(
            &who,
            "requires a justification from the requestor \
             (requestApprovalSettings.isRequestorJustificationRequired): set one with \
             .justification(…)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::IsoDuration;

    fn policy(v: serde_json::Value) -> AssignmentPolicy {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn each_rule_names_its_setting_and_unknown_settings_pass() {
        let mut draft = Draft::default();
        let no_self = policy(serde_json::json!({"id": "p1",
            "requestorSettings": {"enableTargetsToSelfAddAccess": false}}));
        let err = check_user_add(&no_self, &draft).unwrap_err().to_string();
        assert!(
            err.contains("policy p1") && err.contains("enableTargetsToSelfAddAccess"),
            "{err}"
        );

        let fixed = policy(serde_json::json!({"id": "p2",
            "requestorSettings": {"enableTargetsToSelfAddAccess": true, "allowCustomAssignmentSchedule": false}}));
        assert!(check_user_add(&fixed, &draft).is_ok());
        draft.schedule.set_duration(Some(IsoDuration::days(3)));
        let err = check_user_add(&fixed, &draft).unwrap_err().to_string();
        assert!(err.contains("allowCustomAssignmentSchedule"), "{err}");

        let justify = policy(serde_json::json!({"id": "p3",
            "requestApprovalSettings": {"isRequestorJustificationRequired": true, "stages": []}}));
        let mut draft = Draft {
            justification: Some("  ".into()),
            ..Draft::default()
        };
        let err = check_user_add(&justify, &draft).unwrap_err().to_string();
        assert!(err.contains("isRequestorJustificationRequired"), "{err}");
        draft.justification = Some("campaign".into());
        assert!(check_user_add(&justify, &draft).is_ok());

        // A policy read without its settings says nothing against the request.
        let bare = policy(serde_json::json!({"id": "p4"}));
        draft.schedule.set_duration(Some(IsoDuration::days(3)));
        draft.justification = None;
        assert!(check_user_add(&bare, &draft).is_ok());
    }
}
