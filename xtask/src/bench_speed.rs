//! `cargo xtask bench speed`: how accurate, how quick and how frugal the
//! widget's speed test is on links shaped by the Linux kernel, next to the
//! ground truth (a long `curl` download) and an anchor
//! (`@cloudflare/speedtest`) on the same link in the same run. These are the
//! numbers behind the README's budgets (DESIGN.md, "Budgets"); it is a
//! benchmark, so nothing here passes or fails on a figure.
//!
//! The set-up needs root: a network namespace joined to the root namespace
//! by a veth pair, `tc tbf` shaping the egress of both ends to the link's
//! rate, and the release server running inside the namespace. This kernel
//! has no netem, so the round-trip time is added in the browser (DevTools
//! latency emulation, in the node scripts under `e2e/bench/`); each browser
//! run prints one JSON line that this module reads.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::cmd::{self, command, output};
use crate::{tools, widget, TaskResult};

const USAGE: &str = "\
usage: cargo xtask bench speed [--markdown] [--runs N] [--no-anchor] [--link MBIT/RTT_MS]...

  --markdown          print the table as Markdown (for the README)
  --runs N            widget runs per link (default 3; the median run is shown)
  --no-anchor         skip @cloudflare/speedtest (it takes up to a minute a link)
  --link 10/40        measure this link instead of the default ones (repeatable)";

/// The links measured by default: rate in Mbit/s, round trip in ms.
const DEFAULT_LINKS: [Link; 4] = [
    Link::new(2.0, 60),
    Link::new(5.0, 50),
    Link::new(10.0, 40),
    Link::new(50.0, 20),
];
const DEFAULT_RUNS: usize = 3;

/// The namespace and its veth pair; names and addresses of our own only.
const NAMESPACE: &str = "bdbench";
const HOST_IF: &str = "bdbench0";
const NS_IF: &str = "bdbench1";
const HOST_CIDR: &str = "10.77.0.1/24";
const NS_ADDR: &str = "10.77.0.2";
const NS_CIDR: &str = "10.77.0.2/24";
const PORT: &str = "8080";

/// How long the ground-truth download lasts at the link's rate.
const GROUND_TRUTH_SECONDS: f64 = 20.0;
/// TCP payload per full Ethernet frame with timestamps: 1448 of 1514 bytes.
const PAYLOAD_SHARE: f64 = 1448.0 / 1514.0;

/// A shaped link: what tbf allows and what round trip the browser adds.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Link {
    rate_mbit: f64,
    rtt_ms: u32,
}

impl Link {
    const fn new(rate_mbit: f64, rtt_ms: u32) -> Self {
        Self { rate_mbit, rtt_ms }
    }

    /// Parses `10/40` (Mbit/s / ms).
    fn parse(text: &str) -> TaskResult<Self> {
        let bad = || format!("--link wants RATE_MBIT/RTT_MS such as 10/40, not {text:?}");
        let (rate, rtt) = text.split_once('/').ok_or_else(bad)?;
        let rate_mbit: f64 = rate.trim().parse().map_err(|_| bad())?;
        let rtt_ms: u32 = rtt.trim().parse().map_err(|_| bad())?;
        if !(rate_mbit.is_finite() && (0.1..=1000.0).contains(&rate_mbit)) {
            return Err(format!(
                "--link rate {rate_mbit} is outside 0.1..1000 Mbit/s"
            ));
        }
        Ok(Self::new(rate_mbit, rtt_ms))
    }

    fn bytes_per_second(self) -> f64 {
        self.rate_mbit * 1e6 / 8.0
    }

    /// tbf's bucket: 4 ms of tokens at the rate (rate / 250), at least
    /// 16 KiB. It must hold a full frame (tbf splits larger GSO packets
    /// itself) and be refilled between timer ticks; kept this small, the
    /// burst a fresh connection gets for free is a few milliseconds' worth,
    /// which no measurement can mistake for speed.
    fn burst_bytes(self) -> u64 {
        ((self.bytes_per_second() / 250.0) as u64).max(16 * 1024)
    }

