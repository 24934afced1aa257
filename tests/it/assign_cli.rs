//! `assign_user` under a policy with approvers (the demo's Travel Booking),
//! run through its command line against the demo tenant: `--wait`
//! returns at `pendingApproval` naming the approvers, and
//! `--bypass-approval` asks Graph to skip them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::example_build::run;
use entra_access_fake::demo;

#[test]
fn assign_user_under_approval_returns_at_pending_approval_naming_the_approvers() {
    let r = run(
        "assign_user",
        &[
            "--package-name",
            "Travel Booking",
            "--user-id",
            demo::ALAN,
            "--wait",
        ],
    )
    .ok();
    let lines = r.lines();
    assert_eq!(lines.len(), 2, "{r}");
    assert_eq!(lines[1], "pendingApproval", "{r}");
    assert!(
        r.stderr.contains(&format!(
            "request {}: waits for approval by stage 1: user {}; stage 2: user {}",
            lines[0],
            demo::APPROVER,
            demo::SECOND_APPROVER
        )),
        "{r}"
    );
}

#[test]
fn assign_user_with_bypass_approval_is_delivered() {
    let r = run(
        "assign_user",
        &[
            "--package-name",
            "Travel Booking",
            "--user-id",
            demo::ALAN,
            "--bypass-approval",
            "--wait",
        ],
    )
    .ok();
    let lines = r.lines();
    assert_eq!(lines.len(), 2, "{r}");
    assert_eq!(lines[1], "delivered", "{r}");
    assert!(!r.stderr.contains("pendingApproval"), "{r}");
}
