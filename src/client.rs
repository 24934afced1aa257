//! The front door: [`Client`] and its builder.

mod builder;
mod raw;

use std::sync::Arc;

pub use builder::{ApiVersion, ClientBuilder};
pub use raw::Raw;
use url::Url;

use crate::auth::TokenProvider;
use crate::error::Result;
use crate::transport::Transport;

/// A Microsoft Graph entitlement-management client.
///
/// Cheap to clone (an `Arc` inside), `Send + Sync`, and usable from many
/// tasks at once; clones share the token cache and the throttle gate.
///
/// ```
/// use entra_access::{auth::StaticToken, Client};
///
/// let client = Client::new(StaticToken::new("token"))?;
/// assert_eq!(client.base_url().as_str(), "https://graph.microsoft.com/v1.0/");
/// # Ok::<(), entra_access::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    transport: Arc<Transport>,
}

impl Client {
    /// A client for the global cloud with default settings.
    pub fn new(provider: impl TokenProvider + 'static) -> Result<Self> {
        Self::builder().token_provider(provider).build()
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_transport(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    pub(crate) fn transport(&self) -> &Arc<Transport> {
        &self.transport
    }

    /// The API root every path is relative to, such as
    /// `https://graph.microsoft.com/v1.0/`.
    pub fn base_url(&self) -> &Url {
        &self.transport.api_root
    }

    /// Calls endpoints the crate does not wrap, with the same auth, retry
    /// and error mapping.
    pub fn raw(&self) -> Raw {
        Raw::new(Arc::clone(&self.transport))
    }
}
