//! Who a package plan is for (its desired set), read when planning, again
//! when a stored plan is applied, and right before each removal.

use std::collections::HashSet;

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};

use crate::{MemberFact, Person, Reason};
use entra_access::error::Result;
use entra_access::models::ObjectId;
use entra_access::Client;

/// A group whose members are desired.
///
/// ```
/// use entra_access_ops::SourceGroup;
/// let g = SourceGroup::new("grp-1", true);
/// assert_eq!(serde_json::to_value(&g)?, serde_json::json!({"id": "grp-1", "transitive": true}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SourceGroup {
    /// The group's object id.
    pub id: ObjectId,
    /// Members of nested groups too (`transitiveMembers`; nested groups
    /// themselves are then followed, not listed as members).
    pub transitive: bool,
}

impl SourceGroup {
    /// The members of group `id` (`transitive`: of its nested groups too).
    pub fn new(id: impl Into<ObjectId>, transitive: bool) -> Self {
        Self {
            id: id.into(),
            transitive,
        }
    }
}

/// Who should hold a package: the users of some groups, users by object
/// id, and people outside the directory by e-mail. A bulk run has one group
/// or a list of users; a desired-state file any mix. Kept in the plan's
/// [`PackageSpec`](crate::PackageSpec): applying a stored plan reads it
/// again, and so does each removal right before it is sent.
///
/// ```
/// use entra_access_ops::Source;
///
/// let team = Source::group("grp-1", false);
/// assert_eq!(
///     serde_json::to_value(&team)?,
///     serde_json::json!({"groups": [{"id": "grp-1", "transitive": false}]})
/// );
/// let users = Source::users(["u-1", "u-2"]);
/// assert_eq!(serde_json::to_value(&users)?, serde_json::json!({"users": ["u-1", "u-2"]}));
/// assert!(!users.is_empty() && Source::default().is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Source {
    /// Groups whose user members are desired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<SourceGroup>,
    /// Users by object id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<ObjectId>,
    /// People outside the directory, by e-mail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
}

impl Source {
    /// The members of one group (`transitive`: of its nested groups too).
    pub fn group(id: impl Into<ObjectId>, transitive: bool) -> Self {
        Self {
            groups: vec![SourceGroup::new(id, transitive)],
            ..Self::default()
        }
    }

    /// These users (directory object ids).
    pub fn users<I>(ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<ObjectId>,
    {
        Self {
            users: ids.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    /// Whether the source names nobody at all (no group, no user, no
    /// e-mail): with removals on, refused before anything is read.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.users.is_empty() && self.emails.is_empty()
    }

    /// Refuses ids Graph would refuse, naming the field.
    pub(crate) fn check(&self) -> std::result::Result<(), (String, String)> {
        for g in &self.groups {
            g.id.check()
                .map_err(|p| (format!("group id '{}'", g.id), p.to_string()))?;
        }
        for id in &self.users {
            id.check()
                .map_err(|p| (format!("user id '{id}'"), p.to_string()))?;
        }
        for e in &self.emails {
            if e.trim().is_empty() || !e.contains('@') {
                return Err((format!("e-mail '{e}'"), "is not an address".into()));
            }
        }
        Ok(())
    }

    /// Everyone in the source now, as planning reads them: the users as
    /// listed, then each group's members (users with their principal name,
    /// the others with their type), then the e-mails. A group that does
    /// not exist is Graph's 404 error.
    pub async fn members(&self, client: &Client) -> Result<Vec<MemberFact>> {
        let mut out: Vec<MemberFact> = self
            .users
            .iter()
            .map(|id| {
                MemberFact::user(id.clone(), None).because(Reason::ListedUser {
                    listed_as: id.to_string(),
                })
            })
            .collect();
        for g in &self.groups {
            out.extend(group_members(client, g).await?);
        }
        out.extend(self.emails.iter().map(|e| MemberFact::email(e.as_str())));
        Ok(out)
    }

    /// The people desired now (users of the groups, users, e-mails).
    pub(crate) async fn people_now(&self, client: &Client) -> Result<HashSet<Person>> {
        Ok(self
            .members(client)
            .await?
            .into_iter()
            .filter(MemberFact::is_user)
            .map(|m| m.person)
            .collect())
    }

    /// Whether `person` is in the source now. The fixed lists are looked
    /// up; each group is read again (`GET /groups/{id}/members` or
    /// `…/transitiveMembers`, the documented listing and permission
    /// planning uses), stopping at the first page that names the person.
    pub(crate) async fn contains_now(&self, client: &Client, person: &Person) -> Result<bool> {
        match person {
            Person::Email(e) => Ok(self.emails.iter().any(|m| m.eq_ignore_ascii_case(e))),
            Person::User(id) => {
                if self.users.contains(id) {
                    return Ok(true);
                }
                for g in &self.groups {
                    let found = listing(client, g)
                        .stream()
                        .try_filter(|m| futures::future::ready(&m.id == id))
                        .try_next()
                        .await?;
                    if found.is_some() {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        }
    }
}

fn listing(
    client: &Client,
    g: &SourceGroup,
) -> entra_access::api::List<entra_access::models::DirectoryObject> {
    let groups = client.groups();
    let list = if g.transitive {
        groups.transitive_members(g.id.clone())
    } else {
        groups.members(g.id.clone())
    };
    list.top(999)
}

/// A group's members: users (with their principal name), then the others
/// with their type; nested groups of a transitive listing are left out
/// (their members are listed).
pub(crate) async fn group_members(client: &Client, g: &SourceGroup) -> Result<Vec<MemberFact>> {
    let members = listing(client, g).users_only().await?;
    let reason = Reason::GroupMember {
        group: g.id.clone(),
    };
    let users = members
        .users
        .into_iter()
        .map(|u| MemberFact::from_user(u).because(reason.clone()));
    let others = members
        .others
        .into_iter()
        .filter(|o| {
            !(g.transitive && matches!(o.kind(), entra_access::models::DirectoryObjectKind::Group))
        })
        .map(|o| MemberFact::from_other(o).because(reason.clone()));
    Ok(users.chain(others).collect())
}
