//! `send_idempotent`: what it returns, and the lookup it does before (and
//! after an uncertain) POST.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use futures::TryStreamExt;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use super::target::Target;
use super::AssignmentRequests;
use crate::api::Assignments;
use crate::error::Result;
use crate::models::{
    AccessPackageId, Assignment, AssignmentRequest, AssignmentState, RequestState,
};
use crate::request::ApiRequest;
use crate::transport::Transport;

/// What [`AdminAdd::send_idempotent`](super::AdminAdd::send_idempotent) did.
///
/// ```no_run
/// use entra_access::api::{Submission, Target};
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let outcome = client
///     .assignment_requests()
///     .admin_add("pkg-1", "pol-1", Target::user("user-1"))
///     .send_idempotent()
///     .await?;
/// match &outcome {
///     Submission::Submitted(r) => println!("requested: {}", r.id),
///     Submission::AlreadyRequested(r) => println!("already requested: {}", r.id),
///     Submission::AlreadyAssigned(a) => println!("already assigned: {}", a.id),
///     _ => {}
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Submission {
    /// A new request was created (or, after a POST whose outcome was
    /// uncertain, the request found for the target is taken to be it).
    Submitted(AssignmentRequest),
    /// An open add request for the same target and package existed; nothing
    /// was posted.
    AlreadyRequested(AssignmentRequest),
    /// The target already holds a delivered or delivering assignment of the
    /// package; nothing was posted.
    AlreadyAssigned(Assignment),
}

impl Submission {
    /// The request, when one was submitted or found.
    pub fn request(&self) -> Option<&AssignmentRequest> {
        match self {
            Self::Submitted(r) | Self::AlreadyRequested(r) => Some(r),
            Self::AlreadyAssigned(_) => None,
        }
    }

    /// Whether this call posted a new request.
    pub fn is_submitted(&self) -> bool {
        matches!(self, Self::Submitted(_))
    }
}

/// An open request or an assignment found for a target.
#[derive(Debug)]
pub(crate) enum Existing {
    Request(Box<AssignmentRequest>),
    Assignment(Box<Assignment>),
}

impl Existing {
    /// Found before posting.
    pub(crate) fn already(self) -> Submission {
        match self {
            Self::Request(r) => Submission::AlreadyRequested(*r),
            Self::Assignment(a) => Submission::AlreadyAssigned(*a),
        }
    }

    /// Found after a POST that may have been processed: the request is
    /// most likely the one just posted.
    pub(crate) fn after_uncertain_post(self) -> Submission {
        match self {
            Self::Request(r) => Submission::Submitted(*r),
            Self::Assignment(a) => Submission::AlreadyAssigned(*a),
        }
    }
}

/// Whether `request` concerns `target`: through its assignment's target, or
/// its requestor where Graph documents that as the person assigned
/// ([`AssignmentRequest::subject`]). E-mail addresses compare ignoring case.
fn concerns(request: &AssignmentRequest, target: &Target) -> bool {
    match target {
        Target::User(id) => request.subject_object_id() == Some(id),
        Target::Email(e) => request
            .subject()
            .and_then(|s| s.email.as_deref())
            .is_some_and(|m| m.eq_ignore_ascii_case(e.address())),
    }
}

/// Looks for an open add request of `package` for `target` (requests listed
/// with `$expand=assignment($expand=target),requestor`), then for a
/// delivered or delivering assignment.
pub(crate) async fn find_existing(
    transport: &Arc<Transport>,
    package: &AccessPackageId,
    target: &Target,
) -> Result<Option<Existing>> {
    let mut requests = AssignmentRequests::new(Arc::clone(transport))
        .list()
        .access_package(package)
        .states(RequestState::OPEN)
        .expand_assignment_target()
        .expand_requestor()
        .stream();
    while let Some(r) = requests.try_next().await? {
        let open = r.state.as_ref().is_none_or(RequestState::is_open);
        if open && r.is_add() && concerns(&r, target) {
            return Ok(Some(Existing::Request(Box::new(r))));
        }
    }

    let list = Assignments::new(Arc::clone(transport))
        .list()
        .access_package(package);
    let list = match target {
        Target::User(id) => list.target_object_id(id),
        Target::Email(_) => list.expand_target(),
    };
    let mut assignments = list.stream();
    while let Some(a) = assignments.try_next().await? {
        let active = a.state.as_ref().is_some_and(AssignmentState::is_held);
        // A directory target was filtered on by Graph; an expanded target
        // that says otherwise is not ours.
        let for_target = match target {
            Target::User(_) => a.target.is_none() || target.matches(&a),
            Target::Email(_) => target.matches(&a),
        };
        if active && for_target {
            return Ok(Some(Existing::Assignment(Box::new(a))));
        }
    }
    Ok(None)
}

