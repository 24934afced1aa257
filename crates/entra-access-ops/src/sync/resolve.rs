//! Turning the file's names into ids: packages (by name or id), policies
//! (by display name or id), user principal names (`GET /users/{upn}`) and
//! groups (their user members, transitively). Nothing is written.

use std::collections::{HashMap, HashSet};

use futures::{StreamExt, TryStreamExt};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::desired::{DesiredState, PackageEntry};
use crate::facts::PACKAGES_AT_ONCE;
use crate::refusal::Refusal;
use crate::source::{group_members, Source, SourceGroup};
use crate::{MemberFact, PackageSpec, Reason, Warning};
use entra_access::error::Result;
use entra_access::models::{
    AccessPackage, AssignmentPolicy, DirectoryObject, Expiration, ObjectId, Schedule,
};
use entra_access::Client;

/// Lookups of users or groups in flight at once.
const LOOKUPS_AT_ONCE: usize = 8;

/// Characters left as they are in a `/users/{upn}` path segment.
const UPN_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'@')
    .remove(b'.')
    .remove(b'-')
    .remove(b'_');

/// One entry of the file with every name resolved: the planner's input
/// besides the package's [`PackageFacts`](crate::PackageFacts).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ResolvedPackage {
    /// The package's settings: ids, the source (users by object id, the
    /// groups, transitively, the e-mails), removal scope, caps, and what
    /// every write sends (from `[defaults]`).
    pub spec: PackageSpec,
    /// Everyone desired, as read now: users (with the entry as written),
    /// the groups' members, the e-mails.
    pub members: Vec<MemberFact>,
    /// Problems found while resolving that are not refusals.
    pub warnings: Vec<Warning>,
}

/// Group members as resolved: users, or "does not exist".
#[derive(Clone, Debug)]
enum GroupMembers {
    Found(Vec<MemberFact>),
    Missing,
}

/// Resolves every package of the file, reading concurrently: the first
/// half of [`plan`](super::plan), for tools that gather facts themselves.
///
/// ```no_run
/// use entra_access_ops::sync::{resolve, DesiredState};
/// use entra_access_ops::{plan_package, PackageFacts, Plan};
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let desired = DesiredState::from_path("access.toml")?;
/// let mut packages = Vec::new();
/// for r in resolve(&client, &desired).await? {
///     let facts = PackageFacts::gather(&client, r.spec.access_package.clone()).await?;
///     packages.push(plan_package(&r.spec, &r.members, &facts)?);
/// }
/// let plan = Plan::new(client.base_url().as_str(), chrono::Utc::now(), packages)?;
/// println!("{:?}", plan.totals());
/// # Ok(()) }
/// ```
///
/// Refused (`InvalidInput` with a [`Refusal`]): an unknown package name
/// (`Ambiguous` for one that names several), a policy that cannot be
/// chosen, a user principal name that does not resolve, a group that does
/// not exist while removals are on, and two entries that are one package
/// once resolved (one by name, one by id), naming both entries and their
/// lines.
pub async fn resolve(client: &Client, desired: &DesiredState) -> Result<Vec<ResolvedPackage>> {
    desired.validate()?;
    let upns: HashSet<&str> = desired
        .packages
        .iter()
        .flat_map(|p| p.users.iter())
        .filter(|u| u.contains('@'))
        .map(String::as_str)
        .collect();
    let groups: HashSet<&str> = desired
        .packages
        .iter()
        .flat_map(|p| p.groups.iter())
        .map(String::as_str)
        .collect();

    let packages = futures::stream::iter(desired.packages.iter())
        .map(|entry| find_package(client, entry))
        .buffered(PACKAGES_AT_ONCE)
        .try_collect::<Vec<_>>();
    let users = futures::stream::iter(upns)
        .map(|upn| async move { (upn, lookup_user(client, upn).await) })
        .buffer_unordered(LOOKUPS_AT_ONCE)
        .map(|(upn, r)| r.map(|id| (upn.to_owned(), id)))
        .try_collect::<HashMap<String, Option<ObjectId>>>();
    let members = futures::stream::iter(groups)
        .map(|g| async move { (g, read_group(client, g).await) })
        .buffer_unordered(LOOKUPS_AT_ONCE)
        .map(|(g, r)| r.map(|m| (g.to_owned(), m)))
        .try_collect::<HashMap<String, GroupMembers>>();
    let (packages, users, members) = futures::try_join!(packages, users, members)?;

    // Two entries that are one package once resolved would each remove
    // the other's people.
    for (i, package) in packages.iter().enumerate() {
        if let Some(j) = packages[..i].iter().position(|p| p.id == package.id) {
            return Err(Refusal::DuplicatePackage {
                package: package.id.to_string(),
                first: desired.packages[j].entry_ref(j),
                second: desired.packages[i].entry_ref(i),
            }
            .into_error());
        }
    }

    desired
        .packages
        .iter()
        .zip(packages)
        .map(|(entry, package)| assemble(desired, entry, &package, &users, &members))
        .collect::<std::result::Result<Vec<_>, Refusal>>()
        .map_err(Refusal::into_error)
}

