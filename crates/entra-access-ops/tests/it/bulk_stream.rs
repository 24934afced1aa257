//! Streamed bulk runs on FakeGraph: rows as writes finish, a graceful stop
//! whose report matches the fake's state exactly, writes in flight at the
//! stop finish, rows carry the ids Graph answered and the status of a
//! refusal, a dropped run sends nothing more, and sync apply re-checks a
//! lost answer on the same engine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures::StreamExt;

use entra_access::models::{
    AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentState, ObjectId, RequestType,
};
use entra_access::Client;
use entra_access_fake::{
    AccessPackageSeed, AssignmentSeed, FakeGraph, Fault, GroupSeed, PolicySeed, UserSeed,
};
use entra_access_ops::sync::{self, DesiredState};
use entra_access_ops::{Action, Outcome, Person, Report};

const REQUESTS: &str = "/v1.0/identityGovernance/entitlementManagement/assignmentRequests";

struct Tenant {
    fake: FakeGraph,
    client: Client,
    pkg: AccessPackageId,
    policy: AssignmentPolicyId,
    members: Vec<ObjectId>,
    group: ObjectId,
    /// Assignments of people outside the group (reconcile removes them).
    leavers: Vec<(ObjectId, AssignmentId)>,
}

/// `members` users in a group, none holding the package; `leavers` users
/// outside it holding a delivered assignment.
async fn tenant(members: usize, leavers: usize) -> Tenant {
    let fake = FakeGraph::builder().seed(7).manual_progress().start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let members: Vec<ObjectId> = (0..members)
        .map(|i| fake.add_user(UserSeed::new(&format!("Member {i}"))))
        .collect();
    let group = fake.add_group(GroupSeed::new("Team").members(&members));
    let leavers = (0..leavers)
        .map(|i| {
            let user = fake.add_user(UserSeed::new(&format!("Leaver {i}")));
            let a = fake.add_assignment(
                AssignmentSeed::new(&pkg, &policy, &user).state(AssignmentState::Delivered),
            );
            (user, a)
        })
        .collect();
    let client = fake.client().unwrap();
    Tenant {
        fake,
        client,
        pkg,
        policy,
        members,
        group,
        leavers,
    }
}

/// Asserts that the report says exactly what the fake holds: a row is
/// `Submitted` if and only if the fake has that request (an add for the
/// person, a removal of the assignment), `NotStarted` if and only if it has
/// no request for the person; nothing else.
fn assert_report_matches_the_fake(t: &Tenant, report: &Report) {
    let requests = t.fake.assignment_requests();
    let adds: HashMap<ObjectId, _> = requests
        .iter()
        .filter(|r| r.request_type == RequestType::AdminAdd)
        .map(|r| (r.target_object_id.clone().unwrap(), r.id.clone()))
        .collect();
    let removals: HashMap<AssignmentId, _> = requests
        .iter()
        .filter(|r| r.request_type == RequestType::AdminRemove)
        .map(|r| (r.assignment_id.clone().unwrap(), r.id.clone()))
        .collect();
    assert_eq!(adds.len() + removals.len(), requests.len(), "{requests:#?}");
    for row in &report.rows {
        let made = match row.action {
            Action::Add => adds.get(row.person.object_id().unwrap()),
            Action::Remove => removals.get(row.assignment_id.as_ref().unwrap()),
            _ => panic!("unexpected row {row:#?}"),
        };
        match row.outcome {
            Outcome::Submitted => {
                assert_eq!(row.request_id.as_ref(), made, "{row:#?}");
                assert!(made.is_some());
            }
            Outcome::NotStarted => assert_eq!(made, None, "{row:#?}"),
            _ => panic!("a row neither submitted nor not started: {row:#?}"),
        }
    }
    let t = report.totals();
    assert_eq!(
        t.created + t.removed,
        requests.len(),
        "every request the fake holds is a submitted row"
    );
}

