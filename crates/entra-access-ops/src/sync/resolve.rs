//! Turning the file's names into ids: packages (by name or id), policies
//! (by display name or id), user principal names (`GET /users/{upn}`) and
//! groups (their user members, transitively). Nothing is written.

use std::collections::{HashMap, HashSet};

use futures::{StreamExt, TryStreamExt};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

use super::desired::{DesiredState, PackageSpec};
use super::error::SyncError;
use super::plan_file::{AddSettings, PlanTarget, Reason, Warning};
use crate::facts::PACKAGES_AT_ONCE;
use crate::RemovalScope;
use entra_access::models::{
    AccessPackage, AccessPackageId, AllowedTargetScope, AssignmentPolicy, AssignmentPolicyId,
    DirectoryObject, ObjectId,
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

/// Someone the file wants to hold a package, and why.
///
/// ```
/// use entra_access_ops::sync::{DesiredHolder, Reason};
/// let h = DesiredHolder::group_member("user-1", "grp-1");
/// assert_eq!(h.reason, Reason::GroupMember { group: "grp-1".into() });
/// assert_eq!(DesiredHolder::email("ana@fabrikam.com").target.to_string(), "ana@fabrikam.com");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DesiredHolder {
    /// Whom.
    pub target: PlanTarget,
    /// Why (the reason an add would give).
    pub reason: Reason,
}

impl DesiredHolder {
    /// A user listed by object id or user principal name.
    ///
    /// ```
    /// use entra_access_ops::sync::DesiredHolder;
    /// let h = DesiredHolder::user("user-1", "ada@contoso.com");
    /// assert_eq!(h.target.to_string(), "user-1");
    /// ```
    pub fn user(id: impl Into<ObjectId>, listed_as: impl Into<String>) -> Self {
        Self {
            target: PlanTarget::User(id.into()),
            reason: Reason::ListedUser {
                listed_as: listed_as.into(),
            },
        }
    }

    /// A user member of a listed group.
    pub fn group_member(id: impl Into<ObjectId>, group: impl Into<ObjectId>) -> Self {
        Self {
            target: PlanTarget::User(id.into()),
            reason: Reason::GroupMember {
                group: group.into(),
            },
        }
    }

    /// A person outside the directory, by e-mail.
    pub fn email(address: impl Into<String>) -> Self {
        Self {
            target: PlanTarget::Email(address.into()),
            reason: Reason::ListedEmail,
        }
    }
}

/// One package of the file with every name resolved: the planner's input
/// besides the [`PackageFacts`](crate::PackageFacts).
///
/// ```
/// use entra_access_ops::sync::{DesiredHolder, ResolvedPackage};
/// use entra_access_ops::RemovalScope;
///
/// let mut p = ResolvedPackage::new("Marketing Campaign", "pkg-1", "pol-1");
/// p.removal = RemovalScope::All;
/// p.desired.push(DesiredHolder::user("user-1", "user-1"));
/// assert_eq!(p.max_removals, 50);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResolvedPackage {
    /// How the file names the package.
    pub label: String,
    /// The package.
    pub access_package: AccessPackageId,
    /// The policy adds go through (and removals come from, in scope `policy`).
    pub policy: AssignmentPolicyId,
    /// The policy's allowed target scope; `None` when unknown.
    pub policy_scope: Option<AllowedTargetScope>,
    /// The removal scope.
    pub removal: RemovalScope,
    /// The removal cap.
    pub max_removals: usize,
    /// Users ∪ user members of the groups ∪ e-mails (first reason wins).
    pub desired: Vec<DesiredHolder>,
    /// Problems found while resolving that are not errors.
    pub warnings: Vec<Warning>,
    /// Sent with every write.
    pub settings: AddSettings,
}

impl ResolvedPackage {
    /// A package with nobody desired, removal scope `policy`, cap 50.
    pub fn new(
        label: impl Into<String>,
        access_package: impl Into<AccessPackageId>,
        policy: impl Into<AssignmentPolicyId>,
    ) -> Self {
        Self {
            label: label.into(),
            access_package: access_package.into(),
            policy: policy.into(),
            policy_scope: None,
            removal: RemovalScope::Policy,
            max_removals: crate::DEFAULT_MAX_REMOVALS,
            desired: Vec::new(),
            warnings: Vec::new(),
            settings: AddSettings::default(),
        }
    }

