//! `cargo xtask bench insights`: the release server's insights collector
//! under load from this second process, on SQLite and (when it can be set
//! up) PostgreSQL.
//!
//! Client threads each keep one loopback connection and send beacons one
//! after another (a realistic mix of kinds) until the time is up, timing
//! each from the first byte sent to the 204. Afterwards the summary is read
//! and its rows counted: every acknowledged beacon must be there. The
//! server's memory is sampled from `/proc/<pid>/status` throughout.
//!
//! A benchmark: figures are printed, never judged. It fails only on lost
//! beacons (acknowledged but not counted) or wrong answers.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cmd::{self, command};
use crate::server::ServerProcess;
use crate::{postgres, TaskResult};

const TOKEN: &str = "bench-token-0123456789abcdef";
const WARM_UP_PER_CLIENT: u64 = 50;

struct Options {
    seconds: u64,
    clients: usize,
    postgres: bool,
}

impl Options {
    fn parse(args: &[&str]) -> TaskResult<Self> {
        let mut options = Options {
            seconds: 10,
            clients: 16,
            postgres: true,
        };
        let mut rest = args.iter();
        while let Some(flag) = rest.next() {
            match *flag {
                "--no-postgres" => options.postgres = false,
                "--seconds" | "--clients" => {
                    let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
                    let number: u64 = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=600).contains(n))
                        .ok_or_else(|| {
                            format!("{flag} takes a whole number from 1 to 600, not {value:?}")
                        })?;
                    if *flag == "--seconds" {
                        options.seconds = number;
                    } else {
                        options.clients = number as usize;
                    }
                }
                other => {
                    return Err(format!(
                        "unknown option {other} (try --seconds N, --clients N, --no-postgres)"
                    ))
                }
            }
        }
        Ok(options)
    }
}

/// What one backend's run measured.
struct Record {
    backend: &'static str,
    sent: u64,
    acknowledged: u64,
    refused: u64,
    rows: u64,
    elapsed: Duration,
    latencies_us: Vec<u32>,
    rss_before_kib: u64,
    rss_max_kib: u64,
    rss_after_kib: u64,
}

pub fn run(args: &[&str]) -> TaskResult {
    let options = Options::parse(args)?;
    cmd::run(&mut command(
        "cargo",
        &["build", "--release", "--package", "backup-doctor-server"],
    ))?;
    let mut records = Vec::new();
    let dir = cmd::root().join("target/bench-insights");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let file = dir.join("insights.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    records.push(bench_one(
        "SQLite",
        &format!("sqlite:{}", file.display()),
        &options,
    )?);
    if options.postgres {
        match postgres::fresh_database("backup_doctor_bench") {
            Ok(url) => records.push(bench_one("PostgreSQL", &url, &options)?),
            Err(e) => eprintln!("PostgreSQL: skipped ({e})"),
        }
    }
    print_table(&records, &options);
    let lost: Vec<String> = records
        .iter()
        .filter(|r| r.rows < r.acknowledged)
        .map(|r| {
            format!(
                "{}: {} acknowledged, {} counted",
                r.backend, r.acknowledged, r.rows
            )
        })
        .collect();
    if lost.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "acknowledged beacons were lost: {}",
            lost.join("; ")
        ))
    }
}

fn bench_one(backend: &'static str, database: &str, options: &Options) -> TaskResult<Record> {
    eprintln!(
        "bench insights: {backend}, {} clients, {} s",
        options.clients, options.seconds
    );
    let server = ServerProcess::start(&[
        "--port",
        "0",
        "--insights",
        database,
        "--insights-token",
        TOKEN,
        // Every client is 127.0.0.1: the per-address limit would measure
        // itself, not the collector.
        "--insights-burst",
        "4000000000",
        "--insights-per-minute",
        "4000000000",
    ])?;
    let address = address_of(&server.url)?;
    let pid = server.pid();
    // Warm up (connections, statement caches, the first pages of the file).
    let warm = drive(address, options.clients, Duration::ZERO, WARM_UP_PER_CLIENT);
    if warm.acknowledged != warm.sent {
        return Err(format!(
            "{backend}: warm-up beacons refused ({} of {}): {}",
            warm.sent - warm.acknowledged,
            warm.sent,
            warm.first_error.unwrap_or_default()
        ));
    }
    let rss_before_kib = read_rss_kib(pid).unwrap_or(0);
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        std::thread::spawn(move || {
            let mut max = 0;
            while sampling.load(Ordering::Relaxed) {
                max = max.max(read_rss_kib(pid).unwrap_or(0));
                std::thread::sleep(Duration::from_millis(200));
            }
            max
        })
    };
    let started = Instant::now();
    let load = drive(
        address,
        options.clients,
        Duration::from_secs(options.seconds),
        u64::MAX,
    );
    let elapsed = started.elapsed();
    sampling.store(false, Ordering::Relaxed);
    let rss_max_kib = sampler.join().unwrap_or(0);
    std::thread::sleep(Duration::from_secs(1));
    let rss_after_kib = read_rss_kib(pid).unwrap_or(0);
    if let Some(error) = &load.first_error {
        eprintln!("{backend}: first failure under load: {error}");
    }
    let rows = counted_rows(address)?;
    drop(server);
    Ok(Record {
        backend,
        sent: warm.sent + load.sent,
        acknowledged: warm.acknowledged + load.acknowledged,
        refused: load.sent - load.acknowledged,
        rows,
        elapsed,
        latencies_us: load.latencies_us,
        rss_before_kib,
        rss_max_kib,
        rss_after_kib,
    })
}

