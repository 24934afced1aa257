//! Approvals and the delegated-only operations, through the public API,
//! against FakeGraph: a self-service request under a two-stage policy, each
//! approver's decision, and app-only tokens refused with a typed 403.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use entra_access::api::{AssignmentsOfCurrentUser, Decision, RequestsOfCurrentUser};
use entra_access::models::{AccessPackageId, AssignmentPolicyId, ObjectId, RequestState};
use entra_access::Client;
use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};

struct World {
    fake: FakeGraph,
    requester: ObjectId,
    second_requester: ObjectId,
    first: ObjectId,
    second: ObjectId,
    pkg: AccessPackageId,
    policy: AssignmentPolicyId,
}

async fn world() -> World {
    let fake = FakeGraph::builder().manual_progress().start().await;
    let requester = fake.add_user(UserSeed::new("Rita Requester"));
    let second_requester = fake.add_user(UserSeed::new("Sam Requester"));
    let first = fake.add_user(UserSeed::new("Fiona First"));
    let second = fake.add_user(UserSeed::new("Sean Second"));
    let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
    let policy = fake.add_policy(
        PolicySeed::new("Two approvers", &pkg)
            .allow_self_add(true)
            .approval_stage([&first])
            .approval_stage([&second]),
    );
    World {
        fake,
        requester,
        second_requester,
        first,
        second,
        pkg,
        policy,
    }
}

fn as_user(w: &World, user: &ObjectId) -> Client {
    w.fake.delegated_client_for(user).unwrap()
}

async fn state_of(client: &Client, id: &entra_access::models::AssignmentRequestId) -> RequestState {
    client
        .assignment_requests()
        .get(id.clone())
        .send()
        .await
        .unwrap()
        .state
        .unwrap()
}

#[tokio::test]
async fn first_approves_second_denies_then_both_approve() {
    let w = world().await;
    let requester = as_user(&w, &w.requester);
    let first = as_user(&w, &w.first);
    let second = as_user(&w, &w.second);

    // A user asks for the package for themselves.
    let request = requester
        .assignment_requests()
        .user_add(w.pkg.clone(), w.policy.clone())
        .justification("spring campaign")
        .send()
        .await
        .unwrap();
    assert_eq!(request.state, Some(RequestState::Submitted));
    w.fake.settle();
    assert_eq!(
        state_of(&requester, &request.id).await,
        RequestState::PendingApproval
    );

    // Only the first stage's approver sees it waiting.
    let mine = first.approvals().list_mine().collect().await.unwrap();
    assert_eq!(
        mine.iter().map(|a| a.request_id()).collect::<Vec<_>>(),
        [&request.id]
    );
    assert!(second
        .approvals()
        .list_mine()
        .collect()
        .await
        .unwrap()
        .is_empty());

    // The second approver cannot decide the first stage: Graph's 403.
    let stages = second
        .approvals()
        .stages(request.id.clone())
        .collect()
        .await
        .unwrap();
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0].status.as_deref(), Some("InProgress"));
    assert_eq!(stages[1].status.as_deref(), Some("Initializing"));
    assert!(stages[0].reviewer().is_none() && stages[1].reviewer().is_none());
    let err = second
        .approvals()
        .approve(request.id.clone(), stages[0].id.clone())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_forbidden(), "{err}");
    // Nor "decide mine" before its stage starts: nothing is patched.
    let err = second
        .approvals()
        .decide_mine(request.id.clone(), Decision::Deny)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");

    // First approver approves; the request waits for the second stage.
    let decided = first
        .approvals()
        .decide_mine(request.id.clone(), Decision::Approve)
        .justification("fits the role")
        .send()
        .await
        .unwrap();
    assert_eq!(decided, stages[0].id);
    assert_eq!(
        state_of(&requester, &request.id).await,
        RequestState::PendingApproval
    );

    // Deciding the same stage again: Graph's 409, typed.
    let err = first
        .approvals()
        .approve(request.id.clone(), stages[0].id.clone())
        .justification("again")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(409), "{err}");

    // Second approver denies: the request ends denied.
    let approval = second
        .approvals()
        .get(request.id.clone())
        .send()
        .await
        .unwrap();
    let pending = approval.pending_stage_for_me().unwrap().id.clone();
    second
        .approvals()
        .deny(request.id.clone(), pending)
        .justification("budget frozen")
        .send()
        .await
        .unwrap();
    assert_eq!(
        state_of(&requester, &request.id).await,
        RequestState::Denied
    );
    let stages = first
        .approvals()
        .stages(request.id.clone())
        .collect()
        .await
        .unwrap();
    assert_eq!(stages[0].review_result.as_deref(), Some("Approved"));
    assert_eq!(stages[1].review_result.as_deref(), Some("Denied"));
    assert!(stages[0].is_approved() && stages[1].is_denied());
    assert_eq!(stages[1].justification.as_deref(), Some("budget frozen"));
    assert_eq!(
        stages[1].reviewed_by.as_ref().and_then(|r| r.id.as_deref()),
        Some(w.second.as_str())
    );

    // Another request, approved by both: delivered.
    let other = as_user(&w, &w.second_requester);
    let request = other
        .assignment_requests()
        .user_add(w.pkg.clone(), w.policy.clone())
        .send()
        .await
        .unwrap();
    w.fake.settle();
    first
        .approvals()
        .decide_mine(request.id.clone(), Decision::Approve)
        .send()
        .await
        .unwrap();
    second
        .approvals()
        .decide_mine(request.id.clone(), Decision::Approve)
        .justification("ok")
        .send()
        .await
        .unwrap();
    assert_eq!(
        state_of(&other, &request.id).await,
        RequestState::Delivering
    );
    w.fake.settle();
    assert_eq!(state_of(&other, &request.id).await, RequestState::Delivered);
    let mine = other
        .assignments()
        .filter_by_current_user(AssignmentsOfCurrentUser::Target)
        .collect()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
}

