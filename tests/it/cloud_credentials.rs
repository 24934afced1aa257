//! Cloud settings reach the credentials: the builder's cloud (or a national
//! Graph base URL) sets the sign-in authority and the token scope of client
//! credentials, and a scope of another cloud is refused at build time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use entra_access::auth::ClientCredentials;
use entra_access::{Client, Cloud};

fn debug(client: &Client) -> String {
    format!("{client:?}")
}

#[test]
fn the_cloud_sets_authority_and_scope() {
    for (cloud, login, scope) in [
        (
            Cloud::Global,
            "https://login.microsoftonline.com",
            "https://graph.microsoft.com/.default",
        ),
        (
            Cloud::UsGov,
            "https://login.microsoftonline.us",
            "https://graph.microsoft.us/.default",
        ),
        (
            Cloud::UsGovDod,
            "https://login.microsoftonline.us",
            "https://dod-graph.microsoft.us/.default",
        ),
        (
            Cloud::China,
            "https://login.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn/.default",
        ),
    ] {
        let client = Client::builder()
            .cloud(cloud)
            .client_credentials("tenant-1", "client-1", "s3cr3t-value")
            .build()
            .unwrap();
        let text = debug(&client);
        assert!(
            text.contains(&format!(
                "token_url: \"{login}/tenant-1/oauth2/v2.0/token\""
            )),
            "{cloud:?}: {text}"
        );
        assert!(
            text.contains(&format!("scope: \"{scope}\"")),
            "{cloud:?}: {text}"
        );
        assert!(!text.contains("s3cr3t-value"), "secret in Debug");
    }
}

#[test]
fn a_national_base_url_sets_them_too_and_an_authority_can_be_named() {
    let client = Client::builder()
        .base_url("https://graph.microsoft.us")
        .client_credentials("tenant-1", "client-1", "secret")
        .build()
        .unwrap();
    let text = debug(&client);
    assert!(
        text.contains("https://login.microsoftonline.us/tenant-1/"),
        "{text}"
    );
    assert!(
        text.contains("scope: \"https://graph.microsoft.us/.default\""),
        "{text}"
    );

    let client = Client::builder()
        .cloud(Cloud::China)
        .client_credentials("tenant-1", "client-1", "secret")
        .authority_host("https://login.partner.microsoftonline.cn")
        .build()
        .unwrap();
    assert!(debug(&client).contains("https://login.partner.microsoftonline.cn/tenant-1/"));
}

#[test]
fn a_scope_of_another_cloud_is_refused_at_build() {
    let global = ClientCredentials::new("tenant-1", "client-1", "secret").unwrap();
    let err = Client::builder()
        .cloud(Cloud::UsGov)
        .token_provider(global.clone())
        .build()
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    assert!(err.to_string().contains("graph.microsoft.us"), "{err}");
    assert!(Client::builder()
        .base_url("https://dod-graph.microsoft.us")
        .token_provider(global.clone())
        .build()
        .is_err());
    // Matching clouds build; so does a loopback fake with any scope.
    Client::builder()
        .cloud(Cloud::UsGov)
        .token_provider(global.clone().cloud(Cloud::UsGov))
        .build()
        .unwrap();
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .token_provider(global)
        .build()
        .unwrap();
}

#[test]
fn bad_credentials_are_refused_at_build() {
    let err = Client::builder()
        .client_credentials("tenant-1", "client-1", "")
        .build()
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
}
