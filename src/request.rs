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

use http::Method;
use serde_json::Value;

use crate::odata::encode_query;

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