#[tokio::test]
async fn unknown_ids_are_not_found_and_bad_justifications_are_refused_before_sending() {
    let w = world().await;
    let first = as_user(&w, &w.first);
    let err = first
        .approvals()
        .get("00000000-0000-0000-0000-00000000dead")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = first
        .approvals()
        .decide_mine("00000000-0000-0000-0000-00000000dead", Decision::Approve)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    let before = w.fake.received().len();
    for builder in [
        first.approvals().approve("r-1", "s-1").justification(""),
        first.approvals().deny("r-1", "s-1").justification(" \t"),
        first
            .approvals()
            .approve("r-1", "s-1")
            .require_justification(),
        first
            .approvals()
            .decide_mine("r-1", Decision::Deny)
            .justification(""),
    ] {
        let err = builder.send().await.unwrap_err();
        assert!(err.is_invalid_input(), "{err}");
    }
    assert_eq!(w.fake.received().len(), before, "nothing was sent");
}

#[tokio::test]
async fn every_delegated_only_operation_refuses_an_app_only_token_once() {
    let w = world().await;
    // A request to act on, made by a signed-in user.
    let request = as_user(&w, &w.requester)
        .assignment_requests()
        .user_add(w.pkg.clone(), w.policy.clone())
        .send()
        .await
        .unwrap();
    w.fake.settle();
    let app = w.fake.client().unwrap();
    let other_pkg = w.fake.add_access_package(AccessPackageSeed::new("Finance"));

    let mut errors = Vec::new();
    errors.push(app.approvals().list_mine().send().await.map(|_| ()));
    errors.push(
        app.approvals()
            .get(request.id.clone())
            .send()
            .await
            .map(|_| ()),
    );
    errors.push(
        app.approvals()
            .stages(request.id.clone())
            .send()
            .await
            .map(|_| ()),
    );
    errors.push(
        app.approvals()
            .approve(request.id.clone(), "stage")
            .send()
            .await
            .map(|_| ()),
    );
    errors.push(
        app.assignment_requests()
            .cancel(request.id.clone())
            .send()
            .await,
    );
    errors.push(
        app.assignment_requests()
            .filter_by_current_user(RequestsOfCurrentUser::Target)
            .send()
            .await
            .map(|_| ()),
    );
    errors.push(
        app.assignments()
            .filter_by_current_user(AssignmentsOfCurrentUser::Target)
            .send()
            .await
            .map(|_| ()),
    );
    errors.push(
        app.assignments()
            .additional_access(w.pkg.clone(), other_pkg)
            .send()
            .await
            .map(|_| ()),
    );
    errors.push(
        app.assignment_requests()
            .user_add(w.pkg.clone(), w.policy.clone())
            .send()
            .await
            .map(|_| ()),
    );
    assert_eq!(errors.len(), 9);
    for result in errors {
        let err = result.unwrap_err();
        assert!(err.is_forbidden(), "{err}");
        assert!(!err.is_retryable(), "{err}");
        assert!(err.to_string().contains("signed-in user"), "{err}");
    }
    // Each was sent once: 403 is not retried.
    let refused: Vec<_> = w
        .fake
        .received()
        .into_iter()
        .filter(|r| r.status == 403)
        .collect();
    assert_eq!(refused.len(), 9, "{refused:#?}");
    // The request is untouched.
    assert_eq!(
        state_of(&as_user(&w, &w.requester), &request.id).await,
        RequestState::PendingApproval
    );
}

