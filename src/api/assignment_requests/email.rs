//! A sane e-mail syntax check for targets addressed by e-mail.
//!
//! Not RFC 5322: it refuses what is certainly wrong (no `@`, two `@`, an
//! empty local part, a domain without a dot, white space) and lets the
//! directory judge the rest.

/// Checks `address`; `Err` says what is wrong, phrased to follow
/// "target e-mail".
pub(crate) fn check_email(address: &str) -> Result<(), String> {
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
