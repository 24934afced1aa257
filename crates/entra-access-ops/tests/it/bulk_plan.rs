//! Reviewed bulk plans on FakeGraph: a plan's adds and removals equal the
//! set differences computed here, plan → apply → plan again is empty, a
//! stale plan is refused without writing (or planned again when asked),
//! plans round-trip through JSON, plans of another format version or base
//! URL are refused, the pure planner plans hand-made facts, and bad input is
//! refused before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use entra_access::models::{
    AccessPackageId, Assignment, AssignmentId, AssignmentPolicyId, AssignmentRequest,
    AssignmentState, ObjectId, RequestState, RequestType,
};
use entra_access::{Client, ErrorKind};
use entra_access_fake::{
    AccessPackageSeed, AssignmentSeed, AssignmentSnapshot, DeviceSeed, FakeGraph, GroupSeed,
    PolicySeed, RequestSeed, UserSeed,
};
use entra_access_ops::{
    plan_package, Action, AssignmentFact, MemberFact, Outcome, PackageFacts, PackagePlan,
    PackageSpec, Person, Plan, PlanItem, Refusal, RemovalScope, RequestFact, SkipReason, Source,
    PLAN_FORMAT_VERSION,
};

/// The tenant every test starts from.
struct Tenant {
    fake: FakeGraph,
    pkg: AccessPackageId,
    direct: AssignmentPolicyId,
    /// u[0]..u[7].
    u: Vec<ObjectId>,
    team: ObjectId,
    /// The members of Team that are users.
    team_users: Vec<ObjectId>,
    u4_assignment: AssignmentId,
}

/// Marketing has two policies, "Direct" (the bulk's) and "Members". Team =
/// u1, u2, u3 and a device. Assignments: u2, u4, u6 delivered under Direct,
/// u5 delivered under Members; u3 has an open add request pending
/// approval; u6 an open removal.
async fn tenant() -> Tenant {
    let fake = FakeGraph::builder()
        .seed(13)
        .manual_progress()
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
    let direct = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let members = fake.add_policy(PolicySeed::new("Members", &pkg));
    let u: Vec<ObjectId> = (0..8)
        .map(|i| {
            fake.add_user(
                UserSeed::new(&format!("User {i}"))
                    .user_principal_name(&format!("u{i}@contoso.example")),
            )
        })
        .collect();
    let kiosk = fake.add_device(DeviceSeed::new("Kiosk"));
    let team = fake.add_group(GroupSeed::new("Team").members([&u[1], &u[2], &u[3], &kiosk]));
    let assign = |user: &ObjectId, policy: &AssignmentPolicyId| {
        fake.add_assignment(
            AssignmentSeed::new(&pkg, policy, user).state(AssignmentState::Delivered),
        )
    };
    assign(&u[2], &direct);
    let u4_assignment = assign(&u[4], &direct);
    assign(&u[5], &members);
    let u6 = assign(&u[6], &direct);
    fake.add_request(
        RequestSeed::new(RequestType::AdminAdd, &pkg, &direct, &u[3])
            .state(RequestState::PendingApproval),
    );
    fake.add_request(
        RequestSeed::new(RequestType::AdminRemove, &pkg, &direct, &u[6])
            .assignment(&u6)
            .state(RequestState::Submitted),
    );
    let team_users = vec![u[1].clone(), u[2].clone(), u[3].clone()];
    Tenant {
        fake,
        pkg,
        direct,
        u,
        team,
        team_users,
        u4_assignment,
    }
}

impl Tenant {
    fn client(&self) -> Client {
        self.fake.client().unwrap()
    }

    async fn plan(&self, scope: RemovalScope) -> Plan {
        entra_access_ops::BulkAssign::group(&self.client(), &self.pkg, &self.direct, &self.team)
            .reconcile(true)
            .removal_scope(scope)
            .justification("quarterly review")
            .plan()
            .await
            .unwrap()
    }

    fn posts(&self) -> usize {
        self.fake.assignment_request_posts()
    }

    /// Every write the fake received (POST, PATCH, PUT, DELETE).
    fn writes_received(&self) -> usize {
        self.fake
            .received()
            .iter()
            .filter(|r| r.method != "GET")
            .count()
    }
}

fn ids(plan: &Plan, action: &Action) -> BTreeSet<String> {
    plan.items()
        .filter(|(_, i)| &i.action == action)
        .map(|(_, i)| i.person.to_string())
        .collect()
}

