//! `ClientBuilder`: everything a `Client` can be configured with.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use url::{Host, Url};

use crate::auth::{CachedTokenProvider, TokenProvider};
use crate::error::{Error, Result};
use crate::odata::MAX_TOP;
use crate::retry::RetryPolicy;
use crate::transport::{Settings, Transport, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_ERROR_BODY_BYTES};
use crate::{Client, Cloud};

/// Which Graph API version the client calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiVersion {
    /// `v1.0`, the stable API (default). The crate's models follow it.
    #[default]
    V1,
    /// `beta`. Shapes differ from v1.0 (see the docs); use through
    /// [`Client::raw`] for beta-only endpoints.
    Beta,
}

impl ApiVersion {
    /// The path segment: `v1.0` or `beta`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1.0",
            Self::Beta => "beta",
        }
    }
}

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use entra_access::{auth::StaticToken, Client, Cloud, RetryPolicy};
///
/// let client = Client::builder()
///     .cloud(Cloud::UsGov)
///     .token_provider(StaticToken::new("token"))
///     .retry_policy(RetryPolicy::default().max_retries(5))
///     .timeout(Duration::from_secs(30))
///     .user_agent_suffix("my-tool/1.2")
///     .build()?;
/// assert_eq!(client.base_url().as_str(), "https://graph.microsoft.us/v1.0/");
/// # Ok::<(), entra_access::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    cloud: Cloud,
    version: ApiVersion,
    sign_in: SignIn,
    cache_tokens: bool,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent_suffix: Option<String>,
    http: Option<reqwest::Client>,
    max_body_bytes: usize,
    max_error_body_bytes: usize,
    page_size: u32,
    #[cfg(feature = "client-credentials")]
    authority_host: Option<String>,
}

/// Where the client's tokens come from: the last of `token_provider`,
/// `client_credentials`, `device_code` or `device_code_from_env` wins.
enum SignIn {
    Unset,
    Provider(Arc<dyn TokenProvider>),
    #[cfg(feature = "client-credentials")]
    ClientCredentials {
        tenant: String,
        client: String,
        secret: crate::auth::Secret,
    },
    #[cfg(feature = "client-credentials")]
    DeviceCode {
        tenant: String,
        client: String,
        prompt: super::env::PromptFn,
    },
    /// The environment cannot configure a sign-in: `build` says why.
    #[cfg_attr(not(feature = "client-credentials"), allow(dead_code))]
    Refused(Error),
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unset => f.write_str("Unset"),
            Self::Provider(p) => f.debug_tuple("Provider").field(p).finish(),
            #[cfg(feature = "client-credentials")]
            Self::ClientCredentials { tenant, client, .. } => f
                .debug_struct("ClientCredentials")
                .field("tenant", tenant)
                .field("client", client)
                .finish_non_exhaustive(),
            #[cfg(feature = "client-credentials")]
            Self::DeviceCode { tenant, client, .. } => f
                .debug_struct("DeviceCode")
                .field("tenant", tenant)
                .field("client", client)
                .finish_non_exhaustive(),
            Self::Refused(e) => f.debug_tuple("Refused").field(e).finish(),
        }
    }
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("cloud", &self.cloud)
            .field("version", &self.version)
            .field("sign_in", &self.sign_in)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_error_body_bytes", &self.max_error_body_bytes)
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            cloud: Cloud::Global,
            version: ApiVersion::V1,
            sign_in: SignIn::Unset,
            cache_tokens: true,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            user_agent_suffix: None,
            http: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_error_body_bytes: DEFAULT_MAX_ERROR_BODY_BYTES,
            page_size: MAX_TOP,
            #[cfg(feature = "client-credentials")]
            authority_host: None,
        }
    }
}

