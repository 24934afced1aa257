//! OData query options and filters.

mod encode;

pub use encode::{encode_component, encode_query};
