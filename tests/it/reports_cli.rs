//! The report examples (report_expiring, export_assignments_csv by catalog,
//! audit_export, check_separation) run through their command lines against
//! the demo tenant: output equal to what the tenant holds, exit codes, and
//! the bad-input cases (no partial file left behind).
//!
//! The examples are built once (same profile, features and target
//! directory as this test), then run as child processes with every
//! credential variable removed; the cases the demo tenant does not hold run
//! against a FakeGraph of the test's own (`GRAPH_BASE_URL` and its token in
//! `GRAPH_ACCESS_TOKEN`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::example_build::{self, run, temp_file, Run, CREDENTIAL_ENV};
use entra_access::models::{format_datetime, AssignmentState, RequestState, RequestType};
use entra_access_fake::{
    demo, AccessPackageSeed, AssignmentSeed, FakeGraph, GroupSeed, PolicySeed, RequestSeed,
    UserSeed,
};
use serde_json::json;

/// Runs example `example` with `args` against `fake`, as its app.
async fn run_on(fake: &FakeGraph, example: &str, args: &[&str]) -> Run {
    let mut cmd = Command::new(example_build::example(example));
    cmd.args(args);
    for var in CREDENTIAL_ENV {
        cmd.env_remove(var);
    }
    cmd.env("GRAPH_BASE_URL", fake.uri())
        .env("GRAPH_ACCESS_TOKEN", fake.token());
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// An empty fake that moves requests only when told to.
async fn empty_fake() -> FakeGraph {
    FakeGraph::builder()
        .seed(9)
        .page_size(2)
        .manual_progress()
        .start()
        .await
}

/// Files in the directory of `path` (a failed run must leave none behind).
fn files_beside(path: &Path) -> Vec<String> {
    std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// A fresh empty directory for one test's files.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = temp_file(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The demo's held assignments ending within `days`, soonest first:
/// (assignment, package) pairs, from the tenant's documented schedule.
fn demo_expiring(days: i64) -> Vec<&'static str> {
    let mut ends: Vec<(i64, &str)> = demo::ENDS_IN_DAYS
        .iter()
        .filter(|(_, d)| *d <= days)
        .map(|(id, d)| (*d, *id))
        .collect();
    ends.sort();
    ends.into_iter().map(|(_, id)| id).collect()
}

#[test]
fn report_expiring_lists_what_ends_within_the_window_soonest_first() {
    for (days, args) in [
        (30, vec![]),
        (15, vec!["--days", "15"]),
        (90, vec!["--days", "90", "--catalog-name", "General"]),
    ] {
        let r = run("report_expiring", &args).ok();
        let ids: Vec<&str> = r
            .lines()
            .iter()
            .map(|l| l.split('\t').nth(4).unwrap())
            .collect();
        assert_eq!(ids, demo_expiring(days), "{r}");
        assert!(
            r.stderr.contains(&format!(
                "{} assignments end within {days} days; 0 held assignments have no end date or duration",
                ids.len()
            )),
            "{r}"
        );
    }
    // One package: Ada's Marketing Campaign assignment only.
    let r = run(
        "report_expiring",
        &["--package-id", demo::MARKETING, "--days", "30"],
    )
    .ok();
    assert_eq!(r.lines().len(), 1, "{r}");
    assert!(r.stdout.contains(demo::ADA_MARKETING), "{r}");
    assert!(r.stdout.contains("ada.lovelace@contoso.example"), "{r}");
}

#[test]
fn report_expiring_writes_csv_with_the_documented_header() {
    let dir = fresh_dir("expiring");
    let path = dir.join("expiring.csv");
    let r = run(
        "report_expiring",
        &["--days", "30", "--csv", path.to_str().unwrap()],
    )
    .ok();
    assert!(r.stdout.is_empty(), "{r}");
    let csv = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "PackageId,PackageName,AssignmentId,TargetObjectId,TargetPrincipalName,TargetEmail,EndDateTime,PolicyId"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].starts_with(&format!(
        "{},Marketing Campaign,{},{},ada.lovelace@contoso.example,",
        demo::MARKETING,
        demo::ADA_MARKETING,
        demo::ADA
    )));
    assert!(lines[1].ends_with(demo::MARKETING_POLICY), "{csv}");
    assert!(lines[2].contains(demo::GRACE_SALES), "{csv}");
    assert_eq!(
        files_beside(&path),
        ["expiring.csv"],
        "no temporary file left"
    );
}

