//! The `approve_requests` example, run through its command line against a
//! FakeGraph this test owns (signed in with each approver's delegated token
//! through `GRAPH_ACCESS_TOKEN`): a self-service request under a two-stage
//! policy, approved then denied, and another approved by both.
#![cfg(feature = "client-credentials")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

use crate::example_build::{self, CREDENTIAL_ENV as ENV};
use entra_access::models::RequestState;
use entra_access::models::{AccessPackageId, AssignmentPolicyId, AssignmentRequestId, ObjectId};
use entra_access_fake::{demo, AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};

/// The built `approve_requests`.
fn example() -> PathBuf {
    example_build::example("approve_requests")
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(self) -> Self {
        assert_eq!(self.code, Some(0), "{}", self.show());
        self
    }

    /// Exit 1 with exactly one `error:` line; returns it.
    fn error_line(&self) -> String {
        assert_eq!(self.code, Some(1), "{}", self.show());
        let errors: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .collect();
        assert_eq!(errors.len(), 1, "{}", self.show());
        errors[0].to_owned()
    }

    fn show(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the example as `user`, against `fake`.
async fn run(fake: &FakeGraph, user: &ObjectId, args: &[&str]) -> Run {
    let mut cmd = Command::new(example());
    cmd.args(args);
    for var in ENV {
        cmd.env_remove(var);
    }
    cmd.env("GRAPH_BASE_URL", fake.uri())
        .env("GRAPH_ACCESS_TOKEN", fake.delegated_token_for(user));
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

struct World {
    fake: FakeGraph,
    first: ObjectId,
    second: ObjectId,
    pkg: AccessPackageId,
    policy: AssignmentPolicyId,
}

async fn world() -> World {
    let fake = FakeGraph::builder().manual_progress().start().await;
    let first = fake.add_user(UserSeed::new("Fiona First"));
    let second = fake.add_user(UserSeed::new("Sean Second"));
    let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
    let policy = fake.add_policy(
        PolicySeed::new("Two approvers", &pkg)
            .allow_self_add(true)
            .approval_stage([&first])
            .approval_stage([&second]),
    );
    World {
        fake,
        first,
        second,
        pkg,
        policy,
    }
}

/// `name` asks for the package for themselves (through the public API).
async fn user_add(w: &World, name: &str) -> AssignmentRequestId {
    let user = w.fake.add_user(UserSeed::new(name));
    let request = w
        .fake
        .delegated_client_for(&user)
        .unwrap()
        .assignment_requests()
        .user_add(w.pkg.clone(), w.policy.clone())
        .justification("campaign work")
        .send()
        .await
        .unwrap();
    w.fake.settle();
    request.id
}

fn state(w: &World, id: &AssignmentRequestId) -> RequestState {
    w.fake.assignment_request(id).unwrap().state
}

#[tokio::test(flavor = "multi_thread")]
async fn approve_then_deny_ends_denied_and_two_approvals_deliver() {
    let w = world().await;
    let denied = user_add(&w, "Rita Requester").await;
    let delivered = user_add(&w, "Sam Requester").await;

    // The first approver sees both, request id first on each line.
    let r = run(&w.fake, &w.first, &["list"]).await.ok();
    let ids: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{}", r.show());
    assert!(
        ids.contains(&denied.as_str()) && ids.contains(&delivered.as_str()),
        "{}",
        r.show()
    );
    assert!(
        r.stdout.lines().all(|l| l.ends_with("\t1/2")),
        "{}",
        r.show()
    );
    // The second approver sees none yet.
    let r = run(&w.fake, &w.second, &["list"]).await.ok();
    assert_eq!(r.stdout, "", "{}", r.show());

    // The second approver cannot act before the first stage is decided.
    let r = run(
        &w.fake,
        &w.second,
        &[
            "deny",
            "--request-id",
            denied.as_str(),
            "--justification",
            "no",
        ],
    )
    .await;
    assert!(
        r.error_line()
            .contains("no stage waits for the signed-in user"),
        "{}",
        r.show()
    );

    // First approves, second denies: denied.
    let r = run(
        &w.fake,
        &w.first,
        &[
            "approve",
            "--request-id",
            denied.as_str(),
            "--justification",
            "fits",
        ],
    )
    .await
    .ok();
    assert!(
        r.stdout.starts_with(&format!("{denied}\tapproved\t")),
        "{}",
        r.show()
    );
    assert!(
        r.stdout.trim_end().ends_with("pendingApproval"),
        "{}",
        r.show()
    );
    let r = run(&w.fake, &w.second, &["list"]).await.ok();
    assert!(r.stdout.starts_with(&format!("{denied}\t")), "{}", r.show());
    assert!(r.stdout.trim_end().ends_with("2/2"), "{}", r.show());
    let r = run(
        &w.fake,
        &w.second,
        &[
            "deny",
            "--request-id",
            denied.as_str(),
            "--justification",
            "budget frozen",
        ],
    )
    .await
    .ok();
    assert!(r.stdout.trim_end().ends_with("\tdenied"), "{}", r.show());
    assert_eq!(state(&w, &denied), RequestState::Denied);

    // Deciding it again: Graph's refusal, one line, exit 1.
    let r = run(
        &w.fake,
        &w.first,
        &[
            "approve",
            "--request-id",
            denied.as_str(),
            "--justification",
            "again",
        ],
    )
    .await;
    r.error_line();

    // Both approve the other: delivering, then delivered.
    for approver in [&w.first, &w.second] {
        run(
            &w.fake,
            approver,
            &[
                "approve",
                "--request-id",
                delivered.as_str(),
                "--justification",
                "ok",
            ],
        )
        .await
        .ok();
    }
    assert_eq!(state(&w, &delivered), RequestState::Delivering);
    w.fake.settle();
    assert_eq!(state(&w, &delivered), RequestState::Delivered);
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_ids_and_app_only_tokens_fail_in_one_line() {
    let w = world().await;
    let r = run(
        &w.fake,
        &w.first,
        &[
            "approve",
            "--request-id",
            "00000000-0000-0000-0000-00000000dead",
            "--justification",
            "x",
        ],
    )
    .await;
    assert!(r.error_line().contains("Approval"), "{}", r.show());

    // The app-only token of the fake: refused, and the line says why.
    let mut cmd = Command::new(example());
    cmd.arg("list");
    for var in ENV {
        cmd.env_remove(var);
    }
    cmd.env("GRAPH_BASE_URL", w.fake.uri())
        .env("GRAPH_ACCESS_TOKEN", w.fake.token());
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let r = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(r.error_line().contains("signed-in user"), "{}", r.show());
}

#[test]
fn without_credentials_it_runs_against_the_demo_as_its_approver() {
    let mut cmd = Command::new(example());
    cmd.arg("list");
    for var in ENV {
        cmd.env_remove(var);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("fake Graph"), "{stderr}");
    assert!(stderr.contains("signed in as Grace Hopper"), "{stderr}");
    // Katherine's request waits for Grace at stage 1 of 2 (and Margaret's,
    // whose policy names no approver, for anyone).
    let travel: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with(&format!("{}\t", demo::TRAVEL_REQUEST)))
        .collect();
    assert_eq!(travel.len(), 1, "{stdout}");
    assert!(travel[0].ends_with("\t1/2"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn device_code_sign_in_prints_the_code_on_stderr_and_acts_as_the_user() {
    let w = world().await;
    let request = user_add(&w, "Rita Requester").await;
    // The person behind every device code is the first approver.
    w.fake.sign_in_device_codes_as(Some(&w.first));
    let mut cmd = Command::new(example());
    cmd.args(["--device-code", "list"]);
    for var in ENV {
        cmd.env_remove(var);
    }
    cmd.env("AZURE_TENANT_ID", w.fake.tenant_id())
        .env("AZURE_CLIENT_ID", w.fake.client_id())
        .env("AZURE_AUTHORITY_HOST", w.fake.uri())
        .env("GRAPH_BASE_URL", w.fake.uri());
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let r = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
    .ok();
    assert!(r.stderr.contains("enter the code"), "{}", r.show());
    assert!(
        r.stdout.starts_with(&format!("{request}\t")),
        "{}",
        r.show()
    );
    let device_posts = w
        .fake
        .received()
        .iter()
        .filter(|x| x.path.ends_with("/oauth2/v2.0/devicecode"))
        .count();
    assert_eq!(device_posts, 1);

    // A tenant without the public client's id: one error line.
    let mut cmd = Command::new(example());
    cmd.args(["--device-code", "list"]);
    for var in ENV {
        cmd.env_remove(var);
    }
    cmd.env("AZURE_TENANT_ID", w.fake.tenant_id());
    let out = cmd.output().unwrap();
    let r = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(r.error_line().contains("AZURE_CLIENT_ID"), "{}", r.show());
}
