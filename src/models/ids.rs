//! Typed identifiers, so an access package id can never be passed where a
//! policy id is expected.
//!
//! Every id is a thin, cheap-to-clone wrapper around the string Graph uses.
//! They serialize as plain JSON strings.
//!
//! Ids compare, hash and sort as Graph compares them: ignoring ASCII case
//! (Graph returns GUIDs in lower case; people paste them in upper case from
//! the portal or a spreadsheet). The spelling given is kept: it is what is
//! sent and displayed.
//!
//! ```
//! use entra_access::models::{AccessPackageId, ObjectId};
//!
//! let pkg = AccessPackageId::new("a914b616-e04e-476b-aa37-91038f0b165b");
//! let user: ObjectId = "8b2d5a8c-7e59-4e32-8cf4-2d3a3c2d0c11".into();
//! assert_eq!(pkg.as_str(), "a914b616-e04e-476b-aa37-91038f0b165b");
//! assert_eq!(user.to_string(), "8b2d5a8c-7e59-4e32-8cf4-2d3a3c2d0c11");
//!
//! // The same object, however its GUID is spelled; the spelling is kept.
//! let pasted = ObjectId::new("8B2D5A8C-7E59-4E32-8CF4-2D3A3C2D0C11");
//! assert_eq!(pasted, user);
//! assert_eq!(pasted.as_str(), "8B2D5A8C-7E59-4E32-8CF4-2D3A3C2D0C11");
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Why an id was refused before anything was sent.
///
/// Returned by [`AccessPackageId::check`] and its siblings; the client turns it
/// into an `InvalidInput` error naming the argument.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdProblem {
    /// The id is empty or only white space.
    Empty,
    /// The id contains a character that cannot stand in a URL path segment
    /// (`/`, `?`, `#`, `%`, a quote, white space or a control character).
    BadCharacter(char),
    /// The id is longer than any Graph id (256 characters).
    TooLong(usize),
    /// The id is `.` or `..`, which a URL resolves to another path.
    DotSegment,
}

impl fmt::Display for IdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("is empty"),
            Self::BadCharacter(c) => write!(f, "contains the character {c:?}"),
            Self::TooLong(n) => write!(f, "is {n} characters long (at most 256)"),
            Self::DotSegment => f.write_str("is `.` or `..`, which would resolve to another path"),
        }
    }
}

/// Checks that `s` can be used as one path segment of a Graph URL.
pub(crate) fn check_id(s: &str) -> Result<(), IdProblem> {
    if s.trim().is_empty() {
        return Err(IdProblem::Empty);
    }
    if s == "." || s == ".." {
        return Err(IdProblem::DotSegment);
    }
    let len = s.chars().count();
    if len > 256 {
        return Err(IdProblem::TooLong(len));
    }
    if let Some(c) = s.chars().find(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '/' | '?' | '#' | '%' | '\'' | '"' | '\\')
    }) {
        return Err(IdProblem::BadCharacter(c));
    }
    Ok(())
}

/// Whether two ids are the same to Graph: equal ignoring ASCII case.
fn same_id(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The order of ids ignoring ASCII case (consistent with [`same_id`]).
fn id_order(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Hashes an id ignoring ASCII case (consistent with [`same_id`]).
fn hash_id<H: Hasher>(id: &str, state: &mut H) {
    // Lower-cased a chunk at a time: one `write` per 64 bytes, not per byte.
    let mut buf = [0u8; 64];
    for chunk in id.as_bytes().chunks(buf.len()) {
        let lower = &mut buf[..chunk.len()];
        lower.copy_from_slice(chunk);
        lower.make_ascii_lowercase();
        state.write(lower);
    }
    // As `str` does: a terminator, so that ("ab", "c") and ("a", "bc")
    // hash apart in a tuple.
    state.write_u8(0xff);
}

/// Implemented by every id type: lets the client check an id and put it in
/// a URL path.
pub(crate) trait PathId {
    fn id_str(&self) -> &str;
}

macro_rules! define_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Compares, hashes and sorts ignoring ASCII case, as Graph compares
        /// ids; keeps the spelling it was given.
        #[derive(Clone, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                same_id(&self.0, &other.0)
            }
        }

        impl Eq for $name {}

        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                hash_id(&self.0, state);
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> Ordering {
                id_order(&self.0, &other.0)
            }
        }

        impl $name {
            /// Wraps an id as Graph spells it. Nothing is checked here; the
            /// operation that uses the id checks it before sending.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as Graph spells it.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Consumes the wrapper and returns the string.
            pub fn into_inner(self) -> String {
                self.0
            }

            /// Checks that the id is non-empty and safe to put in a URL path.
            pub fn check(&self) -> Result<(), IdProblem> {
                check_id(&self.0)
            }
        }

        impl PathId for $name {
            fn id_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                Self(s.clone())
            }
        }

        impl From<&$name> for $name {
            fn from(s: &$name) -> Self {
                s.clone()
            }
        }

        impl PartialEq<str> for $name {
            /// Equal ignoring ASCII case, as two ids.
            fn eq(&self, other: &str) -> bool {
                same_id(&self.0, other)
            }
        }

        impl PartialEq<&str> for $name {
            /// Equal ignoring ASCII case, as two ids.
            fn eq(&self, other: &&str) -> bool {
                same_id(&self.0, other)
            }
        }
    };
}