fn assemble(
    desired: &DesiredState,
    entry: &PackageEntry,
    package: &AccessPackage,
    users: &HashMap<String, Option<ObjectId>>,
    members: &HashMap<String, GroupMembers>,
) -> std::result::Result<ResolvedPackage, Refusal> {
    let d = &desired.defaults;
    let label = entry.label().to_owned();
    let policy = choose_policy(&label, package, entry.policy(d))?;
    let mut spec = PackageSpec::new(package.id.clone(), policy.id.clone(), Source::default());
    spec.label.clone_from(&label);
    spec.policy_scope = policy.allowed_target_scope.clone();
    spec.removal_scope = entry.removal(d);
    spec.max_removals = entry.max_removals(d);
    spec.justification.clone_from(&d.justification);
    spec.approval = entry.approval;
    spec.policy_requires_approval = Some(policy.requires_approval_for_add());
    spec.schedule = match (d.duration, d.end) {
        (Some(duration), _) => Some(Schedule::starting_now_for(duration)),
        (None, Some(end)) => Some(Schedule::new(None, Some(Expiration::at(end)))),
        (None, None) => None,
    };
    let mut warnings = Vec::new();
    let mut out: Vec<MemberFact> = Vec::new();
    // Users listed twice (by id and by principal name, say) are one.
    let mut listed: HashSet<ObjectId> = HashSet::with_capacity(entry.users.len());
    for user in &entry.users {
        let id = if user.contains('@') {
            match users.get(user.as_str()) {
                Some(Some(id)) => id.clone(),
                _ => {
                    return Err(Refusal::UnknownUser {
                        package: label,
                        user: user.clone(),
                    })
                }
            }
        } else {
            ObjectId::new(user.as_str())
        };
        if listed.insert(id.clone()) {
            spec.source.users.push(id.clone());
        }
        let upn = user.contains('@').then(|| user.clone());
        out.push(MemberFact::user(id, upn).because(Reason::ListedUser {
            listed_as: user.clone(),
        }));
    }
    for group in &entry.groups {
        let id = ObjectId::new(group.as_str());
        spec.source.groups.push(SourceGroup::new(id.clone(), true));
        match members.get(group.as_str()) {
            Some(GroupMembers::Found(found)) => out.extend(found.iter().cloned()),
            _ if spec.removal_scope.removes() => {
                return Err(Refusal::MissingGroup {
                    package: label,
                    group: group.clone(),
                    removal: spec.removal_scope,
                })
            }
            _ => warnings.push(Warning::GroupNotFound { group: id }),
        }
    }
    for email in &entry.emails {
        spec.source.emails.push(email.clone());
        out.push(MemberFact::email(email.as_str()));
    }
    Ok(ResolvedPackage {
        spec,
        members: out,
        warnings,
    })
}

