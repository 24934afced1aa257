//! Who an `adminAdd` request is for: a directory principal, or a person
//! addressed by e-mail (with a sane check of the address).

use crate::error::{Error, Result};
use crate::models::ids::check_id;
use crate::models::{
    AccessPackageId, Assignment, AssignmentPolicyId, ConnectedOrganization,
    ConnectedOrganizationId, ObjectId, Subject,
};

/// The target of an `adminAdd` request: a directory principal by object id,
/// or a person not in the directory yet, by e-mail.
///
/// ```
/// use entra_access::api::Target;
///
/// let user = Target::user("8b2d5a8c-7e59-4e32-8cf4-2d3a3c2d0c11");
/// let guest: Target = Target::email("ana@fabrikam.com")
///     .display_name("Ana Souza")
///     .connected_organization("c0ffee00-0000-0000-0000-000000000001")
///     .into();
/// assert_eq!(user.object_id().unwrap(), "8b2d5a8c-7e59-4e32-8cf4-2d3a3c2d0c11");
/// assert_eq!(guest.email_address(), Some("ana@fabrikam.com"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// A user or service principal in the directory (its object id).
    User(ObjectId),
    /// Someone addressed by e-mail, who is not in the directory yet.
    Email(EmailTarget),
}

impl Target {
    /// A user or service principal already in the directory.
    pub fn user(object_id: impl Into<ObjectId>) -> Self {
        Self::User(object_id.into())
    }

    /// Someone not in the directory yet, addressed by e-mail; the policy must
    /// allow users not yet in the directory. Add a display name or the
    /// connected organization with the methods of [`EmailTarget`].
    pub fn email(address: impl Into<String>) -> EmailTarget {
        EmailTarget {
            email: address.into(),
            display_name: None,
            connected_organization: None,
        }
    }

    /// The object id, for a directory target.
    pub fn object_id(&self) -> Option<&ObjectId> {
        match self {
            Self::User(id) => Some(id),
            Self::Email(_) => None,
        }
    }

    /// The e-mail address, for a target addressed by e-mail.
    pub fn email_address(&self) -> Option<&str> {
        match self {
            Self::User(_) => None,
            Self::Email(e) => Some(&e.email),
        }
    }

    /// Checks the target; `Err` names what is wrong.
    pub(crate) fn check(&self) -> Result<()> {
        match self {
            Self::User(id) => {
                check_id(id.as_str()).map_err(|p| Error::invalid_input("target object id", p))
            }
            Self::Email(e) => e.check(),
        }
    }

    /// The `assignment` carrier of a create body.
    pub(crate) fn carrier(
        &self,
        policy: &AssignmentPolicyId,
        package: &AccessPackageId,
    ) -> Assignment {
        match self {
            Self::User(id) => Assignment::for_target(id, policy, package),
            Self::Email(e) => Assignment::for_subject(e.subject(), policy, package),
        }
    }

    /// Whether an assignment (with its target expanded, or a create
    /// carrier) is for this target. E-mail addresses compare ignoring case.
    pub fn matches(&self, assignment: &Assignment) -> bool {
        match self {
            Self::User(id) => assignment.target_object_id() == Some(id),
            Self::Email(e) => assignment
                .target
                .as_ref()
                .and_then(|t| t.email.as_deref())
                .is_some_and(|m| m.eq_ignore_ascii_case(&e.email)),
        }
    }
}

impl From<EmailTarget> for Target {
    fn from(e: EmailTarget) -> Self {
        Self::Email(e)
    }
}

impl From<ObjectId> for Target {
    fn from(id: ObjectId) -> Self {
        Self::User(id)
    }
}

impl From<&ObjectId> for Target {
    fn from(id: &ObjectId) -> Self {
        Self::User(id.clone())
    }
}

/// A target addressed by e-mail; see [`Target::email`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailTarget {
    email: String,
    display_name: Option<String>,
    connected_organization: Option<ConnectedOrganizationId>,
}

impl EmailTarget {
    /// The name shown for the new user.
    #[must_use]
    pub fn display_name(self, name: impl Into<String>) -> Self {
        self.set_display_name(Some(name.into()))
    }

    /// Sets or clears (`None`) the name; see
    /// [`display_name`](Self::display_name).
    #[must_use]
    pub fn set_display_name(mut self, name: Option<String>) -> Self {
        self.display_name = name;
        self
    }

    /// The connected organization the user belongs to (sent as
    /// `target.connectedOrganization.id`).
    #[must_use]
    pub fn connected_organization(self, id: impl Into<ConnectedOrganizationId>) -> Self {
        self.set_connected_organization(Some(id.into()))
    }

    /// Sets or clears (`None`) the connected organization; see
    /// [`connected_organization`](Self::connected_organization).
    #[must_use]
    pub fn set_connected_organization(mut self, id: Option<ConnectedOrganizationId>) -> Self {
        self.connected_organization = id;
        self
    }

    /// The e-mail address.
    pub fn address(&self) -> &str {
        &self.email
    }

    fn check(&self) -> Result<()> {
        check_email(&self.email).map_err(|p| Error::invalid_input("target e-mail", p))?;
        if let Some(name) = &self.display_name
            && name.trim().is_empty()
        {
            return Err(Error::invalid_input("target display name", "is blank"));
        }
        if let Some(org) = &self.connected_organization {
            check_id(org.as_str())
                .map_err(|p| Error::invalid_input("connected organization id", p))?;
        }
        Ok(())
    }

    fn subject(&self) -> Subject {
        let mut s = Subject::by_email(self.email.clone());
        s.display_name.clone_from(&self.display_name);
        s.connected_organization = self
            .connected_organization
            .as_ref()
            .map(ConnectedOrganization::with_id);
        s
    }
}

/// A sane e-mail syntax check, not RFC 5322: it refuses what is certainly
/// wrong (no `@`, two `@`, an empty local part, a domain without a dot,
/// white space) and lets the directory judge the rest.
///
/// `Err` says what is wrong, phrased to follow
/// "target e-mail".
fn check_email(address: &str) -> Result<(), String> {
    if address.is_empty() {
        return Err("is empty".into());
    }
    if address.len() > 254 {
        return Err(format!("is {} bytes long (at most 254)", address.len()));
    }
    if let Some(c) = address
        .chars()
        .find(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!("{address:?} contains the character {c:?}"));
    }
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("{address:?} must contain exactly one '@'"));
    };
    if local.is_empty() {
        return Err(format!("{address:?} has nothing before the '@'"));
    }
    if !domain.contains('.') {
        return Err(format!("{address:?} has no dotted domain after the '@'"));
    }
    if domain.split('.').any(str::is_empty) {
        return Err(format!("{address:?} has an empty label in its domain"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_email;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in [
            "ana@fabrikam.com",
            "first.last+tag@sub.contoso.co.uk",
            "o'brien@contoso.com",
        ] {
            assert_eq!(check_email(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_what_is_certainly_wrong() {
        for (bad, why) in [
            ("", "empty"),
            ("ana.fabrikam.com", "exactly one"),
            ("a@b@fabrikam.com", "exactly one"),
            ("@fabrikam.com", "nothing before"),
            ("ana@localhost", "dotted domain"),
            ("ana@fabrikam.", "empty label"),
            ("ana@.fabrikam.com", "empty label"),
            ("ana@fab..com", "empty label"),
            ("ana maria@fabrikam.com", "character ' '"),
            ("ana@fabrikam.com\n", "character '\\n'"),
        ] {
            let err = check_email(bad).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        assert!(check_email(&format!("{}@x.com", "a".repeat(260)))
            .unwrap_err()
            .contains("at most 254"));
    }
}
