//! Bench: bulk assignment against a rate-limited loopback fake, and the
//! memory of CSV export.
//!
//! ```text
//! cargo run --release --example bench_bulk -- --users 2000 --rate 200
//! ```
//!
//! 1. Assigns `--users` users with `bulk_assign_group` against `FakeGraph`
//!    limited to `--rate` requests/s (token bucket, bursts of one second's
//!    worth, 429 + `Retry-After` beyond it) with `--latency-ms` per answer.
//!    Prints the achieved rate as a fraction of the limit, the requests
//!    posted per target (duplicates), and the speed-up over concurrency 1.
//!    Concurrency 1 runs `--baseline-users` users and is extrapolated
//!    linearly to `--users` (it is latency-bound, so that is fair).
//! 2. Exports `--csv-counts` assignments to CSV, each in a child process,
//!    and prints the child's peak RSS (`VmHWM`): once paging over HTTP from
//!    a page generator in the same process, once fed in-process (the
//!    exporter alone).
//!
//! Results go to stdout; progress to stderr.

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use entra_access::auth::StaticToken;
use entra_access::Client;
use entra_access_fake::{AccessPackageSeed, FakeGraph, GroupSeed, PolicySeed, UserSeed};
use entra_access_ops::export::assignments_csv;
use futures::StreamExt;
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[derive(Parser, Debug)]
#[command(about = "Bulk assignment throughput and CSV export memory")]
struct Args {
    /// Users to assign.
    #[arg(long, default_value_t = 2000)]
    users: usize,
    /// Requests per second the fake allows.
    #[arg(long, default_value_t = 200.0)]
    rate: f64,
    /// Latency of every fake answer, in milliseconds.
    #[arg(long, default_value_t = 50)]
    latency_ms: u64,
    /// Most writes in flight (the run adapts below it).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Users for the concurrency-1 baseline (extrapolated to --users).
    #[arg(long, default_value_t = 100)]
    baseline_users: usize,
    /// Assignment counts for the CSV memory runs (comma-separated).
    #[arg(long, default_value = "10000,100000", value_delimiter = ',')]
    csv_counts: Vec<u64>,
    /// Skip the bulk part.
    #[arg(long)]
    skip_bulk: bool,
    /// Skip the CSV part.
    #[arg(long)]
    skip_csv: bool,
    /// Internal: run one CSV export of this many rows and print its memory.
    #[arg(long, hide = true)]
    csv_child: Option<u64>,
    /// Internal, with --csv-child: feed the exporter from an in-process
    /// stream instead of paging over HTTP (the exporter's own memory).
    #[arg(long, hide = true)]
    csv_local: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(n) = args.csv_child {
        return if args.csv_local {
            csv_child_local(n).await
        } else {
            csv_child(n).await
        };
    }
    if !args.skip_bulk {
        bulk(&args).await?;
    }
    if !args.skip_csv {
        csv_memory(&args)?;
    }
    Ok(())
}

/// What one bulk run measured.
struct Run {
    elapsed: Duration,
    created: usize,
    failed: usize,
    throttled: u64,
    /// POSTs Graph processed (not answered 429), per target.
    posts_per_target: HashMap<String, usize>,
    throttled_posts: usize,
}

