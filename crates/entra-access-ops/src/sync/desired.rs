//! The desired-state file: who should hold which access package.
//!
//! The same schema reads from TOML and from JSON. Unknown keys are refused,
//! and every value is checked before anything is sent to Graph. A refused
//! file is an `InvalidInput` error whose [`Refusal`] says what and where.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};

use crate::refusal::{EntryRef, Refusal};
use crate::{Approval, RemovalScope, DEFAULT_MAX_REMOVALS};
use entra_access::error::Result;
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
/// # Ok::<(), entra_access::Error>(())
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
    pub packages: Vec<PackageEntry>,
}

/// `[defaults]`: all optional.
///
/// ```
/// use entra_access_ops::sync::DesiredState;
///
/// let d = DesiredState::from_toml_str("[defaults]\nend = 2030-01-31T00:00:00Z\n")?.defaults;
/// assert_eq!(d.end.unwrap().to_rfc3339(), "2030-01-31T00:00:00+00:00");
/// # Ok::<(), entra_access::Error>(())
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
/// let p = &DesiredState::from_toml_str("\n[[package]]\nid = \"pkg-1\"\nusers = [\"ada@contoso.com\"]\n")?.packages[0];
/// assert_eq!(p.label(), "pkg-1");
/// assert_eq!(p.users, ["ada@contoso.com"]);
/// assert_eq!(p.line(), Some(2), "where the entry starts, from TOML");
/// # Ok::<(), entra_access::Error>(())
/// ```
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PackageEntry {
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
    /// `"require"` or `"bypass"`: what this package's adds ask of the
    /// policy's approval (`parameters.bypassApproval`); absent, nothing is
    /// sent and the policy decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// The 1-based line where the entry starts in a TOML file (`None` for
    /// JSON, or built by hand). Not part of the entry's value: equality
    /// ignores it.
    #[serde(skip)]
    line: Option<usize>,
}

impl PartialEq for PackageEntry {
    fn eq(&self, other: &Self) -> bool {
        // Everything but where the entry was written.
        (
            &self.name,
            &self.id,
            &self.policy,
            &self.users,
            &self.groups,
            &self.emails,
            &self.removal,
            &self.max_removals,
            &self.approval,
        ) == (
            &other.name,
            &other.id,
            &other.policy,
            &other.users,
            &other.groups,
            &other.emails,
            &other.removal,
            &other.max_removals,
            &other.approval,
        )
    }
}

impl PackageEntry {
    /// The 1-based line where the entry starts, when the file was TOML.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// How a refusal names the entry at `index` (0-based).
    pub(crate) fn entry_ref(&self, index: usize) -> EntryRef {
        EntryRef {
            index: index + 1,
            line: self.line,
            label: self.label().to_owned(),
        }
    }

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
    /// Errors (`InvalidInput`, with a [`Refusal`]) name the line (and
    /// column) of a syntax or schema problem, or the package entry (and
    /// its line) of a semantic one.
    pub fn from_toml_str(text: &str) -> Result<Self> {
        let syntax = |e: toml::de::Error| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let (l, c) = line_col(text, span.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            Refusal::FileSyntax {
                format: "TOML",
                line,
                column,
                message: e.message().trim().to_owned(),
            }
            .into_error()
        };
        let mut state: Self = toml::from_str(text).map_err(syntax)?;
        // Where each entry starts, for refusals that name it.
        #[derive(Deserialize)]
        struct Lines {
            #[serde(default)]
            package: Vec<toml::Spanned<serde::de::IgnoredAny>>,
        }
        if let Ok(lines) = toml::from_str::<Lines>(text) {
            for (entry, spanned) in state.packages.iter_mut().zip(lines.package) {
                entry.line = Some(line_col(text, spanned.span().start).0);
            }
        }
        state.validate()?;
        Ok(state)
    }

    /// Parses and checks JSON (same schema as TOML). JSON entries carry no
    /// line: refusals name them by position.
    pub fn from_json_str(text: &str) -> Result<Self> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let state: Self = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let line = inner.line();
            let column = inner.column();
            let message = strip_position(&inner.to_string());
            Refusal::FileSyntax {
                format: "JSON",
                line: (line > 0).then_some(line),
                column: (column > 0).then_some(column),
                message: if path == "." || path.is_empty() {
                    message
                } else {
                    format!("{path}: {message}")
                },
            }
            .into_error()
        })?;
        state.validate()?;
        Ok(state)
    }

    /// Reads a file: `.json` as JSON, anything else as TOML.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Refusal::FileRead {
                path: path.display().to_string(),
                message: e.to_string(),
            }
            .into_error()
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
    /// no package twice (by name ignoring case, or by id; a name and an id
    /// of the same package are caught once resolved, see
    /// [`resolve`](super::resolve)), well-formed ids, user principal names
    /// and e-mails, not both `duration` and `end`.
    pub fn validate(&self) -> Result<()> {
        self.check().map_err(Refusal::into_error)
    }

    fn check(&self) -> std::result::Result<(), Refusal> {
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
                (Some(_), Some(_)) => {
                    return Err(Refusal::NameAndId {
                        entry: p.entry_ref(i),
                    })
                }
                (None, None) => {
                    return Err(Refusal::NoNameOrId {
                        entry: p.entry_ref(i),
                    })
                }
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
            if let Some(first) = seen.insert(key, i) {
                return Err(Refusal::DuplicatePackage {
                    package: p.label().to_owned(),
                    first: self.packages[first].entry_ref(first),
                    second: p.entry_ref(i),
                });
            }
            p.validate_lists(&place(p, index))?;
        }
        Ok(())
    }
}

impl PackageEntry {
    fn validate_lists(&self, place: &str) -> std::result::Result<(), Refusal> {
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

fn place(p: &PackageEntry, index: usize) -> String {
    match p.label() {
        "" => format!("package entry {index}"),
        label => format!("package {label:?}"),
    }
}

fn invalid(place: &str, field: &'static str, problem: impl fmt::Display) -> Refusal {
    Refusal::FileValue {
        place: place.to_owned(),
        field,
        problem: problem.to_string(),
    }
}

/// `local@domain`, no white space, one `@`.
fn check_address(s: &str) -> std::result::Result<(), &'static str> {
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

fn non_negative<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<usize>, D::Error> {
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

fn positive_duration<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<IsoDuration>, D::Error> {
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
fn end_date_time<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<DateTime>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = DateTime;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 date-time such as 2030-01-31T00:00:00Z")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<DateTime, E> {
            parse_end(v).map_err(E::custom)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            map: A,
        ) -> std::result::Result<DateTime, A::Error> {
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

fn parse_end(text: &str) -> std::result::Result<DateTime, String> {
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
