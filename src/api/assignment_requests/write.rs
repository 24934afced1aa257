//! Writing: the four kinds of assignment request an application creates
//! (`adminAdd`, `adminUpdate`, `adminRemove`, `userAdd`), one builder each,
//! and the parts their bodies share (schedule, justification, answers,
//! target).

mod admin_add;
mod admin_remove;
mod admin_update;
mod answers;
mod draft;
mod requestor_rules;
mod schedule_plan;
mod target;
mod user_add;

use std::sync::Arc;

pub use admin_add::AdminAdd;
pub use admin_remove::AdminRemove;
pub use admin_update::AdminUpdate;
pub use target::{EmailTarget, Target};
pub use user_add::UserAdd;

use super::AssignmentRequests;
use crate::models::{AccessPackageId, AssignmentId, AssignmentPolicyId};

impl AssignmentRequests {
    /// Assigns `package` to `target` through `policy` (`adminAdd`). Set a
    /// schedule, justification and answers on the builder, then
    /// [`send`](AdminAdd::send) it.
    pub fn admin_add(
        &self,
        package: impl Into<AccessPackageId>,
        policy: impl Into<AssignmentPolicyId>,
        target: impl Into<Target>,
    ) -> AdminAdd {
        AdminAdd::new(
            Arc::clone(&self.transport),
            package.into(),
            policy.into(),
            target.into(),
        )
    }

    /// The signed-in user requests `package` for themselves through
    /// `policy` (`userAdd`), with answers and a justification set on the
    /// builder. **Delegated-only**: an app-only token gets 403
    /// ([`Error::is_forbidden`](crate::Error::is_forbidden)).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.assignment_requests().user_add("pkg-1", "pol-1").justification("campaign").request()?;
    /// assert_eq!(req.body_json().unwrap()["requestType"], "userAdd");
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn user_add(
        &self,
        package: impl Into<AccessPackageId>,
        policy: impl Into<AssignmentPolicyId>,
    ) -> UserAdd {
        UserAdd::new(Arc::clone(&self.transport), package.into(), policy.into())
    }

    /// Changes an assignment's schedule or answers (`adminUpdate`).
    pub fn admin_update(&self, assignment: impl Into<AssignmentId>) -> AdminUpdate {
        AdminUpdate::new(Arc::clone(&self.transport), assignment.into())
    }

    /// Removes an assignment (`adminRemove`). To remove a user's access to a
    /// package without knowing the assignment id, see
    /// [`Assignments::remove_for`](crate::api::Assignments::remove_for).
    pub fn admin_remove(&self, assignment: impl Into<AssignmentId>) -> AdminRemove {
        AdminRemove::new(Arc::clone(&self.transport), assignment.into())
    }
}
