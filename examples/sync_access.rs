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
//!   object id, or the e-mail of someone outside the directory), warnings on
//!   stderr, and a last line `N to add, M to remove, K unchanged`. Exit 0
//!   when there is nothing to do, 2 when there is, 1 on error.
//! - `apply --plan PLAN.json [--concurrency N] [--report FILE]`: applies
//!   exactly that plan. A stale plan (the tenant moved since) exits 1 saying
//!   what changed and that nothing was written. `--report` writes CSV
//!   (`Package,Target,Action,Outcome,RequestId,ErrorCode,ErrorMessage`).
//!   Exit 0 when every action succeeded or was already done, 1 otherwise.
//! - `apply --config FILE --auto-approve`: plan and apply in one go, with
//!   the same caps.
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
//! `GroupMember.Read.All` (application). Needs the `csv` feature for
//! `--report`.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use entra_access_fake::Connection;
use entra_access_ops::sync::{self, ActionKind, DesiredState, SyncPlan, SyncReport};

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
        /// Write one CSV row per action to FILE.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
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
            let line = format!("{e:#}")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
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
            println!("{}", plan.totals());
            if let Some(out) = out {
                std::fs::write(&out, plan.to_json())
                    .with_context(|| format!("writing {}", out.display()))?;
                eprintln!("plan written to {}", out.display());
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
        } => {
            // A plan file is read (and refused if foreign) before connecting.
            let reviewed = match &plan {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    Some(SyncPlan::from_json(&text)?)
                }
                None => None,
            };
            let conn = connect(device_code).await?;
            let plan = match (reviewed, config) {
                (Some(plan), _) => plan,
                (None, Some(config)) => {
                    let plan = sync::plan(conn.client(), &read_config(&config)?).await?;
                    print_plan(&plan);
                    println!("{}", plan.totals());
                    plan
                }
                (None, None) => anyhow::bail!("give --plan FILE, or --config FILE --auto-approve"),
            };
            let result = sync::apply(conn.client(), plan)
                .concurrency(concurrency)
                .run()
                .await?;
            print_report(&result);
            if let Some(path) = report {
                write_report(&result, &path)?;
            }
            Ok(if result.all_ok() { 0 } else { 1 })
        }
    }
}

fn read_config(path: &Path) -> anyhow::Result<DesiredState> {
    Ok(DesiredState::from_path(path)?)
}

/// `+ <package> <target>` / `- <package> <target>` on stdout, warnings on stderr.
fn print_plan(plan: &SyncPlan) {
    for (package, warning) in plan.warnings() {
        eprintln!("warning: {}: {warning}", package.label);
    }
    for (package, action) in plan.actions() {
        let sign = match action.kind {
            ActionKind::Add => '+',
            _ => '-',
        };
        println!("{sign} {} {}", package.label, action.target);
    }
}

/// One line per action on stdout, the totals on stderr.
fn print_report(report: &SyncReport) {
    if report.replanned {
        eprintln!("the plan was stale and was made again");
    }
    for row in &report.rows {
        let detail = match (&row.request_id, &row.error_message) {
            (_, Some(e)) => e.clone(),
            (Some(id), None) => format!("request {id}"),
            (None, None) => String::new(),
        };
        println!(
            "{} {} {} {} {detail}",
            row.outcome, row.action, row.package_label, row.target
        );
    }
    let t = report.totals();
    eprintln!(
        "{} submitted, {} already done, {} failed",
        t.submitted, t.already_done, t.failed
    );
}

fn write_report(report: &SyncReport, path: &Path) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    report
        .write_csv(BufWriter::new(file))
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!("report written to {}", path.display());
    Ok(())
}

/// The client from the environment, or the demo fake when no credentials
/// are set (said on stderr either way).
async fn connect(device_code: bool) -> anyhow::Result<Connection> {
    let conn = Connection::start(device_code, |p| eprintln!("{p}")).await?;
    eprintln!("{}", conn.banner());
    Ok(conn)
}
