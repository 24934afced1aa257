//! Filter rendering, escaping and query encoding, end to end through the
//! public API: what is built (with a list's typed filter setters or the
//! general `Filter`) is what reaches the wire, and any string value
//! survives escape → render → encode → decode → parse unchanged.

use std::sync::LazyLock;

use chrono::{TimeZone, Utc};
use entra_access::auth::StaticToken;
use entra_access::models::{AccessPackageId, AssignmentState, RequestState};
use entra_access::odata::{
    encode_component, Filter, FilterError, Literal, Path, QueryError, QueryOptions, MAX_TOP,
};
use entra_access::request::ApiRequest;
use entra_access::Client;
use percent_encoding::percent_decode_str;
use proptest::prelude::*;

/// A client that never sends: its lists are inspected with `request()`.
#[allow(clippy::expect_used)] // a test helper: failing loudly is the point
static CLIENT: LazyLock<Client> = LazyLock::new(|| {
    Client::builder()
        .token_provider(StaticToken::new("t"))
        .build()
        .expect("a client")
});

/// The encoded query string a list's first page is fetched with.
#[allow(clippy::expect_used)] // a test helper: failing loudly is the point
fn query_sent(req: entra_access::Result<ApiRequest>) -> String {
    let path_and_query = req.expect("a valid request").path_and_query();
    match path_and_query.split_once('?') {
        Some((_, query)) => query.to_owned(),
        None => String::new(),
    }
}

/// The `$filter` a list sends, unencoded.
#[allow(clippy::expect_used)] // a test helper: failing loudly is the point
fn filter_sent(req: entra_access::Result<ApiRequest>) -> Option<String> {
    req.expect("a valid request")
        .query_value("$filter")
        .map(str::to_owned)
}

// ---- a tiny reader for what we render, used only by these tests ----

