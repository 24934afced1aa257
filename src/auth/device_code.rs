//! Device-code sign-in: a user signs in as themselves on another device.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use oauth2::basic::BasicTokenResponse;
use oauth2::{
    AuthType, ClientId, DeviceAuthorizationUrl, DeviceCodeErrorResponseType,
    ExtraDeviceAuthorizationFields, RefreshToken, RequestTokenError, Scope, TokenResponse,
    TokenUrl,
};
use serde::{Deserialize, Serialize};

use super::endpoint::{
    check_authority_host, check_identifier, check_token, endpoint_url, AadClient, AadErrorResponse,
    TokenHttp, TransportError,
};
use super::{AccessToken, AuthError, Secret, TokenProvider};
use crate::Cloud;

/// What the user must do to sign in: open [`verification_uri`](Self::verification_uri)
/// and enter [`user_code`](Self::user_code). Handed to the callback given
/// to [`DeviceCode::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceCodePrompt {
    /// The page to open, such as `https://microsoft.com/devicelogin`.
    pub verification_uri: String,
    /// The code to enter there.
    pub user_code: String,
    /// The identity platform's ready-made sentence, when it sent one.
    pub message: Option<String>,
    /// How long the code is valid.
    pub expires_in: Duration,
}

impl fmt::Display for DeviceCodePrompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) => f.write_str(message),
            None => write!(
                f,
                "To sign in, open {} and enter the code {}",
                self.verification_uri, self.user_code
            ),
        }
    }
}

type PromptFn = Arc<dyn Fn(&DeviceCodePrompt) + Send + Sync>;
type WaitFn = Arc<dyn Fn(Duration) + Send + Sync>;

/// A delegated token for the signed-in user, through the identity
/// platform's device authorization grant (a public-client app; no secret).
///
/// The first [`token`](TokenProvider::token) (or [`sign_in`](Self::sign_in))
/// posts `client_id` and the scopes to
/// `{authority_host}/{tenant}/oauth2/v2.0/devicecode`, hands the verification
/// URL and user code to your callback, then polls
/// `{authority_host}/{tenant}/oauth2/v2.0/token` as the platform says:
/// `authorization_pending` waits the interval again, `slow_down` waits 5 s
/// longer from then on, `expired_token` (or the code's lifetime running out,
/// followed on Tokio's clock) ends in [`AuthError::DeviceCodeExpired`],
/// `authorization_declined` (or `access_denied`) in [`AuthError::SignInDeclined`]. The sign-in is
/// governed by the code's lifetime alone (typically 15 minutes), not by a
/// cache's load timeout: [`ClientBuilder::device_code`](crate::ClientBuilder::device_code)
/// sets the client up so.
///
/// The access token the sign-in returns is the first one handed out (the
/// next `token` call returns it, not a new one). The scopes always include
/// `offline_access`, so a refresh token comes back. It is kept in memory
/// only (never written anywhere, never in `Debug`), and later tokens come
/// from it (`grant_type=refresh_token`) without a new code.
///
/// **One sign-in per session.** `token` shows a code only when nobody has
/// signed in yet. Once the identity platform refuses the refresh token
/// (`invalid_grant`: the session was revoked, the password changed, a
/// policy ended it), the session is over: that `token` call and every later
/// one fail at once with [`AuthError::SignInRequired`], which says to sign
/// in again, and send nothing: a long run ends with one clear error instead
/// of a new code per batch of work. [`sign_in`](Self::sign_in) starts a new
/// session when the program decides to. Transient failures (429, 5xx,
/// timeouts) end nothing: the cache retries them.
///
/// ```no_run
/// use entra_access::Client;
///
/// # async fn demo() -> entra_access::Result<()> {
/// // The usual way: the client makes the provider and shares its HTTP client.
/// let client = Client::builder()
///     .device_code(
///         "contoso.onmicrosoft.com",
///         "00000000-0000-0000-0000-0000000000aa", // a public-client app
///         |prompt| eprintln!("{prompt}"),
///     )
///     .build()?;
/// let mine = client.approvals().list_mine().collect().await?; // signs in here
/// # let _ = mine; Ok(()) }
/// ```
///
/// On its own (to sign in before the client exists, say):
///
/// ```no_run
/// use entra_access::auth::DeviceCode;
/// use entra_access::Client;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let sign_in = DeviceCode::new(
///     "contoso.onmicrosoft.com",
///     "00000000-0000-0000-0000-0000000000aa",
///     |prompt| eprintln!("{prompt}"),
/// )?;
/// sign_in.sign_in().await?; // prints the code, waits for the user
/// let client = Client::builder().token_provider(sign_in).build()?; // uses that token first
/// # let _ = client;
/// # Ok(()) }
/// ```
///
/// (Handed to [`token_provider`](crate::ClientBuilder::token_provider)
/// before anyone signed in, the first sign-in would run inside the client's
/// token cache and be cut off by its load timeout: use
/// `ClientBuilder::device_code`, or sign in first as above.)
#[cfg_attr(docsrs, doc(cfg(feature = "client-credentials")))]
pub struct DeviceCode {
    tenant_id: String,
    client_id: String,
    authority_host: String,
    scopes: Vec<String>,
    http: TokenHttp,
    prompt: PromptFn,
    on_poll_wait: Option<WaitFn>,
    session: Mutex<Session>,
    /// Held by the one caller that signs in or refreshes, so concurrent
    /// callers never start two sign-ins (two codes) at once.
    flow: tokio::sync::Mutex<()>,
}