#[tokio::test]
async fn a_run_stopped_half_way_reports_exactly_what_the_fake_holds() {
    let t = tenant(12, 3).await;
    // Every write takes a while to be answered, so a stop finds some in
    // flight.
    t.fake.inject(
        Fault::latency(Duration::from_millis(40))
            .on_method("POST")
            .always(),
    );
    let mut run = entra_access_ops::BulkAssign::group(&t.client, &t.pkg, &t.policy, &t.group)
        .reconcile(true)
        .concurrency(2)
        .start()
        .await
        .unwrap();
    let mut seen = Vec::new();
    while seen.len() < 4 {
        seen.push(run.next().await.expect("a row"));
    }
    let report = run.stop().await;

    assert_eq!(report.rows.len(), 15, "every person of the plan has a row");
    assert_report_matches_the_fake(&t, &report);
    let totals = report.totals();
    // The four rows taken, and at most the two writes in flight at the stop.
    assert!((4..=6).contains(&totals.created), "{totals:?}");
    assert!(totals.not_started > 0, "{totals:?}");
    assert_eq!(totals.failed, 0);
    assert!(!report.is_success(), "a stopped run is not a success");
    // Adds run first: stopped among them, no removal was sent.
    assert_eq!(totals.removed, 0);
    for (user, assignment) in &t.leavers {
        let row = report.row(user.as_str()).unwrap();
        assert_eq!(row.outcome, Outcome::NotStarted);
        assert_eq!(row.assignment_id.as_ref(), Some(assignment));
    }
    // What the stream yielded is what the report says.
    for row in &seen {
        assert_eq!(row.outcome, Outcome::Submitted);
        assert_eq!(report.row(&row.person.to_string()), Some(row));
    }
    assert_eq!(report.not_started().count(), totals.not_started);

    // Running again does the rest, and nothing twice.
    let rest = entra_access_ops::BulkAssign::group(&t.client, &t.pkg, &t.policy, &t.group)
        .reconcile(true)
        .run()
        .await
        .unwrap();
    assert_eq!(rest.totals().created, totals.not_started - 3);
    assert_eq!(rest.totals().removed, 3);
    let adds = t
        .fake
        .assignment_requests()
        .into_iter()
        .filter(|r| r.request_type == RequestType::AdminAdd)
        .map(|r| r.target_object_id.unwrap())
        .collect::<Vec<_>>();
    let distinct: HashSet<_> = adds.iter().collect();
    assert_eq!((adds.len(), distinct.len()), (12, 12));
}

#[tokio::test]
async fn the_stream_yields_every_row_once_skips_first() {
    let t = tenant(5, 0).await;
    t.fake.add_assignment(
        AssignmentSeed::new(&t.pkg, &t.policy, &t.members[2]).state(AssignmentState::Delivered),
    );
    let run = entra_access_ops::BulkAssign::group(&t.client, &t.pkg, &t.policy, &t.group)
        .concurrency(3)
        .start()
        .await
        .unwrap();
    let rows: Vec<_> = run.collect().await;
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[0].person,
        Person::User(t.members[2].clone()),
        "the skip comes first"
    );
    assert_eq!(rows[0].outcome, Outcome::Skipped);
    let people: HashSet<_> = rows.iter().map(|r| r.person.clone()).collect();
    assert_eq!(people.len(), 5, "each person once");
    assert!(rows[1..].iter().all(|r| r.outcome == Outcome::Submitted));
    assert_eq!(t.fake.assignment_request_posts(), 4);
}

#[tokio::test]
async fn a_write_in_flight_when_stop_is_called_ends_submitted() {
    let t = tenant(4, 0).await;
    t.fake.inject(
        Fault::latency(Duration::from_millis(300))
            .on_method("POST")
            .always(),
    );
    let run = entra_access_ops::BulkAssign::group(&t.client, &t.pkg, &t.policy, &t.group)
        .concurrency(1)
        .start()
        .await
        .unwrap();
    // Stop as soon as the first POST reached Graph (which made the
    // request), while its answer is still on the way.
    let stop = run.stop_handle();
    let fake = &t.fake;
    let stopper = async move {
        while fake.assignment_request_posts() == 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        stop.stop();
        fake.assignment_request_posts()
    };
    let (report, posts_at_stop) = futures::join!(run.finish(), stopper);
    assert_eq!(posts_at_stop, 1, "stopped with one write sent");

    assert_eq!(
        t.fake.assignment_request_posts(),
        1,
        "nothing sent after the stop"
    );
    assert_report_matches_the_fake(&t, &report);
    let totals = report.totals();
    assert_eq!(
        (totals.created, totals.not_started),
        (1, 3),
        "the write in flight finished and was not lost: {report:#?}"
    );
}

#[tokio::test]
async fn rows_carry_the_ids_sent_and_answered_and_the_status_of_a_refusal() {
    let t = tenant(3, 0).await;
    t.fake
        .inject(Fault::status(403, "Forbidden").on_method("POST"));
    let report = entra_access_ops::BulkAssign::group(&t.client, &t.pkg, &t.policy, &t.group)
        .concurrency(1)
        .run()
        .await
        .unwrap();
    let posts: Vec<_> = t
        .fake
        .received()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == REQUESTS)
        .collect();
    assert_eq!(posts.len(), 3);
    let mut statuses = Vec::new();
    for row in &report.rows {
        // The POST for this person, found by its body.
        let post = posts
            .iter()
            .find(|p| p.body.contains(&row.person.to_string()))
            .unwrap();
        let sent = post.header("client-request-id").unwrap();
        assert_eq!(row.client_request_id.as_deref(), Some(sent));
        assert_eq!(row.http_status, Some(post.status));
        let graph_id = row.graph_request_id.as_deref().unwrap();
        assert!(!graph_id.is_empty() && graph_id != sent);
        statuses.push(post.status);
        match post.status {
            403 => {
                assert_eq!(row.outcome, Outcome::Failed);
                assert_eq!(row.error_code.as_deref(), Some("Forbidden"));
            }
            201 => assert_eq!(row.outcome, Outcome::Submitted),
            other => panic!("unexpected status {other}"),
        }
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 201, 403]);
    // The ids are in the JSON and the CSV too.
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["rows"][0]["clientRequestId"].is_string());
    assert!(json["rows"][0]["graphRequestId"].is_string());
    let mut csv = Vec::new();
    report.write_csv(&mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let failed = report.failures().next().unwrap();
    assert!(csv.contains(&format!(
        ",403,{},{}",
        failed.graph_request_id.as_deref().unwrap(),
        failed.client_request_id.as_deref().unwrap()
    )));
}