/// Reads one OData string literal at the start of `input`: a `'`, text with
/// every inner `'` doubled, a closing `'`. Returns the text and the rest.
fn read_quoted(input: &str) -> Option<(String, &str)> {
    let body = input.strip_prefix('\'')?;
    let mut chars = body.char_indices().peekable();
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if matches!(chars.peek(), Some((_, '\''))) {
                chars.next();
                out.push('\'');
            } else {
                return Some((out, &body[i + 1..]));
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// Splits `$filter=<encoded>` (the only pair) and percent-decodes the value.
#[allow(clippy::expect_used)] // a test helper: failing loudly is the point
fn decoded_filter(query: &str) -> String {
    let encoded = query
        .strip_prefix("$filter=")
        .expect("starts with $filter=");
    assert!(!encoded.contains('&'), "the value ended the pair: {query}");
    percent_decode_str(encoded)
        .decode_utf8()
        .expect("valid UTF-8")
        .into_owned()
}

/// Parses `path eq '<literal>'` exactly, returning the literal's text.
fn parse_eq(filter: &str, path: &str) -> Option<String> {
    let rest = filter.strip_prefix(path)?.strip_prefix(" eq ")?;
    let (value, rest) = read_quoted(rest)?;
    rest.is_empty().then_some(value)
}

/// Parses `p1 eq '<a>' and p2 eq '<b>'` exactly.
fn parse_eq_and_eq(filter: &str, p1: &str, p2: &str) -> Option<(String, String)> {
    let rest = filter.strip_prefix(p1)?.strip_prefix(" eq ")?;
    let (a, rest) = read_quoted(rest)?;
    let rest = rest
        .strip_prefix(" and ")?
        .strip_prefix(p2)?
        .strip_prefix(" eq ")?;
    let (b, rest) = read_quoted(rest)?;
    rest.is_empty().then_some((a, b))
}

fn query_of(filter: impl Into<Filter>) -> String {
    QueryOptions::new().filter(filter).to_query_string()
}

// ---- the reader itself must be strict, or the round trip proves nothing ----

#[test]
fn test_reader_rejects_what_is_not_one_literal() {
    assert_eq!(parse_eq("id eq 'a''b'", "id").as_deref(), Some("a'b"));
    assert_eq!(parse_eq("id eq 'a'b'", "id"), None);
    assert_eq!(parse_eq("id eq 'a' or 1 eq 1", "id"), None);
    assert_eq!(parse_eq("id eq 'a", "id"), None);
    assert_eq!(parse_eq("id eq a", "id"), None);
}

// ---- exact wire strings ----

#[test]
fn assignment_list_filters_are_encoded_exactly() {
    let list = CLIENT
        .assignments()
        .list()
        .access_package(AccessPackageId::new("x"))
        .state(AssignmentState::Delivered);
    assert_eq!(
        query_sent(list.request()),
        "$filter=accessPackage/id%20eq%20'x'%20and%20state%20eq%20'delivered'"
    );
}

#[test]
fn plus_survives_a_typed_setter_too() {
    let list = CLIENT.access_packages().list().display_name_eq("R+D");
    assert_eq!(
        query_sent(list.request()),
        "$filter=displayName%20eq%20'R%2BD'"
    );
}

#[test]
fn plus_is_encoded_so_it_is_not_read_as_space() {
    let f = Filter::eq(Path::parse("mail").unwrap(), "a+b@x.com");
    assert_eq!(f.to_string(), "mail eq 'a+b@x.com'");
    assert_eq!(query_of(f), "$filter=mail%20eq%20'a%2Bb@x.com'");
}

#[test]
fn injection_shaped_values_stay_one_literal() {
    let cases = [
        ("O'Brien", "displayName eq 'O''Brien'"),
        ("' or 1 eq 1 or '", "displayName eq ''' or 1 eq 1 or '''"),
        ("a+b@x.com", "displayName eq 'a+b@x.com'"),
        ("Zoë 日本", "displayName eq 'Zoë 日本'"),
        ("x') or (1 eq 1", "displayName eq 'x'') or (1 eq 1'"),
        ("&$top=1#", "displayName eq '&$top=1#'"),
    ];
    for (value, rendered) in cases {
        let f = Filter::eq(Path::DISPLAY_NAME, value);
        assert_eq!(f.to_string(), rendered);
        let q = query_of(f);
        assert_eq!(q.matches('&').count(), 0, "{q}");
        assert_eq!(
            parse_eq(&decoded_filter(&q), "displayName").as_deref(),
            Some(value)
        );
    }
    assert_eq!(
        query_of(Filter::eq(Path::DISPLAY_NAME, "Zoë 日本")),
        "$filter=displayName%20eq%20'Zo%C3%AB%20%E6%97%A5%E6%9C%AC'"
    );
}

#[test]
fn every_typed_setter_renders_exactly() {
    let t = Utc.with_ymd_and_hms(2024, 1, 2, 12, 0, 0).unwrap();
    let (assignments, requests, packages) = (
        || CLIENT.assignments().list(),
        || CLIENT.assignment_requests().list(),
        || CLIENT.access_packages().list(),
    );
    let cases: Vec<(entra_access::Result<ApiRequest>, &str)> = vec![
        (
            assignments()
                .assignment_policy("p1")
                .target_object_id("u1")
                .request(),
            "assignmentPolicy/id eq 'p1' and target/objectId eq 'u1'",
        ),
        (
            assignments()
                .state(AssignmentState::Expired)
                .states([
                    AssignmentState::Delivered,
                    AssignmentState::PartiallyDelivered,
                ])
                .request(),
            "state eq 'expired' and (state eq 'delivered' or state eq 'partiallyDelivered')",
        ),
        (
            assignments()
                .states([AssignmentState::DeliveryFailed])
                .request(),
            "state eq 'deliveryFailed'",
        ),
        (
            requests()
                .access_package("a'b")
                .created_after(t)
                .created_before(t + chrono::Duration::days(1))
                .request(),
            "accessPackage/id eq 'a''b' and createdDateTime ge 2024-01-02T12:00:00Z \
             and createdDateTime lt 2024-01-03T12:00:00Z",
        ),
        (
            requests().state(RequestState::Canceled).request(),
            "state eq 'canceled'",
        ),
        (
            packages()
                .display_name_contains("ÉQUIPE Sales")
                .display_name_eq("x")
                .request(),
            "contains(tolower(displayName),'équipe sales') and displayName eq 'x'",
        ),
    ];
    for (req, expected) in cases {
        assert_eq!(filter_sent(req).as_deref(), Some(expected));
    }
}

#[test]
fn general_constructors_render_exactly() {
    let cases: Vec<(Filter, &str)> = vec![
        (
            Filter::not(Filter::ends_with(Path::DISPLAY_NAME, "'")),
            "not(endswith(displayName,''''))",
        ),
        (
            Filter::eq(Path::ID, Literal::Guid(uuid::Uuid::nil())),
            "id eq 00000000-0000-0000-0000-000000000000",
        ),
    ];
    for (f, expected) in cases {
        assert_eq!(f.to_string(), expected);
        assert_eq!(f.to_odata(), expected);
    }
}

#[test]
fn empty_state_lists_send_no_filter() {
    assert_eq!(filter_sent(CLIENT.assignments().list().request()), None);
    assert_eq!(
        filter_sent(CLIENT.assignments().list().states([]).request()),
        None
    );
    assert_eq!(
        query_sent(CLIENT.assignment_requests().list().states([]).request()),
        ""
    );
    assert_eq!(
        filter_sent(
            CLIENT
                .assignments()
                .list()
                .states([])
                .access_package("p")
                .request()
        )
        .as_deref(),
        Some("accessPackage/id eq 'p'")
    );
}

// ---- typed errors ----

#[test]
fn top_outside_1_to_999_is_a_typed_error_naming_top() {
    assert_eq!(MAX_TOP, 999);
    for n in [0, 1000] {
        let err = QueryOptions::new().top(n).validate().unwrap_err();
        assert_eq!(err, QueryError::TopOutOfRange { top: n, max: 999 });
        assert!(err.to_string().contains("`top`"), "{err}");
    }
    assert!(QueryOptions::new().top(1).validate().is_ok());
    assert!(QueryOptions::new().top(999).validate().is_ok());
}

#[test]
fn bad_paths_and_empty_lists_are_typed_errors() {
    let err = Path::parse("state eq 'x' or 1 eq 1").unwrap_err();
    assert!(
        matches!(err, FilterError::InvalidPath { ref path, .. } if path == "state eq 'x' or 1 eq 1")
    );
    assert!(err.to_string().contains("`path`"), "{err}");
    let err = Filter::in_(Path::STATE, Vec::<&str>::new()).unwrap_err();
    assert_eq!(err, FilterError::EmptyList { argument: "values" });
    assert!(err.to_string().contains("`values`"));
    let err = Filter::any_of(Vec::<Filter>::new()).unwrap_err();
    assert_eq!(
        err,
        FilterError::EmptyList {
            argument: "filters"
        }
    );
}

// ---- properties ----

/// Strings rich in the characters that matter to quoting and encoding.
fn tricky_string() -> impl Strategy<Value = String> {
    let special = prop_oneof![
        Just('\''),
        Just('"'),
        Just('+'),
        Just('%'),
        Just('&'),
        Just('='),
        Just('#'),
        Just('?'),
        Just(' '),
        Just('('),
        Just(')'),
        Just(','),
        Just('/'),
        Just('$'),
        Just('\\'),
        Just('\n'),
        Just('ë'),
        Just('日'),
        Just('😀'),
    ];
    prop::collection::vec(prop_oneof![special, any::<char>()], 0..48)
        .prop_map(|cs| cs.into_iter().collect())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), tricky_string()]
}

