//! `cargo xtask bench load`: the release endpoint server under concurrent,
//! badly behaved load, driven from this second process.
//!
//! Clients speak hand-written HTTP/1.1 over `std::net::TcpStream` (no HTTP
//! library: the point is to send what real, broken clients send — bodies cut
//! off mid-way, readers that stall and hang up, nonsense sizes). Each client
//! thread picks one kind of trip after another until the time is up; the
//! server's memory is sampled from `/proc/<pid>/status` once a second, and
//! after the load `/__stats` must show every download stream closed.
//!
//! It is a benchmark: timings and memory are printed, never judged. The
//! command fails only on wrong answers (an unexpected status, a short or
//! overlong body, a refused or reset connection) or on download streams the
//! server never closes.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::cmd::{command, run as run_command};
use crate::server::ServerProcess;
use crate::TaskResult;

const USAGE: &str = "\
usage: cargo xtask bench load [--seconds N] [--clients N]

  --seconds N   how long the load lasts (default 20)
  --clients N   concurrent client connections (default 64)";

const DEFAULT_SECONDS: u64 = 20;
const DEFAULT_CLIENTS: usize = 64;

const MB: u64 = 1_000_000;
const KIB: usize = 1024;
/// A client that hears nothing for this long reports the server as stuck.
const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the server gets to close every download stream after the load.
const SETTLE_LIMIT: Duration = Duration::from_secs(10);
/// Latency probes share one keep-alive connection, a short gap apart, so
/// they measure the server rather than flood it.
const PROBES_PER_CONNECTION: usize = 20;
const PROBE_GAP: Duration = Duration::from_millis(25);
/// Slow readers take this much every [`SLOW_READ_GAP`].
const SLOW_READ_BYTES: usize = 16 * KIB;
const SLOW_READ_GAP: Duration = Duration::from_millis(200);
/// Larger than the kernel's socket buffers, so a slow reader really holds a
/// stream open on the server until it hangs up.
const SLOW_READER_ASKS: u64 = 64 * MB;
/// The release server's default `--max-up-bytes` is 256 MiB.
const OVERSIZED_UPLOAD: u64 = 300 * MB;
/// Response heads and error bodies are small; anything bigger is a bug.
const MAX_HEAD_BYTES: usize = 64 * KIB;
const MAX_SMALL_BODY: u64 = 1 << 20;
/// Error messages kept per kind (the count covers the rest).
const ERRORS_SHOWN: usize = 3;

/// `cargo xtask bench load [--seconds N] [--clients N]`.
pub fn run(args: &[&str]) -> TaskResult {
    let options = LoadOptions::parse(args)?;
    run_command(&mut command(
        "cargo",
        &["build", "--release", "--package", "backup-doctor-server"],
    ))?;
    let server = ServerProcess::start(&["--port", "0", "--stats"])?;
    let target = Target::from_url(&server.url)?;
    let pid = server.pid();
    println!(
        "load: {} clients for {} s against {}",
        options.clients, options.seconds, server.url
    );

    let rss_start = read_rss_kib(pid);
    let sampler = RssSampler::start(pid);
    let load = drive_load(&target, &options);
    let rss_during = sampler.stop();
    let settled = wait_for_streams_to_close(&target);
    let rss_settled = read_rss_kib(pid);
    let stats = fetch_stats(&target);

    let memory = MemoryReport {
        start: rss_start,
        during: rss_during,
        settled: rss_settled,
    };
    print_report(&load, &memory, &settled, &stats);
    verdict(&load, &settled)
}

/// The command-line choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LoadOptions {
    seconds: u64,
    clients: usize,
}

impl LoadOptions {
    fn parse(args: &[&str]) -> TaskResult<Self> {
        let mut options = Self {
            seconds: DEFAULT_SECONDS,
            clients: DEFAULT_CLIENTS,
        };
        let mut rest = args.iter();
        while let Some(flag) = rest.next() {
            let value = rest.next().ok_or_else(|| format!("{flag} needs a number"));
            match *flag {
                "--seconds" => options.seconds = whole_number(flag, value?, 1..=3600)?,
                "--clients" => options.clients = whole_number(flag, value?, 1..=1024)?,
                other => return Err(format!("unknown option {other}\n{USAGE}")),
            }
        }
        Ok(options)
    }
}

