//! The desired-state file: who should hold which access package.
//!
//! The same schema reads from TOML and from JSON. Unknown keys are refused,
//! and every value is checked before anything is sent to Graph.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};

use super::error::ConfigError;
use crate::{RemovalScope, DEFAULT_MAX_REMOVALS};
use entra_access::models::{parse_datetime, DateTime, IsoDuration, ObjectId};

/// Who should hold which access package: a `[defaults]` table and one
/// `[[package]]` entry per package.
///
/// ```
/// use entra_access_ops::sync::DesiredState;
/// use entra_access_ops::RemovalScope;
///
/// let desired = DesiredState::from_toml_str(r#"
///     [defaults]
///     removal = "policy"
///     max_removals = 10
///     justification = "managed by access.toml"
///     duration = "P365D"
///
///     [[package]]
///     name = "Marketing Campaign"
///     users = ["ada@contoso.com", "cc0c1a7e-0000-4000-8000-000000000002"]
///     groups = ["dd0c1a7e-0000-4000-8000-000000000001"]
///     emails = ["ana@fabrikam.com"]
/// "#)?;
/// assert_eq!(desired.packages.len(), 1);
/// assert_eq!(desired.packages[0].removal(&desired.defaults), RemovalScope::Policy);
/// assert_eq!(desired.packages[0].max_removals(&desired.defaults), 10);
///
/// // The same schema in JSON:
/// let same = DesiredState::from_json_str(r#"{
///     "defaults": {"removal": "policy", "max_removals": 10,
///                  "justification": "managed by access.toml", "duration": "P365D"},
///     "package": [{"name": "Marketing Campaign",
///                  "users": ["ada@contoso.com", "cc0c1a7e-0000-4000-8000-000000000002"],
///                  "groups": ["dd0c1a7e-0000-4000-8000-000000000001"],
///                  "emails": ["ana@fabrikam.com"]}]
/// }"#)?;
/// assert_eq!(same, desired);
/// # Ok::<(), entra_access_ops::sync::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DesiredState {
    /// Values for packages that give none.
    #[serde(default)]
    pub defaults: Defaults,
    /// One entry per package (`[[package]]` in TOML, `"package": [...]` in JSON).
    #[serde(default, rename = "package")]
    pub packages: Vec<PackageSpec>,
}

/// `[defaults]`: all optional.
///
/// ```
/// use entra_access_ops::sync::DesiredState;
///
/// let d = DesiredState::from_toml_str("[defaults]\nend = 2030-01-31T00:00:00Z\n")?.defaults;
/// assert_eq!(d.end.unwrap().to_rfc3339(), "2030-01-31T00:00:00+00:00");
/// # Ok::<(), entra_access_ops::sync::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Defaults {
    /// Policy (display name or id) for packages that name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Removal scope for packages that give none (default `policy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal: Option<RemovalScope>,
    /// Cap on removals per package (default 50).
    #[serde(
        default,
        deserialize_with = "non_negative",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_removals: Option<usize>,
    /// Justification sent with every add and removal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// How long each new assignment lasts (ISO 8601, e.g. `P365D`).
    #[serde(
        default,
        deserialize_with = "positive_duration",
        skip_serializing_if = "Option::is_none"
    )]
    pub duration: Option<IsoDuration>,
    /// When each new assignment ends (RFC 3339); not with `duration`.
    #[serde(
        default,
        deserialize_with = "end_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<DateTime>,
}

/// One `[[package]]` entry.
///
/// ```
/// use entra_access_ops::sync::DesiredState;
///
/// let p = &DesiredState::from_toml_str("[[package]]\nid = \"pkg-1\"\nusers = [\"ada@contoso.com\"]\n")?.packages[0];
/// assert_eq!(p.label(), "pkg-1");
/// assert_eq!(p.users, ["ada@contoso.com"]);
/// # Ok::<(), entra_access_ops::sync::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PackageSpec {
    /// The package's exact display name (or give `id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The package's id (or give `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The policy (display name or id) to assign through and, with removal
    /// scope `policy`, to remove from; optional when the package has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Users, by user principal name or object id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Group object ids: their user members, transitively.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// People outside the directory, by e-mail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    /// Removal scope of this package (else the default's, else `policy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal: Option<RemovalScope>,
    /// Cap on removals of this package (else the default's, else 50).
    #[serde(
        default,
        deserialize_with = "non_negative",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_removals: Option<usize>,
}

