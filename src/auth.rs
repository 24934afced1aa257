#![doc = include_str!("../docs/auth.md")]

#[cfg(feature = "azure-identity")]
mod azure;
mod cached;
#[cfg(feature = "client-credentials")]
mod client_credentials;
#[cfg(feature = "client-credentials")]
mod device_code;
#[cfg(feature = "client-credentials")]
mod endpoint;
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
#[cfg(feature = "client-credentials")]
pub use device_code::{DeviceCode, DeviceCodePrompt};
#[cfg(feature = "client-credentials")]
pub(crate) use endpoint::check_authority_host;
pub use error::AuthError;
pub use secret::Secret;
pub use static_token::StaticToken;
pub use token::{AccessToken, TokenProvider};
pub use token_fn::{token_fn, TokenFn};
