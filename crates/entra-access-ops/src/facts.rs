//! What planning is decided from: a package's assignments and open
//! requests, and the members of its desired set. Read through the client's handles (and its one throttle
//! gate), or built by hand to plan from facts gathered elsewhere.

use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use entra_access::models::{
    AccessPackageId, Assignment, AssignmentId, AssignmentPolicyId, AssignmentRequest,
    AssignmentRequestId, AssignmentState, DirectoryObject, ObjectId, RequestState, RequestType,
};
use entra_access::{Client, Result};

use crate::{Person, Reason};

/// How many packages are read at the same time. Each package reads two
/// listings at once, so this is about twice the connections in flight;
/// the client's throttle gate still pauses them all on a 429.
pub(crate) const PACKAGES_AT_ONCE: usize = 32;

/// The assignment states a package's facts keep: everything but expired.
pub(crate) const LIVE_STATES: [AssignmentState; 4] = [
    AssignmentState::Delivering,
    AssignmentState::PartiallyDelivered,
    AssignmentState::Delivered,
    AssignmentState::DeliveryFailed,
];

/// One assignment of a package, as planning needs it.
///
/// ```
/// use entra_access::models::{Assignment, AssignmentState};
/// use entra_access_ops::AssignmentFact;
///
/// let a: Assignment = serde_json::from_value(serde_json::json!({
///     "id": "as-1", "state": "delivered",
///     "target": {"objectId": "user-1", "email": "ada@contoso.com"},
///     "assignmentPolicy": {"id": "pol-1"}
/// }))?;
/// let fact = AssignmentFact::from_assignment(&a);
/// assert!(fact.is_held());
/// assert_eq!(fact.policy.unwrap().as_str(), "pol-1");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AssignmentFact {
    /// The assignment id.
    pub id: AssignmentId,
    /// Its state.
    pub state: Option<AssignmentState>,
    /// The policy it was made under.
    pub policy: Option<AssignmentPolicyId>,
    /// The target's object id.
    pub target: Option<ObjectId>,
    /// The target's e-mail (people outside the directory).
    pub email: Option<String>,
    /// The target's principal name, when Graph said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
}

impl AssignmentFact {
    /// From an assignment listed with `$expand=target,assignmentPolicy`.
    pub fn from_assignment(a: &Assignment) -> Self {
        Self {
            id: a.id.clone(),
            state: a.state.clone(),
            policy: a.policy_id().cloned(),
            target: a.target_object_id().cloned(),
            email: a.target.as_ref().and_then(|t| t.email.clone()),
            principal_name: a.target.as_ref().and_then(|t| t.principal_name.clone()),
        }
    }

    /// Whether the target holds the package through it: delivered,
    /// delivering or partially delivered.
    /// ([`AssignmentState::is_held`]).
    pub fn is_held(&self) -> bool {
        self.state.as_ref().is_some_and(AssignmentState::is_held)
    }

    /// Whether the assignment is `person`'s: its target's object id, or
    /// its target's e-mail (ignoring case). An assignment without a target
    /// is nobody's.
    pub fn is_for(&self, person: &Person) -> bool {
        match person {
            Person::User(id) => self.target.as_ref() == Some(id),
            Person::Email(e) => self
                .email
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(e)),
        }
    }
}

/// One request of a package, as planning needs it.
///
/// ```
/// use entra_access::models::AssignmentRequest;
/// use entra_access_ops::RequestFact;
///
/// let r: AssignmentRequest = serde_json::from_value(serde_json::json!({
///     "id": "rq-1", "requestType": "adminAdd", "state": "pendingApproval",
///     "assignment": {"target": {"objectId": "user-1"}}
/// }))?;
/// let fact = RequestFact::from_request(&r);
/// assert!(fact.is_open() && fact.is_add());
/// assert_eq!(fact.target.unwrap().as_str(), "user-1");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RequestFact {
    /// The request id.
    pub id: AssignmentRequestId,
    /// Its state.
    pub state: Option<RequestState>,
    /// Its type.
    pub request_type: Option<RequestType>,
    /// Whom it is for (object id).
    pub target: Option<ObjectId>,
    /// Whom it is for (e-mail, for people outside the directory).
    pub email: Option<String>,
    /// The assignment it concerns, when it has one yet.
    pub assignment_id: Option<AssignmentId>,
}

