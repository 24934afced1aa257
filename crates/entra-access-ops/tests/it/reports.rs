//! Reports against FakeGraph: expiring assignments, the catalog fan-out,
//! audit joins, separation of duties, and the helpers they stand on
//! (package and catalog resolution, the fake's catalog and
//! incompatible-package routes). Expected results are computed here from
//! the fake's own state, not copied from the code under test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Duration, Utc};
use entra_access::api::{CatalogRef, PackageRef};
use entra_access::models::{
    format_datetime, AccessPackageId, AssignmentId, AssignmentState, CatalogId, ObjectId,
    RequestState, RequestType,
};
use entra_access::ErrorKind;
use entra_access_fake::{
    AccessPackageSeed, AssignmentSeed, CatalogSeed, FakeGraph, GroupSeed, PolicySeed, RequestSeed,
    UserSeed,
};
use entra_access_ops::reports::{Conflict, ReportScope};
use futures::TryStreamExt;
use serde_json::json;

const EM: &str = "/v1.0/identityGovernance/entitlementManagement";

fn schedule_ending(days: Option<i64>) -> serde_json::Value {
    let now = Utc::now();
    json!({
        "startDateTime": format_datetime(&(now - Duration::days(60))),
        "expiration": match days {
            Some(d) => json!({ "type": "afterDateTime", "endDateTime": format_datetime(&(now + Duration::days(d))) }),
            None => json!({ "type": "noExpiration" }),
        }
    })
}

/// A tenant with two catalogs: "Finance" (three packages) and "Other" (one).
/// Assignments in every state, with ends from yesterday to next year; small
/// pages so every list takes several.
struct Tenant {
    fake: FakeGraph,
    finance: CatalogId,
    finance_packages: Vec<AccessPackageId>,
    other_package: AccessPackageId,
    users: Vec<ObjectId>,
}

async fn tenant(catalog_scoped: bool) -> Tenant {
    let fake = FakeGraph::builder()
        .seed(14)
        .page_size(2)
        .manual_progress()
        .catalog_scoped(catalog_scoped)
        .start()
        .await;
    let finance = fake.add_catalog(CatalogSeed::new("Finance"));
    let other = fake.add_catalog(CatalogSeed::new("Other"));
    let users: Vec<ObjectId> = (0..6)
        .map(|i| fake.add_user(UserSeed::new(&format!("User {i}"))))
        .collect();
    let mut finance_packages = Vec::new();
    let states = [
        AssignmentState::Delivered,
        AssignmentState::Delivering,
        AssignmentState::PartiallyDelivered,
        AssignmentState::Expired,
        AssignmentState::DeliveryFailed,
        AssignmentState::Delivered,
    ];
    let ends = [Some(-1), Some(3), Some(12), Some(5), Some(7), None];
    for (p, name) in ["Payables", "Receivables", "Treasury"]
        .into_iter()
        .enumerate()
    {
        let pkg = fake.add_access_package(AccessPackageSeed::new(name).catalog(&finance));
        let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
        for (u, user) in users.iter().enumerate() {
            let state = states[(u + p) % states.len()].clone();
            let end = ends[(u + 2 * p) % ends.len()].map(|d| d + 10 * p as i64);
            fake.add_assignment(
                AssignmentSeed::new(&pkg, &policy, user)
                    .state(state)
                    .schedule(schedule_ending(end)),
            );
        }
        finance_packages.push(pkg);
    }
    let other_package =
        fake.add_access_package(AccessPackageSeed::new("Elsewhere").catalog(&other));
    let policy = fake.add_policy(PolicySeed::new("Direct", &other_package));
    fake.add_assignment(
        AssignmentSeed::new(&other_package, &policy, &users[0]).schedule(schedule_ending(Some(2))),
    );
    Tenant {
        fake,
        finance,
        finance_packages,
        other_package,
        users,
    }
}

/// The fake's assignments of these packages, as Graph shows them.
fn assignments_of(
    fake: &FakeGraph,
    packages: &[AccessPackageId],
) -> Vec<entra_access::models::Assignment> {
    let package_of: HashMap<AssignmentId, AccessPackageId> = fake
        .assignments()
        .into_iter()
        .map(|a| (a.id, a.access_package_id))
        .collect();
    fake.graph_assignments()
        .into_iter()
        .filter(|a| packages.contains(&package_of[&a.id]))
        .collect()
}

