//! A stored plan is applied exactly as reviewed, and nothing an edit can
//! put in it gets written (issue 20, 3), on FakeGraph: a plan changed after
//! planning is refused as edited unless the caller opts in, and then every
//! item is checked with planning's rules — a removal of another package's
//! assignment, of another person's, of a person the source lists, under
//! scope `none`, or past the cap; an add for someone not desired or
//! already holding the package — each refused with zero writes, naming
//! the item, the package and the rule.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use entra_access::models::{
    AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentState, ObjectId,
};
use entra_access::Client;
use entra_access_fake::{
    AccessPackageSeed, AssignmentSeed, FakeGraph, GroupSeed, PolicySeed, UserSeed,
};
use entra_access_ops::{Action, Person, Plan, PlanItem, Reason, Refusal, RemovalScope};

struct Tenant {
    fake: FakeGraph,
    client: Client,
    pkg: AccessPackageId,
    direct: AssignmentPolicyId,
    other_policy: AssignmentPolicyId,
    /// u[0]..u[5].
    u: Vec<ObjectId>,
    team: ObjectId,
    /// u2's assignment of Marketing (u2 is in Team).
    u2_assignment: AssignmentId,
    /// u3's assignment of Marketing (u3 is not in Team: reconcile removes it).
    u3_assignment: AssignmentId,
    /// u4's assignment of another package, Sales.
    sales_assignment: AssignmentId,
}

/// Marketing ("Direct", and "Members"); Team = u1, u2. Marketing: u2 and
/// u3 delivered under Direct, u5 under Members. Sales: u4 delivered.
async fn tenant() -> Tenant {
    let fake = FakeGraph::builder().seed(3).manual_progress().start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
    let direct = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let other_policy = fake.add_policy(PolicySeed::new("Members", &pkg));
    let sales = fake.add_access_package(AccessPackageSeed::new("Sales"));
    let sales_policy = fake.add_policy(PolicySeed::new("Direct", &sales));
    let u: Vec<ObjectId> = (0..6)
        .map(|i| fake.add_user(UserSeed::new(&format!("User {i}"))))
        .collect();
    let team = fake.add_group(GroupSeed::new("Team").members([&u[1], &u[2]]));
    let holds = |package: &AccessPackageId, policy: &AssignmentPolicyId, user: &ObjectId| {
        fake.add_assignment(
            AssignmentSeed::new(package, policy, user).state(AssignmentState::Delivered),
        )
    };
    let u2_assignment = holds(&pkg, &direct, &u[2]);
    let u3_assignment = holds(&pkg, &direct, &u[3]);
    holds(&pkg, &other_policy, &u[5]);
    let sales_assignment = holds(&sales, &sales_policy, &u[4]);
    let client = fake.client().unwrap();
    Tenant {
        fake,
        client,
        pkg,
        direct,
        other_policy,
        u,
        team,
        u2_assignment,
        u3_assignment,
        sales_assignment,
    }
}

impl Tenant {
    /// The reviewed plan: Team, with reconcile under Direct (add u1,
    /// remove u3, skip u2).
    async fn plan(&self) -> Plan {
        entra_access_ops::BulkAssign::group(&self.client, &self.pkg, &self.direct, &self.team)
            .reconcile(true)
            .plan()
            .await
            .unwrap()
    }

    fn writes(&self) -> usize {
        self.fake
            .received()
            .iter()
            .filter(|r| r.method != "GET")
            .count()
    }
}

/// An item as a tool (or a hand resolving a merge conflict) would append it.
fn removal(person: &ObjectId, assignment: &AssignmentId) -> PlanItem {
    let mut item: PlanItem = serde_json::from_value(serde_json::json!({
        "person": {"user": person.as_str()},
        "action": {"kind": "remove"},
        "assignmentId": assignment.as_str(),
    }))
    .unwrap();
    item.reason = Some(Reason::NotDesired { policy: None });
    item
}

fn add(person: &ObjectId) -> PlanItem {
    serde_json::from_value(serde_json::json!({
        "person": {"user": person.as_str()},
        "action": {"kind": "add"},
    }))
    .unwrap()
}

