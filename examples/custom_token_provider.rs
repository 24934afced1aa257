//! Plugging in your own token source: a `TokenProvider` (made from an
//! async closure with `token_fn`; to implement the trait on a type of your
//! own, add the `async-trait` crate) that reads the
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
//! Flags: `--token-file FILE` (or `GRAPH_TOKEN_FILE`); `--device-code` signs
//! in as yourself instead (see `Connection::start`). Without either, the
//! example starts a fake Graph, writes one of its tokens to a temporary file
//! and reads that. Environment: optional `GRAPH_BASE_URL` (national clouds).
//!
//! Graph permissions: whatever the token carries; listing packages needs
//! `EntitlementManagement.Read.All`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use entra_access::auth::{token_fn, AccessToken, AuthError, TokenProvider};
use entra_access::doctor::{hint, Capability};
use entra_access::Client;
use entra_access_fake::Connection;
use futures::TryStreamExt;

/// What this program's job needs from Graph (reads access packages and
/// assignments): a refused call's error line names the permission or role it
/// lacks.
const JOB: Capability = Capability::List;

/// List access packages with a token read from a file.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long)]
    device_code: bool,
    /// A file holding a Graph access token (surrounding white space is ignored).
    #[arg(long, value_name = "FILE", env = "GRAPH_TOKEN_FILE")]
    token_file: Option<PathBuf>,
}

/// Reads the token from a file each time the client's cache asks for one.
/// The provider's `Debug` shows no token: a provider must never print one.
fn file_token(path: PathBuf) -> impl TokenProvider {
    token_fn(move || {
        let path = path.clone();
        async move {
            let text = tokio::fs::read_to_string(&path)
                .await
                .map_err(|e| AuthError::provider(format!("reading {}", path.display()), e))?;
            let token = text.trim();
            if token.is_empty() {
                return Err(AuthError::msg(format!("{} is empty", path.display())));
            }
            // The file does not say when the token expires: the cache keeps it
            // until Graph refuses it, then asks again. Use `AccessToken::new`
            // with the expiry when you know it, to refresh ahead of time.
            Ok(AccessToken::without_expiry(token.to_owned()))
        }
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    if args.device_code {
        // Signed in as yourself instead of a token from a file.
        let conn = Connection::start(true, |p| eprintln!("{p}")).await?;
        eprintln!("{}", conn.banner());
        return list_packages(conn.client()).await;
    }
    match args.token_file {
        Some(path) => {
            let mut builder = Client::builder().token_provider(file_token(path));
            if let Ok(origin) = std::env::var("GRAPH_BASE_URL") {
                builder = builder.base_url(origin);
            }
            list_packages(&builder.build()?).await
        }
        None => with_fake().await,
    }
}

/// Without `--token-file`: starts the demo fake Graph, writes one of its
/// tokens to a temporary file and reads that.
async fn with_fake() -> anyhow::Result<()> {
    let demo = Connection::start_demo().await?;
    eprintln!("{}", demo.banner());
    let Some(fake) = demo.demo() else {
        anyhow::bail!("the demo connection has no fake Graph");
    };
    let (token, builder) = (fake.token(), fake.client_builder());
    let dir = std::env::temp_dir().join(format!("entra-access-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("graph-token");
    std::fs::write(&path, token)?;
    eprintln!(
        "no --token-file: using a fake Graph token written to {}",
        path.display()
    );
    let client = builder.token_provider(file_token(path)).build()?;
    let listed = list_packages(&client).await;
    std::fs::remove_dir_all(&dir)?;
    listed
}

async fn list_packages(client: &Client) -> anyhow::Result<()> {
    let mut packages = client.access_packages().list().stream();
    while let Some(p) = packages.try_next().await? {
        println!("{}\t{}", p.id, p.display_name.as_deref().unwrap_or(""));
    }
    Ok(())
}

/// Exit 0; or one `error: …` line on stderr (the error and its causes) and
/// exit 1. (clap exits with 2 on bad flags before this runs.)
fn finish(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut line = format!("{e:#}")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            // A refused call: name what the job lacks, from the crate's
            // permission table.
            let refused = e
                .chain()
                .find_map(|c| c.downcast_ref::<entra_access::Error>());
            if let Some(hint) = refused.and_then(|err| hint(JOB, err)) {
                line.push_str(" (");
                line.push_str(&hint);
                line.push(')');
            }
            eprintln!("error: {line}");
            ExitCode::FAILURE
        }
    }
}
