#![doc = include_str!("../README.md")]
//!
//! # What is where
//!
//! - [`Client`]: the front door ([`Client::from_env`], [`Client::builder`]),
//!   handing out one handle per resource ([`api`]).
//! - [`api`]: access packages, assignment policies, assignments, assignment
//!   requests, group members and lifecycle workflows; one builder per
//!   operation, each also a plain [`request::ApiRequest`] you can inspect.
//! - [`paging`]: every list ends in `.send()`, `.pages()` or `.stream()`.
//! - [`odata`]: typed filters with safe escaping.
//! - [`models`]: Graph's data types, typed ids and lossless enums.
//! - [`auth`]: token providers and the caching decorator.
//! - [`error`]: the one [`Error`] type, its kinds and predicates.
//! - [`doctor`]: which permission, role or sign-in a job lacks ([`Client::doctor`]).
//! - [`cookbook`]: every admin recipe (portal, PowerShell, Graph) mapped to
//!   the Rust calls and the example programs.
//!
//! Built on this crate: `entra-access-ops` (bulk assignment, reviewed
//! plans, access as code, reports, CSV export) and `entra-access-fake`
//! (a stateful fake Graph for your tests, and the demo tenant).
//!
//! # Optional features
//!
//! - `rustls` *(default)*: TLS through rustls.
//! - `client-credentials` *(default)*: [`auth::ClientCredentials`].
//! - `native-tls`: TLS through the platform's stack.
//! - `azure-identity`: `auth::AzureCredential` for azure_core credentials.
#![forbid(unsafe_code)]
// Library code never panics on input; tests, examples and benches may.
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;

#[doc = include_str!("../docs/cookbook.md")]
pub mod cookbook {}

#[doc = include_str!("../docs/tracing.md")]
pub mod traces {}

pub mod auth;
mod body;
mod client;
mod cloud;
pub mod doctor;
pub mod error;
pub mod models;
pub mod odata;
pub mod paging;
pub mod request;
mod retry;
mod transport;

pub use client::{env, ApiVersion, Client, ClientBuilder, Raw};
pub use cloud::Cloud;
pub use error::{Error, ErrorKind, Result};
pub use retry::RetryPolicy;

// Crates whose types appear in the public API, re-exported so users name
// the same versions (see "Public dependencies and semver" in the README).
pub use chrono;
pub use http;
pub use reqwest;
pub use serde_json;
pub use url;
