//! The front door: [`Client`] and its builder.

mod builder;
pub mod env;
mod raw;

use std::sync::Arc;

pub use builder::{ApiVersion, ClientBuilder};
pub use raw::Raw;
use url::Url;

use crate::error::Result;
use crate::transport::Transport;

/// A Microsoft Graph entitlement-management client.
///
/// Cheap to clone (an `Arc` inside), `Send + Sync`, and usable from many
/// tasks at once; clones share the token cache, the HTTP client and the
/// throttle gate.
///
/// # Making one
///
/// One family of constructors: [`Client::from_env`] for the usual case,
/// [`Client::builder`] for everything else. Each way to sign in is one
/// builder call, and the environment has one reading per kind of sign-in:
///
/// | signs in as | explicit | from the environment |
/// |---|---|---|
/// | the application (client secret) | [`ClientBuilder::client_credentials`] | [`Client::from_env`] |
/// | a person (device code) | [`ClientBuilder::device_code`] | [`ClientBuilder::device_code_from_env`] |
/// | whatever a provider returns | [`ClientBuilder::token_provider`] | [`Client::from_env`] (`GRAPH_ACCESS_TOKEN`) |
///
/// ```
/// use entra_access::{auth::StaticToken, Client};
///
/// let client = Client::builder().token_provider(StaticToken::new("token")).build()?;
/// assert_eq!(client.base_url().as_str(), "https://graph.microsoft.com/v1.0/");
/// # Ok::<(), entra_access::Error>(())
/// ```
///
/// A program with a `--device-code` flag:
///
/// ```no_run
/// use entra_access::Client;
///
/// # fn demo(device_code: bool) -> entra_access::Result<()> {
/// let client = if device_code {
///     Client::builder().device_code_from_env(|prompt| eprintln!("{prompt}")).build()?
/// } else {
///     Client::from_env()?
/// };
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    transport: Arc<Transport>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment, or an `InvalidInput` error
    /// naming what is missing or wrong.
    ///
    /// Credentials: `GRAPH_ACCESS_TOKEN` (used as is), or `AZURE_TENANT_ID` +
    /// `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (client credentials, with
    /// optional `AZURE_AUTHORITY_HOST`). Optional `GRAPH_BASE_URL` picks the
    /// Graph origin (national clouds; `http://` only for loopback). A person
    /// signing in with a device code reads the same variables through
    /// [`ClientBuilder::device_code_from_env`]. The names are constants in
    /// [`env`](crate::env).
    ///
    /// ```no_run
    /// let client = entra_access::Client::from_env()?;
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        env::from_lookup(&|name| std::env::var_os(name))?.ok_or_else(|| {
            crate::Error::invalid_input(
                "environment",
                "has no credentials: set GRAPH_ACCESS_TOKEN, or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET",
            )
        })
    }

    pub(crate) fn from_transport(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// The API root every path is relative to, such as
    /// `https://graph.microsoft.com/v1.0/`.
    pub fn base_url(&self) -> &Url {
        &self.transport.api_root
    }

    /// Access packages: list, get, find by name.
    pub fn access_packages(&self) -> crate::api::AccessPackages {
        crate::api::AccessPackages::new(Arc::clone(&self.transport))
    }

    /// Assignment policies: list, get, the policies of a package.
    pub fn assignment_policies(&self) -> crate::api::AssignmentPolicies {
        crate::api::AssignmentPolicies::new(Arc::clone(&self.transport))
    }

    /// Assignments: list (filtered, paged), get, reprocess.
    pub fn assignments(&self) -> crate::api::Assignments {
        crate::api::Assignments::new(Arc::clone(&self.transport))
    }

    /// Assignment requests: assign, update, remove, follow.
    pub fn assignment_requests(&self) -> crate::api::AssignmentRequests {
        crate::api::AssignmentRequests::new(Arc::clone(&self.transport))
    }

    /// Catalogs: list, get, resolve by id or name.
    pub fn catalogs(&self) -> crate::api::Catalogs {
        crate::api::Catalogs::new(Arc::clone(&self.transport))
    }

    /// Approvals of assignment requests: list those waiting for the
    /// signed-in user, read stages, approve or deny. Delegated-only: needs a
    /// signed-in user's token (see [`auth::DeviceCode`](crate::auth::DeviceCode)).
    ///
    /// ```
    /// # let client = entra_access::Client::builder()
    /// #     .token_provider(entra_access::auth::StaticToken::new("t"))
    /// #     .build()?;
    /// let list = client.approvals().list_mine();
    /// # let _ = list;
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn approvals(&self) -> crate::api::Approvals {
        crate::api::Approvals::new(Arc::clone(&self.transport))
    }

    /// Group members (for bulk assignment).
    pub fn groups(&self) -> crate::api::Groups {
        crate::api::Groups::new(Arc::clone(&self.transport))
    }

    /// Lifecycle workflows: add and remove access-package tasks.
    pub fn lifecycle_workflows(&self) -> crate::api::LifecycleWorkflows {
        crate::api::LifecycleWorkflows::new(Arc::clone(&self.transport))
    }

    /// How many 429 (throttled) answers this client and its clones have seen;
    /// bulk operations watch it to adapt their concurrency.
    pub fn throttled_count(&self) -> u64 {
        self.transport.throttled_count()
    }

    /// The retry policy the client's calls follow.
    pub fn retry_policy(&self) -> &crate::RetryPolicy {
        &self.transport.retry
    }

    /// A view of this client with other defaults: timeout, retry policy,
    /// `client-request-id`, extra headers, page size (see
    /// [`RequestOptions`](crate::request::RequestOptions)). It shares this
    /// client's connection pool, token cache and throttle gate: a 429 one
    /// of them gets pauses the other's Graph calls too. (A second `Client`
    /// built separately has its own cache and gate.)
    ///
    /// Options out of range are refused with an `InvalidInput` error.
    ///
    /// ```
    /// use std::time::Duration;
    /// use entra_access::{auth::StaticToken, request::RequestOptions, Client, RetryPolicy};
    ///
    /// let client = Client::builder().token_provider(StaticToken::new("token")).build()?;
    /// let impatient = client.with_options(
    ///     RequestOptions::new()
    ///         .timeout(Duration::from_secs(5))
    ///         .retry_policy(RetryPolicy::none()),
    /// )?;
    /// # let _ = impatient;
    /// assert!(client
    ///     .with_options(RequestOptions::new().timeout(Duration::ZERO))
    ///     .unwrap_err()
    ///     .is_invalid_input());
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn with_options(&self, options: crate::request::RequestOptions) -> Result<Self> {
        options.check()?;
        Ok(Self::from_transport(self.transport.with_options(&options)))
    }

    /// The token provider every call of this client asks (for the
    /// doctor, which reads the token's claims without printing it).
    pub(crate) fn token_provider(&self) -> Arc<dyn crate::auth::TokenProvider> {
        Arc::clone(&self.transport.tokens)
    }

    /// Calls endpoints the crate does not wrap, with the same auth, retry
    /// and error mapping.
    pub fn raw(&self) -> Raw {
        Raw::new(Arc::clone(&self.transport))
    }
}
