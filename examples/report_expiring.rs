//! Which assignments expire soon: the held assignments (delivered,
//! delivering, partially delivered) of one access package, a catalog, or
//! every package you can see, whose schedule ends between now and `--days`
//! from now, soonest first. The end is the schedule's end date, or for an
//! assignment that lasts a duration, its start plus the duration. Each
//! package is listed on its own (filtered on it, as catalog-scoped
//! administrators must), a few at a time.
//!
//! ```text
//! cargo run --example report_expiring -- --catalog-name General --days 14
//! cargo run --example report_expiring -- --days 30 --csv expiring.csv
//! ```
//!
//! Output: one tab-separated line per assignment on stdout (end, package
//! name, target object id, principal name or e-mail, assignment id), or with
//! `--csv FILE` a CSV file with the header
//! `PackageId,PackageName,AssignmentId,TargetObjectId,TargetPrincipalName,TargetEmail,EndDateTime,PolicyId`
//! (written under a temporary name and renamed when complete). The counts
//! go to stderr: how many end within the window, and how many held
//! assignments have neither an end date nor a duration to count from (they
//! are not listed, so check them in the portal); exit 0 (also when nothing
//! expires).
//!
//! Flags: at most one of `--package-id ID`, `--package-name NAME`,
//! `--catalog-id ID`, `--catalog-name NAME` (none: every package);
//! `--days N` (1 to 36500, default 30); `--csv FILE`.
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `EntitlementManagement.Read.All` (application), or a
//! catalog reader / access package assignment manager role on the catalog.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use entra_access::api::{CatalogRef, PackageRef};
use entra_access::models::format_datetime;
use entra_access::models::CatalogId;
use entra_access_fake::Connection;
use entra_access_ops::reports::{ExpiringRow, OutputFile, ReportScope};

/// List assignments that expire within a number of days.
#[derive(Parser, Debug)]
#[command(version, about)]
#[command(group = clap::ArgGroup::new("scope").multiple(false)
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
    /// The window, in days from now (at least 1).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 30,
        allow_negative_numbers = true
    )]
    days: i64,
    /// Write CSV to this file instead of a table on stdout.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    if args.days < 1 {
        anyhow::bail!("--days must be at least 1, not {}", args.days);
    }
    let conn = Connection::start(args.device_code, |p| eprintln!("{p}")).await?;
    eprintln!("{}", conn.banner());
    let report = entra_access_ops::reports::Reports::new(conn.client())
        .expiring(scope(&args, true)?)
        .within_days(args.days)
        .send()
        .await?;
    let rows = &report.rows;
    match &args.csv {
        Some(path) => {
            let mut file =
                OutputFile::create(path).with_context(|| format!("creating {}", path.display()))?;
            ExpiringRow::write_csv(rows, &mut file)?;
            file.commit()
                .with_context(|| format!("writing {}", path.display()))?;
        }
        None => {
            for r in rows {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    format_datetime(&r.end_date_time),
                    r.package_name,
                    r.target_object_id,
                    r.target_principal_name
                        .as_deref()
                        .or(r.target_email.as_deref())
                        .unwrap_or("-"),
                    r.assignment_id,
                );
            }
        }
    }
    eprintln!(
        "{} assignments end within {} days; {} held assignments have no end date or duration",
        rows.len(),
        args.days,
        report.without_end
    );
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