/// The one package of a bulk plan.
fn only(plan: &Plan) -> &PackagePlan {
    assert_eq!(plan.packages.len(), 1, "a bulk plan has one package");
    &plan.packages[0]
}

fn item_of<'a>(plan: &'a Plan, who: &ObjectId) -> &'a PlanItem {
    plan.items()
        .map(|(_, i)| i)
        .find(|i| i.person == Person::User(who.clone()))
        .unwrap()
}

fn strings<'a>(ids: impl IntoIterator<Item = &'a ObjectId>) -> BTreeSet<String> {
    ids.into_iter().map(ToString::to_string).collect()
}

#[tokio::test]
async fn a_plans_adds_and_removals_are_the_set_differences_of_the_fakes_state() {
    let t = tenant().await;
    let plan = t.plan(RemovalScope::Policy).await;

    // Computed here, from the fake's own state and the group.
    let package = |a: &&AssignmentSnapshot| -> bool {
        a.access_package_id == t.pkg
            && matches!(
                a.state,
                AssignmentState::Delivered
                    | AssignmentState::Delivering
                    | AssignmentState::PartiallyDelivered
            )
    };
    let snapshot = t.fake.assignments();
    let held: BTreeSet<String> = snapshot
        .iter()
        .filter(package)
        .filter_map(|a| a.target_object_id.as_ref().map(ToString::to_string))
        .collect();
    let held_in_policy: BTreeSet<String> = snapshot
        .iter()
        .filter(package)
        .filter(|a| a.assignment_policy_id == t.direct)
        .filter_map(|a| a.target_object_id.as_ref().map(ToString::to_string))
        .collect();
    let in_flight: BTreeSet<String> = t
        .fake
        .assignment_requests()
        .iter()
        .filter(|r| r.state.is_open())
        .filter_map(|r| r.target_object_id.as_ref().map(ToString::to_string))
        .collect();
    let members = strings(&t.team_users);
    let want_adds: BTreeSet<String> = members
        .iter()
        .filter(|m| !held.contains(*m) && !in_flight.contains(*m))
        .cloned()
        .collect();
    let want_removals: BTreeSet<String> = held_in_policy
        .iter()
        .filter(|h| !members.contains(*h) && !in_flight.contains(*h))
        .cloned()
        .collect();

    assert_eq!(ids(&plan, &Action::Add), want_adds);
    assert_eq!(ids(&plan, &Action::Remove), want_removals);
    // And the values themselves, so the test cannot agree with a wrong planner.
    assert_eq!(want_adds, strings([&t.u[1]]));
    assert_eq!(want_removals, strings([&t.u[4]]), "u5 is under Members");
    let (_, removal) = plan
        .writes()
        .find(|(_, i)| i.action == Action::Remove)
        .unwrap();
    assert_eq!(removal.assignment_id.as_ref(), Some(&t.u4_assignment));
    // u3 (open add) and u6 (open removal) are skipped with their request.
    for who in [&t.u[3], &t.u[6]] {
        let item = item_of(&plan, who);
        assert!(
            matches!(item.action, Action::Skip(SkipReason::OpenRequest(_)))
                && item.request_id.is_some(),
            "{item:?}"
        );
    }

    // What the plan carries: where and when, what it saw, the settings.
    assert_eq!(plan.format_version, PLAN_FORMAT_VERSION);
    assert_eq!(plan.base_url, t.client().base_url().as_str());
    assert!(plan.created_at <= chrono::Utc::now());
    assert!(!plan.is_edited());
    let package = only(&plan);
    assert_eq!(package.observed.assignments.get("delivered"), Some(&4));
    assert_eq!(package.observed.open_requests.values().sum::<usize>(), 2);
    assert_eq!(package.spec.removal_scope, RemovalScope::Policy);
    assert_eq!(package.spec.source, Source::group(t.team.clone(), false));
    assert_eq!(
        package.spec.justification.as_deref(),
        Some("quarterly review")
    );

    // Scope "all" takes u5 too; no reconcile removes nobody.
    let all = t.plan(RemovalScope::All).await;
    assert_eq!(ids(&all, &Action::Remove), strings([&t.u[4], &t.u[5]]));
    let adds_only = entra_access_ops::BulkAssign::group(&t.client(), &t.pkg, &t.direct, &t.team)
        .plan()
        .await
        .unwrap();
    assert_eq!(only(&adds_only).spec.removal_scope, RemovalScope::None);
    assert_eq!(only(&adds_only).count(&Action::Remove), 0);
    assert_eq!(t.writes_received(), 0, "planning writes nothing");
}

