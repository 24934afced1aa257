//! End-to-end paging benchmark against a loopback HTTP server.
//!
//! Lists assignments (with an expanded target) through
//! `client.assignments().list().stream()` and through a hand-written
//! reqwest + serde loop, in the same run, alternating which goes first, and
//! prints items per second for both and their ratio. Then measures the peak
//! resident memory (VmHWM) of a process that streams 10,000 and 100,000
//! items, each in a child process of its own.
//!
//! ```text
//! cargo run --release --example bench_paging -- --items 100000 --page-size 999
//! cargo run --release --example bench_paging -- --processes --client-credentials
//! ```
//!
//! `--processes` compares whole programs (the `list_assignments` example
//! against a hand-written loop), start-up included; with
//! `--client-credentials` both first get a token from the server's
//! client-credentials endpoint, so the figure includes building the token
//! provider's HTTP stack (with `native-tls`, reading the system CA store).
//!
//! The server pre-renders every page (HTTP head and JSON body) and serves
//! them by `$skiptoken` over keep-alive connections, so it is not the
//! bottleneck. Peak memory needs Linux (`/proc/self/status`).

use std::io::BufRead;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, ValueEnum};
use entra_access::auth::StaticToken;
use entra_access::models::Assignment;
use entra_access::Client;
use futures::TryStreamExt;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PATH: &str = "/v1.0/identityGovernance/entitlementManagement/assignments";
const TOKEN: &str = "bench-token";
/// The tenant, client id and secret of `--client-credentials`.
const BENCH_TENANT: &str = "bench-tenant";
const BENCH_CLIENT: &str = "bench-client";
const BENCH_SECRET: &str = "bench-secret";

#[derive(Parser, Debug)]
#[command(about = "Paging throughput and peak memory: the SDK against a hand-written loop")]
struct Args {
    /// Items in the collection.
    #[arg(long, default_value_t = 100_000)]
    items: usize,
    /// Items per page.
    #[arg(long, default_value_t = 999)]
    page_size: usize,
    /// Timed rounds of each contender.
    #[arg(long, default_value_t = 7)]
    rounds: usize,
    /// Skip the peak-memory measurement.
    #[arg(long)]
    skip_memory: bool,
    /// Skip the throughput measurement.
    #[arg(long)]
    skip_throughput: bool,
    /// Run the clients on a current-thread runtime instead of the
    /// multi-threaded one.
    #[arg(long)]
    current_thread: bool,
    /// Compare processes instead: the `list_assignments` example (built
    /// beside this binary) against a hand-written reqwest + serde loop at
    /// `$top=999` that prints the same lines, alternating runs; then their
    /// peak RSS at 10,000 and 100,000 items.
    #[arg(long)]
    processes: bool,
    /// With `--processes`: sign in with client credentials (a token from
    /// the server's token endpoint, `AZURE_TENANT_ID` + `AZURE_CLIENT_ID` +
    /// `AZURE_CLIENT_SECRET` + `AZURE_AUTHORITY_HOST`) instead of a static
    /// `GRAPH_ACCESS_TOKEN`; the hand-written loop posts the same form first.
    #[arg(long)]
    client_credentials: bool,
    /// Internal: run one listing against `--port` and print the peak RSS.
    #[arg(long, hide = true)]
    child: Option<Contender>,
    /// Internal: the port of the parent's server.
    #[arg(long, hide = true)]
    port: Option<u16>,
    /// Only serve `--items` assignments in pages of `--page-size`: print
    /// the base URL, then serve until killed (for profiling the example
    /// under valgrind or `/usr/bin/time`).
    #[arg(long)]
    serve: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Contender {
    Sdk,
    Hand,
    /// The hand-written loop printing `list_assignments`' lines.
    HandPrint,
}

impl Contender {
    fn name(self) -> &'static str {
        match self {
            Self::Sdk => "sdk",
            Self::Hand => "hand",
            Self::HandPrint => "hand-print",
        }
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.page_size == 0 || args.items == 0 {
        bail!("--items and --page-size must be at least 1");
    }
    let rt = if args.current_thread {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
    };
    if args.serve {
        let port = start_server(args.items, args.page_size)?;
        println!("http://127.0.0.1:{port}");
        loop {
            std::thread::park();
        }
    }
    if let Some(contender) = args.child {
        let port = args.port.context("--child needs --port")?;
        return rt.block_on(child(contender, port, args.items, args.client_credentials));
    }

