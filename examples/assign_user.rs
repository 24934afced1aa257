//! Directly assigns an access package to a user in the directory (the
//! portal's "New assignment" for an existing user): sends an `adminAdd`
//! request unless the user already holds the package or has an open request
//! for it, and prints the request id on stdout. With `--wait`, follows the
//! request (state changes on stderr) and prints its final state on stdout;
//! exits non-zero unless it was delivered.
//!
//! ```text
//! cargo run --example assign_user -- --package-name "Marketing Campaign" \
//!     --user-id cc0c1a7e-0000-4000-8000-000000000003 --duration P30D --justification "spring campaign" --wait
//! ```
//!
//! Flags: `--package-id ID` or `--package-name NAME`; `--policy-id ID`
//! (optional when the package has one policy); `--user-id OID` (the user's
//! object id); `--start RFC3339`; `--end RFC3339` or `--duration ISO8601`
//! (default: the policy's expiration); `--justification TEXT`; `--wait`.
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `EntitlementManagement.ReadWrite.All` (application),
//! or the access package assignment manager role on the catalog. The user
//! must be in the policy's allowed scope.

#[path = "support/mod.rs"]
mod support;

use std::process::ExitCode;

use clap::Parser;
use entra_access::api::Target;
use entra_access::models::{DateTime, IsoDuration};
use support::cli::{self, PackageArg, PolicyArg};
use support::{follow, output, resolve, session::Session};

/// Assign an access package to a user.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    #[command(flatten)]
    package: PackageArg,
    #[command(flatten)]
    policy: PolicyArg,
    /// The user's directory object id.
    #[arg(long, value_name = "OID")]
    user_id: String,
    /// When the assignment starts (RFC 3339; default: now).
    #[arg(long, value_name = "RFC3339", value_parser = cli::datetime)]
    start: Option<DateTime>,
    /// When it ends (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = cli::datetime, conflicts_with = "duration")]
    end: Option<DateTime>,
    /// How long it lasts (ISO 8601, such as P30D).
    #[arg(long, value_name = "ISO8601", value_parser = cli::duration)]
    duration: Option<IsoDuration>,
    /// Why the user gets access (kept with the request).
    #[arg(long, value_name = "TEXT")]
    justification: Option<String>,
    /// Follow the request until it is delivered (or fails).
    #[arg(long)]
    wait: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    output::finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let session = Session::connect().await?;
    let package = resolve::package(&session.client, &args.package.to_ref()).await?;
    let policy = resolve::policy(&package, args.policy.policy_id.as_deref())?;

    let mut request = session.client.assignment_requests().admin_add(
        &package.id,
        policy,
        Target::user(args.user_id.as_str()),
    );
    if let Some(start) = args.start {
        request = request.starts_at(start);
    }
    if let Some(end) = args.end {
        request = request.ends_at(end);
    }
    if let Some(duration) = args.duration {
        request = request.duration(duration);
    }
    if let Some(text) = args.justification {
        request = request.justification(text);
    }
    // Checks for an existing assignment or open request first, so running
    // the command twice requests nothing twice.
    let submission = request.send_idempotent().await?;
    follow::report_submission(&session, submission, args.wait).await
}
