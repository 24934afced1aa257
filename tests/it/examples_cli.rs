//! Every example, run through its real command line against the fake Graph
//! it starts when no credentials are set: output, exit code, and at least
//! one failure each.
//!
//! The examples are built once (same profile, features and target
//! directory as this test), then run as child processes with every
//! credential variable removed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use crate::example_build::{examples_dir, run, temp_file, CREDENTIAL_ENV as ENV};
use entra_access_fake::demo;

/// The header of `assign_group_members`' CSV report (the one report every
/// plan writes).
const BULK_REPORT_HEADER: &str = "Package,AccessPackageId,Person,PrincipalName,Action,Outcome,RequestId,AssignmentId,ErrorCode,ErrorMessage,HttpStatus,GraphRequestId,ClientRequestId";

/// The CSV row of `user` (its `Person` cell), if any.
fn csv_row<'a>(lines: impl IntoIterator<Item = &'a str>, user: &str) -> Option<&'a str> {
    lines
        .into_iter()
        .find(|l| l.split(',').nth(2) == Some(user))
}

fn looks_like_guid(s: &str) -> bool {
    s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[test]
fn every_example_says_it_uses_the_fake_and_prints_the_demo_ids() {
    let r = run("list_assignments", &["--package-id", demo::MARKETING]).ok();
    assert!(r.stderr.contains("fake Graph"), "{r}");
    for id in [
        demo::MARKETING,
        demo::MARKETING_POLICY,
        demo::ALAN,
        demo::MARKETING_TEAM,
    ] {
        assert!(r.stderr.contains(id), "{id} missing: {r}");
    }
}

#[test]
fn quickstart_tours_the_fake() {
    let r = run("quickstart", &[]).ok();
    let out = &r.stdout;
    assert!(
        out.contains(&format!("{} \"Marketing Campaign\"", demo::MARKETING)),
        "{r}"
    );
    assert!(out.contains(&format!(
        "policy {} \"Direct assignment\"",
        demo::MARKETING_POLICY
    )));
    // Alan's request, followed to delivery.
    let states: Vec<&str> = r
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("   request ") && !l.ends_with("created"))
        .filter_map(|l| l.rsplit(": ").next())
        .collect();
    assert_eq!(states.last(), Some(&"delivered"), "{r}");
    assert!(
        out.contains("for ana.souza@fabrikam.example: delivered"),
        "{r}"
    );
    assert!(out.contains("removal request"), "{r}");
    // Grace holds the package before step 5, not after; Alan the reverse.
    let (before, after) = out.split_once("6. Delivered assignments now").unwrap();
    let before = before.split_once("2. Its delivered").unwrap().1;
    let before = before.split_once("3. Assign").unwrap().0;
    assert!(
        before.contains("Grace Hopper") && !before.contains("Alan Turing"),
        "{r}"
    );
    assert!(
        !after.contains("Grace Hopper") && after.contains("Alan Turing"),
        "{r}"
    );
}

