//! Plugging in your own token source: a `TokenProvider` that reads the
//! Graph access token from a file which something else keeps fresh (a
//! sidecar, a secret mount, a cron job running
//! `az account get-access-token --resource https://graph.microsoft.com --query accessToken -o tsv`).
//! The client wraps it in its token cache: the file is read once, and read
//! again when Graph answers 401 (the client then calls `invalidate`).
//!
//! It lists the access packages (read-only) to show the provider at work:
//! one tab-separated line each on stdout (id, display name).
//!
//! ```text
//! cargo run --example custom_token_provider -- --token-file /run/secrets/graph-token
//! ```
//!
//! Flags: `--token-file FILE` (or `GRAPH_TOKEN_FILE`). Without it, the
//! example starts a fake Graph, writes one of its tokens to a temporary file
//! and reads that. Environment: optional `GRAPH_BASE_URL` (national clouds).
//!
//! Graph permissions: whatever the token carries; listing packages needs
//! `EntitlementManagement.Read.All`.

#[path = "support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::process::ExitCode;

use async_trait::async_trait;
use clap::Parser;
use entra_access::auth::{AccessToken, AuthError, TokenProvider};
use entra_access::Client;
use futures::TryStreamExt;
use support::output;

/// List access packages with a token read from a file.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// A file holding a Graph access token (surrounding white space is ignored).
    #[arg(long, value_name = "FILE", env = "GRAPH_TOKEN_FILE")]
    token_file: Option<PathBuf>,
}

/// Reads the token from a file each time the client's cache asks for one.
///
/// `Debug` shows the path only: a provider must never print a token.
#[derive(Debug)]
struct FileToken {
    path: PathBuf,
}

#[async_trait]
impl TokenProvider for FileToken {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        let text = tokio::fs::read_to_string(&self.path)
            .await
            .map_err(|e| AuthError::provider(format!("reading {}", self.path.display()), e))?;
        let token = text.trim();
        if token.is_empty() {
            return Err(AuthError::msg(format!("{} is empty", self.path.display())));
        }
        // The file does not say when the token expires: the cache keeps it
        // until Graph refuses it, then asks again. Use `AccessToken::new`
        // with the expiry when you know it, to refresh ahead of time.
        Ok(AccessToken::without_expiry(token.to_owned()))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    output::finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    match args.token_file {
        Some(path) => {
            let mut builder = Client::builder().token_provider(FileToken { path });
            if let Ok(origin) = std::env::var("GRAPH_BASE_URL") {
                builder = builder.base_url(origin);
            }
            list_packages(&builder.build()?).await
        }
        None => with_fake().await,
    }
}

#[cfg(feature = "fake")]
async fn with_fake() -> anyhow::Result<()> {
    let demo = support::demo::Demo::start().await?;
    demo.announce();
    let dir = std::env::temp_dir().join(format!("entra-access-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("graph-token");
    std::fs::write(&path, demo.fake().token())?;
    eprintln!(
        "no --token-file: using a fake Graph token written to {}",
        path.display()
    );
    let client = demo
        .fake()
        .client_builder()
        .token_provider(FileToken { path })
        .build()?;
    let listed = list_packages(&client).await;
    std::fs::remove_dir_all(&dir)?;
    listed
}

#[cfg(not(feature = "fake"))]
async fn with_fake() -> anyhow::Result<()> {
    anyhow::bail!("no --token-file and the `fake` feature is off")
}

async fn list_packages(client: &Client) -> anyhow::Result<()> {
    let mut packages = client.access_packages().list().stream();
    while let Some(p) = packages.try_next().await? {
        println!("{}\t{}", p.id, p.display_name.as_deref().unwrap_or(""));
    }
    Ok(())
}
