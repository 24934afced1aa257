//! ISO 8601 durations as Graph uses them (`P30D`, `PT3H`, `P1DT2H30M`).
//!
//! Graph's published pattern is `-?P(nD)?(T(nH)?(nM)?(n(.f)?S)?)?`: days,
//! hours, minutes and seconds only. [`IsoDuration::parse`] also accepts weeks
//! (`P2W`) on input and refuses years and months, which have no fixed length.
//!
//! ```
//! use entra_access::models::IsoDuration;
//!
//! let d: IsoDuration = "P1DT2H30M".parse().unwrap();
//! assert_eq!(d.as_std().as_secs(), 86_400 + 2 * 3_600 + 30 * 60);
//! assert_eq!(d.to_string(), "P1DT2H30M");
//! assert_eq!(IsoDuration::days(30).to_string(), "P30D");
//! assert!("P1Y".parse::<IsoDuration>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const SECS_PER_MINUTE: u64 = 60;
const SECS_PER_HOUR: u64 = 3_600;
const SECS_PER_DAY: u64 = 86_400;
const SECS_PER_WEEK: u64 = 7 * SECS_PER_DAY;
const NANOS_PER_SEC: u32 = 1_000_000_000;

/// A fixed-length, possibly negative ISO 8601 duration.
///
/// Equality compares the total length: `PT24H` equals `P1D`. Serializes as
/// its canonical string ([`Display`](fmt::Display)).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IsoDuration {
    negative: bool,
    secs: u64,
    nanos: u32,
}

/// Why a text is not a duration Graph accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DurationParseError {
    /// The text is empty.
    Empty,
    /// The text does not start with `P` (or `-P`).
    MissingDesignator,
    /// `P` or `PT` with no component after it.
    NoComponents,
    /// Years (`Y`) or months (`M` before `T`): not a fixed length, and not
    /// accepted by Graph. Use days instead.
    CalendarUnit(char),
    /// An unexpected character at the given byte offset.
    UnexpectedChar {
        /// The character.
        found: char,
        /// Its byte offset in the text.
        position: usize,
    },
    /// A unit letter with no number before it, at the given byte offset.
    MissingNumber(usize),
    /// A number with no unit letter after it.
    MissingUnit,
    /// A unit appears twice or out of order (weeks, days; then hours,
    /// minutes, seconds).
    OutOfOrder(char),
    /// A fraction on a unit other than seconds.
    FractionNotOnSeconds(char),
    /// The duration does not fit in 2^64 seconds.
    Overflow,
}

impl fmt::Display for DurationParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("empty duration"),
            Self::MissingDesignator => {
                f.write_str("an ISO 8601 duration starts with 'P' (e.g. P30D, PT3H)")
            }
            Self::NoComponents => f.write_str("the duration has no components (e.g. P30D, PT3H)"),
            Self::CalendarUnit(c) => write!(
                f,
                "'{c}' (years or months) has no fixed length and Graph does not accept it; use days (e.g. P30D)"
            ),
            Self::UnexpectedChar { found, position } => {
                write!(f, "unexpected character {found:?} at offset {position}")
            }
            Self::MissingNumber(pos) => write!(f, "missing number before the unit at offset {pos}"),
            Self::MissingUnit => f.write_str("a number is not followed by a unit (D, H, M or S)"),
            Self::OutOfOrder(c) => write!(
                f,
                "unit '{c}' repeated or out of order (order: W, D, then T, H, M, S)"
            ),
            Self::FractionNotOnSeconds(c) => {
                write!(f, "only seconds may have a fraction, not '{c}'")
            }
            Self::Overflow => f.write_str("the duration is too long"),
        }
    }
}

impl std::error::Error for DurationParseError {}

impl IsoDuration {
    /// The zero duration, `PT0S`.
    pub const ZERO: Self = Self {
        negative: false,
        secs: 0,
        nanos: 0,
    };

    fn normalized(negative: bool, secs: u64, nanos: u32) -> Self {
        Self {
            negative: negative && (secs != 0 || nanos != 0),
            secs,
            nanos,
        }
    }