#[test]
fn quickstart_with_half_a_configuration_fails_in_one_line() {
    let mut cmd = Command::new(examples_dir().join("quickstart"));
    for var in ENV {
        cmd.env_remove(var);
    }
    let out = cmd.env("AZURE_TENANT_ID", "contoso").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("AZURE_CLIENT_SECRET"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn list_assignments_prints_one_tab_separated_line_each() {
    let r = run(
        "list_assignments",
        &[
            "--package-name",
            "Marketing Campaign",
            "--state",
            "delivered",
            "--expand-target",
        ],
    )
    .ok();
    let lines = r.lines();
    assert!(
        lines.contains(
            &format!(
                "{}\tdelivered\t{}\tada.lovelace@contoso.example",
                demo::ADA_MARKETING,
                demo::ADA
            )
            .as_str()
        ),
        "{r}"
    );
    assert_eq!(lines.len(), 3, "Ada, Grace, Barbara: {r}");
    for line in &lines {
        assert_eq!(line.split('\t').count(), 4, "{line}");
        assert_eq!(line.split('\t').nth(1), Some("delivered"), "{line}");
    }
    assert!(
        !r.stdout.contains(demo::EDSGER_MARKETING),
        "expired is filtered out: {r}"
    );
    assert!(r.stderr.contains("assignments of access package"), "{r}");

    // Several states; without --expand-target the target columns are unknown.
    let r = run(
        "list_assignments",
        &[
            "--package-id",
            demo::MARKETING,
            "--state",
            "expired",
            "--state",
            "Delivered",
        ],
    )
    .ok();
    assert!(
        r.lines()
            .contains(&format!("{}\texpired\t-\t-", demo::EDSGER_MARKETING).as_str()),
        "{r}"
    );
    assert!(r.stdout.contains(demo::ADA_MARKETING), "{r}");
}

#[test]
fn list_assignments_refuses_bad_states_and_unknown_or_ambiguous_names() {
    let r = run(
        "list_assignments",
        &["--package-id", demo::MARKETING, "--state", "bogus"],
    )
    .fails(2);
    assert!(r.error_line().contains("bogus"), "{r}");
    assert!(r.stderr.contains("expected one of: delivering"), "{r}");
    assert!(r.stdout.is_empty());

    let r = run("list_assignments", &["--package-name", "Nope"]).fails(1);
    assert_eq!(r.error_line(), "error: no access package is named \"Nope\"");

    let r = run("list_assignments", &["--package-name", "Contractors"]).fails(1);
    for id in demo::CONTRACTORS {
        assert!(r.error_line().contains(id), "{r}");
    }

    let r = run("list_assignments", &["--package-id", "no-such-package"]).fails(1);
    assert!(r.error_line().contains("404"), "{r}");
    assert!(r.error_line().contains("request-id"), "{r}");

    run(
        "list_assignments",
        &["--package-id", demo::MARKETING, "--package-name", "x"],
    )
    .fails(2);
}

#[test]
fn export_assignments_csv_writes_a_file() {
    let path = temp_file("assignments.csv");
    let r = run(
        "export_assignments_csv",
        &[
            "--package-name",
            "Marketing Campaign",
            "--out",
            path.to_str().unwrap(),
        ],
    )
    .ok();
    assert!(r.stdout.is_empty(), "{r}");
    let csv = std::fs::read_to_string(&path).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "Id,State,TargetId,TargetObjectId,TargetDisplayName,TargetPrincipalName,TargetEmail,\
             AccessPackageId,AssignmentPolicyId,StartDateTime,EndDateTime,ExpiredDateTime,Status"
        )
    );
    let ada = lines
        .clone()
        .find(|l| l.starts_with(demo::ADA_MARKETING))
        .unwrap();
    assert!(ada.contains(",delivered,"), "{ada}");
    assert!(
        ada.contains(&format!("{},Ada Lovelace,", demo::ADA)),
        "{ada}"
    );
    assert!(
        ada.contains(&format!("{},{}", demo::MARKETING, demo::MARKETING_POLICY)),
        "{ada}"
    );
    assert_eq!(lines.count(), 4, "{csv}");
    assert!(r.stderr.contains("4 assignments"), "{r}");
}

#[test]
fn export_assignments_csv_to_stdout_filters_and_fails_on_a_bad_path() {
    let r = run(
        "export_assignments_csv",
        &["--package-id", demo::MARKETING, "--state", "expired"],
    )
    .ok();
    assert_eq!(r.lines().len(), 2, "{r}");
    assert!(r.lines()[1].starts_with(demo::EDSGER_MARKETING), "{r}");

    let r = run(
        "export_assignments_csv",
        &[
            "--package-id",
            demo::MARKETING,
            "--out",
            "/nonexistent-dir/x.csv",
        ],
    )
    .fails(1);
    assert!(
        r.error_line().contains("creating /nonexistent-dir/x.csv"),
        "{r}"
    );
}