#[test]
fn report_expiring_refuses_bad_input_without_leaving_a_file() {
    let dir = fresh_dir("expiring-bad");
    let path = dir.join("out.csv");
    for days in ["0", "-3"] {
        let r = run(
            "report_expiring",
            &["--days", days, "--csv", path.to_str().unwrap()],
        )
        .fails(1);
        assert!(r.error_line().contains("--days must be at least 1"), "{r}");
    }
    let r = run(
        "report_expiring",
        &["--catalog-name", "Nope", "--csv", path.to_str().unwrap()],
    )
    .fails(1);
    assert_eq!(r.error_line(), "error: no catalog is named \"Nope\"");
    let r = run(
        "report_expiring",
        &[
            "--catalog-id",
            "no-such-catalog",
            "--csv",
            path.to_str().unwrap(),
        ],
    )
    .fails(1);
    assert!(r.error_line().contains("404"), "{r}");
    assert!(files_beside(&path).is_empty(), "{:?}", files_beside(&path));

    let r = run(
        "report_expiring",
        &["--csv", "/nonexistent-dir/expiring.csv"],
    )
    .fails(1);
    assert!(
        r.error_line()
            .contains("creating /nonexistent-dir/expiring.csv"),
        "{r}"
    );
    run("report_expiring", &["--days", "soon"]).fails(2);
}

#[test]
fn export_assignments_csv_by_catalog_carries_each_rows_package() {
    let dir = fresh_dir("catalog-export");
    let path = dir.join("general.csv");
    let r = run(
        "export_assignments_csv",
        &["--catalog-name", "General", "--out", path.to_str().unwrap()],
    )
    .ok();
    assert!(
        r.stderr.contains("5 assignments of catalog \"General\""),
        "{r}"
    );
    let csv = std::fs::read_to_string(&path).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "PackageId,PackageName,Id,State,TargetId,TargetObjectId,TargetDisplayName,TargetPrincipalName,TargetEmail,\
             AccessPackageId,AssignmentPolicyId,StartDateTime,EndDateTime,ExpiredDateTime,Status"
        )
    );
    let mut ids: Vec<&str> = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let name = match cells[0] {
            id if id == demo::MARKETING => "Marketing Campaign",
            id if id == demo::SALES => "Sales Onboarding",
            other => panic!("a package outside the catalog: {other}"),
        };
        assert_eq!(cells[1], name, "{line}");
        assert_eq!(cells[9], cells[0], "the row's own package: {line}");
        ids.push(cells[2]);
    }
    ids.sort_unstable();
    let mut expected = vec![
        demo::ADA_MARKETING,
        demo::GRACE_MARKETING,
        demo::EDSGER_MARKETING,
        demo::BARBARA_MARKETING,
        demo::GRACE_SALES,
    ];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert_eq!(files_beside(&path), ["general.csv"]);

    // By id, filtered on a state, to stdout.
    let r = run(
        "export_assignments_csv",
        &["--catalog-id", demo::GENERAL_CATALOG, "--state", "expired"],
    )
    .ok();
    assert_eq!(r.lines().len(), 2, "{r}");
    assert!(r.lines()[1].contains(demo::EDSGER_MARKETING), "{r}");
}