fn whole_number<T>(flag: &str, value: &str, range: std::ops::RangeInclusive<T>) -> TaskResult<T>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    value
        .parse::<T>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            format!(
                "{flag} wants {}..={}, not {value:?}",
                range.start(),
                range.end()
            )
        })
}

// ---------------------------------------------------------------------------
// The kinds of client, and what each trip did.

/// One kind of client behaviour; each trip is one connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClientKind {
    FullDown,
    SlowReader,
    AbortedDown,
    Upload,
    AbortedUpload,
    ChunkedUpload,
    Probe,
    BadRequest,
}

impl ClientKind {
    const ALL: [Self; 8] = [
        Self::FullDown,
        Self::SlowReader,
        Self::AbortedDown,
        Self::Upload,
        Self::AbortedUpload,
        Self::ChunkedUpload,
        Self::Probe,
        Self::BadRequest,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::FullDown => "download 1-8 MB",
            Self::SlowReader => "slow reader, hangs up",
            Self::AbortedDown => "download cut mid-body",
            Self::Upload => "upload 0.1-4 MB",
            Self::AbortedUpload => "upload cut mid-body",
            Self::ChunkedUpload => "chunked upload",
            Self::Probe => "latency probe bytes=0",
            Self::BadRequest => "bad request (400/413)",
        }
    }

    /// Relative share of trips.
    fn weight(self) -> u64 {
        match self {
            Self::FullDown | Self::Upload => 3,
            _ => 2,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn pick(rng: &mut Rng) -> Self {
        let total: u64 = Self::ALL.iter().map(|kind| kind.weight()).sum();
        let mut ticket = rng.below(total);
        for kind in Self::ALL {
            if ticket < kind.weight() {
                return kind;
            }
            ticket -= kind.weight();
        }
        Self::Probe
    }
}

/// What one successful trip moved.
#[derive(Debug, Default)]
struct Trip {
    requests: u64,
    bytes: u64,
    latencies: Vec<Duration>,
}

impl Trip {
    fn one(bytes: u64) -> Self {
        Self {
            requests: 1,
            bytes,
            latencies: Vec::new(),
        }
    }
}

/// Per-kind totals.
#[derive(Clone, Debug, Default)]
struct Tally {
    requests: u64,
    errors: u64,
    bytes: u64,
    first_errors: Vec<String>,
}

/// Everything the clients saw.
#[derive(Debug, Default)]
struct LoadRecord {
    tallies: [Tally; ClientKind::ALL.len()],
    probe_latencies: Vec<Duration>,
    elapsed: Duration,
}

impl LoadRecord {
    fn add(&mut self, kind: ClientKind, trip: Result<Trip, String>) {
        let tally = &mut self.tallies[kind.index()];
        match trip {
            Ok(trip) => {
                tally.requests += trip.requests;
                tally.bytes += trip.bytes;
                self.probe_latencies.extend(trip.latencies);
            }
            Err(reason) => {
                tally.requests += 1;
                tally.errors += 1;
                if tally.first_errors.len() < ERRORS_SHOWN {
                    tally.first_errors.push(reason);
                }
            }
        }
    }

    fn merge(&mut self, other: LoadRecord) {
        for (mine, theirs) in self.tallies.iter_mut().zip(other.tallies) {
            mine.requests += theirs.requests;
            mine.errors += theirs.errors;
            mine.bytes += theirs.bytes;
            let room = ERRORS_SHOWN.saturating_sub(mine.first_errors.len());
            mine.first_errors
                .extend(theirs.first_errors.into_iter().take(room));
        }
        self.probe_latencies.extend(other.probe_latencies);
    }

    fn errors(&self) -> u64 {
        self.tallies.iter().map(|tally| tally.errors).sum()
    }
}

// ---------------------------------------------------------------------------
// Driving the load.

fn drive_load(target: &Target, options: &LoadOptions) -> LoadRecord {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let clients: Vec<JoinHandle<LoadRecord>> = (0..options.clients)
        .map(|index| {
            let target = target.clone();
            thread::spawn(move || client_loop(&target, index as u64, deadline))
        })
        .collect();
    let mut load = LoadRecord::default();
    for client in clients {
        match client.join() {
            Ok(record) => load.merge(record),
            Err(_) => load.add(ClientKind::Probe, Err("a client thread panicked".into())),
        }
    }
    load.elapsed = started.elapsed();
    load
}

/// One client: trip after trip until the deadline (a trip under way when
/// the time is up finishes).
fn client_loop(target: &Target, index: u64, deadline: Instant) -> LoadRecord {
    let mut rng = Rng::seeded(index);
    let payload = rng.bytes(64 * KIB);
    let mut record = LoadRecord::default();
    while Instant::now() < deadline {
        let kind = ClientKind::pick(&mut rng);
        let trip = take_trip(kind, target, &mut rng, &payload)
            .map_err(|reason| format!("{}: {reason}", kind.label()));
        record.add(kind, trip);
    }
    record
}

fn take_trip(
    kind: ClientKind,
    target: &Target,
    rng: &mut Rng,
    payload: &[u8],
) -> Result<Trip, String> {
    match kind {
        ClientKind::FullDown => full_download(target, rng),
        ClientKind::SlowReader => slow_reader(target, rng),
        ClientKind::AbortedDown => aborted_download(target, rng),
        ClientKind::Upload => upload(target, rng, payload),
        ClientKind::AbortedUpload => aborted_upload(target, rng, payload),
        ClientKind::ChunkedUpload => chunked_upload(target, rng, payload),
        ClientKind::Probe => latency_probes(target),
        ClientKind::BadRequest => bad_request(target, rng),
    }
}

/// `GET /__down?bytes=N`, 1-8 MB, read at full speed; every byte must come,
/// and nothing after them.
fn full_download(target: &Target, rng: &mut Rng) -> Result<Trip, String> {
    let size = rng.between(MB, 8 * MB);
    let mut stream = target.connect()?;
    send(
        &mut stream,
        &target.get(&format!("/__down?bytes={size}"), false),
    )?;
    let (head, early) = read_head(&mut stream)?;
    head.expect_status(200)?;
    if head.content_length != Some(size) {
        return Err(format!(
            "asked for {size} bytes, Content-Length says {:?}",
            head.content_length
        ));
    }
    let got = read_body(&mut stream, early.len() as u64, size)?;
    expect_closed(&mut stream)?;
    Ok(Trip::one(got))
}

/// Asks for far more than it will read, takes 16 KiB every 200 ms for 1-3 s,
/// then hangs up mid-body.
fn slow_reader(target: &Target, rng: &mut Rng) -> Result<Trip, String> {
    let linger = Duration::from_millis(rng.between(1000, 3000));
    let mut stream = target.connect()?;
    let path = format!("/__down?bytes={SLOW_READER_ASKS}");
    send(&mut stream, &target.get(&path, false))?;
    let (head, early) = read_head(&mut stream)?;
    head.expect_status(200)?;
    let started = Instant::now();
    let mut got = early.len() as u64;
    let mut buf = vec![0u8; SLOW_READ_BYTES];
    while started.elapsed() < linger {
        thread::sleep(SLOW_READ_GAP);
        match stream.read(&mut buf) {
            Ok(0) => {
                return Err(format!(
                    "server closed after {got} of {SLOW_READER_ASKS} bytes (short read)"
                ))
            }
            Ok(n) => got += n as u64,
            Err(e) => {
                return Err(format!(
                    "reading slowly after {got} bytes: {}",
                    io_words(&e)
                ))
            }
        }
    }
    Ok(Trip::one(got))
}

/// A 1-8 MB download closed after a random number of body bytes.
fn aborted_download(target: &Target, rng: &mut Rng) -> Result<Trip, String> {
    let size = rng.between(MB, 8 * MB);
    let cut = rng.below(size);
    let mut stream = target.connect()?;
    send(
        &mut stream,
        &target.get(&format!("/__down?bytes={size}"), false),
    )?;
    let (head, early) = read_head(&mut stream)?;
    head.expect_status(200)?;
    let got = read_body(&mut stream, early.len() as u64, cut)?;
    Ok(Trip::one(got))
}

/// `POST /__up` with a Content-Length body of 0.1-4 MB; the answer must
/// count every byte.
fn upload(target: &Target, rng: &mut Rng, payload: &[u8]) -> Result<Trip, String> {
    let size = rng.between(MB / 10, 4 * MB);
    let mut stream = target.connect()?;
    send(
        &mut stream,
        &target.post_up(&format!("Content-Length: {size}")),
    )?;
    write_body(&mut stream, payload, size)?;
    expect_upload_counted(&mut stream, size)?;
    Ok(Trip::one(size))
}

/// Announces 0.1-4 MB, sends a random part of it, hangs up.
fn aborted_upload(target: &Target, rng: &mut Rng, payload: &[u8]) -> Result<Trip, String> {
    let size = rng.between(MB / 10, 4 * MB);
    let cut = rng.below(size);
    let mut stream = target.connect()?;
    send(
        &mut stream,
        &target.post_up(&format!("Content-Length: {size}")),
    )?;
    write_body(&mut stream, payload, cut)?;
    Ok(Trip::one(cut))
}

/// `POST /__up` with `Transfer-Encoding: chunked`, chunks of random sizes.
fn chunked_upload(target: &Target, rng: &mut Rng, payload: &[u8]) -> Result<Trip, String> {
    let size = rng.between(MB / 10, 4 * MB);
    let mut stream = target.connect()?;
    send(&mut stream, &target.post_up("Transfer-Encoding: chunked"))?;
    let mut sent = 0;
    while sent < size {
        let len = rng.between(1, payload.len() as u64).min(size - sent) as usize;
        let mut chunk = format!("{len:x}\r\n").into_bytes();
        chunk.extend_from_slice(&payload[..len]);
        chunk.extend_from_slice(b"\r\n");
        send_bytes(&mut stream, &chunk)?;
        sent += len as u64;
    }
    send_bytes(&mut stream, b"0\r\n\r\n")?;
    expect_upload_counted(&mut stream, size)?;
    Ok(Trip::one(size))
}

/// `bytes=0` probes on one keep-alive connection; each latency is from
/// sending the request to having the whole (empty-bodied) response.
fn latency_probes(target: &Target) -> Result<Trip, String> {
    let mut stream = target.connect()?;
    let mut trip = Trip::default();
    for probe in 0..PROBES_PER_CONNECTION {
        if probe > 0 {
            thread::sleep(PROBE_GAP);
        }
        let last = probe + 1 == PROBES_PER_CONNECTION;
        let started = Instant::now();
        send(&mut stream, &target.get("/__down?bytes=0", !last))?;
        let (head, early) = read_head(&mut stream)
            .map_err(|reason| format!("probe {} on one connection: {reason}", probe + 1))?;
        head.expect_status(200)?;
        if head.content_length != Some(0) || !early.is_empty() {
            return Err(format!(
                "a bytes=0 probe got a body (Content-Length {:?}, {} bytes)",
                head.content_length,
                early.len()
            ));
        }
        if head.close && !last {
            return Err(format!(
                "server closed the keep-alive connection after probe {}",
                probe + 1
            ));
        }
        trip.latencies.push(started.elapsed());
        trip.requests += 1;
    }
    Ok(trip)
}

/// One request the server must refuse, with a readable reason.
fn bad_request(target: &Target, rng: &mut Rng) -> Result<Trip, String> {
    let (request, expected) = match rng.below(5) {
        0 => (target.get("/__down?bytes=-5", false), 400),
        1 => (target.get("/__down?bytes=abc", false), 400),
        2 => (target.get("/__down?bytes=99999999999", false), 400),
        3 => {
            let huge = "9".repeat(20_000);
            (target.get(&format!("/__down?bytes={huge}"), false), 400)
        }
        _ => (
            target.post_up(&format!("Content-Length: {OVERSIZED_UPLOAD}")),
            413,
        ),
    };
    let mut stream = target.connect()?;
    send(&mut stream, &request)?;
    let (head, early) = read_head(&mut stream)?;
    head.expect_status(expected)?;
    let reason = read_small_body(&mut stream, &head, early)?;
    if reason.is_empty() {
        return Err(format!("a {expected} came without a reason"));
    }
    Ok(Trip::one(reason.len() as u64))
}

// ---------------------------------------------------------------------------
// Hand-written HTTP/1.1.

/// Where the server listens, and how requests to it are written.
#[derive(Clone, Debug)]
struct Target {
    /// `host:port`, also the `Host` header.
    authority: String,
}

impl Target {
    fn from_url(url: &str) -> TaskResult<Self> {
        let authority = url
            .strip_prefix("http://")
            .map(|rest| rest.trim_end_matches('/'))
            .filter(|rest| !rest.is_empty() && !rest.contains('/'))
            .ok_or_else(|| format!("cannot read host and port from {url:?}"))?;
        Ok(Self {
            authority: authority.to_owned(),
        })
    }

    fn connect(&self) -> Result<TcpStream, String> {
        let stream = TcpStream::connect(&self.authority)
            .map_err(|e| format!("connecting to {}: {}", self.authority, io_words(&e)))?;
        let configured = stream
            .set_read_timeout(Some(IO_TIMEOUT))
            .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)))
            .and_then(|()| stream.set_nodelay(true));
        configured.map_err(|e| format!("configuring the socket: {}", io_words(&e)))?;
        Ok(stream)
    }

    fn get(&self, path: &str, keep_alive: bool) -> String {
        let connection = if keep_alive { "keep-alive" } else { "close" };
        format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: {connection}\r\n\r\n",
            self.authority
        )
    }

    /// The head of `POST /__up`; `framing` says how the body is delimited.
    fn post_up(&self, framing: &str) -> String {
        format!(
            "POST /__up HTTP/1.1\r\nHost: {}\r\nContent-Type: application/octet-stream\r\n{framing}\r\nConnection: close\r\n\r\n",
            self.authority
        )
    }
}

