//! Typed errors of the `odata` module.

use thiserror::Error;

/// A filter could not be built from the caller's input.
///
/// Nothing is sent when this is returned: it is raised while the filter is
/// built, before any request exists.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FilterError {
    /// A property path given as text is not a plain OData property path.
    #[error("argument `path` ({path:?}) is not a property path: {reason}")]
    InvalidPath {
        /// The text that was refused.
        path: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A list that must hold at least one element was empty.
    #[error("argument `{argument}` is empty; it needs at least one element")]
    EmptyList {
        /// The argument that was empty (`values` of `in_`, `filters` of `any_of`).
        argument: &'static str,
    },
}

/// Query options failed [`QueryOptions::validate`](crate::odata::QueryOptions::validate).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum QueryError {
    /// `$top` was 0 or above [`MAX_TOP`](crate::odata::MAX_TOP).
    #[error("argument `top` is {top}; it must be between 1 and {max}")]
    TopOutOfRange {
        /// The value given.
        top: u32,
        /// The largest value allowed.
        max: u32,
    },
    /// An entry of `$select`, `$expand` or `$orderby` was empty or blank.
    #[error("argument `{option}` contains an empty entry")]
    EmptyEntry {
        /// The option holding the empty entry (`select`, `expand` or `orderby`).
        option: &'static str,
    },
}
