//! Group members, for bulk assignment.

use std::sync::Arc;

use super::common::{checked, list_terminals, List};
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
    pub fn members(&self, group: impl Into<ObjectId>) -> ListMembers {
        self.list(group.into(), "members")
    }

    /// Members of a group and of its nested groups.
    pub fn transitive_members(&self, group: impl Into<ObjectId>) -> ListMembers {
        self.list(group.into(), "transitiveMembers")
    }

    fn list(&self, group: ObjectId, relation: &str) -> ListMembers {
        let path = checked(&group, "group id").map(|g| format!("groups/{g}/{relation}"));
        let list = List::new(Arc::clone(&self.transport), path);
        ListMembers {
            list: ListMembers::with_select(list),
        }
    }
}

/// Lists group members; see [`Groups::members`].
#[derive(Clone, Debug)]
#[must_use = "a list does nothing until sent or streamed"]
pub struct ListMembers {
    list: List<DirectoryObject>,
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

impl ListMembers {
    fn with_select(mut list: List<DirectoryObject>) -> List<DirectoryObject> {
        for p in ["id", "displayName", "userPrincipalName", "mail"] {
            list.query = list.query.select(p);
        }
        list
    }

    /// Page size (`$top`, 1 to 999; directory default 100).
    pub fn top(mut self, n: u32) -> Self {
        self.list.query = self.list.query.top(n);
        self
    }

    /// Reads all members and splits users from the rest.
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

    fn into_list(self) -> List<DirectoryObject> {
        self.list
    }
}

list_terminals!(ListMembers, DirectoryObject);
