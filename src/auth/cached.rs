//! A caching decorator for any token provider.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{Mutex, RwLock};

use super::{AccessToken, AuthError, TokenProvider};

/// How long before expiry a token is refreshed, unless configured otherwise.
const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// How long one load from the inner provider may take, unless configured otherwise.
const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// Caches the token of another provider and refreshes it ahead of expiry.
///
/// - A token is reused until it is within the *refresh margin* of its expiry
///   (5 minutes by default, see [`refresh_margin`](Self::refresh_margin)).
///   While it is still valid but inside the margin, one caller refreshes it and
///   the others keep using the old token; if that refresh fails, the old token
///   is returned and the next call tries again.
/// - A token without an expiry is kept until [`invalidate`](TokenProvider::invalidate).
/// - At most one load from the inner provider runs at a time. Callers that
///   arrive while it runs wait for it and share its result (the token, or a
///   copy of its error), so N concurrent calls on an empty cache make exactly
///   one call to the inner provider.
/// - A failed load is not cached: the next call tries again.
/// - A load that takes longer than the *load timeout* (30 s by default, see
///   [`load_timeout`](Self::load_timeout)) fails with [`AuthError::Endpoint`].
///   The timeout uses the Tokio timer, so calls must run inside a Tokio runtime.
/// - [`invalidate`](TokenProvider::invalidate) forgets the token and forwards
///   to the inner provider.
///
/// `Debug` shows the inner provider and the settings, never the token.
///
/// ```
/// use std::time::Duration;
/// use entra_access::auth::{AccessToken, CachedTokenProvider, TokenFn, TokenProvider};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), entra_access::auth::AuthError> {
/// let provider = CachedTokenProvider::new(TokenFn::new(|| async {
///     Ok(AccessToken::without_expiry("eyJ0eXAi..."))
/// }))
/// .refresh_margin(Duration::from_secs(120))
/// .load_timeout(Duration::from_secs(10));
///
/// let token = provider.token().await?; // loads
/// let again = provider.token().await?; // from the cache
/// assert_eq!(token.secret, again.secret);
/// # Ok(())
/// # }
/// ```
pub struct CachedTokenProvider<P> {
    inner: P,
    refresh_margin: Duration,
    load_timeout: Duration,
    /// The cached token, if any.
    cache: RwLock<Option<AccessToken>>,
    /// Held by the one caller that loads; keeps the last load's outcome.
    load: Mutex<LoadState>,
    /// Bumped when a load ends and when the cache is invalidated.
    generation: AtomicU64,
}

/// The outcome of the most recent load, for callers that waited on it.
#[derive(Default)]
struct LoadState {
    last: Option<Outcome>,
}

struct Outcome {
    /// The value of `generation` right after this load ended.
    generation: u64,
    result: Result<AccessToken, AuthError>,
}

impl<P> CachedTokenProvider<P> {
    /// Caches the tokens of `inner`, with a 5-minute refresh margin and a
    /// 30-second load timeout.
    pub fn new(inner: P) -> Self {
        Self {
            inner,
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            load_timeout: DEFAULT_LOAD_TIMEOUT,
            cache: RwLock::new(None),
            load: Mutex::new(LoadState::default()),
            generation: AtomicU64::new(0),
        }
    }

    /// Refreshes a token once it expires within `margin` (default 5 minutes).
    #[must_use]
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Fails a load from the inner provider that takes longer than `timeout`
    /// (default 30 seconds) with [`AuthError::Endpoint`].
    #[must_use]
    pub fn load_timeout(mut self, timeout: Duration) -> Self {
        self.load_timeout = timeout;
        self
    }

    /// The wrapped provider.
    pub fn inner(&self) -> &P {
        &self.inner
    }
}

impl<P: TokenProvider> CachedTokenProvider<P> {
    /// The cached token if it is outside the refresh margin.
    async fn fresh(&self) -> Option<AccessToken> {
        self.cache
            .read()
            .await
            .as_ref()
            .filter(|t| !t.expires_within(self.refresh_margin))
            .cloned()
    }

    /// One call to the inner provider, bounded by the load timeout.
    async fn load_from_inner(&self) -> Result<AccessToken, AuthError> {
        match tokio::time::timeout(self.load_timeout, self.inner.token()).await {
            Ok(result) => result,
            Err(elapsed) => Err(AuthError::Endpoint {
                message: format!(
                    "the token provider did not answer within {:?}",
                    self.load_timeout
                ),
                source: Some(Box::new(elapsed)),
            }),
        }
    }
}

#[async_trait]
impl<P: TokenProvider> TokenProvider for CachedTokenProvider<P> {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        let seen = self.generation.load(Ordering::SeqCst);
        let cached = self.cache.read().await.clone();
        if let Some(token) = &cached {
            if !token.expires_within(self.refresh_margin) {
                return Ok(token.clone());
            }
        }
        // Inside the margin but not yet expired: still usable meanwhile.
        let still_valid = cached.filter(|t| !t.expires_within(Duration::ZERO));