/// What the load test needs from a response head.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ResponseHead {
    status: u16,
    content_length: Option<u64>,
    chunked: bool,
    /// The server will close the connection after this response.
    close: bool,
}

impl ResponseHead {
    fn expect_status(&self, expected: u16) -> Result<(), String> {
        if self.status == expected {
            Ok(())
        } else {
            Err(format!("expected status {expected}, got {}", self.status))
        }
    }
}

/// Where the head ends (just past the blank line), once it has all arrived.
fn head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| at + 4)
}

/// Parses a response head: the status line and the headers up to and
/// including the blank line.
fn parse_response_head(head: &[u8]) -> Result<ResponseHead, String> {
    let text = std::str::from_utf8(head).map_err(|_| "response head is not text".to_owned())?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(format!("not an HTTP/1.x status line: {status_line:?}"));
    }
    let status = parts
        .next()
        .filter(|code| code.len() == 3)
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| format!("no status code in {status_line:?}"))?;
    let mut parsed = ResponseHead {
        status,
        content_length: None,
        chunked: false,
        close: version == "HTTP/1.0",
    };
    for line in lines.take_while(|line| !line.is_empty()) {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("header line without a colon: {line:?}"))?;
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                let length = value
                    .parse::<u64>()
                    .map_err(|_| format!("unreadable Content-Length {value:?}"))?;
                if parsed.content_length.is_some_and(|seen| seen != length) {
                    return Err("two different Content-Length headers".into());
                }
                parsed.content_length = Some(length);
            }
            "transfer-encoding" => {
                parsed.chunked = has_token(value, "chunked");
            }
            "connection" => {
                if has_token(value, "close") {
                    parsed.close = true;
                } else if has_token(value, "keep-alive") {
                    parsed.close = false;
                }
            }
            _ => {}
        }
    }
    if parsed.chunked && parsed.content_length.is_some() {
        return Err("both Content-Length and chunked Transfer-Encoding".into());
    }
    Ok(parsed)
}