/// Whether `enc` holds only kept bytes and well-formed `%XX` escapes.
fn only_safe_bytes(enc: &str) -> bool {
    let bytes = enc.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3);
            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
        } else if b.is_ascii_alphanumeric() || b"-._~$'(),/:@!*".contains(&b) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

// Default config: 256 cases, overridable with PROPTEST_CASES.
proptest! {
    #[test]
    fn any_string_round_trips_through_render_encode_decode_parse(s in any_text()) {
        let q = query_of(Filter::eq(Path::DISPLAY_NAME, s.as_str()));
        let filter = decoded_filter(&q);
        prop_assert_eq!(parse_eq(&filter, "displayName"), Some(s));
    }

    #[test]
    fn two_values_never_bleed_into_each_other(a in any_text(), b in any_text()) {
        let list = CLIENT
            .assignments()
            .list()
            .access_package(a.as_str())
            .target_object_id(b.as_str());
        let filter = decoded_filter(&query_sent(list.request()));
        prop_assert_eq!(
            parse_eq_and_eq(&filter, "accessPackage/id", "target/objectId"),
            Some((a, b))
        );
    }

    #[test]
    fn unknown_enum_members_round_trip(s in any_text()) {
        let list = CLIENT.assignments().list().state(AssignmentState::Unknown(s.clone()));
        prop_assert_eq!(parse_eq(&decoded_filter(&query_sent(list.request())), "state"), Some(s));
    }

    #[test]
    fn encoded_values_hold_only_safe_bytes_and_decode_back(s in any_text()) {
        let enc = encode_component(&s);
        prop_assert!(only_safe_bytes(&enc), "{}", enc);
        let back = percent_decode_str(&enc).decode_utf8().unwrap();
        prop_assert_eq!(back.as_ref(), s.as_str());
    }

    #[test]
    fn building_and_rendering_never_panic(s in any_text(), t in any_text()) {
        // A path from arbitrary text is accepted or refused, never a panic;
        // an accepted one is exactly the text.
        if let Ok(p) = Path::parse(s.clone()) {
            prop_assert_eq!(p.as_str(), s.as_str());
            let _ = Filter::eq(p.clone(), t.as_str()).to_string();
            let _ = Filter::in_(p, [s.as_str(), t.as_str()]).unwrap().to_string();
        }
        let f = Filter::all_of([
            Filter::contains_ci(Path::DISPLAY_NAME, &s),
            Filter::starts_with(Path::DISPLAY_NAME, t.clone()),
            Filter::raw(s.clone()).or(Filter::not(Filter::ends_with(Path::ID, t.clone()))),
        ]);
        let rendered = f.to_odata();
        let q = QueryOptions::new().filter(f).to_query_string();
        prop_assert_eq!(decoded_filter(&q), rendered);
        let list = CLIENT.access_packages().list().display_name_contains(&s).display_name_eq(t);
        prop_assert!(list.request().is_ok());
    }

    #[test]
    fn contains_ci_sends_the_lowercased_value(s in any_text()) {
        let q = query_of(Filter::contains_ci(Path::DISPLAY_NAME, &s));
        let filter = decoded_filter(&q);
        let inner = filter
            .strip_prefix("contains(tolower(displayName),")
            .and_then(|r| r.strip_suffix(')'))
            .unwrap();
        let (value, rest) = read_quoted(inner).unwrap();
        prop_assert_eq!(rest, "");
        prop_assert_eq!(value, s.to_lowercase());
    }
}
