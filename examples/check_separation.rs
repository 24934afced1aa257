//! Separation of duties, for CI: who holds two access packages that must
//! not go together. With two `--package-id`, prints the object id of every
//! person who holds both (delivered, delivering or partially delivered),
//! one per line. With one, checks its holders against the packages it marks
//! incompatible (`incompatibleAccessPackages`), those that mark it
//! (`accessPackagesIncompatibleWith`) and the groups it marks incompatible
//! (`incompatibleGroups`, members of nested groups included), printing
//! `objectId<TAB>otherPackageId` or `objectId<TAB>groupId` per violation.
//!
//! Exit code: 3 when anyone holds both, 0 when nobody does, 1 on an error.
//!
//! ```text
//! cargo run --example check_separation -- --package-id aa0c1a7e-0000-4000-8000-000000000001 --package-id aa0c1a7e-0000-4000-8000-000000000002
//! cargo run --example check_separation -- --package-id aa0c1a7e-0000-4000-8000-000000000002
//! ```
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `EntitlementManagement.Read.All` (application), or a
//! catalog reader / access package assignment manager role on the catalogs;
//! with one `--package-id`, also `GroupMember.Read.All` to read the members
//! of the package's incompatible groups (`GET
//! …/accessPackages/{id}/incompatibleGroups` itself needs
//! `EntitlementManagement.Read.All`, Graph's
//! `accesspackage-list-incompatiblegroups` page). Graph v1.0 leaves service
//! principals out of group member lists.

use std::process::ExitCode;

use clap::Parser;
use entra_access::api::PackageRef;
use entra_access_fake::Connection;

/// Find people who hold two incompatible access packages.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long)]
    device_code: bool,
    /// An access package (give two to compare them, one to check it
    /// against the packages and groups marked incompatible with it).
    #[arg(long, value_name = "ID", required = true, num_args = 1)]
    package_id: Vec<String>,
}

/// Exit code when someone holds both packages.
const VIOLATIONS: u8 = 3;

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(VIOLATIONS),
        Err(e) => finish(Err(e)),
    }
}

/// Prints the violations; returns how many there were.
async fn run(args: Args) -> anyhow::Result<usize> {
    let conn = Connection::start(args.device_code, |p| eprintln!("{p}")).await?;
    eprintln!("{}", conn.banner());
    let reports = entra_access_ops::reports::Reports::new(conn.client());
    match args.package_id.as_slice() {
        [a, b] => {
            let both = reports
                .holders_of_both(PackageRef::id(a.as_str()), PackageRef::id(b.as_str()))
                .await?;
            for id in &both {
                println!("{id}");
            }
            eprintln!("{} people hold both {a} and {b}", both.len());
            Ok(both.len())
        }
        [one] => {
            let checked = reports
                .incompatible_holders(PackageRef::id(one.as_str()))
                .await?;
            for v in &checked.violations {
                println!("{}\t{}", v.object_id, v.conflict.id());
            }
            eprintln!(
                "{} violations: {one} checked against {} incompatible packages and {} incompatible groups",
                checked.violations.len(),
                checked.incompatible_packages.len(),
                checked.incompatible_groups.len()
            );
            Ok(checked.violations.len())
        }
        more => anyhow::bail!(
            "give one --package-id (checked against its incompatible packages) or two, not {}",
            more.len()
        ),
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