#[tokio::test]
async fn expiring_equals_the_set_computed_from_the_fakes_state() {
    let t = tenant(true).await;
    let now = Utc::now();
    for days in [1, 10, 30, 400] {
        let rows = entra_access_ops::reports::Reports::new(&t.fake.client().unwrap())
            .expiring(ReportScope::Catalog(CatalogRef::Name("Finance".into())))
            .within_days(days)
            .now(now)
            .send()
            .await
            .unwrap();
        let mut expected: Vec<(chrono::DateTime<Utc>, AssignmentId)> =
            assignments_of(&t.fake, &t.finance_packages)
                .into_iter()
                .filter(|a| a.state.as_ref().is_some_and(AssignmentState::is_held))
                .filter_map(|a| {
                    let end = a.schedule?.expiration?.end_date_time?;
                    (now <= end && end <= now + Duration::days(days)).then_some((end, a.id))
                })
                .collect();
        expected.sort();
        assert_eq!(rows.without_end, 0, "every schedule has an end or none");
        let rows = rows.rows;
        let got: Vec<(chrono::DateTime<Utc>, AssignmentId)> = rows
            .iter()
            .map(|r| (r.end_date_time, r.assignment_id.clone()))
            .collect();
        assert_eq!(got, expected, "within {days} days");
        assert!(
            !expected.is_empty() || days == 1,
            "the tenant has data for {days} days"
        );
        for r in &rows {
            assert!(t.finance_packages.contains(&r.package_id));
            assert!(!r.package_name.is_empty());
            assert!(t.users.iter().any(|u| u.as_str() == r.target_object_id));
            assert!(r.policy_id.is_some());
        }
    }
    // The other catalog's package, which ends in 2 days, is not in it;
    // every package's report includes it.
    let all = entra_access_ops::reports::Reports::new(&t.fake.client().unwrap())
        .expiring(ReportScope::AllPackages)
        .within_days(3)
        .now(now)
        .send()
        .await
        .unwrap();
    assert!(all.rows.iter().any(|r| r.package_id == t.other_package));
}

#[tokio::test]
async fn expiring_refuses_a_window_of_zero_or_fewer_days_before_sending() {
    let t = tenant(false).await;
    for days in [0, -5] {
        let e = entra_access_ops::reports::Reports::new(&t.fake.client().unwrap())
            .expiring(ReportScope::AllPackages)
            .within_days(days)
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    }
    assert!(t.fake.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn catalog_fan_out_is_the_union_of_per_package_lists_once_each_and_always_filtered() {
    let t = tenant(true).await;
    t.fake.clear_received();
    let rows: Vec<_> = entra_access_ops::reports::Reports::new(&t.fake.client().unwrap())
        .catalog_assignments(CatalogRef::Id(t.finance.clone()))
        .concurrency(3)
        .stream()
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();

    // Exactly the union of the per-package lists, each assignment once,
    // under its own package.
    let mut got: Vec<(AccessPackageId, AssignmentId)> = rows
        .iter()
        .map(|r| (r.package_id.clone(), r.assignment.id.clone()))
        .collect();
    got.sort();
    let mut expected: Vec<(AccessPackageId, AssignmentId)> = t
        .fake
        .assignments()
        .into_iter()
        .filter(|a| t.finance_packages.contains(&a.access_package_id))
        .map(|a| (a.access_package_id, a.id))
        .collect();
    expected.sort();
    assert_eq!(got, expected);
    assert_eq!(expected.len(), 18);
    let names: BTreeSet<&str> = rows.iter().map(|r| r.package_name.as_str()).collect();
    assert_eq!(
        names,
        BTreeSet::from(["Payables", "Receivables", "Treasury"])
    );

    // Never an unfiltered list: every assignments GET names one package.
    let lists: Vec<_> = t
        .fake
        .received()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == format!("{EM}/assignments"))
        .collect();
    assert!(
        lists.len() >= 9,
        "three packages, pages of two: {}",
        lists.len()
    );
    let mut listed = BTreeSet::new();
    for r in &lists {
        let filter = r.query_param("$filter").unwrap_or_default();
        let package = t
            .finance_packages
            .iter()
            .find(|p| filter.starts_with(&format!("accessPackage/id eq '{p}'")))
            .unwrap_or_else(|| panic!("unfiltered or foreign list: {filter:?}"));
        listed.insert(package.clone());
        assert_eq!(r.status, 200);
    }
    assert_eq!(listed.len(), 3);
    assert_eq!(
        t.fake.count(
            "GET",
            &format!("{EM}/catalogs/{}/accessPackages", t.finance)
        ),
        2,
        "the catalog's three packages, in pages of two"
    );
}

#[tokio::test]
async fn an_unknown_catalog_is_an_error_before_any_assignment_is_listed() {
    let t = tenant(true).await;
    let reports = entra_access_ops::reports::Reports::new(&t.fake.client().unwrap());
    let e = reports
        .catalog_assignments(CatalogRef::Id(CatalogId::new("no-such-catalog")))
        .stream()
        .await
        .err()
        .unwrap();
    assert!(e.is_not_found(), "{e}");
    assert_eq!(
        e.code().map(|c| c.to_string()).as_deref(),
        Some("ResourceNotFound")
    );
    let e = reports
        .catalog_assignments(CatalogRef::Name("Nope".into()))
        .stream()
        .await
        .err()
        .unwrap();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.to_string(), "no catalog is named \"Nope\"");
    assert_eq!(t.fake.count("GET", &format!("{EM}/assignments")), 0);
}

