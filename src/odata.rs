#![doc = include_str!("../docs/filters.md")]

mod access_package_filter;
mod assignment_filter;
mod encode;
mod error;
mod filter;
mod literal;
mod path;
mod query;
mod request_filter;

pub use access_package_filter::AccessPackageFilter;
pub use assignment_filter::AssignmentFilter;
pub use encode::{encode_component, encode_query};
pub use error::{FilterError, QueryError};
pub use filter::Filter;
pub use literal::Literal;
pub use path::Path;
pub use query::{Order, QueryOptions, MAX_TOP};
pub use request_filter::RequestFilter;
