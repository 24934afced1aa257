//! Sorting the errors admins meet when creating requests.

use crate::error::{Error, ErrorKind};

/// What went wrong with a request, in the terms an administrator acts on;
/// see [`RequestProblem::of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestProblem {
    /// The target is not in the policy's allowed scope (or no policy lets
    /// them request).
    OutsidePolicyScope,
    /// An open request for the same target and package exists.
    ExistingOpenRequest,
    /// The target already holds the access.
    AlreadyAssigned,
    /// The policy needs approval the request cannot get this way.
    ApprovalRequired,
    /// The request, package, policy, assignment or target does not exist.
    NotFound,
    /// Graph throttled the call and retries ran out.
    Throttled,
    /// Anything else (see the error itself).
    Other,
}

/// Graph codes (compared ignoring ASCII case) and what they mean.
///
/// **Empirical**: Microsoft does not document entitlement-management error
/// codes. These are the codes this crate's `FakeGraph` uses
/// (`ExistingOpenRequest`, `AlreadyAssigned`, `RequestorNotInAllowedScope`,
/// `ResourceNotFound`, `itemNotFound`) plus spellings seen or plausible for
/// the real service. A code not listed here falls back on the HTTP status.
const CODES: &[(&str, RequestProblem)] = &[
    (
        "RequestorNotInAllowedScope",
        RequestProblem::OutsidePolicyScope,
    ),
    ("RequestorNotInScope", RequestProblem::OutsidePolicyScope),
    (
        "TargetNotInAllowedScope",
        RequestProblem::OutsidePolicyScope,
    ),
    ("NoMatchingPolicy", RequestProblem::OutsidePolicyScope),
    (
        "PolicyRequirementsNotMet",
        RequestProblem::OutsidePolicyScope,
    ),
    ("ExistingOpenRequest", RequestProblem::ExistingOpenRequest),
    (
        "AccessPackageAssignmentRequestExists",
        RequestProblem::ExistingOpenRequest,
    ),
    ("PendingRequestExists", RequestProblem::ExistingOpenRequest),
    ("RequestAlreadyExists", RequestProblem::ExistingOpenRequest),
    ("AlreadyAssigned", RequestProblem::AlreadyAssigned),
    (
        "AccessPackageAlreadyAssigned",
        RequestProblem::AlreadyAssigned,
    ),
    ("AssignmentAlreadyExists", RequestProblem::AlreadyAssigned),
    ("ExistingAssignment", RequestProblem::AlreadyAssigned),
    ("ApprovalRequired", RequestProblem::ApprovalRequired),
    ("PolicyRequiresApproval", RequestProblem::ApprovalRequired),
    ("ResourceNotFound", RequestProblem::NotFound),
    ("itemNotFound", RequestProblem::NotFound),
    ("Request_ResourceNotFound", RequestProblem::NotFound),
    ("NotFound", RequestProblem::NotFound),
];

impl RequestProblem {
    /// Sorts an error by Graph's code and HTTP status, never by its message:
    /// 429 is [`Throttled`](RequestProblem::Throttled); a known code on a 4xx
    /// answer is its problem (the table is empirical, see below); any other 404
    /// is [`NotFound`](RequestProblem::NotFound); everything else, including
    /// errors Graph did not answer, is [`Other`](RequestProblem::Other).
    ///
    /// Codes: `RequestorNotInAllowedScope`, `RequestorNotInScope`,
    /// `TargetNotInAllowedScope`, `NoMatchingPolicy`, `PolicyRequirementsNotMet`
    /// → outside scope; `ExistingOpenRequest`,
    /// `AccessPackageAssignmentRequestExists`, `PendingRequestExists`,
    /// `RequestAlreadyExists` → open request; `AlreadyAssigned`,
    /// `AccessPackageAlreadyAssigned`, `AssignmentAlreadyExists`,
    /// `ExistingAssignment` → already assigned; `ApprovalRequired`,
    /// `PolicyRequiresApproval` → approval; `ResourceNotFound`, `itemNotFound`,
    /// `Request_ResourceNotFound`, `NotFound` → not found. Microsoft documents
    /// none of them for entitlement management; they come from this crate's
    /// fake and from observation. Prefer checking first (as
    /// [`send_idempotent`](super::AdminAdd::send_idempotent) does) to relying
    /// on them.
    ///
    /// ```no_run
    /// use entra_access::api::{RequestProblem, Target};
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let sent = client
    ///     .assignment_requests()
    ///     .admin_add("pkg-1", "pol-1", Target::user("user-1"))
    ///     .send()
    ///     .await;
    /// match sent {
    ///     Ok(r) => println!("requested {}", r.id),
    ///     Err(e) => match RequestProblem::of(&e) {
    ///         RequestProblem::AlreadyAssigned => println!("nothing to do"),
    ///         RequestProblem::OutsidePolicyScope => eprintln!("not allowed by the policy: {e}"),
    ///         _ => return Err(e),
    ///     },
    /// }
    /// # Ok(()) }
    /// ```
    pub fn of(err: &Error) -> Self {
        if err.kind() != ErrorKind::Graph {
            return Self::Other;
        }
        let Some(status) = err.status() else {
            return Self::Other;
        };
        if status == 429 {
            return Self::Throttled;
        }
        if (400..500).contains(&status) {
            if let Some(code) = err.code() {
                let code = code.as_str();
                if let Some((_, p)) = CODES.iter().find(|(c, _)| c.eq_ignore_ascii_case(code)) {
                    return *p;
                }
            }
        }
        if status == 404 {
            return Self::NotFound;
        }
        Self::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::GraphError;

    fn graph(status: u16, code: &str) -> Error {
        let body = serde_json::json!({"error": {"code": code, "message": "You don't meet policy requirements"}});
        let bytes = serde_json::to_vec(&body).unwrap();
        Error::graph(GraphError::from_parts(status, &bytes, |_| None, None))
    }

    #[test]
    fn codes_and_statuses_map_to_problems() {
        use RequestProblem::*;
        for (status, code, want) in [
            (400, "RequestorNotInAllowedScope", OutsidePolicyScope),
            (403, "requestornotinscope", OutsidePolicyScope),
            (400, "ExistingOpenRequest", ExistingOpenRequest),
            (
                409,
                "AccessPackageAssignmentRequestExists",
                ExistingOpenRequest,
            ),
            (400, "AlreadyAssigned", AlreadyAssigned),
            (400, "ApprovalRequired", ApprovalRequired),
            (404, "ResourceNotFound", NotFound),
            (404, "itemNotFound", NotFound),
            (404, "SomethingElse", NotFound),
            (429, "TooManyRequests", Throttled),
            (400, "BadRequest", Other),
            (500, "AlreadyAssigned", Other),
        ] {
            assert_eq!(
                RequestProblem::of(&graph(status, code)),
                want,
                "{status} {code}"
            );
        }
    }

    #[test]
    fn the_message_alone_never_decides() {
        // Same message as a scope refusal, but no code that says so.
        assert_eq!(
            RequestProblem::of(&graph(400, "generalException")),
            RequestProblem::Other
        );
        let not_graph = Error::new(ErrorKind::Transport, "RequestorNotInAllowedScope");
        assert_eq!(RequestProblem::of(&not_graph), RequestProblem::Other);
    }
}
