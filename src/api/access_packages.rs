//! Access packages: list, get, find by name.

use std::sync::Arc;

use super::common::{checked, get_terminals, list_query_setters, list_terminals, Get, List, EM};
use crate::error::{Error, ErrorKind, Result};
use crate::models::{AccessPackage, AccessPackageId};
use crate::odata::AccessPackageFilter;
use crate::transport::Transport;

/// Access packages (`/identityGovernance/entitlementManagement/accessPackages`).
///
/// Needs `EntitlementManagement.Read.All` (or a catalog role).
#[derive(Clone, Debug)]
pub struct AccessPackages {
    transport: Arc<Transport>,
}

impl AccessPackages {
    /// Continues a listing of access packages from a next link saved from
    /// [`PageStream::next_link`](crate::paging::PageStream::next_link) or
    /// [`Page::next_link`](crate::paging::Page::next_link). The link must be
    /// on the Graph origin (else the stream's first item is a `Paging` error
    /// and nothing is sent).
    pub fn resume(&self, next_link: &str) -> crate::paging::PageStream<AccessPackage> {
        crate::paging::PageStream::resume(Arc::clone(&self.transport), next_link)
    }
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// Lists access packages of every catalog the caller can read.
    pub fn list(&self) -> ListAccessPackages {
        ListAccessPackages {
            list: List::new(
                Arc::clone(&self.transport),
                Ok(format!("{EM}/accessPackages")),
            ),
        }
    }

    /// Gets one access package.
    ///
    /// ```
    /// # let client = entra_access::Client::new(entra_access::auth::StaticToken::new("t"))?;
    /// let req = client.access_packages().get("pkg-1").expand_policies().request()?;
    /// assert_eq!(req.path(), "identityGovernance/entitlementManagement/accessPackages/pkg-1");
    /// assert_eq!(req.query_value("$expand"), Some("assignmentPolicies"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn get(&self, id: impl Into<AccessPackageId>) -> GetAccessPackage {
        let id = id.into();
        let path = checked(&id, "access package id").map(|id| format!("{EM}/accessPackages/{id}"));
        GetAccessPackage {
            get: Get::new(Arc::clone(&self.transport), path),
        }
    }

    /// Finds the one access package whose display name is exactly `name`:
    /// `Ok(None)` when there is none, an [`ErrorKind::Ambiguous`] error naming
    /// the ids when there are several.
    pub fn find_by_display_name(&self, name: impl Into<String>) -> FindAccessPackage {
        FindAccessPackage {
            list: self.list().display_name(name),
        }
    }
}

/// Lists access packages; see [`AccessPackages::list`].
#[derive(Clone, Debug)]
#[must_use = "a list does nothing until sent or streamed"]
pub struct ListAccessPackages {
    list: List<AccessPackage>,
}

impl ListAccessPackages {
    /// Only packages named exactly `name` (`displayName eq '…'`).
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(AccessPackageFilter::new().display_name_eq(name));
        self
    }

    /// Only packages whose name contains `text`, ignoring case
    /// (`contains(tolower(displayName),'…')`).
    pub fn display_name_contains(mut self, text: impl AsRef<str>) -> Self {
        self.list.query = self
            .list
            .query
            .and_filter(AccessPackageFilter::new().display_name_contains(text));
        self
    }

    /// Includes each package's assignment policies (`$expand=assignmentPolicies`).
    pub fn expand_policies(mut self) -> Self {
        self.list.query = self.list.query.expand("assignmentPolicies");
        self
    }

    fn into_list(self) -> List<AccessPackage> {
        self.list
    }
}

list_terminals!(ListAccessPackages, AccessPackage);
list_query_setters!(ListAccessPackages);

/// Gets one access package; see [`AccessPackages::get`].
#[derive(Clone, Debug)]
#[must_use = "a get does nothing until sent"]
pub struct GetAccessPackage {
    get: Get<AccessPackage>,
}

impl GetAccessPackage {
    /// Includes the package's assignment policies.
    pub fn expand_policies(mut self) -> Self {
        self.get = self.get.expand("assignmentPolicies");
        self
    }
}

get_terminals!(GetAccessPackage, AccessPackage);

/// Finds an access package by exact display name; see
/// [`AccessPackages::find_by_display_name`].
#[derive(Clone, Debug)]
#[must_use = "a lookup does nothing until sent"]
pub struct FindAccessPackage {
    list: ListAccessPackages,
}

impl FindAccessPackage {
    /// Includes the package's assignment policies.
    pub fn expand_policies(mut self) -> Self {
        self.list = self.list.expand_policies();
        self
    }

    /// The request (no IO).
    pub fn request(&self) -> Result<crate::request::ApiRequest> {
        self.list.request()
    }

    /// Runs the lookup.
    pub async fn send(self) -> Result<Option<AccessPackage>> {
        let mut found = self.list.collect().await?;
        match found.len() {
            0 | 1 => Ok(found.pop()),
            _ => {
                let ids: Vec<String> = found.iter().map(|p| p.id.to_string()).collect();
                Err(Error::new(
                    ErrorKind::Ambiguous,
                    format!(
                        "{} access packages share that display name: {}",
                        ids.len(),
                        ids.join(", ")
                    ),
                ))
            }
        }
    }
}

crate::api::common::request_options!(FindAccessPackage, list.list.transport);
