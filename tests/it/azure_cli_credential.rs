//! `az login` users sign in as themselves through azure_identity's
//! developer-tool credentials wrapped in `AzureCredential`: a fake `az`
//! program on `PATH` prints what `az account get-access-token -o json`
//! prints, with a delegated token of a FakeGraph, and the client makes a
//! delegated-only call with it.
//!
//! The credentials run `az` through an [`Executor`] that puts the fake `az`
//! first on the child's `PATH`; the test process's own environment is
//! never changed (other tests of this binary read it at the same time).
#![cfg(all(feature = "azure-identity", unix))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::{OsStr, OsString};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, DeveloperToolsCredential,
    DeveloperToolsCredentialOptions, Executor,
};
use entra_access::auth::{AzureCredential, TokenProvider};
use entra_access::Client;
use entra_access_fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};

/// Writes an `az` script into `dir` that records its arguments in
/// `dir/args` and prints `token` the way `az account get-access-token -o
/// json` does (Azure CLI 2.54 or newer: with `expires_on`).
fn fake_az(dir: &Path, token: &str, expires_on: i64) -> PathBuf {
    let args = dir.join("args");
    let script = format!(
        r#"#!/bin/sh
echo "$@" >> '{args}'
cat <<'JSON'
{{
  "accessToken": "{token}",
  "expiresOn": "2030-01-01 00:00:00.000000",
  "expires_on": {expires_on},
  "subscription": "00000000-0000-0000-0000-0000000000aa",
  "tenant": "00000000-0000-0000-0000-0000000000bb",
  "tokenType": "Bearer"
}}
JSON
"#,
        args = args.display()
    );
    let az = dir.join("az");
    std::fs::write(&az, script).unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    args
}

/// Runs the credentials' commands with `path` as their `PATH`.
#[derive(Debug)]
struct WithPath(OsString);

#[async_trait::async_trait]
impl Executor for WithPath {
    async fn run(&self, program: &OsStr, args: &[&OsStr]) -> std::io::Result<Output> {
        tokio::process::Command::new(program)
            .args(args)
            .env("PATH", &self.0)
            .output()
            .await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn az_login_users_sign_in_through_azure_identity() {
    // A FakeGraph where Ada approves a request; "az login" signed Ada in.
    let fake = FakeGraph::builder().manual_progress().start().await;
    let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
    let rita = fake.add_user(UserSeed::new("Rita Requester"));
    let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing"));
    let policy = fake.add_policy(
        PolicySeed::new("Ada approves", &pkg)
            .allow_self_add(true)
            .approval_stage([&ada]),
    );
    fake.delegated_client_for(&rita)
        .unwrap()
        .assignment_requests()
        .user_add(pkg, policy)
        .send()
        .await
        .unwrap();
    fake.settle();

    let dir = std::env::temp_dir().join(format!("entra-access-az-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let expires_on = chrono::Utc::now().timestamp() + 3600;
    let ada_token = fake.delegated_token_for(&ada);
    let args = fake_az(&dir, &ada_token, expires_on);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![dir.clone()];
    paths.extend(std::env::split_paths(&path));
    let executor: Arc<dyn Executor> = Arc::new(WithPath(std::env::join_paths(paths).unwrap()));

    // AzureCliCredential: the token az prints, with its expiry.
    let provider = AzureCredential::new(
        AzureCliCredential::new(Some(AzureCliCredentialOptions {
            executor: Some(Arc::clone(&executor)),
            ..Default::default()
        }))
        .unwrap(),
    );
    let token = provider.token().await.unwrap();
    assert_eq!(token.secret.expose(), ada_token);
    let expires = token
        .expires_at
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(expires, u64::try_from(expires_on).unwrap());
    assert!(!format!("{provider:?}").contains(&ada_token));

    // DeveloperToolsCredential tries az first; the client acts as Ada.
    let provider = AzureCredential::new(
        DeveloperToolsCredential::new(Some(DeveloperToolsCredentialOptions {
            executor: Some(executor),
        }))
        .unwrap(),
    );
    let client = Client::builder()
        .base_url(fake.uri())
        .token_provider(provider)
        .build()
        .unwrap();
    let mine = client.approvals().list_mine().collect().await.unwrap();
    assert_eq!(mine.len(), 1);

    // az was asked for the Graph scope, once per credential.
    let calls = std::fs::read_to_string(&args).unwrap();
    let calls: Vec<&str> = calls.lines().collect();
    assert_eq!(calls.len(), 2, "{calls:?}");
    for call in calls {
        assert_eq!(
            call,
            "account get-access-token -o json --scope https://graph.microsoft.com/.default"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