#[test]
fn assign_user_prints_the_request_then_the_final_state() {
    let r = run(
        "assign_user",
        &[
            "--package-name",
            "Marketing Campaign",
            "--user-id",
            demo::ALAN,
            "--duration",
            "P30D",
            "--justification",
            "spring campaign",
            "--wait",
        ],
    )
    .ok();
    let lines = r.lines();
    assert_eq!(lines.len(), 2, "{r}");
    assert!(looks_like_guid(lines[0]), "{r}");
    assert_eq!(lines[1], "delivered");
    assert!(
        r.stderr
            .contains(&format!("request {}: submitted", lines[0])),
        "{r}"
    );
}

/// A start days ahead leaves the request `scheduled` (as Graph does):
/// `--wait` reports that and returns instead of polling until the start.
#[test]
fn assign_user_with_a_future_start_reports_scheduled_and_returns() {
    let start = (chrono::Utc::now() + chrono::Duration::days(3))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let r = run(
        "assign_user",
        &[
            "--package-name",
            "Marketing Campaign",
            "--user-id",
            demo::ALAN,
            "--start",
            &start,
            "--wait",
        ],
    )
    .ok();
    let lines = r.lines();
    assert_eq!(lines.len(), 2, "{r}");
    assert!(looks_like_guid(lines[0]), "{r}");
    assert_eq!(lines[1], "scheduled");
    assert!(
        r.stderr.contains(&format!("access starts at {start}")),
        "{r}"
    );
}

#[test]
fn assign_user_sends_nothing_for_someone_who_has_access() {
    let r = run(
        "assign_user",
        &["--package-id", demo::MARKETING, "--user-id", demo::ADA],
    )
    .ok();
    assert!(r.stdout.is_empty(), "{r}");
    assert!(
        r.stderr.contains(&format!(
            "already assigned: assignment {}",
            demo::ADA_MARKETING
        )),
        "{r}"
    );
}

#[test]
fn assign_user_refuses_bad_schedules_before_sending() {
    let r = run(
        "assign_user",
        &[
            "--package-id",
            demo::MARKETING,
            "--user-id",
            demo::ALAN,
            "--start",
            "2025-02-01T00:00:00Z",
            "--end",
            "2025-01-01T00:00:00Z",
        ],
    )
    .fails(1);
    assert!(
        r.error_line()
            .contains("ends (2025-01-01T00:00:00Z) before"),
        "{r}"
    );
    assert!(r.stdout.is_empty());

    let r = run(
        "assign_user",
        &[
            "--package-id",
            demo::MARKETING,
            "--user-id",
            demo::ALAN,
            "--end",
            "2025-01-01T00:00:00Z",
            "--duration",
            "P1D",
        ],
    )
    .fails(2);
    assert!(r.error_line().contains("cannot be used with"), "{r}");

    let r = run(
        "assign_user",
        &[
            "--package-id",
            demo::MARKETING,
            "--user-id",
            demo::ALAN,
            "--start",
            "tomorrow",
        ],
    )
    .fails(2);
    assert!(r.error_line().contains("--start"), "{r}");

    let r = run(
        "assign_user",
        &[
            "--package-name",
            "Sales Onboarding",
            "--user-id",
            demo::ALAN,
        ],
    )
    .fails(1);
    assert!(
        r.error_line()
            .contains("has 2 policies; pick one with --policy-id"),
        "{r}"
    );
    assert!(
        r.error_line()
            .contains(&format!("{} (Employees)", demo::SALES_EMPLOYEES)),
        "{r}"
    );
    assert!(
        r.error_line()
            .contains(&format!("{} (Partners)", demo::SALES_PARTNERS)),
        "{r}"
    );
}

#[test]
fn assign_external_user_by_email() {
    let r = run(
        "assign_external_user",
        &[
            "--package-name",
            "Sales Onboarding",
            "--policy-id",
            demo::SALES_PARTNERS,
            "--email",
            "ana@fabrikam.example",
            "--display-name",
            "Ana Souza",
            "--wait",
        ],
    )
    .ok();
    let lines = r.lines();
    assert!(looks_like_guid(lines[0]), "{r}");
    assert_eq!(lines[1..], ["delivered"], "{r}");
}