fn has_token(value: &str, token: &str) -> bool {
    value
        .split(',')
        .any(|part| part.trim().eq_ignore_ascii_case(token))
}

fn send(stream: &mut TcpStream, head: &str) -> Result<(), String> {
    send_bytes(stream, head.as_bytes())
}

fn send_bytes(stream: &mut TcpStream, bytes: &[u8]) -> Result<(), String> {
    stream
        .write_all(bytes)
        .map_err(|e| format!("sending: {}", io_words(&e)))
}

/// Sends `size` body bytes, repeating `payload`.
fn write_body(stream: &mut TcpStream, payload: &[u8], size: u64) -> Result<(), String> {
    let mut sent = 0;
    while sent < size {
        let len = (size - sent).min(payload.len() as u64) as usize;
        stream.write_all(&payload[..len]).map_err(|e| {
            format!(
                "sending the body after {sent} of {size} bytes: {}",
                io_words(&e)
            )
        })?;
        sent += len as u64;
    }
    Ok(())
}

/// Reads until the head is complete; also returns body bytes that came
/// with it.
fn read_head(stream: &mut TcpStream) -> Result<(ResponseHead, Vec<u8>), String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = head_end(&buf) {
            let head = parse_response_head(&buf[..end])?;
            return Ok((head, buf[end..].to_vec()));
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Err(format!("response head longer than {MAX_HEAD_BYTES} bytes"));
        }
        let n = stream
            .read(&mut chunk)
            .map_err(|e| format!("reading the response head: {}", io_words(&e)))?;
        if n == 0 {
            return Err(if buf.is_empty() {
                "connection closed before any response".into()
            } else {
                "connection closed inside the response head".into()
            });
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Reads body bytes until `want` have arrived (`already` came with the
/// head), never more than `want`; a close before that is a short read.
fn read_body(stream: &mut TcpStream, already: u64, want: u64) -> Result<u64, String> {
    let mut got = already;
    let mut buf = vec![0u8; 64 * KIB];
    while got < want {
        let room = (want - got).min(buf.len() as u64) as usize;
        match stream.read(&mut buf[..room]) {
            Ok(0) => {
                return Err(format!(
                    "short read: connection closed after {got} of {want} body bytes"
                ))
            }
            Ok(n) => got += n as u64,
            Err(e) => {
                return Err(format!(
                    "reading the body after {got} of {want} bytes: {}",
                    io_words(&e)
                ))
            }
        }
    }
    Ok(got)
}

/// After a complete body on a `Connection: close` request: the server must
/// close, with nothing more.
fn expect_closed(stream: &mut TcpStream) -> Result<(), String> {
    let mut extra = [0u8; 1];
    match stream.read(&mut extra) {
        Ok(0) => Ok(()),
        Ok(_) => Err("server sent bytes past Content-Length".into()),
        Err(e) => Err(format!("after the full body: {}", io_words(&e))),
    }
}

/// A short body with a Content-Length (JSON answers, refusal reasons).
fn read_small_body(
    stream: &mut TcpStream,
    head: &ResponseHead,
    early: Vec<u8>,
) -> Result<Vec<u8>, String> {
    let length = head
        .content_length
        .filter(|&length| length <= MAX_SMALL_BODY)
        .ok_or_else(|| format!("a {} without a small Content-Length", head.status))?;
    let mut body = early;
    if body.len() as u64 > length {
        return Err("server sent bytes past Content-Length".into());
    }
    let start = body.len();
    body.resize(length as usize, 0);
    stream
        .read_exact(&mut body[start..])
        .map_err(|e| format!("reading a {length}-byte body: {}", io_words(&e)))?;
    Ok(body)
}

/// The `/__up` answer must be 200 and count exactly `size` bytes.
fn expect_upload_counted(stream: &mut TcpStream, size: u64) -> Result<(), String> {
    let (head, early) = read_head(stream)?;
    head.expect_status(200)?;
    let body = read_small_body(stream, &head, early)?;
    let answer: Value =
        serde_json::from_slice(&body).map_err(|e| format!("the /__up answer is not JSON: {e}"))?;
    match answer["bytes"].as_u64() {
        Some(counted) if counted == size => Ok(()),
        other => Err(format!("sent {size} bytes, the server counted {other:?}")),
    }
}

/// An I/O error in words, naming the ones a load test cares about.
fn io_words(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            format!("no progress for {} s", IO_TIMEOUT.as_secs())
        }
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::ConnectionReset => "connection reset by the server".into(),
        io::ErrorKind::BrokenPipe => "the server closed the connection".into(),
        _ => error.to_string(),
    }
}

