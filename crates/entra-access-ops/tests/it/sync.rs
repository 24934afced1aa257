//! Desired state (`ops::sync`) on FakeGraph: plans equal the set
//! differences computed here, plan → apply → plan is empty, stale plans are
//! refused without writing, removal scopes and caps hold, plans round-trip
//! through JSON, and every bad input is refused before anything is sent —
//! all on the one plan type and engine a bulk run uses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use entra_access::models::{
    AccessPackageId, AllowedTargetScope, AssignmentId, AssignmentPolicyId, AssignmentState,
    ObjectId, RequestState, RequestType,
};
use entra_access::ErrorKind;
use entra_access_fake::{
    AccessPackageSeed, AssignmentSeed, DeviceSeed, FakeGraph, GroupSeed, PolicySeed, RequestSeed,
    UserSeed,
};
use entra_access_ops::sync::{self, DesiredState};
use entra_access_ops::{
    Action, EntryRef, Outcome, Person, Plan, Refusal, RemovalScope, ReportReason, SkipReason,
    Warning,
};

/// The tenant every test starts from.
struct Tenant {
    fake: FakeGraph,
    pkg: AccessPackageId,
    direct: AssignmentPolicyId,
    other: AssignmentPolicyId,
    /// u[0]..u[8]; u[i] has the principal name `u{i}@contoso.example`.
    u: Vec<ObjectId>,
    team: ObjectId,
    u4_assignment: AssignmentId,
}

/// Marketing has two policies: "Direct" (anyone, e-mails too) and "Members"
/// (member users only). Team = u1, u2 and the nested group Interns (u3, a
/// device). Assignments: u2, u4, u6 delivered under Direct, u5 delivered
/// under Members; u6 has an open removal; u7 an open add request pending
/// approval.
async fn tenant() -> Tenant {
    let fake = FakeGraph::builder()
        .seed(13)
        .manual_progress()
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
    let direct = fake.add_policy(
        PolicySeed::new("Direct", &pkg).allowed_target_scope(AllowedTargetScope::NotSpecified),
    );
    let other = fake.add_policy(
        PolicySeed::new("Members", &pkg).allowed_target_scope(AllowedTargetScope::AllMemberUsers),
    );
    let u: Vec<ObjectId> = (0..9)
        .map(|i| {
            fake.add_user(
                UserSeed::new(&format!("User {i}"))
                    .user_principal_name(&format!("u{i}@contoso.example")),
            )
        })
        .collect();
    let kiosk = fake.add_device(DeviceSeed::new("Kiosk"));
    let interns = fake.add_group(GroupSeed::new("Interns").members([&u[3], &kiosk]));
    let team = fake.add_group(GroupSeed::new("Team").members([&u[1], &u[2], &interns]));
    let assign = |user: &ObjectId, policy: &AssignmentPolicyId| {
        fake.add_assignment(
            AssignmentSeed::new(&pkg, policy, user).state(AssignmentState::Delivered),
        )
    };
    assign(&u[2], &direct);
    let u4_assignment = assign(&u[4], &direct);
    assign(&u[5], &other);
    let u6 = assign(&u[6], &direct);
    fake.add_request(
        RequestSeed::new(RequestType::AdminRemove, &pkg, &direct, &u[6])
            .assignment(&u6)
            .state(RequestState::Submitted),
    );
    fake.add_request(
        RequestSeed::new(RequestType::AdminAdd, &pkg, &direct, &u[7])
            .state(RequestState::PendingApproval),
    );
    Tenant {
        fake,
        pkg,
        direct,
        other,
        u,
        team,
        u4_assignment,
    }
}

/// Desired: u1 by principal name, u8 by object id, Team (u1, u2, u3), one e-mail.
fn config(t: &Tenant, extra: &str) -> String {
    format!(
        "[defaults]\njustification = \"managed by access.toml\"\n\n[[package]]\nname = \"Marketing\"\n\
         policy = \"Direct\"\nusers = [\"u1@contoso.example\", \"{}\"]\ngroups = [\"{}\"]\n\
         emails = [\"ana@fabrikam.example\"]\n{extra}",
        t.u[8], t.team
    )
}

fn desired(t: &Tenant, extra: &str) -> DesiredState {
    DesiredState::from_toml_str(&config(t, extra)).unwrap()
}

fn targets(plan: &Plan, action: Action) -> BTreeSet<String> {
    plan.items()
        .filter(|(_, i)| i.action == action)
        .map(|(_, i)| i.person.to_string())
        .collect()
}