async fn run_bulk(args: &Args, users: usize, concurrency: usize) -> anyhow::Result<Run> {
    let fake = FakeGraph::builder()
        .page_size(999)
        .rate_limit(args.rate)
        .latency(Duration::from_millis(args.latency_ms))
        .start()
        .await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Bench"));
    let policy = fake.add_policy(PolicySeed::new("Direct", &pkg));
    let ids: Vec<_> = (0..users)
        .map(|i| fake.add_user(UserSeed::new(&format!("User {i:05}"))))
        .collect();
    let group = fake.add_group(GroupSeed::new("Everyone").members(ids.iter()));
    let client = fake.client()?;

    let report = entra_access_ops::BulkAssign::group(&client, &pkg, &policy, &group)
        .concurrency(concurrency)
        .on_progress(|p| {
            if p.done % 250 == 0 || p.done == p.total {
                eprintln!(
                    "  {}/{} written, concurrency {}, 429s so far {}",
                    p.done, p.total, p.concurrency, p.throttled
                );
            }
        })
        .run()
        .await?;

    let mut posts_per_target = HashMap::new();
    let mut throttled_posts = 0;
    for r in fake.received() {
        if r.method != "POST" || !r.path.ends_with("/assignmentRequests") {
            continue;
        }
        if r.status == 429 {
            throttled_posts += 1;
            continue;
        }
        let body: Value = serde_json::from_str(&r.body)?;
        let target = body["assignment"]["targetId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        *posts_per_target.entry(target).or_insert(0) += 1;
    }
    let t = report.totals();
    Ok(Run {
        elapsed: report.elapsed,
        created: t.created,
        failed: t.failed,
        throttled: report.throttled,
        posts_per_target,
        throttled_posts,
    })
}

async fn bulk(args: &Args) -> anyhow::Result<()> {
    eprintln!(
        "bulk: {} users, limit {} req/s, latency {} ms, concurrency up to {}",
        args.users, args.rate, args.latency_ms, args.concurrency
    );
    let run = run_bulk(args, args.users, args.concurrency).await?;
    let secs = run.elapsed.as_secs_f64();
    let rate = run.created as f64 / secs;
    // The bucket starts full: one second's worth goes out at once. The best
    // possible time is therefore (N - R) / R seconds.
    let best = ((run.created as f64 - args.rate) / args.rate).max(0.0);
    let duplicates = run.posts_per_target.values().filter(|&&n| n > 1).count();
    let max_posts = run.posts_per_target.values().copied().max().unwrap_or(0);

    eprintln!(
        "baseline: concurrency 1, {} users (extrapolated to {})",
        args.baseline_users, args.users
    );
    let base = run_bulk(args, args.baseline_users, 1).await?;
    let base_secs =
        base.elapsed.as_secs_f64() * args.users as f64 / args.baseline_users.max(1) as f64;

    println!("== bulk assignment ==");
    println!(
        "users {}  limit {} req/s  latency {} ms  max concurrency {}",
        args.users, args.rate, args.latency_ms, args.concurrency
    );
    println!(
        "created {}  failed {}  elapsed {:.2} s  429s answered {} (client counted {})",
        run.created, run.failed, secs, run.throttled_posts, run.throttled
    );
    println!(
        "achieved {:.1} writes/s = {:.2} of the limit (raw); {:.2} of the best possible time (burst-adjusted: (N-R)/R = {:.2} s)",
        rate,
        rate / args.rate,
        best / secs,
        best
    );
    println!(
        "targets posted {}  duplicates {}  most POSTs for one target {}",
        run.posts_per_target.len(),
        duplicates,
        max_posts
    );
    println!(
        "concurrency 1: {} users in {:.2} s, extrapolated {:.1} s for {}  => speed-up {:.1}x",
        args.baseline_users,
        base.elapsed.as_secs_f64(),
        base_secs,
        args.users,
        base_secs / secs
    );
    if run.failed > 0 || duplicates > 0 || base.failed > 0 {
        bail!("the bulk run had failures or duplicates");
    }
    Ok(())
}

fn csv_memory(args: &Args) -> anyhow::Result<()> {
    println!("== CSV export memory (one child process each) ==");
    let exe = std::env::current_exe().context("locating this example")?;
    // Over HTTP: the whole pipeline (paging client and the fake server in
    // the same process). Local: the exporter alone, fed in-process.
    for local in [false, true] {
        for &n in &args.csv_counts {
            eprintln!("csv: exporting {n} assignments in a child process (local: {local})");
            let mut cmd = Command::new(&exe);
            cmd.arg("--csv-child").arg(n.to_string());
            if local {
                cmd.arg("--csv-local");
            }
            let out = cmd.output().context("running the CSV child")?;
            if !out.status.success() {
                bail!("CSV child failed: {}", String::from_utf8_lossy(&out.stderr));
            }
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
    }
    Ok(())
}

/// Peak resident set size of this process, in KiB (Linux `VmHWM`).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Serves `total` synthetic assignments, 999 a page, generated on the fly
/// so the server's own memory does not grow with `total`.
struct SyntheticAssignments {
    base: String,
    total: u64,
}

const PAGE: u64 = 999;

impl Respond for SyntheticAssignments {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let skip: u64 = req
            .url
            .query_pairs()
            .find(|(k, _)| k == "$skiptoken")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let end = (skip + PAGE).min(self.total);
        let value: Vec<Value> = (skip..end).map(synthetic).collect();
        let mut body = json!({ "value": value });
        if end < self.total {
            body["@odata.nextLink"] = json!(format!(
                "{}/v1.0/identityGovernance/entitlementManagement/assignments?$skiptoken={end}",
                self.base
            ));
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// Assignment number `i`, as Graph would send it with everything expanded.
fn synthetic(i: u64) -> Value {
    json!({
        "id": format!("a-{i:08}"),
        "state": "delivered",
        "status": "Delivered",
        "expiredDateTime": null,
        "schedule": {"startDateTime": "2024-05-01T00:00:00Z",
                     "expiration": {"type": "noExpiration"}},
        "target": {"id": format!("s-{i:08}"), "objectId": format!("u-{i:08}"),
                   "displayName": format!("User {i}"),
                   "principalName": format!("user{i}@contoso.com"),
                   "email": format!("user{i}@contoso.com")},
        "accessPackage": {"id": "pkg-1"},
        "assignmentPolicy": {"id": "pol-1"},
    })
}

async fn csv_child_local(total: u64) -> anyhow::Result<()> {
    let before = peak_rss_kib().unwrap_or(0);
    let started = Instant::now();
    // Decoded from the same JSON as the HTTP variant (it always decodes).
    let stream = futures::stream::iter(0..total).map(|i| {
        Ok(
            serde_json::from_value::<entra_access::models::Assignment>(synthetic(i))
                .unwrap_or_default(),
        )
    });
    let mut sink = BufWriter::new(std::io::sink());
    let rows = assignments_csv(stream, &mut sink).await?;
    sink.flush()?;
    report_child("local", rows, before, started);
    Ok(())
}

fn report_child(source: &str, rows: u64, before: u64, started: Instant) {
    let secs = started.elapsed().as_secs_f64();
    let after = peak_rss_kib().unwrap_or(0);
    println!(
        "{source:<5} rows {rows:>7}  peak RSS {after:>6} KiB (before export {before:>6} KiB)  {secs:.2} s  {:.0} rows/s",
        rows as f64 / secs
    );
}

async fn csv_child(total: u64) -> anyhow::Result<()> {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(SyntheticAssignments {
            base: server.uri(),
            total,
        })
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token_provider(StaticToken::new("bench-token"))
        .build()?;
    let before = peak_rss_kib().unwrap_or(0);
    let started = Instant::now();
    let stream = client
        .assignments()
        .list()
        .access_package("pkg-1")
        .expand_target()
        .top(999)
        .stream();
    let mut sink = BufWriter::new(std::io::sink());
    let rows = assignments_csv(stream, &mut sink).await?;
    sink.flush()?;
    report_child("http", rows, before, started);
    Ok(())
}
