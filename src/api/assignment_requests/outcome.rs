//! How a request ended, and why a delivery failed.

use std::fmt;

use crate::models::{
    AssignmentRequest, CalloutStatus, CustomExtensionCalloutInstance, RequestState,
};

/// How a request ended (or that it has not).
///
/// ```
/// use entra_access::api::FinalOutcome;
/// use entra_access::models::AssignmentRequest;
///
/// let r: AssignmentRequest = serde_json::from_value(serde_json::json!({
///     "id": "r1", "state": "deliveryFailed", "status": "DeliveryFailed"
/// })).unwrap();
/// match FinalOutcome::of(&r) {
///     FinalOutcome::DeliveryFailed(p) => assert!(p.to_string().contains("DeliveryFailed")),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FinalOutcome {
    /// Delivered: the target holds the access.
    Delivered,
    /// Some resources were delivered, some were not.
    PartiallyDelivered(DeliveryProblem),
    /// Delivery failed.
    DeliveryFailed(DeliveryProblem),
    /// An approver denied the request.
    Denied,
    /// The request was canceled.
    Canceled,
    /// Not final yet (or a state this crate does not know): the state, if any.
    NotFinal(Option<RequestState>),
}

impl FinalOutcome {
    /// Classifies a request by its state.
    pub fn of(request: &AssignmentRequest) -> Self {
        match &request.state {
            Some(RequestState::Delivered) => Self::Delivered,
            Some(RequestState::Denied) => Self::Denied,
            Some(RequestState::Canceled) => Self::Canceled,
            Some(RequestState::PartiallyDelivered) => {
                Self::PartiallyDelivered(DeliveryProblem::from_request(request))
            }
            Some(RequestState::DeliveryFailed) => {
                Self::DeliveryFailed(DeliveryProblem::from_request(request))
            }
            other => Self::NotFinal(other.clone()),
        }
    }

    /// Whether the access was delivered in full.
    pub fn is_delivered(&self) -> bool {
        matches!(self, Self::Delivered)
    }

    /// Why the delivery failed or was partial; `None` for any other outcome.
    ///
    /// ```
    /// use entra_access::api::FinalOutcome;
    /// use entra_access::models::AssignmentRequest;
    ///
    /// let r: AssignmentRequest = serde_json::from_value(serde_json::json!({
    ///     "id": "r1", "state": "deliveryFailed", "status": "DeliveryFailed",
    ///     "customExtensionCalloutInstances": [{
    ///         "customExtensionId": "ext-1", "status": "calloutFailed",
    ///         "detail": "Logic App returned 500", "externalCorrelationId": "run-9"
    ///     }]
    /// })).unwrap();
    /// let problem = FinalOutcome::of(&r).into_problem().unwrap();
    /// assert_eq!(
    ///     problem.to_string(),
    ///     "delivery failed (status: DeliveryFailed); custom extension ext-1 calloutFailed: \
    ///      Logic App returned 500 (run run-9)"
    /// );
    /// ```
    pub fn into_problem(self) -> Option<DeliveryProblem> {
        match self {
            Self::DeliveryFailed(p) | Self::PartiallyDelivered(p) => Some(p),
            _ => None,
        }
    }
}

/// Why a request's delivery failed or was partial: its state, Graph's
/// status text and the custom-extension calls made for it (from the request
/// and, when expanded, its assignment). `Display` prints all of it in one
/// line.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DeliveryProblem {
    /// `deliveryFailed` or `partiallyDelivered`.
    pub state: RequestState,
    /// Graph's free-text status, if any.
    pub status: Option<String>,
    /// Custom-extension (Logic App) calls, failed ones first.
    pub callouts: Vec<CustomExtensionCalloutInstance>,
}

impl DeliveryProblem {
    fn from_request(request: &AssignmentRequest) -> Self {
        let mut callouts: Vec<_> = request
            .custom_extension_callout_instances
            .iter()
            .chain(
                request
                    .assignment
                    .iter()
                    .flat_map(|a| a.custom_extension_callout_instances.iter()),
            )
            .cloned()
            .collect();
        callouts.sort_by_key(|c| !is_failed(c));
        Self {
            state: request
                .state
                .clone()
                .unwrap_or(RequestState::DeliveryFailed),
            status: request.status.clone(),
            callouts,
        }
    }

    /// The callouts that failed or timed out.
    pub fn failed_callouts(&self) -> impl Iterator<Item = &CustomExtensionCalloutInstance> {
        self.callouts.iter().filter(|c| is_failed(c))
    }
}

fn is_failed(c: &CustomExtensionCalloutInstance) -> bool {
    matches!(
        c.status,
        Some(CalloutStatus::CalloutFailed | CalloutStatus::CallbackTimedOut)
    )
}

impl fmt::Display for DeliveryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.state {
            RequestState::PartiallyDelivered => "partially delivered",
            _ => "delivery failed",
        };
        f.write_str(what)?;
        if let Some(status) = &self.status {
            write!(f, " (status: {status})")?;
        }
        for c in &self.callouts {
            f.write_str("; custom extension ")?;
            f.write_str(c.custom_extension_id.as_deref().unwrap_or("(unknown)"))?;
            if let Some(s) = &c.status {
                write!(f, " {s}")?;
            }
            if let Some(d) = &c.detail {
                write!(f, ": {d}")?;
            }
            if let Some(run) = &c.external_correlation_id {
                write!(f, " (run {run})")?;
            }
        }
        Ok(())
    }
}
