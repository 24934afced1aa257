//! Audit evidence: one CSV row per assignment of an access package (or of
//! every package of a catalog), joined with the request that created it
//! (request id and type, Graph's requestor, justification, created and
//! completed times) and its policy. Streamed: rows are written as they are
//! read.
//!
//! ```text
//! cargo run --example audit_export -- --package-name "Marketing Campaign" --out audit.csv
//! ```
//!
//! Columns: `PackageId, PackageName, AssignmentId, AssignmentState,
//! TargetObjectId, TargetDisplayName, TargetPrincipalName, PolicyId,
//! PolicyName, RequestId, RequestType, RequestState, RequestorObjectId,
//! RequestorName, Justification, RequestCreatedDateTime,
//! RequestCompletedDateTime`. The request columns are empty when Graph no
//! longer lists the request (it keeps completed requests for a limited time).
//! The creating request is the earliest of an add type naming the
//! assignment: `adminAdd`, `userAdd`, `systemAdd` (automatic assignment) or
//! `onBehalfAdd`.
//!
//! `RequestorObjectId` and `RequestorName` are Graph's `requestor`: "the
//! subject who requested or, if a direct assignment, was assigned". For a
//! `userAdd` that is the person who asked, for an `onBehalfAdd` the person
//! who asked for them; for an `adminAdd` it is the assignee, not the
//! administrator or app that assigned. Who made a direct assignment is only
//! in the directory audit log (`GET /auditLogs/directoryAudits`, its
//! `initiatedBy`; `AuditLog.Read.All` and `Directory.Read.All`).
//!
//! Flags: one of `--package-id ID`, `--package-name NAME`, `--catalog-id ID`,
//! `--catalog-name NAME`; `--out FILE` (default: stdout; written under a
//! temporary name and renamed when complete).
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `EntitlementManagement.Read.All` (application), or a
//! catalog reader / access package assignment manager role on the catalog.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use entra_access::api::{CatalogRef, PackageRef};
use entra_access::models::CatalogId;
use entra_access_fake::Connection;
use entra_access_ops::reports::{AuditRow, OutputFile, ReportScope};

/// Export assignments with the requests that created them, as CSV.
#[derive(Parser, Debug)]
#[command(version, about)]
#[command(group = clap::ArgGroup::new("scope").required(true).multiple(false)
    .args(["package_id", "package_name", "catalog_id", "catalog_name"]))]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long)]
    device_code: bool,
    /// One access package, by id.
    #[arg(long, value_name = "ID")]
    package_id: Option<String>,
    /// One access package, by exact display name.
    #[arg(long, value_name = "NAME")]
    package_name: Option<String>,
    /// Every package of this catalog.
    #[arg(long, value_name = "ID")]
    catalog_id: Option<String>,
    /// Every package of the catalog with this exact display name.
    #[arg(long, value_name = "NAME")]
    catalog_name: Option<String>,
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
    let rows = entra_access_ops::reports::Reports::new(conn.client())
        .audit(scope(&args, false)?)
        .stream()
        .await?;
    let mut file = create(args.out.as_ref())?;
    let mut stdout = BufWriter::new(std::io::stdout().lock());
    let out: &mut dyn Write = match file.as_mut() {
        Some(f) => f,
        None => &mut stdout,
    };
    let count = AuditRow::write_csv(rows, out).await?;
    if let (Some(file), Some(path)) = (file, args.out.as_ref()) {
        file.commit()
            .with_context(|| format!("writing {}", path.display()))?;
    }
    eprintln!("{count} assignments exported with their requests");
    Ok(())
}

/// The packages the flags name: one package, a catalog, or (with
/// `all`) every package the caller can see.
fn scope(args: &Args, all: bool) -> anyhow::Result<ReportScope> {
    if args.package_id.is_some() || args.package_name.is_some() {
        let package = package_ref(&args.package_id, &args.package_name)?;
        return Ok(ReportScope::Package(package));
    }
    if args.catalog_id.is_some() || args.catalog_name.is_some() {
        let catalog = catalog_ref(&args.catalog_id, &args.catalog_name)?;
        return Ok(ReportScope::Catalog(catalog));
    }
    if all {
        return Ok(ReportScope::AllPackages);
    }
    anyhow::bail!(
        "name a package (--package-id, --package-name) or a catalog (--catalog-id, --catalog-name)"
    )
}

/// The output file (under a temporary name until committed), or `None`
/// for stdout.
fn create(path: Option<&PathBuf>) -> anyhow::Result<Option<OutputFile>> {
    path.map(|path| {
        OutputFile::create(path).with_context(|| format!("creating {}", path.display()))
    })
    .transpose()
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
            let line = format!("{e:#}")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            eprintln!("error: {line}");
            ExitCode::FAILURE
        }
    }
}
