//! Every list builder on the wire: the exact path and query it sends,
//! `$top` refused before anything is sent, find-by-name, and members split
//! by kind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use crate::common;

use chrono::TimeZone;
use common::*;
use entra_access::api::{AssignmentsOfCurrentUser, RequestsOfCurrentUser};
use entra_access::models::{AssignmentState, DirectoryObjectKind, RequestState};
use entra_access::odata::{Filter, Path};
use entra_access::{Client, ErrorKind};
use futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A server with a catch-all and a client for it.
async fn graph() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = client_for(&server);
    (server, client)
}

/// The one request `server` received.
async fn only_request(server: &MockServer) -> Request {
    let mut received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "expected exactly one request");
    received.remove(0)
}

fn empty_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(page(Vec::new(), None))
}

#[tokio::test]
async fn access_packages_by_exact_name_with_policies() {
    let (server, client) = graph().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/accessPackages")))
        .and(query_param(
            "$filter",
            "displayName eq 'Sales & Marketing''s'",
        ))
        .and(query_param("$expand", "assignmentPolicies"))
        .and(query_param("$top", "50"))
        .respond_with(empty_page())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let found = client
        .access_packages()
        .list()
        .display_name_eq("Sales & Marketing's")
        .expand_policies()
        .top(50)
        .collect()
        .await
        .unwrap();

    assert!(found.is_empty());
    let req = only_request(&server).await;
    assert_eq!(
        req.url.query(),
        Some(
            "$filter=displayName%20eq%20%27Sales%20%26%20Marketing%27%27s%27\
             &$expand=assignmentPolicies&$top=50"
        )
    );
}

#[tokio::test]
async fn access_packages_by_name_fragment_ignore_case() {
    let (server, client) = graph().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/accessPackages")))
        .and(query_param(
            "$filter",
            "contains(tolower(displayName),'zoë hr') and displayName eq 'Zoë HR'",
        ))
        .respond_with(empty_page())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    client
        .access_packages()
        .list()
        .display_name_contains("Zoë HR")
        .filter(Filter::eq(Path::DISPLAY_NAME, "Zoë HR"))
        .send()
        .await
        .unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        req.url.query(),
        Some("$filter=contains(tolower(displayName),%27zo%C3%AB%20hr%27)%20and%20displayName%20eq%20%27Zo%C3%AB%20HR%27")
    );
}

#[tokio::test]
async fn a_plain_list_sends_no_query_for_one_page_and_the_largest_page_to_drain() {
    let (server, client) = graph().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/accessPackages")))
        .respond_with(empty_page())
        .expect(2)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    client.access_packages().list().send().await.unwrap();
    client.access_packages().list().collect().await.unwrap();

    let received = server.received_requests().await.unwrap();
    let queries: Vec<_> = received.iter().map(|r| r.url.query()).collect();
    assert_eq!(queries, [None, Some("$top=999")]);
}

#[tokio::test]
async fn assignment_policies_with_filter_expand_and_top() {
    let (server, client) = graph().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignmentPolicies")))
        .and(query_param("$filter", "displayName eq 'Sales'"))
        .and(query_param("$expand", "accessPackage"))
        .and(query_param("$top", "10"))
        .respond_with(empty_page())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    client
        .assignment_policies()
        .list()
        .filter(Filter::eq(Path::DISPLAY_NAME, "Sales"))
        .expand_access_package()
        .top(10)
        .collect()
        .await
        .unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        req.url.query(),
        Some("$filter=displayName%20eq%20%27Sales%27&$expand=accessPackage&$top=10")
    );
}