/// Where the person's session stands.
#[derive(Default)]
struct Session {
    state: SessionState,
    /// The refresh token of the session, when the platform sent one.
    refresh_token: Option<Secret>,
    /// The access token of the last sign-in, not yet handed out by `token`.
    unused: Option<AccessToken>,
}

#[derive(Clone, Default)]
enum SessionState {
    /// Nobody has signed in (or [`DeviceCode::sign_out`] was called).
    #[default]
    SignedOut,
    SignedIn,
    /// The session is over; every `token` call fails with this.
    Ended {
        reason: String,
        error_codes: Vec<u64>,
    },
}

impl DeviceCode {
    /// Device-code sign-in to the tenant `tenant_id` (a GUID, a domain name,
    /// or `organizations`) through the public-client app `client_id`;
    /// `prompt` receives the verification URL and the user code to show.
    ///
    /// Targets the global cloud with the scopes
    /// `https://graph.microsoft.com/.default offline_access`.
    ///
    /// Fails with [`AuthError::Config`] naming the field when an id is empty
    /// or holds characters other than ASCII letters, digits, `-`, `.`, `_`.
    ///
    /// ```
    /// use entra_access::auth::DeviceCode;
    ///
    /// let sign_in = DeviceCode::new("contoso.onmicrosoft.com", "app-id", |p| eprintln!("{p}"))?;
    /// assert_eq!(
    ///     sign_in.device_code_url(),
    ///     "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"
    /// );
    /// assert_eq!(sign_in.requested_scopes(), ["https://graph.microsoft.com/.default", "offline_access"]);
    /// assert!(DeviceCode::new("contoso", "", |_| {}).is_err());
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    pub fn new(
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        prompt: impl Fn(&DeviceCodePrompt) + Send + Sync + 'static,
    ) -> Result<Self, AuthError> {
        let tenant_id = tenant_id.into();
        let client_id = client_id.into();
        check_identifier("tenant_id", &tenant_id)?;
        check_identifier("client_id", &client_id)?;
        let cloud = Cloud::Global;
        Ok(Self {
            tenant_id,
            client_id,
            authority_host: cloud.authority_host().to_owned(),
            scopes: with_offline_access(vec![cloud.graph_scope()]),
            http: TokenHttp::default(),
            prompt: Arc::new(prompt),
            on_poll_wait: None,
            session: Mutex::new(Session::default()),
            flow: tokio::sync::Mutex::new(()),
        })
    }