#[test]
fn assign_external_user_outside_the_policy_scope_fails_with_the_graph_error() {
    let r = run(
        "assign_external_user",
        &[
            "--package-id",
            demo::SALES,
            "--policy-id",
            demo::SALES_EMPLOYEES,
            "--email",
            "ana@fabrikam.example",
        ],
    )
    .fails(1);
    let line = r.error_line();
    assert!(line.contains("400 RequestorNotInAllowedScope"), "{r}");
    assert!(line.contains("(request-id "), "{r}");
    assert!(r.stdout.is_empty());

    let r = run(
        "assign_external_user",
        &[
            "--package-id",
            demo::MARKETING,
            "--email",
            "ana at fabrikam",
        ],
    )
    .fails(1);
    assert!(r.error_line().contains("target e-mail"), "{r}");

    let r = run(
        "assign_external_user",
        &[
            "--package-id",
            demo::SALES,
            "--policy-id",
            "not-a-sales-policy",
            "--email",
            "a@b.example",
        ],
    )
    .fails(1);
    assert!(r.error_line().contains("is not a policy of"), "{r}");
}

#[test]
fn assign_group_members_reports_every_member() {
    let path = temp_file("bulk.csv");
    let r = run(
        "assign_group_members",
        &[
            "--package-name",
            "Marketing Campaign",
            "--group-id",
            demo::MARKETING_TEAM,
            "--transitive",
            "--reconcile",
            "--concurrency",
            "4",
            "--report",
            path.to_str().unwrap(),
        ],
    )
    .ok();
    let csv = std::fs::read_to_string(&path).unwrap();
    let row = |user: &str| {
        csv_row(csv.lines(), user)
            .unwrap_or_else(|| panic!("no row for {user}: {csv}"))
            .to_owned()
    };
    assert_eq!(csv.lines().next(), Some(BULK_REPORT_HEADER));
    assert!(
        row(demo::ADA).contains(",Skip(alreadyDelivered),Skipped,"),
        "{csv}"
    );
    assert!(row(demo::ALAN).contains(",Add,Submitted,"), "{csv}");
    assert!(
        row(demo::KATHERINE).contains(",Add,Submitted,"),
        "nested member: {csv}"
    );
    assert!(
        row(demo::BARBARA).contains(",Remove,Submitted,"),
        "not a member: {csv}"
    );
    assert!(
        row(demo::BARBARA).contains(&format!(",{},", demo::BARBARA_MARKETING)),
        "the removal names its assignment: {csv}"
    );
    assert!(
        row(demo::KIOSK).contains(",Skip(notAUser:device),"),
        "{csv}"
    );
    assert!(!csv.contains(demo::MARGARET), "not a member: {csv}");
    assert!(r.stderr.contains("2 requested, 1 removed"), "{r}");
    assert!(r.stderr.contains("0 failed"), "{r}");
}

/// The rows stream to stderr as each person's row is final, and the CSV
/// report (to stdout here) still comes whole, with its header, after them.
#[test]
fn assign_group_members_shows_each_row_as_it_finishes() {
    let r = run(
        "assign_group_members",
        &[
            "--package-id",
            demo::MARKETING,
            "--group-id",
            demo::MARKETING_TEAM,
            "--transitive",
            "--reconcile",
        ],
    )
    .ok();
    let shown = |prefix: &str, user: &str, outcome: &str| {
        r.stderr.lines().any(|l| {
            l.starts_with(&format!("{prefix} {user}")) && l.ends_with(&format!(": {outcome}"))
        })
    };
    assert!(shown("Add", demo::ALAN, "Submitted"), "{r}");
    assert!(shown("Add", demo::KATHERINE, "Submitted"), "{r}");
    assert!(shown("Remove", demo::BARBARA, "Submitted"), "{r}");
    assert!(shown("Skip(alreadyDelivered)", demo::ADA, "Skipped"), "{r}");
    // Skips need no write: their lines come before the writes' lines.
    let at = |needle: &str| r.stderr.find(needle).unwrap();
    assert!(
        at(&format!("Skip(alreadyDelivered) {}", demo::ADA)) < at(&format!("Add {}", demo::ALAN)),
        "{r}"
    );
    // The rows are not mixed into the CSV on stdout.
    let lines = r.lines();
    assert_eq!(lines.first().copied(), Some(BULK_REPORT_HEADER), "{r}");
    assert!(lines.iter().all(|l| !l.starts_with("Add ")), "{r}");
    assert!(
        csv_row(lines.iter().copied(), demo::ALAN).is_some_and(|l| l.contains(",Add,Submitted,")),
        "{r}"
    );
    assert!(r.stderr.contains("2 requested, 1 removed"), "{r}");
}

