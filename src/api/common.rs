//! Plumbing shared by the resource handles: paths, id checks, list builders.

use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::models::ids::{check_id, PathId};
use crate::odata::QueryOptions;
use crate::paging::{first_page, ItemStream, Page, PageStream};
use crate::request::ApiRequest;
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

/// A list operation: path, query options and extra headers, ending in
/// `send()` (first page), `pages()`, `stream()` or `collect()`. The typed
/// list builders wrap one; [`Raw::list`](crate::Raw::list) gives one for any
/// Graph collection, with the same paging, retry and options.
///
/// ```no_run
/// use futures::TryStreamExt;
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// #[derive(serde::Deserialize)]
/// struct Catalog {
///     id: String,
///     #[serde(rename = "displayName")]
///     display_name: Option<String>,
/// }
/// let mut catalogs = client
///     .raw()
///     .list::<Catalog>("identityGovernance/entitlementManagement/catalogs")
///     .select(["id", "displayName"])
///     .stream();
/// while let Some(c) = catalogs.try_next().await? {
///     println!("{}\t{}", c.id, c.display_name.unwrap_or_default());
/// }
/// # Ok(()) }
/// ```
#[must_use = "a list does nothing until sent or streamed"]
pub struct List<T> {
    pub(crate) transport: Arc<Transport>,
    pub(crate) path: Result<String>,
    pub(crate) query: QueryOptions,
    pub(crate) headers: Vec<(String, String)>,
    _item: PhantomData<fn() -> T>,
}

