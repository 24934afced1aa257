//! Which packages a report covers.

use super::Reports;
use entra_access::api::{CatalogRef, PackageRef};
use entra_access::error::Result;
use entra_access::models::AccessPackage;

/// The packages a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReportScope {
    /// One package, by id or name.
    Package(PackageRef),
    /// Every package of a catalog, by id or name (an unknown catalog is an
    /// error: Graph's 404 by id, `InvalidInput` by name).
    Catalog(CatalogRef),
    /// Every package the caller can see.
    AllPackages,
}

impl From<PackageRef> for ReportScope {
    fn from(p: PackageRef) -> Self {
        Self::Package(p)
    }
}

impl From<CatalogRef> for ReportScope {
    fn from(c: CatalogRef) -> Self {
        Self::Catalog(c)
    }
}

impl Reports {
    /// The packages of `scope`, with their policies expanded.
    pub(crate) async fn packages_of(&self, scope: &ReportScope) -> Result<Vec<AccessPackage>> {
        match scope {
            ReportScope::Package(p) => Ok(vec![
                self.packages()
                    .resolve(p.clone())
                    .expand_policies()
                    .send()
                    .await?,
            ]),
            ReportScope::Catalog(c) => {
                let catalog = self.catalogs().resolve(c.clone()).await?;
                self.packages()
                    .in_catalog(catalog.id)
                    .expand_policies()
                    .collect()
                    .await
            }
            ReportScope::AllPackages => self.packages().list().expand_policies().collect().await,
        }
    }
}
