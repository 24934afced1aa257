//! Reports admins and auditors ask for, built on the public handles: every
//! list names one access package (`accessPackage/id eq '…'`), so they work
//! for catalog-scoped callers too, and all calls share the client's
//! throttle gate. Get them from [`Reports::new`].
//!
//! - [`Reports::catalog_assignments`]: every assignment of every package of
//!   a catalog, one stream, fanned out over the packages concurrently.
//! - [`Reports::expiring`]: held assignments whose schedule ends within a
//!   number of days, soonest first ([`ExpiringRow`]), and how many held
//!   assignments have no end to tell ([`Expiring::without_end`]).
//! - [`Reports::audit`]: one row per assignment joined with the request
//!   that created it and its policy ([`AuditRow`]), streamed.
//! - [`Reports::holders_of_both`] and [`Reports::incompatible_holders`]:
//!   separation of duties, against incompatible packages and incompatible
//!   groups ([`Separation`], [`Violation`]).
//! - [`OutputFile`]: a file that appears under its name only when complete.
//!
//! Rows are plain serde data; each report also
//! writes itself as CSV (cells guarded against CSV injection, see
//! [`export`](crate::export)).
//!
//! ```no_run
//! use entra_access::api::PackageRef;
//! use entra_access_ops::reports::ReportScope;
//! # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
//! let expiring = entra_access_ops::reports::Reports::new(&client)
//!     .expiring(ReportScope::Package(PackageRef::name("Marketing Campaign")))
//!     .within_days(30)
//!     .send()
//!     .await?;
//! for row in &expiring.rows {
//!     println!("{} {} {}", row.end_date_time, row.package_name, row.target_object_id);
//! }
//! eprintln!("{} held assignments have no end to tell", expiring.without_end);
//! # Ok(()) }
//! ```

mod audit;
mod catalog;
mod expiring;
mod output_file;
mod scope;
mod separation;

pub use audit::{AuditReport, AuditRequest, AuditRow, AUDIT_COLUMNS};
pub use catalog::{CatalogAssignments, PackageAssignment, PACKAGE_COLUMNS};
pub use expiring::{Expiring, ExpiringReport, ExpiringRow, EXPIRING_COLUMNS};
pub use output_file::OutputFile;
pub use scope::ReportScope;
pub use separation::{Conflict, Separation, Violation};

use entra_access::api::{AccessPackages, AssignmentRequests, Assignments, Catalogs, Groups};
use entra_access::Client;

/// Packages listed at once by a fan-out (default of the builders).
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Reports; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct Reports {
    client: Client,
}

impl Reports {
    /// Reports read through `client` (its settings, token cache and
    /// throttle gate).
    pub fn new(client: &Client) -> Self {
        Self {
            client: client.clone(),
        }
    }

    pub(crate) fn packages(&self) -> AccessPackages {
        self.client.access_packages()
    }

    pub(crate) fn assignments(&self) -> Assignments {
        self.client.assignments()
    }

    pub(crate) fn requests(&self) -> AssignmentRequests {
        self.client.assignment_requests()
    }

    pub(crate) fn catalogs(&self) -> Catalogs {
        self.client.catalogs()
    }

    pub(crate) fn groups(&self) -> Groups {
        self.client.groups()
    }
}

/// `n` when it is at least 1, else an `InvalidInput` error naming `what`.
fn positive(n: usize, what: &str) -> entra_access::Result<usize> {
    if n == 0 {
        return Err(crate::invalid_input(what, "must be at least 1"));
    }
    Ok(n)
}
