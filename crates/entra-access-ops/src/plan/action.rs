//! What a bulk plan does for one person, and why.

use std::fmt;

use serde::{Deserialize, Serialize};

use entra_access::models::RequestState;

/// What a bulk run does (or did) for one person.
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
    /// Request removal of the person's assignment (`adminRemove`; only with
    /// reconcile, for targets that are not in the source, under the
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
    /// The add was sent and Graph refused it because a request for the
    /// person is already open (`ExistingOpenRequest`), made meanwhile by
    /// someone else; Graph does not say that request's state. Only in
    /// reports, never in a plan.
    RequestAlreadyOpen,
    /// The member is not a user; the value is its type without the
    /// `#microsoft.graph.` prefix (`group`, `device`, `servicePrincipal`…).
    NotAUser(String),
    /// Planned for removal, but the person was a member of the source again
    /// when it was re-read right before the removal: nothing was sent.
    RejoinedSource,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlreadyDelivered => f.write_str("alreadyDelivered"),
            Self::Delivering => f.write_str("delivering"),
            Self::OpenRequest(s) => write!(f, "openRequest:{s}"),
            Self::RequestAlreadyOpen => f.write_str("requestAlreadyOpen"),
            Self::NotAUser(t) => write!(f, "notAUser:{t}"),
            Self::RejoinedSource => f.write_str("rejoinedSource"),
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
}

impl fmt::Display for ReportReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PartiallyDelivered => f.write_str("partiallyDelivered"),
            Self::DeliveryFailed => f.write_str("deliveryFailed"),
            Self::UnknownState(s) => write!(f, "unknownState:{s}"),
        }
    }
}