/// Applies `plan` with the opt-in for edited plans and returns the refusal;
/// asserts that nothing was written.
async fn refused(t: &Tenant, plan: Plan) -> (Refusal, String) {
    let writes = t.writes();
    let err = plan
        .apply(&t.client)
        .allow_edited()
        .run()
        .await
        .expect_err("the edited plan must be refused");
    assert_eq!(t.writes(), writes, "refused, yet something was written");
    let text = err.to_string();
    assert!(text.contains("nothing was written"), "{text}");
    (Refusal::of(&err).cloned().expect("a refusal"), text)
}

fn rule_of(refusal: &Refusal) -> &str {
    match refusal {
        Refusal::ItemRefused { rule, .. } => rule,
        other => panic!("not an item refusal: {other:?}"),
    }
}

#[tokio::test]
async fn a_plan_changed_after_planning_is_refused_as_edited_unless_asked() {
    let t = tenant().await;
    let mut plan = t.plan().await;
    assert!(!plan.is_edited());
    plan.packages[0]
        .items
        .push(removal(&t.u[4], &t.sales_assignment));
    assert!(plan.is_edited());
    let json = plan.to_json();
    let read = Plan::from_json(&json).unwrap();
    let received = t.fake.received().len();
    for attempt in [plan.clone(), read] {
        let err = attempt.apply(&t.client).run().await.unwrap_err();
        assert!(err.is_invalid_input(), "{err:?}");
        assert!(
            matches!(Refusal::of(&err), Some(Refusal::EditedPlan { .. })),
            "{err}"
        );
        assert!(err.to_string().contains("allow_edited"), "{err}");
    }
    let err = plan.apply(&t.client).check().await.unwrap_err();
    assert!(matches!(
        Refusal::of(&err),
        Some(Refusal::EditedPlan { .. })
    ));
    assert_eq!(t.fake.received().len(), received, "refused before any call");
}

#[tokio::test]
async fn an_edited_removal_of_another_packages_assignment_is_refused() {
    let t = tenant().await;
    let mut plan = t.plan().await;
    plan.packages[0]
        .items
        .push(removal(&t.u[4], &t.sales_assignment));
    let (refusal, text) = refused(&t, plan).await;
    let Refusal::ItemRefused {
        package,
        person,
        action,
        rule,
    } = &refusal
    else {
        panic!("{refusal:?}")
    };
    assert_eq!(package, t.pkg.as_str());
    assert_eq!(person, t.u[4].as_str());
    assert_eq!(*action, "removal");
    assert!(rule.contains("not an assignment of this package"), "{rule}");
    assert!(text.contains(t.sales_assignment.as_str()), "{text}");
}

#[tokio::test]
async fn an_edited_removal_of_another_persons_assignment_is_refused() {
    let t = tenant().await;
    let mut plan = t.plan().await;
    // u3's removal now names u2's assignment (adminRemove names only the
    // assignment: it would have removed u2).
    for item in &mut plan.packages[0].items {
        if item.action == Action::Remove {
            item.assignment_id = Some(t.u2_assignment.clone());
        }
    }
    let (refusal, _) = refused(&t, plan).await;
    assert!(rule_of(&refusal).contains("held by"), "{refusal:?}");
}

#[tokio::test]
async fn an_edited_removal_of_a_person_the_source_lists_is_refused() {
    let t = tenant().await;
    // A users list: u2 is listed, so never removed.
    let mut plan =
        entra_access_ops::BulkAssign::users(&t.client, &t.pkg, &t.direct, [&t.u[1], &t.u[2]])
            .reconcile(true)
            .plan()
            .await
            .unwrap();
    plan.packages[0]
        .items
        .push(removal(&t.u[2], &t.u2_assignment));
    let (refusal, _) = refused(&t, plan).await;
    assert!(rule_of(&refusal).contains("source lists"), "{refusal:?}");

    // A group: u2 is a member now, and their own item is gone too.
    let mut plan = t.plan().await;
    let items = &mut plan.packages[0].items;
    items.retain(|i| i.person != Person::User(t.u[2].clone()));
    items.push(removal(&t.u[2], &t.u2_assignment));
    let (refusal, _) = refused(&t, plan).await;
    assert!(rule_of(&refusal).contains("holds now"), "{refusal:?}");
}

