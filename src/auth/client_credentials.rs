//! OAuth2 client credentials against the Microsoft identity platform.

use std::fmt;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use oauth2::{AuthType, ClientId, ClientSecret, Scope, TokenUrl};

use super::endpoint::{
    check_authority_host, check_identifier, check_token, endpoint_url, AadClient, TokenHttp,
};
use super::{AccessToken, AuthError, Secret, TokenProvider};
use crate::Cloud;

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
/// [`CachedTokenProvider`](super::CachedTokenProvider) retries it); an
/// answer larger than 64 KiB becomes [`AuthError::AnswerTooLarge`] (reading
/// stops there); anything else that is not a token becomes
/// [`AuthError::Endpoint`]. `Debug` never shows the secret.
///
/// Made by [`ClientBuilder::client_credentials`](crate::ClientBuilder::client_credentials),
/// the provider sends through the client's HTTP client (one connection
/// pool, one TLS setup per process). Made on its own, it builds an HTTP
/// client of its own on its first request (no redirects, 30 s per
/// request), unless given one with [`http_client`](Self::http_client).
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
    http: TokenHttp,
}

impl ClientCredentials {
    /// Credentials of the app `client_id` in the tenant `tenant_id` (a tenant
    /// GUID or a domain name such as `contoso.onmicrosoft.com`).
    ///
    /// Fails with [`AuthError::Config`] naming the field when the tenant id or
    /// the client id is empty or holds characters other than ASCII letters,
    /// digits, `-`, `.` and `_`, or when the secret is empty. Nothing is sent
    /// and no HTTP client is built here.
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
            http: TokenHttp::default(),
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
        self.http = TokenHttp::given(client);
        self
    }

    /// Sends through the Graph client's HTTP client, each request within
    /// `timeout` (the client's per-try timeout; `None`: none).
    pub(crate) fn share_http(mut self, client: reqwest::Client, timeout: Option<Duration>) -> Self {
        self.http = TokenHttp::shared(client, timeout);
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

        let exchange = self.http.exchange()?;
        let started = SystemTime::now();
        let response = client
            .exchange_client_credentials()
            .add_scope(Scope::new(self.scope.clone()))
            .request_async(&exchange)
            .await
            .map_err(|e| exchange.error(e))?;
        check_token(&response, started)
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

/// `{authority}/{tenant}/oauth2/v2.0/token`.
fn token_url(authority_host: &str, tenant_id: &str) -> String {
    endpoint_url(authority_host, tenant_id, "token")
}

#[cfg(test)]
mod tests {
    use super::*;

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
