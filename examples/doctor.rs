//! Says which permission, role or sign-in a job lacks, before the job
//! fails: reads the token (without printing it), compares it with Graph's
//! permission tables and sends at most one cheap read per capability, never
//! a write.
//!
//! ```text
//! cargo run --example doctor
//! cargo run --example doctor -- --need list,assign
//! cargo run --example doctor -- --device-code --need approve,self
//! ```
//!
//! One line per capability on stdout:
//! - `ok <capability>`
//! - `missing <capability>: <what is missing> — <the fix>`
//! - `unknown <capability>: <Graph's code> (request id <id>) — <why>`
//!
//! What the token says (kind, tenant, application, audience, expiry,
//! permissions, roles) goes to stderr. Exit code 0 when every capability
//! asked for is ok, 3 when something is missing or unknown, 1 on an error
//! (one `error:` line), 2 on bad flags.
//!
//! Flags: `--need list,assign,groups,users,lifecycle,approve,self` (default:
//! all); `--tenant ID` to require a token of that tenant; `--device-code`
//! to sign in as yourself (approvals and requests for yourself need a
//! signed-in user).
//!
//! Environment: `GRAPH_ACCESS_TOKEN`, or `AZURE_TENANT_ID` +
//! `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET` (optional
//! `AZURE_AUTHORITY_HOST`); optional `GRAPH_BASE_URL`. With none set it runs
//! against a fake Graph with a demo tenant, and says so.
//!
//! Graph permissions: none of its own; it tells you which ones your jobs
//! need (the table is `docs/permissions.md`).

use std::process::ExitCode;

use clap::Parser;
use entra_access::doctor::{Capability, Diagnosis, TokenFacts, TokenKind, Verdict};
use entra_access_fake::Connection;

/// Say which permission, role or sign-in a job lacks.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// The capabilities to check, comma-separated: list, assign, groups,
    /// users, lifecycle, approve, self (default: all).
    #[arg(long, value_name = "LIST")]
    need: Option<String>,
    /// The tenant id the token must be for.
    #[arg(long, value_name = "ID")]
    tenant: Option<String>,
    /// Sign in as yourself with a device code (AZURE_TENANT_ID and
    /// AZURE_CLIENT_ID of a public-client app; the code is shown on stderr).
    #[arg(long)]
    device_code: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(3),
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

/// Whether every capability asked for is ok.
async fn run(args: Args) -> anyhow::Result<bool> {
    let need: Vec<Capability> = match &args.need {
        None => Capability::ALL.to_vec(),
        Some(list) => list
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()?,
    };
    let conn = Connection::start(args.device_code, |p| eprintln!("{p}")).await?;
    eprintln!("{}", conn.banner());
    let mut doctor = conn.client().doctor().need(need);
    if let Some(tenant) = args.tenant {
        doctor = doctor.tenant(tenant);
    }
    let diagnosis = doctor.send().await?;
    eprintln!("{}", describe_token(&diagnosis));
    for finding in diagnosis.findings() {
        println!("{}", line(finding.capability, &finding.verdict));
    }
    Ok(diagnosis.all_ok())
}

/// One result line.
fn line(capability: Capability, verdict: &Verdict) -> String {
    match verdict {
        Verdict::Ok => format!("ok {capability}"),
        Verdict::Unknown {
            code,
            request_id,
            reason,
        } => format!(
            "unknown {capability}: {} (request id {}) — {reason}",
            code.as_deref().unwrap_or("no code"),
            request_id.as_deref().unwrap_or("none"),
        ),
        other => format!(
            "missing {capability}: {other} — {}",
            other.fix().unwrap_or_default()
        ),
    }
}

/// What the token says, for stderr.
fn describe_token(d: &Diagnosis) -> String {
    match d.token() {
        TokenFacts::Readable(c) => {
            let kind = match c.kind {
                TokenKind::Application => "app-only",
                TokenKind::Delegated => "signed-in user",
                _ => "unknown kind",
            };
            let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            let mut s = format!(
                "token: {kind}, tenant {}, application {}, audience {}",
                or_dash(&c.tenant),
                or_dash(&c.app_id),
                or_dash(&c.audience)
            );
            if c.kind == TokenKind::Application {
                s.push_str(&format!(", permissions [{}]", c.roles.join(", ")));
            } else {
                s.push_str(&format!(", scopes [{}]", c.scopes.join(", ")));
                match &c.directory_roles {
                    Some(roles) => s.push_str(&format!(", directory roles [{}]", roles.join(", "))),
                    None => s.push_str(", directory roles not in the token"),
                }
            }
            s
        }
        TokenFacts::Opaque { reason, .. } => {
            format!("token: opaque ({reason}); the probes decide alone")
        }
        _ => "token: unreadable".to_owned(),
    }
}
