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

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use entra_access::api::PackageRef;
use entra_access::doctor::{hint, Capability};
use entra_access::models::AssignmentState;
use entra_access_fake::Connection;
use futures::TryStreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// What this program's job needs from Graph (reads access packages and
/// assignments): a refused call's error line names the permission or role it
/// lacks.
const JOB: Capability = Capability::List;

/// List the assignments of an access package.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long)]
    device_code: bool,
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
    finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let conn = Connection::start(args.device_code, |p| eprintln!("{p}")).await?;
    eprintln!("{}", conn.banner());
    let client = conn.client();
    let package = client
        .access_packages()
        .resolve(args.package.to_ref()?)
        .expand_policies()
        .send()
        .await?;

    let mut list = client.assignments().list().access_package(&package.id);
    if !args.states.is_empty() {
        list = list.states(args.states);
    }
    if args.expand_target {
        list = list.expand_target();
    }

    let progress = spinner("assignments");
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
    eprintln!("{count} assignments of {}", package.label());
    Ok(())
}

/// `--package-id ID` or `--package-name NAME` (exactly one).
#[derive(clap::Args, Debug, Clone)]
#[group(required = true, multiple = false)]
struct PackageArg {
    /// The access package's id.
    #[arg(long, value_name = "ID")]
    package_id: Option<String>,
    /// The access package's exact display name, instead of its id (no match
    /// or several matches is an error).
    #[arg(long, value_name = "NAME")]
    package_name: Option<String>,
}

impl PackageArg {
    fn to_ref(&self) -> anyhow::Result<PackageRef> {
        // clap lets exactly one of the two through.
        match (&self.package_id, &self.package_name) {
            (Some(id), _) => Ok(PackageRef::id(id.as_str())),
            (None, Some(name)) => Ok(PackageRef::name(name.as_str())),
            (None, None) => anyhow::bail!("give --package-id or --package-name"),
        }
    }
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

/// A spinner with a counter on stderr, hidden when stderr is not a terminal
/// (so logs and pipes stay clean).
fn spinner(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}: {pos} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
