//! Access as code: a file says who should hold which access package;
//! `plan` shows what would change, `apply` does exactly a reviewed plan,
//! `drift` tells CI whether the tenant still matches the file.
//!
//! ```text
//! cargo run --example sync_access -- plan --config examples/access.toml --out plan.json
//! cargo run --example sync_access -- apply --plan plan.json --report report.csv
//! cargo run --example sync_access -- apply --config examples/access.toml --auto-approve
//! cargo run --example sync_access -- drift --config examples/access.toml
//! ```
//!
//! - `plan --config FILE [--out PLAN.json]`: prints `+ <package> <target>`
//!   per add and `- <package> <target>` per removal (a target is the user's
//!   object id, or the e-mail of someone outside the directory; an add that
//!   will wait for the policy's approvers ends `(waits for approval)`, and a
//!   package's `approval = "bypass"` skips them), warnings on stderr, and a
//!   last line `N to add, M to remove, K unchanged`. Exit 0
//!   when there is nothing to do, 2 when there is, 1 on error.
//! - `apply --plan PLAN.json [--concurrency N] [--report FILE]`: applies
//!   exactly that plan. A stale plan (the tenant moved since), an edited one
//!   (unless `--allow-edited`) or one asking for anything planning would not
//!   do exits 1 saying why and that nothing was written. Prints one line per
//!   write as it finishes (`Submitted Add <package> <target>`). `--report`
//!   writes CSV, one row per item of the plan
//!   (`Package,AccessPackageId,Person,PrincipalName,Action,Outcome,RequestId,AssignmentId,ErrorCode,ErrorMessage,HttpStatus,GraphRequestId,ClientRequestId`),
//!   replacing the file only once the report is complete. Exit 0 when every
//!   write succeeded or was found already done, 1 otherwise.
//! - `apply --config FILE --auto-approve`: plan and apply in one go, with
//!   the same caps.
//!
//! Ctrl-C during `apply` stops gracefully: writes in flight finish, no new
//! one is sent, the report is still written (writes not reached are
//! `NotStarted`; run again to do them) and the exit code is 1. A second
//! Ctrl-C quits at once (the previous report file, if any, is left as it
//! was).
//! - `drift --config FILE`: prints only what differs; exit 2 when anything
//!   does, 0 when nothing does.
//!
//! The file format, removal scopes and caps: `docs/sync.md`. Bad flags exit
//! 2 (clap's usage errors).
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant (`examples/access.toml` is
//! written for it). Each such run starts a new fake at a new address, so a
//! saved plan is refused there as "made against another base URL": try
//! `apply --config … --auto-approve` instead.
//!
//! Graph permissions: `EntitlementManagement.ReadWrite.All`,
//! `User.Read.All` (to resolve user principal names) and
//! `GroupMember.Read.All` (application).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use entra_access::doctor::{hint, Capability};
use entra_access_fake::Connection;
use entra_access_ops::reports::OutputFile;
use entra_access_ops::sync::{self, DesiredState};
use entra_access_ops::{Action, Plan, Report, Row};
use futures::StreamExt;

/// What this program's job needs from Graph (writes assignment requests): a
/// refused call's error line names the permission or role it lacks.
const JOB: Capability = Capability::Assign;

/// Manage who holds access packages from a file: plan, apply, drift.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long, global = true)]
    device_code: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Show what would change; exit 0 (nothing), 2 (changes) or 1 (error).
    Plan {
        /// The desired-state file (`.toml`, or `.json`).
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
        /// Also write the plan as JSON, for `apply --plan`.
        #[arg(long, value_name = "PLAN.json")]
        out: Option<PathBuf>,
    },
    /// Apply a reviewed plan (or plan and apply with --auto-approve).
    Apply {
        /// The plan written by `plan --out`.
        #[arg(
            long,
            value_name = "PLAN.json",
            conflicts_with = "config",
            required_unless_present = "config"
        )]
        plan: Option<PathBuf>,
        /// Plan from this file and apply at once (needs --auto-approve).
        #[arg(long, value_name = "FILE", requires = "auto_approve")]
        config: Option<PathBuf>,
        /// Apply without a reviewed plan file.
        #[arg(long, requires = "config")]
        auto_approve: bool,
        /// Writes in flight (1 to 64).
        #[arg(long, default_value_t = entra_access_ops::DEFAULT_WRITE_CONCURRENCY, value_name = "N")]
        concurrency: usize,
        /// Write one CSV row per item of the plan to FILE.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Apply a plan file changed after planning (every item is still
        /// checked against the tenant).
        #[arg(long, requires = "plan")]
        allow_edited: bool,
    },
    /// Print only what differs from the file; exit 2 when anything does.
    Drift {
        /// The desired-state file.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
}

/// Exit code when there are changes (plan) or drift.
const CHANGES: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(code) => ExitCode::from(code),
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