/// The refusal an error carries (panics when it carries none).
fn refusal(e: &entra_access::Error) -> &Refusal {
    Refusal::of(e).unwrap_or_else(|| panic!("not a refusal: {e:?}"))
}

fn posts(t: &Tenant) -> usize {
    t.fake.assignment_request_posts()
}

#[tokio::test]
async fn plan_equals_the_set_differences_of_the_fakes_state() {
    let t = tenant().await;
    let plan = sync::plan(&t.fake.client().unwrap(), &desired(&t, ""))
        .await
        .unwrap();

    // Computed here, from the fake's own state and the file.
    let desired: BTreeSet<String> = [&t.u[1], &t.u[8], &t.u[1], &t.u[2], &t.u[3]]
        .iter()
        .map(ToString::to_string)
        .chain(["ana@fabrikam.example".to_owned()])
        .collect();
    let snapshot = t.fake.assignments();
    let live = |s: &AssignmentState| {
        matches!(
            s,
            AssignmentState::Delivered
                | AssignmentState::Delivering
                | AssignmentState::PartiallyDelivered
        )
    };
    let held: BTreeSet<String> = snapshot
        .iter()
        .filter(|a| a.access_package_id == t.pkg && live(&a.state))
        .filter_map(|a| a.target_object_id.as_ref().map(ToString::to_string))
        .collect();
    let requests = t.fake.assignment_requests();
    let open: Vec<_> = requests.iter().filter(|r| r.state.is_open()).collect();
    let open_add: BTreeSet<String> = open
        .iter()
        .filter(|r| r.request_type == RequestType::AdminAdd)
        .filter_map(|r| r.target_object_id.as_ref().map(ToString::to_string))
        .collect();
    let in_flight: BTreeSet<String> = open
        .iter()
        .filter_map(|r| r.target_object_id.as_ref().map(ToString::to_string))
        .collect();
    let held_in_policy: BTreeSet<String> = snapshot
        .iter()
        .filter(|a| {
            a.access_package_id == t.pkg && live(&a.state) && a.assignment_policy_id == t.direct
        })
        .filter_map(|a| a.target_object_id.as_ref().map(ToString::to_string))
        .collect();

    let want_adds: BTreeSet<String> = desired
        .iter()
        .filter(|d| !held.contains(*d) && !open_add.contains(*d))
        .cloned()
        .collect();
    let want_removals: BTreeSet<String> = held_in_policy
        .iter()
        .filter(|h| !desired.contains(*h) && !in_flight.contains(*h))
        .cloned()
        .collect();

    assert_eq!(targets(&plan, Action::Add), want_adds);
    assert_eq!(targets(&plan, Action::Remove), want_removals);
    // And the values themselves, so the test cannot agree with a wrong fake.
    assert_eq!(want_adds.len(), 4, "u1, u3, u8, ana: {want_adds:?}");
    assert_eq!(want_removals, BTreeSet::from([t.u[4].to_string()]));
    let pkg = &plan.packages[0];
    assert_eq!(
        targets(&plan, Action::Skip(SkipReason::AlreadyDelivered)),
        BTreeSet::from([t.u[2].to_string()]),
        "the one desired holder"
    );
    let totals = plan.totals();
    assert_eq!(
        (totals.to_add, totals.to_remove, totals.skipped),
        (4, 1, 3),
        "{totals:?}"
    );
    let removal = pkg.removals().next().unwrap();
    assert_eq!(removal.assignment_id.as_ref(), Some(&t.u4_assignment));
    // u6's removal waits for its open request (skipped with its id); the
    // device is a member, not a user.
    let u6 = pkg
        .items
        .iter()
        .find(|i| i.person == Person::User(t.u[6].clone()))
        .unwrap();
    assert_eq!(
        u6.action,
        Action::Skip(SkipReason::OpenRequest(RequestState::Submitted))
    );
    assert!(u6.request_id.is_some());
    assert!(pkg
        .items
        .iter()
        .any(|i| i.action == Action::Skip(SkipReason::NotAUser("device".into()))));
    assert_eq!(posts(&t), 0, "planning writes nothing");
}

