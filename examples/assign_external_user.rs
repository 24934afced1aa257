//! Directly assigns an access package to someone who is not in the directory
//! yet, by e-mail address (the portal's "Any user" direct assignment). The
//! policy must admit users not yet in the directory. Prints the request id
//! on stdout; with `--wait`, follows it and prints the final state (Graph
//! invites the person as a guest while delivering). A request that waits
//! for its approvers ends the wait at once: stderr names who approves each
//! stage, and the exit code is 0.
//!
//! ```text
//! cargo run --example assign_external_user -- --package-name "Sales Onboarding" \
//!     --policy-id bb0c1a7e-0000-4000-8000-000000000003 --email ana@fabrikam.example --display-name "Ana Souza" --wait
//! ```
//!
//! Flags: `--package-id ID` or `--package-name NAME`; `--policy-id ID`
//! (optional when the package has one policy); `--email ADDRESS`;
//! `--display-name NAME`; `--wait`.
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
use entra_access::api::{PackageRef, Target};
use entra_access::chrono::Utc;
use entra_access::doctor::{hint, Capability};
use entra_access::models::{
    format_datetime, AccessPackage, ApprovalStage, AssignmentPolicy, AssignmentRequest,
    AssignmentRequestId, DateTime, RequestState,
};
use entra_access::ErrorKind;
use entra_access_fake::Connection;
use entra_access_ops::Submission;
use futures::TryStreamExt;

/// What this program's job needs from Graph (writes assignment requests): a
/// refused call's error line names the permission or role it lacks.
const JOB: Capability = Capability::Assign;

/// Assign an access package to someone outside the directory, by e-mail.
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
    /// The person's e-mail address.
    #[arg(long, value_name = "ADDRESS")]
    email: String,
    /// The name to show for them until they accept the invitation.
    #[arg(long, value_name = "NAME")]
    display_name: Option<String>,
    /// Follow the request until it is delivered, fails, or waits for its
    /// approvers.
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
    let package = client
        .access_packages()
        .resolve(args.package.to_ref()?)
        .expand_policies()
        .send()
        .await?;
    let policy = pick_policy(&package, args.policy_id.as_deref())?;

    let mut target = Target::email(args.email);
    target = target.set_display_name(args.display_name);
    let request = client
        .assignment_requests()
        .admin_add(&package.id, &policy.id, target);
    // Checks for an existing assignment or open request first, so running
    // the command twice requests nothing twice.
    let submission = entra_access_ops::submit_once(client, request).await?;
    report_submission(&conn, submission, args.wait, &policy).await
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
fn pick_policy(package: &AccessPackage, wanted: Option<&str>) -> anyhow::Result<AssignmentPolicy> {
    match package.single_policy(wanted) {
        Ok(policy) => Ok(policy.clone()),
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

/// Prints what an `adminAdd` did: the request id on stdout (nothing when
/// the target already holds the access; stderr says what was found). With
/// `wait`, follows the request: each state on stderr, the final one on
/// stdout, and an error (saying how it ended) unless it was delivered,
/// starts later, or waits for its approvers.
async fn report_submission(
    conn: &Connection,
    submission: Submission,
    wait: bool,
    policy: &AssignmentPolicy,
) -> anyhow::Result<()> {
    if let Some(note) = note(&submission) {
        eprintln!("{note}");
    }
    let Some(request) = submission.request() else {
        return Ok(());
    };
    println!("{}", request.id);
    if !wait {
        return Ok(());
    }
    let done = follow(conn, &request.id).await?;
    report_ending(&done, policy)
}

/// One line saying why nothing new was posted; `None` for a new request.
fn note(submission: &Submission) -> Option<String> {
    match submission {
        Submission::AlreadyRequested(r) => Some(format!(
            "an open request exists already ({}); following that one",
            state(r)
        )),
        Submission::AlreadyAssigned(a) => Some(format!(
            "already assigned: assignment {} is {}; nothing was requested",
            a.id,
            a.state.as_ref().map_or("unknown", |s| s.as_str())
        )),
        _ => None,
    }
}

/// Follows a request (polling with backoff), each new state on stderr;
/// returns it final, scheduled for a start still ahead, or waiting for its
/// approvers.
async fn follow(conn: &Connection, id: &AssignmentRequestId) -> anyhow::Result<AssignmentRequest> {
    let mut changes = conn
        .client()
        .assignment_requests()
        .watch(id)
        .poll_interval(conn.poll_interval())
        // Graph keeps a request that starts later in `scheduled` until then,
        // and one that needs approval in `pendingApproval` until its
        // approvers decide: neither is worth polling for.
        .stop_when_scheduled(true)
        .stop_when_pending_approval(true);
    let mut last = None;
    while let Some(request) = changes.try_next().await? {
        eprintln!("request {}: {}", request.id, state(&request));
        last = Some(request);
    }
    last.ok_or_else(|| anyhow!("request {id} was never observed"))
}

/// Prints the final state on stdout; an error saying how the request ended
/// unless it was delivered, starts later, or waits for its approvers (who
/// are named on stderr).
fn report_ending(done: &AssignmentRequest, policy: &AssignmentPolicy) -> anyhow::Result<()> {
    println!("{}", state(done));
    if let Some(stages) = done.approval_stages(policy) {
        eprintln!(
            "request {}: waits for approval by {}; not waiting for the decision",
            done.id,
            approvers(stages)
        );
    } else if let Some(start) = starts_later(done) {
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

/// Who decides each approval stage, in order: "stage 1: user {id}; stage
/// 2: members of group {id}", or the approvers the policy leaves unnamed.
fn approvers(stages: &[ApprovalStage]) -> String {
    if stages.iter().all(|s| s.primary_approvers.is_empty()) {
        return "its approvers (the policy read names none)".to_owned();
    }
    stages
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let who: Vec<String> = stage
                .primary_approvers
                .iter()
                .map(ToString::to_string)
                .collect();
            format!("stage {}: {}", i + 1, who.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
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
