//! `Client::from_env`: configuration from environment variables.

use crate::auth::StaticToken;
use crate::error::{Error, Result};
use crate::{Client, ClientBuilder};

/// `GRAPH_ACCESS_TOKEN`: a bearer token used as is.
pub const GRAPH_ACCESS_TOKEN: &str = "GRAPH_ACCESS_TOKEN";
/// `AZURE_TENANT_ID`: tenant for client credentials.
pub const AZURE_TENANT_ID: &str = "AZURE_TENANT_ID";
/// `AZURE_CLIENT_ID`: application (client) id for client credentials.
pub const AZURE_CLIENT_ID: &str = "AZURE_CLIENT_ID";
/// `AZURE_CLIENT_SECRET`: client secret for client credentials.
pub const AZURE_CLIENT_SECRET: &str = "AZURE_CLIENT_SECRET";
/// `AZURE_AUTHORITY_HOST`: optional sign-in authority (national clouds).
#[cfg_attr(not(feature = "client-credentials"), allow(dead_code))]
pub const AZURE_AUTHORITY_HOST: &str = "AZURE_AUTHORITY_HOST";
/// `GRAPH_BASE_URL`: optional Graph origin (default `https://graph.microsoft.com`).
pub const GRAPH_BASE_URL: &str = "GRAPH_BASE_URL";

const CREDENTIAL_VARS: [&str; 4] = [
    GRAPH_ACCESS_TOKEN,
    AZURE_TENANT_ID,
    AZURE_CLIENT_ID,
    AZURE_CLIENT_SECRET,
];

/// A client from the environment (or signed in with a device code), or one
/// talking to the demo tenant of a fake Graph (feature `fake`) when no
/// credential variable is set; see [`Client::connect`]. Keep it alive as long as the client is
/// used: dropping it stops the fake.
#[derive(Debug)]
pub struct Connection {
    client: Client,
    #[cfg(feature = "fake")]
    demo: Option<crate::fake::FakeGraph>,
    /// How the demo's user signed in, for the banner.
    #[cfg(feature = "fake")]
    demo_sign_in: &'static str,
}

impl Connection {
    /// A connection to Graph (not the demo).
    pub(crate) fn graph(client: Client) -> Self {
        Self {
            client,
            #[cfg(feature = "fake")]
            demo: None,
            #[cfg(feature = "fake")]
            demo_sign_in: "",
        }
    }

    /// A connection to the demo fake whose client acts as the demo's
    /// approver, signed in with a device code or a token handed out by the
    /// fake.
    #[cfg(feature = "fake")]
    pub(crate) fn for_demo(
        client: Client,
        fake: crate::fake::FakeGraph,
        device_code: bool,
    ) -> Self {
        Self {
            client,
            demo: Some(fake),
            demo_sign_in: if device_code {
                "with a device code, through the fake's device-code endpoint"
            } else {
                "with a delegated token of the fake"
            },
        }
    }

    /// A connection to a new fake Graph holding the
    /// [demo tenant](crate::fake::demo), whatever the environment says,
    /// signed in as the demo's approver
    /// ([`demo::APPROVER`](crate::fake::demo::APPROVER)); an
    /// `InvalidInput` error when the crate was built without the `fake`
    /// feature.
    pub async fn start_demo() -> Result<Connection> {
        demo_connection().await
    }

    /// The client to use.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Whether the client talks to the demo fake rather than Graph.
    pub fn is_demo(&self) -> bool {
        #[cfg(feature = "fake")]
        return self.demo.is_some();
        #[cfg(not(feature = "fake"))]
        return false;
    }

    /// The running demo fake, if this is one (to seed more data or look
    /// at what it received).
    #[cfg(feature = "fake")]
    #[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
    pub fn demo(&self) -> Option<&crate::fake::FakeGraph> {
        self.demo.as_ref()
    }

    /// For the demo fake: a bearer token it accepts and a client builder
    /// pointed at it (with its own token provider, which a program may
    /// replace); `None` when this is Graph. For programs that show how to
    /// bring their own token provider.
    pub fn demo_token_and_builder(&self) -> Option<(String, crate::ClientBuilder)> {
        #[cfg(feature = "fake")]
        if let Some(fake) = &self.demo {
            return Some((fake.token(), fake.client_builder()));
        }
        None
    }

