//! A provider made from a closure.

use std::fmt;
use std::future::Future;

use async_trait::async_trait;

use super::{AccessToken, AuthError, TokenProvider};

/// Turns an async closure into a [`TokenProvider`].
///
/// Use it when the token comes from somewhere the crate does not know (a
/// vault, another SDK, a sidecar). The closure is called on every
/// [`token`](TokenProvider::token) call; wrap the provider in a
/// [`CachedTokenProvider`](super::CachedTokenProvider) if fetching is costly.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use entra_access::auth::{AccessToken, TokenFn, TokenProvider};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), entra_access::auth::AuthError> {
/// let provider = TokenFn::new(|| async {
///     Ok(AccessToken::new("eyJ0eXAi...", SystemTime::now() + Duration::from_secs(3600)))
/// });
/// assert_eq!(provider.token().await?.secret.expose(), "eyJ0eXAi...");
/// assert_eq!(format!("{provider:?}"), "TokenFn { .. }");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct TokenFn<F> {
    f: F,
}

impl<F, Fut> TokenFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AccessToken, AuthError>> + Send,
{
    /// A provider that calls `f` for every token.
    pub fn new(f: F) -> Self {
        Self { f }
    }
}

/// Shorthand for [`TokenFn::new`].
///
/// ```
/// use entra_access::auth::{token_fn, AccessToken};
///
/// let provider = token_fn(|| async { Ok(AccessToken::without_expiry("eyJ0eXAi...")) });
/// # let _ = provider;
/// ```
pub fn token_fn<F, Fut>(f: F) -> TokenFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AccessToken, AuthError>> + Send,
{
    TokenFn::new(f)
}

impl<F> fmt::Debug for TokenFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenFn").finish_non_exhaustive()
    }
}

#[async_trait]
impl<F, Fut> TokenProvider for TokenFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AccessToken, AuthError>> + Send,
{
    async fn token(&self) -> Result<AccessToken, AuthError> {
        (self.f)().await
    }
}
