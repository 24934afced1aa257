//! Access package catalogs: list, get, find by name, resolve.

use std::sync::Arc;

use super::common::{checked, get_terminals, list_query_setters, list_terminals, Get, List, EM};
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
    pub fn list(&self) -> ListCatalogs {
        ListCatalogs {
            list: List::new(Arc::clone(&self.transport), Ok(format!("{EM}/catalogs"))),
        }
    }

    /// Gets one catalog; an unknown id is Graph's 404.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.catalogs().get("cat-1").request()?;
    /// assert_eq!(req.path(), "identityGovernance/entitlementManagement/catalogs/cat-1");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn get(&self, id: impl Into<CatalogId>) -> GetCatalog {
        let id = id.into();
        let path = checked(&id, "catalog id").map(|id| format!("{EM}/catalogs/{id}"));
        GetCatalog {
            get: Get::new(Arc::clone(&self.transport), path),
        }
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
/// assert_eq!(CatalogRef::from_flags(None, Some("General".into()))?, CatalogRef::Name("General".into()));
/// assert!(CatalogRef::from_flags(Some("c".into()), Some("General".into())).is_err());
/// # Ok::<(), entra_access::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogRef {
    /// By id.
    Id(CatalogId),
    /// By exact display name (must match exactly one catalog).
    Name(String),
}

impl CatalogRef {
    /// From an optional id and an optional name (such as `--catalog-id` and
    /// `--catalog-name`): exactly one must be set.
    pub fn from_flags(id: Option<String>, name: Option<String>) -> Result<Self> {
        match (id, name) {
            (Some(id), None) => Ok(Self::Id(CatalogId::new(id))),
            (None, Some(name)) => Ok(Self::Name(name)),
            (Some(_), Some(_)) => Err(Error::invalid_input(
                "catalog",
                "was given both by id and by name; give one",
            )),
            (None, None) => Err(Error::invalid_input(
                "catalog",
                "was not given; give its id or its display name",
            )),
        }
    }
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

/// Lists catalogs; see [`Catalogs::list`].
#[derive(Clone, Debug)]
#[must_use = "a list does nothing until sent or streamed"]
pub struct ListCatalogs {
    list: List<Catalog>,
}

impl ListCatalogs {
    fn into_list(self) -> List<Catalog> {
        self.list
    }
}

list_terminals!(ListCatalogs, Catalog);
list_query_setters!(ListCatalogs);

/// Gets one catalog; see [`Catalogs::get`].
#[derive(Clone, Debug)]
#[must_use = "a get does nothing until sent"]
pub struct GetCatalog {
    get: Get<Catalog>,
}

get_terminals!(GetCatalog, Catalog);
