//! Lists that read `$top` as a total (FakeGraph's `top_as_total` mode: the
//! first `$top` items in one page, no next link, as some Graph lists do):
//! listings, bulk plans and reports over 2,500 assignments still see every
//! one, because the client lists such an endpoint again without `$top`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use entra_access::api::CatalogRef;
use entra_access::models::{AccessPackageId, AssignmentPolicyId, AssignmentState, ObjectId};
use entra_access_fake::{
    AccessPackageSeed, AssignmentSeed, CatalogSeed, FakeGraph, GroupSeed, PolicySeed, UserSeed,
};
use entra_access_ops::{Action, RemovalScope};
use futures::TryStreamExt;

/// More than two pages of 999 (Graph's largest page).
const ASSIGNED: usize = 2_500;
/// Group members without an assignment (the plan's adds).
const UNASSIGNED: usize = 40;
/// Assigned people outside the group (the plan's removals).
const OUTSIDE: usize = 30;

struct Tenant {
    fake: FakeGraph,
    pkg: AccessPackageId,
    policy: AssignmentPolicyId,
    group: ObjectId,
    /// Members of the group without an assignment.
    unassigned: BTreeSet<String>,
    /// Assigned people who are not in the group.
    outside: BTreeSet<String>,
}

/// Users 0..UNASSIGNED+ASSIGNED are in the group; the last ASSIGNED of them
/// and OUTSIDE more are assigned (delivered) under one policy.
async fn tenant() -> Tenant {
    let fake = FakeGraph::builder()
        .seed(21)
        .manual_progress()
        .top_as_total(true)
        .start()
        .await;
    let catalog = fake.add_catalog(CatalogSeed::new("Wide"));
    let pkg = fake.add_access_package(AccessPackageSeed::new("Everyone").catalog(&catalog));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let users: Vec<ObjectId> = (0..UNASSIGNED + ASSIGNED + OUTSIDE)
        .map(|i| fake.add_user(UserSeed::new(&format!("User {i}"))))
        .collect();
    let members = &users[..UNASSIGNED + ASSIGNED];
    let group = fake.add_group(GroupSeed::new("All staff").members(members.iter()));
    for user in &users[UNASSIGNED..] {
        fake.add_assignment(
            AssignmentSeed::new(&pkg, &policy, user).state(AssignmentState::Delivered),
        );
    }
    let strings = |ids: &[ObjectId]| ids.iter().map(ToString::to_string).collect();
    Tenant {
        unassigned: strings(&users[..UNASSIGNED]),
        outside: strings(&users[UNASSIGNED + ASSIGNED..]),
        fake,
        pkg,
        policy,
        group,
    }
}

#[tokio::test]
async fn a_listing_sees_every_assignment_and_the_endpoint_is_then_listed_without_top() {
    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let all = client
        .assignments()
        .list()
        .access_package(&t.pkg)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), ASSIGNED + OUTSIDE);
    let distinct: BTreeSet<_> = all.iter().map(|a| a.id.to_string()).collect();
    assert_eq!(distinct.len(), ASSIGNED + OUTSIDE, "each assignment once");

    // The client remembered: the next listing of that endpoint sends no `$top`.
    t.fake.clear_received();
    let again = client
        .assignments()
        .list()
        .access_package(&t.pkg)
        .collect()
        .await
        .unwrap();
    assert_eq!(again.len(), ASSIGNED + OUTSIDE);
    let received = t.fake.received();
    assert!(!received.is_empty());
    for r in &received {
        let query = r.query.as_deref().unwrap_or("");
        assert!(!query.contains("top="), "{query}");
    }
}

#[tokio::test]
async fn a_bulk_plan_sees_every_member_and_every_assignment() {
    let t = tenant().await;
    let client = t.fake.client().unwrap();
    let plan = entra_access_ops::BulkAssign::group(&client, &t.pkg, &t.policy, &t.group)
        .reconcile(true)
        .removal_scope(RemovalScope::Policy)
        .max_removals(OUTSIDE)
        .plan()
        .await
        .unwrap();
    let of = |action: &Action| -> BTreeSet<String> {
        plan.items()
            .filter(|(_, i)| &i.action == action)
            .map(|(_, i)| i.person.to_string())
            .collect()
    };
    assert_eq!(of(&Action::Add), t.unassigned);
    assert_eq!(of(&Action::Remove), t.outside);
}

#[tokio::test]
async fn a_catalog_report_sees_every_assignment() {
    let t = tenant().await;
    let rows: Vec<_> = entra_access_ops::reports::Reports::new(&t.fake.client().unwrap())
        .catalog_assignments(CatalogRef::Name("Wide".into()))
        .stream()
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), ASSIGNED + OUTSIDE);
}