    /// `n` days (`PnD`).
    pub fn days(n: u32) -> Self {
        Self::normalized(false, u64::from(n) * SECS_PER_DAY, 0)
    }

    /// `n` hours (`PTnH`).
    pub fn hours(n: u32) -> Self {
        Self::normalized(false, u64::from(n) * SECS_PER_HOUR, 0)
    }

    /// `n` minutes (`PTnM`).
    pub fn minutes(n: u32) -> Self {
        Self::normalized(false, u64::from(n) * SECS_PER_MINUTE, 0)
    }

    /// A non-negative duration of the same length as `d`.
    pub fn from_std(d: Duration) -> Self {
        Self::normalized(false, d.as_secs(), d.subsec_nanos())
    }

    /// The length, ignoring the sign.
    pub fn as_std(&self) -> Duration {
        Duration::new(self.secs, self.nanos)
    }

    /// Whether the duration is negative (`-P…`).
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// The signed length as a chrono delta, or `None` if it is too long for
    /// one (more than about 292 million years).
    pub fn to_chrono(&self) -> Option<chrono::TimeDelta> {
        let delta = chrono::TimeDelta::from_std(self.as_std()).ok()?;
        Some(if self.negative { -delta } else { delta })
    }

    /// Parses `[-]P[nW][nD][T[nH][nM][n[.f]S]]`. Fractional digits past
    /// nanoseconds are dropped. Never panics.
    pub fn parse(text: &str) -> Result<Self, DurationParseError> {
        parse(text)
    }
}

fn parse(text: &str) -> Result<IsoDuration, DurationParseError> {
    if text.is_empty() {
        return Err(DurationParseError::Empty);
    }
    let bytes = text.as_bytes();
    let mut pos = 0;
    let negative = bytes.first() == Some(&b'-');
    if negative {
        pos += 1;
    }
    if bytes.get(pos) != Some(&b'P') {
        return Err(DurationParseError::MissingDesignator);
    }
    pos += 1;

    let mut secs: u64 = 0;
    let mut nanos: u32 = 0;
    let mut in_time = false;
    let mut components = 0;
    let mut time_components = 0;
    // Rank of the last unit seen, to enforce order and uniqueness.
    let mut last_rank = 0u8;

    while let Some(&first) = bytes.get(pos) {
        let start = pos;
        let c = char::from(first);
        if c == 'T' {
            if in_time {
                return Err(DurationParseError::OutOfOrder('T'));
            }
            in_time = true;
            pos += 1;
            continue;
        }
        // Number: digits, optionally '.' or ',' and more digits.
        let mut whole: u64 = 0;
        let mut digits = 0;
        while let Some(b) = bytes.get(pos).filter(|b| b.is_ascii_digit()) {
            whole = whole
                .checked_mul(10)
                .and_then(|w| w.checked_add(u64::from(b - b'0')))
                .ok_or(DurationParseError::Overflow)?;
            digits += 1;
            pos += 1;
        }
        let mut frac_nanos: u32 = 0;
        let mut has_fraction = false;
        if matches!(bytes.get(pos), Some(b'.' | b',')) && digits > 0 {
            has_fraction = true;
            pos += 1;
            let mut scale = NANOS_PER_SEC / 10;
            let mut frac_digits = 0;
            while let Some(b) = bytes.get(pos).filter(|b| b.is_ascii_digit()) {
                frac_nanos += u32::from(b - b'0') * scale;
                scale /= 10;
                frac_digits += 1;
                pos += 1;
            }
            if frac_digits == 0 {
                return Err(DurationParseError::MissingUnit);
            }
        }
        let Some(&unit_byte) = bytes.get(pos) else {
            return Err(if digits > 0 {
                DurationParseError::MissingUnit
            } else {
                DurationParseError::UnexpectedChar {
                    found: c,
                    position: start,
                }
            });
        };
        let unit = char::from(unit_byte);
        if digits == 0 {
            return Err(if unit.is_ascii_alphabetic() && unit_byte.is_ascii() {
                DurationParseError::MissingNumber(pos)
            } else {
                DurationParseError::UnexpectedChar {
                    found: text
                        .get(pos..)
                        .and_then(|t| t.chars().next())
                        .unwrap_or(unit),
                    position: pos,
                }
            });
        }
        let (rank, unit_secs) = match (in_time, unit) {
            (false, 'Y') | (false, 'M') => return Err(DurationParseError::CalendarUnit(unit)),
            (false, 'W') => (1, SECS_PER_WEEK),
            (false, 'D') => (2, SECS_PER_DAY),
            (true, 'H') => (3, SECS_PER_HOUR),
            (true, 'M') => (4, SECS_PER_MINUTE),
            (true, 'S') => (5, 1),
            _ => {
                return Err(DurationParseError::UnexpectedChar {
                    found: text
                        .get(pos..)
                        .and_then(|t| t.chars().next())
                        .unwrap_or(unit),
                    position: pos,
                })
            }
        };
        if rank <= last_rank {
            return Err(DurationParseError::OutOfOrder(unit));
        }
        if has_fraction && unit != 'S' {
            return Err(DurationParseError::FractionNotOnSeconds(unit));
        }
        last_rank = rank;
        secs = whole
            .checked_mul(unit_secs)
            .and_then(|v| v.checked_add(secs))
            .ok_or(DurationParseError::Overflow)?;
        nanos = frac_nanos;
        components += 1;
        if in_time {
            time_components += 1;
        }
        pos += 1;
    }
    if components == 0 || (in_time && time_components == 0) {
        return Err(DurationParseError::NoComponents);
    }
    Ok(IsoDuration::normalized(negative, secs, nanos))
}