#[test]
fn assign_group_members_dry_run_writes_the_plan_to_stdout() {
    let r = run(
        "assign_group_members",
        &[
            "--package-id",
            demo::MARKETING,
            "--group-id",
            demo::MARKETING_TEAM,
            "--dry-run",
        ],
    )
    .ok();
    let alan = csv_row(r.lines(), demo::ALAN).unwrap();
    assert!(alan.contains(",Add,Planned,"), "{r}");
    assert!(!r.stdout.contains(demo::KATHERINE), "not transitive: {r}");
    assert!(r.stderr.contains("dry run"), "{r}");

    let r = run(
        "assign_group_members",
        &[
            "--package-id",
            demo::MARKETING,
            "--group-id",
            demo::MARKETING_TEAM,
            "--concurrency",
            "0",
        ],
    )
    .fails(1);
    assert!(r.error_line().contains("concurrency"), "{r}");
    assert!(r.stdout.is_empty());
}

/// Approval intent (issue 21): under Travel Booking's approval policy the
/// program prints the plan's warning that the adds wait for the approvers;
/// `--bypass-approval` sends `bypassApproval: true` and drops the line.
#[test]
fn assign_group_members_says_when_the_adds_wait_for_approval() {
    let args = [
        "--package-id",
        demo::TRAVEL,
        "--group-id",
        demo::MARKETING_TEAM,
    ];
    let r = run("assign_group_members", &args).ok();
    let warning = r
        .stderr
        .lines()
        .find(|l| l.starts_with("warning: the policy requires approval: "))
        .unwrap_or_else(|| panic!("no approval warning: {r}"));
    assert!(
        warning.ends_with("add(s) will wait for the approvers unless the approval is bypassed (--bypass-approval skips it)"),
        "{r}"
    );
    let alan = csv_row(r.lines(), demo::ALAN).unwrap();
    assert!(alan.contains(",Add,Submitted,"), "{r}");

    let r = run(
        "assign_group_members",
        &[&args[..], &["--bypass-approval"]].concat(),
    )
    .ok();
    assert!(!r.stderr.contains("requires approval"), "{r}");
    let alan = csv_row(r.lines(), demo::ALAN).unwrap();
    assert!(alan.contains(",Add,Submitted,"), "{r}");
}

#[test]
fn remove_assignment_by_id_and_by_user() {
    let r = run(
        "remove_assignment",
        &["--assignment-id", demo::BARBARA_MARKETING, "--wait"],
    )
    .ok();
    let lines = r.lines();
    assert!(looks_like_guid(lines[0]), "{r}");
    assert_eq!(lines[1..], ["delivered"], "{r}");

    let r = run(
        "remove_assignment",
        &[
            "--package-name",
            "Marketing Campaign",
            "--user-id",
            demo::GRACE,
        ],
    )
    .ok();
    assert_eq!(r.lines().len(), 1, "{r}");
    assert!(looks_like_guid(r.lines()[0]), "{r}");

    let r = run(
        "remove_assignment",
        &["--package-id", demo::MARKETING, "--user-id", demo::ALAN],
    )
    .ok();
    assert!(r.stdout.is_empty(), "{r}");
    assert!(r.stderr.contains("nothing to remove"), "{r}");
}