#[tokio::test]
async fn policies_of_a_package_come_through_the_package_expansion() {
    let (server, client) = graph().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/accessPackages/pkg-1")))
        .and(query_param("$expand", "assignmentPolicies"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "pkg-1",
            "displayName": "Marketing",
            "assignmentPolicies": [
                {"id": "pol-1", "displayName": "Employees"},
                {"id": "pol-2", "displayName": "Guests"}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/accessPackages/pkg-2")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "pkg-2", "displayName": "X"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let policies = client
        .assignment_policies()
        .for_package("pkg-1")
        .await
        .unwrap();
    let ids: Vec<String> = policies.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(ids, ["pol-1", "pol-2"]);

    let err = client
        .assignment_policies()
        .for_package("pkg-2")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn assignments_with_every_option() {
    let (server, client) = graph().await;
    let filter = "accessPackage/id eq 'pkg-1' and assignmentPolicy/id eq 'pol-1' \
                  and (state eq 'delivered' or state eq 'partiallyDelivered') \
                  and target/objectId eq 'usr-1'";
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignments")))
        .and(query_param("$filter", filter))
        .and(query_param(
            "$expand",
            "target,accessPackage,assignmentPolicy",
        ))
        .and(query_param("$select", "id,state,target"))
        .and(query_param("$top", "999"))
        .respond_with(empty_page())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    client
        .assignments()
        .list()
        .access_package("pkg-1")
        .assignment_policy("pol-1")
        .states([
            AssignmentState::Delivered,
            AssignmentState::PartiallyDelivered,
        ])
        .target_object_id("usr-1")
        .expand_target()
        .expand_access_package()
        .expand_policies()
        .select(["id", "state", "target"])
        .top(999)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        req.url.query(),
        Some(
            "$filter=accessPackage/id%20eq%20%27pkg-1%27%20and%20assignmentPolicy/id%20eq%20%27pol-1%27\
             %20and%20(state%20eq%20%27delivered%27%20or%20state%20eq%20%27partiallyDelivered%27)\
             %20and%20target/objectId%20eq%20%27usr-1%27\
             &$expand=target,accessPackage,assignmentPolicy&$select=id,state,target&$top=999"
        )
    );
}

#[tokio::test]
async fn assignments_of_the_signed_in_user_and_additional_access() {
    let (server, client) = graph().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "{EM}/assignments/filterByCurrentUser(on='target')"
        )))
        .and(query_param("$filter", "state eq 'delivered'"))
        .respond_with(empty_page())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "{EM}/assignments/filterByCurrentUser(on='createdBy')"
        )))
        .respond_with(empty_page())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "{EM}/assignments/additionalAccess(accessPackageId='pkg-1',incompatibleAccessPackageId='pkg-2')"
        )))
        .and(query_param("$expand", "target"))
        .respond_with(empty_page())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let a = client.assignments();
    a.filter_by_current_user(AssignmentsOfCurrentUser::Target)
        .state(AssignmentState::Delivered)
        .collect()
        .await
        .unwrap();
    a.filter_by_current_user(AssignmentsOfCurrentUser::CreatedBy)
        .collect()
        .await
        .unwrap();
    a.additional_access("pkg-1", "pkg-2")
        .expand_target()
        .collect()
        .await
        .unwrap();

    let received = server.received_requests().await.unwrap();
    let raw: Vec<(String, Option<String>)> = received
        .iter()
        .map(|r| (r.url.path().to_owned(), r.url.query().map(str::to_owned)))
        .collect();
    assert_eq!(
        raw,
        vec![
            (
                format!("{EM}/assignments/filterByCurrentUser(on='target')"),
                Some("$filter=state%20eq%20%27delivered%27&$top=999".to_owned())
            ),
            (
                format!("{EM}/assignments/filterByCurrentUser(on='createdBy')"),
                Some("$top=999".to_owned())
            ),
            (
                format!(
                    "{EM}/assignments/additionalAccess(accessPackageId='pkg-1',incompatibleAccessPackageId='pkg-2')"
                ),
                Some("$expand=target&$top=999".to_owned())
            ),
        ]
    );
}