impl<T> Clone for List<T> {
    fn clone(&self) -> Self {
        Self {
            transport: Arc::clone(&self.transport),
            path: match &self.path {
                Ok(p) => Ok(p.clone()),
                Err(e) => Err(again(e)),
            },
            query: self.query.clone(),
            headers: self.headers.clone(),
            _item: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for List<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("List")
            .field("path", &self.path.as_ref().ok())
            .field("query", &self.query.to_query_string())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> List<T> {
    pub(crate) fn new(transport: Arc<Transport>, path: Result<String>) -> Self {
        Self {
            transport,
            path,
            query: QueryOptions::new(),
            headers: Vec::new(),
            _item: PhantomData,
        }
    }

    /// Options for this call only (see
    /// [`RequestOptions`](crate::request::RequestOptions)).
    pub fn options(mut self, options: crate::request::RequestOptions) -> Self {
        self.transport = self.transport.with_options(&options);
        self
    }

    /// Adds a filter (`$filter`), combined with `and` with the others.
    pub fn filter(mut self, filter: impl Into<crate::odata::Filter>) -> Self {
        self.query = self.query.and_filter(filter);
        self
    }

    /// Page size (`$top`, 1 to 999); refused before sending otherwise.
    pub fn top(mut self, n: u32) -> Self {
        self.query = self.query.top(n);
        self
    }

    /// Asks only for these properties (`$select`).
    pub fn select<I, S>(mut self, properties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for p in properties {
            self.query = self.query.select(p);
        }
        self
    }

    /// Includes a navigation property (`$expand`).
    pub fn expand(mut self, navigation: impl Into<String>) -> Self {
        self.query = self.query.expand(navigation);
        self
    }

    /// Sorts by a property (`$orderby`), where the endpoint supports it.
    pub fn order_by(mut self, property: impl Into<String>, order: crate::odata::Order) -> Self {
        self.query = self.query.order_by(property, order);
        self
    }

    /// Asks for the total count (`$count=true`, see [`Page::count`]), where
    /// the endpoint supports it (directory objects also need the header
    /// `ConsistencyLevel: eventual`).
    pub fn count(mut self, count: bool) -> Self {
        self.query = self.query.count(count);
        self
    }

    /// Adds a header to every page request (such as `ConsistencyLevel`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The request the first page is fetched with (no IO). Fails when an id
    /// or a query option is invalid.
    pub fn request(&self) -> Result<ApiRequest> {
        let path = match &self.path {
            Ok(p) => p.clone(),
            Err(e) => return Err(again(e)),
        };
        self.query
            .validate()
            .map_err(|e| Error::invalid_input("query", e))?;
        let mut req = ApiRequest::get(path).queries(self.query.to_pairs());
        for (k, v) in &self.headers {
            req = req.header(k.clone(), v.clone());
        }
        Ok(req)
    }

    /// Fetches the first page.
    pub async fn send(self) -> Result<Page<T>> {
        let req = self.request()?;
        first_page(&self.transport, &req).await
    }

    /// All pages, lazily (see [`PageStream`]). Unless the list sets `top`,
    /// each page asks for the client's
    /// [`page_size`](crate::ClientBuilder::page_size) (`$top=999` by default).
    pub fn pages(self) -> PageStream<T> {
        let (req, without_top) = self.stream_request();
        PageStream::from_requests(self.transport, req, without_top)
    }

    /// The first request of a stream: with the client's page size as `$top`
    /// when the caller set none and Graph has not refused it on this
    /// endpoint, and then also the request without it (the fallback).
    fn stream_request(&self) -> (Result<ApiRequest>, Option<ApiRequest>) {
        let plain = match self.request() {
            Ok(req) => req,
            Err(e) => return (Err(e), None),
        };
        match self.transport.page_size {
            Some(n) if self.query.top.is_none() && !self.transport.top_refused(plain.path()) => {
                let mut sized = self.clone();
                sized.query = sized.query.top(n);
                (sized.request(), Some(plain))
            }
            _ => (Ok(plain), None),
        }
    }

    /// All items of all pages, lazily (see [`ItemStream`]).
    pub fn stream(self) -> ItemStream<T> {
        self.pages().items()
    }

    /// Reads every page and returns all items. Prefer [`stream`](Self::stream)
    /// for large collections.
    pub async fn collect(self) -> Result<Vec<T>> {
        use futures::TryStreamExt;
        self.stream().try_collect().await
    }
}

/// Generates `options(RequestOptions)` on a request builder whose shared
/// transport sits at `self.$field`: the one way every builder takes per-call
/// options (a view of the transport with those settings, sharing the
/// client's token cache and throttle gate).
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

/// Generates the terminal methods of a typed list builder that converts
/// into [`List`] through `fn into_list(self) -> List<$item>`.
macro_rules! list_terminals {
    ($builder:ident, $item:ty) => {
        $crate::api::common::request_options!($builder, list.transport);

        impl $builder {
            /// The request the first page is fetched with (no IO).
            pub fn request(&self) -> $crate::Result<$crate::request::ApiRequest> {
                self.clone().into_list().request()
            }

            /// Fetches the first page.
            pub async fn send(self) -> $crate::Result<$crate::paging::Page<$item>> {
                self.into_list().send().await
            }

            /// All pages, lazily.
            pub fn pages(self) -> $crate::paging::PageStream<$item> {
                self.into_list().pages()
            }

            /// All items of all pages, lazily.
            pub fn stream(self) -> $crate::paging::ItemStream<$item> {
                self.into_list().stream()
            }

            /// Reads every page and returns all items.
            pub async fn collect(self) -> $crate::Result<Vec<$item>> {
                self.into_list().collect().await
            }
        }
    };
}
pub(crate) use list_terminals;

/// Generates the query setters every filterable list builder shares
/// (`filter`, `top`, `select`) over its `list: List<_>` field.
macro_rules! list_query_setters {
    ($builder:ident) => {
        impl $builder {
            /// Adds a filter, combined with `and` with the others.
            pub fn filter(mut self, filter: impl Into<$crate::odata::Filter>) -> Self {
                self.list.query = self.list.query.and_filter(filter);
                self
            }

            /// Page size (`$top`, 1 to 999). Other values are refused before
            /// anything is sent.
            pub fn top(mut self, n: u32) -> Self {
                self.list.query = self.list.query.top(n);
                self
            }

            /// Asks only for these properties (`$select`).
            pub fn select<I, S>(mut self, properties: I) -> Self
            where
                I: IntoIterator<Item = S>,
                S: Into<String>,
            {
                for p in properties {
                    self.list.query = self.list.query.select(p);
                }
                self
            }
        }
    };
}
pub(crate) use list_query_setters;

/// Generates `request()` and `send()` of a typed get builder over its
/// `get: Get<$item>` field.
macro_rules! get_terminals {
    ($builder:ident, $item:ty) => {
        $crate::api::common::request_options!($builder, get.list.transport);

        impl $builder {
            /// The request (no IO).
            pub fn request(&self) -> $crate::Result<$crate::request::ApiRequest> {
                self.get.request()
            }

            /// Fetches the item.
            pub async fn send(self) -> $crate::Result<$item> {
                self.get.send().await
            }

            /// Fetches the item with the answer's metadata (Graph's
            /// `request-id`, `client-request-id`, status, `Date`).
            pub async fn send_with_meta(self) -> $crate::Result<$crate::request::WithMeta<$item>> {
                self.get.send_with_meta().await
            }
        }
    };
}
pub(crate) use get_terminals;

/// A get-one operation: path and query options, ending in `send`. Internal:
/// the typed get builders wrap it; `client.raw().get` reads any item.
#[must_use = "a get does nothing until sent"]
pub(crate) struct Get<T> {
    pub(crate) list: List<T>,
}

impl<T> Clone for Get<T> {
    fn clone(&self) -> Self {
        Self {
            list: self.list.clone(),
        }
    }
}

impl<T> std::fmt::Debug for Get<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Get").field("list", &self.list).finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Get<T> {
    pub(crate) fn new(transport: Arc<Transport>, path: Result<String>) -> Self {
        Self {
            list: List::new(transport, path),
        }
    }

    pub(crate) fn expand(mut self, navigation: &str) -> Self {
        self.list.query = self.list.query.expand(navigation);
        self
    }

    /// The request (no IO).
    pub fn request(&self) -> Result<ApiRequest> {
        self.list.request()
    }

    /// Fetches the item.
    pub async fn send(self) -> Result<T> {
        let req = self.request()?;
        self.list.transport.send_json(&req, "the item").await
    }

    /// Fetches the item with the answer's metadata.
    pub async fn send_with_meta(self) -> Result<crate::request::WithMeta<T>> {
        let req = self.request()?;
        self.list
            .transport
            .send_json_with_meta(&req, "the item")
            .await
    }
}