    /// What TCP can carry over the link: rate x 1448/1514, in Mbit/s.
    fn expected_payload_mbps(self) -> f64 {
        self.rate_mbit * PAYLOAD_SHARE
    }

    /// Bytes for a ground-truth download of about [`GROUND_TRUTH_SECONDS`].
    fn ground_truth_bytes(self) -> u64 {
        (self.bytes_per_second() * GROUND_TRUTH_SECONDS) as u64
    }

    fn label(self) -> String {
        format!("{} Mbit/s {} ms", trim_number(self.rate_mbit), self.rtt_ms)
    }
}

/// What the command line asked for.
#[derive(Debug, PartialEq)]
struct Options {
    markdown: bool,
    runs: usize,
    anchor: bool,
    links: Vec<Link>,
}

impl Options {
    fn parse(args: &[&str]) -> TaskResult<Self> {
        let mut options = Self {
            markdown: false,
            runs: DEFAULT_RUNS,
            anchor: true,
            links: Vec::new(),
        };
        let mut rest = args.iter();
        while let Some(flag) = rest.next() {
            match *flag {
                "--markdown" => options.markdown = true,
                "--no-anchor" => options.anchor = false,
                "--runs" => {
                    let value = rest.next().ok_or("--runs needs a number")?;
                    options.runs = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=20).contains(n))
                        .ok_or_else(|| format!("--runs wants 1..20, not {value:?}"))?;
                }
                "--link" => {
                    let value = rest.next().ok_or("--link needs RATE_MBIT/RTT_MS")?;
                    options.links.push(Link::parse(value)?);
                }
                "help" | "--help" | "-h" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown option {other}\n{USAGE}")),
            }
        }
        if options.links.is_empty() {
            options.links = DEFAULT_LINKS.to_vec();
        }
        Ok(options)
    }
}

/// `cargo xtask bench speed [options]`.
pub fn run(args: &[&str]) -> TaskResult {
    let options = Options::parse(args)?;
    require_root()?;
    widget::build_release()?;
    tools::ensure_browser()?;
    tools::ensure_npm("e2e")?;
    let demo = stage_anchor_page()?;

    // Declared in this order so the server stops before its namespace goes.
    let namespace = ShapedNamespace::create()?;
    let server = NamespacedServer::start(&demo)?;
    let mut rows = Vec::new();
    for &link in &options.links {
        namespace.shape(link)?;
        rows.push(measure_link(link, &server.url, &options)?);
    }
    drop(server);
    drop(namespace);

    println!();
    println!("{}", render_report(&rows, options.markdown));
    Ok(())
}

fn require_root() -> TaskResult {
    let uid = output(&mut command("id", &["-u"])).unwrap_or_default();
    if uid.trim() == "0" {
        return Ok(());
    }
    Err(
        "bench speed must run as root: it creates a network namespace and shapes \
         it with tc. Nothing was changed; run it again as root."
            .to_owned(),
    )
}

/// Copies the anchor's page and the package's `dist/` into
/// `target/bench-demo/`, which the server serves under `/demo/`.
fn stage_anchor_page() -> TaskResult<PathBuf> {
    let root = cmd::root();
    let demo = root.join("target/bench-demo");
    let package = root.join("e2e/node_modules/@cloudflare/speedtest/dist");
    let copy = |from: &Path, to: &Path| {
        std::fs::copy(from, to)
            .map(|_| ())
            .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
    };
    std::fs::create_dir_all(demo.join("speedtest"))
        .map_err(|e| format!("cannot create {}: {e}", demo.display()))?;
    for page in ["cloudflare.html", "cloudflare.mjs"] {
        copy(&root.join("e2e/bench").join(page), &demo.join(page))?;
    }
    let files = std::fs::read_dir(&package).map_err(|e| {
        format!(
            "cannot list {} ({e}); is @cloudflare/speedtest in e2e/package.json?",
            package.display()
        )
    })?;
    for file in files.filter_map(Result::ok) {
        copy(&file.path(), &demo.join("speedtest").join(file.file_name()))?;
    }
    Ok(demo)
}

