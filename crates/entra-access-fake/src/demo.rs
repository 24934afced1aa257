//! The demo tenant: a [`FakeGraph`] seeded with fixed ids, so the same
//! command line works every time and tests can pass known ids. The example
//! programs run against it when no credentials are set
//! ([`Connection::start`](crate::Connection::start)).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> entra_access::Result<()> {
//! use entra_access_fake::{demo, FakeGraph};
//!
//! let fake = FakeGraph::demo().await;
//! let package = fake.client()?.access_packages().get(demo::MARKETING).send().await?;
//! assert_eq!(package.display_name.as_deref(), Some("Marketing Campaign"));
//! # Ok(()) }
//! ```
//!
//! Schedules end relative to the moment the tenant is seeded (the fake's
//! clock is the wall clock), so reports of expiring assignments always
//! have something to show.
//!
//! | object | name | id |
//! |---|---|---|
//! | access package | Marketing Campaign (one policy: Direct assignment) | [`MARKETING`] |
//! | access package | Sales Onboarding (two policies: Employees, Partners) | [`SALES`] |
//! | access packages | Contractors (two packages share the name) | [`CONTRACTORS`] |
//! | group | Marketing Team: Ada, Grace, Alan, a device, and the group Marketing Interns (Katherine) | [`MARKETING_TEAM`] |
//! | catalog | General (Marketing Campaign, Sales Onboarding, Travel Booking); Engineering and Facilities (one Contractors each) | [`GENERAL_CATALOG`]… |
//! | assignments of Marketing Campaign | Ada (ends in 10 days), Grace (no end), Barbara (ends in 60 days) delivered; Edsger expired | [`ADA_MARKETING`]… |
//! | assignment of Sales Onboarding | Grace (Employees, ends in 20 days) | [`GRACE_SALES`] |
//! | incompatible packages | Sales Onboarding marks Marketing Campaign incompatible: Grace holds both | |
//! | requests | Ada → Marketing Campaign (delivered); Grace → Sales Onboarding (delivered, [`GRACE_SALES_REQUEST`]); Margaret → Marketing Campaign (pending approval, stays open); Edsger → Sales Onboarding (delivery failed) | [`ADA_REQUEST`], [`MARGARET_REQUEST`], [`FAILED_REQUEST`] |
//! | lifecycle workflows | Onboard new marketing employees (joiner); Offboard marketing employees (leaver) | [`ONBOARDING_WORKFLOW`], [`OFFBOARDING_WORKFLOW`] |
//! | access package | Travel Booking (catalog General; one policy, "Manager, then finance": Grace Hopper approves stage 1, Alan Turing stage 2) | [`TRAVEL`], [`TRAVEL_POLICY`] |
//! | request | Katherine → Travel Booking (her own `userAdd`, pending approval by Grace, stage 1 of 2) | [`TRAVEL_REQUEST`] |
//! | signed-in user | Grace Hopper, the first approver: the demo connection's client acts as her | [`APPROVER`], [`SECOND_APPROVER`] |

/// "Marketing Campaign".
pub const MARKETING: &str = "aa0c1a7e-0000-4000-8000-000000000001";
/// Its only policy, "Direct assignment" (administrators assign anyone, by id or e-mail).
pub const MARKETING_POLICY: &str = "bb0c1a7e-0000-4000-8000-000000000001";
/// "Sales Onboarding".
pub const SALES: &str = "aa0c1a7e-0000-4000-8000-000000000002";
/// Its policy "Employees" (member users).
pub const SALES_EMPLOYEES: &str = "bb0c1a7e-0000-4000-8000-000000000002";
/// Its policy "Partners" (users not in the directory, by e-mail).
pub const SALES_PARTNERS: &str = "bb0c1a7e-0000-4000-8000-000000000003";
/// The two packages named "Contractors".
pub const CONTRACTORS: [&str; 2] = [
    "aa0c1a7e-0000-4000-8000-000000000003",
    "aa0c1a7e-0000-4000-8000-000000000004",
];
/// The policy of each "Contractors" package.
pub const CONTRACTOR_POLICIES: [&str; 2] = [
    "bb0c1a7e-0000-4000-8000-000000000004",
    "bb0c1a7e-0000-4000-8000-000000000005",
];