// ---------------------------------------------------------------------------
// The server's side: memory and open streams.

/// Samples the server's resident memory once a second on its own thread.
struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<u64>>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = thread::spawn(move || {
            let mut samples = Vec::new();
            while !stopping.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_secs(1));
                samples.extend(read_rss_kib(pid));
            }
            samples
        });
        Self { stop, thread }
    }

    /// Stops sampling and returns one sample (KiB) per second.
    fn stop(self) -> Vec<u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

fn read_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_vm_rss(&status)
}

/// The `VmRSS:` line of `/proc/<pid>/status`, in KiB.
fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resident memory at each phase, in KiB.
struct MemoryReport {
    start: Option<u64>,
    during: Vec<u64>,
    settled: Option<u64>,
}

/// `GET /__stats` (the server runs with `--stats`).
fn fetch_stats(target: &Target) -> Result<Value, String> {
    let mut stream = target.connect()?;
    send(&mut stream, &target.get("/__stats", false))?;
    let (head, early) = read_head(&mut stream)?;
    head.expect_status(200)?;
    let body = read_small_body(&mut stream, &head, early)?;
    serde_json::from_slice(&body).map_err(|e| format!("/__stats is not JSON: {e}"))
}

/// Polls `/__stats` until no download stream is open; says how long that
/// took, or how many were still open at the limit.
fn wait_for_streams_to_close(target: &Target) -> Result<Duration, String> {
    let started = Instant::now();
    loop {
        let open = fetch_stats(target)?["openDownStreams"]
            .as_u64()
            .ok_or("/__stats has no openDownStreams")?;
        if open == 0 {
            return Ok(started.elapsed());
        }
        if started.elapsed() > SETTLE_LIMIT {
            return Err(format!(
                "{open} download streams still open {} s after the load",
                SETTLE_LIMIT.as_secs()
            ));
        }
        thread::sleep(Duration::from_millis(100));
    }
}