#[test]
fn remove_assignment_failures() {
    let r = run(
        "remove_assignment",
        &["--assignment-id", "no-such-assignment"],
    )
    .fails(1);
    assert!(r.error_line().contains("404"), "{r}");

    run("remove_assignment", &[]).fails(2);
    run("remove_assignment", &["--package-id", demo::MARKETING]).fails(2);
    run(
        "remove_assignment",
        &[
            "--assignment-id",
            demo::ADA_MARKETING,
            "--user-id",
            demo::ADA,
        ],
    )
    .fails(2);
}

#[test]
fn follow_request_prints_the_final_state_of_a_delivered_request() {
    let r = run("follow_request", &["--request-id", demo::ADA_REQUEST]).ok();
    assert_eq!(r.lines(), ["delivered\tDelivered"], "{r}");
}

#[test]
fn follow_request_gives_up_on_a_request_that_stays_open() {
    let r = run(
        "follow_request",
        &["--request-id", demo::MARGARET_REQUEST, "--timeout", "1"],
    )
    .fails(1);
    assert_eq!(r.lines(), ["pendingApproval\tPendingApproval"], "{r}");
    assert!(
        r.error_line().contains("last state seen: pendingApproval"),
        "{r}"
    );
}

#[test]
fn follow_request_fails_for_a_request_that_did_not_deliver() {
    let r = run("follow_request", &["--request-id", demo::FAILED_REQUEST]).fails(1);
    assert_eq!(r.lines(), ["deliveryFailed\tDeliveryFailed"], "{r}");
    assert!(
        r.error_line()
            .contains("delivery failed (status: DeliveryFailed)"),
        "{r}"
    );

    let r = run("follow_request", &["--request-id", "no-such-request"]).fails(1);
    assert!(r.error_line().contains("404"), "{r}");
    run("follow_request", &[]).fails(2);
}

#[test]
fn add_lifecycle_task_adds_request_and_remove_tasks() {
    let r = run(
        "add_lifecycle_task",
        &[
            "--workflow-id",
            demo::ONBOARDING_WORKFLOW,
            "--request",
            "--package-name",
            "Marketing Campaign",
        ],
    )
    .ok();
    assert!(
        r.stdout
            .contains("Send Welcome Email\t70b29d51-b59a-4773-9280-8841dfd3f2ea"),
        "{r}"
    );
    assert!(
        r.lines().contains(
            &format!(
                "Request user access package assignment\tc1ec1e76-f374-4375-aaa6-0bb6bd4c60be\taccessPackageId={},assignmentPolicyId={}",
                demo::MARKETING,
                demo::MARKETING_POLICY
            )
            .as_str()
        ),
        "{r}"
    );
    assert!(r.stderr.contains("is now at version 2"), "{r}");

    // A remove task goes into a leaver workflow.
    let r = run(
        "add_lifecycle_task",
        &[
            "--workflow-id",
            demo::OFFBOARDING_WORKFLOW,
            "--remove",
            "--package-id",
            demo::SALES,
        ],
    )
    .ok();
    assert!(
        r.stdout.contains(&format!(
            "Remove access package assignment for user\t4a0b64f2-c7ec-46ba-b117-18f262946c50\taccessPackageId={}",
            demo::SALES
        )),
        "{r}"
    );
}