#[tokio::test]
async fn assignment_requests_with_every_option() {
    let (server, client) = graph().await;
    let after = chrono::Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap();
    let before = chrono::Utc.with_ymd_and_hms(2024, 6, 1, 12, 30, 0).unwrap();
    let filter = "accessPackage/id eq 'pkg-1' and (state eq 'pendingApproval' or state eq 'submitted') \
                  and createdDateTime ge 2024-05-01T00:00:00Z and createdDateTime lt 2024-06-01T12:30:00Z";
    Mock::given(method("GET"))
        .and(path(format!("{EM}/assignmentRequests")))
        .and(query_param("$filter", filter))
        .and(query_param("$expand", "assignment,accessPackage,requestor"))
        .and(query_param("$top", "20"))
        .respond_with(empty_page())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "{EM}/assignmentRequests/filterByCurrentUser(on='approver')"
        )))
        .and(query_param("$filter", "state eq 'pendingApproval'"))
        .respond_with(empty_page())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let r = client.assignment_requests();
    r.list()
        .access_package("pkg-1")
        .states([RequestState::PendingApproval, RequestState::Submitted])
        .created_after(after)
        .created_before(before)
        .expand_assignment()
        .expand_access_package()
        .expand_requestor()
        .top(20)
        .collect()
        .await
        .unwrap();
    r.filter_by_current_user(RequestsOfCurrentUser::Approver)
        .state(RequestState::PendingApproval)
        .collect()
        .await
        .unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].url.query(),
        Some(
            "$filter=accessPackage/id%20eq%20%27pkg-1%27\
             %20and%20(state%20eq%20%27pendingApproval%27%20or%20state%20eq%20%27submitted%27)\
             %20and%20createdDateTime%20ge%202024-05-01T00:00:00Z\
             %20and%20createdDateTime%20lt%202024-06-01T12:30:00Z\
             &$expand=assignment,accessPackage,requestor&$top=20"
        )
    );
    assert_eq!(
        received[1].url.query(),
        Some("$filter=state%20eq%20%27pendingApproval%27&$top=999")
    );
}

#[tokio::test]
async fn group_members_ask_for_the_fields_they_decode() {
    let (server, client) = graph().await;
    for relation in ["members", "transitiveMembers"] {
        Mock::given(method("GET"))
            .and(path(format!("/v1.0/groups/grp-1/{relation}")))
            .and(query_param(
                "$select",
                "id,displayName,userPrincipalName,mail",
            ))
            .and(query_param("$top", "999"))
            .respond_with(empty_page())
            .expect(1)
            .mount(&server)
            .await;
    }
    mount_catch_all(&server).await;

    client
        .groups()
        .members("grp-1")
        .top(999)
        .collect()
        .await
        .unwrap();
    client
        .groups()
        .transitive_members("grp-1")
        .top(999)
        .collect()
        .await
        .unwrap();

    for req in server.received_requests().await.unwrap() {
        assert_eq!(
            req.url.query(),
            Some("$select=id,displayName,userPrincipalName,mail&$top=999")
        );
    }
}

#[tokio::test]
async fn top_out_of_range_is_refused_before_anything_is_sent() {
    let (server, client) = graph().await;
    mount_catch_all(&server).await;

    for top in [0, 1000] {
        let list = client.assignments().list().top(top);
        assert_eq!(list.request().unwrap_err().kind(), ErrorKind::InvalidInput);
        let err = list.clone().send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        assert!(err.to_string().contains("top"), "{err}");
        let err = list.clone().collect().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let err = list.clone().pages().try_next().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let mut stream = list.stream();
        let err = stream.try_next().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(
            stream.try_next().await.unwrap().is_none(),
            "ends after the error"
        );

        let errors = [
            client.access_packages().list().top(top).collect().await,
            client
                .assignment_policies()
                .list()
                .top(top)
                .collect()
                .await
                .map(|_| Vec::new()),
        ];
        for e in errors {
            assert_eq!(e.unwrap_err().kind(), ErrorKind::InvalidInput);
        }
        let e = client.assignment_requests().list().top(top).collect().await;
        assert_eq!(e.unwrap_err().kind(), ErrorKind::InvalidInput);
        let e = client.groups().members("grp-1").top(top).users_only().await;
        assert_eq!(e.unwrap_err().kind(), ErrorKind::InvalidInput);
    }

    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "a request was sent"
    );
}

