//! Access packages: list, get, find by name.

use std::sync::Arc;

use super::common::{checked, EM};
use super::{Get, List};
use crate::error::{Error, ErrorKind, Result};
use crate::models::{AccessPackage, AccessPackageId, CatalogId, DirectoryObject};
use crate::odata::{Filter, Path};
use crate::request::RequestOptions;
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
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.access_packages().list().display_name_eq("Sales").expand_policies().request()?;
    /// assert_eq!(req.path(), "identityGovernance/entitlementManagement/accessPackages");
    /// assert_eq!(req.query_value("$filter"), Some("displayName eq 'Sales'"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn list(&self) -> List<AccessPackage> {
        List::new(
            Arc::clone(&self.transport),
            Ok(format!("{EM}/accessPackages")),
        )
    }

    /// Gets one access package.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.access_packages().get("pkg-1").expand_policies().request()?;
    /// assert_eq!(req.path(), "identityGovernance/entitlementManagement/accessPackages/pkg-1");
    /// assert_eq!(req.query_value("$expand"), Some("assignmentPolicies"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn get(&self, id: impl Into<AccessPackageId>) -> Get<AccessPackage> {
        let id = id.into();
        let path = checked(&id, "access package id").map(|id| format!("{EM}/accessPackages/{id}"));
        Get::new(Arc::clone(&self.transport), path)
    }

    /// Finds the one access package whose display name is exactly `name`:
    /// `Ok(None)` when there is none, an [`ErrorKind::Ambiguous`] error naming
    /// the ids when there are several.
    pub fn find_by_display_name(&self, name: impl Into<String>) -> FindAccessPackage {
        FindAccessPackage {
            list: self.list().display_name_eq(name),
        }
    }

    /// Reads the package a user named by id or by exact display name (see
    /// [`PackageRef`]). By id, Graph's 404 comes back as is
    /// ([`Error::is_not_found`]); by name, no match is an
    /// [`ErrorKind::InvalidInput`] error and several matches an
    /// [`ErrorKind::Ambiguous`] one naming their ids.
    ///
    /// ```no_run
    /// use entra_access::api::PackageRef;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let wanted = PackageRef::name("Marketing Campaign");
    /// let package = client.access_packages().resolve(wanted).expand_policies().send().await?;
    /// let policy = package.single_policy(None).map_err(|e| e.to_string());
    /// # Ok(()) }
    /// ```
    pub fn resolve(&self, package: impl Into<PackageRef>) -> ResolveAccessPackage {
        ResolveAccessPackage {
            handle: self.clone(),
            package: package.into(),
            expand_policies: false,
        }
    }

    /// The packages of one catalog
    /// (`GET …/catalogs/{id}/accessPackages`); works for catalog-scoped
    /// callers. An unknown catalog is Graph's 404.
    pub fn in_catalog(&self, catalog: impl Into<CatalogId>) -> List<AccessPackage> {
        let catalog = catalog.into();
        let path =
            checked(&catalog, "catalog id").map(|id| format!("{EM}/catalogs/{id}/accessPackages"));
        List::new(Arc::clone(&self.transport), path)
    }

    /// The packages this one marks as incompatible
    /// (`GET …/accessPackages/{id}/incompatibleAccessPackages`): nobody
    /// should hold both.
    pub fn incompatible_with(&self, package: impl Into<AccessPackageId>) -> List<AccessPackage> {
        self.navigation(package.into(), "incompatibleAccessPackages")
    }

    /// The packages that mark this one as incompatible
    /// (`GET …/accessPackages/{id}/accessPackagesIncompatibleWith`).
    pub fn marking_incompatible(&self, package: impl Into<AccessPackageId>) -> List<AccessPackage> {
        self.navigation(package.into(), "accessPackagesIncompatibleWith")
    }

    /// The groups whose members should not hold this package
    /// (`GET …/accessPackages/{id}/incompatibleGroups`, a paged list of
    /// groups; `EntitlementManagement.Read.All`). Their members, nested ones
    /// included, come from [`Groups::transitive_members`](crate::api::Groups::transitive_members).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.access_packages().incompatible_groups("pkg-1").request()?;
    /// assert_eq!(
    ///     req.path(),
    ///     "identityGovernance/entitlementManagement/accessPackages/pkg-1/incompatibleGroups"
    /// );
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn incompatible_groups(
        &self,
        package: impl Into<AccessPackageId>,
    ) -> List<DirectoryObject> {
        let package = package.into();
        let path = checked(&package, "access package id")
            .map(|id| format!("{EM}/accessPackages/{id}/incompatibleGroups"));
        List::new(Arc::clone(&self.transport), path)
    }

    fn navigation(&self, package: AccessPackageId, nav: &str) -> List<AccessPackage> {
        let path = checked(&package, "access package id")
            .map(|id| format!("{EM}/accessPackages/{id}/{nav}"));
        List::new(Arc::clone(&self.transport), path)
    }
}

