//! `List<T>`: a list operation on any Graph collection.

use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::common::Call;
use crate::error::Result;
use crate::odata::{Filter, Order};
use crate::paging::{first_page, ItemStream, Page, PageStream};
use crate::request::{ApiRequest, RequestOptions};
use crate::transport::Transport;

/// A list operation: path, query options and extra headers, ending in
/// `send()` (first page), `pages()`, `stream()` or `collect()`.
///
/// Every handle's lists are a `List<T>` of the resource they list
/// (`client.assignments().list()` is a `List<Assignment>`), and so is
/// [`Raw::list`](crate::Raw::list) for any Graph collection, with the same
/// paging, retry and options. The setters every list has (`filter`, `top`,
/// `select`, `expand`, `order_by`, `count`, `header`, `options`) are
/// defined once, here; the setters of one resource (the typed filters of
/// its documented filterable properties, and its `expand_*` helpers) are
/// on the `List` of that resource, further down this page:
///
/// | list | its own setters |
/// |---|---|
/// | `List<Assignment>` | `access_package`, `assignment_policy`, `state`, `states`, `target_object_id`, `expand_target`, `expand_access_package`, `expand_policies` |
/// | `List<AssignmentRequest>` | `access_package`, `state`, `states`, `created_after`, `created_before`, `expand_assignment`, `expand_assignment_target`, `expand_access_package`, `expand_requestor` |
/// | `List<AccessPackage>` | `display_name_eq`, `display_name_contains`, `expand_policies` |
/// | `List<AssignmentPolicy>` | `expand_access_package` |
/// | `List<DirectoryObject>` | `users_only` (a terminal) |
///
/// ```
/// use entra_access::api::List;
/// use entra_access::models::{Assignment, AssignmentState};
/// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
/// let list: List<Assignment> = client
///     .assignments()
///     .list()
///     .access_package("pkg-1")
///     .state(AssignmentState::Delivered)
///     .expand_target()
///     .top(500);
/// assert_eq!(
///     list.request()?.path_and_query(),
///     "identityGovernance/entitlementManagement/assignments\
///      ?$filter=accessPackage/id%20eq%20'pkg-1'%20and%20state%20eq%20'delivered'\
///      &$expand=target&$top=500"
/// );
/// # Ok::<(), entra_access::Error>(())
/// ```
///
/// A collection the crate does not wrap, typed by your own struct:
///
/// ```no_run
/// use futures::TryStreamExt;
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// #[derive(serde::Deserialize)]
/// struct Organization {
///     id: String,
///     #[serde(rename = "displayName")]
///     display_name: Option<String>,
/// }
/// let mut organizations = client
///     .raw()
///     .list::<Organization>("identityGovernance/entitlementManagement/connectedOrganizations")
///     .select(["id", "displayName"])
///     .stream();
/// while let Some(o) = organizations.try_next().await? {
///     println!("{}\t{}", o.id, o.display_name.unwrap_or_default());
/// }
/// # Ok(()) }
/// ```
#[must_use = "a list does nothing until sent or streamed"]
pub struct List<T> {
    pub(crate) call: Call,
    _item: PhantomData<fn() -> T>,
}

