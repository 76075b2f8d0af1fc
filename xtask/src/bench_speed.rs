//! `cargo xtask bench speed`: how accurate, how quick and how frugal the
//! widget's speed test is on links shaped by the Linux kernel, next to the
//! ground truth (a long `curl` download, and a long `curl` POST for the
//! upload) and an anchor (`@cloudflare/speedtest`) on the same link in the
//! same run. The upload is measured twice: against our server, which counts
//! what arrived, and against its Cloudflare-style mode (an empty `__up`
//! answer with only `Server-Timing`), where the browser times it. Links can
//! be asymmetric (fast down, slow up: where backups stall). These are the
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
usage: cargo xtask bench speed [--markdown] [--runs N] [--no-anchor] [--link DOWN[/UP]/RTT_MS]...

  --markdown          print the tables as Markdown (for the README)
  --runs N            widget runs per link and mode (default 3; the median run is shown)
  --no-anchor         skip @cloudflare/speedtest (it takes up to two minutes a link)
  --link 10/40        measure this link instead of the default ones (repeatable);
                      50/1/20 is 50 Mbit/s down, 1 Mbit/s up, 20 ms";

/// The links measured by default: rates in Mbit/s, round trip in ms. The
/// asymmetric ones are where backups stall: cable, or a congested uplink.
const DEFAULT_LINKS: [Link; 7] = [
    Link::new(2.0, 60),
    Link::new(5.0, 50),
    Link::new(10.0, 40),
    Link::new(50.0, 20),
    Link::asymmetric(20.0, 1.0, 40),
    Link::asymmetric(50.0, 1.0, 20),
    Link::asymmetric(10.0, 2.0, 40),
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

/// How long the ground-truth download (and upload) lasts at the link's rate.
const GROUND_TRUTH_SECONDS: f64 = 20.0;
/// Where the widget finds the server's Cloudflare-style mode (`--faults`).
const CLOUDFLARE_STYLE: &str = "/__fault/endpoint/cloudflare";
/// TCP payload per full Ethernet frame with timestamps: 1448 of 1514 bytes.
const PAYLOAD_SHARE: f64 = 1448.0 / 1514.0;

/// A shaped link: what tbf allows each way and what round trip the browser
/// adds. `rate_mbit` is the download (server to browser), `up_mbit` the
/// upload.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Link {
    rate_mbit: f64,
    up_mbit: f64,
    rtt_ms: u32,
}

impl Link {
    const fn new(rate_mbit: f64, rtt_ms: u32) -> Self {
        Self::asymmetric(rate_mbit, rate_mbit, rtt_ms)
    }

    const fn asymmetric(rate_mbit: f64, up_mbit: f64, rtt_ms: u32) -> Self {
        Self {
            rate_mbit,
            up_mbit,
            rtt_ms,
        }
    }

    /// Parses `10/40` (Mbit/s both ways / ms) or `50/1/20` (down / up / ms).
    fn parse(text: &str) -> TaskResult<Self> {
        let bad = || {
            format!(
                "--link wants DOWN_MBIT[/UP_MBIT]/RTT_MS such as 10/40 or 50/1/20, not {text:?}"
            )
        };
        let parts: Vec<&str> = text.split('/').map(str::trim).collect();
        let rate = |t: &str| -> TaskResult<f64> {
            let mbit: f64 = t.parse().map_err(|_| bad())?;
            if mbit.is_finite() && (0.1..=1000.0).contains(&mbit) {
                Ok(mbit)
            } else {
                Err(format!("--link rate {mbit} is outside 0.1..1000 Mbit/s"))
            }
        };
        let (down, up, rtt) = match parts.as_slice() {
            [down, rtt] => (rate(down)?, rate(down)?, rtt),
            [down, up, rtt] => (rate(down)?, rate(up)?, rtt),
            _ => return Err(bad()),
        };
        let rtt_ms: u32 = rtt.parse().map_err(|_| bad())?;
        Ok(Self::asymmetric(down, up, rtt_ms))
    }

    fn bytes_per_second(self) -> f64 {
        self.rate_mbit * 1e6 / 8.0
    }