impl ClientBuilder {
    /// The Graph origin, such as `https://graph.microsoft.com` (a path, if
    /// given, is ignored: the API version is appended). `http://` is accepted
    /// only for loopback hosts. Overrides [`cloud`](Self::cloud).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The national cloud (default [`Cloud::Global`]).
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// The API version (default `v1.0`).
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.version = version;
        self
    }

    /// Where tokens come from. The client wraps it in a
    /// [`CachedTokenProvider`] unless [`cache_tokens(false)`](Self::cache_tokens).
    /// Replaces an earlier [`client_credentials`](Self::client_credentials)
    /// or [`device_code`](Self::device_code) (the last of them wins).
    ///
    /// ```
    /// use entra_access::{auth::StaticToken, Client};
    ///
    /// let client = Client::builder().token_provider(StaticToken::new("token")).build()?;
    /// assert_eq!(client.base_url().as_str(), "https://graph.microsoft.com/v1.0/");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.sign_in = SignIn::Provider(Arc::new(provider));
        self
    }

    /// Signs in with OAuth2 client credentials for the client's cloud: the
    /// sign-in authority and the token scope follow
    /// [`cloud`](Self::cloud) or the national [`base_url`](Self::base_url)
    /// (for example `Cloud::UsGov`: `https://login.microsoftonline.us` and
    /// `https://graph.microsoft.us/.default`). The provider sends through
    /// the client's HTTP client ([`http_client`](Self::http_client) when
    /// given), each token request within the client's
    /// [`timeout`](Self::timeout). Replaces an earlier
    /// [`token_provider`](Self::token_provider) or [`device_code`](Self::device_code)
    /// (the last of them wins). Bad ids or an empty secret are refused by
    /// [`build`](Self::build).
    ///
    /// ```
    /// use entra_access::{Client, Cloud};
    ///
    /// let client = Client::builder()
    ///     .cloud(Cloud::UsGov)
    ///     .client_credentials("tenant-id", "client-id", "client-secret")
    ///     .build()?;
    /// assert_eq!(client.base_url().as_str(), "https://graph.microsoft.us/v1.0/");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    #[cfg(feature = "client-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client-credentials")))]
    pub fn client_credentials(
        mut self,
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<crate::auth::Secret>,
    ) -> Self {
        self.sign_in = SignIn::ClientCredentials {
            tenant: tenant_id.into(),
            client: client_id.into(),
            secret: client_secret.into(),
        };
        self
    }

    /// Signs in as a person with the identity platform's device-code flow
    /// ([`DeviceCode`](crate::auth::DeviceCode)): the public-client app
    /// `client_id` (no secret) in the tenant `tenant_id`; `prompt` receives
    /// the page to open and the code to enter (a program prints them on
    /// stderr). As with [`client_credentials`](Self::client_credentials),
    /// the authority and the scope (`<graph origin>/.default`, plus
    /// `offline_access`) follow the client's cloud or base URL, and the
    /// provider sends through the client's HTTP client.
    ///
    /// Nothing happens at [`build`](Self::build) (bad ids are refused
    /// there): the first call that needs a token shows the prompt once and
    /// waits for the person, for as long as the code lives (typically 15
    /// minutes; the token cache's load timeout does not cut it off), and
    /// uses the token the sign-in returns. Later tokens come from the
    /// refresh token. When the identity platform refuses it for good, every
    /// call fails at once with an auth error whose source is
    /// [`AuthError::SignInRequired`](crate::auth::AuthError::SignInRequired)
    /// ("sign in again"): no second prompt. Replaces an earlier
    /// [`token_provider`](Self::token_provider) or
    /// [`client_credentials`](Self::client_credentials) (the last wins).
    ///
    /// ```no_run
    /// use entra_access::Client;
    ///
    /// # async fn demo() -> entra_access::Result<()> {
    /// let client = Client::builder()
    ///     .device_code(
    ///         "contoso.onmicrosoft.com",
    ///         "00000000-0000-0000-0000-0000000000aa",
    ///         |prompt| eprintln!("{prompt}"),
    ///     )
    ///     .build()?;
    /// let waiting = client.approvals().list_mine().collect().await?; // the prompt shows here
    /// # let _ = waiting; Ok(()) }
    /// ```
    #[cfg(feature = "client-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client-credentials")))]
    pub fn device_code(
        mut self,
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        prompt: impl Fn(&crate::auth::DeviceCodePrompt) + Send + Sync + 'static,
    ) -> Self {
        self.sign_in = SignIn::DeviceCode {
            tenant: tenant_id.into(),
            client: client_id.into(),
            prompt: Arc::new(prompt),
        };
        self
    }

    /// [`device_code`](Self::device_code) configured from the environment,
    /// as [`Client::from_env`] is for an application: `AZURE_TENANT_ID` and
    /// `AZURE_CLIENT_ID` (a public-client app), `AZURE_AUTHORITY_HOST` and
    /// `GRAPH_BASE_URL` when set (see [`env`](crate::env)). It is what a
    /// program's `--device-code` flag calls.
    ///
    /// A half configuration (a tenant without a client id or the reverse),
    /// `AZURE_CLIENT_SECRET` or `GRAPH_ACCESS_TOKEN` set instead, nothing
    /// set, or a bad value is refused by [`build`](Self::build) with an
    /// `InvalidInput` error naming the variable; nothing is sent.
    ///
    /// ```no_run
    /// use entra_access::Client;
    ///
    /// # fn demo(device_code_flag: bool) -> entra_access::Result<()> {
    /// let client = if device_code_flag {
    ///     Client::builder().device_code_from_env(|p| eprintln!("{p}")).build()?
    /// } else {
    ///     Client::from_env()?
    /// };
    /// # let _ = client; Ok(()) }
    /// ```
    #[cfg(feature = "client-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client-credentials")))]
    pub fn device_code_from_env(
        self,
        prompt: impl Fn(&crate::auth::DeviceCodePrompt) + Send + Sync + 'static,
    ) -> Self {
        super::env::device_code_from_lookup(self, &|name| std::env::var_os(name), Arc::new(prompt))
    }

    /// Records why the environment cannot configure a sign-in; `build`
    /// returns it.
    #[cfg(feature = "client-credentials")]
    pub(super) fn refused(mut self, error: Error) -> Self {
        self.sign_in = SignIn::Refused(error);
        self
    }

    /// The sign-in authority of [`client_credentials`](Self::client_credentials)
    /// and [`device_code`](Self::device_code) when it is not the cloud's
    /// (such as `https://login.partner.microsoftonline.cn`).
    #[cfg(feature = "client-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client-credentials")))]
    pub fn authority_host(mut self, host: impl Into<String>) -> Self {
        self.authority_host = Some(host.into());
        self
    }

    /// Whether to cache the provider's tokens (default `true`). Turn it off
    /// for providers that cache themselves.
    pub fn cache_tokens(mut self, cache: bool) -> Self {
        self.cache_tokens = cache;
        self
    }

    /// How failed calls are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Timeout of one try of one request (default 60 s). `Duration::MAX` (or
    /// any duration too long to add to the clock) means no timeout.
    ///
    /// ```
    /// use std::time::Duration;
    /// use entra_access::{auth::StaticToken, Client};
    ///
    /// let patient = Client::builder()
    ///     .token_provider(StaticToken::new("token"))
    ///     .timeout(Duration::MAX) // no per-try timeout
    ///     .build()?;
    /// # let _ = patient;
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest success body the client reads (default 64 MiB, far above
    /// any Graph page). A larger answer ends the call with an
    /// [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge) error;
    /// the body is read chunk by chunk and reading stops at the cap, so a
    /// misbehaving server or proxy cannot exhaust memory.
    ///
    /// ```
    /// use entra_access::{auth::StaticToken, Client};
    ///
    /// let client = Client::builder()
    ///     .token_provider(StaticToken::new("token"))
    ///     .max_body_bytes(256 * 1024 * 1024) // allow 256 MiB pages
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The largest part of an error body the client reads (default 64 KiB).
    /// An error answer with a longer body is still reported with its status
    /// and headers; reading stops at the cap, and the error's
    /// [`body_excerpt`](crate::error::GraphError::body_excerpt) comes from
    /// the part read.
    ///
    /// ```
    /// use entra_access::{auth::StaticToken, Client};
    ///
    /// let client = Client::builder()
    ///     .token_provider(StaticToken::new("token"))
    ///     .max_error_body_bytes(8 * 1024)
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn max_error_body_bytes(mut self, bytes: usize) -> Self {
        self.max_error_body_bytes = bytes;
        self
    }

    /// The page size (`$top`) a stream that drains a whole list asks for
    /// when the list sets no [`top`](crate::odata::QueryOptions::top) of its
    /// own: 1 to [`MAX_TOP`] (default 999, Graph's largest page). A value
    /// outside that range is refused by [`build`](Self::build) with an
    /// `InvalidInput` error. A list's `.send()` (one page) sends no `$top`
    /// unless the caller set one, so it keeps Graph's default page size.
    ///
    /// If Graph answers a stream's first page with a 400 about the query
    /// option, the stream asks again without `$top`, and the client
    /// remembers that for the endpoint.
    ///
    /// ```
    /// use entra_access::{auth::StaticToken, Client};
    ///
    /// let client = Client::builder()
    ///     .token_provider(StaticToken::new("token"))
    ///     .page_size(200)
    ///     .build()?;
    /// # let _ = client;
    /// let err = Client::builder()
    ///     .token_provider(StaticToken::new("token"))
    ///     .page_size(1000)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.is_invalid_input());
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Connect timeout (default 10 s); `Duration::MAX` means none. Ignored
    /// with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Text appended to the `User-Agent` (`entra-access/<version> <suffix>`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Use your own `reqwest::Client` (proxies, TLS roots…), for Graph and
    /// for the token requests of [`client_credentials`](Self::client_credentials)
    /// and [`device_code`](Self::device_code). Its redirect policy is yours:
    /// reqwest's default drops `Authorization` when a redirect leaves the
    /// host.
    ///
    /// Without one, the client builds one HTTP client (one connection pool,
    /// one TLS setup: with `native-tls`, one read of the system CA store)
    /// and its providers share it.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client> {
        if self.page_size == 0 || self.page_size > MAX_TOP {
            return Err(Error::invalid_input(
                "page size",
                format!(
                    "{} is outside 1..={MAX_TOP} (Graph's largest page is {MAX_TOP} items); \
                     pass a value in that range to ClientBuilder::page_size",
                    self.page_size
                ),
            ));
        }
        let named_base_url = self.base_url.is_some();
        let raw = self
            .base_url
            .unwrap_or_else(|| self.cloud.graph_origin().to_owned());
        let origin = parse_graph_origin(&raw)?;
        let api_root = origin
            .join(&format!("{}/", self.version.as_str()))
            .map_err(|e| Error::invalid_input("base URL", e))?;
        // The cloud of the Graph host: the one named, or the one a national
        // base URL belongs to (none for a loopback fake or a proxy).
        let graph_cloud = if named_base_url {
            Cloud::of_graph_url(&origin)
        } else {
            Some(self.cloud)
        };
        let http = match self.http {
            Some(c) => c,
            None => default_http_client(&api_root, self.connect_timeout)?,
        };
        // A timeout too long to add to the clock means none.
        let timeout = std::time::Instant::now()
            .checked_add(self.timeout)
            .map(|_| self.timeout);
        #[cfg(feature = "client-credentials")]
        let authority_host = self.authority_host.as_deref();
        // Whether the provider's first token waits for a person: then the
        // flow's own bound (the code's lifetime) governs, not the cache's.
        let (provider, interactive): (Arc<dyn TokenProvider>, bool) = match self.sign_in {
            SignIn::Provider(p) => (p, false),
            #[cfg(feature = "client-credentials")]
            SignIn::ClientCredentials {
                tenant,
                client,
                secret,
            } => (
                Arc::new(
                    client_credentials_for(&origin, graph_cloud, tenant, client, secret, authority_host)?
                        .share_http(http.clone(), timeout),
                ),
                false,
            ),
            #[cfg(feature = "client-credentials")]
            SignIn::DeviceCode {
                tenant,
                client,
                prompt,
            } => (
                Arc::new(
                    device_code_for(&origin, graph_cloud, tenant, client, prompt, authority_host)?
                        .share_http(http.clone(), timeout),
                ),
                true,
            ),
            SignIn::Refused(e) => return Err(e),
            SignIn::Unset => {
                return Err(Error::invalid_input(
                    "token provider",
                    "is not set (call ClientBuilder::token_provider, client_credentials or device_code)",
                ))
            }
        };
        check_scope_matches(provider.graph_scope().as_deref(), &origin, graph_cloud)?;
        let tokens: Arc<dyn TokenProvider> = match (self.cache_tokens, interactive) {
            (true, false) => Arc::new(CachedTokenProvider::new(provider)),
            (true, true) => {
                Arc::new(CachedTokenProvider::new(provider).load_timeout(Duration::MAX))
            }
            (false, _) => provider,
        };
        let mut agent = format!("entra-access/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = self.user_agent_suffix {
            agent.push(' ');
            agent.push_str(&suffix);
        }
        let user_agent = HeaderValue::from_str(&agent).map_err(|_| {
            Error::invalid_input("user agent suffix", "is not a valid header value")
        })?;
        let settings = Settings {
            retry: self.retry,
            timeout,
            user_agent,
            max_body_bytes: self.max_body_bytes,
            max_error_body_bytes: self.max_error_body_bytes,
            page_size: Some(self.page_size),
        };
        let transport = Transport::new(http, api_root, tokens, settings);
        Ok(Client::from_transport(Arc::new(transport)))
    }
}

