//! A request as plain data: what an operation builder will send.
//!
//! Every operation builder can describe itself as an [`ApiRequest`] without
//! doing any IO, which is how tests (yours and ours) check exactly what goes
//! on the wire.
//!
//! ```
//! use entra_access::request::ApiRequest;
//!
//! let req = ApiRequest::get("identityGovernance/entitlementManagement/assignments")
//!     .query("$filter", "state eq 'delivered'")
//!     .query("$expand", "target");
//! assert_eq!(req.method(), &http::Method::GET);
//! assert_eq!(
//!     req.path_and_query(),
//!     "identityGovernance/entitlementManagement/assignments?$filter=state%20eq%20'delivered'&$expand=target"
//! );
//! ```

pub(crate) mod headers;

use http::Method;
use serde_json::Value;

use crate::odata::encode_query;

/// The most pages one stream reads unless
/// [`RequestOptions::max_pages`] says otherwise: about 100 million items at
/// the default page size.
pub(crate) const DEFAULT_MAX_PAGES: u32 = 100_000;

/// What one Graph call sends: method, path below the API version root
/// (`v1.0/`), query options (unencoded), JSON body and extra headers.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiRequest {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    headers: Vec<(String, String)>,
}

impl ApiRequest {
    /// A request with `method` to `path` (relative to `https://<graph>/v1.0/`).
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into().trim_start_matches('/').to_owned(),
            query: Vec::new(),
            body: None,
            headers: Vec::new(),
        }
    }

    /// A GET request.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    /// A POST request with a JSON body.
    pub fn post(path: impl Into<String>, body: Value) -> Self {
        Self::new(Method::POST, path).body(body)
    }

    /// A DELETE request.
    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// Adds a query option (its value is percent-encoded when sent).
    #[must_use]
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Adds every query option of `pairs`.
    #[must_use]
    pub fn queries(mut self, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        self.query.extend(pairs);
        self
    }

    /// Sets the JSON body.
    #[must_use]
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Adds a request header (such as `ConsistencyLevel: eventual`).
    /// `Authorization` is refused when sent: the client alone sets it.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path below the API version root, without a leading `/`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query options, unencoded, in the order they are sent.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The value of query option `key`, if set.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The JSON body, if any.
    pub fn body_json(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// Extra headers.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// Whether sending it twice does no more than sending it once.
    pub fn is_idempotent(&self) -> bool {
        matches!(
            self.method,
            Method::GET | Method::HEAD | Method::DELETE | Method::PUT | Method::OPTIONS
        )
    }

    /// Path and percent-encoded query, as they appear after `v1.0/`.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, encode_query(&self.query))
        }
    }
}

/// Settings for one call, or for a view of the client
/// ([`Client::with_options`](crate::Client::with_options)): a timeout, a
/// retry policy, a `client-request-id`, extra headers and, for lists, the
/// page size of streams and the most pages a stream reads. What is not set
/// keeps the client's setting.
///
/// Every request builder takes them through `.options(…)`; the call still
/// shares the client's connection pool, token cache and throttle gate.
/// Options out of range (a zero timeout, a page size outside 1 to 999, a
/// page cap of zero, a header that is not a valid header, or
/// `Authorization`) end the call with an `InvalidInput` error before
/// anything is sent.
///
/// ```no_run
/// use std::time::Duration;
/// use entra_access::{request::RequestOptions, RetryPolicy};
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let pkg = client
///     .access_packages()
///     .get("pkg-1")
///     .options(
///         RequestOptions::new()
///             .timeout(Duration::from_secs(5))
///             .retry_policy(RetryPolicy::none())
///             .client_request_id("2f1c0a4e-6a43-4a39-9f5e-0c1b9b6d7e11")
///             .header("x-my-trace", "abc"),
///     )
///     .send()
///     .await?;
/// # let _ = pkg; Ok(()) }
/// ```
#[derive(Clone, Default, PartialEq)]
#[must_use]
pub struct RequestOptions {
    pub(crate) timeout: Option<std::time::Duration>,
    pub(crate) retry: Option<crate::RetryPolicy>,
    pub(crate) client_request_id: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) page_size: Option<u32>,
    pub(crate) max_pages: Option<u32>,
}

