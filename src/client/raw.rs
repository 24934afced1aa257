//! `client.raw()`: call endpoints the crate does not wrap yet.

use std::sync::Arc;

use http::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::api::common::Call;
use crate::api::{Get, List};
use crate::error::{Error, Result};
use crate::paging::PageStream;
use crate::request::ApiRequest;
use crate::transport::{check_path_segments, decode, Transport};

/// Calls any Graph endpoint with the client's auth, retry and error mapping.
///
/// Paths are relative to the API version root (`https://<graph>/v1.0/`).
///
/// ```no_run
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let catalogs: serde_json::Value = client
///     .raw()
///     .get("identityGovernance/entitlementManagement/catalogs?$top=5")
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Raw {
    transport: Arc<Transport>,
}

impl Raw {
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// A [`Get`] of `path_and_query` (relative to the API root; a query
    /// in it is already encoded, as in a URL), decoded into `T` when sent.
    /// Query options set on the `Get` (`select`, `expand`) follow the
    /// path's own. A path that is absolute or leaves the API root is
    /// refused with `InvalidInput` before anything is sent.
    ///
    /// ```
    /// use entra_access::models::Workflow;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let get = client
    ///     .raw()
    ///     .get::<Workflow>("identityGovernance/lifecycleWorkflows/workflows/wf-1?$expand=tasks")
    ///     .select(["id", "displayName", "tasks"]);
    /// assert_eq!(
    ///     get.request()?.path_and_query(),
    ///     "identityGovernance/lifecycleWorkflows/workflows/wf-1?$expand=tasks&$select=id,displayName,tasks"
    /// );
    /// assert!(client.raw().get::<Workflow>("https://example.com/x").request().unwrap_err().is_invalid_input());
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn get<T: DeserializeOwned>(&self, path_and_query: &str) -> Get<T> {
        let mut call = Call::new(Arc::clone(&self.transport), Ok(String::new()));
        match self.split(path_and_query) {
            Ok((path, query)) => {
                call.path = Ok(path);
                call.verbatim = query;
            }
            Err(e) => call.path = Err(e),
        }
        Get::from_call(call)
    }

    /// GET an absolute URL. The token is sent only when the URL is on the
    /// Graph origin; any other origin gets the request without it.
    pub async fn get_url<T: DeserializeOwned>(&self, url: &str) -> Result<T> {
        let url = Url::parse(url).map_err(|e| Error::invalid_input("url", e))?;
        let resp = self.transport.execute(Method::GET, url, None, &[]).await?;
        decode("the answer", &resp.body)
    }

    /// POST a JSON body; decodes the answer, or gives `Value::Null` for an
    /// empty body (202/204).
    pub async fn post(&self, path_and_query: &str, body: &Value) -> Result<Value> {
        let url = self.relative(path_and_query)?;
        let resp = self
            .transport
            .execute(Method::POST, url, Some(body), &[])
            .await?;
        json_or_null(&resp.body)
    }

    /// DELETE `path_and_query`.
    pub async fn delete(&self, path_and_query: &str) -> Result<()> {
        let url = self.relative(path_and_query)?;
        self.transport
            .execute(Method::DELETE, url, None, &[])
            .await?;
        Ok(())
    }

    /// A typed list of any Graph collection at `path` (relative to the API
    /// root, without a query: set query options on the [`List`]), with the
    /// same paging as the typed lists: `$top` at the client's page size when
    /// streaming, lookahead, origin and loop checks, resume. A path that is
    /// absolute, leaves the API root or carries a query is refused with
    /// `InvalidInput` before anything is sent.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let list = client
    ///     .raw()
    ///     .list::<serde_json::Value>("identityGovernance/entitlementManagement/connectedOrganizations")
    ///     .top(50);
    /// assert_eq!(list.request()?.path_and_query(),
    ///     "identityGovernance/entitlementManagement/connectedOrganizations?$top=50");
    /// let err = client.raw().list::<serde_json::Value>("https://example.com/x").request().unwrap_err();
    /// assert!(err.is_invalid_input());
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn list<T: DeserializeOwned + Send + 'static>(&self, path: &str) -> List<T> {
        let path = self.list_path(path);
        List::new(Arc::clone(&self.transport), path)
    }

    /// Continues a [`list`](Self::list) from a saved next link (on the
    /// Graph origin only).
    pub fn resume<T: DeserializeOwned + Send + 'static>(&self, next_link: &str) -> PageStream<T> {
        PageStream::resume(Arc::clone(&self.transport), next_link)
    }

    fn list_path(&self, path: &str) -> Result<String> {
        if path.contains(['?', '#']) {
            return Err(Error::invalid_input(
                "list path",
                "must not carry a query; set query options with the List's methods (filter, top, select…)",
            ));
        }
        let url = self.relative(path)?;
        self.below_root(&url, "list path")
    }

    /// The path below the API root and the decoded query pairs of a
    /// relative `path_and_query`.
    fn split(&self, path_and_query: &str) -> Result<(String, Vec<(String, String)>)> {
        let mut url = self.relative(path_and_query)?;
        let query = url.query_pairs().into_owned().collect();
        url.set_query(None);
        url.set_fragment(None);
        Ok((self.below_root(&url, "path")?, query))
    }

    /// `url`'s path below the API root, which it must not leave (no `..`,
    /// no authority) nor be.
    fn below_root(&self, url: &Url, what: &str) -> Result<String> {
        url.as_str()
            .strip_prefix(self.transport.api_root.as_str())
            .map(str::to_owned)
            .filter(|rest| !rest.is_empty())
            .ok_or_else(|| Error::invalid_input(what, "must stay below the Graph API root"))
    }

    /// Sends an [`ApiRequest`] and returns the JSON answer (`Null` when empty).
    pub async fn send(&self, req: &ApiRequest) -> Result<Value> {
        let resp = self.transport.send(req).await?;
        json_or_null(&resp.body)
    }

    fn relative(&self, path_and_query: &str) -> Result<Url> {
        let trimmed = path_and_query.trim_start_matches('/');
        if trimmed.contains("://") || trimmed.is_empty() {
            return Err(Error::invalid_input(
                "path",
                "must be relative to the API root, such as `groups/{id}/members`",
            ));
        }
        check_path_segments(trimmed)?;
        Url::parse(&format!("{}{trimmed}", self.transport.api_root))
            .map_err(|e| Error::invalid_input("path", e))
    }
}

/// The JSON answer, or `Null` for an empty body (202, 204).
fn json_or_null(body: &[u8]) -> Result<Value> {
    if body.is_empty() {
        Ok(Value::Null)
    } else {
        decode("the answer", body)
    }
}
