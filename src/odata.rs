#![doc = include_str!("../docs/filters.md")]

mod encode;
mod error;
mod filter;
mod literal;
mod path;
mod query;

pub use encode::{encode_component, encode_query};
pub use error::{FilterError, QueryError};
pub use filter::Filter;
pub use literal::Literal;
pub use path::Path;
pub use query::{Order, QueryOptions, MAX_TOP};
