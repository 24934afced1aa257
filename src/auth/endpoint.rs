//! Talking to the identity platform's endpoints: which HTTP client sends
//! (the Graph client's, the caller's, or one built on first use), the
//! per-request timeout, answers read within a cap, oauth2's HTTP adapter
//! and the mapping of its errors, and the checks of ids and hosts that go
//! into the endpoints' URLs.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use oauth2::basic::{
    BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenResponse,
};
use oauth2::{
    AsyncHttpClient, HttpRequest, HttpResponse, RequestTokenError, StandardRevocableToken,
    TokenResponse,
};
use serde::{Deserialize, Serialize};

use super::{AccessToken, AuthError, Secret};
use crate::body::{read_capped, Body};

/// Timeout of one token request with the built-in HTTP client.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Connect timeout of the built-in HTTP client.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest token-endpoint answer read: 64 KiB, as Graph's error bodies
/// (a token answer is a few KiB; an access token with many claims stays
/// far below). Reading stops there.
pub(super) const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The HTTP client a provider sends through, and the timeout of one request.
///
/// A provider made on its own builds its client on first use (not when it
/// is made, so a provider that is replaced or never asked costs nothing;
/// with `native-tls` building a client reads the system CA store). A
/// provider made by [`ClientBuilder`](crate::ClientBuilder) shares the
/// Graph client's HTTP client, so a process reads the CA store once.
#[derive(Clone)]
pub(super) struct TokenHttp {
    given: Option<reqwest::Client>,
    built: Arc<Mutex<Option<reqwest::Client>>>,
    timeout: Option<Duration>,
}

impl Default for TokenHttp {
    fn default() -> Self {
        Self {
            given: None,
            built: Arc::new(Mutex::new(None)),
            timeout: None,
        }
    }
}

impl TokenHttp {
    /// The caller's own client: its settings (timeouts included) are theirs.
    pub(super) fn given(client: reqwest::Client) -> Self {
        Self {
            given: Some(client),
            ..Self::default()
        }
    }

    /// The Graph client's HTTP client, with its per-try timeout (`None`: none).
    pub(super) fn shared(client: reqwest::Client, timeout: Option<Duration>) -> Self {
        Self {
            given: Some(client),
            timeout,
            ..Self::default()
        }
    }

    /// The exchange of one request (or one device-code flow).
    pub(super) fn exchange(&self) -> Result<Exchange, AuthError> {
        let http = match &self.given {
            Some(client) => client.clone(),
            None => self.built_client()?,
        };
        Ok(Exchange {
            http,
            timeout: self.timeout,
            status: AtomicU16::new(0),
            too_large: AtomicBool::new(false),
        })
    }

    /// The built-in client: no redirects, 10 s to connect, 30 s per request.
    fn built_client(&self) -> Result<reqwest::Client, AuthError> {
        let mut held = match self.built.lock() {
            Ok(held) => held,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(client) = held.as_ref() {
            return Ok(client.clone());
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| AuthError::Config(format!("cannot build the HTTP client: {e}")))?;
        *held = Some(client.clone());
        Ok(client)
    }
}

/// The oauth2 client with the identity platform's error body, before its
/// endpoints are set.
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
    pub(super) error: String,
    #[serde(default)]
    pub(super) error_description: Option<String>,
    #[serde(default)]
    pub(super) error_codes: Vec<u64>,
    #[serde(default)]
    pub(super) trace_id: Option<String>,
    #[serde(default)]
    pub(super) correlation_id: Option<String>,
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

/// oauth2's HTTP client over reqwest for one request or one flow. It
/// remembers the last answer's status (oauth2's errors do not carry it)
/// and whether an answer was larger than [`MAX_ANSWER_BYTES`].
pub(super) struct Exchange {
    http: reqwest::Client,
    timeout: Option<Duration>,
    status: AtomicU16,
    too_large: AtomicBool,
}

impl Exchange {
    /// The status of the last answer (0 before any).
    pub(super) fn status(&self) -> u16 {
        self.status.load(Ordering::SeqCst)
    }

    /// The error of an answer cut at the cap, if there was one: it wins
    /// over whatever oauth2 made of the part read.
    pub(super) fn too_large(&self) -> Option<AuthError> {
        self.too_large
            .load(Ordering::SeqCst)
            .then_some(AuthError::AnswerTooLarge {
                limit: MAX_ANSWER_BYTES,
            })
    }

    /// Maps oauth2's error, a cut answer first.
    pub(super) fn error(
        &self,
        error: RequestTokenError<TransportError, AadErrorResponse>,
    ) -> AuthError {
        self.too_large()
            .unwrap_or_else(|| map_error(error, self.status()))
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut request = reqwest::Request::try_from(request).map_err(TransportError::Build)?;
        if let Some(timeout) = self.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| TransportError::Send(e.without_url()))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = match read_capped(response, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| TransportError::Read(e.without_url()))?
        {
            Body::Whole(body) => body.to_vec(),
            Body::Cut(_) => {
                // Refuse it as an answer that ends the exchange (a device-code
                // poll goes on after a failed request): the caller reports
                // `too_large` instead of what oauth2 makes of this.
                self.too_large.store(true, Ordering::SeqCst);
                let mut cut = http::Response::new(br#"{"error":"answer_too_large"}"#.to_vec());
                *cut.status_mut() = http::StatusCode::BAD_REQUEST;
                cut.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/json"),
                );
                return Ok(cut);
            }
        };
        let mut http_response = http::Response::new(body);
        *http_response.status_mut() = status;
        *http_response.headers_mut() = headers;
        Ok(http_response)
    }
}

impl<'c> AsyncHttpClient<'c> for Exchange {
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = self.send(request).await?;
            self.status
                .store(response.status().as_u16(), Ordering::SeqCst);
            Ok(response)
        })
    }
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
fn is_unavailable(status: u16) -> bool {
    status == 429 || status >= 500
}

/// The access token of a token answer: a non-empty Bearer token, with its
/// expiry counted from when the request was sent.
pub(super) fn check_token(
    response: &BasicTokenResponse,
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
    Ok(
        match response.expires_in().and_then(|d| started.checked_add(d)) {
            Some(at) => AccessToken::new(secret, at),
            None => AccessToken::without_expiry(secret),
        },
    )
}

/// `{authority}/{tenant}/oauth2/v2.0/{endpoint}`.
pub(super) fn endpoint_url(authority_host: &str, tenant_id: &str, endpoint: &str) -> String {
    format!(
        "{}/{tenant_id}/oauth2/v2.0/{endpoint}",
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
pub(crate) fn check_authority_host(value: &str) -> Result<String, AuthError> {
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
    fn no_http_client_is_built_before_the_first_request() {
        let http = TokenHttp::default();
        assert!(http.built.lock().unwrap().is_none());
        let copy = http.clone();
        copy.exchange().unwrap();
        // Clones share the one built client.
        assert!(http.built.lock().unwrap().is_some());
    }
}
