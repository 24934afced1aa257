//! The `sync_access` example through its real command line: plan, apply
//! (by plan file and with --auto-approve), drift, their outputs and exit
//! codes, a stale plan, a foreign plan, an edited plan, a bad file, and a
//! graceful stop on Ctrl-C.
//!
//! The example is built once (same profile, features and target directory
//! as this test). Runs either use the demo fake the example starts itself
//! (no credential variables), or a demo fake this test starts and shares
//! between runs through `GRAPH_BASE_URL` and `GRAPH_ACCESS_TOKEN`, so a
//! plan written by one run can be applied by the next.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

use entra_access::models::{AccessPackageId, AssignmentPolicyId, AssignmentState, ObjectId};
use entra_access_fake::AssignmentSeed;

use crate::example_build::{self, CREDENTIAL_ENV as ENV};
use entra_access_fake::{demo, FakeGraph};

/// The built `sync_access`.
fn example() -> PathBuf {
    example_build::example("sync_access")
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    fn code(self, code: i32) -> Self {
        assert_eq!(self.code, Some(code), "{self}");
        self
    }

    fn error_line(&self) -> &str {
        let errors: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .collect();
        assert_eq!(errors.len(), 1, "one error line expected: {self}");
        errors[0]
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Where a run talks to: its own demo fake, or the shared one.
#[derive(Clone)]
enum Graph {
    Own,
    Shared { url: String, token: String },
}

async fn run(graph: &Graph, args: &[&str]) -> Run {
    let mut cmd = Command::new(example());
    cmd.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for var in ENV {
        cmd.env_remove(var);
    }
    if let Graph::Shared { url, token } = graph {
        cmd.env("GRAPH_BASE_URL", url)
            .env("GRAPH_ACCESS_TOKEN", token);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entra-access-sync-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const CONFIG: &str = "examples/access.toml";

/// The plan of `examples/access.toml` on the untouched demo tenant.
fn expected_changes() -> Vec<String> {
    vec![
        format!("+ Marketing Campaign {}", demo::ALAN),
        format!("+ Marketing Campaign {}", demo::KATHERINE),
        "+ Marketing Campaign ana.souza@fabrikam.example".to_owned(),
        format!("- Marketing Campaign {}", demo::BARBARA),
        format!("+ Sales Onboarding {}", demo::EDSGER),
    ]
}

async fn shared() -> (FakeGraph, Graph) {
    let d = FakeGraph::demo().await;
    let graph = Graph::Shared {
        url: d.uri().to_owned(),
        token: d.token(),
    };
    (d, graph)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_prints_one_line_per_change_and_exits_2() {
    let r = run(&Graph::Own, &["plan", "--config", CONFIG])
        .await
        .code(2);
    let mut want = expected_changes();
    // Unchanged: Ada and Grace hold it already; the kiosk is not a user.
    want.push("4 to add, 1 to remove, 3 unchanged".to_owned());
    assert_eq!(r.lines(), want, "{r}");
}

/// The report's header: one CSV for every plan, with every id an auditor
/// needs.
const REPORT_HEADER: &str = "Package,AccessPackageId,Person,PrincipalName,Action,Outcome,RequestId,AssignmentId,ErrorCode,ErrorMessage,HttpStatus,GraphRequestId,ClientRequestId";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_prints_only_differences_and_apply_with_auto_approve_converges() {
    let (d, graph) = shared().await;
    let r = run(&graph, &["drift", "--config", CONFIG]).await.code(2);
    assert_eq!(r.lines(), expected_changes(), "{r}");

    let report = temp_file("auto.csv");
    let r = run(
        &graph,
        &[
            "apply",
            "--config",
            CONFIG,
            "--auto-approve",
            "--report",
            report.to_str().unwrap(),
        ],
    )
    .await
    .code(0);
    assert!(
        r.stderr
            .contains("5 submitted, 0 already done, 0 failed, 0 not started"),
        "{r}"
    );
    let csv = std::fs::read_to_string(&report).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(REPORT_HEADER));
    // One row per item of the plan: the five writes and the three
    // unchanged (Ada, Grace, the kiosk).
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 8, "{csv}");
    let writes: Vec<&&str> = rows
        .iter()
        .filter(|l| l.contains(",Add,") || l.contains(",Remove,"))
        .collect();
    assert_eq!(writes.len(), 5, "{csv}");
    for row in writes {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[5], "Submitted", "{row}");
        assert!(!cells[6].is_empty(), "the request id: {row}");
        assert_eq!(cells[10], "201", "the status: {row}");
        assert!(!cells[11].is_empty() && !cells[12].is_empty(), "{row}");
    }
    let barbara = rows.iter().find(|l| l.contains(demo::BARBARA)).unwrap();
    assert!(
        barbara.contains(&format!(",{},", demo::BARBARA_MARKETING)),
        "the removal names its assignment: {barbara}"
    );

    let r = run(&graph, &["drift", "--config", CONFIG]).await.code(0);
    assert!(r.stdout.is_empty(), "{r}");
    drop(d);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_does_exactly_a_saved_plan_and_refuses_it_once_stale() {
    let (d, graph) = shared().await;
    let plan = temp_file("plan.json");
    let report = temp_file("plan.csv");
    run(
        &graph,
        &["plan", "--config", CONFIG, "--out", plan.to_str().unwrap()],
    )
    .await
    .code(2);

    // Stale: someone assigns Margaret's package meanwhile.
    let saved = std::fs::read_to_string(&plan).unwrap();
    d.add_assignment(
        AssignmentSeed::new(
            &AccessPackageId::new(demo::MARKETING),
            &AssignmentPolicyId::new(demo::MARKETING_POLICY),
            &ObjectId::new(demo::MARGARET),
        )
        .state(AssignmentState::Delivered),
    );
    let posts_before = d.assignment_request_posts();
    let r = run(&graph, &["apply", "--plan", plan.to_str().unwrap()])
        .await
        .code(1);
    let e = r.error_line();
    assert!(
        e.contains("stale") && e.contains("nothing was written"),
        "{r}"
    );
    assert!(
        e.contains("Marketing Campaign: delivered assignments 3 → 4"),
        "{r}"
    );
    assert!(r.stdout.is_empty(), "{r}");
    assert_eq!(d.assignment_request_posts(), posts_before);

    // A fresh plan applies, exactly its rows.
    run(
        &graph,
        &["plan", "--config", CONFIG, "--out", plan.to_str().unwrap()],
    )
    .await
    .code(2);
    assert_ne!(std::fs::read_to_string(&plan).unwrap(), saved);
    let r = run(
        &graph,
        &[
            "apply",
            "--plan",
            plan.to_str().unwrap(),
            "--concurrency",
            "2",
            "--report",
            report.to_str().unwrap(),
        ],
    )
    .await
    .code(0);
    // Margaret holds the package now and is not in the file, but her
    // request is still open: her removal waits (a skip of the plan).
    assert_eq!(r.lines().len(), 5, "{r}");
    assert!(r.lines().iter().all(|l| l.starts_with("Submitted ")), "{r}");
    assert!(!r.stdout.contains(demo::MARGARET), "{r}");
    assert_eq!(d.assignment_request_posts(), posts_before + 5);
    let csv = std::fs::read_to_string(&report).unwrap();
    assert_eq!(csv.lines().count(), 1 + 9, "{csv}");
    let margaret = csv.lines().find(|l| l.contains(demo::MARGARET)).unwrap();
    assert!(
        margaret.contains(",Skip(openRequest:pendingApproval),Skipped,"),
        "{margaret}"
    );
}

/// A plan file changed after planning is refused as edited, before
/// anything is sent; `--allow-edited` applies it only if every item still
/// passes planning's rules — here a removal of Ada, whom the file lists,
/// is refused naming her and the rule.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_plan_is_refused_and_with_allow_edited_still_checked() {
    let (d, graph) = shared().await;
    let plan = temp_file("edited.json");
    run(
        &graph,
        &["plan", "--config", CONFIG, "--out", plan.to_str().unwrap()],
    )
    .await
    .code(2);
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let items = value["packages"][0]["items"].as_array_mut().unwrap();
    items.push(serde_json::json!({
        "person": {"user": demo::ADA},
        "action": {"kind": "remove"},
        "assignmentId": demo::ADA_MARKETING,
    }));
    std::fs::write(&plan, value.to_string()).unwrap();

    let r = run(&graph, &["apply", "--plan", plan.to_str().unwrap()])
        .await
        .code(1);
    let e = r.error_line();
    assert!(
        e.contains("changed after planning") && e.contains("nothing was written"),
        "{r}"
    );
    let r = run(
        &graph,
        &["apply", "--plan", plan.to_str().unwrap(), "--allow-edited"],
    )
    .await
    .code(1);
    let e = r.error_line();
    assert!(
        e.contains(demo::ADA) && e.contains("Marketing Campaign") && e.contains("source"),
        "{r}"
    );
    assert!(e.contains("nothing was written"), "{r}");
    assert_eq!(d.assignment_request_posts(), 0);
}

/// Ctrl-C during `apply` stops gracefully: the writes in flight finish, the
/// rest are never sent, the report is written with every item (the unsent
/// writes `NotStarted`) and the exit code is 1. The example talks to a fake
/// of this test whose POSTs are slow, one write at a time.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_stops_gracefully_on_ctrl_c_and_writes_the_partial_report() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    use std::time::Duration;

    use entra_access::models::RequestType;
    use entra_access_fake::Fault;

    let (d, graph) = shared().await;
    d.inject(
        Fault::latency(Duration::from_secs(2))
            .always()
            .on_method("POST"),
    );
    let report = temp_file("interrupted.csv");
    let Graph::Shared { url, token } = &graph else {
        unreachable!()
    };
    let mut cmd = Command::new(example());
    for var in ENV {
        cmd.env_remove(var);
    }
    let mut child = cmd
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "apply",
            "--config",
            CONFIG,
            "--auto-approve",
            "--concurrency",
            "1",
            "--report",
            report.to_str().unwrap(),
        ])
        .env("GRAPH_BASE_URL", url)
        .env("GRAPH_ACCESS_TOKEN", token)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    let (code, (out, err)) = tokio::task::spawn_blocking(move || {
        // The first write shown means the Ctrl-C handler is in place (the
        // example polls it before taking any row).
        loop {
            let mut line = String::new();
            assert_ne!(
                stdout.read_line(&mut line).unwrap(),
                0,
                "ended early: {seen}"
            );
            seen.push_str(&line);
            if line.starts_with("Submitted ") {
                break;
            }
        }
        let status = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        stdout.read_to_string(&mut seen).unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (child.wait().unwrap().code(), (seen, stderr))
    })
    .await
    .unwrap();
    let r = Run {
        code,
        stdout: out,
        stderr: err,
    }
    .code(1);
    assert!(
        r.stderr.contains("stopping: writes in flight finish"),
        "{r}"
    );
    assert!(r.error_line().contains("not started"), "{r}");

    let csv = std::fs::read_to_string(&report).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(REPORT_HEADER), "{csv}");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 8, "every item has a row: {csv}");
    let writes: Vec<&Vec<&str>> = rows
        .iter()
        .filter(|c| c[4] == "Add" || c[4] == "Remove")
        .collect();
    let submitted: Vec<&&Vec<&str>> = writes.iter().filter(|c| c[5] == "Submitted").collect();
    let not_started = writes.iter().filter(|c| c[5] == "NotStarted").count();
    assert!(!submitted.is_empty() && not_started > 0, "{csv}");
    assert_eq!(submitted.len() + not_started, writes.len(), "{csv}");
    // The removal comes after every add: never sent.
    let barbara = rows.iter().find(|c| c[2] == demo::BARBARA).unwrap();
    assert_eq!(barbara[5], "NotStarted", "{csv}");
    // Graph (the fake) got exactly the submitted writes.
    assert_eq!(d.assignment_request_posts(), submitted.len(), "{csv}");
    let requests = d.assignment_requests();
    for c in &submitted {
        assert!(
            requests
                .iter()
                .any(|q| q.id.as_str() == c[6] && q.request_type == RequestType::AdminAdd),
            "{c:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_plans_bad_files_and_bad_flags_are_refused() {
    // A plan made against another fake (another base URL).
    let plan = temp_file("foreign.json");
    run(
        &Graph::Own,
        &["plan", "--config", CONFIG, "--out", plan.to_str().unwrap()],
    )
    .await
    .code(2);
    let (d, graph) = shared().await;
    let r = run(&graph, &["apply", "--plan", plan.to_str().unwrap()])
        .await
        .code(1);
    assert!(r.error_line().contains("was made against"), "{r}");
    assert_eq!(d.assignment_request_posts(), 0);

    // Another format version.
    let text = std::fs::read_to_string(&plan)
        .unwrap()
        .replace("\"formatVersion\": 2", "\"formatVersion\": 7");
    std::fs::write(&plan, text).unwrap();
    let r = run(&graph, &["apply", "--plan", plan.to_str().unwrap()])
        .await
        .code(1);
    assert!(r.error_line().contains("format version 7"), "{r}");

    // An unknown key: the line is named, nothing is sent.
    let bad = temp_file("bad.toml");
    std::fs::write(
        &bad,
        "[[package]]\nname = \"Marketing Campaign\"\nmembers = []\n",
    )
    .unwrap();
    let r = run(&graph, &["plan", "--config", bad.to_str().unwrap()])
        .await
        .code(1);
    assert!(
        r.error_line().contains("line 3") && r.error_line().contains("members"),
        "{r}"
    );
    let r = run(&graph, &["drift", "--config", bad.to_str().unwrap()])
        .await
        .code(1);
    assert!(r.error_line().contains("line 3"), "{r}");

    // A user principal name that does not resolve.
    std::fs::write(
        &bad,
        "[[package]]\nname = \"Marketing Campaign\"\nusers = [\"nobody@contoso.example\"]\n",
    )
    .unwrap();
    let r = run(
        &graph,
        &["apply", "--config", bad.to_str().unwrap(), "--auto-approve"],
    )
    .await
    .code(1);
    assert!(r.error_line().contains("nobody@contoso.example"), "{r}");
    assert_eq!(d.assignment_request_posts(), 0);

    // --config without --auto-approve, and no source at all: usage errors.
    run(&graph, &["apply", "--config", CONFIG]).await.code(2);
    run(&graph, &["apply"]).await.code(2);
}

/// Approval intent (issue 21): under Travel Booking's two-stage approval
/// policy the plan marks the add that will wait for the approvers and
/// warns; `approval = "bypass"` in the file drops both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_marks_the_adds_that_wait_for_approval() {
    let config = |name: &str, approval: &str| {
        let path = temp_file(name);
        std::fs::write(
            &path,
            format!(
                "[[package]]\nname = \"Travel Booking\"\nusers = [\"{}\"]\n{approval}",
                demo::ADA
            ),
        )
        .unwrap();
        path
    };
    let waits = config("approval-unset.toml", "");
    let r = run(&Graph::Own, &["plan", "--config", waits.to_str().unwrap()])
        .await
        .code(2);
    assert_eq!(
        r.lines()[0],
        format!("+ Travel Booking {} (waits for approval)", demo::ADA),
        "{r}"
    );
    assert!(
        r.stderr.contains(
            "warning: Travel Booking: the policy requires approval: 1 add(s) will wait for the approvers"
        ),
        "{r}"
    );

    let bypass = config("approval-bypass.toml", "approval = \"bypass\"\n");
    let r = run(&Graph::Own, &["plan", "--config", bypass.to_str().unwrap()])
        .await
        .code(2);
    assert_eq!(
        r.lines()[0],
        format!("+ Travel Booking {}", demo::ADA),
        "{r}"
    );
    assert!(!r.stderr.contains("requires approval"), "{r}");
}