/// The catalog "General" (Marketing Campaign, Sales Onboarding and Travel Booking).
pub const GENERAL_CATALOG: &str = "ca0c1a7e-0000-4000-8000-000000000001";
/// The catalogs "Engineering" and "Facilities" (one Contractors package each).
pub const CONTRACTOR_CATALOGS: [&str; 2] = [
    "ca0c1a7e-0000-4000-8000-000000000002",
    "ca0c1a7e-0000-4000-8000-000000000003",
];

/// Ada Lovelace: Marketing Team, holds Marketing Campaign.
pub const ADA: &str = "cc0c1a7e-0000-4000-8000-000000000001";
/// Grace Hopper: Marketing Team, holds Marketing Campaign and Sales
/// Onboarding (two incompatible packages).
pub const GRACE: &str = "cc0c1a7e-0000-4000-8000-000000000002";
/// Alan Turing: Marketing Team, no assignment.
pub const ALAN: &str = "cc0c1a7e-0000-4000-8000-000000000003";
/// Margaret Hamilton: a request for Marketing Campaign pending approval.
pub const MARGARET: &str = "cc0c1a7e-0000-4000-8000-000000000004";
/// Katherine Johnson: Marketing Interns (nested in Marketing Team).
pub const KATHERINE: &str = "cc0c1a7e-0000-4000-8000-000000000005";
/// Edsger Dijkstra: an expired Marketing Campaign assignment.
pub const EDSGER: &str = "cc0c1a7e-0000-4000-8000-000000000006";
/// Barbara Liskov: holds Marketing Campaign but is not in Marketing Team.
pub const BARBARA: &str = "cc0c1a7e-0000-4000-8000-000000000007";

/// Every demo user: display name, object id.
pub const USERS: [(&str, &str); 7] = [
    ("Ada Lovelace", ADA),
    ("Grace Hopper", GRACE),
    ("Alan Turing", ALAN),
    ("Margaret Hamilton", MARGARET),
    ("Katherine Johnson", KATHERINE),
    ("Edsger Dijkstra", EDSGER),
    ("Barbara Liskov", BARBARA),
];

/// "Marketing Team".
pub const MARKETING_TEAM: &str = "dd0c1a7e-0000-4000-8000-000000000001";
/// "Marketing Interns", a member of Marketing Team.
pub const MARKETING_INTERNS: &str = "dd0c1a7e-0000-4000-8000-000000000002";
/// A device in Marketing Team (bulk assignment skips non-users).
pub const KIOSK: &str = "dd0c1a7e-0000-4000-8000-000000000003";

/// Ada's Marketing Campaign assignment.
pub const ADA_MARKETING: &str = "ab0c1a7e-0000-4000-8000-000000000001";
/// Grace's Marketing Campaign assignment.
pub const GRACE_MARKETING: &str = "ab0c1a7e-0000-4000-8000-000000000002";
/// Edsger's expired Marketing Campaign assignment.
pub const EDSGER_MARKETING: &str = "ab0c1a7e-0000-4000-8000-000000000003";
/// Barbara's Marketing Campaign assignment.
pub const BARBARA_MARKETING: &str = "ab0c1a7e-0000-4000-8000-000000000004";

/// Grace's Sales Onboarding assignment (policy Employees, ends in 20 days).
pub const GRACE_SALES: &str = "ab0c1a7e-0000-4000-8000-000000000005";

/// How many days from seeding each held assignment with an end ends:
/// Ada's Marketing Campaign, Grace's Sales Onboarding, Barbara's Marketing Campaign.
pub const ENDS_IN_DAYS: [(&str, i64); 3] = [
    (ADA_MARKETING, 10),
    (GRACE_SALES, 20),
    (BARBARA_MARKETING, 60),
];

