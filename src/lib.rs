//! entra-access: a typed async client for Microsoft Graph entitlement management.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
mod cloud;
pub mod models;
pub mod odata;

pub use cloud::Cloud;
