//! OAuth2 client credentials against the Microsoft identity platform.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use oauth2::basic::{
    BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenResponse,
};
use oauth2::{
    AsyncHttpClient, AuthType, ClientId, ClientSecret, HttpRequest, HttpResponse,
    RequestTokenError, Scope, StandardRevocableToken, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use super::{AccessToken, AuthError, Secret, TokenProvider};
use crate::Cloud;

/// Timeout of the default HTTP client for one token request.
pub(super) const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Connect timeout of the default HTTP client.
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An app-only token from the identity platform's client-credentials grant
/// (a client id and a client secret).
///
/// Sends `POST {authority_host}/{tenant}/oauth2/v2.0/token` with the form
/// fields `client_id`, `client_secret`, `scope` and
/// `grant_type=client_credentials`. The defaults target the global cloud:
/// authority `https://login.microsoftonline.com`, scope
/// `https://graph.microsoft.com/.default`; use [`cloud`](Self::cloud) for a
/// national cloud.
///
/// `ClientCredentials` does **not** cache: every
/// [`token`](TokenProvider::token) call asks the identity platform. Wrap it in
/// a [`CachedTokenProvider`](super::CachedTokenProvider) (the client does so
/// by default) to reuse the token until shortly before it expires.
///
/// A refusal (an OAuth error body such as `invalid_client`) becomes
/// [`AuthError::Refused`] with the AADSTS `error_codes`, `trace_id` and
/// `correlation_id`; a 429 or 5xx without an OAuth error body, a timeout or a
/// failed or reset connection becomes [`AuthError::Unavailable`] (transient:
/// [`CachedTokenProvider`](super::CachedTokenProvider) retries it); anything
/// else that is not a token becomes [`AuthError::Endpoint`]. `Debug` never
/// shows the secret.
///
/// ```
/// use entra_access::auth::{CachedTokenProvider, ClientCredentials};
/// use entra_access::Cloud;
///
/// # fn main() -> Result<(), entra_access::auth::AuthError> {
/// let credentials = ClientCredentials::new(
///     "contoso.onmicrosoft.com",
///     "00000000-0000-0000-0000-000000000001",
///     "client-secret-value",
/// )?
/// .cloud(Cloud::UsGov);
/// assert_eq!(
///     credentials.token_url(),
///     "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token"
/// );
/// assert!(!format!("{credentials:?}").contains("client-secret-value"));
///
/// let provider = CachedTokenProvider::new(credentials);
/// # let _ = provider;
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "client-credentials")))]
#[derive(Clone)]
pub struct ClientCredentials {
    tenant_id: String,
    client_id: String,
    client_secret: Secret,
    authority_host: String,
    scope: String,
    token_url: String,
    http: reqwest::Client,
}

impl ClientCredentials {
    /// Credentials of the app `client_id` in the tenant `tenant_id` (a tenant
    /// GUID or a domain name such as `contoso.onmicrosoft.com`).
    ///
    /// Fails with [`AuthError::Config`] naming the field when the tenant id or
    /// the client id is empty or holds characters other than ASCII letters,
    /// digits, `-`, `.` and `_`, when the secret is empty, or when the HTTP
    /// client cannot be built.
    pub fn new(
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Result<Self, AuthError> {
        let tenant_id = tenant_id.into();
        let client_id = client_id.into();
        let client_secret = client_secret.into();
        check_identifier("tenant_id", &tenant_id)?;
        check_identifier("client_id", &client_id)?;
        if client_secret.is_empty() {
            return Err(AuthError::Config("client_secret is empty".into()));
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| AuthError::Config(format!("cannot build the HTTP client: {e}")))?;
        let cloud = Cloud::Global;
        let authority_host = cloud.authority_host().to_owned();
        let token_url = token_url(&authority_host, &tenant_id);
        Ok(Self {
            tenant_id,
            client_id,
            client_secret,
            authority_host,
            scope: cloud.graph_scope(),
            token_url,
            http,
        })
    }

    /// Targets a cloud: sets its authority host and its Graph scope. It
    /// replaces an earlier [`authority_host`](Self::authority_host) or
    /// [`scope`](Self::scope), so call it first.
    #[must_use]
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        cloud.authority_host().clone_into(&mut self.authority_host);
        self.scope = cloud.graph_scope();
        self.token_url = token_url(&self.authority_host, &self.tenant_id);
        self
    }

    /// Sets the authority host, such as `https://login.microsoftonline.com`
    /// (the value of `AZURE_AUTHORITY_HOST`).
    ///
    /// It must be an `https://` URL without query or fragment; `http://` is
    /// accepted only for loopback hosts (`localhost`, `127.0.0.1`, `[::1]`),
    /// for tests. Anything else is an [`AuthError::Config`].
    pub fn authority_host(mut self, authority_host: &str) -> Result<Self, AuthError> {
        self.authority_host = check_authority_host(authority_host)?;
        self.token_url = token_url(&self.authority_host, &self.tenant_id);
        Ok(self)
    }

