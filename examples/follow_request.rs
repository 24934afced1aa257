//! Follows an assignment request until it reaches a final state (the
//! portal's request history, live): prints one tab-separated line per state
//! change on stdout (`state`, `status`), and exits 0 only if the request was
//! delivered; otherwise the error line says how it ended (status, failed
//! custom-extension calls).
//!
//! ```text
//! cargo run --example follow_request -- --request-id ac0c1a7e-0000-4000-8000-000000000003
//! ```
//!
//! Flags: `--request-id ID`; `--timeout SECONDS` (default 600).
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `EntitlementManagement.Read.All` (application), or a
//! catalog reader / access package assignment manager role on the catalog.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::bail;
use clap::Parser;
use entra_access::doctor::{hint, Capability};
use entra_access::models::{AssignmentRequest, RequestState};
use entra_access_fake::Connection;
use futures::TryStreamExt;

/// What this program's job needs from Graph (reads access packages and
/// assignments): a refused call's error line names the permission or role it
/// lacks.
const JOB: Capability = Capability::List;

/// Follow an assignment request to its final state.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long)]
    device_code: bool,
    /// The assignment request to follow.
    #[arg(long, value_name = "ID")]
    request_id: String,
    /// Give up after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    timeout: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let conn = Connection::start(args.device_code, |p| eprintln!("{p}")).await?;
    eprintln!("{}", conn.banner());
    let client = conn.client();
    // `watch` polls with backoff and yields each change of state, ending
    // after the final state.
    let mut changes = client
        .assignment_requests()
        .watch(args.request_id.as_str())
        .poll_interval(conn.poll_interval())
        .timeout(Duration::from_secs(args.timeout));
    let mut last = None;
    while let Some(request) = changes.try_next().await? {
        println!(
            "{}\t{}",
            state(&request),
            request.status.as_deref().unwrap_or("-")
        );
        last = Some(request);
    }
    match last {
        Some(done) if done.is_delivered() => Ok(()),
        Some(done) => bail!("{}", ending(&done)),
        None => bail!("request {} was never observed", args.request_id),
    }
}

/// A request's state as Graph spells it (`pendingApproval`, `delivered`…).
fn state(request: &AssignmentRequest) -> &str {
    request.state.as_ref().map_or("unknown", |s| s.as_str())
}

/// How a request ended, in one line: `request {id}: delivered`, `request
/// {id}: delivery failed (status: …); custom extension {id} calloutFailed:
/// {detail} (run {run})`, `request {id} ended denied`, …
fn ending(request: &AssignmentRequest) -> String {
    let id = &request.id;
    let failure = match &request.state {
        Some(RequestState::Delivered) => return format!("request {id}: delivered"),
        Some(RequestState::DeliveryFailed) => "delivery failed",
        Some(RequestState::PartiallyDelivered) => "partially delivered",
        Some(s) if s.is_final() => return format!("request {id} ended {}", s.as_str()),
        _ => return format!("request {id} is {}, not final yet", state(request)),
    };
    let mut line = format!("request {id}: {failure}");
    if let Some(status) = &request.status {
        line.push_str(&format!(" (status: {status})"));
    }
    // The custom-extension (Logic App) calls made for it, failed ones first.
    let (failed, others): (Vec<_>, Vec<_>) = request.callouts().partition(|c| c.is_failed());
    for call in failed.into_iter().chain(others) {
        line.push_str("; custom extension ");
        line.push_str(call.custom_extension_id.as_deref().unwrap_or("(unknown)"));
        if let Some(s) = &call.status {
            line.push_str(&format!(" {s}"));
        }
        if let Some(detail) = &call.detail {
            line.push_str(&format!(": {detail}"));
        }
        if let Some(run) = &call.external_correlation_id {
            line.push_str(&format!(" (run {run})"));
        }
    }
    line
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