impl RequestFact {
    /// From a request listed with `$expand=assignment($expand=target),requestor`.
    pub fn from_request(r: &AssignmentRequest) -> Self {
        // Whom it concerns: the crate's one rule (assignment target, else the
        // requestor of the request types where that is the person).
        Self {
            id: r.id.clone(),
            state: r.state.clone(),
            request_type: r.request_type.clone(),
            target: r.subject_object_id().cloned(),
            email: r.subject().and_then(|s| s.email.clone()),
            assignment_id: r
                .assignment
                .as_deref()
                .map(|a| a.id.clone())
                .filter(|id| !id.as_str().is_empty()),
        }
    }

    /// Whether the request is still in flight (submitted, pending approval,
    /// delivering or scheduled).
    pub fn is_open(&self) -> bool {
        self.state.as_ref().is_some_and(RequestState::is_open)
    }

    /// Whether it asks for an assignment to be created (`adminAdd`,
    /// `userAdd`, `systemAdd`, `onBehalfAdd`); a request of unknown type
    /// counts as one, as in the bulk engine: it still blocks a second add.
    /// ([`RequestType::may_add`], as [`AssignmentRequest::is_add`]).
    pub fn is_add(&self) -> bool {
        RequestType::may_add(self.request_type.as_ref())
    }

    /// Whether it asks for an assignment to be removed (`adminRemove`,
    /// `userRemove`, `systemRemove`).
    pub fn is_removal(&self) -> bool {
        self.request_type
            .as_ref()
            .is_some_and(RequestType::is_removal)
    }

    /// Whether the request concerns `person` (its assignment's target or
    /// requestor, by object id or e-mail ignoring case). A request naming
    /// nobody concerns nobody.
    pub fn is_for(&self, person: &Person) -> bool {
        match person {
            Person::User(id) => self.target.as_ref() == Some(id),
            Person::Email(e) => self
                .email
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(e)),
        }
    }
}

/// Everything a package's plan is decided from on the Graph side.
///
/// ```
/// use entra_access_ops::PackageFacts;
///
/// let facts = PackageFacts::new("pkg-1");
/// assert!(facts.assignments.is_empty() && facts.open_requests.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PackageFacts {
    /// The package.
    pub access_package: AccessPackageId,
    /// Its assignments that are not expired ([`gather`](Self::gather)
    /// reads only those). Expired ones hold nothing: facts built by hand
    /// may include them, planning treats them as none, and the
    /// [`Observed`](super::Observed) fingerprint leaves them out.
    pub assignments: Vec<AssignmentFact>,
    /// Its open requests.
    pub open_requests: Vec<RequestFact>,
}

impl PackageFacts {
    /// No assignments, no requests (fill the fields to plan from facts you
    /// gathered yourself).
    pub fn new(access_package: impl Into<AccessPackageId>) -> Self {
        Self {
            access_package: access_package.into(),
            assignments: Vec::new(),
            open_requests: Vec::new(),
        }
    }

    /// Reads the package's live assignments (not expired, with target and
    /// policy) and its open requests (with their assignment's target and
    /// requestor), the two listings at the same time.
    ///
    /// The one read of a package's facts: planning and applying, whatever
    /// made the plan, read them here, so every plan of a package is stale
    /// on exactly the same changes.
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// use entra_access_ops::PackageFacts;
    /// let facts = PackageFacts::gather(&client, "pkg-1".into()).await?;
    /// println!("{} live assignments", facts.assignments.len());
    /// # Ok(()) }
    /// ```
    pub async fn gather(client: &Client, access_package: AccessPackageId) -> Result<Self> {
        let assignments = client
            .assignments()
            .list()
            .access_package(access_package.clone())
            .states(LIVE_STATES)
            .expand_target()
            .expand_policies()
            .stream()
            .map_ok(|a| AssignmentFact::from_assignment(&a))
            .try_collect::<Vec<_>>();
        let requests = super::recheck::open_requests(client, &access_package)
            .map_ok(|r| RequestFact::from_request(&r))
            .try_collect::<Vec<_>>();
        let (assignments, open_requests) = futures::try_join!(assignments, requests)?;
        Ok(Self {
            access_package,
            assignments,
            open_requests,
        })
    }