    /// Sets the scope (default `https://graph.microsoft.com/.default`). The
    /// client-credentials grant needs a `<resource>/.default` scope.
    #[must_use]
    pub fn scope(mut self, scope: &str) -> Self {
        scope.clone_into(&mut self.scope);
        self
    }

    /// Sends token requests through `client` instead of the built-in one
    /// (which follows no redirects and times out after 30 seconds).
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = client;
        self
    }

    /// The token endpoint these credentials post to.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// The tenant id.
    pub fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    /// The client (application) id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The requested scope.
    pub fn requested_scope(&self) -> &str {
        &self.scope
    }

    async fn request_token(&self) -> Result<AccessToken, AuthError> {
        if self.scope.trim().is_empty() {
            return Err(AuthError::Config("scope is empty".into()));
        }
        let token_url = TokenUrl::new(self.token_url.clone())
            .map_err(|e| AuthError::Config(format!("invalid token URL: {e}")))?;
        let client = AadClient::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.client_secret.expose().to_owned()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(token_url);

        let transport = Transport {
            http: self.http.clone(),
            status: AtomicU16::new(0),
        };

        let started = SystemTime::now();
        let result = client
            .exchange_client_credentials()
            .add_scope(Scope::new(self.scope.clone()))
            .request_async(&transport)
            .await;
        let status = transport.status.load(Ordering::SeqCst);

        let response = result.map_err(|e| map_error(e, status))?;
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
        Ok(
            match response.expires_in().and_then(|d| started.checked_add(d)) {
                Some(at) => AccessToken::new(secret, at),
                None => AccessToken::without_expiry(secret),
            },
        )
    }
}

#[async_trait]
impl TokenProvider for ClientCredentials {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        self.request_token().await
    }

    fn graph_scope(&self) -> Option<String> {
        Some(self.scope.clone())
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("token_url", &self.token_url)
            .field("scope", &self.scope)
            .finish()
    }
}

/// The oauth2 client with the identity platform's error body, before its
/// token URL is set.
pub(super) type AadClient = oauth2::Client<
    AadErrorResponse,
    BasicTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
>;

/// The identity platform's OAuth error body, with its extra fields.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub(super) struct AadErrorResponse {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    error_codes: Vec<u64>,
    #[serde(default)]
    trace_id: Option<String>,
    #[serde(default)]
    correlation_id: Option<String>,
}

impl fmt::Display for AadErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error)?;
        if let Some(description) = &self.error_description {
            write!(f, ": {description}")?;
        }
        Ok(())
    }
}

impl oauth2::ErrorResponse for AadErrorResponse {}

/// A failure to exchange the token request with the endpoint.
#[derive(Debug, thiserror::Error)]
pub(super) enum TransportError {
    #[error("cannot build the token request: {0}")]
    Build(#[source] reqwest::Error),
    #[error("token request failed: {0}")]
    Send(#[source] reqwest::Error),
    #[error("cannot read the token response: {0}")]
    Read(#[source] reqwest::Error),
}

/// oauth2's HTTP client over reqwest, remembering the last response status
/// (oauth2's errors do not carry it).
pub(super) struct Transport {
    pub(super) http: reqwest::Client,
    pub(super) status: AtomicU16,
}

impl<'c> AsyncHttpClient<'c> for Transport {
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = send_request(&self.http, request).await?;
            self.status
                .store(response.status().as_u16(), Ordering::SeqCst);
            Ok(response)
        })
    }
}

/// Sends one oauth2 request through reqwest.
async fn send_request(
    client: &reqwest::Client,
    request: HttpRequest,
) -> Result<HttpResponse, TransportError> {
    let request = reqwest::Request::try_from(request).map_err(TransportError::Build)?;
    let response = client
        .execute(request)
        .await
        .map_err(TransportError::Send)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(TransportError::Read)?;
    let mut http_response = http::Response::new(body.to_vec());
    *http_response.status_mut() = status;
    *http_response.headers_mut() = headers;
    Ok(http_response)
}

/// Maps oauth2's error to ours, without ever quoting a response body (a
/// malformed success body may hold a token).
pub(super) fn map_error(
    error: RequestTokenError<TransportError, AadErrorResponse>,
    status: u16,
) -> AuthError {
    match error {
        RequestTokenError::ServerResponse(body) => AuthError::Refused {
            status,
            error: body.error,
            description: body.error_description,
            error_codes: body.error_codes,
            trace_id: body.trace_id,
            correlation_id: body.correlation_id,
        },
        // Nothing (complete) came back: worth another try.
        RequestTokenError::Request(transport @ TransportError::Build(_)) => AuthError::Endpoint {
            message: transport.to_string(),
            source: Some(Box::new(transport)),
        },
        RequestTokenError::Request(transport) => AuthError::Unavailable {
            status: (status != 0).then_some(status),
            message: transport.to_string(),
            source: Some(Box::new(transport)),
        },
        RequestTokenError::Parse(_, _) if is_unavailable(status) => AuthError::Unavailable {
            status: Some(status),
            message: format!(
                "the token endpoint answered HTTP {status} without an OAuth error body"
            ),
            source: None,
        },
        RequestTokenError::Parse(parse, _body) => AuthError::Endpoint {
            message: if status == 200 {
                format!(
                    "the token endpoint answered HTTP 200 with a body that is not a token \
                     (at `{}`)",
                    parse.path()
                )
            } else {
                format!("the token endpoint answered HTTP {status} without an OAuth error body")
            },
            source: None,
        },
        RequestTokenError::Other(message) if is_unavailable(status) => AuthError::Unavailable {
            status: Some(status),
            message: format!("the token endpoint answered HTTP {status}: {message}"),
            source: None,
        },
        RequestTokenError::Other(message) => AuthError::Endpoint {
            message: format!("the token endpoint answered HTTP {status}: {message}"),
            source: None,
        },
    }
}