/// The `bdbench` namespace, its veth pair and the tbf shaping; removed
/// (with anything still running in it) when dropped, and removed first if
/// an earlier run left it behind.
struct ShapedNamespace;

impl ShapedNamespace {
    fn create() -> TaskResult<Self> {
        remove_namespace();
        // From here on, dropping the guard cleans up whatever was made.
        let guard = Self;
        ip(&["netns", "add", NAMESPACE])?;
        ip(&[
            "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF,
        ])?;
        ip(&["link", "set", NS_IF, "netns", NAMESPACE])?;
        ip(&["addr", "add", HOST_CIDR, "dev", HOST_IF])?;
        ip(&["link", "set", HOST_IF, "up"])?;
        ip(&[
            "netns", "exec", NAMESPACE, "ip", "addr", "add", NS_CIDR, "dev", NS_IF,
        ])?;
        ip(&["netns", "exec", NAMESPACE, "ip", "link", "set", NS_IF, "up"])?;
        ip(&["netns", "exec", NAMESPACE, "ip", "link", "set", "lo", "up"])?;
        Ok(guard)
    }

    /// Shapes both directions to `link`'s rate (replacing earlier shaping).
    fn shape(&self, link: Link) -> TaskResult {
        let rate = format!("{}kbit", (link.rate_mbit * 1000.0).round() as u64);
        let burst = link.burst_bytes().to_string();
        let tbf = |prefix: &[&str], dev: &str| {
            let mut args: Vec<&str> = prefix.to_vec();
            args.extend([
                "tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", &rate, "burst",
                &burst, "latency", "200ms",
            ]);
            cmd::run(Command::new(args[0]).args(&args[1..]))
        };
        tbf(&[], HOST_IF)?;
        tbf(&["ip", "netns", "exec", NAMESPACE], NS_IF)
    }
}

impl Drop for ShapedNamespace {
    fn drop(&mut self) {
        remove_namespace();
    }
}

fn ip(args: &[&str]) -> TaskResult {
    cmd::run(Command::new("ip").args(args))
}

/// Stops what runs in our namespace (only a server this command started),
/// then deletes the namespace; its veth pair goes with it. Quiet when there
/// is nothing to remove.
fn remove_namespace() {
    let quiet = |program: &str, args: &[&str]| {
        let _ = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    };
    let pids = output(Command::new("ip").args(["netns", "pids", NAMESPACE])).unwrap_or_default();
    for pid in pids.split_whitespace().filter(|p| p.parse::<u32>().is_ok()) {
        quiet("kill", &[pid]);
    }
    quiet("ip", &["netns", "del", NAMESPACE]);
    quiet("ip", &["link", "del", HOST_IF]);
}

/// The release server inside the namespace; stopped when dropped.
struct NamespacedServer {
    child: Child,
    /// Base URL with a trailing slash: `http://10.77.0.2:8080/`.
    url: String,
}

impl NamespacedServer {
    fn start(demo: &Path) -> TaskResult<Self> {
        let demo = demo.to_string_lossy();
        let mut c = command(
            "ip",
            &[
                "netns",
                "exec",
                NAMESPACE,
                "target/release/backup-doctor-server",
                "--host",
                NS_ADDR,
                "--port",
                PORT,
                "--stats",
                "--dist",
                "dist",
                "--demo",
                &demo,
            ],
        );
        c.stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child = c
            .spawn()
            .map_err(|e| format!("could not start the server in {NAMESPACE}: {e}"))?;
        let stdout = child.stdout.take().ok_or("server has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let Some(url) = first.strip_prefix("backup-doctor listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("server did not start (it said: {first:?})"));
        };
        let url = url.to_owned();
        // Keep draining its stdout so it never blocks on a full pipe.
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
        Ok(Self { child, url })
    }
}

