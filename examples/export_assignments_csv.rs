//! Exports the assignments of one access package as CSV (the portal's
//! Assignments page with its filters and "Download"), streamed page by page
//! in constant memory, with targets, package and policy expanded. Columns: `Id, State, TargetId,
//! TargetObjectId, TargetDisplayName, TargetPrincipalName, TargetEmail,
//! AccessPackageId, AssignmentPolicyId, StartDateTime, EndDateTime,
//! ExpiredDateTime, Status`. Cells a spreadsheet would run as a formula get
//! a leading `'`.
//!
//! ```text
//! cargo run --example export_assignments_csv -- --package-name "Marketing Campaign" --state delivered --out assignments.csv
//! ```
//!
//! Flags: `--package-id ID` or `--package-name NAME`; `--state S` (repeat
//! for several); `--out FILE` (default: stdout). The row count goes to stderr.
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `EntitlementManagement.Read.All` (application), or a
//! catalog reader / access package assignment manager role on the catalog.
//! Needs the `csv` feature.

#[path = "support/mod.rs"]
mod support;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use entra_access::models::AssignmentState;
use entra_access::ops::export::assignments_csv;
use futures::StreamExt;
use support::{cli::PackageArg, output, resolve, session::Session};

/// Export the assignments of an access package as CSV.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    #[command(flatten)]
    package: PackageArg,
    /// Only assignments in this state (repeat for several).
    #[arg(long = "state", value_name = "STATE")]
    states: Vec<AssignmentState>,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    output::finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let session = Session::connect().await?;
    let package = resolve::package(&session.client, &args.package.to_ref()).await?;
    let out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };

    let mut list = session
        .client
        .assignments()
        .list()
        .access_package(&package.id)
        .expand_target()
        .expand_access_package()
        .expand_policy();
    if !args.states.is_empty() {
        list = list.states(args.states);
    }
    let progress = output::spinner("rows");
    let counted = progress.clone();
    let stream = list.stream().inspect(move |_| counted.inc(1));
    let rows = assignments_csv(stream, out).await?;
    progress.finish_and_clear();
    eprintln!(
        "{rows} assignments of {} exported",
        resolve::package_label(&package)
    );
    Ok(())
}
