//! What an access token says about itself, read without verifying it.
//!
//! Microsoft's access tokens for Graph are JWTs whose payload carries the
//! claims below (entra-docs `identity-platform/access-token-claims-reference.md`):
//! `tid`, `appid` (v1 tokens) or `azp` (v2), `aud`, `exp`, `roles` (the
//! application permissions of an app-only token), `scp` (the delegated
//! scopes, space-separated), `wids` (template ids of the signed-in user's
//! directory roles) and, when configured, `idtyp` (`app` or `user`).
//! Access tokens are opaque by contract: a token that is not a readable JWT,
//! or that a custom provider hides, is [`TokenFacts::Opaque`] and the
//! doctor's probes decide. The signature is never checked and the token is
//! never printed.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};

/// Who a token stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenKind {
    /// An app-only token (client credentials, managed identity): its
    /// permissions are the app's application permissions (`roles`).
    Application,
    /// A signed-in user's token: its permissions are delegated scopes
    /// (`scp`), limited by the user's roles.
    Delegated,
}

/// The claims the doctor reads from a JWT access token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenClaims {
    /// App-only or signed-in user.
    pub kind: TokenKind,
    /// The tenant (`tid`).
    pub tenant: Option<String>,
    /// The client application's id (`appid` or `azp`).
    pub app_id: Option<String>,
    /// Whom the token is for (`aud`), such as `https://graph.microsoft.com`.
    pub audience: Option<String>,
    /// When it stops working (`exp`, else what the token provider said).
    pub expires_at: Option<SystemTime>,
    /// Granted application permissions (`roles`).
    pub roles: Vec<String>,
    /// Granted delegated scopes (`scp`).
    pub scopes: Vec<String>,
    /// Template ids of the user's directory roles (`wids`); `None` when the
    /// token does not carry the claim (then roles are not known).
    pub directory_roles: Option<Vec<String>>,
}

/// The token as far as it can be read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenFacts {
    /// A JWT whose claims could be read.
    Readable(TokenClaims),
    /// Not a readable access token (not a JWT, an encrypted one, or a JWT
    /// without the claims Microsoft's tokens carry): the probes decide.
    Opaque {
        /// Why the token could not be read.
        reason: String,
        /// When it expires, if the token provider said.
        expires_at: Option<SystemTime>,
    },
}

impl TokenFacts {
    /// The claims, when the token was readable.
    pub fn claims(&self) -> Option<&TokenClaims> {
        match self {
            Self::Readable(c) => Some(c),
            Self::Opaque { .. } => None,
        }
    }

    /// When the token expires, as far as anyone said.
    pub fn expires_at(&self) -> Option<SystemTime> {
        match self {
            Self::Readable(c) => c.expires_at,
            Self::Opaque { expires_at, .. } => *expires_at,
        }
    }
}

/// Reads `token` (the bearer token itself) without verifying it;
/// `provider_expiry` is what the token provider said about its expiry.
pub(crate) fn read(token: &str, provider_expiry: Option<SystemTime>) -> TokenFacts {
    match claims(token, provider_expiry) {
        Ok(c) => TokenFacts::Readable(c),
        Err(reason) => TokenFacts::Opaque {
            reason,
            expires_at: provider_expiry,
        },
    }
}

fn claims(token: &str, provider_expiry: Option<SystemTime>) -> Result<TokenClaims, String> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    match parts.len() {
        3 => {}
        5 => return Err("the token is an encrypted JWT (JWE)".into()),
        _ => return Err("the token is not a JWT".into()),
    }
    let payload = parts[1].trim_end_matches('=');
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| "the token's payload is not base64url".to_owned())?;
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|_| "the token's payload is not JSON".to_owned())?;
    let Value::Object(map) = value else {
        return Err("the token's payload is not a JSON object".into());
    };
    let audience = string(&map, "aud")?;
    if audience.is_none() {
        return Err("the token has no `aud` claim: not a Microsoft access token".into());
    }
    let scopes = match string(&map, "scp")? {
        Some(s) => s.split_whitespace().map(str::to_owned).collect(),
        None => Vec::new(),
    };
    let kind = match string(&map, "idtyp")?.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("app") => TokenKind::Application,
        Some(t) if t.eq_ignore_ascii_case("user") => TokenKind::Delegated,
        _ if map.contains_key("scp") => TokenKind::Delegated,
        _ => TokenKind::Application,
    };
    let expires_at = match map.get("exp") {
        None | Some(Value::Null) => provider_expiry,
        Some(Value::Number(n)) => {
            let secs = n
                .as_u64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.is_finite() && *f >= 0.0)
                        .map(|f| f as u64)
                })
                .ok_or_else(|| "the claim `exp` is not a time".to_owned())?;
            Some(
                UNIX_EPOCH
                    .checked_add(Duration::from_secs(secs))
                    .ok_or_else(|| "the claim `exp` is not a time".to_owned())?,
            )
        }
        Some(_) => return Err("the claim `exp` is not a number".into()),
    };
    Ok(TokenClaims {
        kind,
        tenant: string(&map, "tid")?,
        app_id: match string(&map, "appid")? {
            Some(id) => Some(id),
            None => string(&map, "azp")?,
        },
        audience,
        expires_at,
        roles: strings(&map, "roles")?.unwrap_or_default(),
        scopes,
        directory_roles: strings(&map, "wids")?,
    })
}