        let mut state = match &still_valid {
            Some(token) => match self.load.try_lock() {
                Ok(state) => state,
                // Someone is refreshing already; keep using the valid token.
                Err(_) => return Ok(token.clone()),
            },
            None => self.load.lock().await,
        };

        // Someone may have loaded while we waited.
        if let Some(token) = self.fresh().await {
            return Ok(token);
        }
        let now = self.generation.load(Ordering::SeqCst);
        if now != seen {
            if let Some(last) = state.last.as_ref().filter(|o| o.generation == now) {
                return share(&last.result);
            }
        }

        let result = self.load_from_inner().await;
        if let Ok(token) = &result {
            *self.cache.write().await = Some(token.clone());
        }
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        state.last = Some(Outcome {
            generation,
            result: share(&result),
        });
        drop(state);

        match (result, still_valid) {
            (Err(error), Some(old)) => {
                tracing::warn!(%error, "token refresh failed; using the current token until it expires");
                Ok(old)
            }
            (result, _) => result,
        }
    }

    async fn invalidate(&self) {
        *self.cache.write().await = None;
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.inner.invalidate().await;
    }
}

impl<P: fmt::Debug> fmt::Debug for CachedTokenProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedTokenProvider")
            .field("inner", &self.inner)
            .field("refresh_margin", &self.refresh_margin)
            .field("load_timeout", &self.load_timeout)
            .finish_non_exhaustive()
    }
}

/// A copy of a load's result for another caller.
fn share(result: &Result<AccessToken, AuthError>) -> Result<AccessToken, AuthError> {
    match result {
        Ok(token) => Ok(token.clone()),
        Err(error) => Err(share_error(error)),
    }
}

