//! A caching decorator for any token provider.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use tokio::sync::{Mutex, RwLock};
use tokio::time::Instant;

use super::{AccessToken, AuthError, TokenProvider};

/// How long before expiry a token is refreshed, unless configured otherwise.
const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The refresh margin is at most this fraction of a token's lifetime (as
/// measured when it was fetched), so a short-lived token is used for most of
/// its life instead of being fetched again on every call.
const MAX_MARGIN_SHARE: u32 = 10;

/// How long one load from the inner provider may take, unless configured otherwise.
const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// How often a transient failure of the inner provider is retried within
/// one load, unless configured otherwise.
const DEFAULT_LOAD_RETRIES: u32 = 2;

/// The wait before the first retry of a transient failure; it doubles.
const LOAD_RETRY_BACKOFF: Duration = Duration::from_millis(250);

/// Caches the token of another provider and refreshes it ahead of expiry.
///
/// - A token is reused until it is within the *refresh margin* of its expiry:
///   5 minutes by default (see [`refresh_margin`](Self::refresh_margin)), but
///   never more than a tenth of the token's lifetime, measured from when it
///   was fetched. A 60-minute token is refreshed 5 minutes before it expires;
///   a 4-second token is used for 3.6 seconds. While a token is still valid
///   but inside the margin, one caller refreshes it and the others keep using
///   the old token; if that refresh fails, the old token is returned and the
///   next call tries again.
/// - The lifetime is followed on Tokio's clock (so tests with paused time
///   see tokens age) as well as on the system clock.
/// - A token without an expiry is kept until it is invalidated.
/// - At most one load from the inner provider runs at a time. Callers that
///   arrive while it runs wait for it and share its result (the token, or a
///   copy of its error), so N concurrent calls on an empty cache make exactly
///   one call to the inner provider.
/// - A transient failure of the inner provider ([`AuthError::is_transient`]:
///   the token endpoint answered 429 or 5xx, timed out, or the connection
///   was reset) is retried within the load, up to twice by default (see
///   [`load_retries`](Self::load_retries)) after 250 ms, then 500 ms. The
///   callers waiting on the load see only its final result, so a failure
///   that a retry repaired reaches nobody.
/// - A failed load is not cached: the next call tries again.
/// - A load that takes longer than the *load timeout* (30 s by default, see
///   [`load_timeout`](Self::load_timeout)) fails with [`AuthError::Endpoint`].
///   The timeout uses the Tokio timer, so calls must run inside a Tokio runtime.
/// - [`invalidate_if`](TokenProvider::invalidate_if) (called by the client
///   after Graph answers 401) forgets the token only if it is still the one
///   that was sent, and then forwards to the inner provider; a newer token
///   is kept. [`invalidate`](TokenProvider::invalidate) forgets whatever is
///   cached and forwards to the inner provider.
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
/// .load_timeout(Duration::from_secs(10))
/// .load_retries(3);
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
    load_retries: u32,
    /// The cached token, if any.
    cache: RwLock<Option<Cached>>,
    /// Held by the one caller that loads; keeps the last load's outcome.
    load: Mutex<LoadState>,
    /// Bumped when a load ends and when the cache is invalidated.
    generation: AtomicU64,
}

/// A cached token and when, on Tokio's clock, it is due and expires.
#[derive(Clone)]
struct Cached {
    token: AccessToken,
    /// The margin in force for this token (at most a tenth of its lifetime).
    margin: Duration,
    /// When to refresh it; `None`: never (no expiry).
    refresh_at: Option<Instant>,
    /// When it expires; `None`: never (no expiry).
    expires: Option<Instant>,
}

impl Cached {
    fn new(token: AccessToken, configured_margin: Duration) -> Self {
        let now = Instant::now();
        let lifetime = token
            .expires_at
            .map(|at| at.duration_since(SystemTime::now()).unwrap_or_default());
        let margin = lifetime.map_or(configured_margin, |l| {
            configured_margin.min(l / MAX_MARGIN_SHARE)
        });
        Self {
            refresh_at: lifetime.and_then(|l| now.checked_add(l.saturating_sub(margin))),
            expires: lifetime.and_then(|l| now.checked_add(l)),
            margin,
            token,
        }
    }

