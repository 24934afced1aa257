//! OData query options and `$filter` expressions (pure, no IO).
//!
//! # Building a filter
//!
//! Most callers use the typed filter of the resource they list. Each offers
//! only the properties Graph documents as filterable there, and joins the
//! conditions with `and`:
//!
//! | type | conditions |
//! |---|---|
//! | [`AssignmentFilter`] | `accessPackage/id`, `assignmentPolicy/id`, `state` (one or several), `target/objectId` |
//! | [`RequestFilter`] | `accessPackage/id`, `state` (one or several), `createdDateTime` after/before |
//! | [`AccessPackageFilter`] | `displayName` equal to, or containing (case-insensitive) |
//!
//! ```
//! use entra_access::models::{AccessPackageId, AssignmentState};
//! use entra_access::odata::{AssignmentFilter, QueryOptions};
//!
//! let pkg = AccessPackageId::new("a914b616-e04e-476b-aa37-91038f0b165b");
//! let filter = AssignmentFilter::new()
//!     .access_package(&pkg)
//!     .states([AssignmentState::Delivered, AssignmentState::Delivering]);
//! assert_eq!(
//!     filter.to_string(),
//!     "accessPackage/id eq 'a914b616-e04e-476b-aa37-91038f0b165b' \
//!      and (state eq 'delivered' or state eq 'delivering')"
//! );
//! let query = QueryOptions::new().filter(filter).expand("target").top(200);
//! query.validate().unwrap();
//! ```
//!
//! Anything else is built with the general [`Filter`]: comparisons
//! ([`Filter::eq`], `ne`, `lt`, `le`, `gt`, `ge`), [`Filter::in_`], the
//! string functions ([`Filter::contains`], [`Filter::contains_ci`],
//! [`Filter::starts_with`], [`Filter::ends_with`]), and the combinators
//! [`Filter::and`], [`Filter::or`], [`Filter::not`], [`Filter::all_of`],
//! [`Filter::any_of`]. A typed filter converts into a `Filter`, so the two
//! mix. Property paths are [`Path`]s: the constants (`Path::STATE`, …) or
//! [`Path::parse`] for other properties, which refuses anything but ASCII
//! letters, digits and `/ _ . @` with a [`FilterError`].
//!
//! Rendering adds only the parentheses needed: `and` binds tighter than
//! `or`, so an `or` inside an `and` is parenthesized and nothing else is.
//!
//! # Escaping
//!
//! Values are [`Literal`]s and are always escaped, so a value can never
//! change the shape of the filter:
//!
//! - strings are single-quoted with every `'` doubled: `O'Brien` becomes
//!   `'O''Brien'`, and `' or 1 eq 1 or '` stays one literal;
//! - enum members are sent as quoted camelCase wire names (`'delivered'`),
//!   which Graph accepts whether or not it compares case-insensitively;
//! - entitlement-management ids are Edm.String and therefore quoted; GUIDs
//!   ([`Literal::Guid`]) and date-times ([`Literal::DateTime`],
//!   `2024-01-02T12:00:00Z`) are bare, as OData writes them;
//! - the query string is percent-encoded by [`encode_component`]: space is
//!   `%20`, `+` is `%2B` (Graph would read a bare `+` as a space, breaking
//!   `a+b@x.com`), and `& # % = ?` are always encoded. `$ ' ( ) , / : @ ! *`
//!   stay readable.
//!
//! ```
//! use entra_access::odata::{Filter, Path, QueryOptions};
//!
//! let q = QueryOptions::new().filter(Filter::eq(Path::parse("mail").unwrap(), "a+b@x.com"));
//! assert_eq!(q.to_query_string(), "$filter=mail%20eq%20'a%2Bb@x.com'");
//! ```
//!
//! # The raw escape hatch
//!
//! [`Filter::raw`] inserts text as written, for what the builder does not
//! cover (lambdas such as `any(...)`, functions Graph adds later). It is
//! **unchecked**: never build it from untrusted input, and quote values
//! yourself. When combined with other filters it is parenthesized, so its
//! own `and`/`or` cannot mix with theirs.

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
