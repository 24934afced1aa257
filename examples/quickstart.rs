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

#[path = "support/mod.rs"]
mod support;

use std::process::ExitCode;

use clap::Parser;
use entra_access::api::{RemoveFor, Target};
use entra_access::models::{AccessPackage, AssignmentState};
use entra_access::Client;
use futures::{StreamExt, TryStreamExt};
use support::cli::PackageRef;
use support::{demo, follow, output, resolve, session::Session};

/// A tour of entra-access (read-only against a real tenant).
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// With credentials: also show this package's delivered assignments.
    #[arg(long, value_name = "NAME")]
    package_name: Option<String>,
    /// Lines per listing at most.
    #[arg(long, value_name = "N", default_value_t = 20)]
    limit: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    output::finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let session = Session::connect().await?;
    if session.is_fake() {
        tour(&session, args.limit).await
    } else {
        read_only(&session.client, &args).await
    }
}

/// The full cycle, against the demo tenant.
async fn tour(session: &Session, limit: usize) -> anyhow::Result<()> {
    let client = &session.client;

    println!("1. Find the access package named \"Marketing Campaign\"");
    let package = resolve::package(client, &PackageRef::Name("Marketing Campaign".into())).await?;
    print_package(&package);
    let policy = resolve::policy(&package, None)?;

    println!("\n2. Its delivered assignments");
    print_delivered(client, &package, limit).await?;

    println!("\n3. Assign Alan Turing, then follow the request");
    let request = client
        .assignment_requests()
        .admin_add(&package.id, policy.clone(), Target::user(demo::ALAN))
        .justification("joins the spring campaign")
        .send()
        .await?;
    println!("   request {} created", request.id);
    let done = follow::follow(session, &request.id, |r| {
        println!("   request {}: {}", r.id, follow::state(r));
    })
    .await?;
    follow::delivered(&done)?;

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
    let done = follow::follow(session, &request.id, |_| {}).await?;
    println!(
        "   request {} for ana.souza@fabrikam.example: {}",
        done.id,
        follow::state(&done)
    );
    follow::delivered(&done)?;

    println!("\n5. Remove Grace Hopper's access");
    let removal = client
        .assignments()
        .remove_for(&package.id, demo::GRACE)
        .justification("left the campaign")
        .send()
        .await?;
    if let RemoveFor::Requested { requests, .. } = &removal {
        for r in requests {
            let done = follow::follow(session, &r.id, |_| {}).await?;
            println!("   removal request {}: {}", done.id, follow::state(&done));
            follow::delivered(&done)?;
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
        let package = resolve::package(client, &PackageRef::Name(name.clone())).await?;
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
