//! Whom an item of a plan is for: a user by object id, or someone outside
//! the directory by e-mail.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use entra_access::api::Target;
use entra_access::models::ObjectId;

/// Whom a [`PlanItem`](crate::PlanItem) or a [`Row`](crate::Row) is for:
/// a user by object id, or a person outside the directory by e-mail.
/// Displays as the id or the address.
///
/// People compare as Graph compares them: object ids ignoring ASCII case
/// (see [`ObjectId`]), e-mail addresses ignoring case. The spelling given is
/// kept for what is sent and shown.
///
/// ```
/// use entra_access_ops::Person;
///
/// let ana = Person::Email("Ana@Fabrikam.example".into());
/// assert_eq!(ana, Person::Email("ana@fabrikam.example".into()));
/// assert_eq!(ana.to_string(), "Ana@Fabrikam.example");
/// assert_eq!(serde_json::to_string(&ana)?, r#"{"email":"Ana@Fabrikam.example"}"#);
/// let ada = Person::user("0CF0EDB8-0000-4000-8000-000000000001");
/// assert_eq!(ada, Person::user("0cf0edb8-0000-4000-8000-000000000001"));
/// assert_eq!(serde_json::to_string(&ada)?, r#"{"user":"0CF0EDB8-0000-4000-8000-000000000001"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Person {
    /// A user (or another directory object), by object id.
    User(ObjectId),
    /// A person outside the directory, by e-mail.
    Email(String),
}

impl Person {
    /// A user by object id.
    pub fn user(id: impl Into<ObjectId>) -> Self {
        Self::User(id.into())
    }

    /// The object id, for a user.
    pub fn object_id(&self) -> Option<&ObjectId> {
        match self {
            Self::User(id) => Some(id),
            Self::Email(_) => None,
        }
    }

    /// Whether `text` names this person: the object id or the address,
    /// ignoring case.
    pub fn is(&self, text: &str) -> bool {
        match self {
            Self::User(id) => id == text,
            Self::Email(e) => e.eq_ignore_ascii_case(text),
        }
    }

    /// The target of a request for this person.
    pub(crate) fn target(&self) -> Target {
        match self {
            Self::User(id) => Target::user(id.clone()),
            Self::Email(e) => Target::email(e.clone()).into(),
        }
    }

    /// The id the identity check of a plan's items applies to.
    pub(crate) fn check(&self) -> Result<(), String> {
        match self {
            Self::User(id) => id.check().map_err(|p| p.to_string()),
            Self::Email(e) if e.trim().is_empty() => Err("is an empty e-mail address".into()),
            Self::Email(_) => Ok(()),
        }
    }

    fn key(&self) -> (u8, &str) {
        match self {
            Self::User(id) => (0, id.as_str()),
            Self::Email(e) => (1, e.as_str()),
        }
    }
}

impl PartialEq for Person {
    fn eq(&self, other: &Self) -> bool {
        let ((a, x), (b, y)) = (self.key(), other.key());
        a == b && x.eq_ignore_ascii_case(y)
    }
}

impl Eq for Person {}

impl Hash for Person {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (kind, text) = self.key();
        state.write_u8(kind);
        // Lower-cased a chunk at a time: one `write` per 64 bytes.
        let mut buf = [0u8; 64];
        for chunk in text.as_bytes().chunks(buf.len()) {
            let lower = &mut buf[..chunk.len()];
            lower.copy_from_slice(chunk);
            lower.make_ascii_lowercase();
            state.write(lower);
        }
        state.write_u8(0xff);
    }
}

impl PartialOrd for Person {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Person {
    fn cmp(&self, other: &Self) -> Ordering {
        let ((a, x), (b, y)) = (self.key(), other.key());
        a.cmp(&b).then_with(|| {
            x.bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(y.bytes().map(|c| c.to_ascii_lowercase()))
        })
    }
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User(id) => f.write_str(id.as_str()),
            Self::Email(e) => f.write_str(e),
        }
    }
}

impl From<ObjectId> for Person {
    fn from(id: ObjectId) -> Self {
        Self::User(id)
    }
}
