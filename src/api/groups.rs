//! Group members, for bulk assignment.

use std::sync::Arc;

use super::common::checked;
use super::List;
use crate::error::Result;
use crate::models::{DirectoryObject, ObjectId};
use crate::transport::Transport;

/// Groups (`/groups`): only what entitlement workflows need.
#[derive(Clone, Debug)]
pub struct Groups {
    transport: Arc<Transport>,
}

impl Groups {
    /// Continues a listing of group members from a next link saved from
    /// [`PageStream::next_link`](crate::paging::PageStream::next_link) or
    /// [`Page::next_link`](crate::paging::Page::next_link). The link must be
    /// on the Graph origin (else the stream's first item is a `Paging` error
    /// and nothing is sent).
    pub fn resume(&self, next_link: &str) -> crate::paging::PageStream<DirectoryObject> {
        crate::paging::PageStream::resume(Arc::clone(&self.transport), next_link)
    }
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// Direct members of a group (users, groups, devices, contacts…; v1.0
    /// omits service principals).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.groups().members("grp-1").top(999).request()?;
    /// assert_eq!(req.path(), "groups/grp-1/members");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn members(&self, group: impl Into<ObjectId>) -> List<DirectoryObject> {
        self.list(group.into(), "members")
    }

    /// Members of a group and of its nested groups.
    pub fn transitive_members(&self, group: impl Into<ObjectId>) -> List<DirectoryObject> {
        self.list(group.into(), "transitiveMembers")
    }

    /// A list of members asking for the fields
    /// [`DirectoryObject`] decodes.
    fn list(&self, group: ObjectId, relation: &str) -> List<DirectoryObject> {
        let path = checked(&group, "group id").map(|g| format!("groups/{g}/{relation}"));
        List::new(Arc::clone(&self.transport), path).select([
            "id",
            "displayName",
            "userPrincipalName",
            "mail",
        ])
    }
}

/// A group's members split by kind: users, and everything else (reported,
/// never silently dropped).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Members {
    /// Members whose `@odata.type` is `#microsoft.graph.user`.
    pub users: Vec<DirectoryObject>,
    /// Every other member (groups, devices, service principals, contacts).
    pub others: Vec<DirectoryObject>,
}

/// The terminal of a list of directory objects (such as
/// [`Groups::members`]) that splits users from the rest.
impl List<DirectoryObject> {
    /// Reads all members and splits users from the rest.
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let members = client.groups().members("grp-1").users_only().await?;
    /// eprintln!("{} users, {} others skipped", members.users.len(), members.others.len());
    /// # Ok(()) }
    /// ```
    pub async fn users_only(self) -> Result<Members> {
        let mut members = Members::default();
        for m in self.collect().await? {
            if m.is_user() {
                members.users.push(m);
            } else {
                members.others.push(m);
            }
        }
        Ok(members)
    }
}