/// The policy the file names (by id, else by display name ignoring case),
/// or the package's only one.
fn choose_policy<'a>(
    label: &str,
    package: &'a AccessPackage,
    wanted: Option<&str>,
) -> std::result::Result<&'a AssignmentPolicy, Refusal> {
    let policies = package.assignment_policies.as_deref().unwrap_or_default();
    let problem = |problem: String| Refusal::Policy {
        package: label.to_owned(),
        problem,
    };
    let list = || {
        policies
            .iter()
            .map(|p| match &p.display_name {
                Some(n) => format!("{n:?} ({})", p.id),
                None => p.id.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        Some(wanted) => {
            if let Some(p) = policies.iter().find(|p| p.id == wanted) {
                return Ok(p);
            }
            let by_name: Vec<&AssignmentPolicy> = policies
                .iter()
                .filter(|p| {
                    p.display_name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
                })
                .collect();
            match by_name.as_slice() {
                [one] => Ok(one),
                [] => Err(problem(format!(
                    "has no policy named {wanted:?} or with that id; its policies: {}",
                    list()
                ))),
                several => Err(problem(format!(
                    "has {} policies named {wanted:?}; name the policy by id: {}",
                    several.len(),
                    list()
                ))),
            }
        }
        None => match policies {
            [only] => Ok(only),
            [] => Err(problem("has no assignment policy; create one first".into())),
            several => Err(problem(format!(
                "has {} policies; name one with `policy`: {}",
                several.len(),
                list()
            ))),
        },
    }
}

async fn find_package(client: &Client, entry: &PackageEntry) -> Result<AccessPackage> {
    let not_found = |name: String| Refusal::PackageNotFound { name }.into_error();
    if let Some(id) = &entry.id {
        return match client
            .access_packages()
            .get(id.as_str())
            .expand_policies()
            .send()
            .await
        {
            Ok(p) => Ok(p),
            Err(e) if e.is_not_found() => Err(not_found(id.clone())),
            Err(e) => Err(e),
        };
    }
    let name = entry.name.clone().unwrap_or_default();
    let mut found = client
        .access_packages()
        .list()
        .display_name_eq(name.as_str())
        .expand_policies()
        .collect()
        .await?;
    match found.len() {
        1 => found.pop().ok_or_else(|| not_found(name)),
        0 => Err(not_found(name)),
        _ => Err(Refusal::AmbiguousPackage {
            name,
            ids: found.iter().map(|p| p.id.to_string()).collect(),
        }
        .into_error()),
    }
}

/// `Ok(None)` when no user has that principal name.
async fn lookup_user(client: &Client, upn: &str) -> Result<Option<ObjectId>> {
    let path = format!(
        "users/{}?$select=id,userPrincipalName",
        utf8_percent_encode(upn, UPN_SEGMENT)
    );
    match client.raw().get::<DirectoryObject>(&path).send().await {
        Ok(user) if !user.id.as_str().is_empty() => Ok(Some(user.id)),
        Ok(_) => Ok(None),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// A listed group's members, transitively (nested groups followed).
async fn read_group(client: &Client, group: &str) -> Result<GroupMembers> {
    let g = SourceGroup::new(group, true);
    match group_members(client, &g).await {
        Ok(found) => Ok(GroupMembers::Found(found)),
        Err(e) if e.is_not_found() => Ok(GroupMembers::Missing),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upn_segments_keep_at_and_dots_and_encode_the_rest() {
        let enc = utf8_percent_encode("ana_fabrikam.com#EXT#@contoso.onmicrosoft.com", UPN_SEGMENT)
            .to_string();
        assert_eq!(enc, "ana_fabrikam.com%23EXT%23@contoso.onmicrosoft.com");
        let enc = utf8_percent_encode("o'brien@contoso.com", UPN_SEGMENT).to_string();
        assert_eq!(enc, "o%27brien@contoso.com");
    }
}