    /// Gathers several packages concurrently (up to 32 at a time), in the
    /// order given.
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// use entra_access_ops::PackageFacts;
    /// let all = PackageFacts::gather_all(&client, vec!["pkg-1".into(), "pkg-2".into()]).await?;
    /// assert_eq!(all.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn gather_all(client: &Client, packages: Vec<AccessPackageId>) -> Result<Vec<Self>> {
        futures::stream::iter(packages)
            .map(|p| Self::gather(client, p))
            .buffered(PACKAGES_AT_ONCE)
            .try_collect()
            .await
    }
}

/// Someone in a package's desired set ([`Source`](crate::Source)), as
/// planning needs them: a user, a person outside the directory by e-mail,
/// or a group member that is not a user (reported, never planned).
///
/// ```
/// use entra_access_ops::{MemberFact, Person, Reason};
///
/// let ada = MemberFact::user("ada-id", Some("ada@contoso.com".into()));
/// assert!(ada.is_user());
/// let kiosk = MemberFact::other("kiosk-id", "device");
/// assert_eq!(kiosk.not_a_user.as_deref(), Some("device"));
/// let ana = MemberFact::email("ana@fabrikam.com");
/// assert_eq!(ana.person, Person::Email("ana@fabrikam.com".into()));
/// assert_eq!(ana.reason, Some(Reason::ListedEmail));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MemberFact {
    /// Who: a directory object id, or an e-mail address.
    pub person: Person,
    /// The user principal name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
    /// `None` for a user or an e-mail; else the member's type without the
    /// `#microsoft.graph.` prefix (`group`, `device`, `servicePrincipal`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_a_user: Option<String>,
    /// Why the person is desired (the reason an add gives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

impl MemberFact {
    /// A user, by object id.
    pub fn user(id: impl Into<ObjectId>, principal_name: Option<String>) -> Self {
        Self {
            person: Person::User(id.into()),
            principal_name,
            not_a_user: None,
            reason: None,
        }
    }

    /// A person outside the directory, by e-mail.
    pub fn email(address: impl Into<String>) -> Self {
        Self {
            person: Person::Email(address.into()),
            principal_name: None,
            not_a_user: None,
            reason: Some(Reason::ListedEmail),
        }
    }

    /// A member that is not a user, with its type (`device`, `group`…).
    pub fn other(id: impl Into<ObjectId>, kind: impl Into<String>) -> Self {
        Self {
            person: Person::User(id.into()),
            principal_name: None,
            not_a_user: Some(kind.into()),
            reason: None,
        }
    }

    /// The same member, desired for `reason`.
    #[must_use]
    pub fn because(mut self, reason: Reason) -> Self {
        self.reason = Some(reason);
        self
    }

    /// Whether the member can hold a package (a user, or an e-mail): only
    /// those are planned.
    pub fn is_user(&self) -> bool {
        self.not_a_user.is_none()
    }

    /// A listed group member that is a user.
    pub(crate) fn from_user(u: DirectoryObject) -> Self {
        Self::user(u.id, u.user_principal_name)
    }

    /// `#microsoft.graph.group` → `group`; `unknown` when Graph sent no type.
    pub(crate) fn from_other(o: DirectoryObject) -> Self {
        let t = o.odata_type.as_deref().unwrap_or("unknown");
        let kind = t.strip_prefix("#microsoft.graph.").unwrap_or(t).to_owned();
        Self::other(o.id, kind)
    }
}