    /// What a program should tell its user on stderr: `Graph: <api root>`,
    /// or that this is the demo fake and the ids it holds.
    pub fn banner(&self) -> String {
        #[cfg(feature = "fake")]
        if let Some(fake) = &self.demo {
            return format!(
                "{}\n  signed in as {} {}",
                crate::fake::demo::describe(fake),
                crate::fake::demo::signed_in_user(),
                self.demo_sign_in
            );
        }
        format!("Graph: {}", self.client.base_url())
    }

    /// A sensible first wait between polls of a request: Graph takes
    /// seconds to minutes to deliver (2 s), the demo fake a few hundred
    /// milliseconds (50 ms).
    pub fn poll_interval(&self) -> std::time::Duration {
        if self.is_demo() {
            std::time::Duration::from_millis(50)
        } else {
            std::time::Duration::from_secs(2)
        }
    }
}

/// The demo fake, with a client acting as the demo's approver.
#[cfg(feature = "fake")]
pub(crate) async fn demo_connection() -> Result<Connection> {
    let fake = crate::fake::demo_tenant().await;
    let approver = crate::models::ObjectId::new(crate::fake::demo::APPROVER);
    Ok(Connection::for_demo(
        fake.delegated_client_for(&approver)?,
        fake,
        false,
    ))
}

#[cfg(not(feature = "fake"))]
pub(crate) async fn demo_connection() -> Result<Connection> {
    Err(Error::invalid_input(
        "environment",
        "has no credentials: set GRAPH_ACCESS_TOKEN, or AZURE_TENANT_ID, AZURE_CLIENT_ID and \
         AZURE_CLIENT_SECRET (or build entra-access with the `fake` feature for a demo tenant)",
    ))
}

/// Reads a variable; unset and empty are both "not set". Non-UTF-8 is an error.
pub(crate) fn var(
    get: &dyn Fn(&str) -> Option<std::ffi::OsString>,
    name: &str,
) -> Result<Option<String>> {
    match get(name) {
        None => Ok(None),
        Some(v) => match v.into_string() {
            Ok(s) if s.trim().is_empty() => Ok(None),
            Ok(s) => Ok(Some(s.trim().to_owned())),
            Err(_) => Err(Error::invalid_input(
                &format!("environment variable {name}"),
                "is not valid UTF-8",
            )),
        },
    }
}

/// Builds a client from variables looked up through `get`; `Ok(None)` when
/// no credential variable is set at all.
pub(crate) fn from_lookup(
    get: &dyn Fn(&str) -> Option<std::ffi::OsString>,
) -> Result<Option<Client>> {
    let any_set = CREDENTIAL_VARS
        .iter()
        .map(|name| var(get, name))
        .collect::<Result<Vec<_>>>()?
        .iter()
        .any(Option::is_some);
    if !any_set {
        return Ok(None);
    }
    let mut builder = Client::builder();
    if let Some(base) = var(get, GRAPH_BASE_URL)? {
        builder = builder.base_url(base);
        // Checked now so the message names the variable.
        super::builder::parse_graph_origin(&var(get, GRAPH_BASE_URL)?.unwrap_or_default())
            .map_err(|e| {
                Error::invalid_input(&format!("environment variable {GRAPH_BASE_URL}"), e)
            })?;
    }
    let builder = with_credentials(builder, get)?;
    builder.build().map(Some)
}

fn with_credentials(
    builder: ClientBuilder,
    get: &dyn Fn(&str) -> Option<std::ffi::OsString>,
) -> Result<ClientBuilder> {
    if let Some(token) = var(get, GRAPH_ACCESS_TOKEN)? {
        return Ok(builder.token_provider(StaticToken::new(token)));
    }
    let tenant = var(get, AZURE_TENANT_ID)?;
    let client_id = var(get, AZURE_CLIENT_ID)?;
    let secret = var(get, AZURE_CLIENT_SECRET)?;
    let missing: Vec<&str> = [
        (AZURE_TENANT_ID, tenant.is_none()),
        (AZURE_CLIENT_ID, client_id.is_none()),
        (AZURE_CLIENT_SECRET, secret.is_none()),
    ]
    .iter()
    .filter(|(_, missing)| *missing)
    .map(|(name, _)| *name)
    .collect();
    let (Some(tenant), Some(client_id), Some(secret)) = (tenant, client_id, secret) else {
        return Err(Error::invalid_input(
            "environment",
            format!(
                "sets some client-credential variables but not {}",
                missing.join(", ")
            ),
        ));
    };
    client_credentials(builder, get, tenant, client_id, secret)
}

