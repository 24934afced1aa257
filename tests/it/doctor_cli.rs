//! The `doctor` example through its command line: the line format and the
//! exit codes (0 all ok, 3 something missing or unknown, 1 on an error),
//! against the demo tenant (no credentials) and against a FakeGraph this
//! test owns (its tokens through `GRAPH_ACCESS_TOKEN`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use crate::example_build::{self, Run, CREDENTIAL_ENV};
use entra_access_fake::{AccessPackageSeed, FakeGraph, TokenSpec};

/// Runs the example against `fake` with `token`.
async fn run_with(fake: &FakeGraph, token: String, args: &[&str]) -> Run {
    let mut cmd = Command::new(example_build::example("doctor"));
    cmd.args(args);
    for var in CREDENTIAL_ENV {
        cmd.env_remove(var);
    }
    cmd.env("GRAPH_BASE_URL", fake.uri())
        .env("GRAPH_ACCESS_TOKEN", token);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

async fn fake() -> FakeGraph {
    let fake = FakeGraph::builder().manual_progress().start().await;
    fake.add_access_package(AccessPackageSeed::new("Marketing"));
    fake
}

#[test]
fn the_demo_tenant_has_everything_and_says_it_is_the_demo() {
    let run = example_build::run("doctor", &[]).ok();
    assert_eq!(
        run.lines(),
        [
            "ok list",
            "ok assign",
            "ok groups",
            "ok users",
            "ok lifecycle",
            "ok approve",
            "ok self"
        ],
        "{run}"
    );
    assert!(
        run.stderr
            .contains("no credentials set: using a fake Graph"),
        "{run}"
    );
    assert!(run.stderr.contains("token: signed-in user"), "{run}");
}

#[tokio::test]
async fn a_missing_permission_is_one_line_with_the_fix_and_exit_3() {
    let fake = fake().await;
    let token = fake
        .token_with(TokenSpec::app().application_permissions(["EntitlementManagement.Read.All"]));
    let run = run_with(&fake, token, &["--need", "list,assign,approve"]).await;
    assert_eq!(run.code, Some(3), "{run}");
    let lines = run.lines();
    assert_eq!(lines.len(), 3, "{run}");
    assert_eq!(lines[0], "ok list");
    assert!(
        lines[1].starts_with(
            "missing assign: the application permission EntitlementManagement.ReadWrite.All — add the Microsoft Graph application permission EntitlementManagement.ReadWrite.All"
        ),
        "{run}"
    );
    assert!(lines[1].contains("admin consent"), "{run}");
    assert!(
        lines[2].starts_with("missing approve: a signed-in user")
            && lines[2].contains("--device-code"),
        "{run}"
    );
    assert!(run.stderr.contains("token: app-only"), "{run}");
    assert!(
        run.stderr
            .contains("permissions [EntitlementManagement.Read.All]"),
        "{run}"
    );
    assert!(!run.stderr.contains("error:"), "{run}");
}

#[tokio::test]
async fn an_unknown_verdict_names_graphs_code_and_request_id() {
    let fake = fake().await;
    // An opaque token whose app may not read users: Graph's refusal is all
    // the doctor has.
    let token = fake.token_with(
        TokenSpec::app()
            .application_permissions(["EntitlementManagement.Read.All"])
            .opaque(),
    );
    let run = run_with(&fake, token, &["--need", "users,list"]).await;
    assert_eq!(run.code, Some(3), "{run}");
    let lines = run.lines();
    let unknown = lines[0];
    let prefix = "unknown users: Authorization_RequestDenied (request id ";
    assert!(unknown.starts_with(prefix), "{run}");
    let id = &unknown[prefix.len()..prefix.len() + 36];
    assert!(
        id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'),
        "{run}"
    );
    assert!(unknown.contains(") — Graph refused"), "{run}");
    assert_eq!(lines[1], "ok list");
    assert!(run.stderr.contains("token: opaque"), "{run}");
}

#[tokio::test]
async fn every_capability_ok_exits_0() {
    let fake = fake().await;
    let run = run_with(&fake, fake.token(), &["--need", "list, assign,groups"]).await;
    let run = run.ok();
    assert_eq!(run.lines(), ["ok list", "ok assign", "ok groups"], "{run}");
}

#[tokio::test]
async fn a_token_of_another_tenant_is_missing_with_the_tenant_named() {
    let fake = fake().await;
    let token = fake.token_with(TokenSpec::app().tenant("contoso-tenant"));
    let run = run_with(
        &fake,
        token,
        &["--need", "list", "--tenant", &fake.tenant_id()],
    )
    .await;
    assert_eq!(run.code, Some(3), "{run}");
    assert_eq!(run.lines().len(), 1, "{run}");
    assert!(
        run.lines()[0].starts_with(&format!(
            "missing list: a token for tenant {}: this one is for tenant contoso-tenant — ",
            fake.tenant_id()
        )),
        "{run}"
    );
}

#[test]
fn an_unknown_capability_is_an_error_exit_1() {
    let run = example_build::run("doctor", &["--need", "list,approval"]).fails(1);
    assert!(
        run.error_line().contains("unknown capability \"approval\""),
        "{run}"
    );
    assert!(
        run.error_line()
            .contains("list, assign, groups, users, lifecycle, approve, self"),
        "{run}"
    );
    assert!(run.stdout.is_empty(), "{run}");
}

/// Every example fails helpfully: `assign_user` run by an application
/// granted `EntitlementManagement.Read.All` only is refused by Graph, and
/// its one error line names the permission the job lacks (from the
/// doctor's table), not only Graph's message. With the permission
/// granted, the same run succeeds.
#[tokio::test]
async fn an_example_refused_for_a_missing_permission_names_it() {
    use entra_access_fake::demo;

    let fake = FakeGraph::demo().await;
    fake.set_application_permissions(["EntitlementManagement.Read.All"]);
    let assign = |fake: &FakeGraph| {
        let mut cmd = Command::new(example_build::example("assign_user"));
        cmd.args(["--package-id", demo::MARKETING, "--user-id", demo::ALAN]);
        for var in CREDENTIAL_ENV {
            cmd.env_remove(var);
        }
        cmd.env("GRAPH_BASE_URL", fake.uri())
            .env("GRAPH_ACCESS_TOKEN", fake.token());
        cmd
    };
    let mut cmd = assign(&fake);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].contains("EntitlementManagement.ReadWrite.All"),
        "{stderr}"
    );
    assert!(errors[0].contains("doctor"), "{stderr}");
    assert_eq!(
        fake.assignment_request_posts(),
        1,
        "refused by Graph, not before"
    );

    fake.set_application_permissions(["EntitlementManagement.ReadWrite.All"]);
    let mut cmd = assign(&fake);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
