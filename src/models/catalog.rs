//! Access package catalogs.

use serde::{Deserialize, Serialize};

use super::serde_util::{empty_id, is_empty_id};
use super::{CatalogId, CatalogState, CatalogType, DateTime};

/// `accessPackageCatalog`: a container of access packages and resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Catalog {
    /// Id of the catalog.
    #[serde(default = "empty_id", skip_serializing_if = "is_empty_id")]
    pub id: CatalogId,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who manages the catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_type: Option<CatalogType>,
    /// Whether its packages can be requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<CatalogState>,
    /// Whether users outside the tenant can request its packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_externally_visible: Option<bool>,
    /// When it was created.
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_date_time: Option<DateTime>,
    /// When it was last changed.
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub modified_date_time: Option<DateTime>,
}
