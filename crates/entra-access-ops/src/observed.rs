//! What a plan observed of a package: a stable fingerprint of its live
//! assignments and open requests, and counts to say what moved. One
//! fingerprint for every plan.
//!
//! The fingerprint is SHA-256 (the `sha2` crate) over the sorted
//! `id:state` lines. `std`'s `DefaultHasher` is not an option: its
//! algorithm may change between Rust releases, and a plan written by one
//! build must be checked by another.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::facts::PackageFacts;
use entra_access::models::AssignmentState;

/// What a plan saw of one package: what a
/// [`PackagePlan`](crate::PackagePlan) is checked against before it is
/// applied.
///
/// ```
/// use entra_access_ops::{Observed, PackageFacts};
///
/// let empty = Observed::of(&PackageFacts::new("pkg-1"));
/// assert!(empty.fingerprint.starts_with("sha256:"));
/// assert_eq!(empty, Observed::of(&PackageFacts::new("pkg-1")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Observed {
    /// `sha256:` and the hex digest of the sorted `a:<id>:<state>` and
    /// `r:<id>:<state>` lines: independent of listing order.
    pub fingerprint: String,
    /// Live assignments per state.
    pub assignments: BTreeMap<String, usize>,
    /// Open requests per state.
    pub open_requests: BTreeMap<String, usize>,
}

fn state_name<T: AsRef<str>>(s: Option<T>) -> String {
    s.map_or_else(|| "unknown".to_owned(), |s| s.as_ref().to_owned())
}

impl Observed {
    /// Fingerprints and counts the facts (expired assignments left out:
    /// they hold nothing, and a listing may or may not include them).
    pub fn of(facts: &PackageFacts) -> Self {
        let mut lines: Vec<String> = Vec::new();
        let mut assignments = BTreeMap::new();
        let live = facts
            .assignments
            .iter()
            .filter(|a| a.state != Some(AssignmentState::Expired));
        for a in live {
            let state = state_name(a.state.as_ref().map(|s| s.as_str()));
            lines.push(format!("a:{}:{state}", a.id));
            *assignments.entry(state).or_insert(0) += 1;
        }
        let mut open_requests = BTreeMap::new();
        for r in &facts.open_requests {
            let state = state_name(r.state.as_ref().map(|s| s.as_str()));
            lines.push(format!("r:{}:{state}", r.id));
            *open_requests.entry(state).or_insert(0) += 1;
        }
        lines.sort_unstable();
        let mut hasher = Sha256::new();
        for line in &lines {
            hasher.update(line.as_bytes());
            hasher.update(b"\n");
        }
        let digest = hasher.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        Self {
            fingerprint: format!("sha256:{hex}"),
            assignments,
            open_requests,
        }
    }

    /// What differs from `now`, in words: the counts that moved, or "same
    /// counts, other assignments or requests".
    ///
    /// ```
    /// use entra_access_ops::{AssignmentFact, Observed, PackageFacts};
    /// use entra_access::models::Assignment;
    ///
    /// let before = Observed::of(&PackageFacts::new("pkg-1"));
    /// let mut facts = PackageFacts::new("pkg-1");
    /// let a: Assignment = serde_json::from_str(r#"{"id":"as-1","state":"delivered"}"#)?;
    /// facts.assignments.push(AssignmentFact::from_assignment(&a));
    /// assert_eq!(before.describe_change(&Observed::of(&facts)), "delivered assignments 0 → 1");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn describe_change(&self, now: &Self) -> String {
        let mut parts = Vec::new();
        diff(
            &self.assignments,
            &now.assignments,
            "assignments",
            &mut parts,
        );
        diff(
            &self.open_requests,
            &now.open_requests,
            "open requests",
            &mut parts,
        );
        if parts.is_empty() {
            "same counts, but other assignments or requests (ids or states changed)".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

fn diff(
    before: &BTreeMap<String, usize>,
    now: &BTreeMap<String, usize>,
    what: &str,
    out: &mut Vec<String>,
) {
    let mut keys: Vec<&String> = before.keys().chain(now.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let (b, n) = (
            before.get(k).copied().unwrap_or(0),
            now.get(k).copied().unwrap_or(0),
        );
        if b != n {
            out.push(format!("{k} {what} {b} → {n}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AssignmentFact;

    fn fact(id: &str, state: &str) -> AssignmentFact {
        let a: entra_access::models::Assignment =
            serde_json::from_value(serde_json::json!({"id": id, "state": state})).unwrap();
        AssignmentFact::from_assignment(&a)
    }

    #[test]
    fn independent_of_order_and_sensitive_to_states() {
        let mut one = PackageFacts::new("p");
        one.assignments = vec![fact("a", "delivered"), fact("b", "delivering")];
        let mut two = PackageFacts::new("p");
        two.assignments = vec![fact("b", "delivering"), fact("a", "delivered")];
        assert_eq!(Observed::of(&one), Observed::of(&two));
        two.assignments[0] = fact("b", "delivered");
        assert_ne!(
            Observed::of(&one).fingerprint,
            Observed::of(&two).fingerprint
        );
    }

    #[test]
    fn expired_assignments_are_left_out() {
        let mut with = PackageFacts::new("p");
        with.assignments = vec![fact("a", "delivered"), fact("old", "expired")];
        let mut without = PackageFacts::new("p");
        without.assignments = vec![fact("a", "delivered")];
        assert_eq!(Observed::of(&with), Observed::of(&without));
    }

    #[test]
    fn known_digest_of_nothing() {
        // SHA-256 of the empty input: stable across builds and versions.
        assert_eq!(
            Observed::of(&PackageFacts::new("p")).fingerprint,
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
