//! The identity platform's device authorization grant, for signed-in users:
//! `POST /{tenant}/oauth2/v2.0/devicecode`, then polling the token endpoint
//! with `grant_type=urn:ietf:params:oauth:grant-type:device_code`, and
//! `grant_type=refresh_token` afterwards.
//!
//! Source: entra-docs `docs/identity-platform/v2-oauth2-device-code.md`
//! (answers `authorization_pending`, `authorization_declined`/`access_denied`,
//! `bad_verification_code`, `expired_token`; `interval` 5 s by default;
//! `offline_access` for a refresh token). The person's part — opening the
//! page and entering the code — is played by the test through
//! [`FakeGraph::complete_device_code`] and friends. Tokens issued here are
//! delegated: the Graph routes see the user they sign in.

use std::collections::{HashMap, HashSet};

use serde_json::json;

use super::ids::random_id;
use super::reply::{Body, Reply};
use super::state::State;
use super::token::oauth_error;
use super::FakeGraph;
use entra_access::models::ObjectId;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Where one device code stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Progress {
    Pending,
    SignedIn(ObjectId),
    Declined,
    Expired,
}

#[derive(Debug, Clone)]
struct Pending {
    user_code: String,
    progress: Progress,
    scopes: String,
}

/// Device codes issued, refresh tokens, and who signs in on their own.
#[derive(Debug, Default)]
pub(crate) struct DeviceCodes {
    codes: HashMap<String, Pending>,
    refresh: HashMap<String, ObjectId>,
    /// Refresh tokens the platform revoked (see `revoke_refresh_tokens`).
    revoked: HashSet<String>,
    auto_user: Option<ObjectId>,
    interval: u64,
}

/// Whether `path` is `/{tenant}/oauth2/v2.0/devicecode`; returns the tenant.
pub(crate) fn device_code_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    let (tenant, tail) = rest.split_once('/')?;
    (tail.eq_ignore_ascii_case("oauth2/v2.0/devicecode") && !tenant.is_empty()).then_some(tenant)
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Whether a token request uses a grant this module answers.
pub(crate) fn handles(body: &[u8]) -> bool {
    matches!(
        field(&form(body), "grant_type"),
        Some(DEVICE_GRANT | "refresh_token")
    )
}

fn json_reply(status: u16, body: serde_json::Value) -> Reply {
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

fn check_client(st: &State, tenant: &str, form: &[(String, String)]) -> Result<(), Reply> {
    if !tenant.eq_ignore_ascii_case(&st.cfg.tenant_id) {
        return Err(oauth_error(
            400,
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found."),
        ));
    }
    match field(form, "client_id") {
        Some(id) if id == st.cfg.client_id => Ok(()),
        Some(id) => Err(oauth_error(
            400,
            "unauthorized_client",
            700016,
            &format!(
                "Application with identifier '{id}' was not found in the directory '{tenant}'."
            ),
        )),
        None => Err(oauth_error(
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        )),
    }
}

/// `POST /{tenant}/oauth2/v2.0/devicecode`.
pub(crate) fn issue_code(st: &mut State, tenant: &str, body: &[u8]) -> Reply {
    let form = form(body);
    if let Err(r) = check_client(st, tenant, &form) {
        return r;
    }
    let scopes = field(&form, "scope").unwrap_or("").to_owned();
    if scopes.trim().is_empty() {
        return oauth_error(
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'scope'.",
        );
    }
    let device_code = format!("fake-dc-{}", random_id());
    let id = random_id().to_ascii_uppercase();
    let user_code = format!(
        "{}-{}",
        id.get(0..4).unwrap_or("FAKE"),
        id.get(4..8).unwrap_or("CODE")
    );
    let progress = match &st.device.auto_user {
        Some(user) => Progress::SignedIn(user.clone()),
        None => Progress::Pending,
    };
    st.device.codes.insert(
        device_code.clone(),
        Pending {
            user_code: user_code.clone(),
            progress,
            scopes,
        },
    );
    let interval = if st.device.interval == 0 {
        5
    } else {
        st.device.interval
    };
    json_reply(
        200,
        json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": "https://microsoft.com/devicelogin",
            "expires_in": 900,
            "interval": interval,
            "message": format!("To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code {user_code} to authenticate."),
        }),
    )
}

/// A token request with the device-code or refresh-token grant.
pub(crate) fn poll(st: &mut State, tenant: &str, body: &[u8]) -> Reply {
    let form = form(body);
    if let Err(r) = check_client(st, tenant, &form) {
        return r;
    }
    if field(&form, "grant_type") == Some("refresh_token") {
        let presented = field(&form, "refresh_token").unwrap_or("");
        if st.device.revoked.contains(presented) {
            return oauth_error(
                400,
                "invalid_grant",
                50173,
                "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
            );
        }
        return match st.device.refresh.remove(presented) {
            Some(user) => tokens(st, &user, true),
            None => oauth_error(
                400,
                "invalid_grant",
                9002313,
                "Invalid request. Request is malformed or invalid.",
            ),
        };
    }
    let code = field(&form, "device_code").unwrap_or("");
    let Some(pending) = st.device.codes.get(code).cloned() else {
        return oauth_error(
            400,
            "bad_verification_code",
            70019,
            "The verification code was not recognised.",
        );
    };
    match pending.progress {
        Progress::Pending => oauth_error(
            400,
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ),
        Progress::Declined => {
            st.device.codes.remove(code);
            oauth_error(
                400,
                "access_denied",
                70020,
                "The user declined the sign-in.",
            )
        }
        Progress::Expired => {
            st.device.codes.remove(code);
            oauth_error(400, "expired_token", 70020, "The device code has expired.")
        }
        Progress::SignedIn(user) => {
            st.device.codes.remove(code);
            let offline = pending
                .scopes
                .split(' ')
                .any(|s| s.eq_ignore_ascii_case("offline_access"));
            tokens(st, &user, offline)
        }
    }
}

