//! Decoding one Graph page of 100 assignments with an expanded target:
//! typed (as the client decodes pages) against a `serde_json::Value` tree.
//!
//! Run with `cargo bench --bench decode`.
#![allow(missing_docs)] // criterion_group! generates an undocumented fn

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use entra_access::models::Assignment;
use serde::Deserialize;
use serde_json::json;

/// The shape of a collection page, as the client's page decoder reads it.
#[derive(Deserialize)]
struct Wire {
    value: Vec<Assignment>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
}

/// A page of `n` Graph-shaped assignments with `$expand=target`.
fn page_body(n: usize) -> Vec<u8> {
    let items: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            json!({
                "id": format!("2f4c0f2c-6f0d-4c3e-8b8e-{i:012x}"),
                "state": "delivered",
                "status": "Delivered",
                "expiredDateTime": null,
                "schedule": {
                    "startDateTime": "2024-03-01T10:00:00.3546568Z",
                    "recurrence": null,
                    "expiration": {
                        "endDateTime": "2025-03-01T10:00:00Z",
                        "duration": null,
                        "type": "afterDateTime"
                    }
                },
                "customExtensionCalloutInstances": [],
                "target": {
                    "id": format!("ab4291f6-66b7-42bf-b16e-{i:012x}"),
                    "objectId": format!("8b2d5a8c-7e59-4e32-8cf4-{i:012x}"),
                    "displayName": format!("User {i}"),
                    "email": format!("user{i}@contoso.com"),
                    "principalName": format!("user{i}@contoso.com"),
                    "onPremisesSecurityIdentifier": null,
                    "subjectType": "user"
                }
            })
        })
        .collect();
    let page = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identityGovernance/entitlementManagement/assignments(target())",
        "@odata.nextLink": "https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/assignments?$expand=target&$skiptoken=X%274453707402000100000017%27",
        "value": items,
    });
    serde_json::to_vec(&page).unwrap_or_default()
}

fn decode(c: &mut Criterion) {
    let body = page_body(100);
    let check: Result<Wire, _> = serde_json::from_slice(&body);
    assert!(
        check.is_ok_and(|p| p.value.len() == 100 && p.value.iter().all(|a| a.target.is_some())),
        "the bench page must decode to 100 assignments with targets"
    );
    let mut group = c.benchmark_group("decode_page_100_assignments");
    group.throughput(Throughput::Bytes(body.len() as u64));

    group.bench_function("typed", |b| {
        b.iter(|| {
            let page: Wire = serde_json::from_slice(black_box(&body)).unwrap_or(Wire {
                value: Vec::new(),
                next_link: None,
            });
            black_box((page.value.len(), page.next_link))
        })
    });

    group.bench_function("typed_with_error_path", |b| {
        // What the client runs: the same decode, tracking the JSON path for
        // error messages.
        b.iter(|| {
            let de = &mut serde_json::Deserializer::from_slice(black_box(&body));
            let page: Option<Wire> = serde_path_to_error::deserialize(de).ok();
            black_box(page.map(|p| p.value.len()))
        })
    });

    group.bench_function("value", |b| {
        b.iter(|| {
            let page: serde_json::Value =
                serde_json::from_slice(black_box(&body)).unwrap_or_default();
            black_box(page["value"].as_array().map(Vec::len))
        })
    });

    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
