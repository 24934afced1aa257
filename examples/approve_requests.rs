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
//! - with nothing set it runs against a fake Graph holding the demo tenant,
//!   signed in as Grace Hopper, the first approver of Katherine Johnson's
//!   request for "Travel Booking", which needs two approvals (with
//!   `--device-code`, through the fake's device-code endpoint).
//!
//! Graph permissions: `EntitlementManagement.ReadWrite.All` (delegated), and
//! being an approver of the request's current stage.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use entra_access::api::Decision;
use entra_access::doctor::{hint, Capability};
use entra_access::Client;
use entra_access_fake::Connection;

/// What this program's job needs from Graph (decides requests as the signed-in
/// user): a refused call's error line names the permission or role it lacks.
const JOB: Capability = Capability::Approve;

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

async fn run(args: Args) -> anyhow::Result<()> {
    let conn = Connection::start(args.device_code, |p| eprintln!("{p}")).await?;
    eprintln!("{}", conn.banner());
    let client = conn.client();
    match args.command {
        Command::List => list(client).await,
        Command::Approve(d) => decide(client, d, Decision::Approve).await,
        Command::Deny(d) => decide(client, d, Decision::Deny).await,
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