#[test]
fn add_lifecycle_task_failures() {
    run(
        "add_lifecycle_task",
        &[
            "--workflow-id",
            demo::ONBOARDING_WORKFLOW,
            "--package-id",
            demo::MARKETING,
        ],
    )
    .fails(2);
    let r = run(
        "add_lifecycle_task",
        &[
            "--workflow-id",
            demo::ONBOARDING_WORKFLOW,
            "--request",
            "--package-id",
            demo::SALES,
        ],
    )
    .fails(1);
    assert!(r.error_line().contains("pick one with --policy-id"), "{r}");
    // A remove task does not fit the joiner workflow: refused before sending.
    let r = run(
        "add_lifecycle_task",
        &[
            "--workflow-id",
            demo::ONBOARDING_WORKFLOW,
            "--remove",
            "--package-id",
            demo::SALES,
        ],
    )
    .fails(1);
    let line = r.error_line();
    assert!(
        line.contains("category of the task must match the category of the workflow")
            && line.contains("leaver or mover")
            && line.contains("joiner"),
        "{r}"
    );
    let r = run(
        "add_lifecycle_task",
        &[
            "--workflow-id",
            "no-such-workflow",
            "--remove",
            "--package-id",
            demo::SALES,
        ],
    )
    .fails(1);
    assert!(r.error_line().contains("404"), "{r}");
}

#[test]
fn custom_token_provider_reads_the_token_from_a_file() {
    let r = run("custom_token_provider", &[]).ok();
    assert!(r.stderr.contains("token written to"), "{r}");
    assert!(
        r.lines()
            .contains(&format!("{}\tMarketing Campaign", demo::MARKETING).as_str()),
        "{r}"
    );
    // Marketing Campaign, Sales Onboarding, two Contractors, Travel Booking.
    assert_eq!(r.lines().len(), 5, "{r}");

    let missing = temp_file("no-token-here");
    let r = run(
        "custom_token_provider",
        &["--token-file", missing.to_str().unwrap()],
    )
    .fails(1);
    assert!(r.error_line().contains("reading"), "{r}");
    assert!(r.error_line().contains("no-token-here"), "{r}");
}

/// Ctrl-C during the writes stops gracefully: the write in flight finishes,
/// the rest are never sent, the report still comes (with every person, the
/// unsent ones `NotStarted`) and the exit code is 1. The example talks to a
/// fake Graph of this test whose POSTs are slow, so the signal lands while
/// the first write is in flight (three writes one at a time: the stop has
/// two writes' time to arrive before the last one would start).
#[cfg(unix)]
#[test]
fn assign_group_members_stops_gracefully_on_ctrl_c() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    use std::time::Duration;

    use entra_access::models::RequestType;
    use entra_access_fake::{FakeGraph, Fault};

    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(FakeGraph::demo());
    fake.inject(
        Fault::latency(Duration::from_secs(4))
            .always()
            .on_method("POST"),
    );
    let mut cmd = Command::new(examples_dir().join("assign_group_members"));
    for var in ENV {
        cmd.env_remove(var);
    }
    let mut child = cmd
        .args([
            "--package-id",
            demo::MARKETING,
            "--group-id",
            demo::MARKETING_TEAM,
            "--transitive",
            "--reconcile",
            "--concurrency",
            "1",
        ])
        .env("GRAPH_BASE_URL", fake.uri())
        .env("GRAPH_ACCESS_TOKEN", fake.token())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    // The first row shown means the Ctrl-C handler is in place (the
    // example polls it before taking any row).
    loop {
        let mut line = String::new();
        assert_ne!(
            stderr.read_line(&mut line).unwrap(),
            0,
            "ended early: {seen}"
        );
        seen.push_str(&line);
        if line.starts_with("Skip(") {
            break;
        }
    }
    // The first write has reached Graph (the fake) and is in flight: its
    // answer takes 4 s.
    while fake.assignment_request_posts() == 0 {
        assert!(child.try_wait().unwrap().is_none(), "ended early: {seen}");
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    stderr.read_to_string(&mut seen).unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let code = child.wait().unwrap().code();
    let r = crate::example_build::Run {
        code,
        stdout,
        stderr: seen,
    }
    .fails(1);
    assert!(
        r.stderr.contains("stopping: requests in flight finish"),
        "{r}"
    );
    assert!(r.error_line().contains("not started"), "{r}");
    let csv = r.lines();
    assert_eq!(csv.first().copied(), Some(BULK_REPORT_HEADER), "{r}");
    let row = |user: &str| {
        csv_row(csv.iter().copied(), user).unwrap_or_else(|| panic!("no row for {user}: {r}"))
    };
    // The first write (an add) was in flight and finished; the removal,
    // which comes after every add, was never sent.
    let outcomes: Vec<&str> = [demo::ALAN, demo::KATHERINE]
        .iter()
        .map(|u| row(u).split(',').nth(5).unwrap())
        .collect();
    assert!(outcomes.contains(&"Submitted"), "{r}");
    assert!(row(demo::BARBARA).contains(",Remove,NotStarted,"), "{r}");
    // Nothing was requested for the people not started: Graph (the fake)
    // got no removal, and no more adds than rows say were submitted.
    let requests = fake.assignment_requests();
    let sent = |t: RequestType, users: &[&str]| {
        requests
            .iter()
            .filter(|q| q.request_type == t)
            .filter(|q| {
                q.target_object_id
                    .as_ref()
                    .is_some_and(|id| users.contains(&id.as_str()))
            })
            .count()
    };
    assert_eq!(sent(RequestType::AdminRemove, &[demo::BARBARA]), 0, "{r}");
    let submitted = outcomes.iter().filter(|o| **o == "Submitted").count();
    assert_eq!(
        sent(RequestType::AdminAdd, &[demo::ALAN, demo::KATHERINE]),
        submitted,
        "{r}"
    );
    assert!(r.stderr.contains("Skip(alreadyDelivered)"), "{r}");
}

