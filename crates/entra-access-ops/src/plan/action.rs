//! What a plan does for one person, and why.

use std::fmt;

use serde::{Deserialize, Serialize};

use entra_access::models::{AssignmentPolicyId, ObjectId, RequestState};

/// What a plan does (or did) for one person.
///
/// In JSON (like every enum of [`ops`](crate)) an object with the
/// variant as `kind` in camelCase and its data, if any, as `detail`:
///
/// ```
/// use entra_access::models::RequestState;
/// use entra_access_ops::{Action, SkipReason};
///
/// let skip = Action::Skip(SkipReason::OpenRequest(RequestState::Submitted));
/// let json = serde_json::to_value(&skip).unwrap();
/// assert_eq!(
///     json,
///     serde_json::json!({"kind": "skip", "detail": {"kind": "openRequest", "detail": "submitted"}})
/// );
/// assert_eq!(serde_json::to_value(Action::Add).unwrap(), serde_json::json!({"kind": "add"}));
/// assert_eq!(serde_json::from_value::<Action>(json).unwrap(), skip);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Action {
    /// Request an assignment (`adminAdd`).
    Add,
    /// Request removal of the person's assignment (`adminRemove`; only for
    /// people not in the source, under the plan's
    /// [`RemovalScope`](crate::RemovalScope)).
    Remove,
    /// Nothing to do.
    Skip(SkipReason),
    /// Needs a human: no request is made, and the reason is reported.
    Report(ReportReason),
}

impl Action {
    /// Whether this action writes (adds or removes).
    pub fn is_write(&self) -> bool {
        matches!(self, Self::Add | Self::Remove)
    }
}

impl fmt::Display for Action {
    /// `Add`, `Remove`, `Skip(alreadyDelivered)`, `Report(deliveryFailed)`…
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Add => f.write_str("Add"),
            Self::Remove => f.write_str("Remove"),
            Self::Skip(r) => write!(f, "Skip({r})"),
            Self::Report(r) => write!(f, "Report({r})"),
        }
    }
}

/// Why a person needs nothing (JSON: see [`Action`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "camelCase")]
#[non_exhaustive]
pub enum SkipReason {
    /// The person already holds a delivered assignment.
    AlreadyDelivered,
    /// The person's assignment is being delivered.
    Delivering,
    /// A request for the person is still open (submitted, pending approval,
    /// delivering or scheduled): a re-run never asks twice.
    OpenRequest(RequestState),
    /// The person is desired and holds the package, but a request to
    /// remove their assignment is open: once it is delivered they lose
    /// access, and a later plan adds them again. Carries the request's id.
    RemovalRequested,
    /// The add was sent and Graph refused it because a request for the
    /// person is already open (`ExistingOpenRequest`), made meanwhile by
    /// someone else; Graph does not say that request's state. Only in
    /// reports ([`Outcome::AlreadyDone`](crate::Outcome::AlreadyDone)),
    /// never in a plan.
    RequestAlreadyOpen,
    /// The member is not a user; the value is its type without the
    /// `#microsoft.graph.` prefix (`group`, `device`, `servicePrincipal`…).
    NotAUser(String),
    /// Planned for removal, but the person was a member of the source again
    /// when it was re-read right before the removal: nothing was sent. Only
    /// in reports ([`Outcome::AlreadyDone`](crate::Outcome::AlreadyDone)).
    RejoinedSource,
    /// Planned for removal, but Graph answered that the assignment no
    /// longer exists: nothing to remove. Only in reports.
    AlreadyRemoved,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlreadyDelivered => f.write_str("alreadyDelivered"),
            Self::Delivering => f.write_str("delivering"),
            Self::OpenRequest(s) => write!(f, "openRequest:{s}"),
            Self::RemovalRequested => f.write_str("removalRequested"),
            Self::RequestAlreadyOpen => f.write_str("requestAlreadyOpen"),
            Self::NotAUser(t) => write!(f, "notAUser:{t}"),
            Self::RejoinedSource => f.write_str("rejoinedSource"),
            Self::AlreadyRemoved => f.write_str("alreadyRemoved"),
        }
    }
}

/// Why a person is reported instead of acted on (JSON: see [`Action`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "camelCase")]
#[non_exhaustive]
pub enum ReportReason {
    /// The assignment was only partly delivered: reprocess it or look at
    /// its resources; a new request would not help.
    PartiallyDelivered,
    /// Delivery of the assignment failed: reprocess it or remove it.
    DeliveryFailed,
    /// The assignment is in a state this crate does not know.
    UnknownState(String),
    /// A person outside the directory (an e-mail), but the plan's policy
    /// takes people of the directory only (its allowed target scope is the
    /// value): not added. Name a policy for external users.
    EmailNotAllowed(String),
}

impl fmt::Display for ReportReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PartiallyDelivered => f.write_str("partiallyDelivered"),
            Self::DeliveryFailed => f.write_str("deliveryFailed"),
            Self::UnknownState(s) => write!(f, "unknownState:{s}"),
            Self::EmailNotAllowed(scope) => write!(f, "emailNotAllowed:{scope}"),
        }
    }
}

/// Why a person is in a plan: how the source names them, or why they are
/// removed.
///
/// ```
/// use entra_access_ops::Reason;
///
/// let r = Reason::GroupMember { group: "grp-1".into() };
/// assert_eq!(r.to_string(), "member of group grp-1");
/// assert_eq!(serde_json::to_value(&r)?, serde_json::json!({"kind": "groupMember", "group": "grp-1"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Reason {
    /// Listed in the source's users (as the file or the caller wrote it:
    /// a user principal name or an object id).
    ListedUser {
        /// The entry as written.
        listed_as: String,
    },
    /// A user member of a listed group.
    GroupMember {
        /// The group.
        group: ObjectId,
    },
    /// Listed in the source's e-mails.
    ListedEmail,
    /// Holds an assignment in the removal scope but is not in the source.
    NotDesired {
        /// The policy the assignment is under.
        policy: Option<AssignmentPolicyId>,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ListedUser { listed_as } => write!(f, "listed in users as {listed_as}"),
            Self::GroupMember { group } => write!(f, "member of group {group}"),
            Self::ListedEmail => f.write_str("listed in emails"),
            Self::NotDesired { policy: Some(p) } => {
                write!(f, "not in the source; assignment under policy {p}")
            }
            Self::NotDesired { policy: None } => f.write_str("not in the source"),
        }
    }
}

/// Something a reviewer should know about a package's plan that is not an
/// item.
///
/// ```
/// use entra_access_ops::Warning;
///
/// let w = Warning::GroupNotFound { group: "grp-9".into() };
/// assert_eq!(w.to_string(), "group grp-9 does not exist; it adds nobody");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Warning {
    /// A listed group does not exist (allowed only with removal `none`:
    /// otherwise planning is refused).
    GroupNotFound {
        /// The group id.
        group: ObjectId,
    },
    /// The policy requires approval for an add and the plan does not
    /// bypass it: these adds will wait for the approvers
    /// ([`PackagePlan::adds_waiting_for_approval`](crate::PackagePlan::adds_waiting_for_approval)),
    /// when the tenant enforces policy approval for direct assignments.
    AddsWaitForApproval {
        /// How many adds.
        adds: usize,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::GroupNotFound { group } => {
                write!(f, "group {group} does not exist; it adds nobody")
            }
            Self::AddsWaitForApproval { adds } => write!(
                f,
                "the policy requires approval: {adds} add(s) will wait for the approvers \
                 unless the approval is bypassed"
            ),
        }
    }
}