    /// Outside the refresh margin, on both clocks.
    fn is_fresh(&self) -> bool {
        self.refresh_at.is_none_or(|at| Instant::now() < at)
            && !self.token.expires_within(self.margin)
    }

    /// Not expired, on both clocks.
    fn is_valid(&self) -> bool {
        self.expires.is_none_or(|at| Instant::now() < at)
            && !self.token.expires_within(Duration::ZERO)
    }
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
    /// Caches the tokens of `inner`, with a 5-minute refresh margin, a
    /// 30-second load timeout and two retries of transient failures.
    pub fn new(inner: P) -> Self {
        Self {
            inner,
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            load_timeout: DEFAULT_LOAD_TIMEOUT,
            load_retries: DEFAULT_LOAD_RETRIES,
            cache: RwLock::new(None),
            load: Mutex::new(LoadState::default()),
            generation: AtomicU64::new(0),
        }
    }

    /// Refreshes a token once it expires within `margin` (default 5
    /// minutes), or within a tenth of its lifetime when that is shorter.
    ///
    /// ```
    /// use std::time::Duration;
    /// use entra_access::auth::{CachedTokenProvider, StaticToken};
    ///
    /// let provider = CachedTokenProvider::new(StaticToken::new("t"))
    ///     .refresh_margin(Duration::from_secs(60));
    /// # let _ = provider;
    /// ```
    #[must_use]
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Fails a load from the inner provider, retries included, that takes
    /// longer than `timeout` (default 30 seconds) with [`AuthError::Endpoint`].
    /// `Duration::MAX` (or any duration too long to add to the clock) means
    /// no timeout.
    ///
    /// ```
    /// use std::time::Duration;
    /// use entra_access::auth::{CachedTokenProvider, StaticToken};
    ///
    /// let provider = CachedTokenProvider::new(StaticToken::new("t"))
    ///     .load_timeout(Duration::from_secs(10));
    /// # let _ = provider;
    /// ```
    #[must_use]
    pub fn load_timeout(mut self, timeout: Duration) -> Self {
        self.load_timeout = timeout;
        self
    }

    /// How often one load retries a transient failure of the inner provider
    /// ([`AuthError::is_transient`]; default 2, `0` turns retries off). The
    /// waits are 250 ms, then doubling, within the load timeout.
    ///
    /// ```
    /// use entra_access::auth::{CachedTokenProvider, StaticToken};
    ///
    /// let provider = CachedTokenProvider::new(StaticToken::new("t")).load_retries(0);
    /// # let _ = provider;
    /// ```
    #[must_use]
    pub fn load_retries(mut self, retries: u32) -> Self {
        self.load_retries = retries;
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
            .filter(|c| c.is_fresh())
            .map(|c| c.token.clone())
    }

    /// Calls the inner provider, retrying transient failures, all within
    /// the load timeout.
    async fn load_from_inner(&self) -> Result<AccessToken, AuthError> {
        let deadline = Instant::now().checked_add(self.load_timeout);
        let mut retries = 0;
        loop {
            let result = match deadline {
                Some(at) => match tokio::time::timeout_at(at, self.inner.token()).await {
                    Ok(result) => result,
                    Err(elapsed) => return Err(self.timed_out(elapsed)),
                },
                None => self.inner.token().await,
            };
            let error = match result {
                Err(error) if error.is_transient() && retries < self.load_retries => error,
                other => return other,
            };
            let wait = LOAD_RETRY_BACKOFF.saturating_mul(1 << retries.min(16));
            let resume = Instant::now().checked_add(wait);
            if let (Some(at), Some(resume)) = (deadline, resume)
                && resume >= at
            {
                return Err(error);
            }
            retries += 1;
            tracing::warn!(%error, retry = retries, "the token provider failed; trying again");
            tokio::time::sleep(wait).await;
        }
    }

    fn timed_out(&self, elapsed: tokio::time::error::Elapsed) -> AuthError {
        AuthError::Endpoint {
            message: format!(
                "the token provider did not answer within {:?}",
                self.load_timeout
            ),
            source: Some(Box::new(elapsed)),
        }
    }
}

