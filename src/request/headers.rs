//! The headers of a request: the client's defaults, replaced (not doubled)
//! by any the caller set. The options check them when they are given and
//! the transport when it sends, with the same rules.

use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};

use crate::error::{Error, Result};

/// The name of the header that correlates a call with Graph's logs.
pub(crate) const CLIENT_REQUEST_ID: &str = "client-request-id";

/// The headers every try of a call sends: `User-Agent`, `Accept` and a new
/// `client-request-id`, then the caller's `headers`. A header the caller
/// sets replaces the default of that name; a name the caller gives twice is
/// sent with both values. `Authorization` is refused: the client sets it.
pub(crate) fn request_headers(
    headers: &[(String, String)],
    user_agent: &HeaderValue,
) -> Result<HeaderMap> {
    let mut map = HeaderMap::new();
    map.insert(USER_AGENT, user_agent.clone());
    map.insert(ACCEPT, HeaderValue::from_static("application/json"));
    let id = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
        .map_err(|e| Error::invalid_input("client-request-id", e))?;
    map.insert(HeaderName::from_static(CLIENT_REQUEST_ID), id);
    let mut set_by_caller: Vec<HeaderName> = Vec::new();
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| Error::invalid_input("header name", e))?;
        if name == AUTHORIZATION {
            return Err(Error::invalid_input(
                "header Authorization",
                "is set by the client from its token provider",
            ));
        }
        let value =
            HeaderValue::from_str(value).map_err(|e| Error::invalid_input("header value", e))?;
        if set_by_caller.contains(&name) {
            map.append(name, value);
        } else {
            map.insert(name.clone(), value);
            set_by_caller.push(name);
        }
    }
    Ok(map)
}

/// The preference Graph needs before it accepts or returns an enum member
/// added after `unknownFutureValue` (microsoft/api-guidelines,
/// `graph/patterns/evolvable-enums.md`).
pub(crate) const INCLUDE_UNKNOWN_ENUM_MEMBERS: &str = "include-unknown-enum-members";

/// The path segments under which every request asks for late enum members:
/// entitlement management and lifecycle workflows (compared ignoring ASCII
/// case, anywhere in the path, so a gateway's prefix does not matter).
const EVOLVABLE_ENUM_APIS: &[&str] = &[
    "/identitygovernance/entitlementmanagement",
    "/identitygovernance/lifecycleworkflows",
];

/// Adds `Prefer: include-unknown-enum-members` to a request to an
/// entitlement-management or lifecycle-workflow `path`. A `Prefer` the
/// caller set is kept: the preference joins it (`Prefer: a, b`), unless it
/// is already there.
pub(crate) fn prefer_unknown_enum_members(map: &mut HeaderMap, path: &str) -> Result<()> {
    if !EVOLVABLE_ENUM_APIS
        .iter()
        .any(|api| contains_ignoring_ascii_case(path, api))
    {
        return Ok(());
    }
    // The usual case: no `Prefer` of the caller's; nothing to join.
    if !map.contains_key(PREFER) {
        map.insert(
            PREFER,
            HeaderValue::from_static(INCLUDE_UNKNOWN_ENUM_MEMBERS),
        );
        return Ok(());
    }
    let mut preferences: Vec<&str> = map
        .get_all(PREFER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let present = preferences
        .iter()
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case(INCLUDE_UNKNOWN_ENUM_MEMBERS));
    if present {
        return Ok(());
    }
    preferences.push(INCLUDE_UNKNOWN_ENUM_MEMBERS);
    let value = HeaderValue::from_str(&preferences.join(", "))
        .map_err(|e| Error::invalid_input("header Prefer", e))?;
    map.insert(PREFER, value);
    Ok(())
}

/// Whether `haystack` contains `needle` (lower-case ASCII), ignoring ASCII
/// case, without allocating: this runs on every request.
fn contains_ignoring_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

const PREFER: HeaderName = HeaderName::from_static("prefer");

/// Checks caller-given headers the way a call would: names and values must
/// be valid, and `Authorization` is the client's alone.
pub(crate) fn check_headers(headers: &[(String, String)]) -> Result<()> {
    request_headers(headers, &HeaderValue::from_static("check")).map(|_| ())
}

/// Shows the names of caller-given headers, never their values (an
/// API-management key or a signature travels in one): for `Debug`.
pub(crate) struct HeaderNames<'a>(pub(crate) &'a [(String, String)]);

impl std::fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| name))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ua() -> HeaderValue {
        HeaderValue::from_static("entra-access/test")
    }

    #[test]
    fn defaults_are_set_once() {
        let map = request_headers(&[], &ua()).unwrap();
        assert_eq!(map.get_all(CLIENT_REQUEST_ID).iter().count(), 1);
        assert_eq!(map.get_all(USER_AGENT).iter().count(), 1);
        assert_eq!(map[ACCEPT], "application/json");
    }

    #[test]
    fn a_callers_header_replaces_the_default() {
        let map = request_headers(
            &[
                ("Client-Request-Id".into(), "mine".into()),
                ("Accept".into(), "text/csv".into()),
                ("ConsistencyLevel".into(), "eventual".into()),
            ],
            &ua(),
        )
        .unwrap();
        let ids: Vec<_> = map.get_all(CLIENT_REQUEST_ID).iter().collect();
        assert_eq!(ids, ["mine"]);
        let accept: Vec<_> = map.get_all(ACCEPT).iter().collect();
        assert_eq!(accept, ["text/csv"]);
        assert_eq!(map["consistencylevel"], "eventual");
    }

    #[test]
    fn header_names_show_no_values() {
        let shown = format!(
            "{:?}",
            HeaderNames(&[("Ocp-Apim-Subscription-Key".into(), "key-93f1".into())])
        );
        assert_eq!(shown, r#"["Ocp-Apim-Subscription-Key"]"#);
    }

    #[test]
    fn authorization_is_refused() {
        let err =
            request_headers(&[("authorization".into(), "Bearer x".into())], &ua()).unwrap_err();
        assert!(err.is_invalid_input(), "{err}");
        assert!(!err.to_string().contains("Bearer x"), "{err}");
    }
}