impl PackageSpec {
    /// The name, else the id: how messages name the entry.
    pub fn label(&self) -> &str {
        self.name.as_deref().or(self.id.as_deref()).unwrap_or("")
    }

    /// The removal scope in force: the entry's, the default's, or `policy`.
    pub fn removal(&self, defaults: &Defaults) -> RemovalScope {
        self.removal.or(defaults.removal).unwrap_or_default()
    }

    /// The removal cap in force: the entry's, the default's, or
    /// [`DEFAULT_MAX_REMOVALS`].
    pub fn max_removals(&self, defaults: &Defaults) -> usize {
        self.max_removals
            .or(defaults.max_removals)
            .unwrap_or(DEFAULT_MAX_REMOVALS)
    }

    /// The policy in force: the entry's, else the default's.
    pub fn policy<'a>(&'a self, defaults: &'a Defaults) -> Option<&'a str> {
        self.policy.as_deref().or(defaults.policy.as_deref())
    }
}

impl DesiredState {
    /// Parses and checks TOML.
    ///
    /// Errors name the line (and column) of a syntax or schema problem, or
    /// the package entry of a semantic one.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let state: Self = toml::from_str(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let (l, c) = line_col(text, span.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            ConfigError::Syntax {
                format: "TOML",
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        state.validate()?;
        Ok(state)
    }

    /// Parses and checks JSON (same schema as TOML).
    pub fn from_json_str(text: &str) -> Result<Self, ConfigError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let state: Self = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let line = inner.line();
            let column = inner.column();
            let message = strip_position(&inner.to_string());
            ConfigError::Syntax {
                format: "JSON",
                line: (line > 0).then_some(line),
                column: (column > 0).then_some(column),
                message: if path == "." || path.is_empty() {
                    message
                } else {
                    format!("{path}: {message}")
                },
            }
        })?;
        state.validate()?;
        Ok(state)
    }

    /// Reads a file: `.json` as JSON, anything else as TOML.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let is_json = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if is_json {
            Self::from_json_str(&text)
        } else {
            Self::from_toml_str(&text)
        }
    }

    /// Checks what the schema alone cannot: one of `name`/`id` per entry,
    /// no package twice, well-formed ids, user principal names and e-mails,
    /// not both `duration` and `end`.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let d = &self.defaults;
        if d.duration.is_some() && d.end.is_some() {
            return Err(invalid(
                "defaults",
                "end",
                "cannot be given with `duration`; keep one",
            ));
        }
        for (field, value) in [("policy", &d.policy), ("justification", &d.justification)] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(invalid("defaults", field, "is empty; leave it out instead"));
            }
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, p) in self.packages.iter().enumerate() {
            let index = i + 1;
            let key = match (&p.name, &p.id) {
                (Some(name), Some(_)) => {
                    return Err(ConfigError::NameAndId {
                        index,
                        name: name.clone(),
                    })
                }
                (None, None) => return Err(ConfigError::NoNameOrId { index }),
                (Some(name), None) => {
                    if name.trim().is_empty() {
                        return Err(invalid(&place(p, index), "name", "is empty"));
                    }
                    format!("name:{}", name.to_lowercase())
                }
                (None, Some(id)) => {
                    ObjectId::new(id.as_str())
                        .check()
                        .map_err(|e| invalid(&place(p, index), "id", e))?;
                    format!("id:{}", id.to_lowercase())
                }
            };
            if let Some(first) = seen.insert(key, index) {
                return Err(ConfigError::DuplicatePackage {
                    name: p.label().to_owned(),
                    first,
                    second: index,
                });
            }
            p.validate_lists(&place(p, index))?;
        }
        Ok(())
    }
}