#[async_trait]
impl<P: TokenProvider> TokenProvider for CachedTokenProvider<P> {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        let seen = self.generation.load(Ordering::SeqCst);
        let cached = self.cache.read().await.clone();
        if let Some(c) = &cached
            && c.is_fresh()
        {
            return Ok(c.token.clone());
        }
        // Inside the margin but not yet expired: still usable meanwhile.
        let still_valid = cached.filter(Cached::is_valid).map(|c| c.token);

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
        if now != seen
            && let Some(last) = state.last.as_ref().filter(|o| o.generation == now)
        {
            return share(&last.result);
        }

        let result = self.load_from_inner().await;
        if let Ok(token) = &result {
            *self.cache.write().await = Some(Cached::new(token.clone(), self.refresh_margin));
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

    fn graph_scope(&self) -> Option<String> {
        self.inner.graph_scope()
    }

    async fn invalidate_if(&self, sent: &AccessToken) {
        {
            let mut cache = self.cache.write().await;
            if !cache
                .as_ref()
                .is_some_and(|c| c.token.secret == sent.secret)
            {
                // Already replaced (or being replaced): keep the newer token.
                return;
            }
            *cache = None;
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.invalidate_if(sent).await;
    }
}

impl<P: fmt::Debug> fmt::Debug for CachedTokenProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedTokenProvider")
            .field("inner", &self.inner)
            .field("refresh_margin", &self.refresh_margin)
            .field("load_timeout", &self.load_timeout)
            .field("load_retries", &self.load_retries)
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
        AuthError::Unavailable {
            status,
            message,
            source,
        } => AuthError::Unavailable {
            status: *status,
            message: with_cause(message, source),
            source: None,
        },
        AuthError::Config(message) => AuthError::Config(message.clone()),
        AuthError::DeviceCodeExpired {
            error_codes,
            trace_id,
            correlation_id,
        } => AuthError::DeviceCodeExpired {
            error_codes: error_codes.clone(),
            trace_id: trace_id.clone(),
            correlation_id: correlation_id.clone(),
        },
        AuthError::SignInDeclined {
            error,
            description,
            error_codes,
            trace_id,
            correlation_id,
        } => AuthError::SignInDeclined {
            error: error.clone(),
            description: description.clone(),
            error_codes: error_codes.clone(),
            trace_id: trace_id.clone(),
            correlation_id: correlation_id.clone(),
        },
        AuthError::Provider { message, source } => AuthError::Provider {
            message: with_cause(message, source),
            source: None,
        },
        AuthError::SignInRequired {
            reason,
            error_codes,
        } => AuthError::SignInRequired {
            reason: reason.clone(),
            error_codes: error_codes.clone(),
        },
        AuthError::AnswerTooLarge { limit } => AuthError::AnswerTooLarge { limit: *limit },
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

    #[tokio::test(start_paused = true)]
    async fn token_inside_margin_is_refreshed_ahead() {
        // A 60-minute token: the 5-minute margin applies.
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Ok(expiring_in("one", 3600)),
            Ok(expiring_in("two", 3600)),
        ]));
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        tokio::time::advance(Duration::from_secs(3600 - 301)).await;
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(cached.token().await.unwrap().secret.expose(), "two");
        assert_eq!(cached.token().await.unwrap().secret.expose(), "two");
        assert_eq!(cached.inner().calls(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn the_margin_is_at_most_a_tenth_of_the_lifetime() {
        // A 60-second token is used for 54 seconds, not refreshed at once
        // because its whole life is inside the 5-minute margin.
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Ok(expiring_in("one", 60)),
            Ok(expiring_in("two", 60)),
        ]));
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        tokio::time::advance(Duration::from_secs(53)).await;
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        assert_eq!(cached.inner().calls(), 1);
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(cached.token().await.unwrap().secret.expose(), "two");
        assert_eq!(cached.inner().calls(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn four_second_tokens_over_a_minute_cost_one_call_per_lifetime() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let cached = CachedTokenProvider::new(crate::auth::TokenFn::new(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move { Ok(expiring_in(&format!("t{n}"), 4)) }
        }));
        // A call every 100 ms for 60 seconds: 600 calls.
        for _ in 0..600 {
            cached.token().await.unwrap();
            tokio::time::advance(Duration::from_millis(100)).await;
        }
        // Each token is used for 3.6 s of its 4: about 17 loads.
        let loads = calls.load(Ordering::SeqCst);
        assert!((15..=18).contains(&loads), "{loads} loads");
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

    #[tokio::test(start_paused = true)]
    async fn failed_refresh_keeps_the_still_valid_token() {
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Ok(expiring_in("one", 60)),
            Err(AuthError::msg("down")),
            Ok(expiring_in("two", 3600)),
        ]));
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        tokio::time::advance(Duration::from_secs(55)).await;
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        assert_eq!(cached.token().await.unwrap().secret.expose(), "two");
        assert_eq!(cached.inner().calls(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_retried_and_not_fanned_out() {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let cached = Arc::new(CachedTokenProvider::new(
            Scripted::new(vec![
                Err(AuthError::unavailable("503")),
                Err(AuthError::Unavailable {
                    status: None,
                    message: "connection reset".into(),
                    source: None,
                }),
                Ok(expiring_in("one", 3600)),
            ])
            .gated(gate.clone()),
        ));
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let cached = cached.clone();
                tokio::spawn(async move { cached.token().await })
            })
            .collect();
        for _ in 0..5 {
            tokio::task::yield_now().await;
        }
        gate.add_permits(10);
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().secret.expose(), "one");
        }
        assert_eq!(cached.inner().calls(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn transient_retries_are_bounded() {
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Err(AuthError::unavailable("503")),
            Err(AuthError::unavailable("503")),
            Err(AuthError::unavailable("503")),
            Ok(expiring_in("late", 3600)),
        ]));
        let err = cached.token().await.unwrap_err();
        assert!(err.is_transient(), "{err:?}");
        assert_eq!(cached.inner().calls(), 3, "one try and two retries");
        assert_eq!(cached.token().await.unwrap().secret.expose(), "late");

        let none = CachedTokenProvider::new(Scripted::new(vec![
            Err(AuthError::unavailable("503")),
            Ok(expiring_in("one", 3600)),
        ]))
        .load_retries(0);
        assert!(none.token().await.is_err());
        assert_eq!(none.inner().calls(), 1);
    }

    #[tokio::test]
    async fn permanent_failures_are_not_retried() {
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Err(AuthError::Config("bad".into())),
            Ok(expiring_in("one", 3600)),
        ]));
        assert!(cached.token().await.is_err());
        assert_eq!(cached.inner().calls(), 1);
    }

    #[tokio::test]
    async fn invalidate_if_forgets_only_the_token_that_was_sent() {
        let cached = CachedTokenProvider::new(Scripted::new(vec![
            Ok(AccessToken::without_expiry("one")),
            Ok(AccessToken::without_expiry("two")),
            Ok(AccessToken::without_expiry("three")),
        ]));
        let one = cached.token().await.unwrap();
        cached.invalidate_if(&one).await;
        assert_eq!(cached.inner().invalidations.load(Ordering::SeqCst), 1);
        let two = cached.token().await.unwrap();
        assert_eq!(two.secret.expose(), "two");
        // A late 401 for "one" keeps "two".
        cached.invalidate_if(&one).await;
        assert_eq!(cached.token().await.unwrap().secret.expose(), "two");
        assert_eq!(cached.inner().calls(), 2);
        assert_eq!(cached.inner().invalidations.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn twenty_late_invalidations_cost_one_load() {
        let cached = Arc::new(CachedTokenProvider::new(Scripted::new(vec![
            Ok(AccessToken::without_expiry("old")),
            Ok(AccessToken::without_expiry("new")),
            Ok(AccessToken::without_expiry("newer")),
        ])));
        let old = cached.token().await.unwrap();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let cached = cached.clone();
                let old = old.clone();
                tokio::spawn(async move {
                    cached.invalidate_if(&old).await;
                    cached.token().await
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().secret.expose(), "new");
        }
        assert_eq!(cached.inner().calls(), 2);
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

    #[tokio::test(start_paused = true)]
    async fn callers_during_refresh_ahead_get_the_current_token() {
        let gate = Arc::new(tokio::sync::Semaphore::new(1));
        let cached = Arc::new(
            CachedTokenProvider::new(
                Scripted::new(vec![
                    Ok(expiring_in("one", 60)),
                    Ok(expiring_in("two", 3600)),
                ])
                .gated(gate.clone()),
            )
            .load_timeout(Duration::MAX),
        );
        assert_eq!(cached.token().await.unwrap().secret.expose(), "one");
        tokio::time::advance(Duration::from_secs(55)).await;
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