async fn run(args: Args) -> anyhow::Result<u8> {
    let device_code = args.device_code;
    match args.command {
        Command::Plan { config, out } => {
            let desired = read_config(&config)?;
            let conn = connect(device_code).await?;
            let plan = sync::plan(conn.client(), &desired).await?;
            print_plan(&plan);
            print_totals(&plan);
            if let Some(out) = out {
                write_plan(&plan, &out)?;
            }
            Ok(if plan.is_empty() { 0 } else { CHANGES })
        }
        Command::Drift { config } => {
            let desired = read_config(&config)?;
            let conn = connect(device_code).await?;
            let plan = sync::plan(conn.client(), &desired).await?;
            print_plan(&plan);
            Ok(if plan.is_empty() { 0 } else { CHANGES })
        }
        Command::Apply {
            plan,
            config,
            auto_approve: _,
            concurrency,
            report,
            allow_edited,
        } => {
            // A plan file is read (and refused if foreign) before connecting.
            let reviewed = match &plan {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    Some(Plan::from_json(&text)?)
                }
                None => None,
            };
            // Open the report before anything is sent: a bad path fails
            // early, and the file is replaced only once the report is whole.
            let out = match &report {
                Some(path) => Some(
                    OutputFile::create(path)
                        .with_context(|| format!("creating {}", path.display()))?,
                ),
                None => None,
            };
            let conn = connect(device_code).await?;
            let plan = match (reviewed, config) {
                (Some(plan), _) => plan,
                (None, Some(config)) => {
                    let plan = sync::plan(conn.client(), &read_config(&config)?).await?;
                    print_plan(&plan);
                    print_totals(&plan);
                    plan
                }
                (None, None) => anyhow::bail!("give --plan FILE, or --config FILE --auto-approve"),
            };
            let mut apply = plan.apply(conn.client()).concurrency(concurrency);
            if allow_edited {
                apply = apply.allow_edited();
            }
            let (result, stopped) = apply_with_ctrl_c(apply).await?;
            print_report(&result);
            if let Some(mut out) = out {
                let path = out.path().display().to_string();
                result
                    .write_csv(&mut out)
                    .with_context(|| format!("writing {path}"))?;
                out.commit().with_context(|| format!("writing {path}"))?;
                eprintln!("report written to {path}");
            }
            if stopped {
                anyhow::bail!(
                    "stopped: {} writes not started (nothing was requested for them); run again to do them",
                    result.totals().not_started
                );
            }
            Ok(if result.is_success() { 0 } else { 1 })
        }
    }
}

/// Runs the apply, one line per write on stdout as it finishes. Ctrl-C
/// stops gracefully: writes in flight finish, no new one starts, and the
/// report marks the writes not reached `NotStarted`. A second Ctrl-C quits
/// at once. Returns the report and whether it was stopped.
async fn apply_with_ctrl_c(apply: entra_access_ops::Apply) -> anyhow::Result<(Report, bool)> {
    let mut run = apply.start().await?;
    let stop = run.stop_handle();
    let mut ctrl_c = Box::pin(tokio::signal::ctrl_c());
    let mut listening = true;
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
                    std::process::exit(130);
                }
                eprintln!("stopping: writes in flight finish, no new one starts (Ctrl-C again to quit now)");
                stop.stop();
                ctrl_c = Box::pin(tokio::signal::ctrl_c());
            }
            row = run.next() => match row {
                Some(row) if row.action.is_write() => println!("{}", row_line(&row)),
                Some(_) => {}
                None => break,
            },
        }
    }
    Ok((run.finish().await, stop.is_stopped()))
}

/// Writes the plan as JSON to `path`, replacing the file only once whole.
fn write_plan(plan: &Plan, path: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file =
        OutputFile::create(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(plan.to_json().as_bytes())
        .and_then(|()| file.commit())
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!("plan written to {}", path.display());
    Ok(())
}

fn read_config(path: &Path) -> anyhow::Result<DesiredState> {
    Ok(DesiredState::from_path(path)?)
}

/// `+ <package> <target>` (with `(waits for approval)` when the policy's
/// approval applies) / `- <package> <target>` on stdout, warnings on stderr.
fn print_plan(plan: &Plan) {
    for (package, warning) in plan.warnings() {
        eprintln!("warning: {}: {warning}", package.label());
    }
    for (package, item) in plan.items() {
        match &item.action {
            Action::Add if package.spec.adds_wait_for_approval() => {
                println!("+ {} {} (waits for approval)", package.label(), item.person)
            }
            Action::Add => println!("+ {} {}", package.label(), item.person),
            Action::Remove => println!("- {} {}", package.label(), item.person),
            Action::Report(why) => eprintln!(
                "warning: {}: {}: {why}; nothing is requested",
                package.label(),
                item.person
            ),
            _ => {}
        }
    }
}

/// `N to add, M to remove, K unchanged` (everyone else needs nothing).
fn print_totals(plan: &Plan) {
    let t = plan.totals();
    println!(
        "{} to add, {} to remove, {} unchanged",
        t.to_add,
        t.to_remove,
        t.skipped + t.reported
    );
}

/// `Submitted Add Marketing Campaign <target> request <id>`, or the error.
fn row_line(row: &Row) -> String {
    let detail = match (&row.request_id, &row.error_message) {
        (_, Some(e)) => e.clone(),
        (Some(id), None) => format!("request {id}"),
        (None, None) => String::new(),
    };
    format!(
        "{} {} {} {} {detail}",
        row.outcome, row.action, row.package_label, row.person
    )
    .trim_end()
    .to_owned()
}

/// The totals on stderr.
fn print_report(report: &Report) {
    if report.replanned {
        eprintln!("the plan was stale and was made again");
    }
    let t = report.totals();
    eprintln!(
        "{} submitted, {} already done, {} failed, {} not started",
        t.created + t.removed,
        t.already_done,
        t.failed,
        t.not_started
    );
}

/// The client from the environment, or the demo fake when no credentials
/// are set (said on stderr either way).
async fn connect(device_code: bool) -> anyhow::Result<Connection> {
    let conn = Connection::start(device_code, |p| eprintln!("{p}")).await?;
    eprintln!("{}", conn.banner());
    Ok(conn)
}
