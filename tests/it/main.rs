//! The integration tests of this crate, as one test binary (a module per
//! behaviour area): one link step and one process instead of one per file.

mod common;

mod api_shape;
mod approvals;
mod approvals_cli;
mod assign;
mod assign_cli;
mod auth_providers;
mod azure_cli_credential;
mod body_limits;
mod cloud_credentials;
mod device_code;
mod device_code_cli;
mod doctor;
mod doctor_cli;
mod errors_public;
mod evolvable_enums;
mod example_build;
mod examples_cli;
mod fault_matrix;
mod follow_request;
mod fuzz;
mod layers;
mod lifecycle;
mod list_builders;
mod list_shape;
mod long_runs;
mod models;
mod odata;
mod page_size;
mod paging;
mod remove;
mod reports_cli;
mod request_bodies;
mod request_options;
mod response_meta;
mod schema_conformance;
mod sync_cli;
mod timeouts;
mod token_safety;
mod tracing_output;
mod tracing_spans;
mod transport;
