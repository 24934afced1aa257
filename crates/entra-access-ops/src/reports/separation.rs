//! Separation of duties: who holds two packages that must not go together,
//! or a package that members of some group must not hold.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use futures::TryStreamExt;

use super::Reports;
use entra_access::api::PackageRef;
use entra_access::error::Result;
use entra_access::models::{
    AccessPackage, AccessPackageId, AssignmentState, DirectoryObject, ObjectId,
};

/// What the holder of a package must not have besides it.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Conflict {
    /// Another package they also hold, marked incompatible with the checked
    /// one (in either direction: `incompatibleAccessPackages` or
    /// `accessPackagesIncompatibleWith`).
    Package(AccessPackageId),
    /// A group they are a member of (directly or through nested groups),
    /// which the checked package marks incompatible (`incompatibleGroups`).
    Group(ObjectId),
}

impl Conflict {
    /// The id of the other package or of the group.
    pub fn id(&self) -> &str {
        match self {
            Self::Package(id) => id.as_str(),
            Self::Group(id) => id.as_str(),
        }
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Package(id) => write!(f, "access package {id}"),
            Self::Group(id) => write!(f, "group {id}"),
        }
    }
}

/// Someone who holds a package and something incompatible with it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Violation {
    /// The person (or service principal).
    pub object_id: ObjectId,
    /// The package they hold.
    pub package_id: AccessPackageId,
    /// The incompatible package they also hold, or the incompatible group
    /// they are a member of.
    pub conflict: Conflict,
}

/// What [`Reports::incompatible_holders`] checked and found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Separation {
    /// The package checked.
    pub package: AccessPackage,
    /// The packages incompatible with it, in either direction, by id.
    pub incompatible_packages: Vec<AccessPackage>,
    /// The groups it marks incompatible (`incompatibleGroups`), by id.
    pub incompatible_groups: Vec<DirectoryObject>,
    /// One per person and conflict, sorted.
    pub violations: Vec<Violation>,
}

impl Reports {
    /// Object ids of everyone who holds (delivered, delivering or partially
    /// delivered) both packages, sorted, each once. Object ids compare as
    /// Graph compares them (ignoring case).
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
        Ok(in_a
            .into_iter()
            .filter(|(key, _)| in_b.contains_key(key))
            .map(|(_, id)| id)
            .collect())
    }

    /// Checks `package`'s holders against what Graph marks incompatible
    /// with it: the packages it marks (`incompatibleAccessPackages`) and
    /// those that mark it (`accessPackagesIncompatibleWith`), whose holders
    /// must not hold it too, and the groups it marks (`incompatibleGroups`,
    /// `api/accesspackage-list-incompatiblegroups.md`), whose members,
    /// nested groups' members included (`GET /groups/{id}/transitiveMembers`),
    /// must not hold it. One [`Violation`] per person and conflict.
    ///
    /// Needs `EntitlementManagement.Read.All` (or a catalog role) and, when
    /// the package marks groups incompatible, `GroupMember.Read.All`. Graph
    /// v1.0 leaves service principals out of group member lists, so a
    /// service principal is found only through an incompatible package.
    ///
    /// ```no_run
    /// use entra_access::api::PackageRef;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let checked = entra_access_ops::reports::Reports::new(&client)
    ///     .incompatible_holders(PackageRef::id("pkg-a"))
    ///     .await?;
    /// for v in &checked.violations {
    ///     println!("{} holds {} and has {}", v.object_id, v.package_id, v.conflict);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn incompatible_holders(&self, package: PackageRef) -> Result<Separation> {
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
        let mut groups: BTreeMap<String, DirectoryObject> = BTreeMap::new();
        for group in self
            .packages()
            .incompatible_groups(package.id.clone())
            .collect()
            .await?
        {
            groups.entry(key(&group.id)).or_insert(group);
        }
        let mut violations = BTreeSet::new();
        if !others.is_empty() || !groups.is_empty() {
            let mine = self.holders(&package.id).await?;
            let violation = |object_id: &ObjectId, conflict: Conflict| Violation {
                object_id: object_id.clone(),
                package_id: package.id.clone(),
                conflict,
            };
            for other in others.keys() {
                if mine.is_empty() {
                    break;
                }
                let theirs = self.holders(other).await?;
                for (k, object_id) in &mine {
                    if theirs.contains_key(k) {
                        violations.insert(violation(object_id, Conflict::Package(other.clone())));
                    }
                }
            }
            for group in groups.values() {
                if mine.is_empty() {
                    break;
                }
                let mut members = self.groups().transitive_members(group.id.clone()).stream();
                while let Some(member) = members.try_next().await? {
                    if let Some(object_id) = mine.get(&key(&member.id)) {
                        violations.insert(violation(object_id, Conflict::Group(group.id.clone())));
                    }
                }
            }
        }
        Ok(Separation {
            package,
            incompatible_packages: others.into_values().collect(),
            incompatible_groups: groups.into_values().collect(),
            violations: violations.into_iter().collect(),
        })
    }

    /// Who holds `package`: object ids by their lower-cased form.
    async fn holders(&self, package: &AccessPackageId) -> Result<BTreeMap<String, ObjectId>> {
        self.assignments()
            .list()
            .access_package(package.clone())
            .states(AssignmentState::HELD)
            .expand_target()
            .stream()
            .try_filter_map(|a| async move {
                let held = a.state.as_ref().is_some_and(AssignmentState::is_held);
                Ok(a.target_object_id()
                    .filter(|_| held)
                    .map(|id| (key(id), id.clone())))
            })
            .try_collect()
            .await
    }
}

/// An object id as Graph compares it: GUIDs ignoring case.
fn key(id: &ObjectId) -> String {
    id.as_str().to_ascii_lowercase()
}
