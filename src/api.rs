//! One handle per Graph resource, each handing out one builder per operation.
//!
//! Get a handle from the [`Client`](crate::Client):
//! [`access_packages()`](crate::Client::access_packages),
//! [`assignment_policies()`](crate::Client::assignment_policies),
//! [`assignments()`](crate::Client::assignments),
//! [`assignment_requests()`](crate::Client::assignment_requests),
//! [`catalogs()`](crate::Client::catalogs),
//! [`groups()`](crate::Client::groups),
//! [`lifecycle_workflows()`](crate::Client::lifecycle_workflows).
//! Builders are plain data until sent: `request()` shows what would go on
//! the wire without sending it.

mod access_packages;
mod approvals;
mod assignment_policies;
mod assignment_requests;
mod assignments;
mod catalogs;
pub(crate) mod common;
mod groups;
mod lifecycle_workflows;
mod remove_for;

pub use access_packages::{
    AccessPackages, FindAccessPackage, GetAccessPackage, ListAccessPackages, PackageRef,
    ResolveAccessPackage,
};
pub use approvals::{Approvals, DecideStage, Decision, GetApproval};
pub use assignment_policies::{AssignmentPolicies, GetAssignmentPolicy, ListAssignmentPolicies};
pub use assignment_requests::{
    starts_later, AdminAdd, AdminRemove, AdminUpdate, DeliveryProblem, EmailTarget, FinalOutcome,
    RequestAction, RequestActionKind, RequestProblem, Submission, Target, UserAdd, WaitUntilFinal,
    WatchRequest,
};
pub use assignment_requests::{
    AssignmentRequests, GetAssignmentRequest, ListAssignmentRequests, RequestsOfCurrentUser,
};
pub use assignments::{
    Assignments, AssignmentsOfCurrentUser, GetAssignment, ListAssignments, ReprocessAssignment,
};
pub use catalogs::{CatalogRef, Catalogs, GetCatalog, ListCatalogs};
pub use common::List;
pub use groups::{Groups, ListMembers, Members};
pub use lifecycle_workflows::{
    AccessPackageTask, ConflictKind, EditEffect, EditWorkflow, LifecycleWorkflows, TaskChange,
    TaskEdit, TaskSelector, VersionConflict, WorkflowEdited, MAX_TASKS_PER_WORKFLOW,
};
pub use remove_for::{RemovalFailure, RemoveAssignmentsFor, RemoveFor};