/// How a user names an access package: by id, or by exact display name.
///
/// ```
/// use entra_access::api::PackageRef;
///
/// assert_eq!(PackageRef::id("pkg-1"), PackageRef::Id("pkg-1".into()));
/// assert_eq!(PackageRef::name("Sales").to_string(), "access package \"Sales\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageRef {
    /// By id.
    Id(AccessPackageId),
    /// By exact display name (must match exactly one package).
    Name(String),
}

impl PackageRef {
    /// By id.
    pub fn id(id: impl Into<AccessPackageId>) -> Self {
        Self::Id(id.into())
    }

    /// By exact display name.
    pub fn name(name: impl Into<String>) -> Self {
        Self::Name(name.into())
    }
}

impl std::fmt::Display for PackageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Id(id) => write!(f, "access package {id}"),
            Self::Name(name) => write!(f, "access package {name:?}"),
        }
    }
}

impl From<AccessPackageId> for PackageRef {
    fn from(id: AccessPackageId) -> Self {
        Self::Id(id)
    }
}

impl From<&AccessPackageId> for PackageRef {
    fn from(id: &AccessPackageId) -> Self {
        Self::Id(id.clone())
    }
}

/// Reads the package a [`PackageRef`] names; see [`AccessPackages::resolve`].
#[derive(Clone, Debug)]
#[must_use = "a lookup does nothing until sent"]
pub struct ResolveAccessPackage {
    handle: AccessPackages,
    package: PackageRef,
    expand_policies: bool,
}

impl ResolveAccessPackage {
    /// Includes the package's assignment policies.
    pub fn expand_policies(mut self) -> Self {
        self.expand_policies = true;
        self
    }

    /// The request (no IO): a get by id or a list filtered on the name.
    pub fn request(&self) -> Result<crate::request::ApiRequest> {
        match &self.package {
            PackageRef::Id(id) => {
                let get = self.handle.get(id.clone());
                if self.expand_policies {
                    get.expand_policies()
                } else {
                    get
                }
                .request()
            }
            PackageRef::Name(name) => self.find(name).request(),
        }
    }

    fn find(&self, name: &str) -> FindAccessPackage {
        let find = self.handle.find_by_display_name(name);
        if self.expand_policies {
            find.expand_policies()
        } else {
            find
        }
    }

    /// Runs the lookup.
    pub async fn send(self) -> Result<AccessPackage> {
        match &self.package {
            PackageRef::Id(id) => {
                let get = self.handle.get(id.clone());
                if self.expand_policies {
                    get.expand_policies()
                } else {
                    get
                }
                .send()
                .await
            }
            PackageRef::Name(name) => self.find(name).send().await?.ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidInput,
                    format!("no access package is named {name:?}"),
                )
            }),
        }
    }
}

/// The setters of a list of access packages; see [`AccessPackages::list`].
impl List<AccessPackage> {
    /// Only packages named exactly `name` (`displayName eq '…'`).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.access_packages().list().display_name_eq("Sales' EU").request()?;
    /// assert_eq!(req.query_value("$filter"), Some("displayName eq 'Sales'' EU'"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn display_name_eq(self, name: impl Into<String>) -> Self {
        self.filter(Filter::eq(Path::DISPLAY_NAME, name.into()))
    }

    /// Only packages whose name contains `text`, ignoring case
    /// (`contains(tolower(displayName),'…')`, as in Graph's own example).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.access_packages().list().display_name_contains("Team").request()?;
    /// assert_eq!(req.query_value("$filter"), Some("contains(tolower(displayName),'team')"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn display_name_contains(self, text: impl AsRef<str>) -> Self {
        self.filter(Filter::contains_ci(Path::DISPLAY_NAME, text))
    }

    /// Includes each package's assignment policies (`$expand=assignmentPolicies`).
    pub fn expand_policies(self) -> Self {
        self.expand("assignmentPolicies")
    }
}

/// The setters of a get of one access package; see [`AccessPackages::get`].
impl Get<AccessPackage> {
    /// Includes the package's assignment policies (`$expand=assignmentPolicies`).
    pub fn expand_policies(self) -> Self {
        self.expand("assignmentPolicies")
    }
}

/// Finds an access package by exact display name; see
/// [`AccessPackages::find_by_display_name`].
#[derive(Clone, Debug)]
#[must_use = "a lookup does nothing until sent"]
pub struct FindAccessPackage {
    list: List<AccessPackage>,
}

impl FindAccessPackage {
    /// Includes the package's assignment policies.
    pub fn expand_policies(mut self) -> Self {
        self.list = self.list.expand_policies();
        self
    }

    /// Options for this call only (see [`RequestOptions`]).
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.list = self.list.options(options);
        self
    }

    /// The request of the lookup's first page (no IO).
    pub fn request(&self) -> Result<crate::request::ApiRequest> {
        self.list.request()
    }

    /// Runs the lookup: reads every page of the filtered list.
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
