//! Catalog-wide listing: every assignment of every package of a catalog,
//! fanned out over the packages (each list filtered on its package, as
//! Graph requires of catalog-scoped callers) as one stream.

use futures::stream::{self, BoxStream, StreamExt};

use super::{positive, Reports, DEFAULT_CONCURRENCY};
use entra_access::api::{CatalogRef, List};
use entra_access::error::Result;
use entra_access::models::{AccessPackage, AccessPackageId, Assignment, AssignmentState};

/// Columns a catalog-wide CSV puts before [`ASSIGNMENT_COLUMNS`](crate::export::ASSIGNMENT_COLUMNS).
pub const PACKAGE_COLUMNS: [&str; 2] = ["PackageId", "PackageName"];

/// One assignment and the package it was listed under.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct PackageAssignment {
    /// The package's id.
    pub package_id: AccessPackageId,
    /// The package's display name (empty when Graph gave none).
    pub package_name: String,
    /// The assignment.
    pub assignment: Assignment,
}

/// Lists the assignments of every package of a catalog; see
/// [`Reports::catalog_assignments`].
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until streamed"]
pub struct CatalogAssignments {
    reports: Reports,
    catalog: CatalogRef,
    states: Vec<AssignmentState>,
    concurrency: usize,
}

impl Reports {
    /// Every assignment of every package of `catalog`: reads the catalog
    /// (an unknown one is an error), lists its packages
    /// (`GET …/catalogs/{id}/accessPackages`), then lists each package's
    /// assignments with `$filter=accessPackage/id eq '…'`, a few packages at
    /// a time through the client's throttle gate, merged into one stream.
    /// Targets, packages and policies are expanded.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// use entra_access::api::CatalogRef;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let mut rows = entra_access_ops::reports::Reports::new(&client)
    ///     .catalog_assignments(CatalogRef::Name("General".into()))
    ///     .stream()
    ///     .await?;
    /// while let Some(row) = rows.try_next().await? {
    ///     println!("{}\t{}", row.package_name, row.assignment.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn catalog_assignments(&self, catalog: impl Into<CatalogRef>) -> CatalogAssignments {
        CatalogAssignments {
            reports: self.clone(),
            catalog: catalog.into(),
            states: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// The assignments of `packages`, each listed on its own (filtered on
    /// the package), `concurrency` packages at a time, merged into one stream.
    pub(crate) fn assignments_of(
        &self,
        packages: Vec<AccessPackage>,
        concurrency: usize,
        configure: impl Fn(List<Assignment>) -> List<Assignment> + Send + Sync + 'static,
    ) -> BoxStream<'static, Result<PackageAssignment>> {
        let assignments = self.assignments();
        stream::iter(packages)
            .map(move |package| {
                let name = package.display_name.clone().unwrap_or_default();
                let id = package.id.clone();
                configure(assignments.list().access_package(id.clone()))
                    .stream()
                    .map(move |item| {
                        item.map(|assignment| PackageAssignment {
                            package_id: id.clone(),
                            package_name: name.clone(),
                            assignment,
                        })
                    })
                    .boxed()
            })
            .flatten_unordered(concurrency)
            .boxed()
    }
}

impl CatalogAssignments {
    /// Only assignments in these states (default: every state).
    pub fn states(mut self, states: impl IntoIterator<Item = AssignmentState>) -> Self {
        self.states = states.into_iter().collect();
        self
    }

    /// How many packages are listed at once (default 4; at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }

    /// Reads the catalog and its packages, then streams the assignments.
    /// Errors before the stream (bad concurrency, unknown catalog) come
    /// back here, so nothing has been written yet when they do.
    pub async fn stream(self) -> Result<BoxStream<'static, Result<PackageAssignment>>> {
        let concurrency = positive(self.concurrency, "concurrency")?;
        let catalog = self
            .reports
            .catalogs()
            .resolve(self.catalog.clone())
            .await?;
        let packages = self
            .reports
            .packages()
            .in_catalog(catalog.id)
            .collect()
            .await?;
        let states = self.states;
        Ok(self
            .reports
            .assignments_of(packages, concurrency, move |list| {
                let list = list
                    .expand_target()
                    .expand_access_package()
                    .expand_policies();
                if states.is_empty() {
                    list
                } else {
                    list.states(states.clone())
                }
            }))
    }
}

impl PackageAssignment {
    /// Writes rows as CSV: `PackageId,PackageName,` then the columns of
    /// [`assignments_csv`](crate::export::assignments_csv), one row per
    /// item as the stream yields it; returns the number of rows.
    pub async fn write_csv<S, W>(
        stream: S,
        writer: W,
    ) -> std::result::Result<u64, crate::export::ExportError>
    where
        S: futures::Stream<Item = Result<PackageAssignment>>,
        W: std::io::Write,
    {
        use crate::export::{assignment_record, neutralize, ExportError, ASSIGNMENT_COLUMNS};
        let mut csv = csv::Writer::from_writer(writer);
        csv.write_record(PACKAGE_COLUMNS.iter().chain(ASSIGNMENT_COLUMNS.iter()))?;
        let mut rows = 0u64;
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            let row = item.map_err(ExportError::Read)?;
            let head = [
                neutralize(row.package_id.as_str()).into_owned(),
                neutralize(&row.package_name).into_owned(),
            ];
            csv.write_record(head.into_iter().chain(assignment_record(&row.assignment)))?;
            rows += 1;
        }
        csv.flush().map_err(ExportError::Write)?;
        Ok(rows)
    }
}
