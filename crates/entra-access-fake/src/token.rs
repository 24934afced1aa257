//! The tokens the fake issues and accepts, and the client-credentials
//! token endpoint.
//!
//! Every token is JWT-shaped, as Microsoft's access tokens for Graph are
//! (entra-docs `identity-platform/access-token-claims-reference.md`): a
//! header, a payload with `aud`, `iss`, `tid`, `appid`, `exp`, `idtyp` and
//! `roles` (app-only) or `scp` and `wids` (signed-in users), and a
//! signature nobody checks. The claims say what the test configured
//! ([`FakeGraph::set_application_permissions`](super::FakeGraph::set_application_permissions),
//! [`FakeGraph::set_user_access`](super::FakeGraph::set_user_access), a
//! [`TokenSpec`]); the fake keeps what it issued and judges each call by it.
//! A [`TokenSpec::opaque`] token is not a JWT at all: the fake still knows
//! its claims, its holder cannot read them.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use http::HeaderMap;
use serde_json::{json, Map, Value};

use super::ids::random_id;
use super::reply::{Body, GraphErr, Reply};
use super::state::State;
use entra_access::models::ObjectId;

/// How long a token minted without a lifetime lives, as far as its `exp`
/// says (the fake accepts it for as long as it runs).
const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

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
    let token = mint(st, &TokenSpec::app(), Some(lifetime), now);
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
    let v = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = STANDARD.decode(rest.trim()).ok()?;
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
/// static token) or a signed-in user (a delegated token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Principal {
    App,
    User(ObjectId),
}

/// A token the fake issued, and what its claims grant.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub principal: Principal,
    /// Application permissions (`roles`).
    pub roles: Vec<String>,
    /// Delegated scopes (`scp`).
    pub scopes: Vec<String>,
    /// Directory role template ids (`wids`).
    pub directory_roles: Vec<String>,
    pub audience: String,
    pub tenant: String,
    /// When it stops working; `None`: never.
    pub expires: Option<Instant>,
}

/// Every token the fake issued, by its text.
pub(crate) type Tokens = HashMap<String, Issued>;

/// What a token minted by [`FakeGraph::token_with`](super::FakeGraph::token_with)
/// says: by default what the fake's configuration grants the app or the
/// user, for the fake's tenant and origin, valid for as long as the fake
/// runs.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use entra_access_fake::{FakeGraph, TokenSpec};
///
/// let fake = FakeGraph::start().await;
/// let read_only = fake.token_with(TokenSpec::app().application_permissions(["EntitlementManagement.Read.All"]));
/// let elsewhere = fake.token_with(TokenSpec::app().audience("https://management.azure.com"));
/// let hidden = fake.token_with(TokenSpec::app().opaque());
/// assert_eq!(read_only.split('.').count(), 3);
/// assert_ne!(elsewhere, read_only);
/// assert_eq!(hidden.split('.').count(), 1);
/// # }
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct TokenSpec {
    user: Option<ObjectId>,
    roles: Option<Vec<String>>,
    scopes: Option<Vec<String>>,
    directory_roles: Option<Vec<String>>,
    audience: Option<String>,
    tenant: Option<String>,
    expired: bool,
    opaque: bool,
}

fn owned<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into).collect()
}

impl TokenSpec {
    /// An app-only token of the fake's app.
    pub fn app() -> Self {
        Self::default()
    }

    /// A delegated token: `user` (a seeded user's object id) signed in.
    pub fn user(user: &ObjectId) -> Self {
        Self {
            user: Some(user.clone()),
            ..Self::default()
        }
    }

    /// Application permissions (`roles`) instead of the app's configured ones.
    pub fn application_permissions<I, S>(mut self, permissions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles = Some(owned(permissions));
        self
    }

    /// Delegated scopes (`scp`) instead of the user's configured ones.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(owned(scopes));
        self
    }

    /// Directory roles (`wids`, template ids) instead of the user's
    /// configured ones.
    pub fn directory_roles<I, S>(mut self, roles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.directory_roles = Some(owned(roles));
        self
    }

    /// Another audience (`aud`): the fake answers the token with 401.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Another tenant (`tid`): the fake, which serves one tenant, answers
    /// the token with 401.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// Already expired: `exp` in the past, and the fake answers 401.
    pub fn expired(mut self) -> Self {
        self.expired = true;
        self
    }

    /// Not a JWT: the fake knows what it grants, its holder cannot read it
    /// (as with a provider that hides its tokens).
    pub fn opaque(mut self) -> Self {
        self.opaque = true;
        self
    }
}