impl Drop for NamespacedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One link's figures.
#[derive(Debug)]
struct LinkReport {
    link: Link,
    curl_mbps: f64,
    widget: Vec<Result<WidgetRun, String>>,
    anchor: Option<Result<AnchorRun, String>>,
}

/// One run of the widget's speed test.
#[derive(Clone, Debug, PartialEq)]
struct WidgetRun {
    download_mbps: Option<f64>,
    /// From the click to the `backup-doctor:speedtest` event, s.
    time_s: Option<f64>,
    /// The widget's own `downloadMs`, when it reports it, s.
    download_s: Option<f64>,
    /// Everything the server sent and received for the run, MB.
    megabytes: f64,
    /// What the server sent for the download alone (`@cloudflare/speedtest`
    /// runs its download plan only), MB.
    download_megabytes: f64,
    stop_reason: String,
}

/// One run of `@cloudflare/speedtest` (latency and download only).
#[derive(Clone, Debug, PartialEq)]
struct AnchorRun {
    download_mbps: Option<f64>,
    time_s: f64,
    megabytes: f64,
}

fn measure_link(link: Link, base: &str, options: &Options) -> TaskResult<LinkReport> {
    eprintln!(
        "== {}: tbf burst {} B; ground truth with curl ({} MB)",
        link.label(),
        link.burst_bytes(),
        link.ground_truth_bytes() / 1_000_000
    );
    let curl_mbps = ground_truth(link, base)?;
    eprintln!(
        "   curl {curl_mbps:.3} Mbit/s (expected payload rate {:.3})",
        link.expected_payload_mbps()
    );
    let mut widget = Vec::new();
    for n in 1..=options.runs {
        let result = run_node_script("widget-run.mjs", base, link).and_then(|v| widget_run(&v));
        match &result {
            Ok(r) => eprintln!(
                "   widget run {n}/{}: {} Mbit/s ({} %), {} s to result, {} MB, {}",
                options.runs,
                fixed(r.download_mbps, 3),
                fixed(r.download_mbps.map(|m| error_percent(m, curl_mbps)), 1),
                fixed(r.time_s, 1),
                fixed(Some(r.megabytes), 1),
                r.stop_reason
            ),
            Err(e) => eprintln!("   widget run {n}/{} failed: {e}", options.runs),
        }
        widget.push(result);
    }
    let anchor = options.anchor.then(|| {
        let result = run_node_script("cloudflare-run.mjs", base, link).and_then(|v| anchor_run(&v));
        match &result {
            Ok(r) => eprintln!(
                "   @cloudflare/speedtest: {} Mbit/s ({} %), {:.1} s, {:.1} MB",
                fixed(r.download_mbps, 3),
                fixed(r.download_mbps.map(|m| error_percent(m, curl_mbps)), 1),
                r.time_s,
                r.megabytes
            ),
            Err(e) => eprintln!("   @cloudflare/speedtest failed: {e}"),
        }
        result
    });
    Ok(LinkReport {
        link,
        curl_mbps,
        widget,
        anchor,
    })
}