    fn up_bytes_per_second(self) -> f64 {
        self.up_mbit * 1e6 / 8.0
    }

    /// tbf's bucket for `bytes_per_second`: 4 ms of tokens (rate / 250),
    /// at least 16 KiB. It must hold a full frame (tbf splits larger GSO
    /// packets itself) and be refilled between timer ticks; kept this small,
    /// the burst a fresh connection gets for free is a few milliseconds'
    /// worth, which no measurement can mistake for speed.
    fn burst_for(bytes_per_second: f64) -> u64 {
        ((bytes_per_second / 250.0) as u64).max(16 * 1024)
    }

    /// The download direction's tbf bucket.
    fn burst_bytes(self) -> u64 {
        Self::burst_for(self.bytes_per_second())
    }

    /// What TCP can carry over the link: rate x 1448/1514, in Mbit/s.
    fn expected_payload_mbps(self) -> f64 {
        self.rate_mbit * PAYLOAD_SHARE
    }

    /// Bytes for a ground-truth download of about [`GROUND_TRUTH_SECONDS`].
    fn ground_truth_bytes(self) -> u64 {
        (self.bytes_per_second() * GROUND_TRUTH_SECONDS) as u64
    }

    /// Bytes for a ground-truth upload of about [`GROUND_TRUTH_SECONDS`].
    fn ground_truth_up_bytes(self) -> u64 {
        (self.up_bytes_per_second() * GROUND_TRUTH_SECONDS) as u64
    }

    fn is_symmetric(self) -> bool {
        self.rate_mbit == self.up_mbit
    }

    /// `10` or `50/1`, Mbit/s.
    fn rates(self) -> String {
        if self.is_symmetric() {
            trim_number(self.rate_mbit)
        } else {
            format!(
                "{}/{}",
                trim_number(self.rate_mbit),
                trim_number(self.up_mbit)
            )
        }
    }

