//! Authentication: where the client gets its bearer token.
//!
//! The client asks a [`TokenProvider`] for a token before each request, and
//! calls [`TokenProvider::invalidate`] once after Graph answers 401, before it
//! retries that request one time.
//!
//! # Choosing a provider
//!
//! | You have | Use |
//! |---|---|
//! | an app registration with a client secret | [`ClientCredentials`] (feature `client-credentials`, on by default) |
//! | an `azure_identity` credential (managed identity, workload identity, Azure CLI, certificate…) | [`AzureCredential`] (feature `azure-identity`) |
//! | a token obtained elsewhere, fetched by your code | [`TokenFn`] / [`token_fn`] |
//! | one fixed token (scripts, tests) | [`StaticToken`] |
//!
//! The token must be issued for the Graph origin the client talks to
//! (`https://graph.microsoft.com/.default` in the global cloud; see
//! [`Cloud`](crate::Cloud) for national clouds) and carry the application
//! permissions (or delegated scopes) the calls need.
//!
//! # Caching
//!
//! [`CachedTokenProvider`] wraps any provider: it reuses the token until it
//! comes within a refresh margin of its expiry (5 minutes by default), then
//! refreshes it ahead of time; concurrent callers share a single in-flight
//! load; a failed load is not cached. [`ClientCredentials`], [`TokenFn`] and
//! [`AzureCredential`] do not cache by themselves; the client wraps providers
//! in the cache by default.
//!
//! ```
//! use std::time::Duration;
//! use entra_access::auth::{CachedTokenProvider, StaticToken, TokenProvider};
//!
//! let provider = CachedTokenProvider::new(StaticToken::new("eyJ0eXAi..."))
//!     .refresh_margin(Duration::from_secs(120));
//! # let _ = provider;
//! ```
//!
//! # Writing your own
//!
//! Implement [`TokenProvider`] (with `#[async_trait]`), or pass an async
//! closure to [`TokenFn`]. Return [`AccessToken::new`] with the expiry when
//! you know it, so the cache can refresh ahead of it; otherwise
//! [`AccessToken::without_expiry`], which is kept until invalidated. Report
//! failures with [`AuthError::provider`] or [`AuthError::msg`]. Keep `Debug`
//! free of secrets: store them in [`Secret`].
//!
//! ```
//! use entra_access::auth::{AccessToken, AuthError, CachedTokenProvider, TokenFn};
//!
//! let provider = CachedTokenProvider::new(TokenFn::new(|| async {
//!     let token = std::env::var("MY_GRAPH_TOKEN")
//!         .map_err(|e| AuthError::provider("MY_GRAPH_TOKEN is not set", e))?;
//!     Ok(AccessToken::without_expiry(token))
//! }));
//! # let _ = provider;
//! ```

#[cfg(feature = "azure-identity")]
mod azure;
mod cached;
#[cfg(feature = "client-credentials")]
mod client_credentials;
mod error;
mod secret;
mod static_token;
mod token;
mod token_fn;

#[cfg(feature = "azure-identity")]
pub use azure::AzureCredential;
pub use cached::CachedTokenProvider;
#[cfg(feature = "client-credentials")]
pub use client_credentials::ClientCredentials;
pub use error::AuthError;
pub use secret::Secret;
pub use static_token::StaticToken;
pub use token::{AccessToken, TokenProvider};
pub use token_fn::{token_fn, TokenFn};