// ---------------------------------------------------------------------------
// The report.

fn print_report(
    load: &LoadRecord,
    memory: &MemoryReport,
    settled: &Result<Duration, String>,
    stats: &Result<Value, String>,
) {
    println!();
    println!(
        "{:<24} {:>9} {:>7} {:>10}",
        "client kind", "requests", "errors", "MB moved"
    );
    for kind in ClientKind::ALL {
        let tally = &load.tallies[kind.index()];
        println!(
            "{:<24} {:>9} {:>7} {:>10.1}",
            kind.label(),
            tally.requests,
            tally.errors,
            tally.bytes as f64 / MB as f64
        );
    }
    let requests: u64 = load.tallies.iter().map(|tally| tally.requests).sum();
    let bytes: u64 = load.tallies.iter().map(|tally| tally.bytes).sum();
    println!(
        "{:<24} {:>9} {:>7} {:>10.1}   in {:.1} s",
        "total",
        requests,
        load.errors(),
        bytes as f64 / MB as f64,
        load.elapsed.as_secs_f64()
    );
    println!();
    print_latency(&load.probe_latencies);
    print_memory(memory, settled);
    match stats {
        Ok(stats) => print_server_counts(stats, load),
        Err(reason) => println!("could not read /__stats after the load: {reason}"),
    }
    for tally in load.tallies.iter().filter(|tally| tally.errors > 0) {
        for reason in &tally.first_errors {
            println!("error: {reason}");
        }
    }
}

