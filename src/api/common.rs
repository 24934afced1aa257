//! Plumbing shared by the resource handles: the API root, id checks, and
//! the call a [`List`](super::List) or a [`Get`](super::Get) describes.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::models::ids::{check_id, PathId};
use crate::odata::QueryOptions;
use crate::request::{ApiRequest, RequestOptions};
use crate::transport::Transport;

/// Root of the entitlement-management API below the version segment.
pub(crate) const EM: &str = "identityGovernance/entitlementManagement";

/// Checks an id before it goes into a path; `what` names the argument.
pub(crate) fn checked<'a>(id: &'a impl PathId, what: &str) -> Result<&'a str> {
    let s = id.id_str();
    check_id(s).map_err(|problem| Error::invalid_input(what, problem))?;
    Ok(s)
}

/// The same error again (kind and message), for a builder that keeps an
/// argument error until it is sent and may be cloned or sent twice.
fn again(e: &Error) -> Error {
    Error::new(e.kind(), e.to_string())
}

/// What a list or a get sends, as plain data: the path (or the argument
/// error that keeps it from being sent), the query options, extra headers,
/// and the transport (a view of the client's, with the call's options).
pub(crate) struct Call {
    pub(crate) transport: Arc<Transport>,
    pub(crate) path: Result<String>,
    /// Query pairs given verbatim (from a `raw().get` path), sent before
    /// the typed options.
    pub(crate) verbatim: Vec<(String, String)>,
    pub(crate) query: QueryOptions,
    pub(crate) headers: Vec<(String, String)>,
}

impl Clone for Call {
    fn clone(&self) -> Self {
        Self {
            transport: Arc::clone(&self.transport),
            path: match &self.path {
                Ok(p) => Ok(p.clone()),
                Err(e) => Err(again(e)),
            },
            verbatim: self.verbatim.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
        }
    }
}

impl Call {
    pub(crate) fn new(transport: Arc<Transport>, path: Result<String>) -> Self {
        Self {
            transport,
            path,
            verbatim: Vec::new(),
            query: QueryOptions::new(),
            headers: Vec::new(),
        }
    }

    /// The call with `options` over the transport's settings (a view that
    /// shares the client's token cache and throttle gate).
    pub(crate) fn with_options(mut self, options: &RequestOptions) -> Self {
        self.transport = self.transport.with_options(options);
        self
    }

    /// The GET request (no IO). Fails when an id or a query option is invalid.
    pub(crate) fn request(&self) -> Result<ApiRequest> {
        let path = match &self.path {
            Ok(p) => p.clone(),
            Err(e) => return Err(again(e)),
        };
        self.query
            .validate()
            .map_err(|e| Error::invalid_input("query", e))?;
        let mut req = ApiRequest::get(path)
            .queries(self.verbatim.iter().cloned())
            .queries(self.query.to_pairs());
        for (k, v) in &self.headers {
            req = req.header(k.clone(), v.clone());
        }
        Ok(req)
    }
}

/// Generates `options(RequestOptions)` on a write builder whose shared
/// transport sits at `self.$field`: the one way every builder takes per-call
/// options (a view of the transport with those settings, sharing the
/// client's token cache and throttle gate). [`List`](super::List) and
/// [`Get`](super::Get) define theirs themselves.
macro_rules! request_options {
    ($builder:ident, $($field:ident).+) => {
        impl $builder {
            /// Options for this call only: timeout, retry policy,
            /// `client-request-id`, extra headers (see
            /// [`RequestOptions`](crate::request::RequestOptions)). Options
            /// out of range fail the call with `InvalidInput` before sending.
            pub fn options(mut self, options: $crate::request::RequestOptions) -> Self {
                self.$($field).+ = self.$($field).+.with_options(&options);
                self
            }
        }
    };
}
pub(crate) use request_options;
