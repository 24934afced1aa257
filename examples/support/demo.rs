//! The demo tenant the examples run against when no credentials are set: a
//! fake Graph (feature `fake`) seeded with fixed ids, so the same command
//! line works every time and tests can pass known ids.
//!
//! | object | name | id |
//! |---|---|---|
//! | access package | Marketing Campaign (one policy: Direct assignment) | [`MARKETING`] |
//! | access package | Sales Onboarding (two policies: Employees, Partners) | [`SALES`] |
//! | access packages | Contractors (two packages share the name) | [`CONTRACTORS`] |
//! | group | Marketing Team: Ada, Grace, Alan, a device, and the group Marketing Interns (Katherine) | [`MARKETING_TEAM`] |
//! | assignments of Marketing Campaign | Ada, Grace, Barbara delivered; Edsger expired | [`ADA_MARKETING`]… |
//! | requests | Ada → Marketing Campaign (delivered); Margaret → Marketing Campaign (pending approval, stays open); Edsger → Sales Onboarding (delivery failed) | [`ADA_REQUEST`], [`MARGARET_REQUEST`], [`FAILED_REQUEST`] |
//! | lifecycle workflow | Onboard new marketing employees | [`ONBOARDING_WORKFLOW`] |

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
const CONTRACTOR_POLICIES: [&str; 2] = [
    "bb0c1a7e-0000-4000-8000-000000000004",
    "bb0c1a7e-0000-4000-8000-000000000005",
];

/// Ada Lovelace: Marketing Team, holds Marketing Campaign.
pub const ADA: &str = "cc0c1a7e-0000-4000-8000-000000000001";
/// Grace Hopper: Marketing Team, holds Marketing Campaign.
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

/// Margaret's request for Marketing Campaign, pending approval (nobody
/// approves in the demo, so it stays open).
pub const MARGARET_REQUEST: &str = "ac0c1a7e-0000-4000-8000-000000000001";
/// The request that gave Ada her assignment (delivered).
pub const ADA_REQUEST: &str = "ac0c1a7e-0000-4000-8000-000000000003";
/// Edsger's Sales Onboarding request, which failed to deliver.
pub const FAILED_REQUEST: &str = "ac0c1a7e-0000-4000-8000-000000000002";

/// "Onboard new marketing employees" (joiner).
pub const ONBOARDING_WORKFLOW: &str = "fe0c1a7e-0000-4000-8000-000000000001";

#[cfg(feature = "fake")]
pub use running::Demo;

#[cfg(feature = "fake")]
mod running {
    use super::*;
    use entra_access::fake::{
        AccessPackageSeed, AssignmentSeed, CatalogSeed, DeviceSeed, FakeGraph, GroupSeed,
        PolicySeed, RequestSeed, UserSeed,
    };
    use entra_access::models::{
        AccessPackageId, AllowedTargetScope, AssignmentId, AssignmentPolicyId, AssignmentState,
        ObjectId, RequestState, RequestType,
    };
    use entra_access::Client;

    /// A running fake Graph holding the demo tenant.
    pub struct Demo {
        fake: FakeGraph,
    }

    impl Demo {
        /// Starts the fake on a loopback port and seeds it.
        pub async fn start() -> anyhow::Result<Self> {
            let fake = FakeGraph::builder().seed(2024).start().await;
            seed(&fake);
            Ok(Self { fake })
        }

        /// A client pointed at the fake.
        pub fn client(&self) -> entra_access::Result<Client> {
            self.fake.client()
        }

        /// The fake itself (for tokens and its address).
        pub fn fake(&self) -> &FakeGraph {
            &self.fake
        }

        /// Says on stderr that this is the fake, and which ids it holds.
        pub fn announce(&self) {
            eprintln!(
                "no credentials set: using a fake Graph at {} with a demo tenant",
                self.fake.uri()
            );
            eprintln!("  access package 'Marketing Campaign' {MARKETING} (policy 'Direct assignment' {MARKETING_POLICY})");
            eprintln!("  access package 'Sales Onboarding' {SALES} (policies 'Employees' {SALES_EMPLOYEES}, 'Partners' {SALES_PARTNERS})");
            eprintln!(
                "  access packages 'Contractors' {} and {} (same name)",
                CONTRACTORS[0], CONTRACTORS[1]
            );
            let users: Vec<String> = USERS
                .iter()
                .map(|(name, id)| format!("{name} {id}"))
                .collect();
            eprintln!("  users: {}", users.join(", "));
            eprintln!("  group 'Marketing Team' {MARKETING_TEAM} (nested 'Marketing Interns' {MARKETING_INTERNS})");
            eprintln!("  requests: {ADA_REQUEST} (delivered), {MARGARET_REQUEST} (pending approval), {FAILED_REQUEST} (delivery failed)");
            eprintln!(
                "  lifecycle workflow 'Onboard new marketing employees' {ONBOARDING_WORKFLOW}"
            );
        }
    }

    fn seed(fake: &FakeGraph) {
        let general = fake.add_catalog(CatalogSeed::new("General"));
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
        for (i, catalog) in ["Engineering", "Facilities"].into_iter().enumerate() {
            let catalog = fake.add_catalog(CatalogSeed::new(catalog));
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
            fake.add_assignment(
                AssignmentSeed::new(&marketing, &marketing_policy, &ObjectId::new(user))
                    .id(id)
                    .state(state),
            );
        }
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
                &AccessPackageId::new(SALES),
                &AssignmentPolicyId::new(sales_employees.as_str()),
                &ObjectId::new(EDSGER),
            )
            .id(FAILED_REQUEST)
            .state(RequestState::DeliveryFailed)
            .status("DeliveryFailed"),
        );
        fake.add_workflow(serde_json::json!({
            "id": ONBOARDING_WORKFLOW,
            "category": "joiner",
            "displayName": "Onboard new marketing employees",
            "description": "Runs on the hire date of people in Marketing",
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
                    "timeBasedAttribute": "employeeHireDate",
                    "offsetInDays": 0
                }
            },
            "tasks": [{
                "category": "joiner",
                "continueOnError": false,
                "description": "Send a welcome e-mail to the new hire",
                "displayName": "Send Welcome Email",
                "executionSequence": 1,
                "isEnabled": true,
                "taskDefinitionId": "70b29d51-b59a-4773-9280-8841dfd3f2ea",
                "arguments": []
            }]
        }));
    }
}
