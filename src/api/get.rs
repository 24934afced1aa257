//! `Get<T>`: reads one Graph item.

use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::common::Call;
use crate::error::Result;
use crate::request::{ApiRequest, RequestOptions, WithMeta};
use crate::transport::Transport;

/// A get-one operation: path, query options and per-call options, ending in
/// `send()` (or `send_with_meta()` for Graph's request id and status).
///
/// Every handle's `get` is a `Get<T>` of its resource
/// (`client.access_packages().get(id)` is a `Get<AccessPackage>`), and so is
/// [`Raw::get`](crate::Raw::get) for any Graph item. `options`, `select`
/// and `expand` are defined once, here; the `expand_*` helpers of one
/// resource are on the `Get` of that resource, further down this page:
///
/// | get | its own setters |
/// |---|---|
/// | `Get<AccessPackage>` | `expand_policies` |
/// | `Get<AssignmentPolicy>` | `expand_access_package` |
/// | `Get<Assignment>` | `expand_target`, `expand_access_package`, `expand_policies` |
/// | `Get<AssignmentRequest>` | `expand_assignment`, `expand_access_package` |
///
/// ```
/// use entra_access::api::Get;
/// use entra_access::models::AccessPackage;
/// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
/// let get: Get<AccessPackage> = client.access_packages().get("pkg-1").expand_policies();
/// assert_eq!(
///     get.request()?.path_and_query(),
///     "identityGovernance/entitlementManagement/accessPackages/pkg-1?$expand=assignmentPolicies"
/// );
/// # Ok::<(), entra_access::Error>(())
/// ```
#[must_use = "a get does nothing until sent"]
pub struct Get<T> {
    pub(crate) call: Call,
    _item: PhantomData<fn() -> T>,
}

impl<T> Clone for Get<T> {
    fn clone(&self) -> Self {
        Self {
            call: self.call.clone(),
            _item: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Get<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Get")
            .field("path", &self.call.path.as_ref().ok())
            .field("query", &self.call.query.to_query_string())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Get<T> {
    pub(crate) fn new(transport: Arc<Transport>, path: Result<String>) -> Self {
        Self::from_call(Call::new(transport, path))
    }

    pub(crate) fn from_call(call: Call) -> Self {
        Self {
            call,
            _item: PhantomData,
        }
    }

    /// Options for this call only (timeout, retry policy,
    /// `client-request-id`, headers; see [`RequestOptions`]). Options out
    /// of range fail the call with `InvalidInput` before anything is sent.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use entra_access::request::RequestOptions;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let package = client
    ///     .access_packages()
    ///     .get("pkg-1")
    ///     .options(RequestOptions::new().timeout(Duration::from_secs(5)))
    ///     .send()
    ///     .await?;
    /// # let _ = package; Ok(()) }
    /// ```
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.call = self.call.with_options(&options);
        self
    }

    /// Asks only for these properties (`$select`).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.catalogs().get("cat-1").select(["id", "displayName"]).request()?;
    /// assert_eq!(req.query_value("$select"), Some("id,displayName"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
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

    /// Includes a navigation property (`$expand`); the gets of the crate's
    /// resources name theirs (`expand_policies`, `expand_target`…).
    pub fn expand(mut self, navigation: impl Into<String>) -> Self {
        self.call.query = self.call.query.expand(navigation);
        self
    }

    /// The request (no IO). Fails when an id or a query option is invalid.
    pub fn request(&self) -> Result<ApiRequest> {
        self.call.request()
    }

    /// Fetches the item.
    pub async fn send(self) -> Result<T> {
        let req = self.request()?;
        self.call.transport.send_json(&req, "the answer").await
    }

    /// Fetches the item with the answer's metadata (Graph's `request-id`,
    /// `client-request-id`, status, `Date`).
    pub async fn send_with_meta(self) -> Result<WithMeta<T>> {
        let req = self.request()?;
        self.call
            .transport
            .send_json_with_meta(&req, "the answer")
            .await
    }
}
