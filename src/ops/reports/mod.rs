//! Reports admins and auditors ask for, built on the public handles: every
//! list names one access package (`accessPackage/id eq '…'`), so they work
//! for catalog-scoped callers too, and all calls share the client's
//! throttle gate. Get them from [`Client::reports`](crate::Client::reports).
//!
//! - [`Reports::catalog_assignments`]: every assignment of every package of
//!   a catalog, one stream, fanned out over the packages concurrently.
//! - [`Reports::expiring`]: held assignments whose schedule ends within a
//!   number of days, soonest first ([`ExpiringRow`]).
//! - [`Reports::audit`]: one row per assignment joined with the request
//!   that created it and its policy ([`AuditRow`]), streamed.
//! - [`Reports::holders_of_both`] and [`Reports::incompatible_holders`]:
//!   separation of duties ([`Violation`]).
//! - [`OutputFile`]: a file that appears under its name only when complete.
//!
//! Rows are plain serde data; with the `csv` feature each report also
//! writes itself as CSV (cells guarded against CSV injection, see
//! [`export`](crate::ops::export)).
//!
//! ```no_run
//! use entra_access::api::PackageRef;
//! use entra_access::ops::reports::ReportScope;
//! # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
//! let rows = client
//!     .reports()
//!     .expiring(ReportScope::Package(PackageRef::name("Marketing Campaign")))
//!     .within_days(30)
//!     .send()
//!     .await?;
//! for row in &rows {
//!     println!("{} {} {}", row.end_date_time, row.package_name, row.target_object_id);
//! }
//! # Ok(()) }
//! ```

mod audit;
mod catalog;
mod expiring;
mod output_file;
mod scope;
mod separation;

use std::sync::Arc;

pub use audit::{AuditReport, AuditRequest, AuditRow, AUDIT_COLUMNS};
pub use catalog::{CatalogAssignments, PackageAssignment, PACKAGE_COLUMNS};
pub use expiring::{ExpiringReport, ExpiringRow, EXPIRING_COLUMNS};
pub use output_file::OutputFile;
pub use scope::ReportScope;
pub use separation::Violation;

use crate::api::{AccessPackages, AssignmentRequests, Assignments, Catalogs};
use crate::transport::Transport;

/// Packages listed at once by a fan-out (default of the builders).
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Reports; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct Reports {
    transport: Arc<Transport>,
}

impl Reports {
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    pub(crate) fn packages(&self) -> AccessPackages {
        AccessPackages::new(Arc::clone(&self.transport))
    }

    pub(crate) fn assignments(&self) -> Assignments {
        Assignments::new(Arc::clone(&self.transport))
    }

    pub(crate) fn requests(&self) -> AssignmentRequests {
        AssignmentRequests::new(Arc::clone(&self.transport))
    }

    pub(crate) fn catalogs(&self) -> Catalogs {
        Catalogs::new(Arc::clone(&self.transport))
    }
}

/// `n` when it is at least 1, else an `InvalidInput` error naming `what`.
fn positive(n: usize, what: &str) -> crate::Result<usize> {
    if n == 0 {
        return Err(crate::Error::invalid_input(what, "must be at least 1"));
    }
    Ok(n)
}