#[tokio::test]
async fn bad_ids_are_refused_before_anything_is_sent() {
    let (server, client) = graph().await;
    mount_catch_all(&server).await;

    let errors = [
        client.groups().members("a/b").collect().await.map(|_| ()),
        client
            .groups()
            .transitive_members("")
            .collect()
            .await
            .map(|_| ()),
        client
            .assignments()
            .additional_access("pkg-1", "pkg-1")
            .collect()
            .await
            .map(|_| ()),
        client
            .assignments()
            .additional_access("pkg'1", "pkg-2")
            .collect()
            .await
            .map(|_| ()),
        client.assignments().get("x?y").send().await.map(|_| ()),
        client
            .assignment_policies()
            .for_package("p#1")
            .await
            .map(|_| ()),
    ];
    for e in errors {
        assert_eq!(e.unwrap_err().kind(), ErrorKind::InvalidInput);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

async fn mount_packages(server: &MockServer, name: &str, pages: Vec<Vec<serde_json::Value>>) {
    let p = format!("{EM}/accessPackages");
    let count = pages.len();
    for (i, items) in pages.into_iter().enumerate() {
        // Like Graph, the next link repeats the query options.
        let next = (i + 1 < count).then(|| {
            format!(
                "{}{p}?$filter=displayName%20eq%20%27{name}%27&$skiptoken=p{}",
                server.uri(),
                i + 2
            )
        });
        let mut mock = Mock::given(method("GET"))
            .and(path(p.as_str()))
            .and(query_param("$filter", format!("displayName eq '{name}'")));
        mock = match i {
            0 => mock.and(wiremock::matchers::query_param_is_missing("$skiptoken")),
            _ => mock.and(query_param("$skiptoken", format!("p{}", i + 1))),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page(items, next.as_deref())))
            .expect(1)
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn find_by_display_name_with_no_match_is_none() {
    let (server, client) = graph().await;
    mount_packages(&server, "Nobody", vec![vec![]]).await;
    mount_catch_all(&server).await;

    let found = client
        .access_packages()
        .find_by_display_name("Nobody")
        .send()
        .await
        .unwrap();
    assert!(found.is_none());
}

#[tokio::test]
async fn find_by_display_name_with_one_match_is_that_package() {
    let (server, client) = graph().await;
    mount_packages(
        &server,
        "Marketing",
        vec![vec![json!({"id": "pkg-1", "displayName": "Marketing"})]],
    )
    .await;
    mount_catch_all(&server).await;

    let found = client
        .access_packages()
        .find_by_display_name("Marketing")
        .send()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id.to_string(), "pkg-1");
    assert_eq!(found.display_name.as_deref(), Some("Marketing"));
}

#[tokio::test]
async fn find_by_display_name_with_two_matches_names_both() {
    let (server, client) = graph().await;
    // The second match is on the second page: every page is read.
    mount_packages(
        &server,
        "Marketing",
        vec![
            vec![json!({"id": "pkg-1", "displayName": "Marketing"})],
            vec![json!({"id": "pkg-2", "displayName": "Marketing"})],
        ],
    )
    .await;
    mount_catch_all(&server).await;

    let err = client
        .access_packages()
        .find_by_display_name("Marketing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Ambiguous);
    let text = err.to_string();
    assert!(text.contains("pkg-1") && text.contains("pkg-2"), "{text}");
}

#[tokio::test]
async fn find_by_display_name_can_expand_policies() {
    let (server, client) = graph().await;
    Mock::given(method("GET"))
        .and(path(format!("{EM}/accessPackages")))
        .and(query_param("$filter", "displayName eq 'Marketing'"))
        .and(query_param("$expand", "assignmentPolicies"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            vec![json!({"id": "pkg-1", "displayName": "Marketing", "assignmentPolicies": [{"id": "pol-1"}]})],
            None,
        )))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let found = client
        .access_packages()
        .find_by_display_name("Marketing")
        .expand_policies()
        .send()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.assignment_policies.unwrap().len(), 1);
}

#[tokio::test]
async fn users_only_splits_users_from_everything_else_across_pages() {
    let (server, client) = graph().await;
    let p = "/v1.0/groups/grp-1/members";
    let member =
        |kind: &str, id: &str| json!({"@odata.type": format!("#microsoft.graph.{kind}"), "id": id});
    mount_page(
        &server,
        p,
        None,
        page(
            vec![
                member("user", "u1"),
                member("group", "g1"),
                member("servicePrincipal", "sp1"),
            ],
            Some(&next_link(&server, p, "p2")),
        ),
    )
    .await;
    mount_page(
        &server,
        p,
        Some("p2"),
        page(
            vec![
                member("device", "d1"),
                member("user", "u2"),
                member("orgContact", "c1"),
                json!({"id": "x1"}),
            ],
            None,
        ),
    )
    .await;
    mount_catch_all(&server).await;

    let members = client.groups().members("grp-1").users_only().await.unwrap();

    let ids = |v: &[entra_access::models::DirectoryObject]| {
        v.iter().map(|m| m.id.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&members.users), ["u1", "u2"]);
    assert_eq!(ids(&members.others), ["g1", "sp1", "d1", "c1", "x1"]);
    let kinds: Vec<DirectoryObjectKind> = members.others.iter().map(|m| m.kind()).collect();
    assert_eq!(
        kinds,
        [
            DirectoryObjectKind::Group,
            DirectoryObjectKind::ServicePrincipal,
            DirectoryObjectKind::Device,
            DirectoryObjectKind::OrgContact,
            DirectoryObjectKind::Other(String::new()),
        ]
    );
}

#[tokio::test]
async fn argument_errors_read_as_they_were_raised() {
    let (server, client) = graph().await;
    mount_catch_all(&server).await;

    let err = client.groups().members("a/b").request().unwrap_err();
    assert_eq!(err.to_string(), "group id contains the character '/'");
    let err = client.groups().members("a/b").collect().await.unwrap_err();
    assert_eq!(err.to_string(), "group id contains the character '/'");
    let err = client
        .assignments()
        .additional_access("pkg-1", "pkg-1")
        .clone()
        .stream()
        .try_next()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "incompatible access package id must differ from the access package id"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// The typed setters send exactly what the general filter would, so the
/// two spellings can be mixed; `expand_policies` on every builder that can
/// include policies.
#[test]
fn typed_setters_send_what_the_general_filter_sends() {
    let client = Client::builder()
        .token_provider(entra_access::auth::StaticToken::new("t"))
        .build()
        .unwrap();
    let query = |r: entra_access::Result<entra_access::request::ApiRequest>| {
        r.unwrap().query_pairs().to_vec()
    };

    assert_eq!(
        query(
            client
                .assignments()
                .list()
                .target_object_id("usr-1")
                .request()
        ),
        query(
            client
                .assignments()
                .list()
                .filter(Filter::eq(Path::TARGET_OBJECT_ID, "usr-1"))
                .request()
        )
    );
    assert_eq!(
        query(
            client
                .access_packages()
                .list()
                .display_name_eq("Sales")
                .request()
        ),
        query(
            client
                .access_packages()
                .list()
                .filter(Filter::eq(Path::DISPLAY_NAME, "Sales"))
                .request()
        )
    );
    assert_eq!(
        client
            .assignments()
            .list()
            .target_object_id("usr-1")
            .request()
            .unwrap()
            .query_value("$filter"),
        Some("target/objectId eq 'usr-1'")
    );
    let expand = |r: entra_access::Result<entra_access::request::ApiRequest>| {
        r.unwrap().query_value("$expand").map(str::to_owned)
    };
    assert_eq!(
        expand(client.assignments().list().expand_policies().request()).as_deref(),
        Some("assignmentPolicy")
    );
    assert_eq!(
        expand(client.assignments().get("a").expand_policies().request()).as_deref(),
        Some("assignmentPolicy")
    );
    assert_eq!(
        expand(client.access_packages().list().expand_policies().request()).as_deref(),
        Some("assignmentPolicies")
    );
}