define_id!(
    /// Id of an access package (`accessPackage.id`).
    AccessPackageId
);
define_id!(
    /// Id of an access package assignment policy (`accessPackageAssignmentPolicy.id`).
    AssignmentPolicyId
);
define_id!(
    /// Id of an access package assignment (`accessPackageAssignment.id`).
    AssignmentId
);
define_id!(
    /// Id of an access package assignment request (`accessPackageAssignmentRequest.id`).
    AssignmentRequestId
);
define_id!(
    /// Directory object id of a user, group or service principal
    /// (`target.objectId`, `targetId`). Not the id of an `accessPackageSubject`.
    ObjectId
);
define_id!(
    /// Id of an access package catalog.
    CatalogId
);
define_id!(
    /// Id of a policy question (`accessPackageQuestion.id`).
    QuestionId
);
define_id!(
    /// Id of a connected organization.
    ConnectedOrganizationId
);
define_id!(
    /// Id of a lifecycle workflow.
    WorkflowId
);
define_id!(
    /// Id of one stage of an approval (`approvalStage.id`).
    ApprovalStageId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_plain_strings() {
        let id = AccessPackageId::new("abc");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"abc\"");
        let back: AccessPackageId = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(back, id);
    }

    #[test]
    fn ids_compare_hash_and_sort_ignoring_ascii_case_and_keep_their_spelling() {
        use std::collections::{BTreeSet, HashSet};
        let lower = ObjectId::new("0cf0edb8-aaaa-4bbb-8ccc-0123456789ab");
        let upper = ObjectId::new("0CF0EDB8-AAAA-4BBB-8CCC-0123456789AB");
        assert_eq!(lower, upper);
        assert_eq!(upper, "0cf0edb8-aaaa-4bbb-8ccc-0123456789ab");
        assert_eq!(lower.cmp(&upper), Ordering::Equal);
        let set: HashSet<_> = [lower.clone(), upper.clone()].into_iter().collect();
        assert_eq!(set.len(), 1);
        let sorted: BTreeSet<_> = [upper.clone(), lower.clone()].into_iter().collect();
        assert_eq!(sorted.len(), 1);
        assert_eq!(upper.as_str(), "0CF0EDB8-AAAA-4BBB-8CCC-0123456789AB");
        assert_eq!(upper.to_string(), "0CF0EDB8-AAAA-4BBB-8CCC-0123456789AB");
        assert_eq!(
            serde_json::to_string(&upper).unwrap(),
            "\"0CF0EDB8-AAAA-4BBB-8CCC-0123456789AB\""
        );
        // Different ids stay different, and order as their lower case.
        assert_ne!(ObjectId::new("a"), ObjectId::new("b"));
        assert!(ObjectId::new("B") > ObjectId::new("a"));
        assert!(AssignmentId::new("A-1") == AssignmentId::new("a-1"));
    }

    #[test]
    fn check_refuses_what_cannot_be_a_path_segment() {
        assert_eq!(ObjectId::new("").check(), Err(IdProblem::Empty));
        assert_eq!(ObjectId::new("  ").check(), Err(IdProblem::Empty));
        assert_eq!(
            ObjectId::new("a/b").check(),
            Err(IdProblem::BadCharacter('/'))
        );
        assert_eq!(
            ObjectId::new("a?b").check(),
            Err(IdProblem::BadCharacter('?'))
        );
        assert_eq!(
            ObjectId::new("a b").check(),
            Err(IdProblem::BadCharacter(' '))
        );
        assert_eq!(ObjectId::new(".").check(), Err(IdProblem::DotSegment));
        assert_eq!(ObjectId::new("..").check(), Err(IdProblem::DotSegment));
        assert!(ObjectId::new("...").check().is_ok());
        assert_eq!(
            ObjectId::new("a#b").check(),
            Err(IdProblem::BadCharacter('#'))
        );
        assert_eq!(
            ObjectId::new("x".repeat(300)).check(),
            Err(IdProblem::TooLong(300))
        );
        assert!(ObjectId::new("8b2d5a8c-7e59-4e32-8cf4-2d3a3c2d0c11")
            .check()
            .is_ok());
    }
}
