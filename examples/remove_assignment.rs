//! Removes access (the portal's "Remove access"): either one assignment by
//! id, or every active assignment a user holds for a package. Sends an
//! `adminRemove` request per assignment and prints each request id on
//! stdout; with `--wait`, follows each request and prints its final state.
//!
//! ```text
//! cargo run --example remove_assignment -- --assignment-id ab0c1a7e-0000-4000-8000-000000000004 --wait
//! cargo run --example remove_assignment -- --package-name "Marketing Campaign" --user-id cc0c1a7e-0000-4000-8000-000000000002
//! ```
//!
//! Flags: `--assignment-id ID`, or `--package-id ID` / `--package-name NAME`
//! with `--user-id OID`; `--justification TEXT`; `--wait`. A user holding
//! nothing to remove is not an error (stderr says so).
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `EntitlementManagement.ReadWrite.All` (application),
//! or the access package assignment manager role on the catalog.

use std::process::ExitCode;

use anyhow::{anyhow, bail};
use clap::Parser;
use entra_access::api::{PackageRef, RemoveFor};
use entra_access::chrono::Utc;
use entra_access::doctor::{hint, Capability};
use entra_access::models::{
    format_datetime, AssignmentRequest, AssignmentRequestId, DateTime, RequestState,
};
use entra_access_fake::Connection;
use futures::TryStreamExt;

/// What this program's job needs from Graph (writes assignment requests): a
/// refused call's error line names the permission or role it lacks.
const JOB: Capability = Capability::Assign;

/// Remove an access package assignment.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long)]
    device_code: bool,
    /// The assignment to remove.
    #[arg(long, value_name = "ID", required_unless_present = "user_id",
          conflicts_with_all = ["package_id", "package_name", "user_id"])]
    assignment_id: Option<String>,
    /// The access package (with --user-id).
    #[arg(
        long,
        value_name = "ID",
        requires = "user_id",
        conflicts_with = "package_name"
    )]
    package_id: Option<String>,
    /// The access package's exact display name (with --user-id).
    #[arg(long, value_name = "NAME", requires = "user_id")]
    package_name: Option<String>,
    /// The user whose assignments of the package to remove.
    #[arg(long, value_name = "OID")]
    user_id: Option<String>,
    /// Why the access is removed (kept with the request).
    #[arg(long, value_name = "TEXT")]
    justification: Option<String>,
    /// Follow each request until it completes.
    #[arg(long)]
    wait: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let conn = Connection::start(args.device_code, |p| eprintln!("{p}")).await?;
    eprintln!("{}", conn.banner());
    let client = conn.client();
    let requests = match (&args.assignment_id, &args.user_id) {
        (Some(assignment), _) => {
            let mut remove = client
                .assignment_requests()
                .admin_remove(assignment.as_str());
            remove = remove.set_justification(args.justification.clone());
            vec![remove.send().await?]
        }
        (None, Some(user)) => {
            if args.package_id.is_none() && args.package_name.is_none() {
                bail!("--user-id needs --package-id or --package-name");
            }
            let package = package_ref(&args.package_id, &args.package_name)?;
            let package = client.access_packages().resolve(package).send().await?;
            let mut remove = client.assignments().remove_for(&package.id, user.as_str());
            remove = remove.set_justification(args.justification.clone());
            match remove.send().await? {
                RemoveFor::NotAssigned => {
                    eprintln!(
                        "{user} holds no active assignment of {}; nothing to remove",
                        package.label()
                    );
                    return Ok(());
                }
                RemoveFor::Requested { requests, failed } => {
                    for (assignment, error) in &failed {
                        eprintln!("could not request removal of assignment {assignment}: {error}");
                    }
                    if !failed.is_empty() {
                        for r in &requests {
                            println!("{}", r.id);
                        }
                        bail!(
                            "{} of {} removals failed",
                            failed.len(),
                            failed.len() + requests.len()
                        );
                    }
                    requests
                }
                other => bail!("unexpected result: {other:?}"),
            }
        }
        (None, None) => {
            bail!("give --assignment-id, or --user-id with --package-id or --package-name")
        }
    };
    for request in &requests {
        println!("{}", request.id);
    }
    if args.wait {
        for request in &requests {
            let done = follow(&conn, &request.id).await?;
            report_ending(&done)?;
        }
    }
    Ok(())
}

/// Follows a request (polling with backoff), each new state on stderr;
/// returns it final, or scheduled for a start still ahead.
async fn follow(conn: &Connection, id: &AssignmentRequestId) -> anyhow::Result<AssignmentRequest> {
    let mut changes = conn
        .client()
        .assignment_requests()
        .watch(id)
        .poll_interval(conn.poll_interval())
        // Graph keeps a request that starts later in `scheduled` until then.
        .stop_when_scheduled(true);
    let mut last = None;
    while let Some(request) = changes.try_next().await? {
        eprintln!("request {}: {}", request.id, state(&request));
        last = Some(request);
    }
    last.ok_or_else(|| anyhow!("request {id} was never observed"))
}

/// Prints the final state on stdout; an error saying how the request ended
/// unless it was delivered or starts later.
fn report_ending(done: &AssignmentRequest) -> anyhow::Result<()> {
    println!("{}", state(done));
    if let Some(start) = starts_later(done) {
        eprintln!(
            "request {}: access starts at {}; not waiting that long",
            done.id,
            format_datetime(&start)
        );
    } else if !done.is_delivered() {
        bail!("{}", ending(done));
    }
    Ok(())
}

/// A request's state as Graph spells it (`pendingApproval`, `delivered`…).
fn state(request: &AssignmentRequest) -> &str {
    request.state.as_ref().map_or("unknown", |s| s.as_str())
}

/// When Graph holds the request `scheduled` for a start still ahead: that
/// start (Graph delivers it then).
fn starts_later(request: &AssignmentRequest) -> Option<DateTime> {
    let start = request.schedule.as_ref()?.start_date_time?;
    let later = request.state == Some(RequestState::Scheduled) && start > Utc::now();
    later.then_some(start)
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

/// `--package-id ID` or `--package-name NAME` (clap lets at most one through).
fn package_ref(id: &Option<String>, name: &Option<String>) -> anyhow::Result<PackageRef> {
    match (id, name) {
        (Some(id), _) => Ok(PackageRef::id(id.as_str())),
        (None, Some(name)) => Ok(PackageRef::name(name.as_str())),
        (None, None) => bail!("give --package-id or --package-name"),
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
