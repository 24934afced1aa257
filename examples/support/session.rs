//! Connecting: the real Graph when credentials are set, the demo fake otherwise.

use std::time::Duration;

use entra_access::Client;

/// A client, and the fake Graph behind it when there were no credentials
/// (kept alive for as long as the session).
pub struct Session {
    /// The client every example uses.
    pub client: Client,
    #[cfg(feature = "fake")]
    demo: Option<super::demo::Demo>,
}

impl Session {
    /// Reads the configuration from the environment through
    /// `Client::from_env_if_configured()`: `GRAPH_ACCESS_TOKEN`, or
    /// `AZURE_TENANT_ID` + `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
    /// `AZURE_AUTHORITY_HOST`), and optional `GRAPH_BASE_URL`.
    ///
    /// With no credential variable set, starts a fake Graph seeded with the
    /// demo tenant (see `demo.rs`) and says so on stderr; without the `fake`
    /// feature, that is an error.
    pub async fn connect() -> anyhow::Result<Self> {
        if let Some(client) = Client::from_env_if_configured()? {
            eprintln!("Graph: {}", client.base_url());
            return Ok(Self {
                client,
                #[cfg(feature = "fake")]
                demo: None,
            });
        }
        Self::fake().await
    }

    #[cfg(feature = "fake")]
    async fn fake() -> anyhow::Result<Self> {
        let demo = super::demo::Demo::start().await?;
        demo.announce();
        Ok(Self {
            client: demo.client()?,
            demo: Some(demo),
        })
    }

    #[cfg(not(feature = "fake"))]
    async fn fake() -> anyhow::Result<Self> {
        anyhow::bail!(
            "no credentials and the `fake` feature is off: set GRAPH_ACCESS_TOKEN \
             (or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET), or build with --features fake"
        )
    }

    /// Whether this session talks to the demo fake rather than Graph.
    pub fn is_fake(&self) -> bool {
        #[cfg(feature = "fake")]
        return self.demo.is_some();
        #[cfg(not(feature = "fake"))]
        return false;
    }

    /// The first wait between polls of a request: Graph takes seconds to
    /// minutes to deliver, the fake a few hundred milliseconds.
    pub fn poll_interval(&self) -> Duration {
        if self.is_fake() {
            Duration::from_millis(50)
        } else {
            Duration::from_secs(2)
        }
    }
}
