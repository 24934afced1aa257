//! Graph date-times.
//!
//! Graph sends UTC date-times with any number of fractional digits (none,
//! `.42`, 7 digits like `.3546568`, up to 12) and sometimes with a `±hh:mm`
//! offset. [`parse_datetime`] accepts all of them and converts to UTC;
//! [`format_datetime`] always writes `Z`.
//!
//! ```
//! use entra_access::models::{format_datetime, parse_datetime};
//!
//! let t = parse_datetime("2024-03-01T10:00:00.3546568Z").unwrap();
//! assert_eq!(format_datetime(&t), "2024-03-01T10:00:00.354656800Z");
//! let t = parse_datetime("2024-03-01T12:00:00+02:00").unwrap();
//! assert_eq!(format_datetime(&t), "2024-03-01T10:00:00Z");
//! ```

use std::fmt;

use serde::{Deserializer, Serializer};

/// A Graph date-time, always in UTC.
pub type DateTime = chrono::DateTime<chrono::Utc>;

/// Returned by [`parse_datetime`] for text that is not an ISO 8601 date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeParseError {
    input: String,
    reason: String,
}

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not an ISO 8601 date-time ({})",
            self.input, self.reason
        )
    }
}

impl std::error::Error for DateTimeParseError {}

/// Parses a Graph date-time: RFC 3339 with any number of fractional digits
/// (digits past nanoseconds are dropped) and `Z` or a `±hh:mm` offset. A
/// date-time without any zone is read as UTC.
///
/// ```
/// use entra_access::models::parse_datetime;
///
/// assert!(parse_datetime("2024-05-01T00:00:00Z").is_ok());
/// assert!(parse_datetime("2024-05-01T00:00:00.123456789012Z").is_ok());
/// assert!(parse_datetime("yesterday").is_err());
/// ```
pub fn parse_datetime(s: &str) -> Result<DateTime, DateTimeParseError> {
    let text = s.trim();
    match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(t) => Ok(t.with_timezone(&chrono::Utc)),
        Err(rfc_err) => chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .map(|naive| naive.and_utc())
            .map_err(|_| DateTimeParseError {
                input: s.chars().take(64).collect(),
                reason: rfc_err.to_string(),
            }),
    }
}

/// Formats a date-time as Graph expects it: RFC 3339 in UTC with `Z`, with
/// fractional seconds only when they are not zero.
pub fn format_datetime(t: &DateTime) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// `#[serde(with)]` module for an optional [`DateTime`]: JSON `null`, an
/// empty string and the string `"null"` (seen in Graph's own samples) read as
/// `None`.
pub(crate) mod optional {
    use super::*;

    #[allow(clippy::ref_option)] // serde's `with` passes `&Option<T>`
    pub(crate) fn serialize<S: Serializer>(t: &Option<DateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&format_datetime(t)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime>, D::Error> {
        d.deserialize_option(OptionalDateTime)
    }

    /// Reads the text where the deserializer holds it (no `String` per
    /// date-time: a listed assignment has three).
    struct OptionalDateTime;

    impl<'de> serde::de::Visitor<'de> for OptionalDateTime {
        type Value = Option<DateTime>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 date-time or null")
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
            let trimmed = text.trim();
            if trimmed.is_empty() || trimmed == "null" {
                return Ok(None);
            }
            parse_datetime(text).map(Some).map_err(E::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_any_fraction_and_offsets() {
        let base = parse_datetime("2024-03-01T10:00:00Z").unwrap();
        for (text, nanos) in [
            ("2024-03-01T10:00:00.4Z", 400_000_000),
            ("2024-03-01T10:00:00.42Z", 420_000_000),
            ("2024-03-01T10:00:00.623Z", 623_000_000),
            ("2024-03-01T10:00:00.3546568Z", 354_656_800),
            ("2024-03-01T10:00:00.123456789Z", 123_456_789),
            ("2024-03-01T10:00:00.123456789999Z", 123_456_789),
            ("2024-03-01T12:00:00.5+02:00", 500_000_000),
            ("2024-03-01T10:00:00.5", 500_000_000),
        ] {
            let t = parse_datetime(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(t, base + chrono::TimeDelta::nanoseconds(nanos), "{text}");
        }
    }

    #[test]
    fn formats_with_z() {
        let t = parse_datetime("2024-03-01T12:00:00+02:00").unwrap();
        assert_eq!(format_datetime(&t), "2024-03-01T10:00:00Z");
        let t = parse_datetime("2024-03-01T10:00:00.3546568Z").unwrap();
        assert_eq!(format_datetime(&t), "2024-03-01T10:00:00.354656800Z");
    }

    #[test]
    fn rejects_garbage_with_a_clear_error() {
        let err = parse_datetime("2024-13-01T00:00:00Z").unwrap_err();
        assert!(err.to_string().contains("2024-13-01"), "{err}");
        assert!(parse_datetime("").is_err());
    }

    #[derive(serde::Deserialize)]
    struct Holder {
        #[serde(default, with = "optional")]
        at: Option<DateTime>,
    }

    #[test]
    fn optional_reads_null_forms_escapes_and_refuses_other_types() {
        let read = |json: &str| serde_json::from_str::<Holder>(json).map(|h| h.at);
        for none in [
            r#"{}"#,
            r#"{"at":null}"#,
            r#"{"at":""}"#,
            r#"{"at":" null "}"#,
        ] {
            assert_eq!(read(none).unwrap(), None, "{none}");
        }
        let t = parse_datetime("2024-03-01T10:00:00Z").unwrap();
        assert_eq!(read(r#"{"at":"2024-03-01T10:00:00Z"}"#).unwrap(), Some(t));
        // An escaped string is decoded before parsing.
        assert_eq!(
            read(r#"{"at":"2024-03-01T10\u003a00:00Z"}"#).unwrap(),
            Some(t)
        );
        let err = read(r#"{"at":17}"#).unwrap_err().to_string();
        assert!(err.contains("RFC 3339"), "{err}");
        let err = read(r#"{"at":"soon"}"#).unwrap_err().to_string();
        assert!(err.contains("soon"), "{err}");
    }
}
