//! Adds an access-package task to a lifecycle workflow (Entra ID
//! Governance → Lifecycle workflows → Tasks → Add task): "Request user
//! access package assignment" (joiner, mover) with `--request`, or "Remove
//! access package assignment for user" (leaver, mover) with `--remove`.
//! With `--drop-tasks-of ID` (repeatable) the same run also takes out the
//! access-package tasks of other packages, e.g. a mover workflow that
//! requests the new department's package instead of the old one's.
//! Tasks cannot be edited in place, so all changes go into ONE new workflow
//! version; a task already present, or absent when dropped, changes nothing.
//! A task must fit the workflow's category (Graph: "The category of the
//! task must match the category of the workflow"): adding a request task to
//! a leaver workflow, or a remove task to a joiner one, fails before
//! anything is sent (exit 1, naming the categories).
//! If someone else changed the workflow at the same time, the run fails with
//! a conflict naming the versions to compare (exit 1). Prints the workflow's
//! tasks afterwards, one tab-separated line each (`displayName`,
//! `taskDefinitionId`, `name=value` arguments).
//!
//! ```text
//! cargo run --example add_lifecycle_task -- --workflow-id fe0c1a7e-0000-4000-8000-000000000001 \
//!     --request --package-name "Marketing Campaign" --drop-tasks-of <old package id>
//! cargo run --example add_lifecycle_task -- --workflow-id fe0c1a7e-0000-4000-8000-000000000002 \
//!     --remove --package-name "Marketing Campaign"
//! ```
//!
//! Flags: `--workflow-id ID`; `--request` or `--remove`; `--package-id ID`
//! or `--package-name NAME`; `--policy-id ID` (with `--request`; optional
//! when the package has one policy); `--drop-tasks-of ID` (repeatable).
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

use std::process::ExitCode;

use anyhow::bail;
use clap::Parser;
use entra_access::api::{AccessPackageTask, EditEffect, PackageRef, TaskSelector};
use entra_access::doctor::{hint, Capability};
use entra_access::models::{AccessPackage, AssignmentPolicyId};
use entra_access::ErrorKind;
use entra_access_fake::Connection;

/// What this program's job needs from Graph (edits lifecycle workflow tasks): a
/// refused call's error line names the permission or role it lacks.
const JOB: Capability = Capability::Lifecycle;

/// Add an access-package task to a lifecycle workflow.
#[derive(Parser, Debug)]
#[command(version, about)]
#[command(group = clap::ArgGroup::new("task").required(true).args(["request", "remove"]))]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long)]
    device_code: bool,
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
    /// The assignment policy to assign through (its id or display name);
    /// may be left out when the package has exactly one policy.
    #[arg(long, value_name = "ID")]
    policy_id: Option<String>,
    /// Also take out every access-package task (request or remove) of this
    /// package, in the same new version. Repeatable.
    #[arg(long, value_name = "ID")]
    drop_tasks_of: Vec<String>,
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
    let task = if args.request {
        let policy = pick_policy(&package, args.policy_id.as_deref())?;
        AccessPackageTask::request_assignment(package.id.clone(), policy)
    } else {
        AccessPackageTask::remove_assignment(package.id.clone())
    };

    let mut edit = client
        .lifecycle_workflows()
        .edit(args.workflow_id.as_str())
        .add(task);
    for package in &args.drop_tasks_of {
        edit = edit.remove(TaskSelector::package(package.as_str()));
    }
    let done = edit.commit().await?;
    let workflow = &done.workflow;
    let name = workflow.display_name.as_deref().unwrap_or("(unnamed)");
    let mut effects = done.effects.iter().map(|(_, effect)| *effect);
    if effects.next() == Some(EditEffect::AlreadyPresent) {
        eprintln!("workflow {name:?} has this task already");
    }
    for (package, effect) in args.drop_tasks_of.iter().zip(effects) {
        match effect {
            EditEffect::Removed(n) => eprintln!("dropped {n} task(s) of access package {package}"),
            _ => eprintln!("workflow {name:?} has no task of access package {package} to drop"),
        }
    }
    match done.new_version {
        Some(version) => eprintln!(
            "changed the tasks: workflow {name:?} is now at version {version} (was {})",
            done.read_version
        ),
        None => eprintln!(
            "workflow {name:?} (version {}) needed no change; nothing was posted",
            done.read_version
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
            (None, None) => bail!("give --package-id or --package-name"),
        }
    }
}

/// The policy to assign through: `--policy-id` (an id or a display name),
/// or the package's only policy.
fn pick_policy(
    package: &AccessPackage,
    wanted: Option<&str>,
) -> anyhow::Result<AssignmentPolicyId> {
    match package.single_policy(wanted) {
        Ok(policy) => Ok(policy.id.clone()),
        // Several fit: name them, with the flag that picks one.
        Err(e) if e.kind() == ErrorKind::Ambiguous => {
            let fitting: Vec<String> = package
                .assignment_policies
                .iter()
                .flatten()
                .filter(|p| wanted.is_none_or(|w| p.display_name.as_deref() == Some(w)))
                .map(|p| match &p.display_name {
                    Some(name) => format!("{} ({name})", p.id),
                    None => p.id.to_string(),
                })
                .collect();
            bail!(
                "{} has {} policies; pick one with --policy-id: {}",
                package.label(),
                fitting.len(),
                fitting.join(", ")
            )
        }
        Err(e) => Err(e.into()),
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
