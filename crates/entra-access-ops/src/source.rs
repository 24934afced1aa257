//! Who a bulk run is for, and the re-read of it right before a removal.

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};

use entra_access::error::Result;
use entra_access::models::ObjectId;
use entra_access::Client;

/// The people a bulk run assigns to (`ops::BulkSource`), kept in its
/// [`BulkSpec`](super::BulkSpec): removals read it again right before
/// each write.
///
/// In JSON, like the other enums of [`ops`](crate), `kind` and `detail`:
///
/// ```
/// use entra_access_ops::BulkSource;
///
/// let group = BulkSource::Group { id: "grp-1".into(), transitive: true };
/// assert_eq!(
///     serde_json::to_value(&group)?,
///     serde_json::json!({"kind": "group", "detail": {"id": "grp-1", "transitive": true}})
/// );
/// let users = BulkSource::Users(vec!["u-1".into()]);
/// assert_eq!(serde_json::to_value(&users)?, serde_json::json!({"kind": "users", "detail": ["u-1"]}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Source {
    /// A group's members (direct, or with `transitive` nested too).
    Group {
        /// The group's object id.
        id: ObjectId,
        /// Members of nested groups too (`transitiveMembers`).
        transitive: bool,
    },
    /// A fixed list of users (directory object ids).
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
