//! CSV export: a multi-page assignment listing streamed to CSV with the
//! exact header, RFC 4180 quoting and CSV-injection guarding; bulk reports
//! as CSV; read and write failures.

use std::io;

use entra_access::models::{AssignmentState, ObjectId};
use entra_access_fake::{
    AccessPackageSeed, AssignmentSeed, FakeGraph, GroupSeed, PolicySeed, UserSeed,
};
use entra_access_ops::export::{assignments_csv, ExportError};

const ASSIGNMENT_HEADER: &str = "Id,State,TargetId,TargetObjectId,TargetDisplayName,TargetPrincipalName,TargetEmail,AccessPackageId,AssignmentPolicyId,StartDateTime,EndDateTime,ExpiredDateTime,Status";

/// Parses CSV text back into rows (the csv crate's reader, RFC 4180).
fn parse(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn a_multi_page_listing_streams_to_csv_with_escaping() {
    let fake = FakeGraph::builder().page_size(2).start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Finance"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let names = [
        ("Ada Lovelace", "ada@contoso.com"),
        ("=HYPERLINK(\"http://evil\",\"x\")", "formula@contoso.com"),
        ("Smith, \"Jo\"", "+plus@contoso.com"),
        ("-minus", "@at@contoso.com"),
        ("Line\nBreak", "lb@contoso.com"),
    ];
    let mut ids: Vec<ObjectId> = Vec::new();
    for (name, upn) in names {
        let u = fake.add_user(UserSeed::new(name).user_principal_name(upn).mail(upn));
        fake.add_assignment(
            AssignmentSeed::new(&pkg, &policy, &u).state(AssignmentState::Delivered),
        );
        ids.push(u);
    }
    let client = fake.client().unwrap();

    let stream = client
        .assignments()
        .list()
        .access_package(&pkg)
        .expand_target()
        .expand_access_package()
        .expand_policies()
        .stream();
    let mut out = Vec::new();
    let rows = assignments_csv(stream, &mut out).await.unwrap();

    assert_eq!(rows, 5);
    // Three pages were read.
    assert_eq!(
        fake.count(
            "GET",
            "/v1.0/identityGovernance/entitlementManagement/assignments"
        ),
        3
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with(&format!("{ASSIGNMENT_HEADER}\n")),
        "{text}"
    );
    let table = parse(&text);
    assert_eq!(table.len(), 6);
    assert_eq!(table[0].join(","), ASSIGNMENT_HEADER);
    let by_object: std::collections::HashMap<&str, &Vec<String>> =
        table[1..].iter().map(|r| (r[3].as_str(), r)).collect();

    let ada = by_object[ids[0].as_str()];
    assert_eq!(ada[1], "delivered");
    assert_eq!(ada[4], "Ada Lovelace");
    assert_eq!(ada[5], "ada@contoso.com");
    assert_eq!(ada[7], pkg.as_str());
    assert_eq!(ada[8], policy.as_str());
    assert!(!ada[2].is_empty(), "the subject id is filled");

    // Formula starters get a leading apostrophe; quotes and commas survive.
    let evil = by_object[ids[1].as_str()];
    assert_eq!(evil[4], "'=HYPERLINK(\"http://evil\",\"x\")");
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""),
        "{text}"
    );
    let smith = by_object[ids[2].as_str()];
    assert_eq!(smith[4], "Smith, \"Jo\"");
    assert_eq!(smith[5], "'+plus@contoso.com");
    let minus = by_object[ids[3].as_str()];
    assert_eq!(minus[4], "'-minus");
    assert_eq!(minus[5], "'@at@contoso.com");
    let lb = by_object[ids[4].as_str()];
    assert_eq!(lb[4], "Line\nBreak");
}

#[tokio::test]
async fn a_bulk_report_writes_one_guarded_row_per_person() {
    let fake = FakeGraph::start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Finance"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let a = fake.add_user(UserSeed::new("A").user_principal_name("=a@contoso.com"));
    let b = fake.add_user(UserSeed::new("B").user_principal_name("b@contoso.com"));
    let b_assignment = fake
        .add_assignment(AssignmentSeed::new(&pkg, &policy, &b).state(AssignmentState::Delivered));
    let group = fake.add_group(GroupSeed::new("G").members([&a, &b]));
    let client = fake.client().unwrap();

    let report = entra_access_ops::BulkAssign::group(&client, &pkg, &policy, &group)
        .dry_run(true)
        .run()
        .await
        .unwrap();
    let mut out = Vec::new();
    report.write_csv(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let table = parse(&text);

    assert_eq!(
        table[0].join(","),
        "Package,AccessPackageId,Person,PrincipalName,Action,Outcome,RequestId,AssignmentId,\
         ErrorCode,ErrorMessage,HttpStatus,GraphRequestId,ClientRequestId"
    );
    assert_eq!(table.len(), 3);
    let row_of = |who: &ObjectId| {
        table
            .iter()
            .find(|r| r[2] == who.as_str())
            .unwrap_or_else(|| panic!("no row for {who}: {text}"))
            .clone()
    };
    assert_eq!(
        row_of(&a),
        [
            pkg.as_str(),
            pkg.as_str(),
            a.as_str(),
            "'=a@contoso.com",
            "Add",
            "Planned",
            "",
            "",
            "",
            "",
            "",
            "",
            ""
        ]
    );
    assert_eq!(
        row_of(&b),
        [
            pkg.as_str(),
            pkg.as_str(),
            b.as_str(),
            "b@contoso.com",
            "Skip(alreadyDelivered)",
            "Skipped",
            "",
            b_assignment.as_str(),
            "",
            "",
            "",
            "",
            ""
        ]
    );
}

struct BrokenWriter;

impl io::Write for BrokenWriter {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("disk full"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Err(io::Error::other("disk full"))
    }
}

#[tokio::test]
async fn read_and_write_failures_are_told_apart() {
    let fake = FakeGraph::start().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Finance"));
    let client = fake.client().unwrap();

    // Graph fails mid-listing: a read error.
    fake.fail_next(500, "generalException");
    let stream = client.assignments().list().access_package(&pkg).stream();
    let err = assignments_csv(stream, Vec::new()).await.unwrap_err();
    match &err {
        ExportError::Read(e) => assert_eq!(e.status(), Some(500)),
        other => panic!("expected a read error, got {other:?}"),
    }

    // The writer fails: a write error, whatever Graph does.
    let stream = client.assignments().list().access_package(&pkg).stream();
    let err = assignments_csv(stream, BrokenWriter).await.unwrap_err();
    assert!(matches!(err, ExportError::Write(_)), "{err:?}");
    assert!(err.to_string().contains("disk full"), "{err}");
}
