//! Literal values in a filter and how each is written.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

use crate::models::{
    AccessPackageId, AllowedTargetScope, AssignmentId, AssignmentPolicyId, AssignmentRequestId,
    AssignmentState, CalloutStatus, CatalogId, ConnectedOrganizationId, ExpirationType, ObjectId,
    QuestionId, RequestState, RequestType, SubjectType, WorkflowId,
};

/// A value on the right-hand side of a comparison.
///
/// Each kind is written the way Graph expects it:
///
/// | variant | written as |
/// |---|---|
/// | `String` | `'text'`, every `'` inside doubled (`'O''Brien'`) |
/// | `Enum` | quoted camelCase member name (`'delivered'`), escaped like a string |
/// | `Bool` / `Null` | `true`, `false`, `null` |
/// | `Int` / `Float` | bare number (`42`, `1.5`; `NaN`, `INF`, `-INF`) |
/// | `Guid` | unquoted, lower-case hyphenated (for Edm.Guid properties) |
/// | `DateTime` | unquoted UTC, `2024-01-02T12:00:00Z` (fractions only when present) |
///
/// Entitlement-management ids (`accessPackage/id`, `assignmentPolicy/id`,
/// `target/objectId`) are Edm.String in Graph, so the typed ids of
/// [`crate::models`] convert into `Literal::String` and are quoted.
///
/// ```
/// use entra_access::models::{AccessPackageId, AssignmentState};
/// use entra_access::odata::Literal;
///
/// assert_eq!(Literal::from("O'Brien").to_string(), "'O''Brien'");
/// assert_eq!(Literal::from(AssignmentState::Delivered).to_string(), "'delivered'");
/// assert_eq!(Literal::from(AccessPackageId::new("a914")).to_string(), "'a914'");
/// assert_eq!(Literal::from(true).to_string(), "true");
/// assert_eq!(Literal::Null.to_string(), "null");
/// assert_eq!(Literal::from(42).to_string(), "42");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Literal {
    /// An Edm.String value, written in single quotes.
    String(String),
    /// An enum member's wire name (camelCase), written in single quotes.
    Enum(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// An Edm.Guid value, written unquoted.
    Guid(Uuid),
    /// An Edm.DateTimeOffset value, written unquoted in UTC.
    DateTime(DateTime<Utc>),
}

impl Literal {
    /// The literal as it appears in a `$filter` expression (not yet
    /// percent-encoded).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use entra_access::odata::Literal;
    ///
    /// let t = Utc.with_ymd_and_hms(2024, 1, 2, 12, 0, 0).unwrap();
    /// assert_eq!(Literal::DateTime(t).to_odata(), "2024-01-02T12:00:00Z");
    /// ```
    pub fn to_odata(&self) -> String {
        self.to_string()
    }
}

/// Writes `s` as an OData string literal: single quotes around it, every
/// single quote inside doubled. Nothing else needs escaping inside the quotes.
pub(crate) fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("'")?;
    let mut parts = s.split('\'');
    if let Some(first) = parts.next() {
        f.write_str(first)?;
    }
    for part in parts {
        f.write_str("''")?;
        f.write_str(part)?;
    }
    f.write_str("'")
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(s) | Literal::Enum(s) => write_quoted(f, s),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Null => f.write_str("null"),
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Float(x) if x.is_nan() => f.write_str("NaN"),
            Literal::Float(x) if x.is_infinite() && *x > 0.0 => f.write_str("INF"),
            Literal::Float(x) if x.is_infinite() => f.write_str("-INF"),
            Literal::Float(x) => write!(f, "{x}"),
            Literal::Guid(g) => write!(f, "{}", g.hyphenated()),
            Literal::DateTime(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        }
    }
}

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::String(s.to_owned())
    }
}

impl From<String> for Literal {
    fn from(s: String) -> Self {
        Literal::String(s)
    }
}

impl From<&String> for Literal {
    fn from(s: &String) -> Self {
        Literal::String(s.clone())
    }
}

impl From<bool> for Literal {
    fn from(b: bool) -> Self {
        Literal::Bool(b)
    }
}

