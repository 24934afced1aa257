//! Device-code sign-in: a user signs in as themselves on another device.

use std::fmt;
use std::sync::atomic::AtomicU16;
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

use super::client_credentials::{
    check_authority_host, check_identifier, map_error, AadClient, AadErrorResponse, Transport,
    TransportError, CONNECT_TIMEOUT, REQUEST_TIMEOUT,
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
/// longer from then on, `expired_token` (or the code's lifetime running out)
/// ends in [`AuthError::DeviceCodeExpired`], `access_denied` in
/// [`AuthError::SignInDeclined`].
///
/// The scopes always include `offline_access`, so a refresh token comes
/// back. It is kept in memory only (never written anywhere, never in
/// `Debug`), and later calls use it (`grant_type=refresh_token`) instead of a
/// new device code. Wrap the provider in a
/// [`CachedTokenProvider`](super::CachedTokenProvider) (the client does so
/// by default) to reuse each access token until shortly before it expires.
/// When the refresh token is refused, it is forgotten and the error returned;
/// the next call starts a new device-code sign-in.
///
/// A sign-in waits for a person, for minutes; the cache's default load
/// timeout is 30 seconds. Call [`sign_in`](Self::sign_in) before handing
/// the provider to the client (as below), or raise
/// [`load_timeout`](super::CachedTokenProvider::load_timeout).
///
/// ```no_run
/// use entra_access::auth::DeviceCode;
/// use entra_access::Client;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let sign_in = DeviceCode::new(
///     "contoso.onmicrosoft.com",
///     "00000000-0000-0000-0000-0000000000aa", // a public-client app
///     |prompt| eprintln!("{prompt}"),
/// )?;
/// sign_in.sign_in().await?; // prints the code, waits for the user
/// let client = Client::builder().token_provider(sign_in).build()?;
/// # let _ = client;
/// # Ok(()) }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "client-credentials")))]
pub struct DeviceCode {
    tenant_id: String,
    client_id: String,
    authority_host: String,
    scopes: Vec<String>,
    http: reqwest::Client,
    prompt: PromptFn,
    on_poll_wait: Option<WaitFn>,
    refresh_token: Mutex<Option<Secret>>,
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
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| AuthError::Config(format!("cannot build the HTTP client: {e}")))?;
        let cloud = Cloud::Global;
        Ok(Self {
            tenant_id,
            client_id,
            authority_host: cloud.authority_host().to_owned(),
            scopes: with_offline_access(vec![cloud.graph_scope()]),
            http,
            prompt: Arc::new(prompt),
            on_poll_wait: None,
            refresh_token: Mutex::new(None),
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

    /// Sends requests through `client` instead of the built-in one (which
    /// follows no redirects and times out after 30 seconds per request).
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
        self.http = client;
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
        format!(
            "{}/{}/oauth2/v2.0/devicecode",
            self.authority_host, self.tenant_id
        )
    }

    /// The token endpoint polled and used for refreshing.
    ///
    /// ```
    /// # let s = entra_access::auth::DeviceCode::new("t", "c", |_| {})?;
    /// assert!(s.token_url().ends_with("/t/oauth2/v2.0/token"));
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    pub fn token_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/token",
            self.authority_host, self.tenant_id
        )
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

    /// Whether a refresh token is held (the user has signed in and the next
    /// token comes without a new device code).
    ///
    /// ```
    /// # let s = entra_access::auth::DeviceCode::new("t", "c", |_| {})?;
    /// assert!(!s.is_signed_in());
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    pub fn is_signed_in(&self) -> bool {
        self.refresh_token
            .lock()
            .map(|held| held.is_some())
            .unwrap_or(false)
    }

    /// Forgets the refresh token; the next token needs a new sign-in.
    ///
    /// ```
    /// # let s = entra_access::auth::DeviceCode::new("t", "c", |_| {})?;
    /// s.sign_out();
    /// assert!(!s.is_signed_in());
    /// # Ok::<(), entra_access::auth::AuthError>(())
    /// ```
    pub fn sign_out(&self) {
        self.store_refresh_token(None);
    }

    /// Runs the device-code sign-in now (even when signed in already) and
    /// returns its access token.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), entra_access::auth::AuthError> {
    /// let sign_in = entra_access::auth::DeviceCode::new("t", "c", |p| eprintln!("{p}"))?;
    /// let token = sign_in.sign_in().await?;
    /// # let _ = token; Ok(()) }
    /// ```
    pub async fn sign_in(&self) -> Result<AccessToken, AuthError> {
        let client = self.oauth_client()?;
        let transport = self.transport();
        let details: oauth2::DeviceAuthorizationResponse<AadDeviceFields> = client
            .exchange_device_code()
            .add_scopes(self.scopes.iter().cloned().map(Scope::new))
            .request_async(&transport)
            .await
            .map_err(|e| map_error(e, transport.status()))?;
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
        let poll = self.transport();
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
                None,
            )
            .await
            .map_err(|e| map_device_error(e, poll.status()))?;
        self.accept(response, started)
    }

    /// A new access token from the refresh token.
    async fn refresh(&self, refresh_token: Secret) -> Result<AccessToken, AuthError> {
        let client = self.oauth_client()?;
        let transport = self.transport();
        let started = SystemTime::now();
        let token = RefreshToken::new(refresh_token.expose().to_owned());
        let result = client
            .exchange_refresh_token(&token)
            .add_scopes(self.scopes.iter().cloned().map(Scope::new))
            .request_async(&transport)
            .await;
        match result {
            Ok(response) => self.accept(response, started),
            Err(e) => {
                let error = map_error(e, transport.status());
                if matches!(error, AuthError::Refused { .. }) && !error.is_transient() {
                    // Refused for good (invalid_grant…): sign in again next time.
                    self.store_refresh_token(None);
                }
                Err(error)
            }
        }
    }

    /// Keeps the refresh token (a rotated one replaces the old) and returns
    /// the access token.
    fn accept(
        &self,
        response: BasicTokenResponse,
        started: SystemTime,
    ) -> Result<AccessToken, AuthError> {
        if !response
            .token_type()
            .as_ref()
            .eq_ignore_ascii_case("bearer")
        {
            return Err(AuthError::Endpoint {
                message: format!(
                    "the token endpoint returned a token of type {:?}, not Bearer",
                    response.token_type().as_ref()
                ),
                source: None,
            });
        }
        let secret = Secret::new(response.access_token().secret().to_owned());
        if secret.is_empty() {
            return Err(AuthError::Endpoint {
                message: "the token endpoint returned an empty access token".into(),
                source: None,
            });
        }
        if let Some(refresh) = response.refresh_token() {
            self.store_refresh_token(Some(Secret::new(refresh.secret().to_owned())));
        }
        Ok(
            match response.expires_in().and_then(|d| started.checked_add(d)) {
                Some(at) => AccessToken::new(secret, at),
                None => AccessToken::without_expiry(secret),
            },
        )
    }

    fn store_refresh_token(&self, token: Option<Secret>) {
        match self.refresh_token.lock() {
            Ok(mut held) => *held = token,
            Err(poisoned) => *poisoned.into_inner() = token,
        }
    }

    fn held_refresh_token(&self) -> Option<Secret> {
        match self.refresh_token.lock() {
            Ok(held) => held.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn transport(&self) -> Transport {
        Transport {
            http: self.http.clone(),
            status: AtomicU16::new(0),
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
    /// With a refresh token held: a new access token from it. Without: a
    /// device-code sign-in ([`sign_in`](DeviceCode::sign_in)).
    async fn token(&self) -> Result<AccessToken, AuthError> {
        match self.held_refresh_token() {
            Some(refresh_token) => self.refresh(refresh_token).await,
            None => self.sign_in().await,
        }
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

/// Maps the polling errors: the two that end a sign-in get their own
/// variants, the rest are refusals or endpoint failures.
fn map_device_error(
    error: RequestTokenError<TransportError, oauth2::DeviceCodeErrorResponse>,
    status: u16,
) -> AuthError {
    match error {
        RequestTokenError::ServerResponse(body) => match body.error() {
            DeviceCodeErrorResponseType::ExpiredToken => AuthError::DeviceCodeExpired,
            DeviceCodeErrorResponseType::AccessDenied => AuthError::SignInDeclined {
                description: body.error_description().cloned(),
            },
            other => AuthError::Refused {
                status,
                error: other.to_string(),
                description: body.error_description().cloned(),
                error_codes: Vec::new(),
                trace_id: None,
                correlation_id: None,
            },
        },
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

impl Transport {
    /// The status of the last answer (0 before any).
    fn status(&self) -> u16 {
        self.status.load(std::sync::atomic::Ordering::SeqCst)
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
        s.store_refresh_token(Some(Secret::new("REFRESH-SECRET-77")));
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
