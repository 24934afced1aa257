//! The typed conflict a workflow edit reports when the workflow's version
//! moved under it.

use std::fmt;

use crate::error::{Error, ErrorKind};
use crate::models::WorkflowId;

/// What moved under a workflow edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConflictKind {
    /// Someone else created one or more versions between this edit's read
    /// and its write: Graph numbered this edit's version higher than
    /// `read_version + 1`. This edit's version was built from the older read,
    /// so it may lack the changes of the versions in between.
    VersionsInBetween,
    /// A version created after this edit's no longer carries this edit's
    /// changes: someone else posted a workflow they had read before this
    /// edit's version existed.
    OverwrittenLater,
    /// Graph's answer carried no version number and the re-read found a
    /// version other than `read_version + 1`: which versions came first
    /// cannot be told.
    Unverified,
}

/// A lifecycle-workflow edit found that someone else created a version
/// between its read and its write, or right after it. Carried by an
/// [`Error`] of kind [`ErrorKind::Conflict`]: read it with
/// [`Error::version_conflict`].
///
/// The edit's own version *was* created. Re-running the same edit is safe
/// (tasks already there are not added twice, absent tasks are not
/// removed), but it cannot restore the other writer's changes: compare the
/// versions named here (`GET …/workflows/{id}/versions/{n}`) and re-apply
/// what is missing.
///
/// ```no_run
/// use entra_access::api::AccessPackageTask;
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let edit = client
///     .lifecycle_workflows()
///     .edit("wf-onboarding")
///     .add(AccessPackageTask::request_assignment("pkg-1", "pol-1"));
/// match edit.commit().await {
///     Ok(done) => println!("now at version {:?}", done.new_version),
///     Err(e) if e.is_conflict() => {
///         let c = e.version_conflict().expect("a conflict carries its versions");
///         eprintln!("read {}, wrote {:?}, now {:?}: {e}", c.read_version, c.new_version, c.current_version);
///     }
///     Err(e) => return Err(e),
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VersionConflict {
    /// The workflow.
    pub workflow_id: WorkflowId,
    /// What moved.
    pub kind: ConflictKind,
    /// The version this edit read and changed.
    pub read_version: i64,
    /// The version `createNewVersion` answered with (this edit's version),
    /// when the answer carried one.
    pub new_version: Option<i64>,
    /// The version the re-read after the write found, when it carried one.
    pub current_version: Option<i64>,
}

impl Error {
    /// The lifecycle-workflow version conflict this error reports, when it
    /// is one ([`ErrorKind::Conflict`] from
    /// [`EditWorkflow::commit`](crate::api::EditWorkflow::commit)): which
    /// versions to compare.
    pub fn version_conflict(&self) -> Option<&VersionConflict> {
        if self.kind() != ErrorKind::Conflict {
            return None;
        }
        std::error::Error::source(self)?.downcast_ref::<VersionConflict>()
    }
}

impl VersionConflict {
    pub(crate) fn into_error(self) -> Error {
        Error::new(ErrorKind::Conflict, self.to_string()).with_source(self)
    }
}

fn version(v: Option<i64>) -> String {
    v.map_or_else(|| "unknown".to_owned(), |n| n.to_string())
}

impl fmt::Display for VersionConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = &self.workflow_id;
        let read = self.read_version;
        match self.kind {
            ConflictKind::VersionsInBetween => write!(
                f,
                "workflow {id} changed under this edit: it read version {read} and its new version is {}, so someone else created the versions in between; this edit's version was built from version {read} and may lack their changes (compare the versions under …/workflows/{id}/versions and re-apply what is missing; re-running this edit is safe)",
                version(self.new_version)
            ),
            ConflictKind::OverwrittenLater => write!(
                f,
                "workflow {id} changed after this edit: this edit created version {} from version {read}, but the current version {} no longer carries its changes (someone else posted an older copy); re-run this edit to apply them again",
                version(self.new_version),
                version(self.current_version)
            ),
            ConflictKind::Unverified => write!(
                f,
                "workflow {id} may have changed under this edit: it read version {read}, Graph's answer named no version and the workflow is now at version {}; check the versions under …/workflows/{id}/versions",
                version(self.current_version)
            ),
        }
    }
}

impl std::error::Error for VersionConflict {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_conflict_is_found_again_from_the_error() {
        let c = VersionConflict {
            workflow_id: WorkflowId::new("wf"),
            kind: ConflictKind::VersionsInBetween,
            read_version: 3,
            new_version: Some(5),
            current_version: Some(5),
        };
        let e = c.clone().into_error();
        assert!(e.is_conflict());
        assert!(!e.is_retryable());
        assert_eq!(e.version_conflict(), Some(&c));
        assert!(
            e.to_string()
                .contains("read version 3 and its new version is 5"),
            "{e}"
        );
        assert!(Error::invalid_input("x", "y").version_conflict().is_none());
    }
}