macro_rules! int_literal {
    ($($t:ty),+) => {$(
        impl From<$t> for Literal {
            fn from(n: $t) -> Self {
                Literal::Int(i64::from(n))
            }
        }
    )+};
}
int_literal!(i8, i16, i32, i64, u8, u16, u32);

impl From<f64> for Literal {
    fn from(x: f64) -> Self {
        Literal::Float(x)
    }
}

impl From<Uuid> for Literal {
    fn from(g: Uuid) -> Self {
        Literal::Guid(g)
    }
}

impl From<DateTime<Utc>> for Literal {
    fn from(t: DateTime<Utc>) -> Self {
        Literal::DateTime(t)
    }
}

macro_rules! id_literal {
    ($($t:ty),+) => {$(
        impl From<$t> for Literal {
            /// Entitlement-management ids are Edm.String: quoted.
            fn from(id: $t) -> Self {
                Literal::String(id.into_inner())
            }
        }
        impl From<&$t> for Literal {
            /// Entitlement-management ids are Edm.String: quoted.
            fn from(id: &$t) -> Self {
                Literal::String(id.as_str().to_owned())
            }
        }
    )+};
}
id_literal!(
    AccessPackageId,
    AssignmentPolicyId,
    AssignmentId,
    AssignmentRequestId,
    ObjectId,
    CatalogId,
    QuestionId,
    ConnectedOrganizationId,
    WorkflowId
);

macro_rules! enum_literal {
    ($($t:ty),+) => {$(
        impl From<$t> for Literal {
            /// The member's camelCase wire name, quoted.
            fn from(v: $t) -> Self {
                Literal::Enum(v.as_str().to_owned())
            }
        }
        impl From<&$t> for Literal {
            /// The member's camelCase wire name, quoted.
            fn from(v: &$t) -> Self {
                Literal::Enum(v.as_str().to_owned())
            }
        }
    )+};
}
enum_literal!(
    AssignmentState,
    RequestState,
    RequestType,
    ExpirationType,
    AllowedTargetScope,
    SubjectType,
    CalloutStatus
);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn strings_double_every_quote() {
        assert_eq!(Literal::from("").to_string(), "''");
        assert_eq!(Literal::from("'").to_string(), "''''");
        assert_eq!(Literal::from("a''b").to_string(), "'a''''b'");
        assert_eq!(
            Literal::from("' or 1 eq 1 or '").to_string(),
            "''' or 1 eq 1 or '''"
        );
        assert_eq!(Literal::from("Zoë 日本").to_string(), "'Zoë 日本'");
    }

    #[test]
    fn enums_are_quoted_camel_case_even_unknown_ones() {
        assert_eq!(
            Literal::from(RequestState::PendingApproval).to_string(),
            "'pendingApproval'"
        );
        assert_eq!(
            Literal::from(AssignmentState::Unknown("it's".into())).to_string(),
            "'it''s'"
        );
    }

    #[test]
    fn numbers_guids_and_times_are_bare() {
        assert_eq!(Literal::from(-7i32).to_string(), "-7");
        assert_eq!(Literal::from(1.5).to_string(), "1.5");
        assert_eq!(Literal::Float(f64::NAN).to_string(), "NaN");
        assert_eq!(Literal::Float(f64::INFINITY).to_string(), "INF");
        assert_eq!(Literal::Float(f64::NEG_INFINITY).to_string(), "-INF");
        let g = Uuid::parse_str("72F988BF-86F1-41AF-91AB-2D7CD011DB47").unwrap();
        assert_eq!(
            Literal::from(g).to_string(),
            "72f988bf-86f1-41af-91ab-2d7cd011db47"
        );
        let t = Utc.with_ymd_and_hms(2024, 1, 2, 12, 0, 0).unwrap();
        assert_eq!(Literal::from(t).to_string(), "2024-01-02T12:00:00Z");
        let t = t + chrono::Duration::milliseconds(250);
        assert_eq!(Literal::from(t).to_string(), "2024-01-02T12:00:00.250Z");
    }

    #[test]
    fn ids_are_quoted_strings() {
        assert_eq!(Literal::from(&ObjectId::new("8b2d")).to_string(), "'8b2d'");
        assert_eq!(
            Literal::from(AssignmentPolicyId::new("p'1")).to_string(),
            "'p''1'"
        );
    }
}