#[tokio::test]
async fn plan_apply_plan_again_is_empty() {
    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let desired = desired(&t, "");
    let plan = sync::plan(&client, &desired).await.unwrap();
    let report = plan
        .clone()
        .apply(&client)
        .concurrency(3)
        .run()
        .await
        .unwrap();
    assert!(report.is_success(), "{report:?}");
    assert!(!report.replanned);
    assert_eq!(report.rows.len(), plan.items().count(), "a row per item");
    let writes: Vec<_> = report.rows.iter().filter(|r| r.action.is_write()).collect();
    assert_eq!(writes.len(), 5);
    assert_eq!(posts(&t), 5);
    let mut planned: Vec<_> = plan.writes().map(|(_, i)| &i.person).collect();
    let mut written: Vec<_> = writes.iter().map(|r| &r.person).collect();
    planned.sort();
    written.sort();
    assert_eq!(written, planned);
    for row in writes {
        assert_eq!(row.outcome, Outcome::Submitted);
        assert!(row.request_id.is_some());
        assert_eq!(row.package_label, "Marketing");
    }
    // The e-mail add went out as an e-mail target, with the justification.
    let requests = t.fake.assignment_requests();
    assert!(requests.iter().any(
        |r| r.target_email.as_deref() == Some("ana@fabrikam.example")
            && r.justification.as_deref() == Some("managed by access.toml")
    ));

    // Requests in flight: nothing more to do.
    let again = sync::plan(&client, &desired).await.unwrap();
    assert!(again.is_empty(), "{:#?}", again.packages[0].items);
    // Delivered: still nothing, and u4 no longer holds the package.
    t.fake.settle();
    let settled = sync::plan(&client, &desired).await.unwrap();
    assert!(settled.is_empty(), "{:#?}", settled.packages[0].items);
    assert_eq!(
        settled.packages[0].count(&Action::Skip(SkipReason::AlreadyDelivered)),
        5
    );
    let u4 = t
        .fake
        .assignments()
        .into_iter()
        .find(|a| a.id == t.u4_assignment)
        .unwrap();
    assert_eq!(u4.state, AssignmentState::Expired);
}