/// A delegated access token for `user`, and a refresh token when asked.
fn tokens(st: &mut State, user: &ObjectId, refresh: bool) -> Reply {
    let access = super::token::mint(
        st,
        &super::token::TokenSpec::user(user),
        Some(st.cfg.token_lifetime),
        std::time::Instant::now(),
    );
    let lifetime = st.cfg.token_lifetime.as_secs();
    let mut body = json!({
        "token_type": "Bearer",
        "scope": "https://graph.microsoft.com/.default",
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access,
    });
    if refresh {
        let token = format!("fake-rt-{}", random_id());
        st.device.refresh.insert(token.clone(), user.clone());
        body["refresh_token"] = json!(token);
    }
    json_reply(200, body)
}

impl FakeGraph {
    /// The user codes of device-code sign-ins nobody has finished yet.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fake = entra_access_fake::FakeGraph::start().await;
    /// assert!(fake.pending_device_codes().is_empty());
    /// # }
    /// ```
    pub fn pending_device_codes(&self) -> Vec<String> {
        self.state()
            .device
            .codes
            .values()
            .filter(|p| p.progress == Progress::Pending)
            .map(|p| p.user_code.clone())
            .collect()
    }

    /// `user` enters `user_code` and signs in: the next poll gets a
    /// delegated token for them. Returns false for an unknown code.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use entra_access_fake::{FakeGraph, UserSeed};
    /// let fake = FakeGraph::start().await;
    /// let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
    /// assert!(!fake.complete_device_code("NO-CODE", &ada));
    /// # }
    /// ```
    pub fn complete_device_code(&self, user_code: &str, user: &ObjectId) -> bool {
        self.set_progress(user_code, Progress::SignedIn(user.clone()))
    }

    /// The person declines the sign-in: the next poll gets `access_denied`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fake = entra_access_fake::FakeGraph::start().await;
    /// assert!(!fake.decline_device_code("NO-CODE"));
    /// # }
    /// ```
    pub fn decline_device_code(&self, user_code: &str) -> bool {
        self.set_progress(user_code, Progress::Declined)
    }

    /// The code runs out: the next poll gets `expired_token`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fake = entra_access_fake::FakeGraph::start().await;
    /// assert!(!fake.expire_device_code("NO-CODE"));
    /// # }
    /// ```
    pub fn expire_device_code(&self, user_code: &str) -> bool {
        self.set_progress(user_code, Progress::Expired)
    }

    /// Every device code issued from now on is signed in at once by
    /// `user` (or, with `None`, waits for
    /// [`complete_device_code`](Self::complete_device_code)). For examples
    /// and tests that need a signed-in user without playing the person.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use entra_access_fake::{FakeGraph, UserSeed};
    /// let fake = FakeGraph::start().await;
    /// let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
    /// fake.sign_in_device_codes_as(Some(&ada));
    /// # }
    /// ```
    pub fn sign_in_device_codes_as(&self, user: Option<&ObjectId>) {
        self.state().device.auto_user = user.cloned();
    }

    /// Revokes every refresh token issued so far, as the identity platform
    /// does after a password reset or an admin's "revoke sessions": the next
    /// refresh with one of them gets `invalid_grant` (AADSTS50173) and the
    /// person must sign in again. Access tokens already issued still work.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fake = entra_access_fake::FakeGraph::start().await;
    /// fake.revoke_refresh_tokens();
    /// # }
    /// ```
    pub fn revoke_refresh_tokens(&self) {
        let mut st = self.state();
        let revoked: Vec<String> = st.device.refresh.drain().map(|(token, _)| token).collect();
        st.device.revoked.extend(revoked);
    }

    /// The polling interval the device authorization answer asks for, in
    /// seconds (default 5, as the identity platform).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fake = entra_access_fake::FakeGraph::start().await;
    /// fake.set_device_code_interval(1);
    /// # }
    /// ```
    pub fn set_device_code_interval(&self, seconds: u64) {
        self.state().device.interval = seconds;
    }

    fn set_progress(&self, user_code: &str, progress: Progress) -> bool {
        let mut st = self.state();
        match st
            .device
            .codes
            .values_mut()
            .find(|p| p.user_code == user_code && p.progress == Progress::Pending)
        {
            Some(p) => {
                p.progress = progress;
                true
            }
            None => false,
        }
    }
}