/// Shows header names, not their values: a header may carry a key.
impl std::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("client_request_id", &self.client_request_id)
            .field("headers", &headers::HeaderNames(&self.headers))
            .field("page_size", &self.page_size)
            .finish()
    }
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Timeout of one try (must be above zero; `Duration::MAX` means none).
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retry policy for the call.
    pub fn retry_policy(mut self, policy: crate::RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The `client-request-id` to send (instead of a new UUID per call), to
    /// correlate the call with your own logs and Graph's.
    pub fn client_request_id(mut self, id: impl Into<String>) -> Self {
        self.client_request_id = Some(id.into());
        self
    }

    /// An extra header; it replaces a header of that name set by the client
    /// or by a wider set of options. `Authorization` is refused.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The page size a stream asks for when the list sets no `top` (1 to
    /// 999); see [`ClientBuilder::page_size`](crate::ClientBuilder::page_size).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n);
        self
    }

    /// The most pages one stream (`pages()`, `stream()`, `collect()`, a
    /// handle's `resume`) reads: when page `n` still carries a next link,
    /// the stream yields that page's items and then ends with an
    /// [`ErrorKind::Paging`](crate::ErrorKind::Paging) error, so a Graph
    /// (or a proxy) that never stops paging cannot keep a listing going
    /// forever. The default, 100,000 pages, is about 100 million items at
    /// the default page size: no real listing reaches it. Must be at least 1.
    ///
    /// The stream's [`next_link`](crate::paging::PageStream::next_link)
    /// stays set, so a caller who means to go on resumes from it with a
    /// fresh count.
    ///
    /// ```no_run
    /// use entra_access::request::RequestOptions;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// // At most 20 pages of 100 (2,000 assignments), then a Paging error.
    /// let first = client
    ///     .assignments()
    ///     .list()
    ///     .top(100)
    ///     .options(RequestOptions::new().max_pages(20))
    ///     .collect()
    ///     .await;
    /// # let _ = first; Ok(()) }
    /// ```
    pub fn max_pages(mut self, n: u32) -> Self {
        self.max_pages = Some(n);
        self
    }

    /// Checks the options: what is refused and how to allow it.
    pub fn check(&self) -> crate::Result<()> {
        use crate::Error;
        if self.timeout.is_some_and(|t| t.is_zero()) {
            return Err(Error::invalid_input(
                "request options",
                "timeout is zero; give a positive duration (Duration::MAX for none)",
            ));
        }
        if let Some(n) = self.page_size
            && (n == 0 || n > crate::odata::MAX_TOP)
        {
            return Err(Error::invalid_input(
                "request options",
                format!(
                    "page size {n} is outside 1..={} (Graph's largest page)",
                    crate::odata::MAX_TOP
                ),
            ));
        }
        if self.max_pages == Some(0) {
            return Err(Error::invalid_input(
                "request options",
                "max_pages is zero; a stream must be allowed at least one page",
            ));
        }
        headers::check_headers(&self.all_headers())
    }

    /// The headers these options add, the `client-request-id` first.
    pub(crate) fn all_headers(&self) -> Vec<(String, String)> {
        let id = self
            .client_request_id
            .as_ref()
            .map(|id| (headers::CLIENT_REQUEST_ID.to_owned(), id.clone()));
        id.into_iter().chain(self.headers.iter().cloned()).collect()
    }
}

/// What Graph said about one answer besides its body: the status, Graph's
/// `request-id`, the `client-request-id` the call sent (Graph echoes it),
/// and the `Date`. Log [`request_id`](Self::request_id) for every write:
/// it is what Microsoft support asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status of the answer.
    pub status: u16,
    /// Graph's `request-id` header.
    pub request_id: Option<String>,
    /// The `client-request-id`: Graph's echo, else the one sent.
    pub client_request_id: Option<String>,
    /// Graph's `Date` header, when sent and well formed.
    pub date: Option<chrono::DateTime<chrono::Utc>>,
}

impl ResponseMeta {
    /// Metadata from its parts (for your own test doubles).
    pub fn new(
        status: u16,
        request_id: Option<String>,
        client_request_id: Option<String>,
        date: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Self {
        Self {
            status,
            request_id,
            client_request_id,
            date,
        }
    }

    /// Graph's `request-id`.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The `client-request-id` of the call.
    pub fn client_request_id(&self) -> Option<&str> {
        self.client_request_id.as_deref()
    }
}

/// A decoded answer with its [`ResponseMeta`], from a builder's
/// `send_with_meta()`.
///
/// ```no_run
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let sent = client
///     .assignment_requests()
///     .admin_remove("asg-1")
///     .send_with_meta()
///     .await?;
/// eprintln!("removal {} (request-id {:?})", sent.value().id, sent.meta().request_id());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct WithMeta<T> {
    value: T,
    meta: ResponseMeta,
}

impl<T> WithMeta<T> {
    /// A value with its metadata (for your own test doubles).
    pub fn new(value: T, meta: ResponseMeta) -> Self {
        Self { value, meta }
    }

    /// The decoded answer.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The answer's metadata.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// Takes the decoded answer.
    pub fn into_value(self) -> T {
        self.value
    }

    /// Takes both.
    pub fn into_parts(self) -> (T, ResponseMeta) {
        (self.value, self.meta)
    }
}
