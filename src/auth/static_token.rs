//! A provider that always returns the same token.

use async_trait::async_trait;

use super::{AccessToken, AuthError, Secret, TokenProvider};

/// Always hands out one fixed token, for scripts and tests.
///
/// ```
/// use entra_access::auth::StaticToken;
///
/// let provider = StaticToken::new("eyJ0eXAi...");
/// assert_eq!(format!("{provider:?}"), "StaticToken { token: Secret(***) }");
/// ```
#[derive(Clone, Debug)]
pub struct StaticToken {
    token: Secret,
}

impl StaticToken {
    /// A provider returning `token` every time.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self {
            token: token.into(),
        }
    }
}

#[async_trait]
impl TokenProvider for StaticToken {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        if self.token.is_empty() {
            return Err(AuthError::Config("the static token is empty".into()));
        }
        Ok(AccessToken::without_expiry(self.token.clone()))
    }
}