    println!(
        "items {}, page size {}, rounds {}, {} runtime",
        args.items,
        args.page_size,
        args.rounds,
        if args.current_thread {
            "current-thread"
        } else {
            "multi-thread"
        }
    );
    if args.processes {
        return processes(&args);
    }
    let port = start_server(args.items, args.page_size)?;
    if !args.skip_throughput {
        rt.block_on(throughput(port, args.items, args.rounds))?;
    }

    if !args.skip_memory {
        println!("peak RSS (VmHWM) of a process streaming every item once:");
        for contender in [Contender::Sdk, Contender::Hand] {
            let mut peaks = Vec::new();
            for items in [10_000, 100_000] {
                let port = start_server(items, args.page_size)?;
                let kb = run_child(contender, port, items, args.page_size, args.current_thread)?;
                println!("  {:<4} {items:>7} items: {:>8} KiB", contender.name(), kb);
                peaks.push(kb);
            }
            if let [small, large] = peaks[..] {
                println!(
                    "  {:<4} 100,000 / 10,000: {:.3}",
                    contender.name(),
                    large as f64 / small as f64
                );
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- contenders

/// The page shape the hand-written loop decodes.
#[derive(Deserialize)]
struct Wire {
    value: Vec<Assignment>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
}

/// What both loops do with each item, so neither can skip decoding it.
fn consume(a: &Assignment) -> usize {
    a.id.as_str().len()
        + a.target
            .as_ref()
            .and_then(|t| t.object_id.as_ref())
            .map_or(0, |o| o.as_str().len())
}

fn sdk_client(port: u16) -> Result<Client> {
    Ok(Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .token_provider(StaticToken::new(TOKEN))
        .build()?)
}

async fn run_sdk(client: &Client) -> Result<(usize, usize)> {
    let mut stream = client.assignments().list().expand_target().stream();
    let (mut count, mut check) = (0, 0);
    while let Some(a) = stream.try_next().await? {
        count += 1;
        check += consume(&a);
    }
    Ok((count, check))
}

async fn run_hand(http: &reqwest::Client, port: u16) -> Result<(usize, usize)> {
    let mut url = format!("http://127.0.0.1:{port}{PATH}?$expand=target");
    let (mut count, mut check) = (0, 0);
    loop {
        let body = http
            .get(&url)
            .bearer_auth(TOKEN)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let page: Wire = serde_json::from_slice(&body)?;
        for a in &page.value {
            count += 1;
            check += consume(a);
        }
        match page.next_link {
            Some(next) => url = next,
            None => return Ok((count, check)),
        }
    }
}

async fn timed(
    contender: Contender,
    client: &Client,
    http: &reqwest::Client,
    port: u16,
    items: usize,
) -> Result<f64> {
    let start = Instant::now();
    let (count, check) = match contender {
        Contender::Sdk => run_sdk(client).await?,
        Contender::Hand | Contender::HandPrint => run_hand(http, port).await?,
    };
    let secs = start.elapsed().as_secs_f64();
    if count != items || check == 0 {
        bail!("{} read {count} items, expected {items}", contender.name());
    }
    Ok(count as f64 / secs)
}

async fn throughput(port: u16, items: usize, rounds: usize) -> Result<()> {
    let client = sdk_client(port)?;
    let http = reqwest::Client::new();
    // Warm up both: connections, allocator, caches.
    timed(Contender::Sdk, &client, &http, port, items).await?;
    timed(Contender::Hand, &client, &http, port, items).await?;

    let (mut sdk, mut hand) = (Vec::new(), Vec::new());
    for round in 0..rounds.max(1) {
        let order = if round % 2 == 0 {
            [Contender::Sdk, Contender::Hand]
        } else {
            [Contender::Hand, Contender::Sdk]
        };
        for contender in order {
            let rate = timed(contender, &client, &http, port, items).await?;
            match contender {
                Contender::Sdk => sdk.push(rate),
                Contender::Hand | Contender::HandPrint => hand.push(rate),
            }
        }
    }
    let (sdk_med, hand_med) = (median(&mut sdk), median(&mut hand));
    let (sdk_best, hand_best) = (best(&sdk), best(&hand));
    println!("throughput (items/s)       median        best");
    println!("  sdk stream          {sdk_med:>12.0} {sdk_best:>12.0}");
    println!("  hand-written loop   {hand_med:>12.0} {hand_best:>12.0}");
    println!(
        "  sdk / hand          {:>12.3} {:>12.3}",
        sdk_med / hand_med,
        sdk_best / hand_best
    );
    Ok(())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn best(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

// ------------------------------------------------------------------- memory

/// Runs one listing in this (child) process and prints its peak RSS.
async fn child(
    contender: Contender,
    port: u16,
    items: usize,
    client_credentials: bool,
) -> Result<()> {
    let (count, _) = match contender {
        Contender::Sdk => run_sdk(&sdk_client(port)?).await?,
        Contender::Hand => run_hand(&reqwest::Client::new(), port).await?,
        Contender::HandPrint => return hand_print(port, items, client_credentials).await,
    };
    if count != items {
        bail!("read {count} items, expected {items}");
    }
    println!("vmhwm_kb={}", peak_rss_kb()?);
    Ok(())
}

fn peak_rss_kb() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")
        .context("peak memory is read from /proc/self/status (Linux only)")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .context("no VmHWM in /proc/self/status")?;
    let kb = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()?;
    Ok(kb)
}

fn run_child(
    contender: Contender,
    port: u16,
    items: usize,
    page_size: usize,
    current_thread: bool,
) -> Result<u64> {
    let mut cmd = Command::new(std::env::current_exe()?);
    if current_thread {
        cmd.arg("--current-thread");
    }
    let out = cmd
        .args(["--child", contender.name()])
        .args(["--port", &port.to_string()])
        .args(["--items", &items.to_string()])
        .args(["--page-size", &page_size.to_string()])
        .output()?;
    if !out.status.success() {
        bail!(
            "child failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    out.stdout
        .lines()
        .map_while(std::result::Result::ok)
        .find_map(|l| l.strip_prefix("vmhwm_kb=").map(str::to_owned))
        .context("the child printed no peak")?
        .parse()
        .context("the child's peak is not a number")
}

// ---------------------------------------------------------------- processes

/// The package the example is pointed at; the server answers its lookup.
const BENCH_PACKAGE: &str = "pkg-bench";

/// The hand-written loop of the process comparison: `$top=999`, the
/// example's filter and expansion, typed serde, the example's lines through
/// a locked, buffered stdout.
async fn hand_print(port: u16, items: usize, client_credentials: bool) -> Result<()> {
    use std::io::Write;
    let http = reqwest::Client::new();
    let token = if client_credentials {
        hand_token(&http, port).await?
    } else {
        TOKEN.to_owned()
    };
    let mut url = format!(
        "http://127.0.0.1:{port}{PATH}?$filter=accessPackage/id%20eq%20%27{BENCH_PACKAGE}%27&$expand=target&$top=999"
    );
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut count = 0;
    loop {
        let body = http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let page: Wire = serde_json::from_slice(&body)?;
        for a in &page.value {
            let target = a.target.as_ref();
            writeln!(
                out,
                "{}\t{}\t{}\t{}",
                a.id,
                a.state.as_ref().map_or("-", |s| s.as_str()),
                a.target_object_id().map_or("-", |id| id.as_str()),
                target
                    .and_then(|t| t.principal_name.as_deref().or(t.email.as_deref()))
                    .unwrap_or("-"),
            )?;
            count += 1;
        }
        match page.next_link {
            Some(next) => url = next,
            None => break,
        }
    }
    out.flush()?;
    if count != items {
        bail!("read {count} items, expected {items}");
    }
    Ok(())
}

/// The client-credentials token the hand-written loop asks for first, on
/// its one HTTP client.
async fn hand_token(http: &reqwest::Client, port: u16) -> Result<String> {
    #[derive(Deserialize)]
    struct Token {
        access_token: String,
    }
    let form = [
        ("client_id", BENCH_CLIENT),
        ("client_secret", BENCH_SECRET),
        ("scope", "https://graph.microsoft.com/.default"),
        ("grant_type", "client_credentials"),
    ];
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let answer: Token = http
        .post(format!(
            "http://127.0.0.1:{port}/{BENCH_TENANT}/oauth2/v2.0/token"
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(answer.access_token)
}

/// What one process run came to.
struct ProcessRun {
    secs: f64,
    lines: usize,
    digest: u64,
    peak_kb: u64,
}

/// Runs `cmd` with stdout piped: counts and digests its lines, samples its
/// peak RSS (VmHWM) until it exits.
fn run_process(mut cmd: Command) -> Result<ProcessRun> {
    use std::hash::{Hash, Hasher};
    use std::io::Read;
    let start = Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let pid = child.id();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut peak = 0u64;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(kb) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                    .ok()
                    .and_then(|s| {
                        s.lines()
                            .find(|l| l.starts_with("VmHWM:"))
                            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
                    })
                {
                    peak = peak.max(kb);
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            peak
        })
    };
    let mut stdout = child.stdout.take().context("no stdout")?;
    let mut all = Vec::new();
    stdout.read_to_end(&mut all)?;
    let status = child.wait()?;
    let secs = start.elapsed().as_secs_f64();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak_kb = sampler.join().unwrap_or(0);
    if !status.success() {
        bail!("{cmd:?} failed: {status}");
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    all.hash(&mut h);
    Ok(ProcessRun {
        secs,
        lines: all.iter().filter(|&&b| b == b'\n').count(),
        digest: h.finish(),
        peak_kb,
    })
}

fn example_cmd(port: u16, client_credentials: bool) -> Result<Command> {
    let exe = std::env::current_exe()?;
    let bin = exe
        .parent()
        .context("no directory")?
        .join(format!("list_assignments{}", std::env::consts::EXE_SUFFIX));
    if !bin.exists() {
        bail!(
            "{} not found: build it first (cargo build --release --example list_assignments)",
            bin.display()
        );
    }
    let mut cmd = Command::new(bin);
    cmd.args(["--package-id", BENCH_PACKAGE, "--expand-target"])
        .env_clear()
        .env("GRAPH_BASE_URL", format!("http://127.0.0.1:{port}"));
    if client_credentials {
        cmd.env("AZURE_TENANT_ID", BENCH_TENANT)
            .env("AZURE_CLIENT_ID", BENCH_CLIENT)
            .env("AZURE_CLIENT_SECRET", BENCH_SECRET)
            .env("AZURE_AUTHORITY_HOST", format!("http://127.0.0.1:{port}"));
    } else {
        cmd.env("GRAPH_ACCESS_TOKEN", TOKEN);
    }
    Ok(cmd)
}

fn hand_cmd(port: u16, items: usize, client_credentials: bool) -> Result<Command> {
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["--child", "hand-print"])
        .args(["--port", &port.to_string()])
        .args(["--items", &items.to_string()]);
    if client_credentials {
        cmd.arg("--client-credentials");
    }
    Ok(cmd)
}

fn processes(args: &Args) -> Result<()> {
    println!(
        "processes: list_assignments example vs hand-written loop, {} items, page size {}, {} rounds, {}",
        args.items,
        args.page_size,
        args.rounds,
        if args.client_credentials {
            "client credentials (a token from the server's token endpoint)"
        } else {
            "a static token"
        }
    );
    let port = start_server(args.items, args.page_size)?;
    // Warm-up (page cache, server).
    let reference = run_process(hand_cmd(port, args.items, args.client_credentials)?)?;
    let example = run_process(example_cmd(port, args.client_credentials)?)?;
    if example.lines != args.items || example.digest != reference.digest {
        bail!(
            "the example printed {} lines (digest {:x}), the loop {} (digest {:x})",
            example.lines,
            example.digest,
            reference.lines,
            reference.digest
        );
    }
    let (mut ex, mut hand) = (Vec::new(), Vec::new());
    for round in 0..args.rounds.max(1) {
        let example_first = round % 2 == 0;
        for first in [true, false] {
            if first == example_first {
                ex.push(run_process(example_cmd(port, args.client_credentials)?)?.secs);
            } else {
                hand.push(run_process(hand_cmd(port, args.items, args.client_credentials)?)?.secs);
            }
        }
    }
    let (ex_med, hand_med) = (median(&mut ex), median(&mut hand));
    println!("wall time per run (s)      median         best");
    println!(
        "  list_assignments    {ex_med:>12.3} {:>12.3}",
        ex.iter().copied().fold(f64::MAX, f64::min)
    );
    println!(
        "  hand-written loop   {hand_med:>12.3} {:>12.3}",
        hand.iter().copied().fold(f64::MAX, f64::min)
    );
    println!("  example speed / loop speed: {:.3}", hand_med / ex_med);
    println!(
        "peak RSS (VmHWM, sampled every ms), median of {} alternating runs [quartiles]:",
        args.rounds.max(1)
    );
    let mut medians = Vec::new();
    for items in [10_000, 100_000] {
        let port = start_server(items, args.page_size)?;
        let (mut e, mut h) = (Vec::new(), Vec::new());
        for round in 0..args.rounds.max(1) {
            let example_first = round % 2 == 0;
            for first in [true, false] {
                if first == example_first {
                    e.push(
                        run_process(example_cmd(port, args.client_credentials)?)?.peak_kb as f64,
                    );
                } else {
                    h.push(
                        run_process(hand_cmd(port, items, args.client_credentials)?)?.peak_kb
                            as f64,
                    );
                }
            }
        }
        let (em, hm) = (median(&mut e), median(&mut h));
        println!(
            "  {items:>7} items: example {em:>7.0} KiB [{}], loop {hm:>7.0} KiB [{}]",
            quartiles(&e),
            quartiles(&h)
        );
        medians.push((em, hm));
    }
    if let [(e_small, h_small), (e_large, h_large)] = medians[..] {
        println!(
            "  100,000 / 10,000: example {:+.1} %, loop {:+.1} %",
            (e_large / e_small - 1.0) * 100.0,
            (h_large / h_small - 1.0) * 100.0
        );
    }
    Ok(())
}

/// The first and third quartiles of sorted `v`, as `q1-q3`.
fn quartiles(v: &[f64]) -> String {
    match v.len() {
        0 => String::from("-"),
        n => format!("{:.0}-{:.0}", v[n / 4], v[n - 1 - n / 4]),
    }
}

// ------------------------------------------------------------------- server

/// Binds a loopback port, renders every page of `items` assignments, and
/// serves them from a thread of its own. Returns the port.
fn start_server(items: usize, page_size: usize) -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    listener.set_nonblocking(true)?;
    let pages = Arc::new(render_pages(port, items, page_size));
    std::thread::Builder::new()
        .name(format!("server-{port}"))
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => return eprintln!("server runtime: {e}"),
            };
            rt.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => return eprintln!("server listener: {e}"),
                };
                while let Ok((sock, _)) = listener.accept().await {
                    tokio::spawn(serve(sock, Arc::clone(&pages)));
                }
            });
        })?;
    Ok(port)
}

/// Answers GET requests on one keep-alive connection.
async fn serve(mut sock: tokio::net::TcpStream, pages: Arc<Vec<Vec<u8>>>) {
    let _ = sock.set_nodelay(true);
    let mut buf = Vec::with_capacity(8192);
    loop {
        let end = loop {
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos + 4;
            }
            match sock.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        };
        let is_package = buf[..end].windows(16).any(|w| w == b"/accessPackages/");
        let is_token = buf[..end].starts_with(b"POST ")
            && buf[..end].windows(18).any(|w| w == b"/oauth2/v2.0/token");
        let index = page_index(&buf[..end]);
        let body_len = content_length(&buf[..end]);
        while buf.len() < end + body_len {
            match sock.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
        buf.drain(..end + body_len);
        let not_found: &[u8] = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        let package = package_answer();
        let token = token_answer();
        let answer = if is_token {
            token.as_slice()
        } else if is_package {
            package.as_slice()
        } else {
            pages.get(index).map_or(not_found, Vec::as_slice)
        };
        if sock.write_all(answer).await.is_err() {
            return;
        }
    }
}

/// The page a request line asks for: its `$skiptoken`, or 0.
fn page_index(head: &[u8]) -> usize {
    let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    line.split_once("skiptoken=")
        .map(|(_, rest)| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The `Content-Length` of a request head, or 0.
fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

/// The token endpoint's answer to a client-credentials request.
fn token_answer() -> Vec<u8> {
    let body = format!(
        r#"{{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"{TOKEN}"}}"#
    );
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body.as_bytes());
    answer
}

/// The answer to the example's package lookup.
fn package_answer() -> Vec<u8> {
    let body = format!(
        r#"{{"id":"{BENCH_PACKAGE}","displayName":"Bench package","assignmentPolicies":[]}}"#
    );
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body.as_bytes());
    answer
}

/// Every page as a complete HTTP/1.1 answer (head and body).
fn render_pages(port: u16, items: usize, page_size: usize) -> Vec<Vec<u8>> {
    let count = items.div_ceil(page_size);
    (0..count)
        .map(|p| {
            let mut body = String::with_capacity(page_size * 700 + 512);
            body.push_str(
                r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#identityGovernance/entitlementManagement/assignments(target())","value":["#,
            );
            let start = p * page_size;
            for i in start..(start + page_size).min(items) {
                if i > start {
                    body.push(',');
                }
                body.push_str(&item(i));
            }
            body.push(']');
            if p + 1 < count {
                body.push_str(&format!(
                    r#","@odata.nextLink":"http://127.0.0.1:{port}{PATH}?$expand=target&$skiptoken={}""#,
                    p + 1
                ));
            }
            body.push('}');
            let mut answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json; odata.metadata=minimal\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            answer.extend_from_slice(body.as_bytes());
            answer
        })
        .collect()
}

/// One Graph-shaped assignment with an expanded target.
fn item(i: usize) -> String {
    format!(
        concat!(
            r#"{{"id":"2f4c0f2c-6f0d-4c3e-8b8e-{i:012x}","state":"delivered","status":"Delivered","#,
            r#""expiredDateTime":null,"schedule":{{"startDateTime":"2024-03-01T10:00:00.3546568Z","#,
            r#""recurrence":null,"expiration":{{"endDateTime":"2025-03-01T10:00:00Z","duration":null,"#,
            r#""type":"afterDateTime"}}}},"customExtensionCalloutInstances":[],"#,
            r#""target":{{"id":"ab4291f6-66b7-42bf-b16e-{i:012x}","objectId":"8b2d5a8c-7e59-4e32-8cf4-{i:012x}","#,
            r#""displayName":"User {i}","email":"user{i}@contoso.com","principalName":"user{i}@contoso.com","#,
            r#""onPremisesSecurityIdentifier":null,"subjectType":"user"}}}}"#
        ),
        i = i
    )
}
