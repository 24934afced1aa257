//! Why Graph refused an assignment request, in the terms an administrator
//! acts on: predicates on [`Error`], decided by Graph's code and status.

use super::Error;

/// A refusal of an assignment request that callers branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    /// The target is not in the policy's allowed scope (or no policy lets
    /// them request).
    OutsidePolicyScope,
    /// An open request for the same target and package exists.
    RequestAlreadyOpen,
    /// The target already holds the access.
    AlreadyAssigned,
    /// The policy needs approval the request cannot get this way.
    ApprovalRequired,
}

/// Graph codes (compared ignoring ASCII case) and what they mean.
///
/// **Empirical**: Microsoft does not document entitlement-management error
/// codes. These are the codes the test kit's fake Graph uses
/// (`ExistingOpenRequest`, `AlreadyAssigned`, `RequestorNotInAllowedScope`)
/// plus spellings seen or plausible for the real service.
const CODES: &[(&str, Refusal)] = &[
    ("RequestorNotInAllowedScope", Refusal::OutsidePolicyScope),
    ("RequestorNotInScope", Refusal::OutsidePolicyScope),
    ("TargetNotInAllowedScope", Refusal::OutsidePolicyScope),
    ("NoMatchingPolicy", Refusal::OutsidePolicyScope),
    ("PolicyRequirementsNotMet", Refusal::OutsidePolicyScope),
    ("ExistingOpenRequest", Refusal::RequestAlreadyOpen),
    (
        "AccessPackageAssignmentRequestExists",
        Refusal::RequestAlreadyOpen,
    ),
    ("PendingRequestExists", Refusal::RequestAlreadyOpen),
    ("RequestAlreadyExists", Refusal::RequestAlreadyOpen),
    ("AlreadyAssigned", Refusal::AlreadyAssigned),
    ("AccessPackageAlreadyAssigned", Refusal::AlreadyAssigned),
    ("AssignmentAlreadyExists", Refusal::AlreadyAssigned),
    ("ExistingAssignment", Refusal::AlreadyAssigned),
    ("ApprovalRequired", Refusal::ApprovalRequired),
    ("PolicyRequiresApproval", Refusal::ApprovalRequired),
];

impl Error {
    /// The refusal a 4xx Graph answer's code names, if any; never decided
    /// by the message.
    fn refusal(&self) -> Option<Refusal> {
        let status = self.status()?;
        if !(400..500).contains(&status) || status == 429 {
            return None;
        }
        let code = self.code()?.as_str();
        CODES
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(code))
            .map(|(_, r)| *r)
    }

    /// Graph refused an assignment request because the target already
    /// holds the access (a 4xx answer with code `AlreadyAssigned`,
    /// `AccessPackageAlreadyAssigned`, `AssignmentAlreadyExists` or
    /// `ExistingAssignment`, compared ignoring case).
    ///
    /// Microsoft documents no entitlement-management error codes: these
    /// come from observation and the test kit's fake. Prefer checking
    /// first (list the target's assignments and open requests) to relying
    /// on them.
    ///
    /// ```no_run
    /// use entra_access::api::Target;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let sent = client
    ///     .assignment_requests()
    ///     .admin_add("pkg-1", "pol-1", Target::user("user-1"))
    ///     .send()
    ///     .await;
    /// match sent {
    ///     Ok(r) => println!("requested {}", r.id),
    ///     Err(e) if e.is_already_assigned() => println!("nothing to do"),
    ///     Err(e) if e.is_outside_policy_scope() => eprintln!("not allowed by the policy: {e}"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn is_already_assigned(&self) -> bool {
        self.refusal() == Some(Refusal::AlreadyAssigned)
    }

    /// Graph refused an assignment request because an open request for the
    /// same target and package exists (a 4xx answer with code
    /// `ExistingOpenRequest`, `AccessPackageAssignmentRequestExists`,
    /// `PendingRequestExists` or `RequestAlreadyExists`). Empirical codes,
    /// as for [`is_already_assigned`](Self::is_already_assigned).
    pub fn is_request_already_open(&self) -> bool {
        self.refusal() == Some(Refusal::RequestAlreadyOpen)
    }

    /// Graph refused an assignment request because the target is not in
    /// the policy's allowed scope (a 4xx answer with code
    /// `RequestorNotInAllowedScope`, `RequestorNotInScope`,
    /// `TargetNotInAllowedScope`, `NoMatchingPolicy` or
    /// `PolicyRequirementsNotMet`). Empirical codes, as for
    /// [`is_already_assigned`](Self::is_already_assigned).
    pub fn is_outside_policy_scope(&self) -> bool {
        self.refusal() == Some(Refusal::OutsidePolicyScope)
    }

    /// Graph refused an assignment request because the policy needs an
    /// approval the request cannot get this way (a 4xx answer with code
    /// `ApprovalRequired` or `PolicyRequiresApproval`). Empirical codes, as
    /// for [`is_already_assigned`](Self::is_already_assigned).
    pub fn is_approval_required(&self) -> bool {
        self.refusal() == Some(Refusal::ApprovalRequired)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::{ErrorKind, GraphError};
    use super::*;

    fn graph(status: u16, code: &str) -> Error {
        let body = serde_json::json!({"error": {"code": code, "message": "You don't meet policy requirements"}});
        let bytes = serde_json::to_vec(&body).unwrap();
        Error::graph(GraphError::from_parts(status, &bytes, |_| None, None))
    }

    fn refusal(e: &Error) -> Option<Refusal> {
        let all = [
            (e.is_outside_policy_scope(), Refusal::OutsidePolicyScope),
            (e.is_request_already_open(), Refusal::RequestAlreadyOpen),
            (e.is_already_assigned(), Refusal::AlreadyAssigned),
            (e.is_approval_required(), Refusal::ApprovalRequired),
        ];
        let mut yes = all.iter().filter(|(is, _)| *is).map(|(_, r)| *r);
        let first = yes.next();
        assert_eq!(yes.next(), None, "at most one predicate holds");
        first
    }

    #[test]
    fn codes_on_4xx_answers_decide() {
        use Refusal::*;
        for (status, code, want) in [
            (400, "RequestorNotInAllowedScope", Some(OutsidePolicyScope)),
            (403, "requestornotinscope", Some(OutsidePolicyScope)),
            (400, "ExistingOpenRequest", Some(RequestAlreadyOpen)),
            (
                409,
                "AccessPackageAssignmentRequestExists",
                Some(RequestAlreadyOpen),
            ),
            (400, "AlreadyAssigned", Some(AlreadyAssigned)),
            (400, "ApprovalRequired", Some(ApprovalRequired)),
            (404, "ResourceNotFound", None),
            (429, "AlreadyAssigned", None),
            (400, "BadRequest", None),
            (500, "AlreadyAssigned", None),
        ] {
            assert_eq!(refusal(&graph(status, code)), want, "{status} {code}");
        }
    }

    #[test]
    fn the_message_alone_never_decides() {
        // Same message as a scope refusal, but no code that says so.
        assert_eq!(refusal(&graph(400, "generalException")), None);
        let not_graph = Error::new(ErrorKind::Transport, "RequestorNotInAllowedScope");
        assert_eq!(refusal(&not_graph), None);
    }
}