/// Goodput of a long download from the root namespace, in Mbit/s.
fn ground_truth(link: Link, base: &str) -> TaskResult<f64> {
    let url = format!("{base}__down?bytes={}", link.ground_truth_bytes());
    let limit = format!("{}", (GROUND_TRUTH_SECONDS * 4.0) as u64);
    let mut c = command(
        "curl",
        &[
            "-sS",
            "-o",
            "/dev/null",
            "--max-time",
            &limit,
            "-w",
            "%{speed_download}",
            &url,
        ],
    );
    c.stderr(Stdio::inherit());
    let out = c
        .output()
        .map_err(|e| format!("could not start curl: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let bytes_per_second: f64 = text
        .trim()
        .parse()
        .ok()
        .filter(|_| out.status.success())
        .ok_or_else(|| format!("curl {url} failed ({}): {text}", out.status))?;
    Ok(bytes_per_second * 8.0 / 1e6)
}

/// Runs `e2e/bench/<script> --base URL --rtt MS` and returns the JSON line
/// it printed, or its `error` when it reports `ok: false`.
fn run_node_script(script: &str, base: &str, link: Link) -> TaskResult<Value> {
    let rtt = link.rtt_ms.to_string();
    let mut c = command(
        "node",
        &[&format!("bench/{script}"), "--base", base, "--rtt", &rtt],
    );
    c.current_dir(cmd::root().join("e2e"))
        .env("CHROMIUM", tools::CHROMIUM)
        .stderr(Stdio::inherit());
    let out = c
        .output()
        .map_err(|e| format!("could not start node for {script}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let value = result_line(&stdout)
        .ok_or_else(|| format!("{script} printed no result ({}): {stdout}", out.status))?;
    if value["ok"] == Value::Bool(true) {
        Ok(value)
    } else {
        Err(value["error"]
            .as_str()
            .unwrap_or("failed without saying why")
            .to_owned())
    }
}

/// The last line of `stdout` that is a JSON object.
fn result_line(stdout: &str) -> Option<Value> {
    stdout
        .lines()
        .rev()
        .filter(|l| l.trim_start().starts_with('{'))
        .find_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(Value::is_object)
}

fn megabytes_used(v: &Value) -> f64 {
    let count = |key: &str| v[key].as_f64().unwrap_or(0.0);
    (count("downBytes") + count("upBytes")) / 1e6
}

fn widget_run(v: &Value) -> TaskResult<WidgetRun> {
    let detail = &v["detail"];
    if !detail.is_object() {
        return Err(format!("the event carried no detail object: {v}"));
    }
    let stop_reason = detail["stopReason"].as_str().unwrap_or("-").to_owned();
    let stop_reason = match detail["error"].as_str() {
        Some(error) => format!("{stop_reason}: {error}"),
        None => stop_reason,
    };
    Ok(WidgetRun {
        download_mbps: detail["downloadMbps"].as_f64(),
        time_s: v["timeToResultMs"].as_f64().map(|ms| ms / 1000.0),
        download_s: detail["downloadMs"].as_f64().map(|ms| ms / 1000.0),
        megabytes: megabytes_used(v),
        download_megabytes: v["downBytes"].as_f64().unwrap_or(0.0) / 1e6,
        stop_reason,
    })
}

fn anchor_run(v: &Value) -> TaskResult<AnchorRun> {
    Ok(AnchorRun {
        download_mbps: v["downloadBps"].as_f64().map(|bps| bps / 1e6),
        time_s: v["durationMs"].as_f64().unwrap_or(f64::NAN) / 1000.0,
        megabytes: megabytes_used(v),
    })
}

/// Signed error of `measured` against the ground truth, in percent.
fn error_percent(measured: f64, truth: f64) -> f64 {
    (measured - truth) / truth * 100.0
}

/// The run with the median error (the lower middle for an even count) and
/// the largest error by size, among runs that gave a download figure.
fn median_and_worst(runs: &[WidgetRun], truth: f64) -> Option<(&WidgetRun, f64)> {
    let mut measured: Vec<(&WidgetRun, f64)> = runs
        .iter()
        .filter_map(|r| Some((r, error_percent(r.download_mbps?, truth))))
        .collect();
    measured.sort_by(|a, b| a.1.total_cmp(&b.1));
    let worst = measured
        .iter()
        .map(|&(_, e)| e)
        .max_by(|a, b| a.abs().total_cmp(&b.abs()))?;
    Some((measured[(measured.len() - 1) / 2].0, worst))
}

/// Median of `values` (the mean of the middle two for an even count).
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

fn fixed(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "-".to_owned(),
    }
}

fn signed(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:+.1}"),
        _ => "-".to_owned(),
    }
}

fn trim_number(v: f64) -> String {
    let text = format!("{v:.1}");
    text.strip_suffix(".0").unwrap_or(&text).to_owned()
}

const HEADER: [&str; 17] = [
    "rate Mbit/s",
    "RTT ms",
    "curl Mbit/s",
    "expected",
    "bd Mbit/s",
    "bd err %",
    "bd worst %",
    "bd dl s",
    "bd dl s max",
    "bd time s",
    "bd MB",
    "bd MB max",
    "bd down MB",
    "cf Mbit/s",
    "cf err %",
    "cf time s",
    "cf MB",
];

fn table_row(report: &LinkReport) -> Vec<String> {
    let truth = report.curl_mbps;
    let runs: Vec<WidgetRun> = report.widget.iter().flatten().cloned().collect();
    let widget = median_and_worst(&runs, truth);
    let median_run = widget.map(|(r, _)| r);
    let of_runs = |value: fn(&WidgetRun) -> Option<f64>| -> Vec<f64> {
        runs.iter().filter_map(value).collect()
    };
    let largest = |values: Vec<f64>| values.into_iter().reduce(f64::max);
    let anchor = report.anchor.as_ref().and_then(|a| a.as_ref().ok());
    vec![
        trim_number(report.link.rate_mbit),
        report.link.rtt_ms.to_string(),
        format!("{truth:.3}"),
        format!("{:.3}", report.link.expected_payload_mbps()),
        fixed(median_run.and_then(|r| r.download_mbps), 3),
        signed(median_run.and_then(|r| Some(error_percent(r.download_mbps?, truth)))),
        signed(widget.map(|(_, worst)| worst)),
        fixed(median(&mut of_runs(|r| r.download_s)), 1),
        fixed(largest(of_runs(|r| r.download_s)), 1),
        fixed(median(&mut of_runs(|r| r.time_s)), 1),
        fixed(median(&mut of_runs(|r| Some(r.megabytes))), 1),
        fixed(largest(of_runs(|r| Some(r.megabytes))), 1),
        fixed(median(&mut of_runs(|r| Some(r.download_megabytes))), 1),
        fixed(anchor.and_then(|a| a.download_mbps), 3),
        signed(anchor.and_then(|a| Some(error_percent(a.download_mbps?, truth)))),
        fixed(anchor.map(|a| a.time_s), 1),
        fixed(anchor.map(|a| a.megabytes), 1),
    ]
}

/// Aligned plain text (numbers to the right), or a Markdown table.
fn render_table(rows: &[Vec<String>], markdown: bool) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |c: usize| {
        rows.iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let line = |row: &[String]| {
        let cells: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(c, &w)| format!("{:>w$}", row.get(c).map_or("", String::as_str)))
            .collect();
        if markdown {
            format!("| {} |", cells.join(" | "))
        } else {
            cells.join("  ").trim_end().to_owned()
        }
    };
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        out.push(line(row));
        if markdown && i == 0 {
            let rule: Vec<String> = widths
                .iter()
                .map(|&w| format!("{}:", "-".repeat(w.max(2) - 1)))
                .collect();
            out.push(format!("| {} |", rule.join(" | ")));
        }
    }
    out.join("\n")
}