    /// Whether the policy lets an administrator assign people outside the
    /// directory by e-mail (`notSpecified`, the external and
    /// connected-organization scopes, or a scope this crate does not know).
    pub fn policy_allows_email(&self) -> bool {
        use AllowedTargetScope as S;
        !matches!(
            self.policy_scope,
            Some(
                S::SpecificDirectoryUsers
                    | S::SpecificDirectoryServicePrincipals
                    | S::AllMemberUsers
                    | S::AllDirectoryUsers
                    | S::AllDirectoryServicePrincipals
            )
        )
    }
}

/// Group members as resolved: users, or "does not exist".
#[derive(Clone, Debug)]
enum GroupMembers {
    Found { users: Vec<ObjectId>, others: usize },
    Missing,
}

/// Resolves every package of the file, reading concurrently: the first
/// half of [`plan`](super::plan), for tools that gather facts themselves.
///
/// ```no_run
/// use entra_access_ops::sync::{plan_from_facts, resolve, DesiredState};
/// use entra_access_ops::PackageFacts;
/// # async fn demo(client: entra_access::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let desired = DesiredState::from_path("access.toml")?;
/// let resolved = resolve(&client, &desired).await?;
/// let ids = resolved.iter().map(|r| r.access_package.clone()).collect();
/// let facts = PackageFacts::gather_all(&client, ids).await?;
/// let pairs: Vec<_> = resolved.into_iter().zip(facts).collect();
/// let plan = plan_from_facts(client.base_url().as_str(), chrono::Utc::now(), &pairs)?;
/// println!("{}", plan.totals());
/// # Ok(()) }
/// ```
///
/// Unknown or ambiguous package names, a policy that cannot be chosen and
/// a user principal name that does not resolve are errors; so is a group
/// that does not exist while removals are on.
pub async fn resolve(
    client: &Client,
    desired: &DesiredState,
) -> Result<Vec<ResolvedPackage>, SyncError> {
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
        .map(|spec| find_package(client, spec))
        .buffered(PACKAGES_AT_ONCE)
        .try_collect::<Vec<_>>();
    let users = futures::stream::iter(upns)
        .map(|upn| async move { (upn, lookup_user(client, upn).await) })
        .buffer_unordered(LOOKUPS_AT_ONCE)
        .map(|(upn, r)| r.map(|id| (upn.to_owned(), id)))
        .try_collect::<HashMap<String, Option<ObjectId>>>();
    let members = futures::stream::iter(groups)
        .map(|g| async move { (g, group_members(client, g).await) })
        .buffer_unordered(LOOKUPS_AT_ONCE)
        .map(|(g, r)| r.map(|m| (g.to_owned(), m)))
        .try_collect::<HashMap<String, GroupMembers>>();
    let (packages, users, members) = futures::try_join!(packages, users, members)?;

    desired
        .packages
        .iter()
        .zip(packages)
        .map(|(spec, package)| assemble(desired, spec, &package, &users, &members))
        .collect()
}