#[tokio::test]
async fn the_fakes_new_routes_refuse_what_graph_refuses() {
    let t = tenant(false).await;
    let client = t.fake.client().unwrap();
    let raw = client.raw();
    let e = raw
        .get::<serde_json::Value>(
            "identityGovernance/entitlementManagement/catalogs/nope/accessPackages",
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert!(e.request_id().is_some(), "a Graph envelope with its ids");
    let e = raw
        .get::<serde_json::Value>(
            "identityGovernance/entitlementManagement/accessPackages/nope/incompatibleAccessPackages",
        ).send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    let e = raw
        .get::<serde_json::Value>(
            "identityGovernance/entitlementManagement/accessPackages/nope/incompatibleGroups",
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert_eq!(
        e.code().map(|c| c.to_string()).as_deref(),
        Some("ResourceNotFound")
    );
    let e = raw
        .post(
            &format!(
                "identityGovernance/entitlementManagement/accessPackages/{}/incompatibleGroups",
                t.finance_packages[0]
            ),
            &json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(405));
    let e = raw
        .post(
            "identityGovernance/entitlementManagement/catalogs",
            &json!({ "displayName": "New" }),
        )
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(405));
    // Lists of the catalog's packages and of catalogs page like Graph.
    let packages = client
        .access_packages()
        .in_catalog(t.finance.clone())
        .collect()
        .await
        .unwrap();
    assert_eq!(packages.len(), 3);
    let catalogs = client.catalogs().list().collect().await.unwrap();
    assert_eq!(catalogs.len(), 2);
}

#[tokio::test]
async fn audit_joins_every_assignment_to_the_request_that_created_it() {
    let fake = FakeGraph::builder()
        .seed(3)
        .page_size(2)
        .manual_progress()
        .start()
        .await;
    let catalog = fake.add_catalog(CatalogSeed::new("Audit"));
    let pkg = fake.add_access_package(AccessPackageSeed::new("Ledger").catalog(&catalog));
    let policy = fake.add_policy(PolicySeed::new("Approved access", &pkg));
    let mut created_by = BTreeMap::new();
    for i in 0..5 {
        let user = fake.add_user(UserSeed::new(&format!("Auditee {i}")));
        let assignment = fake.add_assignment(AssignmentSeed::new(&pkg, &policy, &user));
        if i % 2 == 0 {
            let request = fake.add_request(
                RequestSeed::new(RequestType::AdminAdd, &pkg, &policy, &user)
                    .state(RequestState::Delivered)
                    .justification(&format!("reason {i}"))
                    .assignment(&assignment),
            );
            created_by.insert(assignment.clone(), request);
            // A later removal request names the same assignment: not the creator.
            fake.add_request(
                RequestSeed::new(RequestType::AdminRemove, &pkg, &policy, &user)
                    .state(RequestState::Delivered)
                    .assignment(&assignment),
            );
        }
    }
    let rows: Vec<_> = entra_access_ops::reports::Reports::new(&fake.client().unwrap())
        .audit(ReportScope::Package(PackageRef::id(pkg.clone())))
        .stream()
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 5);
    // Expected from the fake's requests: the add request naming each assignment.
    let requests = fake.graph_assignment_requests();
    for row in &rows {
        assert_eq!(row.policy_name.as_deref(), Some("Approved access"));
        assert_eq!(row.package_name, "Ledger");
        match created_by.get(&row.assignment_id) {
            Some(request_id) => {
                let q = row.request.as_ref().expect("joined");
                assert_eq!(&q.id, request_id);
                let source = requests.iter().find(|r| &r.id == request_id).unwrap();
                assert_eq!(q.justification, source.justification);
                assert_eq!(q.request_type.as_deref(), Some("adminAdd"));
                assert_eq!(q.created_date_time, source.created_date_time);
                assert!(q.completed_date_time.is_some());
                assert!(q.requestor_object_id.is_some() || q.requestor_name.is_some());
            }
            None => assert!(row.request.is_none(), "{row:?}"),
        }
    }
}

