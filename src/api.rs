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
//!
//! # The rules every builder follows
//!
//! - **Lists and gets.** Every list is a [`List<T>`](List) of what it
//!   lists and every get a [`Get<T>`](Get) of what it reads:
//!   `client.assignments().list()` is a `List<Assignment>`,
//!   `client.access_packages().get(id)` a `Get<AccessPackage>`, and
//!   [`client.raw()`](crate::Raw) hands out the same two types for any
//!   Graph path. What every list or get has (the terminals, `options`,
//!   `filter`, `top`, `select`, `expand`…) is defined once on the generic
//!   type; what one resource adds (its typed filters, its `expand_*`
//!   helpers) is on the `List`/`Get` of that resource.
//! - **Sending.** One way: a builder that ends in one answer is sent with
//!   `send()` (`send_with_meta()` also returns Graph's request id and
//!   status); a list says what it means: `send()` for the first page,
//!   `stream()`, `pages()` or `collect()`. Builders are not futures.
//! - **Following a request.** Two ways, one per need:
//!   [`wait_until_final`](AssignmentRequests::wait_until_final) returns the
//!   final request; [`watch`](AssignmentRequests::watch) is a stream of the
//!   states it passes through. How it ended is read from the request itself
//!   (`is_delivered()`, `state`, `status`, `callouts()`); why Graph refused
//!   one, from the [`Error`](crate::Error)'s predicates.
//! - **Filtering.** One way: a list's typed setters are the filters Graph
//!   documents for that resource (`access_package(id)`, `state(s)`,
//!   `states([..])`, `target_object_id(id)` on assignments), each joined
//!   with `and`. For anything else (`or`, `not`, another property, an
//!   expression the builder cannot write) pass an
//!   [`odata::Filter`](crate::odata::Filter) to `.filter(..)`; see
//!   [`odata`](crate::odata).
//! - **Per-call options.** Every builder takes
//!   `.options(`[`RequestOptions`](crate::request::RequestOptions)`)`:
//!   timeout, retry policy, `client-request-id`, headers, and for lists the
//!   page size and the page cap ([`max_pages`](crate::request::RequestOptions::max_pages):
//!   no stream pages forever).
//! - **Optional settings.** Every optional setting `x(v)` of a write
//!   builder has a `set_x(Option<_>)` beside it: `set_x(Some(v))` is `x(v)`
//!   and `set_x(None)` clears it, so values from flags or config pass
//!   straight through without `if let Some` ladders. A list's `states([])`
//!   adds no condition, for the same reason.
//! - **Ids.** Every argument that is an id takes `impl Into<XxxId>` (the
//!   typed ids of [`models`](crate::models)): a `&str`, a `String`, a
//!   `&String`, the id or a reference to it.
//! - **Answers.** `answers(list)` sets the complete answers, replacing any
//!   given before; `answer(question, value)` adds one.
//! - **Names.** A list setter is named for the property it filters on
//!   (`access_package` for `accessPackage/id`, `target_object_id` for
//!   `target/objectId`, `display_name_eq`); `expand_policies` includes the
//!   assignment policies wherever they can be included.
//!
//! ```no_run
//! use entra_access::api::Target;
//! # async fn demo(client: entra_access::Client, end: Option<entra_access::models::DateTime>) -> entra_access::Result<()> {
//! let package = client.access_packages().get("pkg-1").expand_policies().send().await?;
//! let request = client
//!     .assignment_requests()
//!     .admin_add(&package.id, "pol-1", Target::user("user-1"))
//!     .set_ends_at(end)
//!     .set_justification(None)
//!     .send()
//!     .await?;
//! println!("{}", request.id);
//! # Ok(()) }
//! ```

mod access_packages;
mod approvals;
mod assignment_policies;
mod assignment_requests;
mod assignments;
mod catalogs;
pub(crate) mod common;
mod get;
mod groups;
mod lifecycle_workflows;
mod list;
mod remove_for;

pub use access_packages::{AccessPackages, FindAccessPackage, PackageRef, ResolveAccessPackage};
pub use approvals::{Approvals, DecideStage, Decision};
pub use assignment_policies::AssignmentPolicies;
pub use assignment_requests::{
    AdminAdd, AdminRemove, AdminUpdate, EmailTarget, RequestAction, RequestActionKind, Target,
    UserAdd, WaitUntilFinal, WatchRequest,
};
pub use assignment_requests::{AssignmentRequests, RequestsOfCurrentUser};
pub use assignments::{Assignments, AssignmentsOfCurrentUser, ReprocessAssignment};
pub use catalogs::{CatalogRef, Catalogs};
pub use get::Get;
pub use groups::{Groups, Members};
pub use lifecycle_workflows::{
    AccessPackageTask, ConflictKind, EditEffect, EditWorkflow, LifecycleWorkflows, TaskChange,
    TaskEdit, TaskSelector, VersionConflict, WorkflowEdited, MAX_TASKS_PER_WORKFLOW,
};
pub use list::List;
pub use remove_for::{RemoveAssignmentsFor, RemoveFor};
