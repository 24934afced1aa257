//! Assigns an access package to every user in a group (the admin docs'
//! "bulk-assign a group's members", like PowerShell's
//! `New-MgBetaEntitlementManagementAccessPackageAssignment -RequiredGroupMember`),
//! idempotently: it reads the members, the package's assignments and open
//! requests first, skips whoever has access or an open request, and requests
//! the rest with bounded, throttle-aware concurrency. `--reconcile` also
//! removes assignments of people no longer in the group — only those made
//! through the chosen policy (`--all-policies` for every policy), at most
//! `--max-removals N` of them (default 50; a plan with more is refused
//! before anything is sent, naming the count), never from an empty group
//! (unless `--allow-empty-source`), after all adds, and only for people
//! still absent from the group when their removal is sent.
//!
//! Writes a CSV report (one row per person:
//! `Package,AccessPackageId,Person,PrincipalName,Action,Outcome,RequestId,AssignmentId,ErrorCode,ErrorMessage,HttpStatus,GraphRequestId,ClientRequestId`)
//! to `--report FILE` or stdout, and the totals to stderr. A `--report`
//! file is written beside its name and renamed once complete: the previous
//! report stays until the new one is whole. Each person's row is also shown
//! on stderr as soon as it is final (`Add <user id> (<upn>): Submitted`).
//! Exits non-zero when any request failed (the report has the errors).
//!
//! Ctrl-C stops gracefully: requests in flight finish, no new one is sent,
//! the report is still written (people not reached are `NotStarted`; run
//! again to do them) and the exit code is 1. A second Ctrl-C quits at once,
//! leaving the previous report file as it was.
//!
//! ```text
//! cargo run --example assign_group_members -- --package-name "Marketing Campaign" \
//!     --group-id dd0c1a7e-0000-4000-8000-000000000001 --transitive --dry-run
//! ```
//!
//! Flags: `--package-id ID` or `--package-name NAME`; `--policy-id ID`
//! (optional when the package has one policy); `--group-id ID`;
//! `--transitive` (members of nested groups too); `--dry-run` (plan only,
//! send nothing); `--reconcile`; `--max-removals N`; `--all-policies`;
//! `--allow-empty-source`; `--bypass-approval` (the adds skip the
//! policy's approval; without it, under a policy that requires approval,
//! the adds wait for the approvers, and the program says so before
//! sending); `--concurrency N` (1 to 64, default 8); `--report FILE`.
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant.
//!
//! Graph permissions: `EntitlementManagement.ReadWrite.All` and
//! `GroupMember.Read.All` (application).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Parser;
use entra_access::api::PackageRef;
use entra_access::doctor::{hint, Capability};
use entra_access::models::{AccessPackage, AssignmentPolicyId};
use entra_access::ErrorKind;
use entra_access_fake::Connection;
use entra_access_ops::reports::OutputFile;
use entra_access_ops::{Approval, RemovalScope, Row, Warning, DEFAULT_MAX_REMOVALS};
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// What this program's job needs from Graph (writes assignment requests): a
/// refused call's error line names the permission or role it lacks.
const JOB: Capability = Capability::Assign;

