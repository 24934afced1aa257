//! Adapter from azure_core credentials.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use azure_core::credentials::TokenCredential;
use azure_core::time::OffsetDateTime;

use super::{AccessToken, AuthError, Secret, TokenProvider};
use crate::Cloud;

/// Uses any azure_core [`TokenCredential`] as a [`TokenProvider`].
///
/// Works with every credential of the `azure_identity` crate
/// (`ClientSecretCredential`, `ClientCertificateCredential`,
/// `ManagedIdentityCredential`, `WorkloadIdentityCredential`,
/// `AzureCliCredential`, `DeveloperToolsCredential`, …) and with your own
/// implementations. Each [`token`](TokenProvider::token) call runs
/// `get_token(&[scope], None)`; the scope defaults to
/// `https://graph.microsoft.com/.default`.
///
/// azure_identity credentials cache their tokens themselves, but wrapping the
/// adapter in a [`CachedTokenProvider`](super::CachedTokenProvider) still
/// adds refresh ahead of expiry and a single in-flight request.
///
/// ```
/// use std::sync::Arc;
/// use async_trait::async_trait;
/// use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
/// use azure_core::time::{Duration, OffsetDateTime};
/// use entra_access::auth::{AzureCredential, TokenProvider};
///
/// #[derive(Debug)]
/// struct Fixed; // stands in for e.g. azure_identity::ManagedIdentityCredential
///
/// #[async_trait]
/// impl TokenCredential for Fixed {
///     async fn get_token(
///         &self,
///         _scopes: &[&str],
///         _options: Option<TokenRequestOptions<'_>>,
///     ) -> azure_core::Result<AccessToken> {
///         Ok(AccessToken::new("eyJ0eXAi...", OffsetDateTime::now_utc() + Duration::hours(1)))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), entra_access::auth::AuthError> {
/// let provider = AzureCredential::new(Arc::new(Fixed));
/// let token = provider.token().await?;
/// assert_eq!(token.secret.expose(), "eyJ0eXAi...");
/// assert!(token.expires_at.is_some());
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "azure-identity")))]
#[derive(Clone)]
pub struct AzureCredential {
    credential: Arc<dyn TokenCredential>,
    scope: String,
}

impl AzureCredential {
    /// Adapts `credential`, asking for the global Graph scope.
    pub fn new(credential: Arc<dyn TokenCredential>) -> Self {
        Self {
            credential,
            scope: Cloud::Global.graph_scope(),
        }
    }

    /// Asks for `scope` instead (such as `https://graph.microsoft.us/.default`).
    #[must_use]
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// Asks for the Graph scope of `cloud`.
    #[must_use]
    pub fn cloud(self, cloud: Cloud) -> Self {
        self.scope(cloud.graph_scope())
    }

    /// The scope the adapter asks for.
    pub fn requested_scope(&self) -> &str {
        &self.scope
    }
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureCredential")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl TokenProvider for AzureCredential {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        let token = self
            .credential
            .get_token(&[self.scope.as_str()], None)
            .await
            .map_err(|e| AuthError::Provider {
                message: format!("the azure credential failed: {e}"),
                source: Some(Box::new(e)),
            })?;
        let secret = Secret::new(token.token.secret().to_owned());
        Ok(match to_system_time(token.expires_on) {
            Some(at) => AccessToken::new(secret, at),
            None => AccessToken::without_expiry(secret),
        })
    }

    fn graph_scope(&self) -> Option<String> {
        Some(self.scope.clone())
    }
}

/// `OffsetDateTime` to `SystemTime`; `None` when out of `SystemTime`'s range.
fn to_system_time(at: OffsetDateTime) -> Option<SystemTime> {
    let nanos = at.unix_timestamp_nanos();
    let magnitude = u64::try_from(nanos.unsigned_abs() / 1_000_000_000).ok()?;
    let sub = u32::try_from(nanos.unsigned_abs() % 1_000_000_000).ok()?;
    let offset = Duration::new(magnitude, sub);
    if nanos >= 0 {
        SystemTime::UNIX_EPOCH.checked_add(offset)
    } else {
        SystemTime::UNIX_EPOCH.checked_sub(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_offset_date_time() {
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
            + azure_core::time::Duration::milliseconds(250);
        assert_eq!(
            to_system_time(at),
            Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_250))
        );
        let before = OffsetDateTime::from_unix_timestamp(-10).unwrap();
        assert_eq!(
            to_system_time(before),
            Some(SystemTime::UNIX_EPOCH - Duration::from_secs(10))
        );
    }
}
