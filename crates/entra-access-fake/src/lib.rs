//! `FakeGraph`: a stateful, in-process fake of Microsoft Graph entitlement
//! management, for tests and demos. **Not for production.**
//!
//! It listens on loopback, answers like Graph (collections with absolute
//! `@odata.nextLink`, Graph error envelopes with `request-id` headers,
//! asynchronous request processing), serves the client-credentials token
//! endpoint, and lets a test seed data, inject faults and inspect what it
//! received. See `docs/testing.md` for a guide and the list of error codes.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> entra_access::Result<()> {
//! use entra_access_fake::{AccessPackageSeed, AssignmentSeed, FakeGraph, PolicySeed, UserSeed};
//! use entra_access::models::AssignmentState;
//!
//! let fake = FakeGraph::builder().seed(7).page_size(2).manual_progress().start().await;
//! let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
//! let policy = fake.add_policy(PolicySeed::new("Direct assignment", &pkg));
//! for name in ["Ada", "Bob", "Cy"] {
//!     let user = fake.add_user(UserSeed::new(name));
//!     fake.add_assignment(AssignmentSeed::new(&pkg, &policy, &user));
//! }
//!
//! // The code under test talks to the fake like to Graph.
//! let client = fake.client()?;
//! let delivered = client
//!     .assignments()
//!     .list()
//!     .access_package(pkg.clone())
//!     .state(AssignmentState::Delivered)
//!     .collect()
//!     .await?;
//! assert_eq!(delivered.len(), 3);
//! assert_eq!(fake.count("GET", "/v1.0/identityGovernance/entitlementManagement/assignments"), 2);
//! # Ok(())
//! # }
//! ```

#![doc = include_str!("../../../docs/testing.md")]

mod approvals;
mod catalogs;
mod chaos;
mod client;
mod connection;
mod control;
mod current_user;
pub mod demo;
mod device_code;
mod directory;
mod documented;
mod em_read;
mod em_write;
mod evolvable;
mod faults;
mod filters;
mod front;
mod ids;
mod incompatible;
mod introspect;
mod lifecycle;
mod paging;
mod permissions;
mod query;
mod render;
mod reply;
mod routes;
mod scheduled;
mod scope;
mod seed;
mod seeding;
mod state;
mod token;
mod workflows;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

pub use chaos::Chaos;
pub use connection::Connection;
pub use demo::demo_tenant;
pub use faults::{Fault, FaultKind};
pub use introspect::{AssignmentSnapshot, ReceivedRequest, RequestSnapshot};
pub use permissions::{
    directory_roles, Licence, UserAccess, DEFAULT_APPLICATION_PERMISSIONS, DEFAULT_SCOPES,
};
pub use seed::{
    AccessPackageSeed, AssignmentSeed, CatalogSeed, DeviceSeed, GroupSeed, PolicySeed,
    QuestionSeed, RequestSeed, ServicePrincipalSeed, UserSeed,
};

use routes::{FakeResponder, Shared};
use state::{lock, Config, State};
pub use token::TokenSpec;

/// A running fake of Graph. Dropping it stops the server.
pub struct FakeGraph {
    /// Kept alive for as long as the fake runs.
    _server: MockServer,
    _front: Option<front::Front>,
    shared: Arc<Shared>,
}

impl fmt::Debug for FakeGraph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeGraph")
            .field("uri", &self.shared.uri)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`FakeGraph`]; start it with [`start`](FakeGraphBuilder::start).
#[derive(Debug, Clone)]
#[must_use]
pub struct FakeGraphBuilder {
    seed: u64,
    page_size: usize,
    top_as_total: bool,
    step_delay: Option<Duration>,
    catalog_scoped: bool,
    token_lifetime: Duration,
    tenant_id: Option<String>,
    client_id: Option<String>,
    client_secret: String,
    rate_limit: Option<f64>,
    latency: Option<Duration>,
    chaos: Option<Chaos>,
}

impl Default for FakeGraphBuilder {
    fn default() -> Self {
        Self {
            seed: 0,
            page_size: 100,
            top_as_total: false,
            step_delay: Some(Duration::from_millis(100)),
            catalog_scoped: false,
            token_lifetime: Duration::from_secs(3599),
            tenant_id: None,
            client_id: None,
            client_secret: "fake-client-secret".into(),
            rate_limit: None,
            latency: None,
            chaos: None,
        }
    }
}

impl FakeGraphBuilder {
    /// Seed of the id generator (default 0). The same seed and the same
    /// sequence of calls give the same ids.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Items per page of every list (default 100). A smaller `$top` wins.
    pub fn page_size(mut self, n: usize) -> Self {
        self.page_size = n.max(1);
        self
    }

    /// Read `$top` as a total, as some Graph lists do (Graph's paging
    /// page: a page size "might be ignored, … default to the maximum, or …
    /// return an error"): a list asked with `$top=n` answers its first `n`
    /// items in one page with no `@odata.nextLink`. Without `$top` lists
    /// page as usual.
    pub fn top_as_total(mut self, on: bool) -> Self {
        self.top_as_total = on;
        self
    }