/// Client credentials whose authority and scope follow the Graph host.
#[cfg(feature = "client-credentials")]
fn client_credentials_for(
    origin: &Url,
    graph_cloud: Option<Cloud>,
    tenant: String,
    client: String,
    secret: crate::auth::Secret,
    authority_host: Option<&str>,
) -> Result<crate::auth::ClientCredentials> {
    use crate::auth::ClientCredentials;
    let refused = |e| Error::invalid_input("client credentials", e);
    let mut creds = ClientCredentials::new(tenant, client, secret)
        .map_err(refused)?
        .cloud(graph_cloud.unwrap_or_default())
        .scope(&format!("{}.default", origin.as_str()));
    if let Some(host) = authority_host {
        creds = creds.authority_host(host).map_err(refused)?;
    }
    Ok(creds)
}

/// A device-code sign-in whose authority and scope follow the Graph host.
#[cfg(feature = "client-credentials")]
fn device_code_for(
    origin: &Url,
    graph_cloud: Option<Cloud>,
    tenant: String,
    client: String,
    prompt: super::env::PromptFn,
    authority_host: Option<&str>,
) -> Result<crate::auth::DeviceCode> {
    use crate::auth::DeviceCode;
    let refused = |e| Error::invalid_input("device-code sign-in", e);
    let mut sign_in = DeviceCode::new(tenant, client, move |p| prompt(p))
        .map_err(refused)?
        .cloud(graph_cloud.unwrap_or_default())
        .scopes([format!("{}.default", origin.as_str())]);
    if let Some(host) = authority_host {
        sign_in = sign_in.authority_host(host).map_err(refused)?;
    }
    Ok(sign_in)
}