/// Issues a token as `spec` says, valid for `lifetime` (`None`: as long as
/// the fake runs); returns its text.
pub(crate) fn mint(
    st: &mut State,
    spec: &TokenSpec,
    lifetime: Option<Duration>,
    now: Instant,
) -> String {
    let (principal, roles, scopes, directory_roles) = match &spec.user {
        None => (
            Principal::App,
            spec.roles
                .clone()
                .unwrap_or_else(|| st.access.app_roles.clone()),
            Vec::new(),
            Vec::new(),
        ),
        Some(user) => {
            let access = st.access.user(user);
            (
                Principal::User(user.clone()),
                Vec::new(),
                spec.scopes.clone().unwrap_or(access.scopes),
                spec.directory_roles
                    .clone()
                    .unwrap_or(access.directory_roles),
            )
        }
    };
    let issued = Issued {
        principal,
        roles,
        scopes,
        directory_roles,
        audience: spec
            .audience
            .clone()
            .unwrap_or_else(|| st.access.audience.clone()),
        tenant: spec
            .tenant
            .clone()
            .unwrap_or_else(|| st.cfg.tenant_id.clone()),
        expires: if spec.expired {
            Some(now)
        } else {
            lifetime.map(|l| now + l)
        },
    };
    let text = if spec.opaque {
        format!("fake-opaque-{}", random_id())
    } else {
        let valid_for = if spec.expired {
            None
        } else {
            Some(lifetime.unwrap_or(FOREVER))
        };
        jwt(st, &issued, valid_for)
    };
    st.tokens.insert(text.clone(), issued);
    text
}

/// The JWT text of `issued`; `valid_for` `None`: expired a minute ago.
fn jwt(st: &State, issued: &Issued, valid_for: Option<Duration>) -> String {
    let now = chrono::Utc::now().timestamp();
    let exp = match valid_for {
        Some(d) => now.saturating_add(i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2)),
        None => now - 60,
    };
    let mut claims = Map::new();
    claims.insert("aud".into(), json!(issued.audience));
    claims.insert(
        "iss".into(),
        json!(format!("https://sts.windows.net/{}/", issued.tenant)),
    );
    claims.insert("iat".into(), json!(now));
    claims.insert("nbf".into(), json!(now));
    claims.insert("exp".into(), json!(exp));
    claims.insert("tid".into(), json!(issued.tenant));
    claims.insert("appid".into(), json!(st.cfg.client_id));
    claims.insert("ver".into(), json!("1.0"));
    claims.insert("uti".into(), json!(random_id()));
    match &issued.principal {
        Principal::App => {
            claims.insert("idtyp".into(), json!("app"));
            claims.insert("oid".into(), json!(st.cfg.app_object_id));
            claims.insert("sub".into(), json!(st.cfg.app_object_id));
            // Entra leaves `roles` out of a token of an app without any.
            if !issued.roles.is_empty() {
                claims.insert("roles".into(), json!(issued.roles));
            }
        }
        Principal::User(user) => {
            claims.insert("idtyp".into(), json!("user"));
            claims.insert("oid".into(), json!(user));
            claims.insert("sub".into(), json!(user));
            if let Some(upn) = st.object(user.as_str()).and_then(|o| o.upn.clone()) {
                claims.insert("upn".into(), json!(upn));
            }
            if !issued.scopes.is_empty() {
                claims.insert("scp".into(), json!(issued.scopes.join(" ")));
            }
            claims.insert("wids".into(), json!(issued.directory_roles));
        }
    }
    let header = json!({"typ": "JWT", "alg": "RS256", "kid": "entra-access-fake"});
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.{}",
        part(&header),
        part(&Value::Object(claims)),
        URL_SAFE_NO_PAD.encode(random_id())
    )
}

/// The token [`FakeGraph::token`](super::FakeGraph::token) hands out: the
/// same one until the app's permissions change.
pub(crate) fn static_token(st: &mut State, now: Instant) -> String {
    let version = st.access.app_version;
    if let Some((v, token)) = &st.access.static_token
        && *v == version
    {
        return token.clone();
    }
    let token = mint(st, &TokenSpec::app(), None, now);
    st.access.static_token = Some((version, token.clone()));
    token
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

/// Checks `Authorization: Bearer …` on a Graph request; returns what the
/// token grants. Graph answers a missing, unknown, expired token, or one
/// for another audience, with 401 `InvalidAuthenticationToken`.
pub(crate) fn check_bearer(
    st: &State,
    headers: &HeaderMap,
    now: Instant,
) -> Result<Issued, GraphErr> {
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
    let Some(issued) = st.tokens.get(token) else {
        return Err(unauth(if token.contains('.') {
            "Access token validation failure. Invalid signature."
        } else {
            "IDX14100: JWT is not well formed, there are no dots (.)."
        }));
    };
    if issued.expires.is_some_and(|exp| exp <= now) {
        return Err(unauth("Lifetime validation failed, the token is expired."));
    }
    if issued.audience != st.access.audience {
        return Err(unauth("Access token validation failure. Invalid audience."));
    }
    if !issued.tenant.eq_ignore_ascii_case(&st.cfg.tenant_id) {
        return Err(unauth("Access token validation failure. Invalid issuer."));
    }
    Ok(issued.clone())
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
