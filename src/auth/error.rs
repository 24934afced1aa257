//! Errors from token providers.

use std::error::Error as StdError;

/// Why a token could not be had.
///
/// Never contains a token or a client secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The identity platform refused the token request (an OAuth error body).
    #[error("token request refused: {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        /// HTTP status of the token endpoint's answer.
        status: u16,
        /// The OAuth error code, such as `invalid_client`.
        error: String,
        /// `error_description`, when sent.
        description: Option<String>,
        /// AADSTS numeric codes (`error_codes`).
        error_codes: Vec<u64>,
        /// `trace_id`, when sent.
        trace_id: Option<String>,
        /// `correlation_id`, when sent.
        correlation_id: Option<String>,
    },
    /// The token endpoint could not be reached or answered something that is
    /// not a token.
    #[error("token endpoint failed: {message}")]
    Endpoint {
        /// What went wrong, free of secrets.
        message: String,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn StdError + Send + Sync>>,
    },
    /// The token endpoint is unavailable for now: it answered 429 or 5xx
    /// without a token, timed out, or the connection failed or was reset.
    /// Trying again later may succeed (see [`AuthError::is_transient`]).
    #[error("token endpoint unavailable: {message}")]
    Unavailable {
        /// HTTP status of the answer, when there was one.
        status: Option<u16>,
        /// What went wrong, free of secrets.
        message: String,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn StdError + Send + Sync>>,
    },
    /// The device code ran out before the user finished signing in
    /// (`expired_token`, or the code's `expires_in` passed while polling).
    /// Sign in again to get a new code.
    #[error("the device code expired before the user signed in; start the sign-in again")]
    DeviceCodeExpired,
    /// The user (or the tenant's policy) declined the device-code sign-in
    /// (`access_denied`).
    #[error("the device-code sign-in was declined{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    SignInDeclined {
        /// `error_description`, when sent.
        description: Option<String>,
    },
    /// The person's signed-in session has ended: the identity platform
    /// refused the refresh token for good (`invalid_grant`: the session was
    /// revoked, the password changed, a policy ended it), or the sign-in
    /// gave none. [`DeviceCode`](super::DeviceCode) then fails every token
    /// request with this error, sending nothing and showing no new code;
    /// sign in again (run the program again, or call
    /// [`DeviceCode::sign_in`](super::DeviceCode::sign_in)).
    #[error("sign-in required: the signed-in session has ended, sign in again ({reason})")]
    SignInRequired {
        /// Why, free of secrets (the OAuth error and its description).
        reason: String,
        /// AADSTS numeric codes of the refusal (`error_codes`), if any.
        error_codes: Vec<u64>,
    },
    /// The token endpoint's answer was larger than `limit` bytes; reading
    /// stopped there (a misbehaving endpoint or proxy cannot exhaust
    /// memory).
    #[error("the token endpoint's answer is larger than {limit} bytes; reading stopped there")]
    AnswerTooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The provider is configured wrongly (missing tenant, bad authority URL…).
    #[error("token provider misconfigured: {0}")]
    Config(String),
    /// A provider written by the user failed.
    #[error("token provider failed: {message}")]
    Provider {
        /// What went wrong.
        message: String,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn StdError + Send + Sync>>,
    },
}

impl AuthError {
    /// A failure of a user-written provider, with its cause.
    pub fn provider(
        message: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self::Provider {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// A transient failure of the token endpoint (see [`AuthError::Unavailable`]).
    /// A provider written by the user returns it to have
    /// [`CachedTokenProvider`](super::CachedTokenProvider) try again.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::Unavailable {
            status: None,
            message: message.into(),
            source: None,
        }
    }

    /// Whether trying again shortly may succeed: [`AuthError::Unavailable`],
    /// or a refusal with status 429 or 5xx or the OAuth error
    /// `temporarily_unavailable`.
    ///
    /// ```
    /// use entra_access::auth::AuthError;
    ///
    /// assert!(AuthError::unavailable("503 from the token endpoint").is_transient());
    /// assert!(!AuthError::Config("no tenant".into()).is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unavailable { .. } => true,
            Self::Refused { status, error, .. } => {
                *status == 429 || *status >= 500 || error == "temporarily_unavailable"
            }
            _ => false,
        }
    }

    /// A failure of a user-written provider, without a cause.
    pub fn msg(message: impl Into<String>) -> Self {
        Self::Provider {
            message: message.into(),
            source: None,
        }
    }
}
