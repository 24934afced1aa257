//! The environment variables [`Client::from_env`] and
//! [`Client::connect`] read.

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
