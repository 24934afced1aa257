//! One list shape: `resume` on every list, a typed list of any collection
//! through `client.raw().list::<T>(path)` with the same paging, and the
//! same `Get<T>` through `client.raw().get::<T>(path)`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::*;
use futures::TryStreamExt;
use serde::Deserialize;
use serde_json::json;
use wiremock::MockServer;

/// Serves one page at `path` for `$skiptoken=s2` and returns its link.
async fn second_page(server: &MockServer, path: &str, items: Vec<serde_json::Value>) -> String {
    mount_page(server, path, Some("s2"), page(items, None)).await;
    next_link(server, path, "s2")
}

#[tokio::test]
async fn every_list_resumes_from_a_saved_next_link() {
    let graph = MockServer::start().await;
    let id = |n: &str| json!({"id": n});
    let packages = second_page(&graph, &format!("{EM}/accessPackages"), vec![id("p1")]).await;
    let policies = second_page(
        &graph,
        &format!("{EM}/assignmentPolicies"),
        vec![id("a"), id("b")],
    )
    .await;
    let assignments_link =
        second_page(&graph, &format!("{EM}/assignments"), assignments(0..3)).await;
    let requests = second_page(&graph, &format!("{EM}/assignmentRequests"), vec![id("r1")]).await;
    let members = second_page(
        &graph,
        "/v1.0/groups/grp-1/members",
        vec![json!({"@odata.type": "#microsoft.graph.user", "id": "u1"})],
    )
    .await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let n = client
        .access_packages()
        .resume(&packages)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(n.len(), 1);
    let n = client
        .assignment_policies()
        .resume(&policies)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].items().len(), 2);
    let n = client
        .assignments()
        .resume(&assignments_link)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(n[0].items().len(), 3);
    let n = client
        .assignment_requests()
        .resume(&requests)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(n[0].items()[0].id.as_str(), "r1");
    let n = client
        .groups()
        .resume(&members)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(n[0].items()[0].id.as_str(), "u1");
    let n = client
        .raw()
        .resume::<serde_json::Value>(&packages)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(n[0].items()[0]["id"], "p1");
    assert_eq!(graph.received_requests().await.unwrap().len(), 6);
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Catalog {
    id: String,
    display_name: String,
}

#[tokio::test]
async fn a_raw_typed_list_streams_across_pages() {
    let graph = MockServer::start().await;
    let path = format!("{EM}/catalogs");
    let catalog = |n: u32| json!({"id": format!("cat-{n}"), "displayName": format!("Catalog {n}")});
    mount_page(
        &graph,
        &path,
        None,
        page(
            vec![catalog(1), catalog(2)],
            Some(&next_link(&graph, &path, "p2")),
        ),
    )
    .await;
    mount_page(&graph, &path, Some("p2"), page(vec![catalog(3)], None)).await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    let all: Vec<Catalog> = client
        .raw()
        .list::<Catalog>("identityGovernance/entitlementManagement/catalogs")
        .select(["id", "displayName"])
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["cat-1", "cat-2", "cat-3"]
    );
    assert_eq!(all[2].display_name, "Catalog 3");
    let received = graph.received_requests().await.unwrap();
    assert_eq!(
        received[0].url.query(),
        Some("$select=id,displayName&$top=999")
    );
    assert_eq!(received[1].url.query(), Some("$skiptoken=p2"));
}

#[tokio::test]
async fn a_raw_list_path_off_the_graph_root_is_refused_before_sending() {
    let graph = MockServer::start().await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);
    for bad in [
        "https://evil.example/v1.0/catalogs",
        "../beta/catalogs",
        "catalogs/../../x",
        "catalogs?$top=5",
        "",
    ] {
        let err = client
            .raw()
            .list::<serde_json::Value>(bad)
            .collect()
            .await
            .unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err}");
    }
    assert!(graph.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_raw_get_sends_the_query_it_was_given_and_its_own_options() {
    let graph = MockServer::start().await;
    let path = format!("{EM}/catalogs/cat-1");
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path(path.as_str()))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(json!({"id": "cat-1", "displayName": "General"})),
        )
        .expect(1)
        .mount(&graph)
        .await;
    mount_catch_all(&graph).await;
    let client = client_for(&graph);

    // A `+` written as `%2B` stays a plus; one written bare is a space, as
    // Graph reads it.
    let catalog: Catalog = client
        .raw()
        .get("identityGovernance/entitlementManagement/catalogs/cat-1?$expand=x%2By+z")
        .select(["id", "displayName"])
        .send()
        .await
        .unwrap();
    assert_eq!(catalog.display_name, "General");
    let received = graph.received_requests().await.unwrap();
    assert_eq!(
        received[0].url.query(),
        Some("$expand=x%2By%20z&$select=id,displayName")
    );

    for bad in ["https://evil.example/v1.0/me", "me/../../beta/x", ""] {
        let err = client
            .raw()
            .get::<serde_json::Value>(bad)
            .send()
            .await
            .unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err}");
    }
    assert_eq!(graph.received_requests().await.unwrap().len(), 1);
}