/// Assign an access package to the members of a group.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long)]
    device_code: bool,
    #[command(flatten)]
    package: PackageArg,
    /// The assignment policy to assign through (its id or display name);
    /// may be left out when the package has exactly one policy.
    #[arg(long, value_name = "ID")]
    policy_id: Option<String>,
    /// The group whose members get the package.
    #[arg(long, value_name = "ID")]
    group_id: String,
    /// Include members of nested groups.
    #[arg(long)]
    transitive: bool,
    /// Plan and report, but send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also remove the assignments of people who are not members.
    #[arg(long)]
    reconcile: bool,
    /// With --reconcile: refuse the run (before sending anything) when it
    /// would remove more than N assignments.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_REMOVALS)]
    max_removals: usize,
    /// With --reconcile: remove assignments made through any policy of the
    /// package, not only through the chosen one.
    #[arg(long)]
    all_policies: bool,
    /// With --reconcile: allow a group without users (removes every
    /// assignment in scope).
    #[arg(long)]
    allow_empty_source: bool,
    /// Skip the policy's approval (`parameters.bypassApproval`): the adds
    /// are delivered without waiting for the approvers.
    #[arg(long)]
    bypass_approval: bool,
    /// Requests in flight at most (1 to 64); lowered automatically when Graph throttles.
    #[arg(long, value_name = "N", default_value_t = 8)]
    concurrency: usize,
    /// Write the CSV report here instead of stdout.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
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
    let policy = pick_policy(&package, args.policy_id.as_deref())?;
    // Open the report before any request is sent: a bad path fails early.
    // It is written beside its name and renamed once complete, so the
    // previous report stays until then.
    let mut out = match &args.report {
        Some(path) => {
            Some(OutputFile::create(path).with_context(|| format!("creating {}", path.display()))?)
        }
        None => None,
    };

    let bar = bar(0, "requests");
    let progress = bar.clone();
    let mut bulk =
        entra_access_ops::BulkAssign::group(client, &package.id, &policy, args.group_id.as_str())
            .transitive(args.transitive)
            .dry_run(args.dry_run)
            .reconcile(args.reconcile)
            .max_removals(args.max_removals)
            .removal_scope(if args.all_policies {
                RemovalScope::All
            } else {
                RemovalScope::Policy
            })
            .allow_empty_source(args.allow_empty_source)
            .concurrency(args.concurrency)
            .on_progress(move |p| {
                progress.set_length(p.total as u64);
                progress.set_position(p.done as u64);
            });
    if args.bypass_approval {
        bulk = bulk.approval(Approval::Bypass);
    }
    let mut run = bulk.start().await?;
    for warning in run.warnings() {
        match warning {
            Warning::AddsWaitForApproval { .. } => {
                eprintln!("warning: {warning} (--bypass-approval skips it)")
            }
            _ => eprintln!("warning: {warning}"),
        }
    }
    // Ctrl-C stops gracefully: requests in flight finish, no new one
    // starts, and the report marks the people not reached `NotStarted`.
    // A second Ctrl-C quits at once (the answers of requests in flight are
    // then unknown; a re-run finds and skips what was made).
    let stop = run.stop_handle();
    let mut ctrl_c = Box::pin(tokio::signal::ctrl_c());
    let mut listening = true;
    // One line per person on stderr as soon as their row is final.
    loop {
        tokio::select! {
            // Ctrl-C first, so its handler is in place before any row shows.
            biased;
            signal = &mut ctrl_c, if listening => {
                if signal.is_err() {
                    // No signal handling here: the run goes on; Ctrl-C kills.
                    listening = false;
                    continue;
                }
                if stop.is_stopped() {
                    // Quit now: the unfinished report goes, the previous one stays.
                    drop(out.take());
                    std::process::exit(130);
                }
                bar.suspend(|| eprintln!(
                    "stopping: requests in flight finish, no new one starts (Ctrl-C again to quit now)"
                ));
                stop.stop();
                ctrl_c = Box::pin(tokio::signal::ctrl_c());
            }
            row = run.next() => match row {
                Some(row) => bar.suspend(|| eprintln!("{}", row_line(&row))),
                None => break,
            },
        }
    }
    let report = run.finish().await;
    bar.finish_and_clear();

    match out {
        Some(mut file) => {
            report.write_csv(&mut file)?;
            file.commit()?;
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            report.write_csv(&mut stdout)?;
            stdout.flush()?;
        }
    }
    let t = report.totals();
    eprintln!(
        "{}{} people: {} planned, {} requested, {} removed, {} skipped, {} to check by hand, {} failed ({:.1?}, throttled {} times)",
        if report.dry_run { "dry run, " } else { "" },
        report.rows.len(),
        t.to_add + t.to_remove,
        t.created,
        t.removed,
        t.skipped + t.already_done,
        t.reported,
        t.failed,
        report.elapsed,
        report.throttled,
    );
    if stop.is_stopped() {
        bail!(
            "stopped: {} of {} people not started (nothing was requested for them); run again to do them",
            t.not_started,
            report.rows.len()
        );
    }
    if !report.is_success() {
        bail!(
            "{} of the requests failed; the report has the errors",
            t.failed
        );
    }
    Ok(())
}

/// `Add cc0c…-0003 (alan.turing@contoso.example): Submitted`, with the
/// error after a colon when the row has one.
fn row_line(row: &Row) -> String {
    let mut line = format!("{} {}", row.action, row.person);
    if let Some(upn) = &row.principal_name {
        line.push_str(&format!(" ({upn})"));
    }
    line.push_str(&format!(": {}", row.outcome));
    if let Some(error) = &row.error_message {
        line.push_str(&format!(": {error}"));
    }
    line
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

/// A progress bar of `len` steps on stderr, hidden when stderr is not a
/// terminal (so logs and pipes stay clean).
fn bar(len: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}