/// Margaret's request for Marketing Campaign, pending approval (it stays
/// open unless a signed-in user approves it: its policy names no approver,
/// so the fake lets anyone decide).
pub const MARGARET_REQUEST: &str = "ac0c1a7e-0000-4000-8000-000000000001";
/// The request that gave Ada her assignment (delivered).
pub const ADA_REQUEST: &str = "ac0c1a7e-0000-4000-8000-000000000003";
/// The request that gave Grace her Sales Onboarding assignment (delivered,
/// with a justification).
pub const GRACE_SALES_REQUEST: &str = "ac0c1a7e-0000-4000-8000-000000000004";
/// Edsger's Sales Onboarding request, which failed to deliver.
pub const FAILED_REQUEST: &str = "ac0c1a7e-0000-4000-8000-000000000002";

#[path = "demo_approvals.rs"]
mod approvals;
pub(crate) use approvals::signed_in_user;

pub use approvals::{APPROVER, SECOND_APPROVER, TRAVEL, TRAVEL_POLICY, TRAVEL_REQUEST};

/// "Onboard new marketing employees" (joiner).
pub const ONBOARDING_WORKFLOW: &str = "fe0c1a7e-0000-4000-8000-000000000001";
/// "Offboard marketing employees" (leaver): where tasks that remove access
/// packages go.
pub const OFFBOARDING_WORKFLOW: &str = "fe0c1a7e-0000-4000-8000-000000000002";

use serde_json::json;

use super::{
    AccessPackageSeed, AssignmentSeed, CatalogSeed, DeviceSeed, FakeGraph, GroupSeed, PolicySeed,
    RequestSeed, UserSeed,
};
use entra_access::models::{
    format_datetime, AccessPackageId, AllowedTargetScope, AssignmentId, AssignmentPolicyId,
    AssignmentState, ObjectId, RequestState, RequestType,
};

/// Starts a fake Graph on a loopback port holding the demo tenant
/// (the same as [`FakeGraph::demo`]).
pub async fn demo_tenant() -> FakeGraph {
    let fake = FakeGraph::builder().seed(2024).start().await;
    seed(&fake);
    fake
}

impl FakeGraph {
    /// Starts a fake Graph holding the [demo tenant](crate::demo).
    pub async fn demo() -> FakeGraph {
        demo_tenant().await
    }
}

/// What the demo tenant holds, with its ids, for a program to print on
/// stderr (one item per line, `uri` first).
pub fn describe(fake: &FakeGraph) -> String {
    let users: Vec<String> = USERS
        .iter()
        .map(|(name, id)| format!("{name} {id}"))
        .collect();
    [
        format!(
            "no credentials set: using a fake Graph at {} with a demo tenant",
            fake.uri()
        ),
        format!("  access package 'Marketing Campaign' {MARKETING} (policy 'Direct assignment' {MARKETING_POLICY})"),
        format!("  access package 'Sales Onboarding' {SALES} (policies 'Employees' {SALES_EMPLOYEES}, 'Partners' {SALES_PARTNERS}); incompatible with Marketing Campaign"),
        format!(
            "  access packages 'Contractors' {} and {} (same name)",
            CONTRACTORS[0], CONTRACTORS[1]
        ),
        format!("  catalog 'General' {GENERAL_CATALOG} (Marketing Campaign, Sales Onboarding, Travel Booking)"),
        format!("  users: {}", users.join(", ")),
        format!("  group 'Marketing Team' {MARKETING_TEAM} (nested 'Marketing Interns' {MARKETING_INTERNS})"),
        format!("  requests: {ADA_REQUEST} (delivered), {GRACE_SALES_REQUEST} (delivered), {MARGARET_REQUEST} (pending approval), {FAILED_REQUEST} (delivery failed)"),
        format!("  lifecycle workflows 'Onboard new marketing employees' {ONBOARDING_WORKFLOW} (joiner), 'Offboard marketing employees' {OFFBOARDING_WORKFLOW} (leaver)"),
        approvals::describe(),
    ]
    .join("\n")
}