fn assemble(
    desired: &DesiredState,
    spec: &PackageSpec,
    package: &AccessPackage,
    users: &HashMap<String, Option<ObjectId>>,
    members: &HashMap<String, GroupMembers>,
) -> Result<ResolvedPackage, SyncError> {
    let d = &desired.defaults;
    let label = spec.label().to_owned();
    let policy = choose_policy(&label, package, spec.policy(d))?;
    let mut resolved = ResolvedPackage::new(label.clone(), package.id.clone(), policy.id.clone());
    resolved.policy_scope = policy.allowed_target_scope.clone();
    resolved.removal = spec.removal(d);
    resolved.max_removals = spec.max_removals(d);
    resolved.settings = AddSettings {
        justification: d.justification.clone(),
        duration: d.duration,
        end: d.end,
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |holder: DesiredHolder, out: &mut Vec<DesiredHolder>| {
        let key = match &holder.target {
            PlanTarget::User(id) => format!("u:{id}"),
            PlanTarget::Email(e) => format!("e:{}", e.to_lowercase()),
        };
        if seen.insert(key) {
            out.push(holder);
        }
    };
    let mut desired_holders = Vec::new();
    for user in &spec.users {
        let id = if user.contains('@') {
            match users.get(user.as_str()) {
                Some(Some(id)) => id.clone(),
                _ => {
                    return Err(SyncError::UnknownUser {
                        package: label,
                        user: user.clone(),
                    })
                }
            }
        } else {
            ObjectId::new(user.as_str())
        };
        push(DesiredHolder::user(id, user.as_str()), &mut desired_holders);
    }
    for group in &spec.groups {
        match members.get(group.as_str()) {
            Some(GroupMembers::Found { users, others }) => {
                for u in users {
                    push(
                        DesiredHolder::group_member(u.clone(), group.as_str()),
                        &mut desired_holders,
                    );
                }
                if *others > 0 {
                    resolved.warnings.push(Warning::NonUserMembers {
                        group: ObjectId::new(group.as_str()),
                        count: *others,
                    });
                }
            }
            _ if resolved.removal != RemovalScope::None => {
                return Err(SyncError::MissingGroup {
                    package: label,
                    group: group.clone(),
                    removal: resolved.removal.to_string(),
                })
            }
            _ => resolved.warnings.push(Warning::GroupNotFound {
                group: ObjectId::new(group.as_str()),
            }),
        }
    }
    for email in &spec.emails {
        push(DesiredHolder::email(email.as_str()), &mut desired_holders);
    }
    resolved.desired = desired_holders;
    Ok(resolved)
}

/// The policy the file names (by id, else by display name ignoring case),
/// or the package's only one.
fn choose_policy<'a>(
    label: &str,
    package: &'a AccessPackage,
    wanted: Option<&str>,
) -> Result<&'a AssignmentPolicy, SyncError> {
    let policies = package.assignment_policies.as_deref().unwrap_or_default();
    let problem = |problem: String| SyncError::Policy {
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
            if let Some(p) = policies.iter().find(|p| p.id.as_str() == wanted) {
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
                    "no policy is named or has the id {wanted:?}; its policies: {}",
                    list()
                ))),
                several => Err(problem(format!(
                    "{} policies are named {wanted:?}; name it by id: {}",
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

async fn find_package(client: &Client, spec: &PackageSpec) -> Result<AccessPackage, SyncError> {
    if let Some(id) = &spec.id {
        return match client
            .access_packages()
            .get(id.as_str())
            .expand_policies()
            .send()
            .await
        {
            Ok(p) => Ok(p),
            Err(e) if e.is_not_found() => Err(SyncError::PackageNotFound { name: id.clone() }),
            Err(e) => Err(e.into()),
        };
    }
    let name = spec.name.clone().unwrap_or_default();
    let mut found = client
        .access_packages()
        .list()
        .display_name_eq(name.as_str())
        .expand_policies()
        .collect()
        .await?;
    match found.len() {
        1 => found.pop().ok_or(SyncError::PackageNotFound { name }),
        0 => Err(SyncError::PackageNotFound { name }),
        _ => Err(SyncError::AmbiguousPackage {
            name,
            ids: found.iter().map(|p| p.id.to_string()).collect(),
        }),
    }
}

/// `Ok(None)` when no user has that principal name.
async fn lookup_user(client: &Client, upn: &str) -> Result<Option<ObjectId>, SyncError> {
    let path = format!(
        "users/{}?$select=id,userPrincipalName",
        utf8_percent_encode(upn, UPN_SEGMENT)
    );
    match client.raw().get::<DirectoryObject>(&path).send().await {
        Ok(user) if !user.id.as_str().is_empty() => Ok(Some(user.id)),
        Ok(_) => Ok(None),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn group_members(client: &Client, group: &str) -> Result<GroupMembers, SyncError> {
    match client
        .groups()
        .transitive_members(group)
        .top(999)
        .users_only()
        .await
    {
        Ok(m) => Ok(GroupMembers::Found {
            users: m.users.into_iter().map(|u| u.id).collect(),
            others: m
                .others
                .iter()
                .filter(|o| !matches!(o.kind(), entra_access::models::DirectoryObjectKind::Group))
                .count(),
        }),
        Err(e) if e.is_not_found() => Ok(GroupMembers::Missing),
        Err(e) => Err(e.into()),
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