#[tokio::test]
async fn plan_then_apply_then_plan_again_is_empty() {
    let t = tenant().await;
    let client = t.client();
    let plan = t.plan(RemovalScope::Policy).await;
    // Stored and read back, as a reviewed plan would be.
    let reviewed = Plan::from_json(&plan.to_json()).unwrap();
    let report = reviewed.apply(&client).concurrency(2).run().await.unwrap();
    assert!(!report.replanned, "a fresh plan is applied as reviewed");

    let totals = report.totals();
    assert_eq!(
        (totals.created, totals.removed, totals.failed),
        (1, 1, 0),
        "{report:#?}"
    );
    assert_eq!(t.posts(), 2);
    // Exactly the plan's rows, in its order.
    let rows: Vec<_> = report.rows.iter().map(|r| &r.person).collect();
    let items: Vec<_> = plan.items().map(|(_, i)| &i.person).collect();
    assert_eq!(rows, items);
    for row in report.rows.iter().filter(|r| r.action.is_write()) {
        assert_eq!(row.outcome, Outcome::Submitted, "{row:?}");
    }
    // The add went out with the plan's justification.
    let requests = t.fake.assignment_requests();
    assert!(requests
        .iter()
        .any(|r| r.target_object_id.as_ref() == Some(&t.u[1])
            && r.justification.as_deref() == Some("quarterly review")));

    // In flight: nothing more to do.
    assert!(t.plan(RemovalScope::Policy).await.is_empty());
    // Delivered: still nothing, u1 holds the package and u4 no longer does.
    t.fake.settle();
    let settled = t.plan(RemovalScope::Policy).await;
    assert!(settled.is_empty(), "{settled:#?}");
    let state_of = |who: &ObjectId| {
        t.fake
            .assignments()
            .into_iter()
            .filter(|a| a.target_object_id.as_ref() == Some(who) && a.access_package_id == t.pkg)
            .map(|a| a.state)
            .collect::<Vec<_>>()
    };
    assert_eq!(state_of(&t.u[1]), [AssignmentState::Delivered]);
    assert_eq!(state_of(&t.u[4]), [AssignmentState::Expired]);
}

#[tokio::test]
async fn a_stale_plan_is_refused_and_writes_nothing() {
    let t = tenant().await;
    let client = t.client();
    let plan = t.plan(RemovalScope::Policy).await;
    // Out of band: someone assigns u0 directly.
    t.fake.add_assignment(
        AssignmentSeed::new(&t.pkg, &t.direct, &t.u[0]).state(AssignmentState::Delivered),
    );
    let requests_before = t.fake.assignment_requests().len();

    let err = plan.clone().apply(&client).run().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    match Refusal::of(&err) {
        Some(Refusal::StalePlan { changes }) => {
            assert_eq!(changes.len(), 1);
            assert_eq!(changes[0].access_package, t.pkg);
            assert_eq!(changes[0].summary, "delivered assignments 4 → 5");
        }
        other => panic!("{other:?}: {err}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("nothing was written") && text.contains("delivered assignments 4 → 5"),
        "{text}"
    );
    assert_eq!(t.writes_received(), 0, "no POST, nothing written");
    assert_eq!(t.fake.assignment_requests().len(), requests_before);
    // check() says the same without writing either.
    let err = plan.apply(&client).check().await.unwrap_err();
    assert!(matches!(Refusal::of(&err), Some(Refusal::StalePlan { .. })));

    // A state change alone (same ids, same counts per id) is caught too.
    let plan = t.plan(RemovalScope::Policy).await;
    let u3_request = t
        .fake
        .assignment_requests()
        .into_iter()
        .find(|r| r.target_object_id.as_ref() == Some(&t.u[3]))
        .unwrap();
    assert!(t.fake.approve(&u3_request.id));
    let err = plan.apply(&client).run().await.unwrap_err();
    assert!(
        matches!(Refusal::of(&err), Some(Refusal::StalePlan { .. })),
        "{err}"
    );
    assert_eq!(t.writes_received(), 0);
    assert_eq!(t.posts(), 0);
}

#[tokio::test]
async fn replan_if_stale_applies_a_fresh_plan_from_the_stored_settings() {
    let t = tenant().await;
    let client = t.client();
    let plan = t.plan(RemovalScope::Policy).await;
    assert_eq!(ids(&plan, &Action::Add), strings([&t.u[1]]));
    // Out of band: u1 gets the package another way.
    t.fake.add_assignment(
        AssignmentSeed::new(&t.pkg, &t.direct, &t.u[1]).state(AssignmentState::Delivered),
    );
    let report = plan.apply(&client).replan_if_stale().run().await.unwrap();
    assert!(report.replanned, "the fresh plan was not the reviewed one");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["replanned"], true);
    let back: entra_access_ops::Report = serde_json::from_value(json).unwrap();
    assert!(back.replanned);
    // The fresh plan: u1 already holds it, u4 is still removed.
    let t2 = report.totals();
    assert_eq!(
        (t2.created, t2.removed, t2.failed),
        (0, 1, 0),
        "{report:#?}"
    );
    assert_eq!(
        report.row(t.u[1].as_str()).unwrap().action,
        Action::Skip(SkipReason::AlreadyDelivered)
    );
    assert_eq!(t.posts(), 1);
    let removal = t
        .fake
        .assignment_requests()
        .into_iter()
        .find(|r| {
            r.request_type == RequestType::AdminRemove
                && r.target_object_id.as_ref() == Some(&t.u[4])
        })
        .unwrap();
    // The stored justification went with it.
    assert_eq!(removal.justification.as_deref(), Some("quarterly review"));
}

