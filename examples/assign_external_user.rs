//! Directly assigns an access package to someone who is not in the directory
//! yet, by e-mail address (the portal's "Any user" direct assignment). The
//! policy must admit users not yet in the directory. Prints the request id
//! on stdout; with `--wait`, follows it and prints the final state (Graph
//! invites the person as a guest while delivering).
//!
//! ```text
//! cargo run --example assign_external_user -- --package-name "Sales Onboarding" \
//!     --policy-id bb0c1a7e-0000-4000-8000-000000000003 --email ana@fabrikam.example --display-name "Ana Souza" --wait
//! ```
//!
//! Flags: `--package-id ID` or `--package-name NAME`; `--policy-id ID`
//! (optional when the package has one policy); `--email ADDRESS`;
//! `--display-name NAME`; `--wait`.
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `EntitlementManagement.ReadWrite.All` (application),
//! or the access package assignment manager role on the catalog.

#[path = "support/mod.rs"]
mod support;

use std::process::ExitCode;

use clap::Parser;
use entra_access::api::Target;
use support::cli::{PackageArg, PolicyArg};
use support::{follow, output, resolve, session::Session};

/// Assign an access package to someone outside the directory, by e-mail.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    #[command(flatten)]
    package: PackageArg,
    #[command(flatten)]
    policy: PolicyArg,
    /// The person's e-mail address.
    #[arg(long, value_name = "ADDRESS")]
    email: String,
    /// The name to show for them until they accept the invitation.
    #[arg(long, value_name = "NAME")]
    display_name: Option<String>,
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

    let mut target = Target::email(args.email);
    if let Some(name) = args.display_name {
        target = target.display_name(name);
    }
    let submission = session
        .client
        .assignment_requests()
        .admin_add(&package.id, policy, target)
        .send_idempotent()
        .await?;
    follow::report_submission(&session, submission, args.wait).await
}
