//! The environment variables [`Client::from_env`] (an application's
//! credentials) and [`ClientBuilder::device_code_from_env`] (a person's
//! sign-in) read.
//!
//! | variable | `Client::from_env` | `device_code_from_env` |
//! |---|---|---|
//! | [`GRAPH_ACCESS_TOKEN`] | a token used as is | refused (unset it) |
//! | [`AZURE_TENANT_ID`], [`AZURE_CLIENT_ID`] | with the secret: client credentials | the public-client app |
//! | [`AZURE_CLIENT_SECRET`] | client credentials | refused (a public client has none) |
//! | [`AZURE_AUTHORITY_HOST`] | optional sign-in authority | optional sign-in authority |
//! | [`GRAPH_BASE_URL`] | optional Graph origin | optional Graph origin |
//!
//! `ClientBuilder::device_code_from_env` needs the feature
//! `client-credentials` (on by default).

use crate::auth::StaticToken;
use crate::error::{Error, Result};
#[allow(unused_imports)] // named by the docs above
use crate::{Client, ClientBuilder};

/// What a device-code sign-in shows the person.
#[cfg(feature = "client-credentials")]
pub(crate) type PromptFn = std::sync::Arc<dyn Fn(&crate::auth::DeviceCodePrompt) + Send + Sync>;

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

/// The variables that carry credentials: when none is set, the
/// environment has no credentials at all (a program may then fall back, to
/// a fake Graph say).
pub const CREDENTIAL_VARIABLES: [&str; 4] = [
    GRAPH_ACCESS_TOKEN,
    AZURE_TENANT_ID,
    AZURE_CLIENT_ID,
    AZURE_CLIENT_SECRET,
];

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
    let any_set = CREDENTIAL_VARIABLES
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

/// [`ClientBuilder::device_code_from_env`] over variables looked up
/// through `get`: a problem is recorded for `build` to report.
#[cfg(feature = "client-credentials")]
pub(crate) fn device_code_from_lookup(
    builder: ClientBuilder,
    get: &dyn Fn(&str) -> Option<std::ffi::OsString>,
    prompt: PromptFn,
) -> ClientBuilder {
    match device_code_settings(get) {
        Ok(s) => {
            let mut builder = builder.device_code(s.tenant, s.client_id, move |p| prompt(p));
            if let Some(base) = s.base_url {
                // Checked now so the message names the variable.
                if let Err(e) = super::builder::parse_graph_origin(&base) {
                    return builder.refused(Error::invalid_input(
                        &format!("environment variable {GRAPH_BASE_URL}"),
                        e,
                    ));
                }
                builder = builder.base_url(base);
            }
            if let Some(host) = s.authority_host {
                if let Err(e) = crate::auth::check_authority_host(&host) {
                    return builder.refused(Error::invalid_input(
                        &format!("environment variable {AZURE_AUTHORITY_HOST}"),
                        e,
                    ));
                }
                builder = builder.authority_host(host);
            }
            builder
        }
        Err(e) => builder.refused(e),
    }
}

/// The device-code settings read from the environment.
#[cfg(feature = "client-credentials")]
#[derive(Debug, PartialEq, Eq)]
struct DeviceCodeSettings {
    tenant: String,
    client_id: String,
    authority_host: Option<String>,
    base_url: Option<String>,
}

#[cfg(feature = "client-credentials")]
fn device_code_settings(
    get: &dyn Fn(&str) -> Option<std::ffi::OsString>,
) -> Result<DeviceCodeSettings> {
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
        (Some(tenant), Some(client_id)) => Ok(DeviceCodeSettings {
            tenant,
            client_id,
            authority_host: var(get, AZURE_AUTHORITY_HOST)?,
            base_url: var(get, GRAPH_BASE_URL)?,
        }),
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
        (None, None) => refuse("needs AZURE_TENANT_ID and AZURE_CLIENT_ID (a public-client app)"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::ffi::OsString;

    use super::*;

    /// An environment of these variables only.
    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
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

    #[cfg(feature = "client-credentials")]
    mod device_code {
        use super::*;

        fn build(vars: &[(&str, &str)]) -> Result<Client> {
            device_code_from_lookup(
                Client::builder(),
                &lookup(vars),
                std::sync::Arc::new(|_| {}),
            )
            .build()
        }

        #[test]
        fn tenant_client_and_optional_hosts() {
            let s = device_code_settings(&lookup(&[
                (AZURE_TENANT_ID, "contoso.onmicrosoft.com"),
                (AZURE_CLIENT_ID, "app"),
                (GRAPH_BASE_URL, "https://graph.microsoft.us"),
            ]))
            .unwrap();
            assert_eq!(s.tenant, "contoso.onmicrosoft.com");
            assert_eq!(s.client_id, "app");
            assert_eq!(s.authority_host, None);
            assert_eq!(s.base_url.as_deref(), Some("https://graph.microsoft.us"));
            let c = build(&[
                (AZURE_TENANT_ID, "contoso.onmicrosoft.com"),
                (AZURE_CLIENT_ID, "app"),
                (GRAPH_BASE_URL, "https://graph.microsoft.us"),
            ])
            .unwrap();
            assert_eq!(c.base_url().as_str(), "https://graph.microsoft.us/v1.0/");
        }

        #[test]
        fn half_a_configuration_names_what_is_missing() {
            let e = build(&[(AZURE_TENANT_ID, "t")]).unwrap_err();
            assert!(e.is_invalid_input());
            assert!(e.to_string().contains(AZURE_CLIENT_ID), "{e}");
            let e = build(&[(AZURE_CLIENT_ID, "c")]).unwrap_err();
            assert!(e.to_string().contains(AZURE_TENANT_ID), "{e}");
            let e = build(&[(GRAPH_ACCESS_TOKEN, "t")]).unwrap_err();
            assert!(e.to_string().contains(GRAPH_ACCESS_TOKEN), "{e}");
            let e = build(&[]).unwrap_err();
            assert!(e.to_string().contains(AZURE_TENANT_ID), "{e}");
            let e = build(&[
                (AZURE_TENANT_ID, "t"),
                (AZURE_CLIENT_ID, "c"),
                (AZURE_CLIENT_SECRET, "s3cret"),
            ])
            .unwrap_err();
            assert!(e.to_string().contains(AZURE_CLIENT_SECRET), "{e}");
            assert!(!e.to_string().contains("s3cret"), "{e}");
        }

        #[test]
        fn bad_values_name_the_variable() {
            for (name, value) in [
                (GRAPH_BASE_URL, "http://example.com"),
                (AZURE_AUTHORITY_HOST, "http://login.example"),
            ] {
                let e = build(&[
                    (AZURE_TENANT_ID, "t"),
                    (AZURE_CLIENT_ID, "c"),
                    (name, value),
                ])
                .unwrap_err();
                assert!(e.is_invalid_input(), "{e}");
                assert!(e.to_string().contains(name), "{e}");
            }
            let e = build(&[(AZURE_TENANT_ID, "a/b"), (AZURE_CLIENT_ID, "c")]).unwrap_err();
            assert!(e.to_string().contains("tenant_id"), "{e}");
        }
    }
}
