//! Code shared by the examples: connecting (to Graph, or to a seeded fake
//! Graph when no credentials are set), the `--package-id`/`--package-name`
//! flags and their resolution, and reporting results and errors.
//!
//! Each example includes it with `#[path = "support/mod.rs"] mod support;`.
//! Not every example uses every item.
#![allow(dead_code)]

pub mod cli;
pub mod demo;
pub mod follow;
pub mod output;
pub mod resolve;
pub mod session;