/// What the server says it moved, next to what the clients read: the
/// difference is what sat in the socket buffers of clients that hung up.
fn print_server_counts(stats: &Value, load: &LoadRecord) {
    let count = |name: &str| stats[name].as_u64().unwrap_or(0);
    let read: u64 = [
        ClientKind::FullDown,
        ClientKind::SlowReader,
        ClientKind::AbortedDown,
    ]
    .iter()
    .map(|kind| load.tallies[kind.index()].bytes)
    .sum();
    println!(
        "server counted: {} downloads sending {:.1} MB (clients read {:.1} MB), {} uploads bringing {:.1} MB",
        count("downRequests"),
        count("downBytes") as f64 / MB as f64,
        read as f64 / MB as f64,
        count("upRequests"),
        count("upBytes") as f64 / MB as f64
    );
}

fn print_latency(latencies: &[Duration]) {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    let ms = |share| percentile(&sorted, share).map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
    println!(
        "bytes=0 probe latency under load ({} probes): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        sorted.len(),
        ms(0.50),
        ms(0.99),
        ms(1.0)
    );
}

fn print_memory(memory: &MemoryReport, settled: &Result<Duration, String>) {
    let mib =
        |kib: Option<u64>| kib.map_or("?".to_owned(), |kib| format!("{:.1}", kib as f64 / 1024.0));
    let peak = memory.during.iter().copied().max();
    let end = memory.during.last().copied();
    let closed = match settled {
        Ok(took) => format!("streams closed {:.1} s after the load", took.as_secs_f64()),
        Err(reason) => reason.clone(),
    };
    println!(
        "server RSS (MiB): start {}, peak {}, end of load {}, after ({closed}) {}",
        mib(memory.start),
        mib(peak),
        mib(end),
        mib(memory.settled)
    );
    let per_second: Vec<String> = memory.during.iter().map(|&kib| mib(Some(kib))).collect();
    println!("server RSS each second (MiB): {}", per_second.join(" "));
}