fn address_of(url: &str) -> TaskResult<SocketAddr> {
    url.strip_prefix("http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| format!("cannot read the server's address from {url:?}"))
}

#[derive(Default)]
struct Load {
    sent: u64,
    acknowledged: u64,
    latencies_us: Vec<u32>,
    first_error: Option<String>,
}

/// `clients` threads sending until `duration` is over (or `each` beacons
/// apiece, whichever comes first).
fn drive(address: SocketAddr, clients: usize, duration: Duration, each: u64) -> Load {
    let deadline = Instant::now() + duration;
    let threads: Vec<_> = (0..clients)
        .map(|client| {
            std::thread::spawn(move || {
                client_loop(address, client, deadline, each, duration.is_zero())
            })
        })
        .collect();
    let mut total = Load::default();
    for thread in threads {
        let Ok(load) = thread.join() else {
            total
                .first_error
                .get_or_insert_with(|| "a client thread panicked".into());
            continue;
        };
        total.sent += load.sent;
        total.acknowledged += load.acknowledged;
        total.latencies_us.extend(load.latencies_us);
        if total.first_error.is_none() {
            total.first_error = load.first_error;
        }
    }
    total
}

fn client_loop(
    address: SocketAddr,
    client: usize,
    deadline: Instant,
    each: u64,
    count_only: bool,
) -> Load {
    let mut load = Load::default();
    let mut stream: Option<TcpStream> = None;
    let mut n: u64 = 0;
    while n < each && (count_only || Instant::now() < deadline) {
        let body = beacon(client, n);
        n += 1;
        let connection = match stream.take() {
            Some(s) => Ok(s),
            None => TcpStream::connect(address).map_err(|e| format!("connect: {e}")),
        };
        let sent_at = Instant::now();
        load.sent += 1;
        let answer = connection.and_then(|mut s| exchange(&mut s, &body).map(|status| (s, status)));
        match answer {
            Ok((s, 204)) => {
                load.acknowledged += 1;
                let micros = sent_at.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
                load.latencies_us.push(micros);
                stream = Some(s);
            }
            Ok((_, status)) => {
                load.first_error
                    .get_or_insert_with(|| format!("answered {status}"));
            }
            Err(e) => {
                load.first_error.get_or_insert(e);
            }
        }
    }
    load
}

/// The `n`th beacon of a client: walks of started, three steps, a fix
/// confirmed, and an outcome or a left page.
fn beacon(client: usize, n: u64) -> String {
    let walk = n / 6;
    let (kind, node, extra) = match n % 6 {
        0 => ("started", "platform", String::new()),
        1 => ("step", "platform", String::new()),
        2 => ("step", "android-symptom", String::new()),
        3 => (
            "step",
            "android-account",
            r#","symptom":"android-symptom:0""#.to_owned(),
        ),
        4 if walk.is_multiple_of(3) => (
            "left",
            "android-account",
            r#","symptom":"android-symptom:0""#.to_owned(),
        ),
        4 => (
            "fixed-by",
            "android-account",
            r#","symptom":"android-symptom:0""#.to_owned(),
        ),
        _ => {
            let outcome = if walk.is_multiple_of(2) {
                "resolved"
            } else {
                "escalate"
            };
            let bucket = ["<1", "1-5", "5-20", ">20"][(client + walk as usize) % 4];
            (
                "outcome",
                "fixed",
                format!(
                    r#","symptom":"android-symptom:0","outcome":"{outcome}","upload":"{bucket}""#
                ),
            )
        }
    };
    let lang = ["en", "pt-BR", "hi", "ar"][client % 4];
    format!(
        r#"{{"v":1,"tree":"whatsapp-backup-stuck","revision":"2026-12-02.1","lang":"{lang}","kind":"{kind}","node":"{node}"{extra}}}"#
    )
}

/// One keep-alive POST; the answer's status.
fn exchange(stream: &mut TcpStream, body: &str) -> Result<u16, String> {
    let request = format!(
        "POST /__insights HTTP/1.1\r\nHost: bench\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| io_words("send", &e))?;
    let (status, _) = read_answer(stream)?;
    Ok(status)
}

/// Reads one answer (head and a `Content-Length` body).
fn read_answer(stream: &mut TcpStream) -> Result<(u16, Vec<u8>), String> {
    let mut buffer = Vec::with_capacity(512);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let read = stream.read(&mut chunk).map_err(|e| io_words("read", &e))?;
        if read == 0 {
            return Err("the server closed the connection before answering".into());
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).map_err(|e| io_words("read", &e))?;
        if read == 0 {
            return Err("the server closed the connection mid-answer".into());
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Ok((status, body))
}

fn io_words(what: &str, e: &io::Error) -> String {
    format!("{what}: {e}")
}

/// Rows in the database, from the summary: every kind is counted once
/// (`started`, steps reached, fixes, outcomes, and left pages).
fn counted_rows(address: SocketAddr) -> TaskResult<u64> {
    let mut stream = TcpStream::connect(address).map_err(|e| format!("connect: {e}"))?;
    let request = format!(
        "GET /__insights/summary HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| io_words("send", &e))?;
    let (status, body) = read_answer(&mut stream)?;
    if status != 200 {
        return Err(format!(
            "the summary answered {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    let summary: Value =
        serde_json::from_slice(&body).map_err(|e| format!("the summary is not JSON: {e}"))?;
    Ok(rows_in(&summary))
}

fn rows_in(summary: &Value) -> u64 {
    let number = |v: &Value, key: &str| v[key].as_u64().unwrap_or(0);
    let empty = Vec::new();
    summary["trees"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|tree| {
            let nodes: u64 = tree["nodes"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .map(|n| number(n, "reached") + number(n, "left") + number(n, "fixed"))
                .sum();
            number(tree, "started") + number(tree, "resolved") + number(tree, "escalated") + nodes
        })
        .sum()
}

fn read_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn percentile_ms(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[index.min(sorted.len() - 1)]) / 1000.0
}

fn print_table(records: &[Record], options: &Options) {
    println!(
        "\ninsights collector, release server on loopback, {} client connections, {} s of load:\n",
        options.clients, options.seconds
    );
    println!("| backend | beacons sent | acknowledged (204) | refused | beacons counted after | lost | beacons/s | p50 ms | p99 ms | server RSS before / max / after (MiB) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    let mib = |kib: u64| kib as f64 / 1024.0;
    for r in records {
        let mut sorted = r.latencies_us.clone();
        sorted.sort_unstable();
        let per_second = sorted.len() as f64 / r.elapsed.as_secs_f64().max(1e-9);
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.1} / {:.1} / {:.1} |",
            r.backend,
            r.sent,
            r.acknowledged,
            r.refused,
            r.rows,
            r.acknowledged.saturating_sub(r.rows),
            per_second,
            percentile_ms(&sorted, 0.50),
            percentile_ms(&sorted, 0.99),
            mib(r.rss_before_kib),
            mib(r.rss_max_kib),
            mib(r.rss_after_kib),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_event_is_counted_once() {
        let summary = serde_json::json!({"trees": [{
            "started": 2, "resolved": 1, "escalated": 1, "left": 1,
            "nodes": [{"node": "a", "reached": 4, "left": 1, "fixed": 1}]
        }]});
        assert_eq!(rows_in(&summary), 2 + 1 + 1 + 4 + 1 + 1);
    }

    #[test]
    fn the_beacon_mix_is_valid_json_with_the_documented_fields() {
        for n in 0..36 {
            let body: Value = serde_json::from_str(&beacon(3, n)).expect("JSON");
            assert_eq!(body["v"], 1);
            assert_eq!(
                body["outcome"].is_string(),
                body["kind"] == "outcome",
                "{body}"
            );
        }
    }

    #[test]
    fn percentiles_pick_from_the_sorted_latencies() {
        let sorted: Vec<u32> = (1..=100).map(|n| n * 1000).collect();
        assert_eq!(percentile_ms(&sorted, 0.5), 51.0);
        assert_eq!(percentile_ms(&sorted, 0.99), 99.0);
        assert_eq!(percentile_ms(&[], 0.99), 0.0);
    }
}
