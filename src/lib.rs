//! entra-access: a typed async client for Microsoft Graph entitlement management.
#![forbid(unsafe_code)]
// Library code never panics on input; tests, examples and benches may.
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
pub mod auth;
mod client;
mod cloud;
pub mod error;
#[cfg(feature = "fake")]
#[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
pub mod fake;
pub mod models;
pub mod odata;
pub mod ops;
pub mod paging;
pub mod request;
mod transport;

pub use client::{ApiVersion, Client, ClientBuilder, Raw};
pub use cloud::Cloud;
pub use error::{Error, ErrorKind, Result};
pub use transport::RetryPolicy;