impl PackageSpec {
    fn validate_lists(&self, place: &str) -> Result<(), ConfigError> {
        if self.policy.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(invalid(place, "policy", "is empty; leave it out instead"));
        }
        for user in &self.users {
            if user.contains('@') {
                check_address(user)
                    .map_err(|p| invalid(place, "users", format!("{user:?} {p}")))?;
            } else {
                ObjectId::new(user.as_str()).check().map_err(|e| {
                    invalid(
                        place,
                        "users",
                        format!(
                            "{user:?} is neither a user principal name nor an object id: it {e}"
                        ),
                    )
                })?;
            }
        }
        for group in &self.groups {
            ObjectId::new(group.as_str())
                .check()
                .map_err(|e| invalid(place, "groups", format!("{group:?} {e}")))?;
        }
        for email in &self.emails {
            check_address(email).map_err(|p| invalid(place, "emails", format!("{email:?} {p}")))?;
        }
        Ok(())
    }
}

fn place(p: &PackageSpec, index: usize) -> String {
    match p.label() {
        "" => format!("package entry {index}"),
        label => format!("package {label:?}"),
    }
}

fn invalid(place: &str, field: &'static str, problem: impl fmt::Display) -> ConfigError {
    ConfigError::Invalid {
        place: place.to_owned(),
        field,
        problem: problem.to_string(),
    }
}

/// `local@domain`, no white space, one `@`.
fn check_address(s: &str) -> Result<(), &'static str> {
    let Some((local, domain)) = s.split_once('@') else {
        return Err("is not an address (no @)");
    };
    if local.is_empty() || domain.is_empty() || domain.contains('@') {
        return Err("is not an address of the form name@domain");
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains white space");
    }
    Ok(())
}

/// 1-based line and column of byte `offset`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// serde_json appends ` at line L column C`; the error carries them apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn non_negative<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let n = i64::deserialize(d)?;
    if n < 0 {
        return Err(serde::de::Error::custom(format!(
            "max_removals must be 0 or more, not {n} (0 refuses every removal)"
        )));
    }
    usize::try_from(n)
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("max_removals {n} is too large")))
}

fn positive_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<IsoDuration>, D::Error> {
    let text = String::deserialize(d)?;
    let parsed: IsoDuration = text.parse().map_err(|e| {
        serde::de::Error::custom(format!(
            "duration {text:?} is not an ISO 8601 duration such as \"P365D\" or \"PT12H\": {e}"
        ))
    })?;
    if parsed.is_negative() || parsed.as_std().is_zero() {
        return Err(serde::de::Error::custom(format!(
            "duration {text:?} must be longer than zero"
        )));
    }
    Ok(Some(parsed))
}

/// An RFC 3339 string, or (in TOML) a bare offset date-time.
fn end_date_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = DateTime;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 date-time such as 2030-01-31T00:00:00Z")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateTime, E> {
            parse_end(v).map_err(E::custom)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<DateTime, A::Error> {
            let dt = toml::value::Datetime::deserialize(
                serde::de::value::MapAccessDeserializer::new(map),
            )?;
            if dt.offset.is_none() || dt.time.is_none() {
                return Err(serde::de::Error::custom(format!(
                    "end {dt} needs a date, a time and an offset, such as 2030-01-31T00:00:00Z"
                )));
            }
            parse_end(&dt.to_string()).map_err(serde::de::Error::custom)
        }
    }
    d.deserialize_any(Visitor).map(Some)
}

fn parse_end(text: &str) -> Result<DateTime, String> {
    let has_offset =
        text.ends_with(['Z', 'z']) || text.get(19..).is_some_and(|t| t.contains(['+', '-']));
    if !has_offset {
        return Err(format!(
            "end {text:?} needs an offset (Z or ±hh:mm), such as 2030-01-31T00:00:00Z"
        ));
    }
    parse_datetime(text).map_err(|e| format!("end {text:?} is not an RFC 3339 date-time: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn addresses() {
        assert!(check_address("a@b.c").is_ok());
        assert!(check_address("ab.c").is_err());
        assert!(check_address("a@@b").is_err());
        assert!(check_address("a b@c").is_err());
    }

    #[test]
    fn end_needs_an_offset() {
        assert!(parse_end("2030-01-31T00:00:00Z").is_ok());
        assert!(parse_end("2030-01-31T00:00:00+02:00").is_ok());
        assert!(parse_end("2030-01-31T00:00:00").is_err());
    }
}
