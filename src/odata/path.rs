//! Property paths (`state`, `accessPackage/id`) checked before use.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use super::FilterError;

/// The longest property path accepted.
const MAX_PATH_LEN: usize = 256;

/// A property path in a filter: one or more property names joined by `/`,
/// such as `state` or `accessPackage/id`.
///
/// The constants ([`Path::STATE`], [`Path::ACCESS_PACKAGE_ID`], …) are the
/// paths Graph documents as filterable on entitlement-management resources;
/// they need no check. Any other path is parsed with [`Path::parse`], which
/// accepts only ASCII letters, digits and `/ _ . @`, so a path can never
/// smuggle an operator or a quote into the filter.
///
/// ```
/// use entra_access::odata::Path;
///
/// assert_eq!(Path::TARGET_OBJECT_ID.as_str(), "target/objectId");
/// let p = Path::parse("assignmentPolicy/id").unwrap();
/// assert_eq!(p.to_string(), "assignmentPolicy/id");
/// assert!(Path::parse("state eq 'x' or true").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path(Cow<'static, str>);

impl Path {
    /// `id` of the resource itself.
    pub const ID: Path = Path(Cow::Borrowed("id"));
    /// `state` (assignments and assignment requests).
    pub const STATE: Path = Path(Cow::Borrowed("state"));
    /// `accessPackage/id` (assignments and assignment requests; Edm.String).
    pub const ACCESS_PACKAGE_ID: Path = Path(Cow::Borrowed("accessPackage/id"));
    /// `assignmentPolicy/id` (assignments; Edm.String).
    pub const ASSIGNMENT_POLICY_ID: Path = Path(Cow::Borrowed("assignmentPolicy/id"));
    /// `target/objectId` (assignments; Edm.String).
    pub const TARGET_OBJECT_ID: Path = Path(Cow::Borrowed("target/objectId"));
    /// `createdDateTime` (assignment requests).
    pub const CREATED_DATE_TIME: Path = Path(Cow::Borrowed("createdDateTime"));
    /// `displayName` (access packages, policies).
    pub const DISPLAY_NAME: Path = Path(Cow::Borrowed("displayName"));

    /// Checks `path` and wraps it.
    ///
    /// Refused: empty text, more than 256 characters, any character other
    /// than ASCII letters, digits, `/`, `_`, `.`, `@`, and a `/` at either end
    /// or doubled.
    ///
    /// ```
    /// use entra_access::odata::{FilterError, Path};
    ///
    /// assert!(Path::parse("target/objectId").is_ok());
    /// let err = Path::parse("a b").unwrap_err();
    /// assert!(matches!(err, FilterError::InvalidPath { .. }));
    /// assert!(err.to_string().contains("`path`"));
    /// ```
    pub fn parse(path: impl Into<String>) -> Result<Path, FilterError> {
        let path = path.into();
        match problem(&path) {
            None => Ok(Path(Cow::Owned(path))),
            Some(reason) => Err(FilterError::InvalidPath { path, reason }),
        }
    }

    /// The path as written in the filter.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why `path` is not a property path, or `None` when it is one.
fn problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("it is empty");
    }
    if path.len() > MAX_PATH_LEN {
        return Some("it is longer than 256 characters");
    }
    if !path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '.' | '@'))
    {
        return Some("only ASCII letters, digits and / _ . @ are allowed");
    }
    if path.starts_with('/') || path.ends_with('/') || path.contains("//") {
        return Some("a `/` must separate two property names");
    }
    None
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Path {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for Path {
    type Err = FilterError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Path::parse(s)
    }
}

impl TryFrom<&str> for Path {
    type Error = FilterError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Path::parse(s)
    }
}

impl TryFrom<String> for Path {
    type Error = FilterError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Path::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_pass_their_own_check() {
        for p in [
            Path::ID,
            Path::STATE,
            Path::ACCESS_PACKAGE_ID,
            Path::ASSIGNMENT_POLICY_ID,
            Path::TARGET_OBJECT_ID,
            Path::CREATED_DATE_TIME,
            Path::DISPLAY_NAME,
        ] {
            assert_eq!(problem(p.as_str()), None, "{p}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_path() {
        for bad in [
            "", "a b", "a'b", "a(b)", "/a", "a/", "a//b", "a,b", "é", "a\u{0}",
        ] {
            assert!(Path::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Path::parse("x".repeat(257)).is_err());
        assert!(Path::parse("x".repeat(256)).is_ok());
        assert!(Path::parse("@odata.type").is_ok());
        assert!(Path::parse("a_b/c.d").is_ok());
    }
}
