//! Deadlines without overflow: `Instant + Duration` panics when the sum does
//! not fit, so every deadline is computed here, where "too far to represent"
//! means "no deadline".

use std::time::Duration;

use tokio::time::Instant;

/// `now + d`, or `None` when that instant cannot be represented (such as
/// `Duration::MAX`): no deadline.
pub(crate) fn deadline_after(d: Duration) -> Option<Instant> {
    Instant::now().checked_add(d)
}

/// `at + d`, or `at` moved as far as it can be when the sum overflows.
pub(crate) fn saturating_add(at: Instant, d: Duration) -> Instant {
    at.checked_add(d)
        .unwrap_or_else(|| at.checked_add(FAR_FUTURE).unwrap_or(at))
}

/// About 30 years: what "for ever" means for a sleep.
const FAR_FUTURE: Duration = Duration::from_secs(86_400 * 365 * 30);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_overflow_anywhere() {
        assert!(deadline_after(Duration::MAX).is_none());
        assert!(deadline_after(Duration::from_secs(1)).is_some());
        let now = Instant::now();
        assert!(saturating_add(now, Duration::MAX) > now);
        assert_eq!(saturating_add(now, Duration::ZERO), now);
    }
}