    /// Targets a cloud: its authority host and its Graph `.default` scope
    /// (plus `offline_access`). Replaces an earlier
    /// [`authority_host`](Self::authority_host) or [`scopes`](Self::scopes),
    /// so call it first.
    ///
    /// ```
    /// use entra_access::{auth::DeviceCode, Cloud};
    ///
    /// let sign_in = DeviceCode::new("t", "c", |_| {})?.cloud(Cloud::UsGov);
    /// assert_eq!(sign_in.token_url(), "https://login.microsoftonline.us/t/oauth2/v2.0/token");
    /// assert_eq!(sign_in.requested_scopes()[0], "https://graph.microsoft.us/.default");
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    #[must_use]
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        cloud.authority_host().clone_into(&mut self.authority_host);
        self.scopes = with_offline_access(vec![cloud.graph_scope()]);
        self
    }

    /// Sets the authority host (the value of `AZURE_AUTHORITY_HOST`). Same
    /// rules as [`ClientCredentials::authority_host`](super::ClientCredentials::authority_host):
    /// `https://`, or `http://` for loopback hosts only.
    ///
    /// ```
    /// use entra_access::auth::DeviceCode;
    ///
    /// let sign_in = DeviceCode::new("t", "c", |_| {})?.authority_host("http://127.0.0.1:8080")?;
    /// assert_eq!(sign_in.device_code_url(), "http://127.0.0.1:8080/t/oauth2/v2.0/devicecode");
    /// assert!(DeviceCode::new("t", "c", |_| {})?.authority_host("http://login.example").is_err());
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    pub fn authority_host(mut self, authority_host: &str) -> Result<Self, AuthError> {
        self.authority_host = check_authority_host(authority_host)?;
        Ok(self)
    }

    /// Sets the scopes to ask for, such as
    /// `https://graph.microsoft.com/EntitlementManagement.ReadWrite.All`;
    /// `offline_access` is added when missing.
    ///
    /// ```
    /// use entra_access::auth::DeviceCode;
    ///
    /// let sign_in = DeviceCode::new("t", "c", |_| {})?
    ///     .scopes(["https://graph.microsoft.com/EntitlementManagement.ReadWrite.All"]);
    /// assert_eq!(sign_in.requested_scopes().last().unwrap(), "offline_access");
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    #[must_use]
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = with_offline_access(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Calls `observer` with each wait between two polls of the token
    /// endpoint, before the wait (the interval the identity platform asked
    /// for, longer after `slow_down`). For progress output.
    ///
    /// ```
    /// use entra_access::auth::DeviceCode;
    ///
    /// let sign_in = DeviceCode::new("t", "c", |_| {})?
    ///     .on_poll_wait(|wait| eprintln!("still waiting; next check in {wait:?}"));
    /// # let _ = sign_in;
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    #[must_use]
    pub fn on_poll_wait(mut self, observer: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        self.on_poll_wait = Some(Arc::new(observer));
        self
    }

    /// Sends requests through `client` instead of the built-in one (built on
    /// the first request; it follows no redirects and times out after 30
    /// seconds per request). A provider made by
    /// [`ClientBuilder::device_code`](crate::ClientBuilder::device_code)
    /// sends through the client's HTTP client.
    ///
    /// ```
    /// use entra_access::auth::DeviceCode;
    ///
    /// let sign_in = DeviceCode::new("t", "c", |_| {})?.http_client(reqwest::Client::new());
    /// # let _ = sign_in;
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = TokenHttp::given(client);
        self
    }

    /// Sends through the Graph client's HTTP client, each request within
    /// `timeout` (the client's per-try timeout; `None`: none).
    pub(crate) fn share_http(mut self, client: reqwest::Client, timeout: Option<Duration>) -> Self {
        self.http = TokenHttp::shared(client, timeout);
        self
    }

    /// The device authorization endpoint.
    ///
    /// ```
    /// # let s = entra_access::auth::DeviceCode::new("t", "c", |_| {})?;
    /// assert!(s.device_code_url().ends_with("/t/oauth2/v2.0/devicecode"));
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    pub fn device_code_url(&self) -> String {
        endpoint_url(&self.authority_host, &self.tenant_id, "devicecode")
    }

    /// The token endpoint polled and used for refreshing.
    ///
    /// ```
    /// # let s = entra_access::auth::DeviceCode::new("t", "c", |_| {})?;
    /// assert!(s.token_url().ends_with("/t/oauth2/v2.0/token"));
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    pub fn token_url(&self) -> String {
        endpoint_url(&self.authority_host, &self.tenant_id, "token")
    }

    /// The scopes asked for (always ending in or containing `offline_access`).
    ///
    /// ```
    /// # let s = entra_access::auth::DeviceCode::new("t", "c", |_| {})?;
    /// assert!(s.requested_scopes().iter().any(|s| s == "offline_access"));
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    pub fn requested_scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Whether someone has signed in and the session has not ended (the
    /// next token comes without a new device code).
    ///
    /// ```
    /// # let s = entra_access::auth::DeviceCode::new("t", "c", |_| {})?;
    /// assert!(!s.is_signed_in());
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    pub fn is_signed_in(&self) -> bool {
        matches!(self.session().state, SessionState::SignedIn)
    }

    /// Forgets the session (its refresh token, an unused access token, or
    /// that it ended); the next token needs a new sign-in.
    ///
    /// ```
    /// # let s = entra_access::auth::DeviceCode::new("t", "c", |_| {})?;
    /// s.sign_out();
    /// assert!(!s.is_signed_in());
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    pub fn sign_out(&self) {
        *self.session() = Session::default();
    }

    /// Runs the device-code sign-in now (even when signed in already, or
    /// after the session ended) and returns its access token, which the
    /// next [`token`](TokenProvider::token) call hands out too.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), entra_access::auth::AuthError> {
    /// let sign_in = entra_access::auth::DeviceCode::new("t", "c", |p| eprintln!("{p}"))?;
    /// let token = sign_in.sign_in().await?;
    /// # let _ = token; Ok(()) }
    /// ```
    pub async fn sign_in(&self) -> Result<AccessToken, AuthError> {
        let _flow = self.flow.lock().await;
        self.run_sign_in().await
    }

    /// The sign-in itself; the caller holds `flow`.
    async fn run_sign_in(&self) -> Result<AccessToken, AuthError> {
        let client = self.oauth_client()?;
        let exchange = self.http.exchange()?;
        let details: oauth2::DeviceAuthorizationResponse<AadDeviceFields> = client
            .exchange_device_code()
            .add_scopes(self.scopes.iter().cloned().map(Scope::new))
            .request_async(&exchange)
            .await
            .map_err(|e| exchange.error(e))?;
        (self.prompt)(&DeviceCodePrompt {
            verification_uri: details.verification_uri().to_string(),
            user_code: details.user_code().secret().clone(),
            message: details.extra_fields().message.clone(),
            expires_in: details.expires_in(),
        });

        // The code's lifetime is followed on Tokio's clock, so a test with
        // paused time sees it pass.
        let (wall, tokio_start) = (chrono::Utc::now(), tokio::time::Instant::now());
        let observer = self.on_poll_wait.clone();
        let started = SystemTime::now();
        let poll = self.http.exchange()?;
        let response = client
            .exchange_device_access_token(&details)
            .set_time_fn(move || {
                wall + chrono::Duration::from_std(tokio_start.elapsed())
                    .unwrap_or(chrono::Duration::zero())
            })
            .request_async(
                &poll,
                move |wait| {
                    if let Some(observer) = &observer {
                        observer(wait);
                    }
                    tokio::time::sleep(wait)
                },
                // The code's own lifetime (`expires_in`) bounds the wait.
                None,
            )
            .await
            .map_err(|e| {
                poll.too_large()
                    .unwrap_or_else(|| map_device_error(e, poll.status(), poll.last_refusal()))
            })?;
        let token = check_token(&response, started)?;
        let mut session = self.session();
        session.state = SessionState::SignedIn;
        session.refresh_token = response
            .refresh_token()
            .map(|t| Secret::new(t.secret().to_owned()));
        session.unused = Some(token.clone());
        Ok(token)
    }

    /// A new access token from the session's refresh token; the caller
    /// holds `flow`. A refusal for good ends the session.
    async fn refresh(&self, refresh_token: Secret) -> Result<AccessToken, AuthError> {
        let client = self.oauth_client()?;
        let exchange = self.http.exchange()?;
        let started = SystemTime::now();
        let token = RefreshToken::new(refresh_token.expose().to_owned());
        let result = client
            .exchange_refresh_token(&token)
            .add_scopes(self.scopes.iter().cloned().map(Scope::new))
            .request_async(&exchange)
            .await;
        let response = match result {
            Ok(response) => response,
            Err(e) => {
                let error = exchange.error(e);
                if error.is_transient() {
                    return Err(error);
                }
                return Err(match error {
                    AuthError::Refused {
                        error,
                        description,
                        error_codes,
                        ..
                    } => {
                        let reason = match description {
                            Some(d) => format!(
                                "the identity platform refused the refresh token: {error}: {d}"
                            ),
                            None => {
                                format!("the identity platform refused the refresh token: {error}")
                            }
                        };
                        self.end_session(reason, error_codes)
                    }
                    other => other,
                });
            }
        };
        let access = check_token(&response, started)?;
        if let Some(rotated) = response.refresh_token() {
            self.session().refresh_token = Some(Secret::new(rotated.secret().to_owned()));
        }
        Ok(access)
    }

    /// Ends the session: this and every later `token` call fail with
    /// [`AuthError::SignInRequired`].
    fn end_session(&self, reason: String, error_codes: Vec<u64>) -> AuthError {
        tracing::warn!(%reason, "the device-code session has ended; sign in again");
        let mut session = self.session();
        session.refresh_token = None;
        session.unused = None;
        session.state = SessionState::Ended {
            reason: reason.clone(),
            error_codes: error_codes.clone(),
        };
        AuthError::SignInRequired {
            reason,
            error_codes,
        }
    }

    fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        match self.session.lock() {
            Ok(session) => session,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn oauth_client(&self) -> Result<DeviceClient, AuthError> {
        let token_url = TokenUrl::new(self.token_url())
            .map_err(|e| AuthError::Config(format!("invalid token URL: {e}")))?;
        let device_url = DeviceAuthorizationUrl::new(self.device_code_url())
            .map_err(|e| AuthError::Config(format!("invalid device code URL: {e}")))?;
        Ok(AadClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_device_authorization_url(device_url)
            .set_token_uri(token_url))
    }
}

#[async_trait]
impl TokenProvider for DeviceCode {
    /// The sign-in's own token first; then a new access token from the
    /// refresh token. A device-code sign-in only when nobody has signed in
    /// yet; after the session ended, [`AuthError::SignInRequired`] at once.
    async fn token(&self) -> Result<AccessToken, AuthError> {
        let _flow = self.flow.lock().await;
        let (state, refresh_token) = {
            let mut session = self.session();
            if let Some(token) = session.unused.take()
                && !token.expires_within(Duration::ZERO)
            {
                return Ok(token);
            }
            (session.state.clone(), session.refresh_token.clone())
        };
        match (state, refresh_token) {
            (SessionState::SignedOut, _) => {
                let token = self.run_sign_in().await?;
                self.session().unused = None;
                Ok(token)
            }
            (SessionState::SignedIn, Some(refresh_token)) => self.refresh(refresh_token).await,
            (SessionState::SignedIn, None) => Err(self.end_session(
                "the sign-in returned no refresh token and its access token has been used up"
                    .to_owned(),
                Vec::new(),
            )),
            (
                SessionState::Ended {
                    reason,
                    error_codes,
                },
                _,
            ) => Err(AuthError::SignInRequired {
                reason,
                error_codes,
            }),
        }
    }

    /// Forgets the sign-in's unused token (Graph refused it).
    async fn invalidate(&self) {
        self.session().unused = None;
    }
}

impl fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCode")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("authority_host", &self.authority_host)
            .field("scopes", &self.scopes)
            .field("signed_in", &self.is_signed_in())
            .field(
                "session_ended",
                &matches!(self.session().state, SessionState::Ended { .. }),
            )
            .finish_non_exhaustive()
    }
}