#[test]
fn export_assignments_csv_refuses_an_unknown_catalog_and_leaves_no_file() {
    let dir = fresh_dir("catalog-export-bad");
    let path = dir.join("x.csv");
    let r = run(
        "export_assignments_csv",
        &[
            "--catalog-id",
            "no-such-catalog",
            "--out",
            path.to_str().unwrap(),
        ],
    )
    .fails(1);
    assert!(r.error_line().contains("404"), "{r}");
    let r = run(
        "export_assignments_csv",
        &["--catalog-name", "Nope", "--out", path.to_str().unwrap()],
    )
    .fails(1);
    assert!(r.error_line().contains("no catalog is named"), "{r}");
    assert!(files_beside(&path).is_empty());
    run(
        "export_assignments_csv",
        &["--catalog-id", "a", "--package-id", "b"],
    )
    .fails(2);
    let r = run(
        "export_assignments_csv",
        &[
            "--catalog-name",
            "General",
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
fn audit_export_joins_assignments_with_their_requests() {
    let dir = fresh_dir("audit");
    let path = dir.join("audit.csv");
    let r = run(
        "audit_export",
        &["--catalog-name", "General", "--out", path.to_str().unwrap()],
    )
    .ok();
    assert!(r.stderr.contains("5 assignments exported"), "{r}");
    let csv = std::fs::read_to_string(&path).unwrap();
    let row = |assignment: &str| {
        csv.lines()
            .find(|l| l.split(',').nth(2) == Some(assignment))
            .unwrap()
            .split(',')
            .map(str::to_owned)
            .collect::<Vec<String>>()
    };
    let ada = row(demo::ADA_MARKETING);
    assert_eq!(ada[8], "Direct assignment");
    assert_eq!(ada[9], demo::ADA_REQUEST);
    assert_eq!(ada[10], "adminAdd");
    // Graph's requestor of a direct assignment is the assignee.
    assert_eq!(ada[12], demo::ADA, "{ada:?}");
    assert_eq!(ada[13], "Ada Lovelace", "{ada:?}");
    let grace = row(demo::GRACE_SALES);
    assert_eq!(grace[8], "Employees");
    assert_eq!(grace[9], demo::GRACE_SALES_REQUEST);
    assert_eq!(grace[14], "covers the northern sales region");
    assert!(!grace[15].is_empty() && !grace[16].is_empty(), "{grace:?}");
    // No request created Barbara's assignment in the demo.
    assert_eq!(row(demo::BARBARA_MARKETING)[9], "");

    let r = run("audit_export", &["--catalog-name", "Nope"]).fails(1);
    assert!(r.error_line().contains("no catalog is named"), "{r}");
    let r = run(
        "audit_export",
        &[
            "--package-id",
            demo::MARKETING,
            "--out",
            "/nonexistent-dir/a.csv",
        ],
    )
    .fails(1);
    assert!(
        r.error_line().contains("creating /nonexistent-dir/a.csv"),
        "{r}"
    );
    run("audit_export", &[]).fails(2);
}

#[test]
fn check_separation_prints_who_holds_both_and_exits_3() {
    let r = run(
        "check_separation",
        &["--package-id", demo::MARKETING, "--package-id", demo::SALES],
    );
    assert_eq!(r.code, Some(3), "{r}");
    assert_eq!(r.lines(), [demo::GRACE], "{r}");

    // One package: its declared incompatibilities, in both directions.
    for (package, other) in [
        (demo::SALES, demo::MARKETING),
        (demo::MARKETING, demo::SALES),
    ] {
        let r = run("check_separation", &["--package-id", package]);
        assert_eq!(r.code, Some(3), "{r}");
        assert_eq!(r.lines(), [format!("{}\t{other}", demo::GRACE)], "{r}");
    }

    // Nobody holds both: exit 0, nothing on stdout.
    let r = run(
        "check_separation",
        &[
            "--package-id",
            demo::CONTRACTORS[0],
            "--package-id",
            demo::SALES,
        ],
    )
    .ok();
    assert!(r.stdout.is_empty(), "{r}");
    let r = run("check_separation", &["--package-id", demo::CONTRACTORS[1]]).ok();
    assert!(r.stdout.is_empty(), "{r}");

    let r = run("check_separation", &["--package-id", "no-such-package"]).fails(1);
    assert!(r.error_line().contains("404"), "{r}");
    let r = run(
        "check_separation",
        &[
            "--package-id",
            "a",
            "--package-id",
            "b",
            "--package-id",
            "c",
        ],
    )
    .fails(1);
    assert!(r.error_line().contains("not 3"), "{r}");
    run("check_separation", &[]).fails(2);
}

#[tokio::test(flavor = "multi_thread")]
async fn report_expiring_counts_a_duration_from_the_start_and_says_how_many_have_no_end() {
    let fake = empty_fake().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Timed"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let start = format_datetime(&(chrono::Utc::now() - chrono::Duration::days(10)));
    let mut ids = Vec::new();
    for (i, expiration) in [
        json!({ "type": "afterDuration", "duration": "P14D" }),
        json!({ "type": "afterDuration", "duration": "P60D" }),
        json!({ "type": "notSpecified", "endDateTime": null, "duration": null }),
        json!({ "type": "noExpiration" }),
    ]
    .into_iter()
    .enumerate()
    {
        let user = fake.add_user(UserSeed::new(&format!("Timed {i}")));
        ids.push(
            fake.add_assignment(
                AssignmentSeed::new(&pkg, &policy, &user)
                    .schedule(json!({ "startDateTime": start, "expiration": expiration })),
            ),
        );
    }
    let r = run_on(&fake, "report_expiring", &["--days", "30"])
        .await
        .ok();
    let listed: Vec<&str> = r
        .lines()
        .iter()
        .map(|l| l.split('\t').nth(4).unwrap())
        .collect();
    assert_eq!(listed, [ids[0].as_str()], "{r}");
    assert!(
        r.stderr.contains(
            "1 assignments end within 30 days; 1 held assignments have no end date or duration"
        ),
        "{r}"
    );
    let r = run_on(&fake, "report_expiring", &["--days", "60"])
        .await
        .ok();
    assert_eq!(r.lines().len(), 2, "{r}");
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_export_joins_automatic_and_on_behalf_assignments_and_shows_graphs_requestor() {
    let fake = empty_fake().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Ledger"));
    let policy = fake.add_policy(PolicySeed::new("Auto", &pkg));
    let bob = fake.add_user(UserSeed::new("Bob Auto"));
    let carol = fake.add_user(UserSeed::new("Carol Asked-For"));
    let manager = fake.add_user(UserSeed::new("Mia Manager"));
    let mut requests = Vec::new();
    for (who, kind, by) in [
        (&bob, RequestType::SystemAdd, None),
        (&carol, RequestType::OnBehalfAdd, Some(&manager)),
    ] {
        let assignment = fake.add_assignment(AssignmentSeed::new(&pkg, &policy, who));
        let mut seed = RequestSeed::new(kind, &pkg, &policy, who)
            .state(RequestState::Delivered)
            .assignment(&assignment);
        if let Some(by) = by {
            seed = seed.requested_by(by);
        }
        requests.push(fake.add_request(seed));
    }
    let r = run_on(&fake, "audit_export", &["--package-id", pkg.as_str()])
        .await
        .ok();
    assert!(r.stderr.contains("2 assignments exported"), "{r}");
    let row = |who: &str| -> Vec<String> {
        r.lines()
            .iter()
            .find(|l| l.split(',').nth(4) == Some(who))
            .unwrap_or_else(|| panic!("no row for {who}: {r}"))
            .split(',')
            .map(str::to_owned)
            .collect()
    };
    let bob_row = row(bob.as_str());
    assert_eq!(bob_row[9], requests[0].as_str(), "{bob_row:?}");
    assert_eq!(bob_row[10], "systemAdd");
    assert_eq!(bob_row[12], bob.as_str());
    let carol_row = row(carol.as_str());
    assert_eq!(carol_row[9], requests[1].as_str(), "{carol_row:?}");
    assert_eq!(carol_row[10], "onBehalfAdd");
    assert_eq!(carol_row[12], manager.as_str(), "who asked for Carol");
    assert_eq!(carol_row[13], "Mia Manager");
}

#[tokio::test(flavor = "multi_thread")]
async fn check_separation_reports_members_of_an_incompatible_group_and_exits_3() {
    let fake = empty_fake().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Approve payments"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let ada = fake.add_user(UserSeed::new("Ada"));
    let bob = fake.add_user(UserSeed::new("Bob"));
    let leads = fake.add_group(GroupSeed::new("Vendor leads").member(&ada));
    let vendors = fake.add_group(GroupSeed::new("Vendor managers").member(&leads));
    for (who, state) in [
        (&ada, AssignmentState::Delivered),
        (&bob, AssignmentState::Delivered),
    ] {
        fake.add_assignment(AssignmentSeed::new(&pkg, &policy, who).state(state));
    }
    let r = run_on(&fake, "check_separation", &["--package-id", pkg.as_str()]).await;
    assert_eq!(r.code, Some(0), "no group marked yet: {r}");
    assert!(r.stdout.is_empty(), "{r}");

    fake.add_incompatible_group(&pkg, &vendors);
    let r = run_on(&fake, "check_separation", &["--package-id", pkg.as_str()]).await;
    assert_eq!(r.code, Some(3), "{r}");
    assert_eq!(r.lines(), [format!("{ada}\t{vendors}")], "{r}");
    assert!(
        r.stderr.contains("1 violations: ")
            && r.stderr
                .contains("0 incompatible packages and 1 incompatible groups"),
        "{r}"
    );
}
