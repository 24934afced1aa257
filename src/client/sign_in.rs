//! [`Client::connect`]: how a program signs in, chosen at run time.
//!
//! [`SignIn::auto`] takes the environment's credentials. [`SignIn::device_code`]
//! signs in as the person at the keyboard: the identity platform's
//! device-code flow ([`DeviceCode`](crate::auth::DeviceCode)) with the
//! public-client app named by `AZURE_TENANT_ID` and `AZURE_CLIENT_ID`.

use std::fmt;
#[cfg(feature = "client-credentials")]
use std::sync::Arc;

#[cfg(feature = "client-credentials")]
use super::env::{
    var, AZURE_AUTHORITY_HOST, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TENANT_ID,
    GRAPH_ACCESS_TOKEN, GRAPH_BASE_URL,
};
#[cfg(feature = "client-credentials")]
use crate::error::Error;
use crate::error::Result;
use crate::Client;

#[cfg(feature = "client-credentials")]
type PromptFn = Arc<dyn Fn(&crate::auth::DeviceCodePrompt) + Send + Sync>;

/// How [`Client::connect`] signs in.
///
/// ```
/// use entra_access::SignIn;
///
/// assert!(!SignIn::auto().is_device_code());
/// ```
#[derive(Clone, Default)]
pub struct SignIn {
    kind: Kind,
}

#[derive(Clone, Default)]
enum Kind {
    /// Credentials from the environment.
    #[default]
    Auto,
    /// Device-code sign-in; the callback shows the URL and code.
    #[cfg(feature = "client-credentials")]
    DeviceCode(PromptFn),
}

impl SignIn {
    /// The environment's credentials, as [`Client::from_env`] reads them.
    ///
    /// ```no_run
    /// # async fn demo() -> entra_access::Result<()> {
    /// use entra_access::{Client, SignIn};
    ///
    /// let client = Client::connect(SignIn::auto()).await?;
    /// let packages = client.access_packages().list().collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn auto() -> Self {
        Self::default()
    }

    /// Signs in as a person with a device code; `prompt` receives the page
    /// to open and the code to enter (a program prints them on stderr).
    ///
    /// Reads `AZURE_TENANT_ID` and `AZURE_CLIENT_ID` (a public-client app:
    /// no secret), `AZURE_AUTHORITY_HOST` when set, and `GRAPH_BASE_URL`
    /// (the token's scope is that origin's `/.default`, plus
    /// `offline_access` so a refresh token keeps the session going).
    ///
    /// ```
    /// use entra_access::SignIn;
    ///
    /// let sign_in = SignIn::device_code(|prompt| eprintln!("{prompt}"));
    /// assert!(sign_in.is_device_code());
    /// ```
    #[cfg(feature = "client-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client-credentials")))]
    pub fn device_code(
        prompt: impl Fn(&crate::auth::DeviceCodePrompt) + Send + Sync + 'static,
    ) -> Self {
        Self {
            kind: Kind::DeviceCode(Arc::new(prompt)),
        }
    }

    /// [`device_code`](Self::device_code) when `device_code` is true (a
    /// program's `--device-code` flag), else [`auto`](Self::auto).
    ///
    /// ```
    /// use entra_access::SignIn;
    ///
    /// let flag_given = false;
    /// assert!(!SignIn::device_code_if(flag_given, |p| eprintln!("{p}")).is_device_code());
    /// ```
    #[cfg(feature = "client-credentials")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client-credentials")))]
    pub fn device_code_if(
        device_code: bool,
        prompt: impl Fn(&crate::auth::DeviceCodePrompt) + Send + Sync + 'static,
    ) -> Self {
        if device_code {
            Self::device_code(prompt)
        } else {
            Self::auto()
        }
    }

    /// Whether this signs in with a device code.
    pub fn is_device_code(&self) -> bool {
        match self.kind {
            Kind::Auto => false,
            #[cfg(feature = "client-credentials")]
            Kind::DeviceCode(_) => true,
        }
    }
}

impl fmt::Debug for SignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_device_code() {
            "SignIn::DeviceCode"
        } else {
            "SignIn::Auto"
        })
    }
}

impl Client {
    /// A client signed in as `sign_in` says: see [`SignIn`].
    ///
    /// With a device code, the sign-in happens here: the prompt is shown
    /// and this waits (up to the code's lifetime, typically 15 minutes)
    /// until the person has signed in, so the first Graph call does not.
    /// Misconfiguration (a tenant without a client id, a client secret
    /// where a public client is needed) is an `InvalidInput` error naming
    /// the variable; a refused or expired sign-in an auth error.
    ///
    /// ```no_run
    /// use entra_access::{Client, SignIn};
    ///
    /// # async fn demo(device_code: bool) -> entra_access::Result<()> {
    /// let client = Client::connect(SignIn::device_code_if(device_code, |p| eprintln!("{p}"))).await?;
    /// let mine = client.approvals().list_mine().collect().await?;
    /// # let _ = mine; Ok(()) }
    /// ```
    pub async fn connect(sign_in: SignIn) -> Result<Client> {
        let get = |name: &str| std::env::var_os(name);
        match sign_in.kind {
            Kind::Auto => Client::from_env(),
            #[cfg(feature = "client-credentials")]
            Kind::DeviceCode(prompt) => device_code(&get, prompt).await,
        }
    }
}

/// The device-code settings read from the environment: `None` when no
/// credential variable is set at all.
#[cfg(feature = "client-credentials")]
#[derive(Debug, PartialEq, Eq)]
struct Settings {
    tenant: String,
    client_id: String,
    authority_host: Option<String>,
    base_url: Option<String>,
}