/// The oauth2 client with the device authorization and token endpoints set.
type DeviceClient = oauth2::Client<
    AadErrorResponse,
    BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

/// Microsoft's extra field on the device authorization answer.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
struct AadDeviceFields {
    #[serde(default)]
    message: Option<String>,
}

impl ExtraDeviceAuthorizationFields for AadDeviceFields {}

/// The scopes with `offline_access` appended when missing.
fn with_offline_access(mut scopes: Vec<String>) -> Vec<String> {
    scopes.retain(|s| !s.trim().is_empty());
    if !scopes
        .iter()
        .any(|s| s.eq_ignore_ascii_case("offline_access"))
    {
        scopes.push("offline_access".to_owned());
    }
    scopes
}

/// The identity platform's answer to a declined device-code sign-in
/// (entra-docs `v2-oauth2-device-code.md`, "Expected errors"); RFC 8628
/// names it `access_denied`.
const AUTHORIZATION_DECLINED: &str = "authorization_declined";

/// Maps the polling errors: the ones that end a sign-in get their own
/// variants, the rest are refusals or endpoint failures. `refusal` is the
/// identity platform's error body of the last answer, whose AADSTS codes,
/// trace and correlation ids are kept when it is the answer mapped.
fn map_device_error(
    error: RequestTokenError<TransportError, oauth2::DeviceCodeErrorResponse>,
    status: u16,
    refusal: Option<AadErrorResponse>,
) -> AuthError {
    match error {
        RequestTokenError::ServerResponse(body) => {
            let code = body.error().to_string();
            // oauth2 makes an `expired_token` of its own when the code's
            // lifetime passes: the last answer is then another one.
            let ids = refusal
                .filter(|r| r.error == code)
                .map(|r| (r.error_codes, r.trace_id, r.correlation_id))
                .unwrap_or_default();
            let (error_codes, trace_id, correlation_id) = ids;
            match body.error() {
                DeviceCodeErrorResponseType::ExpiredToken => AuthError::DeviceCodeExpired {
                    error_codes,
                    trace_id,
                    correlation_id,
                },
                DeviceCodeErrorResponseType::AccessDenied => AuthError::SignInDeclined {
                    error: code,
                    description: body.error_description().cloned(),
                    error_codes,
                    trace_id,
                    correlation_id,
                },
                _ if code == AUTHORIZATION_DECLINED => AuthError::SignInDeclined {
                    error: code,
                    description: body.error_description().cloned(),
                    error_codes,
                    trace_id,
                    correlation_id,
                },
                _ => AuthError::Refused {
                    status,
                    error: code,
                    description: body.error_description().cloned(),
                    error_codes,
                    trace_id,
                    correlation_id,
                },
            }
        }
        RequestTokenError::Request(transport) => AuthError::Unavailable {
            status: (status != 0).then_some(status),
            message: transport.to_string(),
            source: Some(Box::new(transport)),
        },
        RequestTokenError::Parse(parse, _body) => AuthError::Endpoint {
            message: format!(
                "the token endpoint answered HTTP {status} with a body that is not a token (at `{}`)",
                parse.path()
            ),
            source: None,
        },
        RequestTokenError::Other(message) => AuthError::Endpoint {
            message: format!("the token endpoint answered HTTP {status}: {message}"),
            source: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_access_is_always_asked_for() {
        assert_eq!(
            with_offline_access(vec!["a".into()]),
            vec!["a".to_owned(), "offline_access".to_owned()]
        );
        assert_eq!(
            with_offline_access(vec!["OFFLINE_ACCESS".into(), " ".into()]),
            vec!["OFFLINE_ACCESS".to_owned()]
        );
    }

    #[test]
    fn debug_shows_no_refresh_token() {
        let s = DeviceCode::new("t", "c", |_| {}).unwrap();
        {
            let mut session = s.session();
            session.state = SessionState::SignedIn;
            session.refresh_token = Some(Secret::new("REFRESH-SECRET-77"));
        }
        let shown = format!("{s:?}");
        assert!(!shown.contains("REFRESH-SECRET-77"), "{shown}");
        assert!(shown.contains("signed_in: true"), "{shown}");
    }

    #[test]
    fn prompt_display_prefers_the_platform_message() {
        let mut p = DeviceCodePrompt {
            verification_uri: "https://microsoft.com/devicelogin".into(),
            user_code: "ABCD-1234".into(),
            message: None,
            expires_in: Duration::from_secs(900),
        };
        assert!(p.to_string().contains("ABCD-1234"));
        p.message = Some("Go there".into());
        assert_eq!(p.to_string(), "Go there");
    }
}