#[tokio::test]
async fn audit_csv_streams_one_row_per_assignment() {
    let fake = FakeGraph::demo().await;
    let rows = entra_access_ops::reports::Reports::new(&fake.client().unwrap())
        .audit(ReportScope::Catalog(CatalogRef::Name("General".into())))
        .stream()
        .await
        .unwrap();
    let mut out = Vec::new();
    let n = entra_access_ops::reports::AuditRow::write_csv(rows, &mut out)
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(n, 5);
    assert_eq!(text.lines().count(), 6);
    let grace = text
        .lines()
        .find(|l| l.contains(entra_access_fake::demo::GRACE_SALES))
        .unwrap();
    assert!(
        grace.contains(entra_access_fake::demo::GRACE_SALES_REQUEST),
        "{grace}"
    );
    assert!(
        grace.contains("covers the northern sales region"),
        "{grace}"
    );
}

#[tokio::test]
async fn separation_finds_exactly_the_seeded_violations() {
    let fake = FakeGraph::builder()
        .seed(5)
        .page_size(2)
        .manual_progress()
        .start()
        .await;
    let a = fake.add_access_package(AccessPackageSeed::new("Create vendors"));
    let b = fake.add_access_package(AccessPackageSeed::new("Pay vendors"));
    let c = fake.add_access_package(AccessPackageSeed::new("Approve payments"));
    let policies: Vec<_> = [&a, &b, &c]
        .iter()
        .map(|p| fake.add_policy(PolicySeed::new("Direct", p)))
        .collect();
    let users: Vec<ObjectId> = (0..7)
        .map(|i| fake.add_user(UserSeed::new(&format!("Clerk {i}"))))
        .collect();
    // (user, package index, state)
    let holdings = [
        (0, 0, AssignmentState::Delivered),
        (0, 1, AssignmentState::Delivered), // A & B
        (1, 0, AssignmentState::Delivering),
        (1, 1, AssignmentState::PartiallyDelivered), // A & B
        (2, 0, AssignmentState::Delivered),
        (2, 1, AssignmentState::Expired), // not held
        (3, 1, AssignmentState::Delivered),
        (4, 0, AssignmentState::Delivered),
        (4, 2, AssignmentState::Delivered), // A & C
        (5, 2, AssignmentState::Delivered),
        (6, 0, AssignmentState::DeliveryFailed),
        (6, 2, AssignmentState::Delivered), // not held
    ];
    let packages = [&a, &b, &c];
    for (u, p, state) in holdings {
        fake.add_assignment(AssignmentSeed::new(packages[p], &policies[p], &users[u]).state(state));
    }
    // A marks B incompatible; C marks A.
    fake.add_incompatible_package(&a, &b);
    fake.add_incompatible_package(&c, &a);
    let reports = entra_access_ops::reports::Reports::new(&fake.client().unwrap());

    let both = reports
        .holders_of_both(PackageRef::id(a.clone()), PackageRef::id(b.clone()))
        .await
        .unwrap();
    let mut expected = vec![users[0].clone(), users[1].clone()];
    expected.sort();
    assert_eq!(both, expected);
    let none = reports
        .holders_of_both(PackageRef::id(b.clone()), PackageRef::id(c.clone()))
        .await
        .unwrap();
    assert!(none.is_empty());

    let checked = reports
        .incompatible_holders(PackageRef::id(a.clone()))
        .await
        .unwrap();
    assert_eq!(checked.package.id, a);
    assert!(checked.incompatible_groups.is_empty());
    let (others, violations) = (checked.incompatible_packages, checked.violations);
    let mut other_ids: Vec<_> = others.iter().map(|p| p.id.clone()).collect();
    other_ids.sort();
    let mut want_others = vec![b.clone(), c.clone()];
    want_others.sort();
    assert_eq!(other_ids, want_others, "both directions are checked");
    let got: BTreeSet<(ObjectId, Conflict)> = violations
        .iter()
        .map(|v| (v.object_id.clone(), v.conflict.clone()))
        .collect();
    let want = BTreeSet::from([
        (users[0].clone(), Conflict::Package(b.clone())),
        (users[1].clone(), Conflict::Package(b.clone())),
        (users[4].clone(), Conflict::Package(c.clone())),
    ]);
    assert_eq!(got, want);

    // Seen from B: only A is declared (by A), so the same two people.
    let from_b = reports
        .incompatible_holders(PackageRef::id(b.clone()))
        .await
        .unwrap();
    assert_eq!(from_b.violations.len(), 2);
}