    fn label(self) -> String {
        format!("{} Mbit/s {} ms", self.rates(), self.rtt_ms)
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

    /// Shapes each direction to `link`'s rate (replacing earlier shaping):
    /// the namespace side's egress is the download (the server sends), the
    /// host side's the upload (the browser sends).
    fn shape(&self, link: Link) -> TaskResult {
        let tbf = |prefix: &[&str], dev: &str, mbit: f64| {
            let rate = format!("{}kbit", (mbit * 1000.0).round() as u64);
            let burst = Link::burst_for(mbit * 1e6 / 8.0).to_string();
            let mut args: Vec<&str> = prefix.to_vec();
            args.extend([
                "tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", &rate, "burst",
                &burst, "latency", "200ms",
            ]);
            cmd::run(Command::new(args[0]).args(&args[1..]))
        };
        tbf(&[], HOST_IF, link.up_mbit)?;
        tbf(&["ip", "netns", "exec", NAMESPACE], NS_IF, link.rate_mbit)
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
                // The Cloudflare-style upload mode lives under /__fault/.
                "--faults",
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
    /// Goodput of a long POST to `__up`, Mbit/s.
    curl_up_mbps: f64,
    /// Against our server (it counts the upload).
    widget: Vec<Result<WidgetRun, String>>,
    /// Against the server's Cloudflare-style mode (the browser times it).
    widget_cf: Vec<Result<WidgetRun, String>>,
    anchor: Option<Result<AnchorRun, String>>,
    anchor_up: Option<Result<AnchorRun, String>>,
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
    upload_mbps: Option<f64>,
    /// The widget's own `uploadMs`, s.
    upload_s: Option<f64>,
    /// `uploadAtLeast` (`>=`), `uploadAtMost` (`<=`), or neither.
    upload_bound: Option<&'static str>,
    /// `uploadTiming`.
    upload_timing: Option<String>,
}

/// One run of `@cloudflare/speedtest` (latency with download, or with
/// upload).
#[derive(Clone, Debug, PartialEq)]
struct AnchorRun {
    /// Download or upload, as the plan measured, Mbit/s.
    mbps: Option<f64>,
    time_s: f64,
    megabytes: f64,
}

fn measure_link(link: Link, base: &str, options: &Options) -> TaskResult<LinkReport> {
    eprintln!(
        "== {}: tbf burst {} B; ground truth with curl ({} MB down, {} MB up)",
        link.label(),
        link.burst_bytes(),
        link.ground_truth_bytes() / 1_000_000,
        link.ground_truth_up_bytes() / 1_000_000,
    );
    let curl_mbps = ground_truth(link, base)?;
    let curl_up_mbps = ground_truth_upload(link, base)?;
    eprintln!(
        "   curl {curl_mbps:.3} Mbit/s down, {curl_up_mbps:.3} up (expected payload rate {:.3} down)",
        link.expected_payload_mbps()
    );
    let widget_runs = |mode: &str, speedtest: Option<&str>| {
        (1..=options.runs)
            .map(|n| {
                let mut args = vec![];
                if let Some(path) = speedtest {
                    args.extend(["--speedtest", path]);
                }
                let result = run_node_script("widget-run.mjs", base, link, &args)
                    .and_then(|v| widget_run(&v));
                match &result {
                    Ok(r) => eprintln!(
                        "   widget {mode} {n}/{}: down {} Mbit/s ({} %), up {} Mbit/s ({} %, {}), {} s to result, {} MB, {}",
                        options.runs,
                        fixed(r.download_mbps, 3),
                        fixed(r.download_mbps.map(|m| error_percent(m, curl_mbps)), 1),
                        fixed(r.upload_mbps, 3),
                        fixed(r.upload_mbps.map(|m| error_percent(m, curl_up_mbps)), 1),
                        r.upload_timing.as_deref().unwrap_or("-"),
                        fixed(r.time_s, 1),
                        fixed(Some(r.megabytes), 1),
                        r.stop_reason
                    ),
                    Err(e) => eprintln!("   widget {mode} {n}/{} failed: {e}", options.runs),
                }
                result
            })
            .collect::<Vec<_>>()
    };
    let widget = widget_runs("server", None);
    let widget_cf = widget_runs("cf-style", Some(CLOUDFLARE_STYLE));
    let anchor_of = |plan: &str, truth: f64| {
        let result = run_node_script("cloudflare-run.mjs", base, link, &["--plan", plan])
            .and_then(|v| anchor_run(&v));
        match &result {
            Ok(r) => eprintln!(
                "   @cloudflare/speedtest {plan}: {} Mbit/s ({} %), {:.1} s, {:.1} MB",
                fixed(r.mbps, 3),
                fixed(r.mbps.map(|m| error_percent(m, truth)), 1),
                r.time_s,
                r.megabytes
            ),
            Err(e) => eprintln!("   @cloudflare/speedtest {plan} failed: {e}"),
        }
        result
    };
    let anchor = options.anchor.then(|| anchor_of("download", curl_mbps));
    let anchor_up = options.anchor.then(|| anchor_of("upload", curl_up_mbps));
    Ok(LinkReport {
        link,
        curl_mbps,
        curl_up_mbps,
        widget,
        widget_cf,
        anchor,
        anchor_up,
    })
}

/// Goodput of a long download from the root namespace, in Mbit/s.
fn ground_truth(link: Link, base: &str) -> TaskResult<f64> {
    let url = format!("{base}__down?bytes={}", link.ground_truth_bytes());
    curl_speed(&url, &[], "%{speed_download}")
}

/// Goodput of a long POST of incompressible bytes to `__up`, in Mbit/s.
fn ground_truth_upload(link: Link, base: &str) -> TaskResult<f64> {
    let file = cmd::root().join("target/bench-upload.bin");
    write_incompressible(&file, link.ground_truth_up_bytes())?;
    let body = format!("@{}", file.display());
    let url = format!("{base}__up");
    // No `Expect: 100-continue` round trip before the body.
    curl_speed(
        &url,
        &[
            "-H",
            "Expect:",
            "-H",
            "Content-Type: application/octet-stream",
            "--data-binary",
            &body,
        ],
        "%{speed_upload}",
    )
}

/// Runs curl on `url` and reads the `-w` figure (bytes/s) as Mbit/s.
fn curl_speed(url: &str, extra: &[&str], write_out: &str) -> TaskResult<f64> {
    let limit = format!("{}", (GROUND_TRUTH_SECONDS * 4.0) as u64);
    let mut args = vec![
        "-sS",
        "-o",
        "/dev/null",
        "--max-time",
        &limit,
        "-w",
        write_out,
    ];
    args.extend(extra);
    args.push(url);
    let mut c = command("curl", &args);
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

/// `len` incompressible bytes in `path` (the widget's own upload body).
fn write_incompressible(path: &Path, len: u64) -> TaskResult {
    let bytes = backup_doctor_core::speed::incompressible(len as usize, 0x2545_F491_4F6C_DD1D);
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Runs `e2e/bench/<script> --base URL --rtt MS [extra]` and returns the
/// JSON line it printed, or its `error` when it reports `ok: false`.
fn run_node_script(script: &str, base: &str, link: Link, extra: &[&str]) -> TaskResult<Value> {
    let rtt = link.rtt_ms.to_string();
    let mut args = vec![
        format!("bench/{script}"),
        "--base".into(),
        base.into(),
        "--rtt".into(),
        rtt,
    ];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut c = command("node", &args);
    c.current_dir(cmd::root().join("e2e"))
        .env("CHROMIUM", tools::CHROMIUM)
        .stderr(Stdio::inherit());
    if let Some(paths) = &*TREE_PATHS {
        c.env("TREE_PATHS", paths);
    }
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

/// The default tree's path report for the browser scripts (they open the
/// connection-test step by its trail); `None` leaves them to ask cargo.
static TREE_PATHS: std::sync::LazyLock<Option<PathBuf>> =
    std::sync::LazyLock::new(|| crate::layers::tree_paths_file().ok());

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
    let flag = |key: &str| detail[key].as_bool() == Some(true);
    let upload_bound = if flag("uploadAtLeast") {
        Some(">=")
    } else if flag("uploadAtMost") {
        Some("<=")
    } else {
        None
    };
    Ok(WidgetRun {
        download_mbps: detail["downloadMbps"].as_f64(),
        time_s: v["timeToResultMs"].as_f64().map(|ms| ms / 1000.0),
        download_s: detail["downloadMs"].as_f64().map(|ms| ms / 1000.0),
        megabytes: megabytes_used(v),
        download_megabytes: v["downBytes"].as_f64().unwrap_or(0.0) / 1e6,
        stop_reason,
        upload_mbps: detail["uploadMbps"].as_f64(),
        upload_s: detail["uploadMs"].as_f64().map(|ms| ms / 1000.0),
        upload_bound,
        upload_timing: detail["uploadTiming"].as_str().map(str::to_owned),
    })
}

fn anchor_run(v: &Value) -> TaskResult<AnchorRun> {
    Ok(AnchorRun {
        mbps: v["bps"].as_f64().map(|bps| bps / 1e6),
        time_s: v["durationMs"].as_f64().unwrap_or(f64::NAN) / 1000.0,
        megabytes: megabytes_used(v),
    })
}

/// Signed error of `measured` against the ground truth, in percent.
fn error_percent(measured: f64, truth: f64) -> f64 {
    (measured - truth) / truth * 100.0
}

/// The run with the median error of `figure` (the lower middle for an
/// even count) and the largest error by size, among runs that gave one.
fn median_and_worst(
    runs: &[WidgetRun],
    figure: fn(&WidgetRun) -> Option<f64>,
    truth: f64,
) -> Option<(&WidgetRun, f64)> {
    let mut measured: Vec<(&WidgetRun, f64)> = runs
        .iter()
        .filter_map(|r| Some((r, error_percent(figure(r)?, truth))))
        .collect();
    measured.sort_by(|a, b| a.1.total_cmp(&b.1));
    let worst = measured
        .iter()
        .map(|&(_, e)| e)
        .max_by(|a, b| a.abs().total_cmp(&b.abs()))?;
    Some((measured[(measured.len() - 1) / 2].0, worst))
}

fn download_of(r: &WidgetRun) -> Option<f64> {
    r.download_mbps
}

fn upload_of(r: &WidgetRun) -> Option<f64> {
    r.upload_mbps
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

const UPLOAD_HEADER: [&str; 14] = [
    "down/up Mbit/s",
    "RTT ms",
    "curl up",
    "bd up",
    "bd err %",
    "bd worst %",
    "bd up s",
    "bd up s max",
    "cf-style bd up",
    "cf-style err %",
    "cf-style worst %",
    "cf up",
    "cf err %",
    "cf up s",
];

fn ok_runs(runs: &[Result<WidgetRun, String>]) -> Vec<WidgetRun> {
    runs.iter().flatten().cloned().collect()
}

/// `1.234`, with `>=`/`<=` before it when the run says it is a bound.
fn upload_figure(run: Option<&WidgetRun>) -> String {
    let Some(run) = run else {
        return "-".to_owned();
    };
    format!(
        "{}{}",
        run.upload_bound.unwrap_or(""),
        fixed(run.upload_mbps, 3)
    )
}

fn table_row(report: &LinkReport) -> Vec<String> {
    let truth = report.curl_mbps;
    let runs = ok_runs(&report.widget);
    let widget = median_and_worst(&runs, download_of, truth);
    let median_run = widget.map(|(r, _)| r);
    let of_runs = |value: fn(&WidgetRun) -> Option<f64>| -> Vec<f64> {
        runs.iter().filter_map(value).collect()
    };
    let largest = |values: Vec<f64>| values.into_iter().reduce(f64::max);
    let anchor = report.anchor.as_ref().and_then(|a| a.as_ref().ok());
    vec![
        report.link.rates(),
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
        fixed(anchor.and_then(|a| a.mbps), 3),
        signed(anchor.and_then(|a| Some(error_percent(a.mbps?, truth)))),
        fixed(anchor.map(|a| a.time_s), 1),
        fixed(anchor.map(|a| a.megabytes), 1),
    ]
}

fn upload_row(report: &LinkReport) -> Vec<String> {
    let truth = report.curl_up_mbps;
    let runs = ok_runs(&report.widget);
    let cf_runs = ok_runs(&report.widget_cf);
    let server = median_and_worst(&runs, upload_of, truth);
    let cf_style = median_and_worst(&cf_runs, upload_of, truth);
    let times: Vec<f64> = runs.iter().filter_map(|r| r.upload_s).collect();
    let anchor = report.anchor_up.as_ref().and_then(|a| a.as_ref().ok());
    let err = |m: Option<(&WidgetRun, f64)>| {
        signed(m.and_then(|(r, _)| Some(error_percent(r.upload_mbps?, truth))))
    };
    vec![
        format!(
            "{}/{}",
            trim_number(report.link.rate_mbit),
            trim_number(report.link.up_mbit)
        ),
        report.link.rtt_ms.to_string(),
        format!("{truth:.3}"),
        upload_figure(server.map(|(r, _)| r)),
        err(server),
        signed(server.map(|(_, worst)| worst)),
        fixed(median(&mut times.clone()), 1),
        fixed(times.into_iter().reduce(f64::max), 1),
        upload_figure(cf_style.map(|(r, _)| r)),
        err(cf_style),
        signed(cf_style.map(|(_, worst)| worst)),
        fixed(anchor.and_then(|a| a.mbps), 3),
        signed(anchor.and_then(|a| Some(error_percent(a.mbps?, truth)))),
        fixed(anchor.map(|a| a.time_s), 1),
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

/// What one tool's runs add up to on one figure, over every link.
#[derive(Default)]
struct Tally {
    errors: Vec<f64>,
    times: Vec<f64>,
    megabytes: Vec<f64>,
    failures: usize,
    bounds: usize,
}

impl Tally {
    fn line(&mut self, tool: &str, markdown: bool) -> String {
        let worst = |v: &[f64]| v.iter().copied().reduce(f64::max);
        let mut text = format!(
            "{}{tool}: |error| median {} %, worst {} % ({} runs); time median {} s, worst {} s",
            if markdown { "- " } else { "" },
            fixed(median(&mut self.errors), 1),
            fixed(worst(&self.errors), 1),
            self.errors.len(),
            fixed(median(&mut self.times), 1),
            fixed(worst(&self.times), 1),
        );
        if !self.megabytes.is_empty() {
            text += &format!(
                "; data median {} MB, worst {} MB",
                fixed(median(&mut self.megabytes), 1),
                fixed(worst(&self.megabytes), 1)
            );
        }
        if self.bounds > 0 {
            text += &format!("; {} figure(s) given as a bound (>= or <=)", self.bounds);
        }
        if self.failures > 0 {
            text += &format!(
                "; {} run(s) gave no result (see the log above)",
                self.failures
            );
        }
        text
    }
}

/// One summary line per tool and figure: median and worst |error|, time
/// and data.
fn summary(reports: &[LinkReport], markdown: bool) -> Vec<String> {
    let (mut down, mut up, mut up_cf) = (Tally::default(), Tally::default(), Tally::default());
    let (mut anchor_down, mut anchor_up) = (Tally::default(), Tally::default());
    for report in reports {
        for run in &report.widget {
            let Ok(run) = run else {
                down.failures += 1;
                continue;
            };
            if let Some(m) = run.download_mbps {
                down.errors.push(error_percent(m, report.curl_mbps).abs());
            }
            down.times.extend(run.time_s);
            down.megabytes.push(run.megabytes);
            if let Some(m) = run.upload_mbps {
                up.errors.push(error_percent(m, report.curl_up_mbps).abs());
                up.bounds += usize::from(run.upload_bound.is_some());
            } else {
                up.failures += 1;
            }
            up.times.extend(run.upload_s);
        }
        for run in &report.widget_cf {
            match run {
                Ok(WidgetRun {
                    upload_mbps: Some(m),
                    upload_s,
                    upload_bound,
                    ..
                }) => {
                    up_cf
                        .errors
                        .push(error_percent(*m, report.curl_up_mbps).abs());
                    up_cf.times.extend(*upload_s);
                    up_cf.bounds += usize::from(upload_bound.is_some());
                }
                _ => up_cf.failures += 1,
            }
        }
        for (anchor, tally, truth) in [
            (&report.anchor, &mut anchor_down, report.curl_mbps),
            (&report.anchor_up, &mut anchor_up, report.curl_up_mbps),
        ] {
            match anchor {
                Some(Ok(a)) => {
                    if let Some(m) = a.mbps {
                        tally.errors.push(error_percent(m, truth).abs());
                    }
                    tally.times.push(a.time_s);
                    tally.megabytes.push(a.megabytes);
                }
                Some(Err(_)) => tally.failures += 1,
                None => {}
            }
        }
    }
    let mut lines = vec![
        down.line("backup-doctor download (time = click to result)", markdown),
        up.line(
            "backup-doctor upload, our server (time = uploadMs)",
            markdown,
        ),
        up_cf.line("backup-doctor upload, Cloudflare-style server", markdown),
    ];
    if reports.iter().any(|r| r.anchor.is_some()) {
        lines.push(anchor_down.line("@cloudflare/speedtest download", markdown));
        lines.push(anchor_up.line("@cloudflare/speedtest upload", markdown));
    }
    lines
}

fn render_report(reports: &[LinkReport], markdown: bool) -> String {
    let mut rows = vec![HEADER.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()];
    rows.extend(reports.iter().map(table_row));
    let mut upload_rows = vec![UPLOAD_HEADER
        .iter()
        .map(|h| (*h).to_owned())
        .collect::<Vec<_>>()];
    upload_rows.extend(reports.iter().map(upload_row));
    let mut out = vec![
        render_table(&rows, markdown),
        String::new(),
        render_table(&upload_rows, markdown),
        String::new(),
    ];
    out.extend(summary(reports, markdown));
    out.push(String::new());
    out.push(format!(
        "Links: tc tbf on each veth end (download on the namespace side, upload on the host \
         side; burst = max(rate/250, 16 KiB), latency 200ms); RTT added by DevTools latency \
         emulation. curl: {GROUND_TRUTH_SECONDS:.0} s download and {GROUND_TRUTH_SECONDS:.0} s \
         POST to __up (ground truth for err %); expected = rate x 1448/1514. bd = backup-doctor \
         (median run of the link by error; worst = largest error of its runs; dl = its \
         downloadMs, click to download result, median and largest of the runs; time = click to \
         the result event, upload included, median; MB = /__stats downBytes + upBytes, median \
         and largest; down MB = downBytes alone, median; up s = its uploadMs; >= / <= = the \
         widget gave the upload as a floor / a ceiling). cf-style = the same widget against \
         the server's Cloudflare-style __up (empty 200, Server-Timing only), timed by the \
         browser. cf = @cloudflare/speedtest 1.14.1, one run of its latency+download plan and \
         one of its latency+upload plan; MB = /__stats downBytes + upBytes. Budgets \
         (DESIGN.md): download median |error| <= 3 %, worst <= 6 %; result <= 4 s at >= 10 \
         Mbit/s, <= 6 s at 2 Mbit/s; upload median |error| <= 5 %, worst <= 10 %, upload \
         <= 6 s at >= 1 Mbit/s."
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
            upload_mbps: Some(mbps / 10.0),
            upload_s: Some(2.0),
            upload_bound: None,
            upload_timing: Some("server".to_owned()),
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
        let (median_run, worst) = median_and_worst(&runs, download_of, 10.0).unwrap();
        assert_eq!(median_run.download_mbps, Some(10.1));
        assert!((worst - 3.0).abs() < 1e-9);
        let below = [run_of(9.0), run_of(10.2)];
        assert!((median_and_worst(&below, download_of, 10.0).unwrap().1 + 10.0).abs() < 1e-9);
        assert!(median_and_worst(&[], download_of, 10.0).is_none());
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
            curl_up_mbps: 0.95,
            widget: vec![Err("no .bd-speed-start button".to_owned())],
            widget_cf: vec![],
            anchor: None,
            anchor_up: None,
        };
        let row = table_row(&report);
        assert_eq!(row[2], "1.918");
        assert_eq!(row[4], "-");
        let text = render_report(&[report], false);
        assert!(text.contains("1 run(s) gave no result"));
        assert!(!text.contains("@cloudflare/speedtest download:"));
    }

    #[test]
    fn links_parse_as_symmetric_or_down_up_rtt() {
        assert_eq!(Link::parse("10/40").unwrap(), Link::new(10.0, 40));
        let slow_up = Link::parse("50/1/20").unwrap();
        assert_eq!(slow_up, Link::asymmetric(50.0, 1.0, 20));
        assert_eq!(slow_up.label(), "50/1 Mbit/s 20 ms");
        assert_eq!(slow_up.ground_truth_up_bytes(), 2_500_000);
        assert!(Link::parse("50/0/20").is_err());
        assert!(Link::parse("50/1/2/3").is_err());
    }

    #[test]
    fn the_upload_row_marks_bounds_and_compares_both_modes_with_curl() {
        let mut floor = run_of(10.0);
        floor.upload_bound = Some(">=");
        let mut cf = run_of(10.0);
        cf.upload_mbps = Some(0.9);
        cf.upload_timing = Some("browser".to_owned());
        let report = LinkReport {
            link: Link::asymmetric(50.0, 1.0, 20),
            curl_mbps: 47.0,
            curl_up_mbps: 1.0,
            widget: vec![Ok(floor)],
            widget_cf: vec![Ok(cf)],
            anchor: None,
            anchor_up: None,
        };
        let row = upload_row(&report);
        assert_eq!(row[0], "50/1");
        assert_eq!(row[3], ">=1.000");
        assert_eq!(row[4], "+0.0");
        assert_eq!(row[8], "0.900");
        assert_eq!(row[9], "-10.0");
        let text = render_report(&[report], false);
        assert!(text.contains("1 figure(s) given as a bound"), "{text}");
    }
}
