//! Property-based "fuzz" tests of page decoding: arbitrary bytes, byte-level
//! mutations of real Graph pages, and type-changing JSON mutations must all
//! give a page or a typed error, never a panic. Case counts come from
//! `PROPTEST_CASES`.

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::Page;
use crate::error::ErrorKind;
use crate::models::{AccessPackage, Assignment, AssignmentPolicy, AssignmentRequest};

const FIXTURES: [&str; 4] = [
    include_str!("../../tests/fixtures/models/assignment.json"),
    include_str!("../../tests/fixtures/models/assignment_request_expanded.json"),
    include_str!("../../tests/fixtures/models/access_package.json"),
    include_str!("../../tests/fixtures/models/assignment_policy.json"),
];

/// Pieces of JSON that stress parsers and typed fields.
const SPLICES: &[&str] = &[
    "null",
    "true",
    "-0",
    "1e999",
    "-1e-999",
    "18446744073709551616",
    "\"\\ud800\"",
    "\"\\u0000\"",
    "[]",
    "{}",
    "\"\"",
    ",",
    ":",
    "\"@odata.nextLink\":\"::not a url\"",
    "\"@odata.nextLink\":\"https://elsewhere.example/x\"",
    "\"@odata.count\":-1",
    "\"value\":{}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
];

fn here() -> Url {
    Url::parse("https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/x")
        .unwrap()
}

/// A Graph page holding `item` twice, with a next link and a count.
fn page_of(item: &str) -> String {
    format!(
        r#"{{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#x","@odata.count":2,"value":[{item},{item}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/x?$skiptoken=abc"}}"#
    )
}

/// Decodes `body` as a page of every model type; each must be a page or a
/// Decode/Paging error whose message renders.
fn decodes_or_types_the_error(body: &[u8]) -> Result<(), TestCaseError> {
    fn one<T: DeserializeOwned>(body: &[u8]) -> Result<(), TestCaseError> {
        match Page::<T>::decode(body, &here()) {
            Ok(page) => {
                prop_assert!(page.items().len() <= body.len());
            }
            Err(e) => {
                prop_assert!(
                    matches!(e.kind(), ErrorKind::Decode | ErrorKind::Paging),
                    "{:?}",
                    e
                );
                prop_assert!(!e.to_string().is_empty());
                let _ = format!("{e:?}");
            }
        }
        Ok(())
    }
    one::<Assignment>(body)?;
    one::<AssignmentRequest>(body)?;
    one::<AccessPackage>(body)?;
    one::<AssignmentPolicy>(body)?;
    one::<Value>(body)
}

/// One byte-level edit of a document.
#[derive(Debug, Clone)]
enum Edit {
    Truncate(prop::sample::Index),
    Flip(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Delete(prop::sample::Index, usize),
    Splice(prop::sample::Index, &'static str),
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = any::<prop::sample::Index>;
    prop_oneof![
        i().prop_map(Edit::Truncate),
        (i(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (i(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        (i(), 1usize..16).prop_map(|(i, n)| Edit::Delete(i, n)),
        (i(), prop::sample::select(SPLICES)).prop_map(|(i, s)| Edit::Splice(i, s)),
    ]
}

fn apply(doc: &mut Vec<u8>, e: &Edit) {
    let len = doc.len().max(1);
    match e {
        Edit::Truncate(i) => doc.truncate(i.index(len)),
        Edit::Flip(i, b) => {
            if let Some(x) = doc.get_mut(i.index(len)) {
                *x = *b;
            }
        }
        Edit::Insert(i, b) => doc.insert(i.index(len + 1).min(doc.len()), *b),
        Edit::Delete(i, n) => {
            let at = i.index(len).min(doc.len());
            let end = (at + n).min(doc.len());
            doc.drain(at..end);
        }
        Edit::Splice(i, s) => {
            let at = i.index(len + 1).min(doc.len());
            doc.splice(at..at, s.bytes());
        }
    }
}

/// Arbitrary JSON values, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "2024-03-01T10:00:00Z",
            "2024-13-45T99:00:00",
            "P1DT2H",
            "P1Y",
            "delivered",
            "afterDateTime",
            "#microsoft.graph.singleUser",
            "",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z@.]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the `n`-th node (pre-order, wrapping) of `doc` with `with`.
fn replace_node(doc: &mut Value, n: usize, with: Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(a) => a.iter().map(count).sum(),
            Value::Object(o) => o.values().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Value, n: &mut usize, with: &mut Option<Value>) {
        if *n == 0 {
            if let Some(w) = with.take() {
                *v = w;
            }
            return;
        }
        *n -= 1;
        match v {
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, n, with)),
            Value::Object(o) => o.values_mut().for_each(|x| walk(x, n, with)),
            _ => {}
        }
    }
    let mut n = n % count(doc);
    walk(doc, &mut n, &mut Some(with));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        decodes_or_types_the_error(&body)?;
    }

    #[test]
    fn arbitrary_json_never_panics(v in json()) {
        decodes_or_types_the_error(v.to_string().as_bytes())?;
        let page = serde_json::json!({ "value": [v] });
        decodes_or_types_the_error(page.to_string().as_bytes())?;
    }

    #[test]
    fn byte_mutations_of_real_pages_never_panic(
        fixture in 0..FIXTURES.len(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let mut doc = page_of(FIXTURES[fixture]).into_bytes();
        for e in &edits {
            apply(&mut doc, e);
        }
        decodes_or_types_the_error(&doc)?;
    }

    #[test]
    fn type_changing_mutations_of_real_pages_never_panic(
        fixture in 0..FIXTURES.len(),
        changes in prop::collection::vec((any::<usize>(), json()), 1..4),
    ) {
        let mut doc: Value = serde_json::from_str(&page_of(FIXTURES[fixture]))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (n, with) in changes {
            replace_node(&mut doc, n, with);
        }
        decodes_or_types_the_error(doc.to_string().as_bytes())?;
    }

    #[test]
    fn every_prefix_of_a_real_page_is_a_typed_error(fixture in 0..FIXTURES.len(), cut in any::<prop::sample::Index>()) {
        let doc = page_of(FIXTURES[fixture]);
        let at = cut.index(doc.len());
        let e = Page::<Assignment>::decode(doc.as_bytes().get(..at).unwrap_or_default(), &here())
            .expect_err("a strict prefix is never a page");
        prop_assert_eq!(e.kind(), ErrorKind::Decode);
    }
}

#[test]
fn the_unmutated_pages_decode() {
    for f in FIXTURES {
        let body = page_of(f);
        let page = Page::<Value>::decode(body.as_bytes(), &here()).unwrap();
        assert_eq!(page.items().len(), 2);
    }
    let page = Page::<Assignment>::decode(page_of(FIXTURES[0]).as_bytes(), &here()).unwrap();
    assert_eq!(page.items().len(), 2);
    assert_eq!(page.count(), Some(2));
}
