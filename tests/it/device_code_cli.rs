//! `--device-code` on the example programs, run through their command
//! lines: against the demo fake they start themselves (the flow runs
//! against its device-code endpoint), against a FakeGraph named as the
//! tenant, and with half a configuration.
#![cfg(feature = "client-credentials")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use crate::example_build::{examples_dir, Run, CREDENTIAL_ENV as ENV};
use entra_access::models::ObjectId;
use entra_access_fake::{demo, FakeGraph};

/// Runs `example` with `args`, no credentials but `env`.
fn run_with(example: &str, args: &[&str], env: &[(&str, String)]) -> Run {
    let mut cmd = Command::new(examples_dir().join(example));
    cmd.args(args);
    for var in ENV {
        cmd.env_remove(var);
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The sign-in message, on stderr only.
fn prompted_on_stderr(r: &Run) {
    let prompts = r
        .stderr
        .lines()
        .filter(|l| l.contains("devicelogin") && l.contains("enter the code"))
        .count();
    assert_eq!(prompts, 1, "{r}");
    assert!(!r.stdout.contains("devicelogin"), "{r}");
}

#[test]
fn examples_sign_in_to_the_demo_with_a_device_code() {
    let r = run_with(
        "list_assignments",
        &[
            "--device-code",
            "--package-id",
            demo::MARKETING,
            "--state",
            "delivered",
        ],
        &[],
    )
    .ok();
    prompted_on_stderr(&r);
    assert!(r.stderr.contains("fake Graph"), "{r}");
    assert!(
        r.stderr.contains("signed in as Grace Hopper") && r.stderr.contains("device code"),
        "{r}"
    );
    assert_eq!(r.lines().len(), 3, "Ada, Grace, Barbara: {r}");
    assert!(r.stdout.contains(demo::ADA_MARKETING), "{r}");

    // The demo user is the first approver of the two-stage request.
    let r = run_with(
        "approve_requests",
        &[
            "--device-code",
            "approve",
            "--request-id",
            demo::TRAVEL_REQUEST,
            "--justification",
            "the conference is on the budget",
        ],
        &[],
    )
    .ok();
    prompted_on_stderr(&r);
    assert!(
        r.stdout
            .starts_with(&format!("{}\tapproved\t", demo::TRAVEL_REQUEST)),
        "{r}"
    );
    // Stage 2 (Alan Turing) still waits.
    assert!(r.stdout.trim_end().ends_with("pendingApproval"), "{r}");

    // Grace holds two incompatible packages: exit 3, as without the flag.
    let r = run_with(
        "check_separation",
        &["--device-code", "--package-id", demo::SALES],
        &[],
    );
    assert_eq!(r.code, Some(3), "{r}");
    prompted_on_stderr(&r);
    assert!(r.stdout.contains(demo::GRACE), "{r}");
}

#[test]
fn every_example_offers_device_code() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let stem = name.strip_suffix(".rs")?.to_owned();
            (!stem.starts_with("bench_")).then_some(stem)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    for name in names {
        let r = run_with(&name, &["--help"], &[]).ok();
        assert!(r.stdout.contains("--device-code"), "{name}: {r}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_of_our_own_signs_in_its_user() {
    // The FakeGraph plays both the identity platform and Graph; everyone
    // who gets a device code is Ada.
    let fake = FakeGraph::demo().await;
    fake.sign_in_device_codes_as(Some(&ObjectId::new(demo::ADA)));
    fake.set_device_code_interval(1);
    let env = [
        ("AZURE_TENANT_ID", fake.tenant_id()),
        ("AZURE_CLIENT_ID", fake.client_id()),
        ("AZURE_AUTHORITY_HOST", fake.uri().to_owned()),
        ("GRAPH_BASE_URL", fake.uri().to_owned()),
    ];
    let r = tokio::task::spawn_blocking(move || {
        run_with(
            "follow_request",
            &["--device-code", "--request-id", demo::ADA_REQUEST],
            &env,
        )
    })
    .await
    .unwrap()
    .ok();
    prompted_on_stderr(&r);
    assert!(r.stderr.contains("Graph: "), "{r}");
    assert!(!r.stderr.contains("fake Graph at"), "{r}");
    assert_eq!(
        r.lines().last().map(|l| l.starts_with("delivered")),
        Some(true),
        "{r}"
    );

    let received = fake.received();
    let device_posts: Vec<_> = received
        .iter()
        .filter(|x| x.path.ends_with("/oauth2/v2.0/devicecode"))
        .collect();
    assert_eq!(device_posts.len(), 1);
    // The scopes: the Graph origin's .default and offline_access.
    let scope = url::form_urlencoded::parse(device_posts[0].body.as_bytes())
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned());
    assert_eq!(
        scope,
        Some(format!("{}/.default offline_access", fake.uri())),
        "{}",
        device_posts[0].body
    );
    // The sign-in's own access token was used: no refresh right after it.
    let refreshes = received
        .iter()
        .filter(|x| x.path.ends_with("/oauth2/v2.0/token"))
        .filter(|x| {
            url::form_urlencoded::parse(x.body.as_bytes())
                .any(|(k, v)| k == "grant_type" && v == "refresh_token")
        })
        .count();
    assert_eq!(refreshes, 0);

    // The token is delegated: a delegated-only call (approvals waiting for
    // the signed-in user) succeeds. Ada may decide Margaret's request,
    // whose policy names no approver.
    let env = [
        ("AZURE_TENANT_ID", fake.tenant_id()),
        ("AZURE_CLIENT_ID", fake.client_id()),
        ("AZURE_AUTHORITY_HOST", fake.uri().to_owned()),
        ("GRAPH_BASE_URL", fake.uri().to_owned()),
    ];
    let r = tokio::task::spawn_blocking(move || {
        run_with("approve_requests", &["--device-code", "list"], &env)
    })
    .await
    .unwrap()
    .ok();
    prompted_on_stderr(&r);
    assert!(
        r.stdout
            .starts_with(&format!("{}\t", demo::MARGARET_REQUEST)),
        "{r}"
    );
    assert!(
        !r.stdout.contains(demo::TRAVEL_REQUEST),
        "not Ada's to decide: {r}"
    );
}

#[test]
fn a_tenant_without_a_client_id_is_one_error_line() {
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/access.toml");
    for (example, args) in [
        (
            "list_assignments",
            vec!["--device-code", "--package-id", demo::MARKETING],
        ),
        ("approve_requests", vec!["--device-code", "list"]),
        (
            "sync_access",
            vec!["plan", "--device-code", "--config", config],
        ),
    ] {
        let r = run_with(
            example,
            &args,
            &[("AZURE_TENANT_ID", "contoso.onmicrosoft.com".to_owned())],
        );
        assert_ne!(r.code, Some(0), "{example}: {r}");
        let errors: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .collect();
        assert_eq!(errors.len(), 1, "{example}: {r}");
        assert!(errors[0].contains("AZURE_CLIENT_ID"), "{example}: {r}");
        assert!(!r.stderr.contains("devicelogin"), "{example}: {r}");
        assert_eq!(r.stdout, "", "{example}: {r}");
    }
}
