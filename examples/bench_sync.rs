//! Planning benchmark for `ops::sync`: does planning many packages cost
//! the slowest package's listing, not the sum of all of them?
//!
//! Serves `--packages` packages of `--assignments` delivered assignments
//! each from a wiremock server with pre-rendered pages (FakeGraph renders
//! every page under one lock, which would measure the fake rather than the
//! client), adds `--latency-ms` to every answer, and measures, over
//! `--rounds` rounds:
//!
//! - each package's facts gathered alone (`PackageFacts::gather`), one
//!   after the other: the slowest of them, and their sum;
//! - `sync::plan` of a desired-state file naming every package (names
//!   resolved, facts of all packages read concurrently, then planned).
//!
//! ```text
//! cargo run --release --example bench_sync -- --packages 20 --assignments 5000 --latency-ms 50
//! ```
//!
//! The target is `plan ≤ 1.5 × slowest single listing`. Pages hold
//! `--page-size` items (Graph's default is 100).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Parser;
use entra_access::auth::StaticToken;
use entra_access::models::AccessPackageId;
use entra_access::Client;
use entra_access_ops::sync::{self, DesiredState};
use entra_access_ops::PackageFacts;
use serde_json::json;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const EM: &str = "/v1.0/identityGovernance/entitlementManagement";

#[derive(Parser, Debug)]
#[command(about = "Planning many packages at once against their slowest listing")]
struct Args {
    /// Access packages.
    #[arg(long, default_value_t = 20)]
    packages: usize,
    /// Delivered assignments per package.
    #[arg(long, default_value_t = 5000)]
    assignments: usize,
    /// Latency added to every answer, in milliseconds.
    #[arg(long, default_value_t = 50)]
    latency_ms: u64,
    /// Items per page.
    #[arg(long, default_value_t = 100)]
    page_size: usize,
    /// Timed rounds.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.packages == 0 || args.assignments < 20 || args.rounds == 0 {
        bail!("--packages and --rounds must be at least 1, --assignments at least 20");
    }
    let server = MockServer::start().await;
    let pages = Pages::render(&server.uri(), &args);
    Mock::given(wiremock::matchers::any())
        .respond_with(pages)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token_provider(StaticToken::new("bench-token"))
        .build()?;
    let packages: Vec<AccessPackageId> = (0..args.packages)
        .map(|p| AccessPackageId::new(package_id(p)))
        .collect();
    // Desired: all but the first 10 holders, and 10 newcomers.
    let desired_users: Vec<String> = (10..args.assignments + 10)
        .map(|u| format!("\"{}\"", user_id(u)))
        .collect();
    let mut config = String::from("[defaults]\nmax_removals = 100\n");
    for p in 0..args.packages {
        config.push_str(&format!(
            "\n[[package]]\nname = \"{}\"\nusers = [{}]\n",
            package_name(p),
            desired_users.join(", ")
        ));
    }
    let desired = DesiredState::from_toml_str(&config)?;
    println!(
        "{} packages x {} assignments, page size {}, latency {} ms",
        args.packages, args.assignments, args.page_size, args.latency_ms,
    );

    let mut slowest_rounds = Vec::new();
    let mut sum_rounds = Vec::new();
    let mut plan_rounds = Vec::new();
    for round in 1..=args.rounds {
        let mut singles = Vec::new();
        for pkg in &packages {
            let t = Instant::now();
            let facts = PackageFacts::gather(&client, pkg.clone()).await?;
            singles.push(t.elapsed());
            if facts.assignments.len() != args.assignments {
                bail!(
                    "listed {} assignments, not {}",
                    facts.assignments.len(),
                    args.assignments
                );
            }
        }
        let slowest = singles.iter().max().copied().unwrap_or_default();
        let sum: Duration = singles.iter().sum();

        let t = Instant::now();
        let plan = sync::plan(&client, &desired).await?;
        let planned = t.elapsed();
        let t = plan.totals();
        if t.to_add != 10 * args.packages || t.to_remove != 10 * args.packages {
            bail!("unexpected plan: {t:?}");
        }
        let totals = format!(
            "{} to add, {} to remove, {} unchanged",
            t.to_add, t.to_remove, t.skipped
        );
        println!(
            "round {round}: slowest single listing {:>7.3} s, sum of listings {:>7.3} s, plan of all {:>7.3} s ({:.2}x slowest; {totals})",
            slowest.as_secs_f64(),
            sum.as_secs_f64(),
            planned.as_secs_f64(),
            planned.as_secs_f64() / slowest.as_secs_f64()
        );
        slowest_rounds.push(slowest);
        sum_rounds.push(sum);
        plan_rounds.push(planned);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (slowest, sum, planned) = (
        median(&mut slowest_rounds),
        median(&mut sum_rounds),
        median(&mut plan_rounds),
    );
    let ratio = planned.as_secs_f64() / slowest.as_secs_f64();
    println!(
        "median: slowest single {:.3} s, sum {:.3} s, plan {:.3} s = {ratio:.2}x slowest ({} 1.5x)",
        slowest.as_secs_f64(),
        sum.as_secs_f64(),
        planned.as_secs_f64(),
        if ratio <= 1.5 { "within" } else { "ABOVE" }
    );
    Ok(())
}

