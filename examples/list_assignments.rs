//! Lists the assignments of one access package, like the portal's
//! Assignments page: one tab-separated line per assignment on stdout
//! (`id`, `state`, target object id, target principal name; `-` when
//! unknown), the count on stderr.
//!
//! ```text
//! cargo run --example list_assignments -- --package-name "Marketing Campaign" --state delivered --expand-target
//! ```
//!
//! Flags: `--package-id ID` or `--package-name NAME`; `--state S` (repeat
//! for several: `delivered`, `delivering`, `expired`, `partiallyDelivered`,
//! `deliveryFailed`); `--expand-target` to fill the target columns (Graph
//! sends only ids otherwise).
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `EntitlementManagement.Read.All` (application), or a
//! catalog reader / access package assignment manager role on the catalog.

#[path = "support/mod.rs"]
mod support;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use entra_access::models::AssignmentState;
use futures::TryStreamExt;
use support::{cli::PackageArg, output, resolve, session::Session};

/// List the assignments of an access package.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    #[command(flatten)]
    package: PackageArg,
    /// Only assignments in this state (repeat for several).
    #[arg(long = "state", value_name = "STATE")]
    states: Vec<AssignmentState>,
    /// Include each target (object id, principal name).
    #[arg(long)]
    expand_target: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    output::finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let session = Session::connect().await?;
    let package = resolve::package(&session.client, &args.package.to_ref()).await?;

    let mut list = session
        .client
        .assignments()
        .list()
        .access_package(&package.id);
    if !args.states.is_empty() {
        list = list.states(args.states);
    }
    if args.expand_target {
        list = list.expand_target();
    }

    let progress = output::spinner("assignments");
    let mut assignments = list.stream();
    let mut count = 0u64;
    // One lock and one buffer for all lines: a line per write(2) and a lock
    // per line cost more than the listing itself at Graph's page size.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(a) = assignments.try_next().await? {
        let target = a.target.as_ref();
        writeln!(
            out,
            "{}\t{}\t{}\t{}",
            a.id,
            a.state.as_ref().map_or("-", |s| s.as_str()),
            a.target_object_id().map_or("-", |id| id.as_str()),
            target
                .and_then(|t| t.principal_name.as_deref().or(t.email.as_deref()))
                .unwrap_or("-"),
        )?;
        count += 1;
        progress.inc(1);
    }
    out.flush()?;
    progress.finish_and_clear();
    eprintln!(
        "{count} assignments of {}",
        resolve::package_label(&package)
    );
    Ok(())
}
