//! `client.raw()`: call endpoints the crate does not wrap yet.

use std::sync::Arc;

use http::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::error::{Error, Result};
use crate::request::ApiRequest;
use crate::transport::{check_path_segments, decode, Transport};

/// Calls any Graph endpoint with the client's auth, retry and error mapping.
///
/// Paths are relative to the API version root (`https://<graph>/v1.0/`).
///
/// ```no_run
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let me: serde_json::Value = client
///     .raw()
///     .get("identityGovernance/entitlementManagement/catalogs?$top=5")
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

    /// GET `path_and_query` (already encoded) and decode the JSON answer.
    pub async fn get<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<T> {
        let url = self.relative(path_and_query)?;
        let resp = self.transport.execute(Method::GET, url, None, &[]).await?;
        decode("the answer", &resp.body)
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
