//! A tour of the crate's main job.
//!
//! With no credentials set, it starts a fake Graph with a demo tenant and
//! runs the whole cycle an access-package administrator knows: find a
//! package by name, list its delivered assignments, assign a user and
//! follow the request until delivered, assign someone outside the directory
//! by e-mail, and remove an assignment.
//!
//! With credentials set, it makes read-only calls against your tenant only:
//! it lists access packages with their policies, and with `--package-name`
//! the delivered assignments of that package.
//!
//! ```text
//! cargo run --example quickstart
//! GRAPH_ACCESS_TOKEN=… cargo run --example quickstart -- --package-name "Marketing Campaign"
//! ```
//!
//! Flags: `--package-name NAME` (with credentials; the tour always uses
//! "Marketing Campaign"); `--limit N` (lines per listing, default 20).
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`.
//!
//! Graph permissions (read-only run): `EntitlementManagement.Read.All`.

use std::process::ExitCode;

use anyhow::{anyhow, bail};
use clap::Parser;
use entra_access::api::{PackageRef, RemoveFor, Target};
use entra_access::doctor::{hint, Capability};
use entra_access::models::{
    AccessPackage, AssignmentRequest, AssignmentRequestId, AssignmentState, RequestState,
};
use entra_access::Client;
use entra_access_fake::Connection;
use futures::{StreamExt, TryStreamExt};

/// What this program's job needs from Graph (reads access packages and
/// assignments): a refused call's error line names the permission or role it
/// lacks.
const JOB: Capability = Capability::List;

/// Alan Turing and Grace Hopper in the demo tenant (see `entra_access_fake::demo`).
const ALAN: &str = "cc0c1a7e-0000-4000-8000-000000000003";
const GRACE: &str = "cc0c1a7e-0000-4000-8000-000000000002";

/// A tour of entra-access (read-only against a real tenant).
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long)]
    device_code: bool,
    /// With credentials: also show this package's delivered assignments.
    #[arg(long, value_name = "NAME")]
    package_name: Option<String>,
    /// Lines per listing at most.
    #[arg(long, value_name = "N", default_value_t = 20)]
    limit: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let conn = Connection::start(args.device_code, |p| eprintln!("{p}")).await?;
    eprintln!("{}", conn.banner());
    if conn.is_demo() {
        tour(&conn, args.limit).await
    } else {
        read_only(conn.client(), &args).await
    }
}

/// The full cycle, against the demo tenant.
async fn tour(conn: &Connection, limit: usize) -> anyhow::Result<()> {
    let client = conn.client();

    println!("1. Find the access package named \"Marketing Campaign\"");
    let package = client
        .access_packages()
        .resolve(PackageRef::name("Marketing Campaign"))
        .expand_policies()
        .send()
        .await?;
    print_package(&package);
    let policy = package.single_policy(None)?.id.clone();

    println!("\n2. Its delivered assignments");
    print_delivered(client, &package, limit).await?;

    println!("\n3. Assign Alan Turing, then follow the request");
    let request = client
        .assignment_requests()
        .admin_add(&package.id, policy.clone(), Target::user(ALAN))
        .justification("joins the spring campaign")
        .send()
        .await?;
    println!("   request {} created", request.id);
    let done = follow(conn, &request.id, |r| {
        println!("   request {}: {}", r.id, state(r));
    })
    .await?;
    delivered(&done)?;

    println!("\n4. Assign someone outside the directory, by e-mail");
    let request = client
        .assignment_requests()
        .admin_add(
            &package.id,
            policy,
            Target::email("ana.souza@fabrikam.example").display_name("Ana Souza"),
        )
        .send()
        .await?;
    let done = follow(conn, &request.id, |_| {}).await?;
    println!(
        "   request {} for ana.souza@fabrikam.example: {}",
        done.id,
        state(&done)
    );
    delivered(&done)?;

    println!("\n5. Remove Grace Hopper's access");
    let removal = client
        .assignments()
        .remove_for(&package.id, GRACE)
        .justification("left the campaign")
        .send()
        .await?;
    if let RemoveFor::Requested { requests, .. } = &removal {
        for r in requests {
            let done = follow(conn, &r.id, |_| {}).await?;
            println!("   removal request {}: {}", done.id, state(&done));
            delivered(&done)?;
        }
    }

    println!("\n6. Delivered assignments now");
    print_delivered(client, &package, limit).await?;
    println!("\nDone. Each step has an example of its own; see docs/cookbook.md.");
    Ok(())
}

/// Read-only calls against a real tenant.
async fn read_only(client: &Client, args: &Args) -> anyhow::Result<()> {
    println!("Access packages (first {}):", args.limit);
    let mut packages = client
        .access_packages()
        .list()
        .expand_policies()
        .stream()
        .take(args.limit);
    while let Some(package) = packages.next().await {
        print_package(&package?);
    }
    if let Some(name) = &args.package_name {
        let package = client
            .access_packages()
            .resolve(PackageRef::name(name.clone()))
            .send()
            .await?;
        println!("\nDelivered assignments of {name:?}:");
        print_delivered(client, &package, args.limit).await?;
    }
    Ok(())
}

fn print_package(package: &AccessPackage) {
    println!(
        "   {} {:?}",
        package.id,
        package.display_name.as_deref().unwrap_or("")
    );
    for p in package.assignment_policies.iter().flatten() {
        println!(
            "     policy {} {:?}",
            p.id,
            p.display_name.as_deref().unwrap_or("")
        );
    }
}

async fn print_delivered(
    client: &Client,
    package: &AccessPackage,
    limit: usize,
) -> anyhow::Result<()> {
    let delivered: Vec<_> = client
        .assignments()
        .list()
        .access_package(&package.id)
        .state(AssignmentState::Delivered)
        .expand_target()
        .stream()
        .take(limit)
        .try_collect()
        .await?;
    for a in &delivered {
        let target = a.target.as_ref();
        println!(
            "   {:<20} {:<36} assignment {}",
            target
                .and_then(|t| t.display_name.as_deref())
                .unwrap_or("-"),
            target
                .and_then(|t| t.principal_name.as_deref().or(t.email.as_deref()))
                .unwrap_or("-"),
            a.id
        );
    }
    if delivered.is_empty() {
        println!("   (none)");
    }
    Ok(())
}

/// `Ok` when the request was delivered; otherwise an error saying how it
/// ended (status, failed custom-extension calls).
fn delivered(request: &AssignmentRequest) -> anyhow::Result<()> {
    if !request.is_delivered() {
        bail!("{}", ending(request));
    }
    Ok(())
}

/// Polls a request (with backoff) until it is final, calling `on_change`
/// with each new state; returns the final request.
async fn follow(
    conn: &Connection,
    id: &AssignmentRequestId,
    mut on_change: impl FnMut(&AssignmentRequest),
) -> anyhow::Result<AssignmentRequest> {
    let mut changes = conn
        .client()
        .assignment_requests()
        .watch(id)
        .poll_interval(conn.poll_interval());
    let mut last = None;
    while let Some(request) = changes.try_next().await? {
        on_change(&request);
        last = Some(request);
    }
    last.ok_or_else(|| anyhow!("request {id} was never observed"))
}

/// A request's state as Graph spells it (`pendingApproval`, `delivered`…).
fn state(request: &AssignmentRequest) -> &str {
    request.state.as_ref().map_or("unknown", |s| s.as_str())
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