/// A status that says "not now": 429 and 5xx.
pub(super) fn is_unavailable(status: u16) -> bool {
    status == 429 || status >= 500
}

/// `{authority}/{tenant}/oauth2/v2.0/token`.
fn token_url(authority_host: &str, tenant_id: &str) -> String {
    format!(
        "{}/{tenant_id}/oauth2/v2.0/token",
        authority_host.trim_end_matches('/')
    )
}

/// A tenant or client id: non-empty, and only characters safe in a URL path.
pub(super) fn check_identifier(field: &str, value: &str) -> Result<(), AuthError> {
    if value.is_empty() {
        return Err(AuthError::Config(format!("{field} is empty")));
    }
    let safe = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
    if !safe || value == "." || value == ".." {
        return Err(AuthError::Config(format!(
            "{field} {value:?} may hold only ASCII letters, digits, '-', '.' and '_'"
        )));
    }
    Ok(())
}

/// An authority host URL: https, or http for loopback; no query or fragment.
/// Returns it without a trailing slash.
pub(super) fn check_authority_host(value: &str) -> Result<String, AuthError> {
    let url = url::Url::parse(value)
        .map_err(|e| AuthError::Config(format!("authority host {value:?} is not a URL: {e}")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => {
            return Err(AuthError::Config(format!(
                "authority host {value:?} has no host"
            )))
        }
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(AuthError::Config(format!(
                "authority host {value:?} must use https (http is accepted only for loopback hosts)"
            )))
        }
        other => {
            return Err(AuthError::Config(format!(
                "authority host {value:?} has scheme {other:?}; expected https"
            )))
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(AuthError::Config(format!(
            "authority host {value:?} must not have a query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AuthError::Config(
            "authority host must not contain credentials".into(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_must_be_url_safe() {
        assert!(check_identifier("tenant_id", "contoso.onmicrosoft.com").is_ok());
        assert!(check_identifier("tenant_id", "72f988bf-86f1-41af-91ab-2d7cd011db47").is_ok());
        for bad in ["", "a/b", "a b", "a?b", "..", "ä"] {
            match check_identifier("tenant_id", bad) {
                Err(AuthError::Config(message)) => {
                    assert!(message.contains("tenant_id"), "{message}")
                }
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn authority_host_rules() {
        assert_eq!(
            check_authority_host("https://login.microsoftonline.com/").unwrap(),
            "https://login.microsoftonline.com"
        );
        for ok in [
            "http://localhost:8080",
            "http://127.0.0.1:1234",
            "http://[::1]:9",
        ] {
            assert!(check_authority_host(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://login.microsoftonline.com",
            "ftp://localhost",
            "login.microsoftonline.com",
            "https://login.microsoftonline.com/?x=1",
            "https://user:pw@login.microsoftonline.com",
        ] {
            assert!(
                matches!(check_authority_host(bad), Err(AuthError::Config(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn new_rejects_bad_ids_naming_the_field() {
        match ClientCredentials::new("tenant", "", "s") {
            Err(AuthError::Config(message)) => assert!(message.contains("client_id"), "{message}"),
            other => panic!("{other:?}"),
        }
        match ClientCredentials::new("ten/ant", "c", "s") {
            Err(AuthError::Config(message)) => assert!(message.contains("tenant_id"), "{message}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            ClientCredentials::new("t", "c", ""),
            Err(AuthError::Config(_))
        ));
    }

    #[test]
    fn cloud_sets_authority_and_scope() {
        let c = ClientCredentials::new("t", "c", "s")
            .unwrap()
            .cloud(Cloud::China);
        assert_eq!(
            c.token_url(),
            "https://login.chinacloudapi.cn/t/oauth2/v2.0/token"
        );
        assert_eq!(
            c.requested_scope(),
            "https://microsoftgraph.chinacloudapi.cn/.default"
        );
        let c = ClientCredentials::new("t", "c", "s").unwrap();
        assert_eq!(
            c.token_url(),
            "https://login.microsoftonline.com/t/oauth2/v2.0/token"
        );
        assert_eq!(c.requested_scope(), "https://graph.microsoft.com/.default");
    }
}
