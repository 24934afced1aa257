//! Parsing the `Retry-After` header.

use std::time::{Duration, SystemTime};

/// Parses `Retry-After` as delay-seconds or an HTTP date (relative to `now`).
/// A date in the past means "now" (zero). Anything else is `None`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Clamp absurd values instead of overflowing.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX).min(24 * 3600);
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(24.0 * 3600.0)));
        }
        return None;
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(24 * 3600))
        );
        for bad in ["", "soon", "-1", "NaN", "inf", "1e999"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn signed_zeroes_and_signs() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for zero in ["-0", "-0.0", "+0", "0.0", "0"] {
            assert_eq!(parse_retry_after(zero, now), Some(Duration::ZERO), "{zero}");
        }
        assert_eq!(parse_retry_after("+3", now), Some(Duration::from_secs(3)));
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        const DAY: Duration = Duration::from_secs(24 * 3600);

        fn now() -> SystemTime {
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
        }

        /// Anything that is not an HTTP date is at most a day.
        fn check(value: &str) -> Result<(), TestCaseError> {
            if let Some(d) = parse_retry_after(value, now())
                && httpdate::parse_http_date(value.trim()).is_err()
            {
                prop_assert!(d <= DAY, "{:?} -> {:?}", value, d);
            }
            Ok(())
        }

        proptest! {
            #[test]
            fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
                check(&String::from_utf8_lossy(&bytes))?;
            }

            #[test]
            fn number_like_text_never_panics(s in "[ +-]?[0-9]{0,30}([.][0-9]{0,30})?([eE][+-]?[0-9]{0,4})?[ ]?") {
                check(&s)?;
            }

            #[test]
            fn whole_seconds_are_taken_as_they_are_up_to_a_day(n in any::<u64>()) {
                let expected = Duration::from_secs(n.min(24 * 3600));
                prop_assert_eq!(parse_retry_after(&n.to_string(), now()), Some(expected));
            }

            #[test]
            fn http_dates_give_the_distance_to_them(ahead in 0u64..400_000_000, behind in 0u64..1_000_000_000) {
                let later = httpdate::fmt_http_date(now() + Duration::from_secs(ahead));
                prop_assert_eq!(parse_retry_after(&later, now()), Some(Duration::from_secs(ahead)));
                let earlier = httpdate::fmt_http_date(now() - Duration::from_secs(behind));
                prop_assert_eq!(parse_retry_after(&earlier, now()), Some(Duration::ZERO));
            }

            #[test]
            fn date_like_text_never_panics(s in "[A-Za-z]{3}, [0-9]{1,2} [A-Za-z]{3} [0-9]{1,5} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2} [A-Z]{3}") {
                let _ = parse_retry_after(&s, now());
            }
        }
    }
}
