//! Adds an access-package task to a lifecycle workflow (Entra ID
//! Governance → Lifecycle workflows → Tasks → Add task): "Request user
//! access package assignment" (joiner, mover) with `--request`, or "Remove
//! access package assignment for user" (leaver, mover) with `--remove`.
//! Tasks cannot be edited in place, so this posts a new workflow version;
//! a task already present changes nothing. Prints the workflow's tasks
//! afterwards, one tab-separated line each (`displayName`,
//! `taskDefinitionId`, `name=value` arguments).
//!
//! ```text
//! cargo run --example add_lifecycle_task -- --workflow-id fe0c1a7e-0000-4000-8000-000000000001 \
//!     --request --package-name "Marketing Campaign"
//! ```
//!
//! Flags: `--workflow-id ID`; `--request` or `--remove`; `--package-id ID`
//! or `--package-name NAME`; `--policy-id ID` (with `--request`; optional
//! when the package has one policy).
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `LifecycleWorkflows-Workflow.ReadWrite.All` (least
//! privileged) or `LifecycleWorkflows.ReadWrite.All`, and
//! `EntitlementManagement.Read.All` (application); delegated callers need
//! the Lifecycle Workflows Administrator role.

#[path = "support/mod.rs"]
mod support;

use std::process::ExitCode;

use clap::Parser;
use entra_access::api::{AccessPackageTask, TaskChange};
use support::cli::{PackageArg, PolicyArg};
use support::{output, resolve, session::Session};

/// Add an access-package task to a lifecycle workflow.
#[derive(Parser, Debug)]
#[command(version, about)]
#[command(group = clap::ArgGroup::new("task").required(true).args(["request", "remove"]))]
struct Args {
    /// The lifecycle workflow.
    #[arg(long, value_name = "ID")]
    workflow_id: String,
    /// Add "Request user access package assignment".
    #[arg(long)]
    request: bool,
    /// Add "Remove access package assignment for user".
    #[arg(long, conflicts_with = "policy_id")]
    remove: bool,
    #[command(flatten)]
    package: PackageArg,
    #[command(flatten)]
    policy: PolicyArg,
}

#[tokio::main]
async fn main() -> ExitCode {
    output::finish(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let session = Session::connect().await?;
    let package = resolve::package(&session.client, &args.package.to_ref()).await?;
    let task = if args.request {
        let policy = resolve::policy(&package, args.policy.policy_id.as_deref())?;
        AccessPackageTask::request_assignment(package.id.clone(), policy)
    } else {
        AccessPackageTask::remove_assignment(package.id.clone())
    };

    let change = session
        .client
        .lifecycle_workflows()
        .add_task(args.workflow_id.as_str(), task)
        .await?;
    let workflow = change.workflow();
    let name = workflow.display_name.as_deref().unwrap_or("(unnamed)");
    let version = workflow
        .extra
        .get("version")
        .map_or_else(|| "?".to_owned(), ToString::to_string);
    match &change {
        TaskChange::Changed(_) => {
            eprintln!("added the task: workflow {name:?} is now at version {version}");
        }
        _ => eprintln!(
            "workflow {name:?} (version {version}) has this task already; nothing changed"
        ),
    }
    for t in &workflow.tasks {
        let arguments: Vec<String> = t
            .arguments
            .iter()
            .map(|a| format!("{}={}", a.name, a.value.as_deref().unwrap_or("null")))
            .collect();
        println!(
            "{}\t{}\t{}",
            t.display_name.as_deref().unwrap_or("-"),
            t.task_definition_id.as_deref().unwrap_or("-"),
            arguments.join(",")
        );
    }
    Ok(())
}