#[tokio::test]
async fn a_plan_round_trips_through_json() {
    let t = tenant().await;
    let plan = t.plan(RemovalScope::All).await;
    let json = plan.to_json();
    assert_eq!(Plan::from_json(&json).unwrap(), plan);
    let back: Plan = serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
    assert_eq!(back, plan);
    assert!(!back.is_edited(), "the digest survives the round trip");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["formatVersion"], 2);
    assert_eq!(value["digest"], plan.digest.as_str());
    let package = &value["packages"][0];
    assert_eq!(package["spec"]["removalScope"], "all");
    assert_eq!(
        package["spec"]["source"]["groups"][0]["id"],
        t.team.as_str()
    );
    assert!(package["observed"]["fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    let read = Plan::from_json(&json).unwrap();
    assert_eq!(only(&read).spec.removal_scope, RemovalScope::All);
}

#[tokio::test]
async fn plans_of_another_format_version_or_base_url_are_refused() {
    let t = tenant().await;
    let plan = t.plan(RemovalScope::Policy).await;

    // Reading.
    let mut value: serde_json::Value = serde_json::from_str(&plan.to_json()).unwrap();
    value["formatVersion"] = (PLAN_FORMAT_VERSION + 1).into();
    let err = Plan::from_json(&value.to_string()).unwrap_err();
    assert!(err.is_invalid_input());
    assert_eq!(
        Refusal::of(&err),
        Some(&Refusal::PlanVersion {
            found: u64::from(PLAN_FORMAT_VERSION + 1),
            expected: PLAN_FORMAT_VERSION
        })
    );
    assert!(serde_json::from_value::<Plan>(value).is_err());
    // A plan of the version before this one (bulk and sync had their own).
    let err = Plan::from_json(r#"{"formatVersion": 1, "items": []}"#).unwrap_err();
    assert!(matches!(
        Refusal::of(&err),
        Some(Refusal::PlanVersion { found: 1, .. })
    ));
    let err = Plan::from_json(r#"{"items": []}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("formatVersion"), "{err}");

    // Applying: no request at all reaches either fake.
    let received = t.fake.received().len();
    let mut other_version = plan.clone();
    other_version.format_version = PLAN_FORMAT_VERSION + 1;
    let err = other_version.apply(&t.client()).run().await.unwrap_err();
    assert!(matches!(
        Refusal::of(&err),
        Some(Refusal::PlanVersion { .. })
    ));

    let elsewhere = FakeGraph::start().await;
    let err = plan
        .clone()
        .apply(&elsewhere.client().unwrap())
        .run()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input());
    match Refusal::of(&err) {
        Some(Refusal::PlanBaseUrl { planned, client }) => {
            assert_eq!(planned, &plan.base_url);
            assert_eq!(client, elsewhere.client().unwrap().base_url().as_str());
        }
        other => panic!("{other:?}: {err}"),
    }
    assert!(elsewhere.received().is_empty());
    let mut moved = plan;
    moved.base_url = "https://graph.microsoft.us/v1.0/".into();
    let err = moved.apply(&t.client()).run().await.unwrap_err();
    assert!(matches!(
        Refusal::of(&err),
        Some(Refusal::PlanBaseUrl { .. })
    ));
    assert_eq!(t.fake.received().len(), received);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let t = tenant().await;
    let plan = t.plan(RemovalScope::Policy).await;
    let received = t.fake.received().len();

    let err = plan
        .clone()
        .apply(&t.client())
        .concurrency(0)
        .run()
        .await
        .unwrap_err();
    assert!(
        err.is_invalid_input() && err.to_string().contains("concurrency"),
        "{err}"
    );
    assert_eq!(t.fake.received().len(), received, "nothing was sent");

    let mut edited = plan.clone();
    edited.packages[0].items[0].person = Person::user("../users");
    // Edited: refused as such, unless asked to apply it anyway.
    let err = edited.clone().apply(&t.client()).run().await.unwrap_err();
    assert!(
        matches!(Refusal::of(&err), Some(Refusal::EditedPlan { .. })),
        "{err}"
    );
    let err = edited
        .apply(&t.client())
        .allow_edited()
        .run()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    // The id as written, not its Debug form (`ObjectId("…")`).
    assert!(err.to_string().contains("plan item '../users'"), "{err}");

    let mut edited = plan.clone();
    let removal = edited.packages[0]
        .items
        .iter_mut()
        .find(|i| i.action == Action::Remove)
        .unwrap();
    removal.assignment_id = None;
    let err = edited
        .apply(&t.client())
        .allow_edited()
        .run()
        .await
        .unwrap_err();
    assert!(
        err.is_invalid_input() && err.to_string().contains("names no assignment"),
        "{err}"
    );
    assert_eq!(t.writes_received(), 0, "nothing was written");

    let received = t.fake.received().len();
    let mut edited = plan;
    edited.packages[0].spec.policy = AssignmentPolicyId::new("");
    let err = edited
        .apply(&t.client())
        .allow_edited()
        .run()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    assert_eq!(t.fake.received().len(), received, "nothing was sent");
}

fn assignment(id: &str, target: &str, policy: &str, state: &str) -> AssignmentFact {
    let a: Assignment = serde_json::from_value(serde_json::json!({
        "id": id, "state": state,
        "target": {"objectId": target, "principalName": format!("{target}@contoso.example")},
        "assignmentPolicy": {"id": policy}
    }))
    .unwrap();
    AssignmentFact::from_assignment(&a)
}

#[test]
fn the_pure_planner_plans_hand_made_facts() {
    let mut spec = PackageSpec::new("pkg", "direct", Source::users(["ada", "bob", "cy"]));
    spec.removal_scope = RemovalScope::Policy;
    let members = [
        MemberFact::user("ada", None),
        MemberFact::user("bob", None),
        MemberFact::user("cy", None),
    ];
    let mut facts = PackageFacts::new("pkg");
    facts.assignments = vec![
        assignment("as-bob", "bob", "direct", "delivered"),
        assignment("as-dan", "dan", "direct", "delivered"),
        assignment("as-eve", "eve", "other", "delivered"),
        assignment("as-fay", "fay", "direct", "delivered"),
    ];
    let request: AssignmentRequest = serde_json::from_value(serde_json::json!({
        "id": "rq-cy", "requestType": "adminAdd", "state": "pendingApproval",
        "assignment": {"target": {"objectId": "cy"}}
    }))
    .unwrap();
    let removal: AssignmentRequest = serde_json::from_value(serde_json::json!({
        "id": "rq-fay", "requestType": "adminRemove", "state": "submitted",
        "assignment": {"id": "as-fay", "target": {"objectId": "fay"}}
    }))
    .unwrap();
    facts.open_requests = vec![
        RequestFact::from_request(&request),
        RequestFact::from_request(&removal),
    ];
    let created = chrono::Utc::now();
    let package = plan_package(&spec, &members, &facts).unwrap();
    let whole = Plan::new("https://graph.test/v1.0/", created, vec![package.clone()]).unwrap();
    assert_eq!(whole.created_at, created);
    let plan = &whole.packages[0];

    let lines: Vec<String> = plan
        .items
        .iter()
        .map(|i| format!("{} {}", i.action, i.person))
        .collect();
    assert_eq!(
        lines,
        [
            "Add ada",
            "Skip(alreadyDelivered) bob",
            "Skip(openRequest:pendingApproval) cy",
            "Remove dan",
            "Skip(openRequest:submitted) fay",
        ]
    );
    assert_eq!(
        plan.items[3].assignment_id,
        Some(AssignmentId::new("as-dan"))
    );
    assert_eq!(
        plan.items[3].principal_name.as_deref(),
        Some("dan@contoso.example")
    );
    assert_eq!(plan.spec, spec);
    assert_eq!(plan.current_assignments, 4);
    assert_eq!(plan.assignments_after(), 4);
    assert_eq!(plan.observed, entra_access_ops::Observed::of(&facts));
}

#[tokio::test]
async fn facts_gathered_by_a_tool_plan_the_same_as_the_builder() {
    let t = tenant().await;
    let client = t.client();
    let built = t.plan(RemovalScope::Policy).await;
    let facts = PackageFacts::gather(&client, t.pkg.clone()).await.unwrap();
    let members: Vec<MemberFact> = t
        .team_users
        .iter()
        .map(|u| MemberFact::user(u.clone(), None))
        .collect();
    let package = plan_package(&only(&built).spec, &members, &facts).unwrap();
    let own = Plan::new(client.base_url().as_str(), built.created_at, vec![package]).unwrap();
    let shape = |p: &Plan| -> Vec<(String, Action)> {
        // The tool left the device out of its members.
        p.items()
            .map(|(_, i)| i)
            .filter(|i| !matches!(i.action, Action::Skip(SkipReason::NotAUser(_))))
            .map(|i| (i.person.to_string(), i.action.clone()))
            .collect()
    };
    assert_eq!(shape(&own), shape(&built));
    assert_eq!(
        only(&own).observed,
        only(&built).observed,
        "one fingerprint for both readers"
    );
    // So the tool's plan applies.
    let report = own.apply(&client).run().await.unwrap();
    assert_eq!(report.totals().created, 1);
}

/// Approval intent in a bulk run (issue 21): `approval(Bypass)` sends
/// `parameters.bypassApproval: true` with every add, so under a policy that
/// requires approval the adds are delivered instead of waiting; the plan
/// carries the intent. Without it the plan says the add will wait (it read
/// the policy), and it waits in `pendingApproval`.
#[tokio::test]
async fn a_bulk_run_can_bypass_the_policys_approval() {
    use entra_access_ops::{Approval, BulkAssign, Warning};

    let fake = FakeGraph::builder()
        .seed(21)
        .manual_progress()
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Travel"));
    let approver = fake.add_user(UserSeed::new("Grace Approver"));
    let policy =
        fake.add_policy(PolicySeed::new("Manager approves", &pkg).approval_stage([&approver]));
    let ada = fake.add_user(UserSeed::new("Ada"));
    let alan = fake.add_user(UserSeed::new("Alan"));
    let client = fake.client().unwrap();

    let bypass = BulkAssign::users(&client, pkg.clone(), policy.clone(), [ada.as_str()])
        .approval(Approval::Bypass);
    let plan = bypass.plan().await.unwrap();
    assert_eq!(plan.packages[0].spec.approval, Some(Approval::Bypass));
    assert_eq!(plan.packages[0].adds_waiting_for_approval().count(), 0);
    assert_eq!(plan.warnings().count(), 0);
    let report = plan.apply(&client).run().await.unwrap();
    assert!(report.is_success(), "{report:?}");
    // Unbypassed, the plan reads the policy and says the add will wait.
    let plan = BulkAssign::users(&client, pkg.clone(), policy.clone(), [alan.as_str()])
        .plan()
        .await
        .unwrap();
    assert_eq!(plan.packages[0].spec.policy_requires_approval, Some(true));
    let waits: Vec<_> = plan.packages[0]
        .adds_waiting_for_approval()
        .map(|i| i.person.to_string())
        .collect();
    assert_eq!(waits, [alan.to_string()]);
    let warned: Vec<_> = plan.warnings().map(|(_, w)| w.clone()).collect();
    assert_eq!(warned, [Warning::AddsWaitForApproval { adds: 1 }]);
    let waiting = plan.apply(&client).run().await.unwrap();
    assert!(waiting.is_success(), "{waiting:?}");
    fake.settle();
    let state_of = |who: &ObjectId| {
        fake.assignment_requests()
            .into_iter()
            .find(|r| r.target_object_id.as_ref() == Some(who))
            .map(|r| r.state)
    };
    assert_eq!(state_of(&ada), Some(RequestState::Delivered));
    assert_eq!(state_of(&alan), Some(RequestState::PendingApproval));
}
