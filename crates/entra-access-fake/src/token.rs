//! The client-credentials token endpoint and the tokens it issued.

use std::time::Instant;

use http::HeaderMap;
use serde_json::json;

use super::ids::random_id;
use super::reply::{Body, GraphErr, Reply};
use super::state::State;
use entra_access::models::ObjectId;

/// Whether `path` is `/{tenant}/oauth2/v2.0/token`; returns the tenant.
pub(crate) fn token_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    let (tenant, tail) = rest.split_once('/')?;
    (tail.eq_ignore_ascii_case("oauth2/v2.0/token") && !tenant.is_empty()).then_some(tenant)
}

/// Answers a token request the way the identity platform does.
pub(crate) fn issue(
    st: &mut State,
    tenant: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: Instant,
) -> Reply {
    let mut form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    if let Some((id, secret)) = basic_auth(headers) {
        form.push(("client_id".into(), id));
        form.push(("client_secret".into(), secret));
    }
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let cfg = &st.cfg;
    if !tenant.eq_ignore_ascii_case(&cfg.tenant_id) {
        return oauth_error(
            400,
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
        );
    }
    match get("grant_type") {
        Some("client_credentials") => {}
        Some(other) => {
            return oauth_error(
                400,
                "unsupported_grant_type",
                70003,
                &format!("The app requested an unsupported grant type '{other}'."),
            )
        }
        None => {
            return oauth_error(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'grant_type'.",
            )
        }
    }
    let Some(client_id) = get("client_id") else {
        return oauth_error(
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        );
    };
    if client_id != cfg.client_id {
        return oauth_error(
            400,
            "unauthorized_client",
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'."),
        );
    }
    if get("client_secret") != Some(cfg.client_secret.as_str()) {
        return oauth_error(
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided.",
        );
    }
    let scope = get("scope").unwrap_or("");
    if !scope.split(' ').any(|s| s.ends_with("/.default")) {
        return oauth_error(
            400,
            "invalid_scope",
            1002012,
            &format!("The provided value for scope '{scope}' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."),
        );
    }
    let lifetime = cfg.token_lifetime;
    let token = format!("fake-at-{}", random_id());
    st.tokens.insert(token.clone(), now + lifetime);
    let body = json!({
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "ext_expires_in": lifetime.as_secs(),
        "access_token": token,
    });
    Reply {
        status: 200,
        body: Body::Raw(
            body.to_string().into_bytes(),
            "application/json; charset=utf-8",
        ),
        headers: Vec::new(),
        delay: None,
    }
}

fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    use base64_lite::decode;
    let v = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = decode(rest.trim())?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    let dec = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .map(|c| c.into_owned())
            .ok()
    };
    Some((dec(id)?, dec(secret)?))
}

/// The identity platform's OAuth error body.
pub(crate) fn oauth_error(status: u16, error: &str, code: u32, text: &str) -> Reply {
    let trace = random_id();
    let correlation = random_id();
    let ts = chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
    let body = json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {text} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {ts}"),
        "error_codes": [code],
        "timestamp": ts,
        "trace_id": trace,
        "correlation_id": correlation,
    });
    Reply {
        status,
        body: Body::Raw(
            body.to_string().into_bytes(),
            "application/json; charset=utf-8",
        ),
        headers: Vec::new(),
        delay: None,
    }
}

/// Who a Graph call acts as: the app itself (client credentials, the
/// static token) or a signed-in user (a token from
/// `FakeGraph::delegated_token_for`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Principal {
    App,
    User(ObjectId),
}

/// Graph's answer when an app-only token calls an operation whose
/// permission table says "Application: Not supported." The docs give no
/// code for it; `accessDenied` is the top-level code Graph lists for "the
/// caller doesn't have permission to perform the action" (`concepts/errors.md`).
pub(crate) fn require_delegated(
    principal: &Principal,
    operation: &str,
) -> Result<ObjectId, GraphErr> {
    match principal {
        Principal::User(id) => Ok(id.clone()),
        Principal::App => Err(GraphErr::new(
            403,
            "accessDenied",
            format!("{operation} supports delegated (signed-in user) permissions only; the application permission is not supported. Call it with a user's token."),
        )),
    }
}

/// Checks `Authorization: Bearer …` on a Graph request; returns whom the
/// token stands for.
pub(crate) fn check_bearer(
    st: &State,
    headers: &HeaderMap,
    now: Instant,
) -> Result<Principal, GraphErr> {
    let unauth = |m: &str| GraphErr::new(401, "InvalidAuthenticationToken", m);
    let Some(value) = headers.get(http::header::AUTHORIZATION) else {
        return Err(unauth("Access token is empty."));
    };
    let value = value.to_str().unwrap_or("");
    let token = match value.split_once(' ') {
        Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim(),
        _ => return Err(unauth("Access token is empty.")),
    };
    if token.is_empty() {
        return Err(unauth("Access token is empty."));
    }
    if token == st.cfg.static_token {
        return Ok(Principal::App);
    }
    if let Some(user) = st.delegated_tokens.get(token) {
        return Ok(Principal::User(user.clone()));
    }
    match st.tokens.get(token) {
        Some(exp) if *exp > now => Ok(Principal::App),
        Some(_) => Err(unauth("Lifetime validation failed, the token is expired.")),
        None => Err(unauth(
            "IDX14100: JWT is not well formed, there are no dots (.).",
        )),
    }
}

/// A tiny standard-alphabet base64 decoder for HTTP Basic credentials.
mod base64_lite {
    pub(super) fn decode(s: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(s.len() / 4 * 3);
        let mut buf = 0u32;
        let mut bits = 0u32;
        for c in s.bytes() {
            if c == b'=' {
                break;
            }
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            };
            buf = (buf << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push(((buf >> bits) & 0xFF) as u8);
            }
        }
        Some(out)
    }

    #[cfg(test)]
    #[test]
    fn decodes() {
        assert_eq!(decode("aWQ6c2VjcmV0").unwrap(), b"id:secret");
        assert_eq!(decode("YQ==").unwrap(), b"a");
        assert!(decode("a*b").is_none());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_token_path() {
        assert_eq!(token_path("/contoso/oauth2/v2.0/token"), Some("contoso"));
        assert_eq!(token_path("/v1.0/users/x"), None);
        assert_eq!(token_path("//oauth2/v2.0/token"), None);
    }
}
