//! Compile-time promises of the public shape: the client and everything it
//! hands out can move across tasks and threads, and owns its data.

use entra_access::api::{AdminAdd, AdminRemove, Get, List, WaitUntilFinal, WatchRequest};
use entra_access::models::{AccessPackage, Assignment, AssignmentRequest, DirectoryObject};
use entra_access::paging::{ItemStream, PageStream};
use entra_access::{Client, Error};
use entra_access_ops::{BulkAssign, Report};

fn send_sync_static<T: Send + Sync + 'static>() {}
fn send_static<T: Send + 'static>() {}

#[test]
fn the_client_and_its_builders_are_send_sync_and_owned() {
    send_sync_static::<Client>();
    send_sync_static::<Error>();
    send_sync_static::<List<Assignment>>();
    send_sync_static::<List<AssignmentRequest>>();
    send_sync_static::<List<DirectoryObject>>();
    send_sync_static::<Get<AccessPackage>>();
    send_sync_static::<Get<serde_json::Value>>();
    send_sync_static::<AdminAdd>();
    send_sync_static::<AdminRemove>();
    send_sync_static::<BulkAssign>();
    send_sync_static::<Report>();
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
