//! `submit_once`: send an `adminAdd` unless the person already holds the
//! package or has an open request for it, and after a POST whose answer was
//! lost look again instead of sending twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use futures::TryStreamExt;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use entra_access::api::{AdminAdd, Target};
use entra_access::error::Result;
use entra_access::models::{
    AccessPackageId, Assignment, AssignmentRequest, AssignmentState, ObjectId, RequestState,
};
use entra_access::Client;

/// What [`submit_once`] did.
///
/// ```no_run
/// use entra_access::api::Target;
/// use entra_access_ops::Submission;
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let add = client
///     .assignment_requests()
///     .admin_add("pkg-1", "pol-1", Target::user("user-1"));
/// match entra_access_ops::submit_once(&client, add).await? {
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
    /// The target already holds an assignment of the package (delivered,
    /// delivering or partially delivered); nothing was posted.
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

/// Sends `add` only if its target has neither an open add request for the
/// package nor an assignment of it (delivered, delivering or partially
/// delivered); otherwise returns what exists. If the POST fails in a way
/// that may have been processed, looks once more and returns what it finds
/// (a request as [`Submission::Submitted`]) before reporting the error.
///
/// `client` does the lookups; pass the client `add` was built from. Input
/// the builder refuses is refused before any lookup.
///
/// What counts as the target's: a request whose assignment's target is the
/// person, or, while it has no assignment yet, whose requestor is (see
/// [`AssignmentRequest::subject_object_id`]); an assignment whose expanded
/// target is the person. Object ids and e-mail addresses compare ignoring
/// ASCII case, as Graph compares them; an assignment without a target is
/// nobody's, whatever Graph's filter let through. Concurrent calls in this
/// process for the same package and person take turns (a process-wide
/// lock, so clones of a client share it), so only one of them posts.
///
/// The lookup costs two list calls: open requests of the package (with
/// `$expand=assignment($expand=target),requestor`), then assignments of the
/// package for the target with the target expanded (for an e-mail target,
/// all assignments of the package).
///
/// ```no_run
/// use entra_access::api::Target;
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let add = client
///     .assignment_requests()
///     .admin_add("pkg-1", "pol-1", Target::user("user-1"))
///     .justification("onboarding");
/// // Running this twice requests nothing twice.
/// let submission = entra_access_ops::submit_once(&client, add).await?;
/// if let Some(request) = submission.request() {
///     let done = client.assignment_requests().wait_until_final(&request.id).send().await?;
///     println!("{:?}", done.state);
/// }
/// # Ok(()) }
/// ```
pub async fn submit_once(client: &Client, add: AdminAdd) -> Result<Submission> {
    add.request()?;
    let package = add.access_package().clone();
    let target = add.target().clone();
    let _turn = PersonLock::acquire(client, &package, &target).await;
    if let Some(found) = find_existing(client, &package, &target).await? {
        return Ok(found.already());
    }
    match add.send().await {
        Ok(created) => Ok(Submission::Submitted(created)),
        Err(e) if e.may_have_been_processed() => {
            tracing::debug!(error = %e, "the POST may have been processed; looking for it");
            match find_existing(client, &package, &target).await {
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

/// An open request or an assignment found for a target.
#[derive(Debug)]
enum Existing {
    Request(Box<AssignmentRequest>),
    Assignment(Box<Assignment>),
}

impl Existing {
    /// Found before posting.
    fn already(self) -> Submission {
        match self {
            Self::Request(r) => Submission::AlreadyRequested(*r),
            Self::Assignment(a) => Submission::AlreadyAssigned(*a),
        }
    }

    /// Found after a POST that may have been processed: the request is
    /// most likely the one just posted.
    fn after_uncertain_post(self) -> Submission {
        match self {
            Self::Request(r) => Submission::Submitted(*r),
            Self::Assignment(a) => Submission::AlreadyAssigned(*a),
        }
    }
}

/// Whether two object ids name the same principal (GUIDs, compared
/// ignoring ASCII case).
fn same_id(a: &ObjectId, b: &ObjectId) -> bool {
    a.as_str().eq_ignore_ascii_case(b.as_str())
}

/// Whether `request` concerns `target`: through its assignment's target, or
/// its requestor while it names no assignment
/// ([`AssignmentRequest::subject`]).
fn concerns(request: &AssignmentRequest, target: &Target) -> bool {
    match target {
        Target::User(id) => request.subject_object_id().is_some_and(|s| same_id(s, id)),
        Target::Email(e) => request
            .subject()
            .and_then(|s| s.email.as_deref())
            .is_some_and(|m| m.eq_ignore_ascii_case(e.address())),
        _ => false,
    }
}

/// Whether `assignment` is held by `target`, by its target as Graph shows
/// it; an assignment without a target is nobody's.
fn held_by(assignment: &Assignment, target: &Target) -> bool {
    match target {
        Target::User(id) => assignment
            .target_object_id()
            .is_some_and(|t| same_id(t, id)),
        Target::Email(e) => assignment
            .target
            .as_ref()
            .and_then(|t| t.email.as_deref())
            .is_some_and(|m| m.eq_ignore_ascii_case(e.address())),
        _ => false,
    }
}

/// Looks for an open add request of `package` for `target`, then for an
/// assignment of it the target holds.
async fn find_existing(
    client: &Client,
    package: &AccessPackageId,
    target: &Target,
) -> Result<Option<Existing>> {
    let mut requests = client
        .assignment_requests()
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

    let list = client.assignments().list().access_package(package);
    let list = match target.object_id() {
        Some(id) => list.target_object_id(id),
        None => list,
    };
    let mut assignments = list.expand_target().stream();
    while let Some(a) = assignments.try_next().await? {
        let active = a.state.as_ref().is_some_and(AssignmentState::is_held);
        if active && held_by(&a, target) {
            return Ok(Some(Existing::Assignment(Box::new(a))));
        }
    }
    Ok(None)
}

/// (Graph root, package, person): whose check-and-post takes turns.
type LockKey = (String, String, String);

type Locks = Mutex<HashMap<LockKey, Weak<AsyncMutex<()>>>>;

/// The in-process locks that keep two `submit_once` calls for the same
/// (package, person) from both passing the check before either posts.
/// Process-wide, so clones of a client (and clients of the same Graph root)
/// share them; an entry lives only while someone holds or waits for it.
fn lock_map() -> std::sync::MutexGuard<'static, HashMap<LockKey, Weak<AsyncMutex<()>>>> {
    static LOCKS: OnceLock<Locks> = OnceLock::new();
    // A poisoned map only means another thread panicked while holding it;
    // the map itself is still sound.
    LOCKS
        .get_or_init(Locks::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Above this many entries, an insert first drops the dead ones (left by
/// waiters that were cancelled before they got the lock).
const SWEEP_ABOVE: usize = 256;

/// Held for the check-and-post of one `submit_once`.
#[derive(Debug)]
struct PersonLock {
    guard: Option<OwnedMutexGuard<()>>,
    lock: Arc<AsyncMutex<()>>,
    key: LockKey,
}

impl PersonLock {
    /// Waits for the lock of (`package`, `target`) on `client`'s Graph root.
    async fn acquire(client: &Client, package: &AccessPackageId, target: &Target) -> Self {
        let person = match (target.object_id(), target.email_address()) {
            (Some(id), _) => format!("id:{}", id.as_str().to_ascii_lowercase()),
            (None, Some(mail)) => format!("mail:{}", mail.to_ascii_lowercase()),
            (None, None) => format!("other:{target:?}"),
        };
        let key = (
            client.base_url().to_string(),
            package.as_str().to_ascii_lowercase(),
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
    use entra_access::auth::StaticToken;

    #[tokio::test]
    async fn the_lock_serialises_one_person_and_is_forgotten_when_unused() {
        let client = Client::builder()
            .token_provider(StaticToken::new("t"))
            .build()
            .unwrap();
        let pkg = AccessPackageId::new("pkg-lock-test");
        let ada = Target::user("ada-lock-test");
        let first = PersonLock::acquire(&client, &pkg, &ada).await;
        // Another person is not held up.
        let other = PersonLock::acquire(&client, &pkg, &Target::user("bob-lock-test")).await;
        drop(other);
        let waiter = {
            let client = client.clone();
            // The same person, spelled in upper case.
            let (pkg, ada) = (pkg.clone(), Target::user("ADA-LOCK-TEST"));
            tokio::spawn(async move { PersonLock::acquire(&client, &pkg, &ada).await })
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