/// One summary line per tool: median and worst |error|, and time and data.
fn summary(reports: &[LinkReport], markdown: bool) -> Vec<String> {
    let mut widget_errors = Vec::new();
    let mut widget_times = Vec::new();
    let mut widget_mb = Vec::new();
    let mut failures = 0;
    let mut anchor_errors = Vec::new();
    let mut anchor_times = Vec::new();
    let mut anchor_mb = Vec::new();
    for report in reports {
        for run in &report.widget {
            let Ok(run) = run else {
                failures += 1;
                continue;
            };
            if let Some(m) = run.download_mbps {
                widget_errors.push(error_percent(m, report.curl_mbps).abs());
            }
            widget_times.extend(run.time_s);
            widget_mb.push(run.megabytes);
        }
        if let Some(Ok(anchor)) = &report.anchor {
            if let Some(m) = anchor.download_mbps {
                anchor_errors.push(error_percent(m, report.curl_mbps).abs());
            }
            anchor_times.push(anchor.time_s);
            anchor_mb.push(anchor.megabytes);
        }
    }
    let worst = |v: &[f64]| v.iter().copied().reduce(f64::max);
    let line = |tool: &str, errors: &mut Vec<f64>, times: &mut Vec<f64>, mb: &mut Vec<f64>| {
        format!(
            "{}{tool}: |error| median {} %, worst {} % ({} runs); time to result median {} s, worst {} s; data median {} MB, worst {} MB",
            if markdown { "- " } else { "" },
            fixed(median(errors), 1),
            fixed(worst(errors), 1),
            errors.len(),
            fixed(median(times), 1),
            fixed(worst(times), 1),
            fixed(median(mb), 1),
            fixed(worst(mb), 1),
        )
    };
    let mut lines = vec![line(
        "backup-doctor",
        &mut widget_errors,
        &mut widget_times,
        &mut widget_mb,
    )];
    if failures > 0 {
        lines.push(format!(
            "{}backup-doctor: {failures} run(s) gave no result (see the log above)",
            if markdown { "- " } else { "" }
        ));
    }
    if reports.iter().any(|r| r.anchor.is_some()) {
        lines.push(line(
            "@cloudflare/speedtest",
            &mut anchor_errors,
            &mut anchor_times,
            &mut anchor_mb,
        ));
    }
    lines
}