fn package_id(p: usize) -> String {
    format!("pkg-{p:03}")
}

fn package_name(p: usize) -> String {
    format!("Package {p:03}")
}

fn user_id(u: usize) -> String {
    format!("user-{u:06}")
}

/// Every page of every package, rendered once; answers after `delay`.
struct Pages {
    assignments: Arc<HashMap<String, Vec<String>>>,
    delay: Duration,
}

impl Pages {
    fn render(base: &str, args: &Args) -> Self {
        let mut assignments = HashMap::new();
        for p in 0..args.packages {
            let pkg = package_id(p);
            let items: Vec<serde_json::Value> = (0..args.assignments)
                .map(|u| {
                    json!({
                        "id": format!("as-{p:03}-{u:06}"),
                        "state": "delivered",
                        "status": "Delivered",
                        "target": {"objectId": user_id(u), "subjectType": "user"},
                        "assignmentPolicy": {"id": format!("pol-{p:03}"), "displayName": "Direct"},
                    })
                })
                .collect();
            let chunks: Vec<&[serde_json::Value]> = items.chunks(args.page_size).collect();
            let bodies = chunks
                .iter()
                .enumerate()
                .map(|(i, chunk)| {
                    let mut page = json!({ "value": chunk });
                    if i + 1 < chunks.len() {
                        page["@odata.nextLink"] =
                            json!(format!("{base}{EM}/assignments?$skiptoken={pkg}.{}", i + 1));
                    }
                    page.to_string()
                })
                .collect();
            assignments.insert(pkg, bodies);
        }
        Self {
            assignments: Arc::new(assignments),
            delay: Duration::from_millis(args.latency_ms),
        }
    }

    fn body(&self, req: &Request) -> Option<String> {
        let path = req.url.path();
        let query: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        let filter = query.get("$filter").map_or("", String::as_str);
        let quoted = |after: &str| {
            filter
                .split_once(after)
                .and_then(|(_, rest)| rest.split('\'').next())
                .map(str::to_owned)
        };
        if path == format!("{EM}/accessPackages") {
            let name = quoted("displayName eq '")?;
            let p: usize = name.strip_prefix("Package ")?.parse().ok()?;
            return Some(
                json!({"value": [{
                    "id": package_id(p),
                    "displayName": name,
                    "assignmentPolicies": [{"id": format!("pol-{p:03}"), "displayName": "Direct",
                                            "allowedTargetScope": "allMemberUsers"}],
                }]})
                .to_string(),
            );
        }
        if path == format!("{EM}/assignmentRequests") {
            return Some(r#"{"value": []}"#.to_owned());
        }
        if path == format!("{EM}/assignments") {
            let (pkg, page) = match query.get("$skiptoken") {
                Some(token) => {
                    let (pkg, page) = token.split_once('.')?;
                    (pkg.to_owned(), page.parse().ok()?)
                }
                None => (quoted("accessPackage/id eq '")?, 0usize),
            };
            return self.assignments.get(&pkg)?.get(page).cloned();
        }
        None
    }
}

impl Respond for Pages {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        match self.body(req) {
            Some(body) => ResponseTemplate::new(200)
                .set_body_raw(body, "application/json")
                .set_delay(self.delay),
            None => ResponseTemplate::new(404).set_body_raw(
                format!(
                    r#"{{"error":{{"code":"NotFound","message":"{}"}}}}"#,
                    req.url.path()
                ),
                "application/json",
            ),
        }
    }
}