#[cfg(feature = "client-credentials")]
fn client_credentials(
    builder: ClientBuilder,
    get: &dyn Fn(&str) -> Option<std::ffi::OsString>,
    tenant: String,
    client_id: String,
    secret: String,
) -> Result<ClientBuilder> {
    use crate::auth::ClientCredentials;
    // Checked now so the messages name the variables; the builder then sets
    // the authority and scope from the Graph host (GRAPH_BASE_URL).
    let creds = ClientCredentials::new(tenant.as_str(), client_id.as_str(), secret.as_str())
        .map_err(|e| Error::invalid_input("environment: client credentials", e))?;
    let mut builder = builder.client_credentials(tenant, client_id, secret);
    if let Some(host) = var(get, AZURE_AUTHORITY_HOST)? {
        creds.authority_host(&host).map_err(|e| {
            Error::invalid_input(&format!("environment variable {AZURE_AUTHORITY_HOST}"), e)
        })?;
        builder = builder.authority_host(host);
    }
    Ok(builder)
}

#[cfg(not(feature = "client-credentials"))]
fn client_credentials(
    _builder: ClientBuilder,
    _get: &dyn Fn(&str) -> Option<std::ffi::OsString>,
    _tenant: String,
    _client_id: String,
    _secret: String,
) -> Result<ClientBuilder> {
    Err(Error::invalid_input(
        "environment",
        "sets AZURE_CLIENT_SECRET, but the `client-credentials` feature is disabled",
    ))
}

#[cfg(test)]
pub(super) mod tests {
    use std::collections::HashMap;
    use std::ffi::OsString;

    use super::*;

    /// An environment of these variables only (also for the sign-in tests).
    pub(in crate::client) fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(*v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn nothing_set_means_no_client() {
        assert!(from_lookup(&lookup(&[])).unwrap().is_none());
        assert!(from_lookup(&lookup(&[(GRAPH_ACCESS_TOKEN, "  ")]))
            .unwrap()
            .is_none());
    }

    #[test]
    fn a_token_and_a_base_url() {
        let c = from_lookup(&lookup(&[
            (GRAPH_ACCESS_TOKEN, "t"),
            (GRAPH_BASE_URL, "https://graph.microsoft.us"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(c.base_url().as_str(), "https://graph.microsoft.us/v1.0/");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = from_lookup(&lookup(&[
            (GRAPH_ACCESS_TOKEN, "t"),
            (GRAPH_BASE_URL, "http://example.com"),
        ]))
        .unwrap_err();
        assert!(e.is_invalid_input());
        assert!(e.to_string().contains(GRAPH_BASE_URL), "{e}");
        let e =
            from_lookup(&lookup(&[(AZURE_TENANT_ID, "t"), (AZURE_CLIENT_ID, "c")])).unwrap_err();
        assert!(e.to_string().contains(AZURE_CLIENT_SECRET), "{e}");
        assert!(!e.to_string().contains(AZURE_TENANT_ID), "{e}");
    }

    #[cfg(feature = "client-credentials")]
    #[test]
    fn client_credentials_and_authority() {
        let ok = from_lookup(&lookup(&[
            (AZURE_TENANT_ID, "contoso.onmicrosoft.com"),
            (AZURE_CLIENT_ID, "00000000-0000-0000-0000-000000000001"),
            (AZURE_CLIENT_SECRET, "s3cret-value"),
            (AZURE_AUTHORITY_HOST, "https://login.microsoftonline.us"),
        ]))
        .unwrap()
        .unwrap();
        assert!(!format!("{ok:?}").contains("s3cret-value"));
        let e = from_lookup(&lookup(&[
            (AZURE_TENANT_ID, "a/b"),
            (AZURE_CLIENT_ID, "c"),
            (AZURE_CLIENT_SECRET, "s"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("tenant_id"), "{e}");
        let e = from_lookup(&lookup(&[
            (AZURE_TENANT_ID, "t"),
            (AZURE_CLIENT_ID, "c"),
            (AZURE_CLIENT_SECRET, "s"),
            (AZURE_AUTHORITY_HOST, "http://login.example"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains(AZURE_AUTHORITY_HOST), "{e}");
    }
}
