//! Turning what the user typed into Graph objects: a package by id or
//! name, and the policy to assign through.

use anyhow::{anyhow, bail, Context};
use entra_access::models::{AccessPackage, AssignmentPolicy, AssignmentPolicyId};
use entra_access::Client;

use super::cli::PackageRef;

/// Fetches the access package with its assignment policies.
///
/// By name: exactly one package must have that display name; none is an
/// error, several is an error naming their ids.
pub async fn package(client: &Client, package: &PackageRef) -> anyhow::Result<AccessPackage> {
    match package {
        PackageRef::Id(id) => client
            .access_packages()
            .get(id.as_str())
            .expand_policies()
            .send()
            .await
            .with_context(|| format!("reading access package {id}")),
        PackageRef::Name(name) => client
            .access_packages()
            .find_by_display_name(name.as_str())
            .expand_policies()
            .send()
            .await
            .with_context(|| format!("looking up access package {name:?}"))?
            .ok_or_else(|| anyhow!("no access package is named {name:?}")),
    }
}

/// The policy to assign through: the one given (it must belong to the
/// package), or the package's only policy.
pub fn policy(package: &AccessPackage, wanted: Option<&str>) -> anyhow::Result<AssignmentPolicyId> {
    let policies = package.assignment_policies.as_deref().unwrap_or_default();
    let name = package_label(package);
    if let Some(wanted) = wanted {
        if policies.is_empty() || policies.iter().any(|p| p.id.as_str() == wanted) {
            return Ok(AssignmentPolicyId::new(wanted));
        }
        bail!(
            "policy {wanted} is not a policy of {name}; its policies: {}",
            list(policies)
        );
    }
    match policies {
        [only] => Ok(only.id.clone()),
        [] => bail!("{name} has no assignment policy; create one first"),
        several => bail!(
            "{name} has {} policies; pick one with --policy-id: {}",
            several.len(),
            list(several)
        ),
    }
}

/// `'Marketing Campaign' (aa0c…)`, for messages.
pub fn package_label(package: &AccessPackage) -> String {
    match &package.display_name {
        Some(name) => format!("access package {name:?} ({})", package.id),
        None => format!("access package {}", package.id),
    }
}

fn list(policies: &[AssignmentPolicy]) -> String {
    policies
        .iter()
        .map(|p| match &p.display_name {
            Some(name) => format!("{} ({name})", p.id),
            None => p.id.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
