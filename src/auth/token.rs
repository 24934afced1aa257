//! The `TokenProvider` trait and the token it returns.

use std::fmt::Debug;
use std::time::SystemTime;

use async_trait::async_trait;

use super::{AuthError, Secret};

/// A bearer token for Microsoft Graph and, when known, when it stops working.
#[derive(Clone, Debug)]
pub struct AccessToken {
    /// The token itself; never printed.
    pub secret: Secret,
    /// When the token expires; `None` when the provider does not know.
    pub expires_at: Option<SystemTime>,
}

impl AccessToken {
    /// A token with a known expiry.
    pub fn new(secret: impl Into<Secret>, expires_at: SystemTime) -> Self {
        Self {
            secret: secret.into(),
            expires_at: Some(expires_at),
        }
    }

    /// A token whose expiry is unknown (it is used until Graph answers 401).
    pub fn without_expiry(secret: impl Into<Secret>) -> Self {
        Self {
            secret: secret.into(),
            expires_at: None,
        }
    }

    /// Whether the token expires within `margin` from now (or already has).
    pub fn expires_within(&self, margin: std::time::Duration) -> bool {
        match self.expires_at {
            Some(at) => match at.duration_since(SystemTime::now()) {
                Ok(left) => left <= margin,
                Err(_) => true,
            },
            None => false,
        }
    }
}

/// Anything that can hand out a Graph access token.
///
/// The client asks for a token before every request (a cheap call when the
/// provider caches, see [`CachedTokenProvider`](super::CachedTokenProvider)),
/// and calls [`invalidate_if`](TokenProvider::invalidate_if) with the token
/// it sent once after Graph answers 401, before it retries that request one
/// time.
///
/// ```
/// use async_trait::async_trait;
/// use entra_access::auth::{AccessToken, AuthError, TokenProvider};
///
/// #[derive(Debug)]
/// struct FromVault;
///
/// #[async_trait]
/// impl TokenProvider for FromVault {
///     async fn token(&self) -> Result<AccessToken, AuthError> {
///         // Fetch the token from wherever you keep it.
///         Ok(AccessToken::without_expiry("token-from-vault"))
///     }
/// }
/// ```
#[async_trait]
pub trait TokenProvider: Send + Sync + Debug {
    /// Returns a token valid for the Graph origin the client talks to.
    async fn token(&self) -> Result<AccessToken, AuthError>;

    /// Forgets any cached token, so the next [`token`](TokenProvider::token)
    /// call fetches a fresh one. The default does nothing.
    async fn invalidate(&self) {}

    /// Graph refused `sent` (HTTP 401): forget it if it is still the token
    /// this provider hands out, and keep any newer one. Many requests that
    /// met a 401 for the same old token then cost one new token, not one
    /// each. The default calls [`invalidate`](TokenProvider::invalidate).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use entra_access::auth::{AccessToken, CachedTokenProvider, TokenFn, TokenProvider};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), entra_access::auth::AuthError> {
    /// static FETCHED: AtomicU32 = AtomicU32::new(0);
    /// let provider = CachedTokenProvider::new(TokenFn::new(|| async {
    ///     let n = FETCHED.fetch_add(1, Ordering::SeqCst);
    ///     Ok(AccessToken::without_expiry(format!("token-{n}")))
    /// }));
    /// let old = provider.token().await?;
    /// provider.invalidate_if(&old).await; // forgets `old`
    /// let new = provider.token().await?;
    /// provider.invalidate_if(&old).await; // `old` is gone already: keeps `new`
    /// assert_eq!(provider.token().await?.secret, new.secret);
    /// assert_eq!(FETCHED.load(Ordering::SeqCst), 2);
    /// # Ok(())
    /// # }
    /// ```
    async fn invalidate_if(&self, sent: &AccessToken) {
        let _ = sent;
        self.invalidate().await;
    }

    /// The scope this provider asks tokens for (such as
    /// `https://graph.microsoft.us/.default`), when it knows it. The client
    /// builder refuses a provider whose scope names another Microsoft cloud
    /// than the Graph host it talks to. The default: `None` (unknown).
    fn graph_scope(&self) -> Option<String> {
        None
    }
}

#[async_trait]
impl<T: TokenProvider + ?Sized> TokenProvider for std::sync::Arc<T> {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        (**self).token().await
    }

    async fn invalidate(&self) {
        (**self).invalidate().await;
    }

    async fn invalidate_if(&self, sent: &AccessToken) {
        (**self).invalidate_if(sent).await;
    }

    fn graph_scope(&self) -> Option<String> {
        (**self).graph_scope()
    }
}