/// `send_idempotent`: under the (package, person) lock, look for what
/// exists, post `req` only if nothing does, and after a POST that may have
/// been processed look once more.
pub(crate) async fn send_idempotent(
    transport: &Arc<Transport>,
    package: &AccessPackageId,
    target: &Target,
    req: &ApiRequest,
) -> Result<Submission> {
    let _held = PersonLock::acquire(transport, package, target).await;
    if let Some(found) = find_existing(transport, package, target).await? {
        return Ok(found.already());
    }
    match transport
        .send_json::<AssignmentRequest>(req, "the created assignment request")
        .await
    {
        Ok(created) => Ok(Submission::Submitted(created)),
        Err(e) if e.may_have_been_processed() => {
            tracing::debug!(error = %e, "the POST may have been processed; looking for it");
            match find_existing(transport, package, target).await {
                Ok(Some(found)) => Ok(found.after_uncertain_post()),
                Ok(None) => Err(e),
                Err(lookup) => {
                    tracing::warn!(error = %lookup, "lookup after an uncertain POST failed");
                    Err(e)
                }
            }
        }
        Err(e) => Err(e),
    }
}

/// The in-process locks that keep two `send_idempotent` calls for the same
/// (package, person) from both passing the check before either posts.
/// Process-wide, so clones of a client (and clients of the same Graph root)
/// share them; an entry lives only while someone holds or waits for it.
type LockKey = (String, String, String);

fn person_locks() -> &'static Mutex<HashMap<LockKey, Weak<AsyncMutex<()>>>> {
    static LOCKS: OnceLock<Mutex<HashMap<LockKey, Weak<AsyncMutex<()>>>>> = OnceLock::new();
    LOCKS.get_or_init(Mutex::default)
}

fn lock_map() -> std::sync::MutexGuard<'static, HashMap<LockKey, Weak<AsyncMutex<()>>>> {
    person_locks()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Above this many entries, an insert first drops the dead ones (left by
/// waiters that were cancelled before they got the lock).
const SWEEP_ABOVE: usize = 256;

/// Held for the check-and-post of one `send_idempotent`.
#[derive(Debug)]
pub(crate) struct PersonLock {
    guard: Option<OwnedMutexGuard<()>>,
    lock: Arc<AsyncMutex<()>>,
    key: LockKey,
}

impl PersonLock {
    /// Waits for the lock of (`package`, `target`) on `transport`'s Graph root.
    pub(crate) async fn acquire(
        transport: &Transport,
        package: &AccessPackageId,
        target: &Target,
    ) -> Self {
        let person = match target {
            Target::User(id) => format!("id:{id}"),
            Target::Email(e) => format!("mail:{}", e.address().to_ascii_lowercase()),
        };
        let key = (
            transport.api_root.to_string(),
            package.as_str().to_owned(),
            person,
        );
        let lock = {
            let mut map = lock_map();
            match map.get(&key).and_then(Weak::upgrade) {
                Some(lock) => lock,
                None => {
                    if map.len() >= SWEEP_ABOVE {
                        map.retain(|_, w| w.strong_count() > 0);
                    }
                    let lock = Arc::new(AsyncMutex::new(()));
                    map.insert(key.clone(), Arc::downgrade(&lock));
                    lock
                }
            }
        };
        let guard = Arc::clone(&lock).lock_owned().await;
        Self {
            guard: Some(guard),
            lock,
            key,
        }
    }
}

impl Drop for PersonLock {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut map = lock_map();
        // Ours is the last handle (nobody holds or waits): forget the entry.
        let ours = map
            .get(&self.key)
            .is_some_and(|w| w.ptr_eq(&Arc::downgrade(&self.lock)));
        if ours && Arc::strong_count(&self.lock) == 1 {
            map.remove(&self.key);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::auth::StaticToken;
    use crate::Client;

    #[tokio::test]
    async fn the_lock_serialises_one_person_and_is_forgotten_when_unused() {
        let client = Client::builder()
            .token_provider(StaticToken::new("t"))
            .build()
            .unwrap();
        let transport = client.assignment_requests().transport;
        let pkg = AccessPackageId::new("pkg-lock-test");
        let ada = Target::user("ada-lock-test");
        let first = PersonLock::acquire(&transport, &pkg, &ada).await;
        // Another person is not held up.
        let other = PersonLock::acquire(&transport, &pkg, &Target::user("bob-lock-test")).await;
        drop(other);
        let waiter = {
            let transport = Arc::clone(&transport);
            let (pkg, ada) = (pkg.clone(), ada.clone());
            tokio::spawn(async move { PersonLock::acquire(&transport, &pkg, &ada).await })
        };
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "the same person waits");
        drop(first);
        let second = waiter.await.unwrap();
        drop(second);
        let key_left = lock_map()
            .keys()
            .any(|(_, p, who)| p == "pkg-lock-test" && who.contains("lock-test"));
        assert!(!key_left, "unused entries are dropped");
    }
}
