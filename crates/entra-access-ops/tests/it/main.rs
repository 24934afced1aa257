//! The integration tests of this crate, as one test binary (a module per
//! behaviour area): one link step and one process instead of one per file.

#[path = "../../../../tests/it/common/mod.rs"]
mod common;

mod bulk;
mod bulk_plan;
mod bulk_stream;
mod export_csv;
mod reports;
mod safeguards;
mod stored_plans;
mod submit_once;
mod sync;
