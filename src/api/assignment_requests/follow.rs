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
    /// Polls the request with backoff until it is final, and returns it.
    pub fn wait_until_final(&self, id: impl Into<AssignmentRequestId>) -> WaitUntilFinal {
        WaitUntilFinal::new(Arc::clone(&self.transport), id.into())
    }

    /// A stream of the request's state changes, ending after its final state.
    pub fn watch(&self, id: impl Into<AssignmentRequestId>) -> WatchRequest {
        WatchRequest::new(Arc::clone(&self.transport), id.into())
    }
}
