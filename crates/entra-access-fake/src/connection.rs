//! [`Connection`]: the environment's credentials, or the demo tenant when
//! there are none, for programs (the examples) that run anywhere.

use std::time::Duration;

use entra_access::auth::DeviceCodePrompt;
use entra_access::env::CREDENTIAL_VARIABLES;
use entra_access::models::ObjectId;
use entra_access::{Client, Error, ErrorKind, Result};

use crate::{demo, FakeGraph};

/// A client for Graph when the environment has credentials, or for a fake
/// Graph holding the [demo tenant](crate::demo) when it has none: what the
/// example programs start with, so they run on a fresh machine. Keep it
/// alive as long as the client is used: dropping it stops the fake.
///
/// ```no_run
/// # async fn run() -> entra_access::Result<()> {
/// use entra_access_fake::Connection;
///
/// let device_code = false; // a program's --device-code flag
/// let conn = Connection::start(device_code, |prompt| eprintln!("{prompt}")).await?;
/// eprintln!("{}", conn.banner());
/// let packages = conn.client().access_packages().list().collect().await?;
/// # let _ = packages; Ok(()) }
/// ```
#[derive(Debug)]
pub struct Connection {
    client: Client,
    demo: Option<FakeGraph>,
    /// How the demo's user signed in, for the banner.
    demo_sign_in: &'static str,
}

impl Connection {
    /// Signs in from the environment — as a person with a device code when
    /// `device_code` is true
    /// ([`ClientBuilder::device_code_from_env`](entra_access::ClientBuilder::device_code_from_env);
    /// `prompt` shows the page and the code), else with the application's
    /// credentials ([`Client::from_env`]) — or, when no credential variable
    /// is set at all ([`CREDENTIAL_VARIABLES`]), starts the demo tenant
    /// signed in as its approver ([`demo::APPROVER`]): through the fake's
    /// own device-code endpoint when `device_code` is true.
    ///
    /// With a device code, the prompt shows at the first call that needs a
    /// token, once.
    pub async fn start(
        device_code: bool,
        prompt: impl Fn(&DeviceCodePrompt) + Send + Sync + 'static,
    ) -> Result<Self> {
        if !has_credentials()? {
            return if device_code {
                demo_device_code(prompt).await
            } else {
                Self::start_demo().await
            };
        }
        let client = if device_code {
            Client::builder().device_code_from_env(prompt).build()?
        } else {
            Client::from_env()?
        };
        Ok(Self {
            client,
            demo: None,
            demo_sign_in: "",
        })
    }

    /// A new fake Graph holding the [demo tenant](crate::demo), whatever
    /// the environment says, signed in as the demo's approver
    /// ([`demo::APPROVER`]).
    pub async fn start_demo() -> Result<Self> {
        let fake = demo::demo_tenant().await;
        let approver = ObjectId::new(demo::APPROVER);
        Ok(Self {
            client: fake.delegated_client_for(&approver)?,
            demo: Some(fake),
            demo_sign_in: "with a delegated token of the fake",
        })
    }

    /// The client to use.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Whether the client talks to the demo fake rather than Graph.
    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    /// The running demo fake, if this is one (to seed more data or look at
    /// what it received).
    pub fn demo(&self) -> Option<&FakeGraph> {
        self.demo.as_ref()
    }

    /// What a program tells its user on stderr: `Graph: <api root>`, or
    /// that this is the demo fake, the ids it holds and who is signed in.
    pub fn banner(&self) -> String {
        match &self.demo {
            Some(fake) => format!(
                "{}\n  signed in as {} {}",
                demo::describe(fake),
                demo::signed_in_user(),
                self.demo_sign_in
            ),
            None => format!("Graph: {}", self.client.base_url()),
        }
    }

    /// A sensible first wait between polls of a request: Graph takes
    /// seconds to minutes to deliver (2 s), the demo fake a few hundred
    /// milliseconds (50 ms).
    pub fn poll_interval(&self) -> Duration {
        if self.is_demo() {
            Duration::from_millis(50)
        } else {
            Duration::from_secs(2)
        }
    }
}

/// Whether any credential variable is set (unset and blank are not).
fn has_credentials() -> Result<bool> {
    for name in CREDENTIAL_VARIABLES {
        match std::env::var_os(name) {
            None => {}
            Some(v) => match v.into_string() {
                Ok(s) if s.trim().is_empty() => {}
                Ok(_) => return Ok(true),
                Err(_) => {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        format!("environment variable {name} is not valid UTF-8"),
                    ))
                }
            },
        }
    }
    Ok(false)
}

/// The demo fake, signed in through its device-code endpoint as the demo's
/// approver (who "enters the code" at once).
async fn demo_device_code(
    prompt: impl Fn(&DeviceCodePrompt) + Send + Sync + 'static,
) -> Result<Connection> {
    let fake = demo::demo_tenant().await;
    fake.sign_in_device_codes_as(Some(&ObjectId::new(demo::APPROVER)));
    fake.set_device_code_interval(1);
    let client = fake
        .client_builder()
        .authority_host(fake.uri())
        .device_code(fake.tenant_id(), fake.client_id(), prompt)
        .build()?;
    Ok(Connection {
        client,
        demo: Some(fake),
        demo_sign_in: "with a device code, through the fake's device-code endpoint",
    })
}