/// A copy of an error for another caller; a source that cannot be cloned is
/// folded into the message.
fn share_error(error: &AuthError) -> AuthError {
    fn with_cause(
        message: &str,
        source: &Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> String {
        match source {
            Some(source) => format!("{message}: {source}"),
            None => message.to_owned(),
        }
    }
    match error {
        AuthError::Refused {
            status,
            error,
            description,
            error_codes,
            trace_id,
            correlation_id,
        } => AuthError::Refused {
            status: *status,
            error: error.clone(),
            description: description.clone(),
            error_codes: error_codes.clone(),
            trace_id: trace_id.clone(),
            correlation_id: correlation_id.clone(),
        },
        AuthError::Endpoint { message, source } => AuthError::Endpoint {
            message: with_cause(message, source),
            source: None,
        },
        AuthError::Config(message) => AuthError::Config(message.clone()),
        AuthError::Provider { message, source } => AuthError::Provider {
            message: with_cause(message, source),
            source: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;
    use std::time::SystemTime;

    /// Answers from a script of results and counts its calls.
    #[derive(Debug, Default)]
    struct Scripted {
        calls: AtomicUsize,
        invalidations: AtomicUsize,
        script: std::sync::Mutex<VecDeque<Result<AccessToken, AuthError>>>,
        /// When set, each call waits for a permit before answering.
        gate: Option<Arc<tokio::sync::Semaphore>>,
    }

    impl Scripted {
        fn new(script: Vec<Result<AccessToken, AuthError>>) -> Self {
            Self {
                script: std::sync::Mutex::new(script.into()),
                ..Self::default()
            }
        }

        fn gated(mut self, gate: Arc<tokio::sync::Semaphore>) -> Self {
            self.gate = Some(gate);
            self
        }

        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }
    }

    #[async_trait]
    impl TokenProvider for Scripted {
        async fn token(&self) -> Result<AccessToken, AuthError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if let Some(gate) = &self.gate {
                gate.acquire().await.unwrap().forget();
            }
            self.script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or_else(|| Err(AuthError::msg("script exhausted")))
        }

        async fn invalidate(&self) {
            self.invalidations.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn expiring_in(secret: &str, secs: u64) -> AccessToken {
        AccessToken::new(secret, SystemTime::now() + Duration::from_secs(secs))
    }

    fn expired(secret: &str) -> AccessToken {
        AccessToken::new(secret, SystemTime::now() - Duration::from_secs(1))
    }

    #[tokio::test]
    async fn token_outside_margin_is_reused() {
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Ok(expiring_in("one", 3600)),
            Ok(expiring_in("two", 3600)),
        ]));
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        assert_eq!(cached.inner().calls(), 1);
    }

    #[tokio::test]
    async fn token_inside_margin_is_refreshed_ahead() {
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Ok(expiring_in("one", 60)),
            Ok(expiring_in("two", 3600)),
        ]));
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        assert_eq!(cached.token().await.unwrap().secret.expose(), "two");
        assert_eq!(cached.token().await.unwrap().secret.expose(), "two");
        assert_eq!(cached.inner().calls(), 2);
    }

    #[tokio::test]
    async fn margin_is_configurable() {
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Ok(expiring_in("one", 60)),
            Ok(expiring_in("two", 3600)),
        ]))
        .refresh_margin(Duration::from_secs(10));
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        assert_eq!(cached.inner().calls(), 1);
    }

    #[tokio::test]
    async fn expired_token_is_not_returned() {
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Ok(expired("old")),
            Err(AuthError::msg("down")),
        ]));
        assert_eq!(cached.token().await.unwrap().secret.expose(), "old");
        let err = cached.token().await.unwrap_err();
        assert!(matches!(err, AuthError::Provider { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn token_without_expiry_is_kept_until_invalidated() {
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Ok(AccessToken::without_expiry("one")),
            Ok(AccessToken::without_expiry("two")),
        ]));
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        cached.invalidate().await;
        assert_eq!(cached.inner().invalidations.load(Ordering::SeqCst), 1);
        assert_eq!(cached.token().await.unwrap().secret.expose(), "two");
        assert_eq!(cached.inner().calls(), 2);
    }

    #[tokio::test]
    async fn failed_load_is_not_cached() {
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Err(AuthError::Config("bad".into())),
            Ok(AccessToken::without_expiry("one")),
        ]));
        assert!(matches!(
            cached.token().await.unwrap_err(),
            AuthError::Config(_)
        ));
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        assert_eq!(cached.inner().calls(), 2);
    }

    #[tokio::test]
    async fn failed_refresh_keeps_the_still_valid_token() {
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Ok(expiring_in("one", 60)),
            Err(AuthError::msg("down")),
            Ok(expiring_in("two", 3600)),
        ]));
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        assert_eq!(cached.token().await.unwrap().secret.expose(), "two");
        assert_eq!(cached.inner().calls(), 3);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_load() {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let cached = Arc::new(CachedTokenProvider::new(
            Scripted::new(vec![Ok(expiring_in("one", 3600))]).gated(gate.clone()),
        ));
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let cached = cached.clone();
                tokio::spawn(async move { cached.token().await })
            })
            .collect();
        tokio::task::yield_now().await;
        gate.add_permits(10);
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().secret.expose(), "one");
        }
        assert_eq!(cached.inner().calls(), 1);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_failure() {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let cached = Arc::new(CachedTokenProvider::new(
            Scripted::new(vec![Err(AuthError::Refused {
                status: 400,
                error: "invalid_client".into(),
                description: None,
                error_codes: vec![7000215],
                trace_id: None,
                correlation_id: None,
            })])
            .gated(gate.clone()),
        ));
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let cached = cached.clone();
                tokio::spawn(async move { cached.token().await })
            })
            .collect();
        // Let every task reach the lock before the load answers.
        for _ in 0..5 {
            tokio::task::yield_now().await;
        }
        gate.add_permits(10);
        for task in tasks {
            match task.await.unwrap().unwrap_err() {
                AuthError::Refused { error_codes, .. } => assert_eq!(error_codes, vec![7000215]),
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(cached.inner().calls(), 1);
    }

    #[tokio::test]
    async fn callers_during_refresh_ahead_get_the_current_token() {
        let gate = Arc::new(tokio::sync::Semaphore::new(1));
        let cached = Arc::new(CachedTokenProvider::new(
            Scripted::new(vec![
                Ok(expiring_in("one", 60)),
                Ok(expiring_in("two", 3600)),
            ])
            .gated(gate.clone()),
        ));
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        // The refresh blocks on the gate; another caller meanwhile gets "one".
        let refreshing = {
            let cached = cached.clone();
            tokio::spawn(async move { cached.token().await })
        };
        while cached.inner().calls() < 2 {
            tokio::task::yield_now().await;
        }
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        gate.add_permits(1);
        assert_eq!(refreshing.await.unwrap().unwrap().secret.expose(), "two");
        assert_eq!(cached.token().await.unwrap().secret.expose(), "two");
        assert_eq!(cached.inner().calls(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn slow_load_times_out() {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let cached = CachedTokenProvider::new(
            Scripted::new(vec![Ok(AccessToken::without_expiry("late"))]).gated(gate),
        )
        .load_timeout(Duration::from_secs(5));
        match cached.token().await.unwrap_err() {
            AuthError::Endpoint { message, .. } => assert!(message.contains("5s"), "{message}"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn debug_shows_settings_not_token() {
        let cached = CachedTokenProvider::new(Scripted::default());
        let text = format!("{cached:?}");
        assert!(
            text.starts_with("CachedTokenProvider { inner: Scripted"),
            "{text}"
        );
        assert!(text.contains("refresh_margin: 300s"), "{text}");
    }
}
