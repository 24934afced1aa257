//! Access package catalogs: list, get, find by name, resolve.

use std::sync::Arc;

use super::common::{checked, EM};
use super::{Get, List};
use crate::error::{Error, ErrorKind, Result};
use crate::models::{Catalog, CatalogId};
use crate::odata::{Filter, Path};
use crate::transport::Transport;

/// Catalogs (`/identityGovernance/entitlementManagement/catalogs`).
///
/// Needs `EntitlementManagement.Read.All` (or a catalog role: a
/// catalog-scoped caller sees its own catalogs).
#[derive(Clone, Debug)]
pub struct Catalogs {
    transport: Arc<Transport>,
}

impl Catalogs {
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// Lists the catalogs the caller can read.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.catalogs().list().filter(Filter::eq(Path::DISPLAY_NAME, "General")).request()?;
    /// assert_eq!(req.query_value("$filter"), Some("displayName eq 'General'"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn list(&self) -> List<Catalog> {
        List::new(Arc::clone(&self.transport), Ok(format!("{EM}/catalogs")))
    }

    /// Gets one catalog; an unknown id is Graph's 404.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.catalogs().get("cat-1").request()?;
    /// assert_eq!(req.path(), "identityGovernance/entitlementManagement/catalogs/cat-1");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn get(&self, id: impl Into<CatalogId>) -> Get<Catalog> {
        let id = id.into();
        let path = checked(&id, "catalog id").map(|id| format!("{EM}/catalogs/{id}"));
        Get::new(Arc::clone(&self.transport), path)
    }

    /// Reads the catalog a [`CatalogRef`] names: by id, Graph's 404 comes
    /// back as is; by exact display name, no match is an
    /// [`ErrorKind::InvalidInput`] error and several an
    /// [`ErrorKind::Ambiguous`] one naming their ids.
    pub async fn resolve(&self, catalog: impl Into<CatalogRef>) -> Result<Catalog> {
        match catalog.into() {
            CatalogRef::Id(id) => self.get(id).send().await,
            CatalogRef::Name(name) => {
                let mut found = self
                    .list()
                    .filter(Filter::eq(Path::DISPLAY_NAME, name.as_str()))
                    .collect()
                    .await?;
                match found.len() {
                    0 => Err(Error::new(
                        ErrorKind::InvalidInput,
                        format!("no catalog is named {name:?}"),
                    )),
                    1 => found.pop().ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidInput,
                            format!("no catalog is named {name:?}"),
                        )
                    }),
                    n => Err(Error::new(
                        ErrorKind::Ambiguous,
                        format!(
                            "{n} catalogs are named {name:?}: {}",
                            found
                                .iter()
                                .map(|c| c.id.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )),
                }
            }
        }
    }
}

/// How a user names a catalog: by id, or by exact display name.
///
/// ```
/// use entra_access::api::CatalogRef;
/// assert_eq!(CatalogRef::Name("General".into()).to_string(), "catalog \"General\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogRef {
    /// By id.
    Id(CatalogId),
    /// By exact display name (must match exactly one catalog).
    Name(String),
}

impl std::fmt::Display for CatalogRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Id(id) => write!(f, "catalog {id}"),
            Self::Name(name) => write!(f, "catalog {name:?}"),
        }
    }
}

impl From<CatalogId> for CatalogRef {
    fn from(id: CatalogId) -> Self {
        Self::Id(id)
    }
}
