//! Compile-time promises of the public shape: the client and everything it
//! hands out can move across tasks and threads, and owns its data; every
//! builder that ends in one answer can be awaited directly.

use entra_access::api::{
    AdminAdd, AdminRemove, ListAssignmentRequests, ListAssignments, ListMembers, WaitUntilFinal,
    WatchRequest,
};
use entra_access::models::{Assignment, AssignmentRequest};
use entra_access::paging::{ItemStream, PageStream};
use entra_access::{Client, Error};
use entra_access_ops::{BulkAssign, BulkReport};

fn send_sync_static<T: Send + Sync + 'static>() {}
fn send_static<T: Send + 'static>() {}

#[test]
fn the_client_and_its_builders_are_send_sync_and_owned() {
    send_sync_static::<Client>();
    send_sync_static::<Error>();
    send_sync_static::<ListAssignments>();
    send_sync_static::<ListAssignmentRequests>();
    send_sync_static::<ListMembers>();
    send_sync_static::<AdminAdd>();
    send_sync_static::<AdminRemove>();
    send_sync_static::<BulkAssign>();
    send_sync_static::<BulkReport>();
    send_static::<WaitUntilFinal>();
    send_static::<WatchRequest>();
}

#[test]
fn streams_are_send_and_owned() {
    send_static::<ItemStream<Assignment>>();
    send_static::<PageStream<AssignmentRequest>>();
}

#[tokio::test]
async fn a_stream_can_be_drained_on_another_task() {
    use entra_access_fake::{AccessPackageSeed, AssignmentSeed, FakeGraph, PolicySeed, UserSeed};
    use futures::TryStreamExt;
    let fake = FakeGraph::builder().page_size(1).start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("P"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    for name in ["Ada", "Bob", "Cy"] {
        let user = fake.add_user(UserSeed::new(name));
        fake.add_assignment(AssignmentSeed::new(&pkg, &policy, &user));
    }
    let client = fake.client().unwrap();
    let stream = client.assignments().list().stream();
    let items = tokio::spawn(async move { stream.try_collect::<Vec<_>>().await })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(items.len(), 3, "three pages of one item each");
}

/// `B` can be awaited (on any task) and gives what its `send()` gives.
fn awaitable<B, T>()
where
    B: std::future::IntoFuture<Output = entra_access::Result<T>>,
    B::IntoFuture: Send + 'static,
{
}

#[test]
fn every_single_answer_builder_is_awaitable() {
    use entra_access::api::*;
    use entra_access::models::{AccessPackage, Approval, AssignmentPolicy, Catalog};
    awaitable::<GetAccessPackage, AccessPackage>();
    awaitable::<FindAccessPackage, Option<AccessPackage>>();
    awaitable::<ResolveAccessPackage, AccessPackage>();
    awaitable::<GetAssignmentPolicy, AssignmentPolicy>();
    awaitable::<GetAssignment, Assignment>();
    awaitable::<ReprocessAssignment, ()>();
    awaitable::<RemoveAssignmentsFor, RemoveFor>();
    awaitable::<GetAssignmentRequest, AssignmentRequest>();
    awaitable::<AdminAdd, AssignmentRequest>();
    awaitable::<UserAdd, AssignmentRequest>();
    awaitable::<AdminUpdate, AssignmentRequest>();
    awaitable::<AdminRemove, AssignmentRequest>();
    awaitable::<RequestAction, ()>();
    awaitable::<WaitUntilFinal, AssignmentRequest>();
    awaitable::<GetApproval, Approval>();
    awaitable::<DecideStage, String>();
    awaitable::<GetCatalog, Catalog>();
}

/// Awaiting a builder sends it exactly as `send()` does.
#[tokio::test]
async fn awaiting_a_builder_is_sending_it() {
    use entra_access::api::{PackageRef, RemoveFor, Target};
    use entra_access::models::{RequestState, RequestType};
    use entra_access_fake::{
        AccessPackageSeed, AssignmentSeed, FakeGraph, PolicySeed, RequestSeed, UserSeed,
    };
    use std::time::Duration;

    let fake = FakeGraph::start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Sales"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let (ada, bob, cy) = (
        fake.add_user(UserSeed::new("Ada")),
        fake.add_user(UserSeed::new("Bob")),
        fake.add_user(UserSeed::new("Cy")),
    );
    let asg = fake.add_assignment(AssignmentSeed::new(&pkg, &policy, &bob));
    let done = fake.add_request(
        RequestSeed::new(RequestType::AdminAdd, &pkg, &policy, &cy).state(RequestState::Delivered),
    );
    let client = fake.client().unwrap();
    let packages = client.access_packages();

    let awaited = packages.get(&pkg).expand_policies().await.unwrap();
    assert_eq!(
        awaited,
        packages.get(&pkg).expand_policies().send().await.unwrap()
    );
    assert_eq!(awaited.display_name.as_deref(), Some("Sales"));
    assert_eq!(
        packages
            .resolve(PackageRef::name("Sales"))
            .await
            .unwrap()
            .id,
        pkg
    );
    assert_eq!(
        packages
            .find_by_display_name("Sales")
            .await
            .unwrap()
            .unwrap()
            .id,
        pkg
    );
    assert_eq!(
        client.assignment_policies().get(&policy).await.unwrap().id,
        policy
    );
    assert_eq!(client.assignments().get(&asg).await.unwrap().id, asg);
    client.assignments().reprocess(&asg).await.unwrap();
    assert!(client
        .assignments()
        .remove_for(&pkg, &ada)
        .await
        .unwrap()
        .is_not_assigned());

    let requests = client.assignment_requests();
    let before = fake.received().len();
    let created = requests
        .admin_add(&pkg, &policy, Target::user(&ada))
        .justification("awaited")
        .await
        .unwrap();
    assert_eq!(created.request_type, Some(RequestType::AdminAdd));
    assert_eq!(
        fake.received().len(),
        before + 1,
        "one POST, as send() makes"
    );
    let removal = requests.admin_remove(&asg).await.unwrap();
    assert_eq!(removal.request_type, Some(RequestType::AdminRemove));
    let finished = requests
        .wait_until_final(&done)
        .poll_interval(Duration::from_millis(10))
        .await
        .unwrap();
    assert_eq!(finished.state, Some(RequestState::Delivered));
    assert_eq!(requests.get(&done).await.unwrap().id, done);
    let _: RemoveFor = client.assignments().remove_for(&pkg, &cy).await.unwrap();
}