/// An assignment schedule starting 30 days ago and ending `days` from now
/// (no end with `None`).
fn schedule(days: Option<i64>) -> serde_json::Value {
    let now = chrono::Utc::now();
    let start = format_datetime(&(now - chrono::Duration::days(30)));
    match days {
        Some(days) => json!({
            "startDateTime": start, "recurrence": null,
            "expiration": {
                "endDateTime": format_datetime(&(now + chrono::Duration::days(days))),
                "duration": null, "type": "afterDateTime"
            }
        }),
        None => json!({
            "startDateTime": start, "recurrence": null,
            "expiration": { "endDateTime": null, "duration": null, "type": "noExpiration" }
        }),
    }
}

fn ends_in(assignment: &str) -> Option<i64> {
    ENDS_IN_DAYS
        .iter()
        .find(|(id, _)| *id == assignment)
        .map(|(_, days)| *days)
}

/// Seeds the demo tenant into a running fake (ids are fixed, so seed an
/// empty fake once).
pub fn seed(fake: &FakeGraph) {
    let general = fake.add_catalog(CatalogSeed::new("General").id(GENERAL_CATALOG));
    let marketing = fake.add_access_package(
        AccessPackageSeed::new("Marketing Campaign")
            .id(MARKETING)
            .catalog(&general)
            .description("Campaign sites, the brand library and the marketing Teams team"),
    );
    let marketing_policy = fake.add_policy(
        PolicySeed::new("Direct assignment", &marketing)
            .id(MARKETING_POLICY)
            .description("Administrators assign anyone, in or outside the directory")
            .allowed_target_scope(AllowedTargetScope::NotSpecified),
    );
    let sales = fake.add_access_package(
        AccessPackageSeed::new("Sales Onboarding")
            .id(SALES)
            .catalog(&general),
    );
    let sales_employees = fake.add_policy(
        PolicySeed::new("Employees", &sales)
            .id(SALES_EMPLOYEES)
            .allowed_target_scope(AllowedTargetScope::AllMemberUsers),
    );
    fake.add_policy(
        PolicySeed::new("Partners", &sales)
            .id(SALES_PARTNERS)
            .allowed_target_scope(AllowedTargetScope::AllExternalUsers),
    );
    fake.add_incompatible_package(&sales, &marketing);
    for (i, catalog) in ["Engineering", "Facilities"].into_iter().enumerate() {
        let catalog = fake.add_catalog(CatalogSeed::new(catalog).id(CONTRACTOR_CATALOGS[i]));
        let pkg = fake.add_access_package(
            AccessPackageSeed::new("Contractors")
                .id(CONTRACTORS[i])
                .catalog(&catalog),
        );
        fake.add_policy(PolicySeed::new("Contractors", &pkg).id(CONTRACTOR_POLICIES[i]));
    }

    for (name, id) in USERS {
        fake.add_user(UserSeed::new(name).id(id));
    }
    let katherine = ObjectId::new(KATHERINE);
    let interns = fake.add_group(
        GroupSeed::new("Marketing Interns")
            .id(MARKETING_INTERNS)
            .member(&katherine),
    );
    let kiosk = fake.add_device(DeviceSeed::new("Marketing kiosk").id(KIOSK));
    let team: Vec<ObjectId> = [ADA, GRACE, ALAN]
        .into_iter()
        .map(ObjectId::new)
        .chain([interns, kiosk])
        .collect();
    fake.add_group(
        GroupSeed::new("Marketing Team")
            .id(MARKETING_TEAM)
            .members(&team),
    );

    for (id, user, state) in [
        (ADA_MARKETING, ADA, AssignmentState::Delivered),
        (GRACE_MARKETING, GRACE, AssignmentState::Delivered),
        (EDSGER_MARKETING, EDSGER, AssignmentState::Expired),
        (BARBARA_MARKETING, BARBARA, AssignmentState::Delivered),
    ] {
        let mut seed = AssignmentSeed::new(&marketing, &marketing_policy, &ObjectId::new(user))
            .id(id)
            .state(state.clone());
        if state == AssignmentState::Delivered {
            seed = seed.schedule(schedule(ends_in(id)));
        }
        fake.add_assignment(seed);
    }
    fake.add_assignment(
        AssignmentSeed::new(&sales, &sales_employees, &ObjectId::new(GRACE))
            .id(GRACE_SALES)
            .state(AssignmentState::Delivered)
            .schedule(schedule(ends_in(GRACE_SALES))),
    );
    fake.add_request(
        RequestSeed::new(
            RequestType::AdminAdd,
            &marketing,
            &marketing_policy,
            &ObjectId::new(MARGARET),
        )
        .id(MARGARET_REQUEST)
        .state(RequestState::PendingApproval)
        .justification("joins the spring campaign"),
    );
    fake.add_request(
        RequestSeed::new(
            RequestType::AdminAdd,
            &marketing,
            &marketing_policy,
            &ObjectId::new(ADA),
        )
        .id(ADA_REQUEST)
        .state(RequestState::Delivered)
        .assignment(&AssignmentId::new(ADA_MARKETING)),
    );
    fake.add_request(
        RequestSeed::new(
            RequestType::AdminAdd,
            &sales,
            &sales_employees,
            &ObjectId::new(GRACE),
        )
        .id(GRACE_SALES_REQUEST)
        .state(RequestState::Delivered)
        .justification("covers the northern sales region")
        .assignment(&AssignmentId::new(GRACE_SALES)),
    );
    fake.add_request(
        RequestSeed::new(
            RequestType::AdminAdd,
            &AccessPackageId::new(SALES),
            &AssignmentPolicyId::new(sales_employees.as_str()),
            &ObjectId::new(EDSGER),
        )
        .id(FAILED_REQUEST)
        .state(RequestState::DeliveryFailed)
        .status("DeliveryFailed"),
    );
    approvals::seed(fake);
    fake.add_workflow(marketing_workflow(
        ONBOARDING_WORKFLOW,
        "joiner",
        "Onboard new marketing employees",
        "Runs on the hire date of people in Marketing",
        "employeeHireDate",
        serde_json::json!({
            "category": "joiner",
            "continueOnError": false,
            "description": "Send a welcome e-mail to the new hire",
            "displayName": "Send Welcome Email",
            "executionSequence": 1,
            "isEnabled": true,
            "taskDefinitionId": "70b29d51-b59a-4773-9280-8841dfd3f2ea",
            "arguments": []
        }),
    ));
    fake.add_workflow(marketing_workflow(
        OFFBOARDING_WORKFLOW,
        "leaver",
        "Offboard marketing employees",
        "Runs on the last day of people in Marketing",
        "employeeLeaveDateTime",
        serde_json::json!({
            "category": "leaver",
            "continueOnError": false,
            "description": "Cancel the user's pending access package requests",
            "displayName": "Cancel all pending access package assignment requests for user",
            "executionSequence": 1,
            "isEnabled": true,
            "taskDefinitionId": "498770d9-bab7-4e4c-b73d-5ded82a1d0b3",
            "arguments": []
        }),
    ));
}

/// A workflow for the people of Marketing, as Graph reads one back: it runs
/// on the day of `trigger_attribute` with its one `task`.
fn marketing_workflow(
    id: &str,
    category: &str,
    display_name: &str,
    description: &str,
    trigger_attribute: &str,
    task: serde_json::Value,
) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "category": category,
        "displayName": display_name,
        "description": description,
        "isEnabled": true,
        "isSchedulingEnabled": false,
        "executionConditions": {
            "@odata.type": "#microsoft.graph.identityGovernance.triggerAndScopeBasedConditions",
            "scope": {
                "@odata.type": "#microsoft.graph.identityGovernance.ruleBasedSubjectSet",
                "rule": "(department eq 'Marketing')"
            },
            "trigger": {
                "@odata.type": "#microsoft.graph.identityGovernance.timeBasedAttributeTrigger",
                "timeBasedAttribute": trigger_attribute,
                "offsetInDays": 0
            }
        },
        "tasks": [task]
    })
}
