//! Authentication: where the client gets its bearer token.
//!
//! The client asks a [`TokenProvider`] for a token before each request. The
//! crate ships:
//!
//! - [`StaticToken`]: one fixed token;
//! - [`CachedTokenProvider`]: a decorator that caches any provider's token,
//!   refreshes it ahead of expiry and shares one refresh among all callers.

mod error;
mod secret;
mod static_token;
mod token;

pub use error::AuthError;
pub use secret::Secret;
pub use static_token::StaticToken;
pub use token::{AccessToken, TokenProvider};