#[tokio::test]
async fn an_edited_removal_under_scope_none_is_refused() {
    let t = tenant().await;
    let mut plan = entra_access_ops::BulkAssign::group(&t.client, &t.pkg, &t.direct, &t.team)
        .plan()
        .await
        .unwrap();
    assert_eq!(plan.packages[0].spec.removal_scope, RemovalScope::None);
    plan.packages[0]
        .items
        .push(removal(&t.u[3], &t.u3_assignment));
    let (refusal, _) = refused(&t, plan).await;
    assert!(
        rule_of(&refusal).contains("removal scope is none"),
        "{refusal:?}"
    );
}

/// 200 removals written into a plan whose cap is 50: refused as a whole,
/// before any write (the scope was widened by the same edit).
#[tokio::test]
async fn an_edited_plan_with_200_removals_past_a_cap_of_50_is_refused() {
    let t = tenant().await;
    let leavers: Vec<(ObjectId, AssignmentId)> = (0..200)
        .map(|i| {
            let user = t.fake.add_user(UserSeed::new(&format!("Leaver {i}")));
            let a = t.fake.add_assignment(
                AssignmentSeed::new(&t.pkg, &t.other_policy, &user)
                    .state(AssignmentState::Delivered),
            );
            (user, a)
        })
        .collect();
    let mut plan = t.plan().await;
    let package = &mut plan.packages[0];
    assert_eq!(package.spec.max_removals, 50);
    assert_eq!(
        package.count(&Action::Remove),
        1,
        "u3 only: the 200 are under Members"
    );
    package.spec.removal_scope = RemovalScope::All;
    for (user, a) in &leavers {
        package.items.push(removal(user, a));
    }
    let (refusal, text) = refused(&t, plan).await;
    assert_eq!(
        refusal,
        Refusal::TooManyRemovals {
            package: t.pkg.to_string(),
            planned: 201,
            cap: 50
        }
    );
    assert!(text.contains("max_removals"), "{text}");
}

#[tokio::test]
async fn edited_adds_for_someone_not_desired_or_already_holding_are_refused() {
    let t = tenant().await;
    let mut plan = t.plan().await;
    plan.packages[0].items.push(add(&t.u[0]));
    let (refusal, _) = refused(&t, plan).await;
    assert!(
        rule_of(&refusal).contains("does not hold now"),
        "{refusal:?}"
    );

    let mut plan = t.plan().await;
    for item in &mut plan.packages[0].items {
        if item.person == Person::User(t.u[2].clone()) {
            item.action = Action::Add;
        }
    }
    let (refusal, _) = refused(&t, plan).await;
    assert!(rule_of(&refusal).contains("already holds"), "{refusal:?}");

    let mut plan = t.plan().await;
    let first_add = plan.packages[0].adds().next().unwrap().clone();
    plan.packages[0].items.push(first_add);
    let (refusal, _) = refused(&t, plan).await;
    assert!(rule_of(&refusal).contains("second time"), "{refusal:?}");
}

/// The opt-in applies an edited plan whose every item still passes: here
/// one that drops the removal.
#[tokio::test]
async fn an_edited_plan_that_passes_every_check_applies_with_the_opt_in() {
    let t = tenant().await;
    let mut plan = t.plan().await;
    plan.packages[0]
        .items
        .retain(|i| i.action != Action::Remove);
    let report = plan.apply(&t.client).allow_edited().run().await.unwrap();
    let totals = report.totals();
    assert_eq!((totals.created, totals.removed), (1, 0), "{report:#?}");
    assert_eq!(t.fake.assignment_request_posts(), 1);
}

/// Two plans of one package in one plan would each undo the other: refused
/// when made and when applied.
#[tokio::test]
async fn two_plans_of_one_package_are_refused() {
    let t = tenant().await;
    let plan = t.plan().await;
    let twice = vec![plan.packages[0].clone(), plan.packages[0].clone()];
    let err = Plan::new(plan.base_url.clone(), plan.created_at, twice.clone()).unwrap_err();
    assert!(matches!(
        Refusal::of(&err),
        Some(Refusal::DuplicatePackage { .. })
    ));
    let mut edited = plan;
    edited.packages = twice;
    let err = edited
        .apply(&t.client)
        .allow_edited()
        .run()
        .await
        .unwrap_err();
    assert!(
        matches!(Refusal::of(&err), Some(Refusal::DuplicatePackage { .. })),
        "{err}"
    );
    assert_eq!(t.writes(), 0);
}
