//! A string that must never be printed.

use std::fmt;

/// A secret value (an access token or a client secret).
///
/// `Debug` prints `Secret(***)`; there is no `Display`. Read the value only
/// where it must be used, with [`Secret::expose`]. Hand-written rather than
/// taken from `secrecy` because the crate needs only these few lines.
///
/// ```
/// use entra_access::auth::Secret;
///
/// let s = Secret::new("eyJ0eXAi...");
/// assert_eq!(format!("{s:?}"), "Secret(***)");
/// assert_eq!(s.expose(), "eyJ0eXAi...");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Use it only to send it where it belongs.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}