impl fmt::Display for IsoDuration {
    /// Canonical form: `P30D`, `PT3H`, `P1DT2H30M`, `PT1.5S`, `PT0S`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.secs == 0 && self.nanos == 0 {
            return f.write_str("PT0S");
        }
        if self.negative {
            f.write_str("-")?;
        }
        f.write_str("P")?;
        let days = self.secs / SECS_PER_DAY;
        let rest = self.secs % SECS_PER_DAY;
        let (h, m, s) = (
            rest / SECS_PER_HOUR,
            rest % SECS_PER_HOUR / SECS_PER_MINUTE,
            rest % SECS_PER_MINUTE,
        );
        if days > 0 {
            write!(f, "{days}D")?;
        }
        if rest == 0 && self.nanos == 0 {
            return Ok(());
        }
        f.write_str("T")?;
        if h > 0 {
            write!(f, "{h}H")?;
        }
        if m > 0 {
            write!(f, "{m}M")?;
        }
        if s > 0 || self.nanos > 0 {
            write!(f, "{s}")?;
            if self.nanos > 0 {
                let frac = format!("{:09}", self.nanos);
                write!(f, ".{}", frac.trim_end_matches('0'))?;
            }
            f.write_str("S")?;
        }
        Ok(())
    }
}

impl fmt::Debug for IsoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IsoDuration({self})")
    }
}

