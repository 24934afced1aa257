//! Who a bulk run is for, and the re-read of it right before a removal.

use futures::TryStreamExt;

use crate::error::Result;
use crate::models::ObjectId;
use crate::Client;

/// The people a bulk run assigns to.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    /// A group's members (direct, or with `transitive` nested too).
    Group { id: ObjectId, transitive: bool },
    /// A fixed list of users.
    Users(Vec<ObjectId>),
}

impl Source {
    /// Whether `person` is in the source now. A group is read again
    /// (`GET /groups/{id}/members` or `…/transitiveMembers`, the same
    /// documented listing and permission as planning), stopping at the
    /// first page that names the person; a users list is fixed, so a person
    /// planned for removal is never in it.
    pub(crate) async fn contains_now(&self, client: &Client, person: &ObjectId) -> Result<bool> {
        match self {
            Self::Users(ids) => Ok(ids.contains(person)),
            Self::Group { id, transitive } => {
                let groups = client.groups();
                let list = if *transitive {
                    groups.transitive_members(id.clone())
                } else {
                    groups.members(id.clone())
                };
                let found = list
                    .top(999)
                    .stream()
                    .try_filter(|m| futures::future::ready(&m.id == person))
                    .try_next()
                    .await?;
                Ok(found.is_some())
            }
        }
    }
}