    /// Requests take one step (submitted → delivering → delivered) every
    /// `delay` (default 100 ms), observed lazily whenever the fake is used.
    pub fn step_delay(mut self, delay: Duration) -> Self {
        self.step_delay = Some(delay);
        self
    }

    /// Requests move only when the test calls [`FakeGraph::advance`],
    /// [`FakeGraph::advance_all`] or [`FakeGraph::settle`].
    pub fn manual_progress(mut self) -> Self {
        self.step_delay = None;
        self
    }

    /// Behave like Graph for a caller with catalog-scoped roles only: lists
    /// of assignments and requests without a top-level
    /// `accessPackage/id eq '…'` filter get 403 `AccessDenied`.
    pub fn catalog_scoped(mut self, on: bool) -> Self {
        self.catalog_scoped = on;
        self
    }

    /// Lifetime of tokens issued by the token endpoint (default 3599 s).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// The tenant the token endpoint accepts (default: a seeded GUID).
    pub fn tenant_id(mut self, tenant: &str) -> Self {
        self.tenant_id = Some(tenant.to_owned());
        self
    }

    /// The client id and secret the token endpoint accepts (defaults: a
    /// seeded GUID and `fake-client-secret`).
    pub fn client_credentials(mut self, client_id: &str, client_secret: &str) -> Self {
        self.client_id = Some(client_id.to_owned());
        self.client_secret = client_secret.to_owned();
        self
    }

    /// Answer 429 with `Retry-After` when Graph requests come faster than
    /// `per_second` (token bucket, bursts up to one second's worth).
    pub fn rate_limit(mut self, per_second: f64) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// Delay every Graph response by `delay`.
    pub fn latency(mut self, delay: Duration) -> Self {
        self.latency = Some(delay);
        self
    }

    /// A seeded random mix of faults for the whole run (see [`Chaos`]).
    pub fn chaos(mut self, chaos: Chaos) -> Self {
        self.chaos = Some(chaos);
        self
    }

    /// Starts the fake on a free loopback port.
    pub async fn start(self) -> FakeGraph {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let front = front::Front::start(*server.address());
        let uri = front
            .as_ref()
            .map_or_else(|| server.uri(), front::Front::uri);
        let mut idgen = ids::IdGen::new(self.seed ^ 0xFA4E_6A9F);
        let cfg = Config {
            page_size: self.page_size,
            top_is_total: self.top_as_total,
            step_delay: self.step_delay,
            catalog_scoped: self.catalog_scoped,
            token_lifetime: self.token_lifetime,
            tenant_id: self.tenant_id.unwrap_or_else(|| idgen.next_id()),
            client_id: self.client_id.unwrap_or_else(|| idgen.next_id()),
            client_secret: self.client_secret,
            // The id skipped here named the static token before tokens were
            // JWTs; skipping it keeps the seeded app object id as it was.
            app_object_id: {
                idgen.next_id();
                idgen.next_id()
            },
        };
        let mut st = State::new(cfg, self.seed);
        st.access = permissions::Access::new(&uri);
        st.faults.latency = self.latency;
        st.faults.set_chaos(self.chaos);
        st.faults.set_rate_limit(self.rate_limit, Instant::now());
        let shared = Arc::new(Shared {
            uri,
            state: Mutex::new(st),
        });
        Mock::given(any())
            .respond_with(FakeResponder(shared.clone()))
            .mount(&server)
            .await;
        FakeGraph {
            _server: server,
            _front: front,
            shared,
        }
    }
}

impl FakeGraph {
    /// Starts a fake with default settings.
    pub async fn start() -> FakeGraph {
        FakeGraphBuilder::default().start().await
    }

    /// Settings for a fake.
    pub fn builder() -> FakeGraphBuilder {
        FakeGraphBuilder::default()
    }

    /// The origin to point a client at, e.g. `http://127.0.0.1:41234`
    /// (Graph paths start with `/v1.0/` below it). It is also the authority
    /// host of the token endpoint.
    pub fn uri(&self) -> &str {
        &self.shared.uri
    }

    /// The token endpoint: `{uri}/{tenant}/oauth2/v2.0/token`.
    pub fn token_url(&self) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.uri(), self.tenant_id())
    }

    /// The tenant the token endpoint accepts.
    pub fn tenant_id(&self) -> String {
        self.state().cfg.tenant_id.clone()
    }

    /// The client id the token endpoint accepts.
    pub fn client_id(&self) -> String {
        self.state().cfg.client_id.clone()
    }

    /// The client secret the token endpoint accepts.
    pub fn client_secret(&self) -> entra_access::auth::Secret {
        entra_access::auth::Secret::new(self.state().cfg.client_secret.clone())
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        let mut st = lock(&self.shared.state);
        let now = Instant::now();
        scheduled::release(&mut st, now);
        lifecycle::tick(&mut st, now);
        st
    }
}