impl FromStr for IsoDuration {
    type Err = DurationParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

impl From<Duration> for IsoDuration {
    fn from(d: Duration) -> Self {
        Self::from_std(d)
    }
}

impl Serialize for IsoDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IsoDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).map_err(|e| serde::de::Error::custom(format_args!("duration {text:?}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> IsoDuration {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_graph_examples() {
        assert_eq!(p("P30D"), IsoDuration::days(30));
        assert_eq!(p("PT3H"), IsoDuration::hours(3));
        assert_eq!(p("P1DT2H30M").as_std(), Duration::from_secs(95_400));
        assert_eq!(p("PT1.5S").as_std(), Duration::from_millis(1_500));
        assert_eq!(
            p("PT0.123456789123S").as_std(),
            Duration::new(0, 123_456_789)
        );
        assert_eq!(p("P2W"), IsoDuration::days(14));
        assert_eq!(p("PT24H"), p("P1D"));
        let neg = p("-P1D");
        assert!(neg.is_negative());
        assert_eq!(neg.to_string(), "-P1D");
        assert_eq!(neg.to_chrono(), Some(-chrono::TimeDelta::days(1)));
        assert_eq!(p("-PT0S"), IsoDuration::ZERO);
    }

    #[test]
    fn displays_canonically() {
        assert_eq!(IsoDuration::days(30).to_string(), "P30D");
        assert_eq!(IsoDuration::hours(3).to_string(), "PT3H");
        assert_eq!(IsoDuration::ZERO.to_string(), "PT0S");
        assert_eq!(p("PT90M").to_string(), "PT1H30M");
        assert_eq!(p("P1DT0.25S").to_string(), "P1DT0.25S");
        assert_eq!(
            IsoDuration::from_std(Duration::from_secs(95_400)).to_string(),
            "P1DT2H30M"
        );
    }

    #[test]
    fn rejects_bad_input_with_typed_errors() {
        use DurationParseError as E;
        assert_eq!(IsoDuration::parse(""), Err(E::Empty));
        assert_eq!(IsoDuration::parse("30D"), Err(E::MissingDesignator));
        assert_eq!(IsoDuration::parse("P"), Err(E::NoComponents));
        assert_eq!(IsoDuration::parse("PT"), Err(E::NoComponents));
        assert_eq!(IsoDuration::parse("P1DT"), Err(E::NoComponents));
        assert_eq!(IsoDuration::parse("P1Y"), Err(E::CalendarUnit('Y')));
        assert_eq!(IsoDuration::parse("P1M"), Err(E::CalendarUnit('M')));
        assert_eq!(
            IsoDuration::parse("PT1D"),
            Err(E::UnexpectedChar {
                found: 'D',
                position: 3
            })
        );
        assert_eq!(IsoDuration::parse("PD"), Err(E::MissingNumber(1)));
        assert_eq!(IsoDuration::parse("P1"), Err(E::MissingUnit));
        assert_eq!(IsoDuration::parse("PT1M2H"), Err(E::OutOfOrder('H')));
        assert_eq!(IsoDuration::parse("P1D2D"), Err(E::OutOfOrder('D')));
        assert_eq!(
            IsoDuration::parse("PT1.5H"),
            Err(E::FractionNotOnSeconds('H'))
        );
        assert_eq!(
            IsoDuration::parse("P99999999999999999999D"),
            Err(E::Overflow)
        );
        assert_eq!(IsoDuration::parse("P999999999999999D"), Err(E::Overflow));
        assert!(IsoDuration::parse("P1DTT1H").is_err());
        assert!(IsoDuration::parse("P1D ").is_err());
        assert!(IsoDuration::parse("Pé").is_err());
        let msg = IsoDuration::parse("P1Y").unwrap_err().to_string();
        assert!(msg.contains("days"), "{msg}");
    }

    #[test]
    fn serde_is_a_string() {
        let d: IsoDuration = serde_json::from_str("\"P1DT2H\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"P1DT2H\"");
        let err = serde_json::from_str::<IsoDuration>("\"P1Y\"").unwrap_err();
        assert!(err.to_string().contains("P1Y"), "{err}");
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(secs in any::<u64>(), nanos in 0u32..NANOS_PER_SEC, neg in any::<bool>()) {
            let d = IsoDuration::normalized(neg, secs, nanos);
            let text = d.to_string();
            prop_assert_eq!(IsoDuration::parse(&text), Ok(d), "{}", text);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,24}") {
            let _ = IsoDuration::parse(&s);
        }

        #[test]
        fn parse_never_panics_on_duration_like_text(s in "-?P[0-9WDTHMS.,YP]{0,24}") {
            let _ = IsoDuration::parse(&s);
        }

        #[test]
        fn parse_and_deserialize_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = IsoDuration::parse(&String::from_utf8_lossy(&bytes));
            let _ = serde_json::from_slice::<IsoDuration>(&bytes);
        }

        #[test]
        fn huge_components_are_errors_not_panics(
            n in "[0-9]{1,40}",
            unit in prop::sample::select(vec![("", "W"), ("", "D"), ("T", "H"), ("T", "M"), ("T", "S")]),
            frac in "([.,][0-9]{0,20})?",
        ) {
            let (pre, suf) = unit;
            let text = format!("P{pre}{n}{frac}{suf}");
            if let Ok(d) = IsoDuration::parse(&text) {
                prop_assert_eq!(IsoDuration::parse(&d.to_string()), Ok(d));
            }
        }
    }
}
