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

    /// A failure of a user-written provider, without a cause.
    pub fn msg(message: impl Into<String>) -> Self {
        Self::Provider {
            message: message.into(),
            source: None,
        }
    }
}
