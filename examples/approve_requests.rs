//! Approve or deny access package requests as yourself (the portal's
//! "Approve access requests" page): list the approvals waiting for you,
//! then approve or deny one with a justification.
//!
//! ```text
//! cargo run --example approve_requests -- list
//! cargo run --example approve_requests -- approve --request-id ID --justification "fits the role"
//! cargo run --example approve_requests -- deny --request-id ID --justification "budget frozen"
//! cargo run --example approve_requests -- --device-code list
//! ```
//!
//! `list` prints one tab-separated line per approval waiting for you:
//! request id, the stage waiting for you, and which stage it is (`1/2`).
//! `approve` / `deny` decide the stage of that request that waits for you
//! and print the request id, the decision and the request's state after it.
//! When Graph refuses (a stage waiting for someone else, an unknown id) it
//! prints one `error:` line on stderr and exits 1.
//!
//! Sign-in: approving is **delegated-only** — Graph refuses app-only
//! tokens — so this example signs in as you:
//! - `--device-code`: device-code sign-in with `AZURE_TENANT_ID` and
//!   `AZURE_CLIENT_ID` of a public-client app (no secret), optional
//!   `AZURE_AUTHORITY_HOST` (national clouds) and `GRAPH_BASE_URL`. The URL
//!   and code to enter are printed on stderr.
//! - else `GRAPH_ACCESS_TOKEN` (a user's token) and optional `GRAPH_BASE_URL`.
//! - with nothing set it runs against a fake Graph, signed in as the first
//!   approver of a demo request that needs two approvals.
//!
//! Graph permissions: `EntitlementManagement.ReadWrite.All` (delegated), and
//! being an approver of the request's current stage.

use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use entra_access::api::Decision;
use entra_access::fake::{AccessPackageSeed, FakeGraph, PolicySeed, UserSeed};
use entra_access::Client;

/// Approve or deny access package requests as the signed-in user.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID,
    /// AZURE_CLIENT_ID of a public-client app, optional AZURE_AUTHORITY_HOST).
    #[arg(long, global = true)]
    device_code: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the approvals waiting for you, one line each (request id first).
    List,
    /// Approve the stage of a request that waits for you.
    Approve(Decide),
    /// Deny the stage of a request that waits for you.
    Deny(Decide),
}

#[derive(clap::Args, Debug)]
struct Decide {
    /// The request (its approval has the same id).
    #[arg(long, value_name = "ID")]
    request_id: String,
    /// Why you decide so (recorded on the stage).
    #[arg(long, value_name = "TEXT")]
    justification: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, with the causes.
            eprintln!("error: {}", format!("{e:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    // Keeps the fake running while the client talks to it.
    let (client, _fake) = connect(args.device_code).await?;
    match args.command {
        Command::List => list(&client).await,
        Command::Approve(d) => decide(&client, d, Decision::Approve).await,
        Command::Deny(d) => decide(&client, d, Decision::Deny).await,
    }
}

async fn list(client: &Client) -> anyhow::Result<()> {
    let approvals = client.approvals().list_mine().collect().await?;
    for approval in approvals {
        // The list carries ids only; read the stages for the one waiting.
        let full = client.approvals().get(approval.id.clone()).send().await?;
        let total = full.stages.len();
        match full.stages.iter().position(|s| s.is_pending_for_me()) {
            Some(i) => println!("{}\t{}\t{}/{total}", full.id, full.stages[i].id, i + 1),
            None => println!("{}\t-\t-/{total}", full.id),
        }
    }
    Ok(())
}

async fn decide(client: &Client, d: Decide, decision: Decision) -> anyhow::Result<()> {
    let stage = client
        .approvals()
        .decide_mine(d.request_id.as_str(), decision)
        .justification(d.justification)
        .send()
        .await?;
    let request = client
        .assignment_requests()
        .get(d.request_id.as_str())
        .send()
        .await?;
    let state = request
        .state
        .map_or_else(|| "unknown".to_owned(), |s| s.as_str().to_owned());
    let verb = match decision {
        Decision::Approve => "approved",
        _ => "denied",
    };
    println!("{}\t{verb}\t{stage}\t{state}", request.id);
    Ok(())
}

/// A client signed in as a user: device code, a token from the
/// environment, or the fake.
async fn connect(device_code: bool) -> anyhow::Result<(Client, Option<FakeGraph>)> {
    if device_code {
        return Ok((sign_in_with_device_code().await?, None));
    }
    if let Some(client) = Client::from_env_if_configured()? {
        return Ok((client, None));
    }
    let (fake, approver) = demo().await;
    let client = fake.delegated_client_for(&approver)?;
    Ok((client, Some(fake)))
}

/// Device-code sign-in (entra-access's default `client-credentials`
/// feature). No `cfg` here: in a copy of this file it would test the
/// copying crate's features, not entra-access's.
async fn sign_in_with_device_code() -> anyhow::Result<Client> {
    use entra_access::auth::DeviceCode;

    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(tenant), Some(client_id)) = (var("AZURE_TENANT_ID"), var("AZURE_CLIENT_ID")) else {
        bail!("--device-code needs AZURE_TENANT_ID and AZURE_CLIENT_ID (a public-client app)");
    };
    let mut sign_in = DeviceCode::new(tenant, client_id, |prompt| eprintln!("{prompt}"))?;
    if let Some(host) = var("AZURE_AUTHORITY_HOST") {
        sign_in = sign_in.authority_host(&host)?;
    }
    let mut builder = Client::builder();
    if let Some(base) = var("GRAPH_BASE_URL") {
        // The token is for this Graph origin.
        sign_in = sign_in.scopes([format!("{}/.default", base.trim_end_matches('/'))]);
        builder = builder.base_url(base);
    }
    sign_in.sign_in().await.context("device-code sign-in")?;
    eprintln!("signed in");
    Ok(builder.token_provider(sign_in).build()?)
}

/// A fake tenant with one request waiting for two approvers; returns the
/// fake and the first approver.
async fn demo() -> (FakeGraph, entra_access::models::ObjectId) {
    let fake = FakeGraph::builder().manual_progress().start().await;
    let requester = fake.add_user(UserSeed::new("Rita Requester"));
    let first = fake.add_user(UserSeed::new("Fiona First"));
    let second = fake.add_user(UserSeed::new("Sean Second"));
    let pkg = fake.add_access_package(AccessPackageSeed::new("Marketing Campaign"));
    let policy = fake.add_policy(
        PolicySeed::new("Two approvers", &pkg)
            .approval_stage([&first])
            .approval_stage([&second]),
    );
    eprintln!(
        "using a fake Graph, signed in as Fiona First ({first}); second approver Sean Second ({second})"
    );
    // Rita asks for the package herself; it waits for approval.
    if let Ok(rita) = fake.delegated_client_for(&requester) {
        if let Ok(request) = rita
            .assignment_requests()
            .user_add(pkg, policy)
            .send()
            .await
        {
            eprintln!("demo request {} by Rita Requester", request.id);
        }
    }
    fake.settle();
    (fake, first)
}