/// Graph's vocabulary (`resources/approvalstage.md`): only an `InProgress`,
/// `NotReviewed` stage assigned to the user is theirs to decide; a stage
/// still `Initializing` is not, and values Graph adds later are kept.
#[test]
fn only_an_in_progress_unreviewed_stage_is_decidable_and_unknown_values_are_kept() {
    use entra_access::models::{Approval, ApprovalDecisionStage};
    let stage = |status: &str, result: &str| -> ApprovalDecisionStage {
        serde_json::from_value(serde_json::json!({
            "id": "s", "assignedToMe": true, "status": status, "reviewResult": result,
            "reviewedBy": {"id": "00000000-0000-0000-0000-000000000000", "displayName": null}
        }))
        .unwrap()
    };
    assert!(stage("InProgress", "NotReviewed").is_pending_for_me());
    assert!(!stage("Initializing", "NotReviewed").is_pending_for_me());
    assert!(!stage("Completed", "Approved").is_pending_for_me());
    assert!(!stage("Expired", "NotReviewed").is_pending_for_me());
    assert!(stage("Completed", "Approved").is_approved());
    assert!(stage("Completed", "Denied").is_denied());
    assert!(stage("InProgress", "NotReviewed").reviewer().is_none());

    let future = stage("Escalating", "Deferred");
    assert!(!future.is_pending_for_me() && !future.is_approved() && !future.is_denied());
    let back = serde_json::to_value(&future).unwrap();
    assert_eq!(
        (back["status"].as_str(), back["reviewResult"].as_str()),
        (Some("Escalating"), Some("Deferred"))
    );

    let approval: Approval = serde_json::from_value(serde_json::json!({
        "id": "r", "stages": [
            {"id": "later", "assignedToMe": true, "status": "Initializing", "reviewResult": "NotReviewed"},
            {"id": "now", "assignedToMe": true, "status": "InProgress", "reviewResult": "NotReviewed"}
        ]
    }))
    .unwrap();
    assert_eq!(approval.pending_stage_for_me().unwrap().id, "now");
}

#[tokio::test]
async fn a_stage_that_requires_the_approvers_justification_refuses_a_decision_without_one() {
    let fake = FakeGraph::builder().manual_progress().start().await;
    let requester = fake.add_user(UserSeed::new("Rita Requester"));
    let approver = fake.add_user(UserSeed::new("Fiona First"));
    let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
    let policy = fake.add_policy(
        PolicySeed::new("Say why", &pkg)
            .allow_self_add(true)
            .approval_stage([&approver])
            .require_approver_justification(true),
    );
    let request = fake
        .delegated_client_for(&requester)
        .unwrap()
        .assignment_requests()
        .user_add(pkg, policy.clone())
        .send()
        .await
        .unwrap();
    fake.settle();
    let as_approver = fake.delegated_client_for(&approver).unwrap();
    let err = as_approver
        .approvals()
        .decide_mine(request.id.clone(), Decision::Approve)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert!(
        err.to_string().contains("isApproverJustificationRequired"),
        "{err}"
    );
    assert_eq!(
        fake.assignment_request(&request.id).unwrap().state,
        RequestState::PendingApproval
    );

    // The policy says so: the crate refuses before sending once it knows.
    let read = as_approver
        .assignment_policies()
        .get(policy)
        .send()
        .await
        .unwrap();
    let settings = &read.request_approval_settings.unwrap().stages[0];
    let before = fake.received().len();
    let err = as_approver
        .approvals()
        .approve(request.id.clone(), "any-stage")
        .policy_stage(settings)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    assert_eq!(fake.received().len(), before);

    as_approver
        .approvals()
        .decide_mine(request.id.clone(), Decision::Approve)
        .justification("fits the role")
        .send()
        .await
        .unwrap();
    assert_eq!(
        fake.assignment_request(&request.id).unwrap().state,
        RequestState::Delivering
    );
}

/// The v1.0 cancel page: end users cancel their own requests; cancelling
/// someone else's takes an administrator role.
#[tokio::test]
async fn only_the_requestor_or_an_administrator_may_cancel_a_request() {
    use entra_access_fake::UserAccess;
    let w = world().await;
    let own = as_user(&w, &w.requester)
        .assignment_requests()
        .user_add(w.pkg.clone(), w.policy.clone())
        .send()
        .await
        .unwrap();
    let others = as_user(&w, &w.second_requester)
        .assignment_requests()
        .user_add(w.pkg.clone(), w.policy.clone())
        .send()
        .await
        .unwrap();
    // The requestor is an end user: the self-service scope, no admin role.
    w.fake.set_user_access(
        &w.requester,
        UserAccess::new().scopes(["EntitlementMgmt-SubjectAccess.ReadWrite"]),
    );
    let requester = as_user(&w, &w.requester);
    let err = requester
        .assignment_requests()
        .cancel(others.id.clone())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_forbidden(), "{err}");
    assert!(err.to_string().contains("only their own requests"), "{err}");
    assert_eq!(
        w.fake.assignment_request(&others.id).unwrap().state,
        RequestState::Submitted
    );
    requester
        .assignment_requests()
        .cancel(own.id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        w.fake.assignment_request(&own.id).unwrap().state,
        RequestState::Canceled
    );
    // An administrator (the default access) cancels anyone's.
    as_user(&w, &w.first)
        .assignment_requests()
        .cancel(others.id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        w.fake.assignment_request(&others.id).unwrap().state,
        RequestState::Canceled
    );
}