/// A string claim; `Err` when present with another type.
fn string(map: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("the claim `{name}` is not a string")),
    }
}

/// A list-of-strings claim; `Err` when present with another shape.
fn strings(map: &Map<String, Value>, name: &str) -> Result<Option<Vec<String>>, String> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or_else(|| format!("the claim `{name}` is not a list of strings")),
        Some(_) => Err(format!("the claim `{name}` is not a list of strings")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &Value) -> String {
        let enc = |v: &[u8]| URL_SAFE_NO_PAD.encode(v);
        format!(
            "{}.{}.{}",
            enc(br#"{"typ":"JWT","alg":"RS256"}"#),
            enc(payload.to_string().as_bytes()),
            enc(b"signature")
        )
    }

    #[test]
    fn reads_an_app_only_token() {
        let t = jwt(&serde_json::json!({
            "aud": "https://graph.microsoft.com", "tid": "t-1", "appid": "a-1",
            "exp": 2_000_000_000u64, "roles": ["EntitlementManagement.Read.All"],
        }));
        let TokenFacts::Readable(c) = read(&t, None) else {
            panic!("readable");
        };
        assert_eq!(c.kind, TokenKind::Application);
        assert_eq!(c.tenant.as_deref(), Some("t-1"));
        assert_eq!(c.app_id.as_deref(), Some("a-1"));
        assert_eq!(c.roles, ["EntitlementManagement.Read.All"]);
        assert_eq!(c.directory_roles, None);
        assert_eq!(
            c.expires_at,
            Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000))
        );
    }

    #[test]
    fn reads_a_delegated_token() {
        let t = jwt(&serde_json::json!({
            "aud": "00000003-0000-0000-c000-000000000000", "azp": "a-2",
            "scp": "EntitlementManagement.Read.All  User.ReadBasic.All", "wids": ["r-1"],
        }));
        let c = read(&t, None).claims().cloned().unwrap();
        assert_eq!(c.kind, TokenKind::Delegated);
        assert_eq!(c.app_id.as_deref(), Some("a-2"));
        assert_eq!(
            c.scopes,
            ["EntitlementManagement.Read.All", "User.ReadBasic.All"]
        );
        assert_eq!(c.directory_roles, Some(vec!["r-1".to_owned()]));
    }

    #[test]
    fn anything_else_is_opaque_with_the_reason() {
        let at = Some(UNIX_EPOCH + Duration::from_secs(5));
        let cases = [
            ("opaque-token".to_owned(), "not a JWT"),
            ("a.b.c.d.e".to_owned(), "encrypted"),
            ("a.%%%.c".to_owned(), "base64url"),
            (
                format!("a.{}.c", URL_SAFE_NO_PAD.encode(b"not json")),
                "not JSON",
            ),
            (
                format!("a.{}.c", URL_SAFE_NO_PAD.encode(b"[1]")),
                "not a JSON object",
            ),
            (jwt(&serde_json::json!({"sub": "x"})), "no `aud`"),
            (
                jwt(&serde_json::json!({"aud": "x", "roles": "A B"})),
                "`roles` is not a list",
            ),
            (
                jwt(&serde_json::json!({"aud": "x", "roles": [1]})),
                "`roles` is not a list",
            ),
            (
                jwt(&serde_json::json!({"aud": "x", "scp": ["A"]})),
                "`scp` is not a string",
            ),
            (
                jwt(&serde_json::json!({"aud": "x", "exp": "soon"})),
                "`exp` is not a number",
            ),
            (
                jwt(&serde_json::json!({"aud": "x", "exp": -1})),
                "`exp` is not a time",
            ),
            (jwt(&serde_json::json!({"aud": 7})), "`aud` is not a string"),
            (
                jwt(&serde_json::json!({"aud": "x", "wids": {}})),
                "`wids` is not a list",
            ),
        ];
        for (token, why) in cases {
            match read(&token, at) {
                TokenFacts::Opaque { reason, expires_at } => {
                    assert!(reason.contains(why), "{token}: {reason}");
                    assert_eq!(expires_at, at);
                }
                other => panic!("{token}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_token_without_exp_keeps_the_providers_expiry() {
        let at = Some(UNIX_EPOCH + Duration::from_secs(9));
        let t = jwt(&serde_json::json!({"aud": "x"}));
        assert_eq!(read(&t, at).expires_at(), at);
    }
}
