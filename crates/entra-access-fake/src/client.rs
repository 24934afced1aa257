//! Clients and providers pointed at the fake, and the fake's state as the
//! crate's models.

use std::time::{Duration, Instant};

use super::token::{self, TokenSpec};
use super::FakeGraph;
use entra_access::models::{Assignment, AssignmentRequest, ObjectId};
use entra_access::{Client, ClientBuilder, RetryPolicy};

impl FakeGraph {
    /// An app-only bearer token the fake accepts for as long as it runs: a
    /// JWT whose `roles` are the app's
    /// [application permissions](Self::set_application_permissions). The
    /// same token until those change.
    pub fn token(&self) -> String {
        token::static_token(&mut self.state(), Instant::now())
    }

    /// A [`StaticToken`](entra_access::auth::StaticToken) provider with [`token`](Self::token).
    pub fn token_provider(&self) -> entra_access::auth::StaticToken {
        entra_access::auth::StaticToken::new(self.token())
    }

    /// A token as `spec` says (for the app or a user; other permissions,
    /// audience or tenant; expired; opaque), accepted for as long as the
    /// fake runs unless it is expired.
    pub fn token_with(&self, spec: TokenSpec) -> String {
        token::mint(&mut self.state(), &spec, None, Instant::now())
    }

    /// A [`Client`] like [`client`](Self::client) whose calls carry the
    /// token [`token_with`](Self::token_with) mints for `spec`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> entra_access::Result<()> {
    /// use entra_access_fake::{FakeGraph, TokenSpec};
    ///
    /// let fake = FakeGraph::start().await;
    /// let reader = fake.client_with(TokenSpec::app().application_permissions(["EntitlementManagement.Read.All"]))?;
    /// assert!(reader.access_packages().list().send().await.is_ok());
    /// let expired = fake.client_with(TokenSpec::app().expired())?;
    /// assert!(expired.access_packages().list().send().await.unwrap_err().is_auth());
    /// # Ok(())
    /// # }
    /// ```
    pub fn client_with(&self, spec: TokenSpec) -> entra_access::Result<Client> {
        self.client_builder()
            .token_provider(entra_access::auth::StaticToken::new(self.token_with(spec)))
            .build()
    }

    /// A [`ClientBuilder`] already pointed at the fake with a token it
    /// accepts, and short retry backoffs (10 ms doubling up to 200 ms;
    /// `Retry-After` is still honoured in full). Change anything before `build()`.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.uri())
            .token_provider(self.token_provider())
            .retry_policy(
                RetryPolicy::default()
                    .initial_backoff(Duration::from_millis(10))
                    .max_backoff(Duration::from_millis(200)),
            )
    }

    /// A [`Client`] pointed at the fake (see [`client_builder`](Self::client_builder)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> entra_access::Result<()> {
    /// use entra_access_fake::{AccessPackageSeed, FakeGraph};
    ///
    /// let fake = FakeGraph::start().await;
    /// fake.add_access_package(AccessPackageSeed::new("Marketing"));
    /// let client = fake.client()?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn client(&self) -> entra_access::Result<Client> {
        self.client_builder().build()
    }

    /// A bearer token the fake accepts forever as **delegated**: the calls it
    /// makes act as the signed-in user `user` (a seeded user's object id),
    /// with the scopes and directory roles of
    /// [`set_user_access`](Self::set_user_access) (default: everything).
    ///
    /// The fake's other tokens ([`token`](Self::token), and those its
    /// client-credentials endpoint issues) are app-only, and Graph refuses
    /// app-only tokens on the delegated-only operations
    /// (`assignments/filterByCurrentUser`, `assignmentRequests/filterByCurrentUser`,
    /// `assignments/additionalAccess`, `assignmentRequests/{id}/cancel`)
    /// with 403 `accessDenied`. Use this token (or
    /// [`delegated_client_for`](Self::delegated_client_for)) to call them.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> entra_access::Result<()> {
    /// use entra_access_fake::{FakeGraph, UserSeed};
    ///
    /// let fake = FakeGraph::start().await;
    /// let ada = fake.add_user(UserSeed::new("Ada"));
    /// let token = fake.delegated_token_for(&ada);
    /// assert_ne!(token, fake.token());
    /// # Ok(())
    /// # }
    /// ```
    pub fn delegated_token_for(&self, user: &ObjectId) -> String {
        self.token_with(TokenSpec::user(user))
    }

    /// A [`ClientBuilder`] like [`client_builder`](Self::client_builder) whose
    /// calls act as the signed-in user `user` (see
    /// [`delegated_token_for`](Self::delegated_token_for)).
    pub fn delegated_client_builder_for(&self, user: &ObjectId) -> ClientBuilder {
        self.client_builder()
            .token_provider(entra_access::auth::StaticToken::new(
                self.delegated_token_for(user),
            ))
    }

    /// A [`Client`] whose calls act as the signed-in user `user`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> entra_access::Result<()> {
    /// use entra_access::api::AssignmentsOfCurrentUser;
    /// use entra_access_fake::{FakeGraph, UserSeed};
    ///
    /// let fake = FakeGraph::start().await;
    /// let ada = fake.add_user(UserSeed::new("Ada"));
    /// let mine = fake
    ///     .delegated_client_for(&ada)?
    ///     .assignments()
    ///     .filter_by_current_user(AssignmentsOfCurrentUser::Target)
    ///     .collect()
    ///     .await?;
    /// assert!(mine.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn delegated_client_for(&self, user: &ObjectId) -> entra_access::Result<Client> {
        self.delegated_client_builder_for(user).build()
    }

    /// A client-credentials provider for the fake's token endpoint, with the
    /// tenant, client id and secret the fake accepts.
    #[allow(clippy::result_large_err)] // the providers' own error type
    pub fn client_credentials(
        &self,
    ) -> Result<entra_access::auth::ClientCredentials, entra_access::auth::AuthError> {
        entra_access::auth::ClientCredentials::new(
            self.tenant_id(),
            self.client_id(),
            self.client_secret(),
        )?
        .authority_host(self.uri())
    }

    /// Every assignment as `GET …/assignments?$expand=target,accessPackage,assignmentPolicy`
    /// would return it, decoded into the crate's model.
    pub fn graph_assignments(&self) -> Vec<Assignment> {
        self.assignments()
            .iter()
            .filter_map(|a| self.assignment_json(&a.id))
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect()
    }

    /// Every request as `GET …/assignmentRequests?$expand=accessPackage,assignment,requestor`
    /// would return it, decoded into the crate's model.
    pub fn graph_assignment_requests(&self) -> Vec<AssignmentRequest> {
        self.assignment_requests()
            .iter()
            .filter_map(|r| self.assignment_request_json(&r.id))
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect()
    }
}