#[tokio::test]
async fn a_stale_plan_is_refused_and_writes_nothing() {
    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let desired = desired(&t, "");
    let plan = sync::plan(&client, &desired).await.unwrap();
    // Out of band: someone assigns u0.
    t.fake.add_assignment(
        AssignmentSeed::new(&t.pkg, &t.direct, &t.u[0]).state(AssignmentState::Delivered),
    );
    let before = t.fake.assignment_requests().len();
    let err = plan.clone().apply(&client).run().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    match refusal(&err) {
        Refusal::StalePlan { changes } => {
            assert_eq!(changes.len(), 1);
            assert_eq!(changes[0].summary, "delivered assignments 4 → 5");
        }
        other => panic!("{other}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("nothing was written") && text.contains("Marketing"),
        "{text}"
    );
    assert_eq!(posts(&t), 0);
    assert_eq!(t.fake.assignment_requests().len(), before);

    // A state change alone (same counts) is caught too.
    let plan = sync::plan(&client, &desired).await.unwrap();
    t.fake.approve(
        &t.fake
            .assignment_requests()
            .iter()
            .find(|r| r.target_object_id.as_ref() == Some(&t.u[7]))
            .unwrap()
            .id
            .clone(),
    );
    let err = plan.apply(&client).run().await.unwrap_err();
    assert!(matches!(refusal(&err), Refusal::StalePlan { .. }), "{err}");
    assert_eq!(posts(&t), 0);
}

#[tokio::test]
async fn replan_if_stale_plans_again_and_says_so() {
    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let desired = desired(&t, "");
    let plan = sync::plan(&client, &desired).await.unwrap();
    t.fake.add_assignment(
        AssignmentSeed::new(&t.pkg, &t.direct, &t.u[8]).state(AssignmentState::Delivered),
    );
    let report = plan.apply(&client).replan_if_stale().run().await.unwrap();
    assert!(report.replanned);
    // u8 holds the package now: one add fewer than the stale plan.
    let writes = report.rows.iter().filter(|r| r.action.is_write()).count();
    assert_eq!(writes, 4, "{report:#?}");
    assert_eq!(
        report.row(t.u[8].as_str()).unwrap().action,
        Action::Skip(SkipReason::AlreadyDelivered)
    );
    let _ = desired;
}

#[tokio::test]
async fn removal_scope_policy_leaves_other_policies_alone_and_all_does_not() {
    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let policy = sync::plan(&client, &desired(&t, "removal = \"policy\""))
        .await
        .unwrap();
    let removed = targets(&policy, Action::Remove);
    assert!(
        !removed.contains(&t.u[5].to_string()),
        "u5 is under Members"
    );
    assert_eq!(removed, BTreeSet::from([t.u[4].to_string()]));

    let all = sync::plan(&client, &desired(&t, "removal = \"all\""))
        .await
        .unwrap();
    assert_eq!(
        targets(&all, Action::Remove),
        BTreeSet::from([t.u[4].to_string(), t.u[5].to_string()])
    );
    let none = sync::plan(&client, &desired(&t, "removal = \"none\""))
        .await
        .unwrap();
    assert!(targets(&none, Action::Remove).is_empty());
    assert_eq!(targets(&none, Action::Add).len(), 4);
    let _ = &t.other;
}

#[tokio::test]
async fn a_plan_above_max_removals_is_refused() {
    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let err = sync::plan(&client, &desired(&t, "removal = \"all\"\nmax_removals = 1"))
        .await
        .unwrap_err();
    assert!(err.is_invalid_input());
    assert_eq!(
        refusal(&err),
        &Refusal::TooManyRemovals {
            package: "Marketing".into(),
            planned: 2,
            cap: 1
        }
    );
    assert!(err.to_string().contains("max_removals"), "{err}");
    // The default's cap applies when the package gives none.
    let text =
        config(&t, "removal = \"all\"").replace("[defaults]", "[defaults]\nmax_removals = 0");
    let err = sync::plan(&client, &DesiredState::from_toml_str(&text).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(refusal(&err), Refusal::TooManyRemovals { cap: 0, .. }),
        "{err}"
    );
    assert_eq!(posts(&t), 0);
}

#[tokio::test]
async fn the_plan_round_trips_through_json_and_foreign_plans_are_refused() {
    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let plan = sync::plan(&client, &desired(&t, "")).await.unwrap();
    let json = plan.to_json();
    let back = Plan::from_json(&json).unwrap();
    assert_eq!(back, plan);
    assert!(!back.is_edited());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["formatVersion"], 2);
    assert_eq!(v["baseUrl"], client.base_url().as_str());
    assert!(v["packages"][0]["observed"]["fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    assert!(v["packages"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["action"]["kind"] == "add"));

    // Another format version.
    let mut v2 = v.clone();
    v2["formatVersion"] = 3.into();
    let err = Plan::from_json(&v2.to_string()).unwrap_err();
    assert_eq!(
        refusal(&err),
        &Refusal::PlanVersion {
            found: 3,
            expected: 2
        }
    );
    // Another base URL.
    let mut elsewhere = back.clone();
    elsewhere.base_url = "https://graph.microsoft.us/".into();
    let err = elsewhere.apply(&client).run().await.unwrap_err();
    assert!(
        matches!(refusal(&err), Refusal::PlanBaseUrl { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("graph.microsoft.us"));
    // Not a plan at all.
    assert_eq!(Plan::from_json("{}").unwrap_err().kind(), ErrorKind::Decode);
    assert_eq!(posts(&t), 0);
}

fn config_err(toml: &str) -> Refusal {
    let e = DesiredState::from_toml_str(toml).unwrap_err();
    assert!(e.is_invalid_input(), "{e:?}");
    refusal(&e).clone()
}

fn entry(index: usize, line: Option<usize>, label: &str) -> EntryRef {
    EntryRef {
        index,
        line,
        label: label.into(),
    }
}

#[test]
fn bad_files_are_refused_with_the_line_or_the_package() {
    let e = config_err("[[package]]\nname = \"A\"\nuser = [\"x@y.z\"]\n");
    assert!(
        matches!(e, Refusal::FileSyntax { line: Some(3), .. }),
        "{e}"
    );
    assert!(e.explain().contains("unknown field `user`"), "{e}");
    assert!(e.explain().contains("line 3"), "{e}");

    let e = config_err("[defaults]\nremoval = \"some\"\n");
    assert!(
        matches!(e, Refusal::FileSyntax { line: Some(2), .. }),
        "{e}"
    );

    let e = config_err("[[package]]\nname = \"A\"\n\n[[package]]\nname = \"a\"\n");
    assert_eq!(
        e,
        Refusal::DuplicatePackage {
            package: "a".into(),
            first: entry(1, Some(1), "A"),
            second: entry(2, Some(4), "a"),
        }
    );
    assert!(e.explain().contains("line 4"), "{}", e.explain());
    let e = config_err("[[package]]\nid = \"p1\"\n[[package]]\nid = \"p1\"\n");
    assert!(matches!(e, Refusal::DuplicatePackage { .. }), "{e}");

    let e = config_err("[[package]]\nname = \"A\"\nid = \"p1\"\n");
    assert_eq!(
        e,
        Refusal::NameAndId {
            entry: entry(1, Some(1), "A")
        }
    );
    let e = config_err("[[package]]\nname = \"A\"\n[[package]]\nusers = []\n");
    assert_eq!(
        e,
        Refusal::NoNameOrId {
            entry: entry(2, Some(3), "")
        }
    );

    let e = config_err("[[package]]\nname = \"A\"\nmax_removals = -1\n");
    assert!(
        matches!(e, Refusal::FileSyntax { line: Some(3), .. }),
        "{e}"
    );
    assert!(e.explain().contains("0 or more, not -1"), "{e}");
    let e = config_err("[defaults]\nmax_removals = -5\n");
    assert!(
        e.explain().contains("not -5") && e.explain().contains("line 2"),
        "{e}"
    );

    let e = config_err("[defaults]\nduration = \"P1Y\"\n");
    assert!(
        matches!(e, Refusal::FileSyntax { line: Some(2), .. }),
        "{e}"
    );
    assert!(e.explain().contains("\"P1Y\""), "{e}");
    let e = config_err("[defaults]\nduration = \"P30D\"\nend = \"2030-01-01T00:00:00Z\"\n");
    assert!(matches!(e, Refusal::FileValue { field: "end", .. }), "{e}");
    let e = config_err("[defaults]\nend = \"tomorrow\"\n");
    assert!(
        matches!(e, Refusal::FileSyntax { line: Some(2), .. }),
        "{e}"
    );

    let e = config_err("[[package]]\nname = \"A\"\nemails = [\"not-an-address\"]\n");
    assert!(
        e.explain().contains("package \"A\"") && e.explain().contains("emails"),
        "{e}"
    );
    let e = config_err("[[package]]\nname = \"A\"\ngroups = [\"a/b\"]\n");
    assert!(
        matches!(
            e,
            Refusal::FileValue {
                field: "groups",
                ..
            }
        ),
        "{e}"
    );
    let e = config_err("[[package]]\nname = \"A\"\nusers = [\"has space\"]\n");
    assert!(
        matches!(e, Refusal::FileValue { field: "users", .. }),
        "{e}"
    );
}

#[test]
fn json_has_the_same_schema_and_the_same_refusals() {
    let ok = DesiredState::from_json_str(
        r#"{"defaults": {"removal": "none", "duration": "P30D"},
            "package": [{"id": "p1", "users": ["a@b.c"], "max_removals": 3}]}"#,
    )
    .unwrap();
    let toml = DesiredState::from_toml_str(
        "[defaults]\nremoval = \"none\"\nduration = \"P30D\"\n[[package]]\nid = \"p1\"\nusers = [\"a@b.c\"]\nmax_removals = 3\n",
    )
    .unwrap();
    assert_eq!(ok, toml);

    let e = DesiredState::from_json_str("{\"package\": [{\"name\": \"A\",\n \"colour\": 1}]}")
        .unwrap_err();
    match refusal(&e) {
        Refusal::FileSyntax {
            format: "JSON",
            line: Some(2),
            message,
            ..
        } => {
            assert!(
                message.contains("package[0]") && message.contains("colour"),
                "{message}"
            );
        }
        other => panic!("{other}"),
    }
    let e = DesiredState::from_json_str(r#"{"package": [{"name": "A", "max_removals": -2}]}"#)
        .unwrap_err();
    assert!(e.to_string().contains("not -2"), "{e}");
    let e =
        DesiredState::from_json_str(r#"{"package": [{"name": "A"}, {"name": "A"}]}"#).unwrap_err();
    // JSON has no lines: the entries are named by position, and the message
    // says the line is unknown.
    assert_eq!(
        refusal(&e),
        &Refusal::DuplicatePackage {
            package: "A".into(),
            first: entry(1, None, "A"),
            second: entry(2, None, "A"),
        }
    );
    assert!(e.to_string().contains("line unknown"), "{e}");
}

#[tokio::test]
async fn names_that_do_not_resolve_are_errors_before_anything_is_written() {
    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let plan = |text: String| {
        let client = client.clone();
        async move { sync::plan(&client, &DesiredState::from_toml_str(&text).unwrap()).await }
    };

    let e = plan(config(&t, "").replace("u1@contoso.example", "nobody@contoso.example"))
        .await
        .unwrap_err();
    assert!(
        matches!(refusal(&e), Refusal::UnknownUser { user, .. } if user == "nobody@contoso.example"),
        "{e}"
    );

    let e = plan("[[package]]\nname = \"Nope\"\nusers = [\"u1@contoso.example\"]\n".into())
        .await
        .unwrap_err();
    assert!(
        matches!(refusal(&e), Refusal::PackageNotFound { .. }),
        "{e}"
    );
    assert!(e.is_invalid_input());

    t.fake.add_access_package(AccessPackageSeed::new("Twins"));
    t.fake.add_access_package(AccessPackageSeed::new("Twins"));
    let e = plan("[[package]]\nname = \"Twins\"\nremoval = \"none\"\n".into())
        .await
        .unwrap_err();
    assert!(
        matches!(refusal(&e), Refusal::AmbiguousPackage { ids, .. } if ids.len() == 2),
        "{e}"
    );
    assert_eq!(e.kind(), ErrorKind::Ambiguous);

    // Two policies and none named.
    let e = plan(config(&t, "").replace("policy = \"Direct\"\n", ""))
        .await
        .unwrap_err();
    assert!(matches!(refusal(&e), Refusal::Policy { .. }), "{e}");
    assert!(
        e.to_string().contains("Direct") && e.to_string().contains("Members"),
        "{e}"
    );
    let e = plan(config(&t, "").replace("policy = \"Direct\"", "policy = \"Gone\""))
        .await
        .unwrap_err();
    assert!(matches!(refusal(&e), Refusal::Policy { .. }), "{e}");

    // Nobody desired while removals are on.
    let e = plan("[[package]]\nname = \"Marketing\"\npolicy = \"Direct\"\n".into())
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&e),
        &Refusal::EmptySource {
            package: "Marketing".into(),
            removal: RemovalScope::Policy
        }
    );

    // A missing group: an error with removals on, a warning without.
    let missing = "ffffffff-0000-4000-8000-000000000000";
    let e = plan(config(&t, "").replace(&t.team.to_string(), missing))
        .await
        .unwrap_err();
    assert!(matches!(refusal(&e), Refusal::MissingGroup { .. }), "{e}");
    let ok = plan(config(&t, "removal = \"none\"").replace(&t.team.to_string(), missing))
        .await
        .unwrap();
    assert!(ok.packages[0]
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::GroupNotFound { .. })));

    assert_eq!(posts(&t), 0);
}

#[tokio::test]
async fn an_email_the_policy_cannot_take_is_a_warning_not_an_add() {
    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let text =
        config(&t, "removal = \"none\"").replace("policy = \"Direct\"", "policy = \"Members\"");
    let plan = sync::plan(&client, &DesiredState::from_toml_str(&text).unwrap())
        .await
        .unwrap();
    assert!(!targets(&plan, Action::Add).contains("ana@fabrikam.example"));
    let ana = plan.packages[0]
        .items
        .iter()
        .find(|i| i.person == Person::Email("ana@fabrikam.example".into()))
        .unwrap();
    assert_eq!(
        ana.action,
        Action::Report(ReportReason::EmailNotAllowed("allMemberUsers".into()))
    );
    assert_eq!(plan.packages[0].spec.policy, t.other);
}

/// A lost answer is looked up, not sent again: the add whose answer was
/// cut short is found; the one refused with a 500 before Graph made
/// anything fails its row (a later run does it) instead of being re-sent
/// (before, a sync re-sent it at once, and a request Graph had made but not
/// listed yet reached the approvers twice).
#[tokio::test]
async fn lost_answers_are_looked_up_and_nothing_is_requested_twice() {
    use entra_access_fake::Fault;
    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let plan = sync::plan(&client, &desired(&t, "")).await.unwrap();
    let before = t.fake.assignment_requests().len();
    // The first add is processed but its answer is cut short; the next one
    // fails with a 500 without being processed.
    let path = "/v1.0/identityGovernance/entitlementManagement/assignmentRequests";
    t.fake
        .inject(Fault::truncated().on_method("POST").on_path(path));
    t.fake.inject(
        Fault::status(500, "InternalServerError")
            .on_method("POST")
            .on_path(path),
    );
    let report = plan
        .clone()
        .apply(&client)
        .concurrency(1)
        .run()
        .await
        .unwrap();
    let failed: Vec<_> = report.failures().collect();
    assert_eq!(failed.len(), 1, "{report:#?}");
    assert_eq!(failed[0].http_status, Some(500));
    assert!(
        failed[0]
            .error_message
            .as_deref()
            .unwrap()
            .contains("may have been processed"),
        "{:?}",
        failed[0]
    );
    let writes: Vec<_> = report.rows.iter().filter(|r| r.action.is_write()).collect();
    assert!(writes
        .iter()
        .filter(|r| r.outcome != Outcome::Failed)
        .all(|r| r.outcome == Outcome::Submitted && r.request_id.is_some()));

    let created: Vec<_> = t
        .fake
        .assignment_requests()
        .into_iter()
        .skip(before)
        .collect();
    let totals = plan.totals();
    assert_eq!(
        created.len(),
        totals.to_add + totals.to_remove - 1,
        "{created:#?}"
    );
    let mut targets: Vec<String> = created
        .iter()
        .map(|r| {
            r.target_object_id
                .as_ref()
                .map(ToString::to_string)
                .or(r.target_email.clone())
                .unwrap()
        })
        .collect();
    targets.sort();
    targets.dedup();
    assert_eq!(targets.len(), created.len(), "one request per person");
    // Both faults fired: one POST more than requests created (the 500).
    assert_eq!(t.fake.assignment_request_posts(), created.len() + 1);

    // A later run does the one left, and nothing twice.
    let again = sync::plan(&client, &desired(&t, "")).await.unwrap();
    assert_eq!(again.writes().count(), 1, "{:#?}", again.packages[0].items);
    let report = again.apply(&client).run().await.unwrap();
    assert!(report.is_success(), "{report:#?}");
    assert_eq!(
        t.fake.assignment_requests().len() - before,
        totals.to_add + totals.to_remove
    );
}

#[test]
fn the_planner_is_pure_and_matches_e_mails_ignoring_case() {
    use entra_access::models::{Assignment, AssignmentRequest};
    use entra_access_ops::{
        plan_package, AssignmentFact, MemberFact, PackageFacts, PackageSpec, Reason, RequestFact,
        Source,
    };
    let assignment = |id: &str, target: serde_json::Value, policy: &str| {
        let a: Assignment = serde_json::from_value(serde_json::json!({
            "id": id, "state": "delivered", "target": target, "assignmentPolicy": {"id": policy}
        }))
        .unwrap();
        AssignmentFact::from_assignment(&a)
    };
    let mut spec = PackageSpec::new("pkg", "pol", Source::users(["kim"]));
    spec.source.emails = vec!["Ana@Fabrikam.example".into()];
    spec.removal_scope = RemovalScope::All;
    let members = vec![
        MemberFact::email("Ana@Fabrikam.example"),
        MemberFact::user("kim", None).because(Reason::ListedUser {
            listed_as: "kim".into(),
        }),
    ];
    let mut facts = PackageFacts::new("pkg");
    facts.assignments = vec![
        // Ana, delivered as a guest: matched by e-mail.
        assignment(
            "as-ana",
            serde_json::json!({"objectId": "guest-ana", "email": "ana@fabrikam.example"}),
            "pol",
        ),
        assignment(
            "as-lee",
            serde_json::json!({"objectId": "lee"}),
            "other-pol",
        ),
    ];
    // Kim has an open add request through the requestor only.
    let r: AssignmentRequest = serde_json::from_value(serde_json::json!({
        "id": "rq-kim", "requestType": "userAdd", "state": "pendingApproval",
        "requestor": {"objectId": "kim"}
    }))
    .unwrap();
    facts.open_requests = vec![RequestFact::from_request(&r)];

    let p = plan_package(&spec, &members, &facts).unwrap();
    let skips = p
        .items
        .iter()
        .filter(|i| matches!(i.action, Action::Skip(_)))
        .count();
    assert_eq!(skips, 2, "Ana holds it, Kim asked for it: {p:#?}");
    let removed: Vec<String> = p.removals().map(|a| a.person.to_string()).collect();
    assert_eq!(removed, ["lee"], "scope all removes under any policy");
    assert_eq!(p.adds().count(), 0);
}

/// A bulk plan and a desired-state plan are one type: one fingerprint, one
/// removal scope and cap, refused alike once stale.
#[tokio::test]
async fn bulk_and_sync_plans_share_one_fingerprint_and_one_removal_scope() {
    use entra_access_ops as ops;

    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let synced = sync::plan(&client, &desired(&t, "")).await.unwrap();
    let bulk = entra_access_ops::BulkAssign::users(&client, &t.pkg, &t.direct, [&t.u[1]])
        .plan()
        .await
        .unwrap();
    assert_eq!(synced.packages[0].observed, bulk.packages[0].observed);
    // One type and one constant, shared with bulk runs.
    let scope: ops::RemovalScope = synced.packages[0].spec.removal_scope;
    assert_eq!(scope, ops::RemovalScope::Policy);
    assert_eq!(
        synced.packages[0].spec.max_removals,
        ops::DEFAULT_MAX_REMOVALS
    );

    // The same out-of-band change makes both stale, described alike.
    t.fake.add_assignment(
        AssignmentSeed::new(&t.pkg, &t.direct, &t.u[0]).state(AssignmentState::Delivered),
    );
    let sync_err = synced.apply(&client).run().await.unwrap_err();
    let bulk_err = bulk.apply(&client).run().await.unwrap_err();
    assert_eq!(sync_err.kind(), bulk_err.kind());
    let summaries = |e: &entra_access::Error| match refusal(e) {
        Refusal::StalePlan { changes } => changes
            .iter()
            .map(|c| (c.access_package.clone(), c.summary.clone()))
            .collect::<Vec<_>>(),
        other => panic!("{other}"),
    };
    assert_eq!(summaries(&sync_err), summaries(&bulk_err));
    assert_eq!(posts(&t), 0);
}

/// Approval intent in the file (issue 21): under a policy that requires
/// approval, a plan says which adds will wait for the approvers (a warning
/// and `adds_waiting_for_approval`); `approval = "require"` sends
/// `parameters.bypassApproval: false` and the add waits in
/// `pendingApproval`; `approval = "bypass"` sends `true`, the plan shows no
/// waiting add, and the add is delivered.
#[tokio::test]
async fn approval_in_the_file_is_sent_and_the_plan_says_which_adds_wait() {
    use entra_access_ops::Approval;

    let fake = FakeGraph::builder()
        .seed(21)
        .manual_progress()
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Travel"));
    let approver = fake.add_user(UserSeed::new("Grace Approver"));
    fake.add_policy(PolicySeed::new("Manager approves", &pkg).approval_stage([&approver]));
    let ada = fake.add_user(UserSeed::new("Ada"));
    let alan = fake.add_user(UserSeed::new("Alan"));
    let client = fake.client().unwrap();
    let file = |user: &ObjectId, approval: &str| {
        DesiredState::from_toml_str(&format!(
            "[[package]]\nname = \"Travel\"\nusers = [\"{user}\"]\n{approval}"
        ))
        .unwrap()
    };

    // Nothing said: the policy decides, and the plan says the add waits.
    let plan = sync::plan(&client, &file(&ada, "")).await.unwrap();
    assert_eq!(plan.packages[0].spec.approval, None);
    assert_eq!(plan.packages[0].adds_waiting_for_approval().count(), 1);
    let warned: Vec<_> = plan.warnings().map(|(_, w)| w.clone()).collect();
    assert_eq!(warned, [Warning::AddsWaitForApproval { adds: 1 }]);

    // "require": sent as false; the add waits for the approver.
    let plan = sync::plan(&client, &file(&ada, "approval = \"require\""))
        .await
        .unwrap();
    assert_eq!(plan.packages[0].spec.approval, Some(Approval::Require));
    assert_eq!(plan.packages[0].adds_waiting_for_approval().count(), 1);
    let report = plan.apply(&client).run().await.unwrap();
    let ada_request = report.rows[0].request_id.clone().unwrap();
    fake.settle();
    let read = client
        .assignment_requests()
        .get(ada_request)
        .send()
        .await
        .unwrap();
    assert_eq!(read.state, Some(RequestState::PendingApproval));
    assert_eq!(read.parameters.unwrap().bypass_approval, Some(false));

    // "bypass": sent as true; no add waits, and it is delivered.
    let plan = sync::plan(&client, &file(&alan, "approval = \"bypass\""))
        .await
        .unwrap();
    assert_eq!(plan.packages[0].adds().count(), 1);
    assert_eq!(plan.packages[0].adds_waiting_for_approval().count(), 0);
    assert_eq!(plan.warnings().count(), 0);
    let report = plan.apply(&client).run().await.unwrap();
    let alan_request = report.rows[0].request_id.clone().unwrap();
    fake.settle();
    let read = client
        .assignment_requests()
        .get(alan_request)
        .send()
        .await
        .unwrap();
    assert_eq!(read.state, Some(RequestState::Delivered));
    assert_eq!(read.parameters.unwrap().bypass_approval, Some(true));

    // A value the file may not hold is refused when read.
    let err = DesiredState::from_toml_str(
        "[[package]]\nname = \"Travel\"\nusers = [\"u\"]\napproval = \"skip\"\n",
    )
    .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("line 4") && msg.contains("expected `require` or `bypass`"),
        "{msg}"
    );
}