impl<T> Clone for List<T> {
    fn clone(&self) -> Self {
        Self {
            call: self.call.clone(),
            _item: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for List<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("List")
            .field("path", &self.call.path.as_ref().ok())
            .field("query", &self.call.query.to_query_string())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> List<T> {
    pub(crate) fn new(transport: Arc<Transport>, path: Result<String>) -> Self {
        Self {
            call: Call::new(transport, path),
            _item: PhantomData,
        }
    }

    /// Options for this call only (timeout, retry policy,
    /// `client-request-id`, headers, page size, page cap; see
    /// [`RequestOptions`]). Options out of range fail the call with
    /// `InvalidInput` before anything is sent.
    ///
    /// ```
    /// use entra_access::request::RequestOptions;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let list = client.catalogs().list().options(RequestOptions::new().max_pages(10));
    /// assert_eq!(list.request()?.path(), "identityGovernance/entitlementManagement/catalogs");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.call = self.call.with_options(&options);
        self
    }

    /// Adds a condition (`$filter`), joined with `and` to the others: for
    /// what the list's typed setters do not cover (see
    /// [`odata::Filter`](crate::odata::Filter): `or`, `not`, other
    /// properties, [`Filter::raw`]).
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let list = client
    ///     .assignments()
    ///     .list()
    ///     .access_package("pkg-1")
    ///     .filter(Filter::eq(Path::TARGET_OBJECT_ID, "u-1").or(Filter::eq(Path::TARGET_OBJECT_ID, "u-2")));
    /// assert_eq!(
    ///     list.request()?.query_value("$filter"),
    ///     Some("accessPackage/id eq 'pkg-1' and (target/objectId eq 'u-1' or target/objectId eq 'u-2')")
    /// );
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn filter(mut self, filter: impl Into<Filter>) -> Self {
        self.call.query = self.call.query.and_filter(filter);
        self
    }

    /// Page size (`$top`, 1 to 999); refused before sending otherwise.
    pub fn top(mut self, n: u32) -> Self {
        self.call.query = self.call.query.top(n);
        self
    }

    /// Asks only for these properties (`$select`).
    pub fn select<I, S>(mut self, properties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for p in properties {
            self.call.query = self.call.query.select(p);
        }
        self
    }

    /// Includes a navigation property (`$expand`); the lists of the
    /// crate's resources name theirs (`expand_target`, `expand_policies`…).
    pub fn expand(mut self, navigation: impl Into<String>) -> Self {
        self.call.query = self.call.query.expand(navigation);
        self
    }

    /// Sorts by a property (`$orderby`), where the endpoint supports it.
    ///
    /// Directory lists document it; no entitlement-management list page
    /// does (they name `$select`, `$filter` and `$expand`), and Graph
    /// answers an option an endpoint does not support with a 400: the
    /// stream ends in an [`Error`](crate::Error) whose
    /// [`status`](crate::Error::status) is 400 and whose
    /// [`graph_error`](crate::Error::graph_error) holds Graph's code and
    /// message. Sort entitlement-management items after collecting them.
    pub fn order_by(mut self, property: impl Into<String>, order: Order) -> Self {
        self.call.query = self.call.query.order_by(property, order);
        self
    }

    /// Asks for the total count (`$count=true`, see [`Page::count`]), where
    /// the endpoint supports it (directory objects also need the header
    /// `ConsistencyLevel: eventual`). Entitlement-management lists do not
    /// document it: there it is a 400, as for [`order_by`](Self::order_by).
    pub fn count(mut self, count: bool) -> Self {
        self.call.query = self.call.query.count(count);
        self
    }

    /// Adds a header to every page request (such as `ConsistencyLevel`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.call.headers.push((name.into(), value.into()));
        self
    }

    /// The request the first page is fetched with (no IO). Fails when an id
    /// or a query option is invalid.
    pub fn request(&self) -> Result<ApiRequest> {
        self.call.request()
    }

    /// Fetches the first page.
    pub async fn send(self) -> Result<Page<T>> {
        let req = self.request()?;
        first_page(&self.call.transport, &req).await
    }

    /// All pages, lazily (see [`PageStream`]). Unless the list sets `top`,
    /// each page asks for the client's
    /// [`page_size`](crate::ClientBuilder::page_size) (`$top=999` by
    /// default). Graph may refuse that `$top` (a 400 about `$top` or the
    /// page size) or read it as a total (a first page of exactly `$top`
    /// items and no next link): either way the stream asks again without
    /// `$top` (dropping that first page; you see each item once) and the
    /// client lists that endpoint without `$top` from then on. The stream
    /// stops with an `ErrorKind::Paging` error past
    /// [`max_pages`](RequestOptions::max_pages) pages.
    pub fn pages(self) -> PageStream<T> {
        let (req, without_top) = self.stream_request();
        PageStream::from_requests(self.call.transport, req, without_top)
    }

    /// The first request of a stream: with the client's page size as `$top`
    /// when the caller set none and Graph has neither refused it on this
    /// endpoint nor read it as a total there, and then also the request
    /// without it (the fallback).
    fn stream_request(&self) -> (Result<ApiRequest>, Option<ApiRequest>) {
        let plain = match self.request() {
            Ok(req) => req,
            Err(e) => return (Err(e), None),
        };
        let transport = &self.call.transport;
        match transport.page_size {
            Some(n)
                if self.call.query.top.is_none() && !transport.lists_without_top(plain.path()) =>
            {
                let mut sized = self.call.clone();
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
