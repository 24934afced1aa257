//! The four built-in access-package tasks of lifecycle workflows.

use crate::models::{AccessPackageId, AssignmentPolicyId, Task, TaskDefinition};

/// The four built-in entitlement-management tasks of lifecycle workflows.
///
/// ```
/// use entra_access::api::AccessPackageTask;
///
/// let task = AccessPackageTask::request_assignment("pkg-1", "pol-1").into_task();
/// assert_eq!(task.task_definition_id.as_deref(), Some("c1ec1e76-f374-4375-aaa6-0bb6bd4c60be"));
/// assert_eq!(task.argument("accessPackageId"), Some("pkg-1"));
/// assert_eq!(task.argument("assignmentPolicyId"), Some("pol-1"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccessPackageTask {
    /// "Request user access package assignment" (joiner, mover).
    RequestAssignment {
        /// The access package to request.
        package: AccessPackageId,
        /// The policy to request it under.
        policy: AssignmentPolicyId,
    },
    /// "Remove access package assignment for user" (leaver, mover).
    RemoveAssignment {
        /// The access package to remove.
        package: AccessPackageId,
    },
    /// "Remove all access package assignments for user" (leaver).
    RemoveAllAssignments,
    /// "Cancel all pending access package assignment requests for user" (leaver).
    CancelPendingRequests,
}

impl AccessPackageTask {
    pub(crate) const REQUEST_CATEGORIES: &'static [&'static str] = &["joiner", "mover"];
    pub(crate) const REMOVE_CATEGORIES: &'static [&'static str] = &["leaver", "mover"];
    pub(crate) const LEAVER_ONLY: &'static [&'static str] = &["leaver"];

    /// The workflow categories the task runs in ("The category of the task
    /// must match the category of the workflow",
    /// `identitygovernance-lifecycleworkflows-overview.md`): requesting a
    /// package in joiner and mover workflows, removing one in leaver and
    /// mover workflows, removing all and cancelling pending requests in
    /// leaver workflows. An edit that adds a task to a workflow of another
    /// category is refused before anything is sent.
    ///
    /// ```
    /// use entra_access::api::AccessPackageTask;
    ///
    /// assert_eq!(AccessPackageTask::request_assignment("p", "q").workflow_categories(), ["joiner", "mover"]);
    /// assert_eq!(AccessPackageTask::RemoveAllAssignments.workflow_categories(), ["leaver"]);
    /// ```
    pub fn workflow_categories(&self) -> &'static [&'static str] {
        match self {
            Self::RequestAssignment { .. } => Self::REQUEST_CATEGORIES,
            Self::RemoveAssignment { .. } => Self::REMOVE_CATEGORIES,
            Self::RemoveAllAssignments | Self::CancelPendingRequests => Self::LEAVER_ONLY,
        }
    }

    /// Request `package` under `policy` for the workflow's user.
    pub fn request_assignment(
        package: impl Into<AccessPackageId>,
        policy: impl Into<AssignmentPolicyId>,
    ) -> Self {
        Self::RequestAssignment {
            package: package.into(),
            policy: policy.into(),
        }
    }

    /// Remove the workflow user's assignment of `package`.
    pub fn remove_assignment(package: impl Into<AccessPackageId>) -> Self {
        Self::RemoveAssignment {
            package: package.into(),
        }
    }

    /// The task definition id Graph knows the task by.
    pub fn definition_id(&self) -> &'static str {
        match self {
            Self::RequestAssignment { .. } => TaskDefinition::REQUEST_ACCESS_PACKAGE_ASSIGNMENT,
            Self::RemoveAssignment { .. } => TaskDefinition::REMOVE_ACCESS_PACKAGE_ASSIGNMENT,
            Self::RemoveAllAssignments => TaskDefinition::REMOVE_ALL_ACCESS_PACKAGE_ASSIGNMENTS,
            Self::CancelPendingRequests => TaskDefinition::CANCEL_PENDING_ACCESS_PACKAGE_REQUESTS,
        }
    }

    /// The task as it goes into a workflow, with Graph's display name.
    pub fn into_task(self) -> Task {
        let def = self.definition_id();
        match self {
            Self::RequestAssignment { package, policy } => {
                Task::new(def, "Request user access package assignment")
                    .with_argument("accessPackageId", package.into_inner())
                    .with_argument("assignmentPolicyId", policy.into_inner())
            }
            Self::RemoveAssignment { package } => {
                Task::new(def, "Remove access package assignment for user")
                    .with_argument("accessPackageId", package.into_inner())
            }
            Self::RemoveAllAssignments => {
                Task::new(def, "Remove all access package assignments for user")
            }
            Self::CancelPendingRequests => Task::new(
                def,
                "Cancel all pending access package assignment requests for user",
            ),
        }
    }

    /// Whether `task` is this task (same definition and arguments).
    ///
    /// ```
    /// use entra_access::api::AccessPackageTask;
    ///
    /// let wanted = AccessPackageTask::remove_assignment("pkg-1");
    /// assert!(wanted.matches(&wanted.clone().into_task()));
    /// assert!(!wanted.matches(&AccessPackageTask::remove_assignment("pkg-2").into_task()));
    /// ```
    pub fn matches(&self, task: &Task) -> bool {
        let same_def = task.task_definition_id.as_deref() == Some(self.definition_id());
        same_def
            && match self {
                Self::RequestAssignment { package, policy } => {
                    task.argument("accessPackageId") == Some(package.as_str())
                        && task.argument("assignmentPolicyId") == Some(policy.as_str())
                }
                Self::RemoveAssignment { package } => {
                    task.argument("accessPackageId") == Some(package.as_str())
                }
                Self::RemoveAllAssignments | Self::CancelPendingRequests => true,
            }
    }
}

impl From<AccessPackageTask> for Task {
    fn from(t: AccessPackageTask) -> Self {
        t.into_task()
    }
}