#[tokio::test]
async fn a_dropped_run_sends_nothing_more() {
    let t = tenant(6, 0).await;
    t.fake.inject(
        Fault::latency(Duration::from_millis(20))
            .on_method("POST")
            .always(),
    );
    let mut run = entra_access_ops::BulkAssign::group(&t.client, &t.pkg, &t.policy, &t.group)
        .concurrency(1)
        .start()
        .await
        .unwrap();
    run.next().await.unwrap();
    drop(run);
    // A POST already on the wire may still arrive; nothing after it.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after_drop = t.fake.assignment_request_posts();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        t.fake.assignment_request_posts(),
        after_drop,
        "no task kept writing after the run was dropped"
    );
    assert!(
        after_drop <= 2,
        "one write yielded, at most one more in flight"
    );
}

#[tokio::test]
async fn sync_apply_rechecks_a_lost_answer_on_the_bulk_engine() {
    let t = tenant(3, 1).await;
    let ids: Vec<String> = t.members.iter().map(|m| format!("\"{m}\"")).collect();
    let desired = DesiredState::from_toml_str(&format!(
        "[[package]]\nname = \"Marketing\"\nusers = [{}]\n",
        ids.join(", ")
    ))
    .unwrap();
    let plan = sync::plan(&t.client, &desired).await.unwrap();
    assert_eq!(plan.totals().to_add, 3);
    // The first add is made, but its answer is lost on the way back.
    t.fake
        .inject(Fault::truncated().on_method("POST").on_path(REQUESTS));
    let report = plan.apply(&t.client).concurrency(1).run().await.unwrap();
    assert!(report.is_success(), "{report:#?}");
    assert_eq!(report.rows.len(), 4, "three adds and the leaver's removal");

    // Exactly one request per person: the lost one was found, not re-sent.
    assert_eq!(t.fake.assignment_request_posts(), 4);
    let requests = t.fake.assignment_requests();
    assert_eq!(requests.len(), 4);
    let posts: Vec<_> = t
        .fake
        .received()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == REQUESTS)
        .collect();
    for row in &report.rows {
        assert_eq!(row.outcome, Outcome::Submitted, "{row:#?}");
        let target = row.person.to_string();
        let made = requests
            .iter()
            .find(|r| r.target_object_id.as_ref().map(ToString::to_string) == Some(target.clone()))
            .unwrap();
        assert_eq!(row.request_id.as_ref(), Some(&made.id));
        let post = posts
            .iter()
            .find(|p| {
                p.body.contains(&target)
                    || row
                        .assignment_id
                        .as_ref()
                        .is_some_and(|a| p.body.contains(a.as_str()))
            })
            .unwrap();
        assert_eq!(
            row.client_request_id.as_deref(),
            post.header("client-request-id")
        );
    }
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["rows"][0]["clientRequestId"].is_string());
}

#[test]
fn a_run_moves_between_tasks_and_its_stop_handle_is_shared() {
    fn send<T: Send + 'static>() {}
    fn shared<T: Send + Sync + Clone + std::fmt::Debug + 'static>() {}
    send::<entra_access_ops::Run>();
    shared::<entra_access_ops::StopHandle>();
}

/// A `tracing` writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Dropping a run whose writes are not all reported warns, naming how
/// many; a run ended with `stop()` does not.
#[tokio::test]
async fn a_run_dropped_mid_flight_warns_how_many_writes_went_unreported() {
    let captured = Captured::default();
    let sink = captured.clone();
    let _capture = crate::common::trace_capture::capture(
        tracing::level_filters::LevelFilter::WARN,
        tracing_subscriber::fmt::layer()
            .with_writer(move || sink.clone())
            .with_ansi(false),
    );

    let t = tenant(4, 0).await;
    let mut run = entra_access_ops::BulkAssign::group(&t.client, &t.pkg, &t.policy, &t.group)
        .concurrency(1)
        .start()
        .await
        .unwrap();
    let first = run.next().await.unwrap();
    assert_eq!(first.outcome, Outcome::Submitted);
    drop(run);
    let text = captured.text();
    assert!(
        text.contains("run dropped") && text.contains("unreported=3"),
        "{text}"
    );

    let t = tenant(4, 0).await;
    let mut run = entra_access_ops::BulkAssign::group(&t.client, &t.pkg, &t.policy, &t.group)
        .concurrency(1)
        .start()
        .await
        .unwrap();
    run.next().await.unwrap();
    let before = captured.text().len();
    let report = run.stop().await;
    assert_eq!(report.rows.len(), 4);
    assert!(
        !captured.text()[before..].contains("run dropped"),
        "{}",
        captured.text()
    );
}
