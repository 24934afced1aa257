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
//! With `--catalog-id ID` or `--catalog-name NAME` instead of a package, it
//! exports every package of the catalog, as a catalog-scoped administrator
//! can (each package listed on its own, a few at a time); the rows then
//! start with `PackageId, PackageName`:
//!
//! ```text
//! cargo run --example export_assignments_csv -- --catalog-name General --out general.csv
//! ```
//!
//! Flags: one of `--package-id ID`, `--package-name NAME`, `--catalog-id ID`,
//! `--catalog-name NAME`; `--state S` (repeat for several); `--out FILE`
//! (default: stdout; written under a temporary name and renamed when
//! complete, so a failed export leaves no file behind). The row count goes
//! to stderr.
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `EntitlementManagement.Read.All` (application), or a
//! catalog reader / access package assignment manager role on the catalog.
//! Needs the `csv` feature.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use entra_access::api::{CatalogRef, PackageRef};
use entra_access::doctor::{hint, Capability};
use entra_access::models::AssignmentState;
use entra_access::models::CatalogId;
use entra_access_fake::Connection;
use entra_access_ops::export::assignments_csv;
use entra_access_ops::reports::{OutputFile, PackageAssignment};
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// What this program's job needs from Graph (reads access packages and
/// assignments): a refused call's error line names the permission or role it
/// lacks.
const JOB: Capability = Capability::List;

/// Export the assignments of an access package, or of every package of a
/// catalog, as CSV.
#[derive(Parser, Debug)]
#[command(version, about)]
#[command(group = clap::ArgGroup::new("source").required(true).multiple(false)
    .args(["package_id", "package_name", "catalog_id", "catalog_name"]))]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long)]
    device_code: bool,
    /// The access package's id.
    #[arg(long, value_name = "ID")]
    package_id: Option<String>,
    /// The access package's exact display name, instead of its id (no match
    /// or several matches is an error).
    #[arg(long, value_name = "NAME")]
    package_name: Option<String>,
    /// Every package of this catalog.
    #[arg(long, value_name = "ID")]
    catalog_id: Option<String>,
    /// Every package of the catalog with this exact display name.
    #[arg(long, value_name = "NAME")]
    catalog_name: Option<String>,
    /// Only assignments in this state (repeat for several).
    #[arg(long = "state", value_name = "STATE")]
    states: Vec<AssignmentState>,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let conn = Connection::start(args.device_code, |p| eprintln!("{p}")).await?;
    eprintln!("{}", conn.banner());
    let client = conn.client();
    let by_catalog = args.catalog_id.is_some() || args.catalog_name.is_some();
    let progress = spinner("rows");
    let counted = progress.clone();

    // Everything that can be refused (an unknown package or catalog) is
    // read before the output file is created.
    let (rows, what, mut file) = if by_catalog {
        let catalog = catalog_ref(&args.catalog_id, &args.catalog_name)?;
        let what = catalog.to_string();
        let mut listing =
            entra_access_ops::reports::Reports::new(client).catalog_assignments(catalog);
        if !args.states.is_empty() {
            listing = listing.states(args.states.clone());
        }
        let stream = listing.stream().await?.inspect(move |_| counted.inc(1));
        let mut file = create(args.out.as_ref())?;
        let mut stdout = BufWriter::new(std::io::stdout().lock());
        let out: &mut dyn Write = match file.as_mut() {
            Some(f) => f,
            None => &mut stdout,
        };
        let rows = PackageAssignment::write_csv(stream, out).await?;
        (rows, what, file)
    } else {
        let package = package_ref(&args.package_id, &args.package_name)?;
        let package = client.access_packages().resolve(package).send().await?;
        let mut list = client
            .assignments()
            .list()
            .access_package(&package.id)
            .expand_target()
            .expand_access_package()
            .expand_policies();
        if !args.states.is_empty() {
            list = list.states(args.states.clone());
        }
        let mut file = create(args.out.as_ref())?;
        let mut stdout = BufWriter::new(std::io::stdout().lock());
        let out: &mut dyn Write = match file.as_mut() {
            Some(f) => f,
            None => &mut stdout,
        };
        let stream = list.stream().inspect(move |_| counted.inc(1));
        let rows = assignments_csv(stream, out).await?;
        (rows, package.label(), file)
    };
    if let (Some(file), Some(path)) = (file.take(), args.out.as_ref()) {
        file.commit()
            .with_context(|| format!("writing {}", path.display()))?;
    }
    progress.finish_and_clear();
    eprintln!("{rows} assignments of {what} exported");
    Ok(())
}

/// The output file (under a temporary name until committed), or `None`
/// for stdout.
fn create(path: Option<&PathBuf>) -> anyhow::Result<Option<OutputFile>> {
    path.map(|path| {
        OutputFile::create(path).with_context(|| format!("creating {}", path.display()))
    })
    .transpose()
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

/// `--package-id ID` or `--package-name NAME` (clap lets at most one through).
fn package_ref(id: &Option<String>, name: &Option<String>) -> anyhow::Result<PackageRef> {
    match (id, name) {
        (Some(id), _) => Ok(PackageRef::id(id.as_str())),
        (None, Some(name)) => Ok(PackageRef::name(name.as_str())),
        (None, None) => anyhow::bail!("give --package-id or --package-name"),
    }
}

/// `--catalog-id ID` or `--catalog-name NAME` (clap lets at most one through).
fn catalog_ref(id: &Option<String>, name: &Option<String>) -> anyhow::Result<CatalogRef> {
    match (id, name) {
        (Some(id), _) => Ok(CatalogRef::Id(CatalogId::new(id.as_str()))),
        (None, Some(name)) => Ok(CatalogRef::Name(name.clone())),
        (None, None) => anyhow::bail!("give --catalog-id or --catalog-name"),
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
