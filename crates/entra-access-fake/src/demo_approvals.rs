//! The demo tenant's approval scenario: a package whose policy needs two
//! approvals, a self-service request waiting for the first, and the
//! approver the demo signs in as (see
//! [`Connection::start`](crate::Connection::start)).

use super::super::{AccessPackageSeed, FakeGraph, PolicySeed, RequestSeed};
use super::{ALAN, GENERAL_CATALOG, GRACE, KATHERINE};
use entra_access::models::{AllowedTargetScope, CatalogId, ObjectId, RequestState, RequestType};

/// "Travel Booking" (catalog General): its only policy needs two approvals.
pub const TRAVEL: &str = "aa0c1a7e-0000-4000-8000-000000000005";
/// Its policy "Manager, then finance" (member users ask for it themselves;
/// stage 1: Grace Hopper, stage 2: Alan Turing).
pub const TRAVEL_POLICY: &str = "bb0c1a7e-0000-4000-8000-000000000006";
/// The first-stage approver, Grace Hopper: the user the demo connection is
/// signed in as, with a delegated token or through the device-code flow.
pub const APPROVER: &str = GRACE;
/// The second-stage approver, Alan Turing.
pub const SECOND_APPROVER: &str = ALAN;
/// Katherine Johnson's own request (`userAdd`) for Travel Booking, waiting
/// for [`APPROVER`] (stage 1 of 2).
pub const TRAVEL_REQUEST: &str = "ac0c1a7e-0000-4000-8000-000000000005";

/// Seeds the package, its two-stage policy and the waiting request.
pub(super) fn seed(fake: &FakeGraph) {
    let travel = fake.add_access_package(
        AccessPackageSeed::new("Travel Booking")
            .id(TRAVEL)
            .catalog(&CatalogId::new(GENERAL_CATALOG))
            .description("The corporate travel portal, approved by your manager and finance"),
    );
    let policy = fake.add_policy(
        PolicySeed::new("Manager, then finance", &travel)
            .id(TRAVEL_POLICY)
            .allowed_target_scope(AllowedTargetScope::AllMemberUsers)
            .allow_self_add(true)
            .approval_stage([&ObjectId::new(APPROVER)])
            .approval_stage([&ObjectId::new(SECOND_APPROVER)]),
    );
    fake.add_request(
        RequestSeed::new(
            RequestType::UserAdd,
            &travel,
            &policy,
            &ObjectId::new(KATHERINE),
        )
        .id(TRAVEL_REQUEST)
        .state(RequestState::PendingApproval)
        .justification("speaks at the spring conference"),
    );
}

/// One line on the approval scenario, for the demo's description.
pub(super) fn describe() -> String {
    format!(
        "  access package 'Travel Booking' {TRAVEL} (policy 'Manager, then finance' {TRAVEL_POLICY}: \
         Grace Hopper, then Alan Turing approve); Katherine Johnson's request {TRAVEL_REQUEST} waits for Grace"
    )
}

/// Who the demo connection is signed in as.
pub(crate) fn signed_in_user() -> String {
    format!("Grace Hopper {APPROVER} (approves stage 1 of {TRAVEL_REQUEST})")
}