fn render_report(reports: &[LinkReport], markdown: bool) -> String {
    let mut rows = vec![HEADER.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()];
    rows.extend(reports.iter().map(table_row));
    let mut out = vec![render_table(&rows, markdown), String::new()];
    out.extend(summary(reports, markdown));
    out.push(String::new());
    out.push(format!(
        "Links: tc tbf on both veth ends (burst = max(rate/250, 16 KiB), latency 200ms); \
         RTT added by DevTools latency emulation. curl: {GROUND_TRUTH_SECONDS:.0} s download \
         (ground truth for err %); expected = rate x 1448/1514. bd = backup-doctor (median run \
         of the link by error; worst = largest error of its runs; dl = its downloadMs, click to \
         download result, median and largest of the runs; time = click to the result event, \
         upload included, median; MB = /__stats downBytes + upBytes, median and largest; down \
         MB = downBytes alone, median). cf = @cloudflare/speedtest 1.14.1, latency+download \
         plan, one run; MB = /__stats downBytes + upBytes. Budgets (DESIGN.md): median |error| <= 3 %, \
         worst <= 6 %; result <= 4 s at >= 10 Mbit/s, <= 6 s at 2 Mbit/s."
    ));
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_of(mbps: f64) -> WidgetRun {
        WidgetRun {
            download_mbps: Some(mbps),
            time_s: Some(4.0),
            download_s: None,
            megabytes: 2.0,
            download_megabytes: 1.5,
            stop_reason: "stable".to_owned(),
        }
    }

    #[test]
    fn burst_is_four_milliseconds_of_rate_but_never_below_16_kib() {
        assert_eq!(Link::new(2.0, 60).burst_bytes(), 16 * 1024);
        assert_eq!(Link::new(50.0, 20).burst_bytes(), 25_000);
    }

    #[test]
    fn expected_payload_and_ground_truth_size_follow_the_rate() {
        let link = Link::new(10.0, 40);
        assert!((link.expected_payload_mbps() - 9.5641).abs() < 1e-3);
        assert_eq!(link.ground_truth_bytes(), 25_000_000);
    }

    #[test]
    fn options_default_to_every_link_and_three_runs() {
        let options = Options::parse(&[]).unwrap();
        assert_eq!(options.links, DEFAULT_LINKS.to_vec());
        assert_eq!(
            (options.runs, options.anchor, options.markdown),
            (3, true, false)
        );
    }

    #[test]
    fn options_take_links_runs_and_markdown() {
        let options =
            Options::parse(&["--markdown", "--link", "2/60", "--runs", "1", "--no-anchor"])
                .unwrap();
        assert_eq!(options.links, vec![Link::new(2.0, 60)]);
        assert_eq!(
            (options.runs, options.anchor, options.markdown),
            (1, false, true)
        );
        assert!(Options::parse(&["--link", "fast"]).is_err());
        assert!(Options::parse(&["--runs", "0"]).is_err());
        assert!(Options::parse(&["--bogus"]).is_err());
    }

    #[test]
    fn the_result_is_the_last_json_object_line() {
        let out = "warming up\n{\"ok\":false}\nnoise\n{\"ok\":true,\"downBytes\":5}\n";
        let v = result_line(out).unwrap();
        assert_eq!(v["downBytes"], 5);
        assert!(result_line("no json here\n[1,2]\n").is_none());
    }

    #[test]
    fn widget_run_reads_the_event_detail_and_the_counters() {
        let v: Value = serde_json::from_str(
            r#"{"ok":true,"timeToResultMs":4200,"downBytes":1500000,"upBytes":500000,
                "detail":{"downloadMbps":9.5,"downloadMs":3100,"stopReason":"stable","error":null}}"#,
        )
        .unwrap();
        let run = widget_run(&v).unwrap();
        assert_eq!(run.download_mbps, Some(9.5));
        assert_eq!(run.time_s, Some(4.2));
        assert_eq!(run.download_s, Some(3.1));
        assert_eq!(run.megabytes, 2.0);
        assert_eq!(run.download_megabytes, 1.5);
        assert_eq!(run.stop_reason, "stable");
    }

    #[test]
    fn a_missing_download_time_shows_as_a_dash() {
        let v: Value = serde_json::from_str(
            r#"{"ok":true,"detail":{"downloadMbps":1.9,"stopReason":"budget"}}"#,
        )
        .unwrap();
        assert_eq!(fixed(widget_run(&v).unwrap().download_s, 1), "-");
    }

    #[test]
    fn median_run_and_worst_error_come_from_the_same_runs() {
        let runs = [run_of(10.3), run_of(9.9), run_of(10.1)];
        let (median_run, worst) = median_and_worst(&runs, 10.0).unwrap();
        assert_eq!(median_run.download_mbps, Some(10.1));
        assert!((worst - 3.0).abs() < 1e-9);
        let below = [run_of(9.0), run_of(10.2)];
        assert!((median_and_worst(&below, 10.0).unwrap().1 + 10.0).abs() < 1e-9);
        assert!(median_and_worst(&[], 10.0).is_none());
    }

    #[test]
    fn plain_table_aligns_numbers_to_the_right() {
        let rows = vec![
            vec!["rate".to_owned(), "err %".to_owned()],
            vec!["2".to_owned(), "+0.5".to_owned()],
            vec!["50".to_owned(), "-12.0".to_owned()],
        ];
        let text = render_table(&rows, false);
        assert_eq!(text, "rate  err %\n   2   +0.5\n  50  -12.0");
        let md = render_table(&rows, true);
        assert_eq!(md.lines().nth(1), Some("| ---: | ----: |"));
        assert_eq!(md.lines().count(), 4);
    }

    #[test]
    fn a_link_without_widget_results_still_gets_its_row() {
        let report = LinkReport {
            link: Link::new(2.0, 60),
            curl_mbps: 1.918,
            widget: vec![Err("no .bd-speed-start button".to_owned())],
            anchor: None,
        };
        let row = table_row(&report);
        assert_eq!(row[2], "1.918");
        assert_eq!(row[4], "-");
        let text = render_report(&[report], false);
        assert!(text.contains("1 run(s) gave no result"));
        assert!(!text.contains("@cloudflare/speedtest:"));
    }
}