/// A report file is replaced only once the new report is whole: a second
/// Ctrl-C (quit at once) leaves the previous report as it was, and no
/// partial file beside it. (Before, the file was truncated when the run
/// began, so a second Ctrl-C left it empty.)
#[cfg(unix)]
#[test]
fn assign_group_members_keeps_the_previous_report_on_a_second_ctrl_c() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    use std::time::Duration;

    use entra_access_fake::{FakeGraph, Fault};

    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(FakeGraph::demo());
    fake.inject(
        Fault::latency(Duration::from_secs(4))
            .always()
            .on_method("POST"),
    );
    let dir =
        std::env::temp_dir().join(format!("entra-access-second-ctrl-c-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.csv");
    std::fs::write(&path, "the previous report\n").unwrap();

    let mut cmd = Command::new(examples_dir().join("assign_group_members"));
    for var in ENV {
        cmd.env_remove(var);
    }
    let mut child = cmd
        .args([
            "--package-id",
            demo::MARKETING,
            "--group-id",
            demo::MARKETING_TEAM,
            "--transitive",
            "--concurrency",
            "1",
            "--report",
            path.to_str().unwrap(),
        ])
        .env("GRAPH_BASE_URL", fake.uri())
        .env("GRAPH_ACCESS_TOKEN", fake.token())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut wait_for = |prefix: &str, seen: &mut String| loop {
        let mut line = String::new();
        assert_ne!(
            stderr.read_line(&mut line).unwrap(),
            0,
            "ended early: {seen}"
        );
        seen.push_str(&line);
        if line.starts_with(prefix) {
            break;
        }
    };
    let interrupt = |pid: u32| {
        Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .unwrap()
    };
    wait_for("Skip(", &mut seen);
    // The first Ctrl-C only once a write is in flight (held 4 s by the fake):
    // sent earlier, the run has nothing to wait for and ends normally.
    let mut polls = 0;
    while fake.assignment_request_posts() == 0 {
        polls += 1;
        assert!(polls < 1200, "no write reached the fake: {seen}");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(interrupt(child.id()).success());
    wait_for("stopping:", &mut seen);
    // The second Ctrl-C: sent until it is seen (the example listens again
    // right after saying it stops).
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        interrupt(child.id());
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut rest = String::new();
    let _ = stderr.read_to_string(&mut rest);
    seen.push_str(&rest);
    assert_eq!(code, Some(130), "quit at once: {seen}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "the previous report\n",
        "the previous report is kept: {seen}"
    );
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left.len(),
        1,
        "no partial report is left beside it: {left:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