/// Nearest-rank percentile of sorted samples; `share` in 0..=1.
fn percentile(sorted: &[Duration], share: f64) -> Option<Duration> {
    let rank = (share * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

fn verdict(load: &LoadRecord, settled: &Result<Duration, String>) -> TaskResult {
    let errors = load.errors();
    match settled {
        Err(reason) => Err(format!("the server leaks download streams: {reason}")),
        Ok(_) if errors > 0 => Err(format!(
            "{errors} client errors under load (unexpected statuses, short reads or dropped connections; see above)"
        )),
        Ok(_) => Ok(()),
    }
}

// ---------------------------------------------------------------------------

/// xorshift64*: sizes, cut points and kinds; not for secrets.
struct Rng(u64);

impl Rng {
    fn seeded(salt: u64) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos() as u64);
        Self((nanos ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1)
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-enough in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// In `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Result<ResponseHead, String> {
        parse_response_head(text.as_bytes())
    }

    #[test]
    fn a_download_head_gives_status_length_and_close() {
        let parsed = head(
            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\nContent-Length: 1234\r\nconnection: close\r\n\r\n",
        );
        assert_eq!(
            parsed,
            Ok(ResponseHead {
                status: 200,
                content_length: Some(1234),
                chunked: false,
                close: true,
            })
        );
    }

    #[test]
    fn keep_alive_is_the_http_1_1_default_and_1_0_closes() {
        let kept = head("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").expect("valid head");
        assert!(!kept.close);
        let old = head("HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n").expect("valid head");
        assert!(old.close);
    }

    #[test]
    fn chunked_encoding_is_seen_among_other_codings() {
        let parsed = head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n")
            .expect("valid head");
        assert!(parsed.chunked);
        assert_eq!(parsed.content_length, None);
    }

    #[test]
    fn a_status_without_a_reason_phrase_is_read() {
        assert_eq!(head("HTTP/1.1 413\r\n\r\n").map(|h| h.status), Ok(413));
    }

    #[test]
    fn broken_heads_are_refused_with_a_reason() {
        for broken in [
            "HTTP/2 200 OK\r\n\r\n",
            "HTTP/1.1 2000 OK\r\n\r\n",
            "HTTP/1.1 abc OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\n",
            "HTTP/1.1 200 OK\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n",
        ] {
            assert!(head(broken).is_err(), "accepted {broken:?}");
        }
    }

    #[test]
    fn the_head_ends_after_the_blank_line_and_not_before() {
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n"), None);
        let whole = b"HTTP/1.1 200 OK\r\n\r\nabc";
        assert_eq!(head_end(whole), Some(whole.len() - 3));
    }

    #[test]
    fn vm_rss_is_read_in_kib() {
        let status = "Name:\tbackup-doctor\nVmPeak:\t  9000 kB\nVmRSS:\t    5120 kB\nThreads:\t3\n";
        assert_eq!(parse_vm_rss(status), Some(5120));
        assert_eq!(parse_vm_rss("Name:\tgone\n"), None);
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 0.50), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&sorted, 0.99), Some(Duration::from_millis(99)));
        assert_eq!(percentile(&sorted, 0.0), Some(Duration::from_millis(1)));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn options_default_and_refuse_nonsense() {
        assert_eq!(
            LoadOptions::parse(&[]),
            Ok(LoadOptions {
                seconds: 20,
                clients: 64
            })
        );
        assert_eq!(
            LoadOptions::parse(&["--seconds", "5", "--clients", "8"]),
            Ok(LoadOptions {
                seconds: 5,
                clients: 8
            })
        );
        assert!(LoadOptions::parse(&["--seconds", "0"]).is_err());
        assert!(LoadOptions::parse(&["--seconds"]).is_err());
        assert!(LoadOptions::parse(&["--fast"]).is_err());
    }

    #[test]
    fn the_command_fails_only_on_client_errors_or_open_streams() {
        let mut load = LoadRecord::default();
        load.add(ClientKind::FullDown, Ok(Trip::one(5)));
        let closed = Ok(Duration::from_millis(100));
        assert_eq!(verdict(&load, &closed), Ok(()));
        let leaking = Err("3 download streams still open".to_owned());
        assert!(verdict(&load, &leaking).is_err());
        load.add(ClientKind::FullDown, Err("short read".into()));
        let failure = verdict(&load, &closed).expect_err("an error fails the command");
        assert!(failure.contains("1 client errors"), "{failure}");
    }

    #[test]
    fn every_kind_can_be_picked() {
        let mut rng = Rng::seeded(7);
        let mut seen = [false; ClientKind::ALL.len()];
        for _ in 0..10_000 {
            seen[ClientKind::pick(&mut rng).index()] = true;
        }
        assert!(seen.iter().all(|&picked| picked), "{seen:?}");
    }
}