#[cfg(feature = "client-credentials")]
fn settings(get: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> Result<Option<Settings>> {
    let tenant = var(get, AZURE_TENANT_ID)?;
    let client_id = var(get, AZURE_CLIENT_ID)?;
    let refuse = |problem: &str| Err(Error::invalid_input("device-code sign-in", problem));
    if var(get, AZURE_CLIENT_SECRET)?.is_some() {
        return refuse(
            "uses a public-client app without a secret, but AZURE_CLIENT_SECRET is set; \
             unset it (or sign in as the application without the device code)",
        );
    }
    match (tenant, client_id) {
        (Some(tenant), Some(client_id)) => Ok(Some(Settings {
            tenant,
            client_id,
            authority_host: var(get, AZURE_AUTHORITY_HOST)?,
            base_url: var(get, GRAPH_BASE_URL)?,
        })),
        (Some(_), None) => refuse(
            "needs AZURE_CLIENT_ID (the application id of a public-client app) besides AZURE_TENANT_ID",
        ),
        (None, Some(_)) => refuse(
            "needs AZURE_TENANT_ID (the tenant id or domain) besides AZURE_CLIENT_ID",
        ),
        (None, None) if var(get, GRAPH_ACCESS_TOKEN)?.is_some() => refuse(
            "needs AZURE_TENANT_ID and AZURE_CLIENT_ID (a public-client app), \
             not GRAPH_ACCESS_TOKEN; unset it or drop the device code",
        ),
        (None, None) => Ok(None),
    }
}

#[cfg(feature = "client-credentials")]
async fn device_code(
    get: &(dyn Fn(&str) -> Option<std::ffi::OsString> + Sync),
    prompt: PromptFn,
) -> Result<Client> {
    use crate::auth::DeviceCode;
    use crate::Cloud;

    let Some(s) = settings(get)? else {
        return Err(Error::invalid_input(
            "device-code sign-in",
            "needs AZURE_TENANT_ID and AZURE_CLIENT_ID (a public-client app)",
        ));
    };
    let config = |what: &str, e: &dyn fmt::Display| {
        Error::invalid_input(&format!("environment variable {what}"), e)
    };
    let mut sign_in = DeviceCode::new(s.tenant, s.client_id, move |p| prompt(p))
        .map_err(|e| Error::invalid_input("environment: device-code sign-in", e))?;
    let mut builder = Client::builder();
    if let Some(base) = s.base_url {
        let origin =
            super::builder::parse_graph_origin(&base).map_err(|e| config(GRAPH_BASE_URL, &e))?;
        // The token is for this Graph origin; the authority follows its cloud.
        sign_in = sign_in
            .cloud(Cloud::of_graph_url(&origin).unwrap_or_default())
            .scopes([format!("{origin}.default")]);
        builder = builder.base_url(base);
    }
    if let Some(host) = s.authority_host {
        sign_in = sign_in
            .authority_host(&host)
            .map_err(|e| config(AZURE_AUTHORITY_HOST, &e))?;
    }
    sign_in.sign_in().await.map_err(Error::auth)?;
    builder.token_provider(sign_in).build()
}

#[cfg(all(test, feature = "client-credentials"))]
mod tests {
    use super::super::env::tests::lookup;
    use super::*;

    #[test]
    fn nothing_set_means_nothing_configured() {
        assert_eq!(settings(&lookup(&[])).unwrap(), None);
    }

    #[test]
    fn tenant_client_and_optional_hosts() {
        let s = settings(&lookup(&[
            (AZURE_TENANT_ID, "contoso.onmicrosoft.com"),
            (AZURE_CLIENT_ID, "app"),
            (GRAPH_BASE_URL, "https://graph.microsoft.us"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(s.tenant, "contoso.onmicrosoft.com");
        assert_eq!(s.client_id, "app");
        assert_eq!(s.authority_host, None);
        assert_eq!(s.base_url.as_deref(), Some("https://graph.microsoft.us"));
    }

    #[test]
    fn half_a_configuration_names_what_is_missing() {
        let e = settings(&lookup(&[(AZURE_TENANT_ID, "t")])).unwrap_err();
        assert!(e.is_invalid_input());
        assert!(e.to_string().contains(AZURE_CLIENT_ID), "{e}");
        let e = settings(&lookup(&[(AZURE_CLIENT_ID, "c")])).unwrap_err();
        assert!(e.to_string().contains(AZURE_TENANT_ID), "{e}");
        let e = settings(&lookup(&[(GRAPH_ACCESS_TOKEN, "t")])).unwrap_err();
        assert!(e.to_string().contains(GRAPH_ACCESS_TOKEN), "{e}");
        let e = settings(&lookup(&[
            (AZURE_TENANT_ID, "t"),
            (AZURE_CLIENT_ID, "c"),
            (AZURE_CLIENT_SECRET, "s3cret"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains(AZURE_CLIENT_SECRET), "{e}");
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }

    #[test]
    fn connecting_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let auto = Client::connect(SignIn::auto());
        assert_send(&auto);
        let device_code = Client::connect(SignIn::device_code(|_| {}));
        assert_send(&device_code);
    }

    #[test]
    fn debug_names_the_choice_only() {
        assert_eq!(format!("{:?}", SignIn::auto()), "SignIn::Auto");
        assert_eq!(
            format!("{:?}", SignIn::device_code(|_| {})),
            "SignIn::DeviceCode"
        );
    }
}