#[tokio::test]
async fn package_resolution_by_name_has_a_typed_error_for_none_and_several() {
    let fake = FakeGraph::demo().await;
    let packages = fake.client().unwrap().access_packages();
    let one = packages
        .resolve(PackageRef::name("Sales Onboarding"))
        .expand_policies()
        .send()
        .await
        .unwrap();
    assert_eq!(one.id.as_str(), entra_access_fake::demo::SALES);
    assert_eq!(
        one.single_policy(Some("Partners")).unwrap().id.as_str(),
        entra_access_fake::demo::SALES_PARTNERS
    );
    let e = packages
        .resolve(PackageRef::name("Nope"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let e = packages
        .resolve(PackageRef::name("Contractors"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Ambiguous);
    for id in entra_access_fake::demo::CONTRACTORS {
        assert!(e.to_string().contains(id), "{e}");
    }
    let e = packages
        .resolve(PackageRef::id("no-such"))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
}

/// Graph's `requestor` is "the subject who requested or, if a direct
/// assignment, was assigned" (resources/accesspackageassignmentrequest.md):
/// the audit's requestor columns carry exactly that, and every add type
/// (`RequestType::is_add`) counts as the request that created an assignment.
#[tokio::test]
async fn audit_shows_graphs_requestor_and_joins_every_kind_of_add() {
    let fake = FakeGraph::builder()
        .seed(21)
        .page_size(2)
        .manual_progress()
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Ledger"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let user = |name: &str| fake.add_user(UserSeed::new(name));
    let (ada, bob, carol, dan, manager) = (
        user("Ada Admin-Assigned"),
        user("Bob Auto-Assigned"),
        user("Carol On-Behalf"),
        user("Dan Self-Service"),
        user("Mia Manager"),
    );

    // Ada: a direct assignment made through the API by the calling app.
    let client = fake.client().unwrap();
    let created = client
        .assignment_requests()
        .admin_add(&pkg, &policy, entra_access::api::Target::user(&ada))
        .justification("ledger access")
        .send()
        .await
        .unwrap();
    while fake.advance(&created.id).is_some() {}
    // Bob: an auto-assignment policy's systemAdd; Carol: asked for by her
    // manager; Dan: asked for himself. Each request created the assignment.
    let mut seeded = BTreeMap::new();
    for (who, kind, by) in [
        (&bob, RequestType::SystemAdd, None),
        (&carol, RequestType::OnBehalfAdd, Some(&manager)),
        (&dan, RequestType::UserAdd, None),
    ] {
        let assignment = fake.add_assignment(AssignmentSeed::new(&pkg, &policy, who));
        let mut seed = RequestSeed::new(kind, &pkg, &policy, who)
            .state(RequestState::Delivered)
            .assignment(&assignment);
        if let Some(by) = by {
            seed = seed.requested_by(by);
        }
        seeded.insert(who.clone(), fake.add_request(seed));
    }

    let rows: Vec<_> = entra_access_ops::reports::Reports::new(&client)
        .audit(ReportScope::Package(PackageRef::id(pkg.clone())))
        .stream()
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 4);
    let row_of = |who: &ObjectId| {
        rows.iter()
            .find(|r| r.target_object_id.as_deref() == Some(who.as_str()))
            .unwrap_or_else(|| panic!("no row for {who}"))
    };
    // (assignee, request, type, Graph's requestor and its name)
    let expected = [
        (&ada, &created.id, "adminAdd", &ada, "Ada Admin-Assigned"),
        (&bob, &seeded[&bob], "systemAdd", &bob, "Bob Auto-Assigned"),
        (
            &carol,
            &seeded[&carol],
            "onBehalfAdd",
            &manager,
            "Mia Manager",
        ),
        (&dan, &seeded[&dan], "userAdd", &dan, "Dan Self-Service"),
    ];
    for (who, request, kind, requestor, name) in expected {
        let row = row_of(who);
        let q = row
            .request
            .as_ref()
            .unwrap_or_else(|| panic!("{kind}: no creating request joined: {row:?}"));
        assert_eq!(&q.id, request, "{kind}");
        assert_eq!(q.request_type.as_deref(), Some(kind));
        assert_eq!(
            q.requestor_object_id.as_deref(),
            Some(requestor.as_str()),
            "{kind}: Graph's requestor"
        );
        assert_eq!(q.requestor_name.as_deref(), Some(name), "{kind}");
    }
    assert_eq!(
        row_of(&ada)
            .request
            .as_ref()
            .unwrap()
            .justification
            .as_deref(),
        Some("ledger access")
    );
}

/// An assignment expiring `afterDuration` without an `endDateTime` ends at
/// its start plus its duration (resources/expirationpattern.md); held
/// assignments whose end cannot be told are counted, not dropped.
#[tokio::test]
async fn expiring_counts_a_duration_from_the_start_and_reports_assignments_without_an_end() {
    let fake = FakeGraph::builder()
        .seed(6)
        .page_size(2)
        .manual_progress()
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Timed"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let now = Utc::now();
    let started = now - Duration::days(10);
    let start = format_datetime(&started);
    let schedules = [
        // (state, schedule)
        (
            AssignmentState::Delivered,
            json!({ "startDateTime": start, "expiration": { "type": "afterDuration", "duration": "P15D", "endDateTime": null } }),
        ),
        (
            AssignmentState::PartiallyDelivered,
            json!({ "startDateTime": start, "expiration": { "type": "afterDuration", "duration": "PT252H" } }),
        ),
        (
            AssignmentState::Delivered,
            json!({ "startDateTime": start, "expiration": { "type": "afterDuration", "duration": "P100D" } }),
        ),
        // Held, but nothing to tell the end from: counted.
        (
            AssignmentState::Delivered,
            json!({ "startDateTime": start, "expiration": { "type": "notSpecified", "duration": null, "endDateTime": null } }),
        ),
        (
            AssignmentState::Delivering,
            json!({ "startDateTime": start, "expiration": { "type": "afterDateTime", "endDateTime": null } }),
        ),
        (
            AssignmentState::Delivered,
            json!({ "startDateTime": null, "expiration": { "type": "afterDuration", "duration": "P1D" } }),
        ),
        // Never ends: neither a row nor counted.
        (
            AssignmentState::Delivered,
            json!({ "startDateTime": start, "expiration": { "type": "noExpiration" } }),
        ),
        // Not held: ignored, whatever its schedule.
        (
            AssignmentState::Expired,
            json!({ "startDateTime": start, "expiration": { "type": "afterDuration", "duration": "P12D" } }),
        ),
        (
            AssignmentState::DeliveryFailed,
            json!({ "startDateTime": start, "expiration": { "type": "notSpecified" } }),
        ),
    ];
    let mut ids = Vec::new();
    for (i, (state, schedule)) in schedules.into_iter().enumerate() {
        let user = fake.add_user(UserSeed::new(&format!("Timed {i}")));
        ids.push(
            fake.add_assignment(
                AssignmentSeed::new(&pkg, &policy, &user)
                    .state(state)
                    .schedule(schedule),
            ),
        );
    }
    let reports = entra_access_ops::reports::Reports::new(&fake.client().unwrap());
    let expiring = |days: i64| {
        reports
            .expiring(ReportScope::Package(PackageRef::id(pkg.clone())))
            .within_days(days)
            .now(now)
            .send()
    };
    let week = expiring(7).await.unwrap();
    let got: Vec<_> = week
        .rows
        .iter()
        .map(|r| (r.assignment_id.clone(), r.end_date_time))
        .collect();
    assert_eq!(
        got,
        [
            (ids[1].clone(), started + Duration::hours(252)),
            (ids[0].clone(), started + Duration::days(15)),
        ],
        "soonest first"
    );
    assert_eq!(week.without_end, 3, "{week:?}");
    let quarter = expiring(95).await.unwrap();
    assert_eq!(quarter.rows.len(), 3);
    assert_eq!(quarter.rows[2].assignment_id, ids[2]);
    assert_eq!(quarter.rows[2].end_date_time, started + Duration::days(100));
    assert_eq!(quarter.without_end, 3);
}

/// `incompatibleGroups` (resources/accesspackage.md): members of an
/// incompatible group, nested groups' members included, who hold the
/// package are violations.
#[tokio::test]
async fn separation_reports_holders_who_are_members_of_an_incompatible_group() {
    let fake = FakeGraph::builder()
        .seed(7)
        .page_size(2)
        .manual_progress()
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Approve payments"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let users: Vec<ObjectId> = (0..6)
        .map(|i| fake.add_user(UserSeed::new(&format!("Member {i}"))))
        .collect();
    // Vendor managers: users 0 and 1 directly, user 2 through a nested group.
    let nested = fake.add_group(GroupSeed::new("Vendor leads").member(&users[2]));
    let vendors = fake.add_group(
        GroupSeed::new("Vendor managers")
            .members([&users[0], &users[1]])
            .member(&nested),
    );
    // A second incompatible group; and one nobody marked.
    let auditors = fake.add_group(GroupSeed::new("Auditors").member(&users[3]));
    let unrelated = fake.add_group(GroupSeed::new("Everyone else").member(&users[4]));
    let holdings = [
        (0, AssignmentState::Delivered),          // in Vendor managers
        (1, AssignmentState::Expired),            // in it, but no longer holds
        (2, AssignmentState::Delivering),         // nested member
        (3, AssignmentState::PartiallyDelivered), // in Auditors
        (4, AssignmentState::Delivered),          // only in the unmarked group
        (5, AssignmentState::Delivered),          // in no group
    ];
    for (u, state) in holdings {
        fake.add_assignment(AssignmentSeed::new(&pkg, &policy, &users[u]).state(state));
    }
    for group in [&vendors, &auditors, &nested] {
        fake.add_incompatible_group(&pkg, group);
    }
    let _ = unrelated;

    let client = fake.client().unwrap();
    let groups = client
        .access_packages()
        .incompatible_groups(pkg.clone())
        .collect()
        .await
        .unwrap();
    let mut group_ids: Vec<_> = groups.iter().map(|g| g.id.clone()).collect();
    group_ids.sort();
    let mut want_groups = vec![vendors.clone(), auditors.clone(), nested.clone()];
    want_groups.sort();
    assert_eq!(group_ids, want_groups, "three groups, over two pages");

    let checked = entra_access_ops::reports::Reports::new(&client)
        .incompatible_holders(PackageRef::id(pkg.clone()))
        .await
        .unwrap();
    assert!(checked.incompatible_packages.is_empty());
    assert_eq!(checked.incompatible_groups.len(), 3);
    let got: BTreeSet<(ObjectId, Conflict)> = checked
        .violations
        .iter()
        .map(|v| {
            assert_eq!(v.package_id, pkg);
            (v.object_id.clone(), v.conflict.clone())
        })
        .collect();
    let want = BTreeSet::from([
        (users[0].clone(), Conflict::Group(vendors.clone())),
        (users[2].clone(), Conflict::Group(vendors.clone())),
        (users[2].clone(), Conflict::Group(nested.clone())),
        (users[3].clone(), Conflict::Group(auditors.clone())),
    ]);
    assert_eq!(got, want);
    assert_eq!(checked.violations.len(), want.len(), "each once");
    for group in [&vendors, &auditors, &nested] {
        assert!(
            fake.count("GET", &format!("/v1.0/groups/{group}/transitiveMembers")) >= 1,
            "members of {group} read transitively"
        );
    }
}
