//! Separation of duties: who holds two packages that must not go together.

use std::collections::{BTreeMap, BTreeSet};

use futures::TryStreamExt;

use super::Reports;
use entra_access::api::PackageRef;
use entra_access::error::Result;
use entra_access::models::{AccessPackage, AccessPackageId, AssignmentState, ObjectId};

/// Someone who holds two incompatible packages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Violation {
    /// The person (or service principal).
    pub object_id: ObjectId,
    /// One package they hold.
    pub package_id: AccessPackageId,
    /// The other package they hold.
    pub other_package_id: AccessPackageId,
}

impl Reports {
    /// Object ids of everyone who holds (delivered, delivering or partially
    /// delivered) both packages, sorted, each once.
    ///
    /// ```no_run
    /// use entra_access::api::PackageRef;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let both = entra_access_ops::reports::Reports::new(&client)
    ///     .holders_of_both(PackageRef::id("pkg-a"), PackageRef::id("pkg-b"))
    ///     .await?;
    /// for id in &both {
    ///     println!("{id}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn holders_of_both(&self, a: PackageRef, b: PackageRef) -> Result<Vec<ObjectId>> {
        let a = self.packages().resolve(a).send().await?;
        let b = self.packages().resolve(b).send().await?;
        let in_a = self.holders(&a.id).await?;
        let in_b = self.holders(&b.id).await?;
        Ok(in_a.intersection(&in_b).cloned().collect())
    }

    /// Checks `package` against the packages it marks incompatible
    /// (`incompatibleAccessPackages`) and those that mark it
    /// (`accessPackagesIncompatibleWith`): one [`Violation`] per person and
    /// other package, sorted. Also returns the other packages checked.
    pub async fn incompatible_holders(
        &self,
        package: PackageRef,
    ) -> Result<(Vec<AccessPackage>, Vec<Violation>)> {
        let package = self.packages().resolve(package).send().await?;
        let mut others: BTreeMap<AccessPackageId, AccessPackage> = BTreeMap::new();
        for list in [
            self.packages().incompatible_with(package.id.clone()),
            self.packages().marking_incompatible(package.id.clone()),
        ] {
            for other in list.collect().await? {
                if other.id != package.id {
                    others.entry(other.id.clone()).or_insert(other);
                }
            }
        }
        let mut violations = Vec::new();
        if !others.is_empty() {
            let mine = self.holders(&package.id).await?;
            for other in others.keys() {
                for object_id in mine.intersection(&self.holders(other).await?) {
                    violations.push(Violation {
                        object_id: object_id.clone(),
                        package_id: package.id.clone(),
                        other_package_id: other.clone(),
                    });
                }
            }
        }
        violations.sort();
        Ok((others.into_values().collect(), violations))
    }

    /// Object ids holding `package`.
    async fn holders(&self, package: &AccessPackageId) -> Result<BTreeSet<ObjectId>> {
        self.assignments()
            .list()
            .access_package(package.clone())
            .states(AssignmentState::HELD)
            .expand_target()
            .stream()
            .try_filter_map(|a| async move {
                let held = a.state.as_ref().is_some_and(AssignmentState::is_held);
                Ok(a.target_object_id().filter(|_| held).cloned())
            })
            .try_collect()
            .await
    }
}
