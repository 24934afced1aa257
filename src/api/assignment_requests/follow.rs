//! Following a request to its end: [`wait_until_final`] for the final
//! request, [`watch`] for a stream of the states it passes through.
//!
//! [`wait_until_final`]: AssignmentRequests::wait_until_final
//! [`watch`]: AssignmentRequests::watch

mod polling;
mod wait;
mod watch;

use std::sync::Arc;

pub use wait::WaitUntilFinal;
pub use watch::WatchRequest;

use super::AssignmentRequests;
use crate::models::AssignmentRequestId;

impl AssignmentRequests {
    /// Polls the request with backoff until it is final, and returns it:
    /// one answer, the final request. Read how it ended from the request
    /// ([`is_delivered`](crate::models::AssignmentRequest::is_delivered),
    /// `state`, `status`,
    /// [`callouts`](crate::models::AssignmentRequest::callouts)).
    pub fn wait_until_final(&self, id: impl Into<AssignmentRequestId>) -> WaitUntilFinal {
        WaitUntilFinal::new(Arc::clone(&self.transport), id.into())
    }

    /// A stream of the request's states: the first observation, each
    /// change, and the final state last. For the final request alone, use
    /// [`wait_until_final`](Self::wait_until_final).
    pub fn watch(&self, id: impl Into<AssignmentRequestId>) -> WatchRequest {
        WatchRequest::new(Arc::clone(&self.transport), id.into())
    }
}