/// Refuses a token scope of one Microsoft cloud for the Graph host of
/// another: every call would fail with 401.
fn check_scope_matches(
    scope: Option<&str>,
    origin: &Url,
    graph_cloud: Option<Cloud>,
) -> Result<()> {
    let Some(scope) = scope else { return Ok(()) };
    let scope_cloud = Url::parse(scope).ok().and_then(|u| Cloud::of_graph_url(&u));
    match (scope_cloud, graph_cloud) {
        (Some(s), Some(g)) if s != g => Err(Error::invalid_input(
            "token scope",
            format!(
                "{scope:?} is for {s:?} Graph, but the client talks to {} ({g:?}); \
                 set the provider's cloud (ClientCredentials::cloud(Cloud::{g:?})) or use \
                 ClientBuilder::client_credentials, which follows the client's cloud",
                origin.as_str().trim_end_matches('/')
            ),
        )),
        _ => Ok(()),
    }
}

/// Parses and checks a Graph base URL; returns its origin with a `/` path.
pub(crate) fn parse_graph_origin(raw: &str) -> Result<Url> {
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::invalid_input("base URL", format!("{raw:?} is not a URL: {e}")))?;
    let host = url
        .host()
        .ok_or_else(|| Error::invalid_input("base URL", format!("{raw:?} has no host")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(Error::invalid_input(
                "base URL",
                format!("{raw:?} uses plain http, which is allowed only for loopback hosts"),
            ))
        }
        other => {
            return Err(Error::invalid_input(
                "base URL",
                format!("{raw:?} has scheme {other:?}; use https"),
            ))
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_input(
            "base URL",
            "must not carry credentials",
        ));
    }
    let mut origin = url;
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    Ok(origin)
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// The one HTTP client of a client and its token providers.
fn default_http_client(api_root: &Url, connect_timeout: Duration) -> Result<reqwest::Client> {
    let origin = api_root.origin();
    // Follow redirects only while they stay on the Graph origin, so a token
    // never travels elsewhere; token requests (to the sign-in authority)
    // follow none.
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        let on_graph = attempt.url().origin() == origin
            && attempt.previous().iter().all(|u| u.origin() == origin);
        if attempt.previous().len() >= 5 || !on_graph {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    let mut builder = reqwest::Client::builder().redirect(policy);
    // A timeout too long to add to the clock means none.
    if std::time::Instant::now()
        .checked_add(connect_timeout)
        .is_some()
    {
        builder = builder.connect_timeout(connect_timeout);
    }
    builder.build().map_err(|e| {
        Error::new(
            crate::error::ErrorKind::Transport,
            "could not build the HTTP client",
        )
        .with_source(e.without_url())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked() {
        assert_eq!(
            parse_graph_origin("https://graph.microsoft.com")
                .unwrap()
                .as_str(),
            "https://graph.microsoft.com/"
        );
        assert_eq!(
            parse_graph_origin("https://graph.microsoft.com/v1.0/?x")
                .unwrap()
                .as_str(),
            "https://graph.microsoft.com/"
        );
        assert!(parse_graph_origin("http://127.0.0.1:8080").is_ok());
        assert!(parse_graph_origin("http://localhost:1").is_ok());
        assert!(parse_graph_origin("http://[::1]:1").is_ok());
        for bad in [
            "http://graph.microsoft.com",
            "http://10.0.0.1",
            "ftp://x",
            "graph.microsoft.com",
            "",
            "https://u:p@graph.microsoft.com",
        ] {
            let e = parse_graph_origin(bad).unwrap_err();
            assert!(e.is_invalid_input(), "{bad}");
            assert!(e.to_string().contains("base URL"), "{e}");
        }
    }
}
