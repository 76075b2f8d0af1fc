//! A simulated link for the estimator tests: TCP-ish senders (slow start, a
//! per-stream cap), a token-bucket shaper with a burst, stalls and speed
//! changes, and a browser-like reader that wakes at jittery times and hands
//! over chunks of random size. Runs in simulated time with a fixed seed, so
//! every run is the same and no test depends on the machine's speed.
#![allow(dead_code)]

pub mod trace;

use backup_doctor_core::speed::{
    Decision, Estimate, EstimatorConfig, Sample, StopReason, StreamId, ThroughputEstimator,
};

/// A tiny deterministic random source (xorshift64*), so tests need no crate.
#[derive(Debug, Clone)]
pub struct Xorshift(u64);

impl Xorshift {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

/// How the browser hands chunks over.
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    /// Shortest and longest time between two wake-ups, ms.
    pub wake_ms: (f64, f64),
    /// Smallest and largest chunk, bytes.
    pub chunk_bytes: (f64, f64),
    /// Chance per wake-up of an event-loop hiccup, and its length in ms.
    pub hiccup: (f64, f64),
    /// Arrived bytes become visible in clumps this far apart, ms (Wi-Fi
    /// aggregation, GRO, delayed ACKs); (0, 0) for none.
    pub clump_ms: (f64, f64),
}

impl Reader {
    /// A desktop browser on a fast LAN: reads every 0.2-2 ms, rare short
    /// hiccups.
    pub fn desktop() -> Self {
        Self {
            wake_ms: (0.2, 2.0),
            chunk_bytes: (16_384.0, 262_144.0),
            hiccup: (0.005, 5.0),
            clump_ms: (0.1, 1.0),
        }
    }

    /// A struggling phone: reads every 1-30 ms, frequent 50 ms hiccups, Wi-Fi
    /// clumps up to 20 ms.
    pub fn sluggish() -> Self {
        Self {
            wake_ms: (1.0, 30.0),
            chunk_bytes: (1_024.0, 131_072.0),
            hiccup: (0.1, 50.0),
            clump_ms: (1.0, 20.0),
        }
    }

    /// A phone browser: wakes every 1-12 ms, 1-64 KB chunks, now and then a
    /// 30 ms hiccup (a frame, a garbage collection).
    pub fn browser() -> Self {
        Self {
            wake_ms: (1.0, 12.0),
            chunk_bytes: (1_024.0, 65_536.0),
            hiccup: (0.02, 30.0),
            clump_ms: (0.5, 8.0),
        }
    }
}

/// A link and its circumstances.
#[derive(Debug, Clone)]
pub struct Link {
    /// Shaped payload rate, Mbit/s (the truth the estimate should find).
    pub mbps: f64,
    /// Token-bucket size, bytes: this much may pass at line rate first.
    pub burst_bytes: f64,
    /// Rate of the wire behind the shaper, Mbit/s.
    pub line_mbps: f64,
    /// Round trip, ms (slow start doubles once per round trip).
    pub rtt_ms: f64,
    /// Cap of a single stream (a receive window, a per-connection limit).
    pub per_stream_mbps: Option<f64>,
    /// Nothing gets through from `.0` for `.1` ms.
    pub stall: Option<(f64, f64)>,
    /// The shaped rate becomes `.1` Mbit/s at `.0` ms.
    pub change: Option<(f64, f64)>,
    /// The shaped rate swings by this fraction over this period, ms (a busy
    /// shared medium); the truth is then the mean rate.
    pub wobble: Option<(f64, f64)>,
    /// Idle latency, and latency while downloading, that probes report.
    pub latency: Option<(f64, f64)>,
    /// How far the server writes ahead of what has arrived (its socket
    /// buffers): all of it counts as sent when a stream is aborted.
    pub write_ahead_bytes: f64,
    /// The largest `__down` request the server grants (another server than
    /// ours may cap it); the estimator's requests are cut to it.
    pub max_request_bytes: Option<f64>,
    pub reader: Reader,
    pub seed: u64,
}

impl Link {
    /// A shaped link at `mbps` with a 40 ms round trip, a 64 kB burst and a
    /// browser-like reader.
    pub fn shaped(mbps: f64) -> Self {
        Self {
            mbps,
            burst_bytes: 64_000.0,
            line_mbps: 1_000.0_f64.max(mbps * 2.0),
            rtt_ms: 40.0,
            per_stream_mbps: None,
            stall: None,
            change: None,
            wobble: None,
            latency: None,
            // Our server: a 32 KiB connection buffer, 64 KiB unsent in the
            // socket, and what is in flight on a shaped link.
            write_ahead_bytes: 250_000.0,
            max_request_bytes: None,
            reader: Reader::browser(),
            seed: 7,
        }
    }
}

/// What a run of the estimator against a link came to.
#[derive(Debug, Clone)]
pub struct Run {
    pub stop: StopReason,
    /// Simulated ms from the start to the stop decision.
    pub stop_ms: f64,
    pub estimate: Option<Estimate>,
    pub bytes_total: u64,
    /// What the server wrote for all requests by the stop: what arrived plus
    /// its write-ahead, but never more than a request asked for.
    pub server_bytes: f64,
    /// Most streams the estimator wanted delivering side by side.
    pub most_parallel: usize,
    /// Times the estimator asked for a stream (the first one included).
    pub streams_asked: usize,
    /// Most streams open at once.
    pub most_streams: usize,
    /// When the estimator asked for each stream, ms.
    pub asked_at: Vec<f64>,
    /// Every estimate seen after a chunk, with its time.
    pub timeline: Vec<(f64, Estimate)>,
}

impl Run {
    /// Relative error of the final estimate against `truth_mbps`.
    pub fn error(&self, truth_mbps: f64) -> f64 {
        let mbps = self.estimate.map_or(f64::NAN, |e| e.mbps);
        (mbps - truth_mbps).abs() / truth_mbps
    }
}

struct SimStream {
    id: StreamId,
    opened_ms: f64,
    requested: f64,
    sent: f64,
    queued: f64,
    in_flight: f64,
    buffered: f64,
    delivered: f64,
    /// Bytes per ms the sender is allowed to push (cwnd / rtt).
    send_rate: f64,
    slow_start: bool,
    next_growth_ms: f64,
    done: bool,
}

const TICK_MS: f64 = 0.1;
const GIVE_UP_MS: f64 = 60_000.0;

/// Runs the estimator against `link` with `config` until it says stop.
pub fn run(link: &Link, config: EstimatorConfig) -> Run {
    let mut rng = Xorshift::new(link.seed);
    let mut estimator = ThroughputEstimator::new(config, 0.0);
    if let Some((idle, _)) = link.latency {
        estimator.set_idle_latency(idle);
    }
    let mut streams: Vec<SimStream> = Vec::new();
    let mut tokens = link.burst_bytes;
    let mut now = 0.0_f64;
    let mut next_wake = 0.0_f64;
    let mut next_probe = 250.0_f64;
    let mut next_release = 0.0_f64;
    let mut streams_asked = 0;
    let mut most_streams = 0;
    let mut asked_at = Vec::new();
    let mut timeline = Vec::new();
    let mut most_parallel = 0;
    let per_ms = |mbps: f64| mbps * 1e6 / 8.0 / 1_000.0;
    let initial_window = 10.0 * 1_448.0;

    loop {
        assert!(now < GIVE_UP_MS, "the estimator never stopped");
        // The glue reads whatever arrived and asks what to do.
        if now >= next_wake {
            let t = (now * 10.0).round() / 10.0;
            for stream in streams.iter_mut().filter(|s| !s.done) {
                while stream.buffered >= 1.0 {
                    let wanted = rng.range(link.reader.chunk_bytes.0, link.reader.chunk_bytes.1);
                    let chunk = if stream.buffered - wanted < 1.0 {
                        stream.buffered.ceil()
                    } else {
                        wanted.floor()
                    };
                    stream.buffered -= chunk;
                    estimator.record(
                        stream.id,
                        Sample {
                            t_ms: t,
                            bytes: chunk as u64,
                        },
                    );
                    if let Some(estimate) = estimator.estimate(t) {
                        timeline.push((t, estimate));
                    }
                }
                if stream.delivered >= stream.requested - 0.5
                    && stream.buffered < 1.0
                    && stream.in_flight < 1.0
                {
                    stream.done = true;
                    estimator.close_stream(stream.id, t);
                }
            }
            loop {
                let decision = estimator.decide(t);
                most_parallel = most_parallel.max(estimator.parallel_streams());
                match decision {
                    Decision::Continue => break,
                    Decision::Stop(stop) => {
                        let server_bytes = streams
                            .iter()
                            .map(|s| s.requested.min(s.delivered + link.write_ahead_bytes))
                            .sum();
                        return Run {
                            stop,
                            stop_ms: t,
                            estimate: estimator.estimate(t),
                            bytes_total: estimator.bytes_total(),
                            server_bytes,
                            most_parallel,
                            streams_asked,
                            most_streams,
                            asked_at,
                            timeline,
                        };
                    }
                    Decision::OpenStream => {
                        streams_asked += 1;
                        asked_at.push(t);
                        let requested = (estimator.suggested_request_bytes() as f64)
                            .min(link.max_request_bytes.unwrap_or(f64::INFINITY));
                        let id = estimator.open_request(t, requested as u64);
                        streams.push(SimStream {
                            id,
                            opened_ms: t,
                            requested,
                            sent: 0.0,
                            queued: 0.0,
                            in_flight: 0.0,
                            buffered: 0.0,
                            delivered: 0.0,
                            send_rate: initial_window / link.rtt_ms,
                            slow_start: true,
                            next_growth_ms: t + 2.0 * link.rtt_ms,
                            done: false,
                        });
                        let open = streams.iter().filter(|s| !s.done).count();
                        most_streams = most_streams.max(open);
                    }
                }
            }
            let mut gap = rng.range(link.reader.wake_ms.0, link.reader.wake_ms.1);
            if rng.unit() < link.reader.hiccup.0 {
                gap += link.reader.hiccup.1;
            }
            next_wake = now + gap;
        }
        if let Some((idle, loaded)) = link.latency {
            if now >= next_probe {
                let probe = if streams.iter().any(|s| !s.done) {
                    loaded
                } else {
                    idle
                };
                estimator.record_loaded_latency(probe + rng.range(-2.0, 2.0));
                next_probe += 250.0;
            }
        }

        // Senders: after the request's round trip, push up to the window.
        let shaped_mbps = match link.change {
            Some((at, mbps)) if now >= at => mbps,
            _ => link.mbps,
        };
        let swing = link.wobble.map_or(0.0, |(fraction, period)| {
            fraction * (2.0 * std::f64::consts::PI * now / period).sin()
        });
        let rate = per_ms(shaped_mbps) * (1.0 + swing);
        for stream in streams.iter_mut().filter(|s| !s.done) {
            if now < stream.opened_ms + link.rtt_ms {
                continue;
            }
            let cap = link.per_stream_mbps.map_or(f64::INFINITY, per_ms);
            let push = (stream.send_rate.min(cap) * TICK_MS).min(stream.requested - stream.sent);
            if push > 0.0 {
                stream.sent += push;
                stream.queued += push;
            }
            if now >= stream.next_growth_ms {
                stream.next_growth_ms = now + link.rtt_ms;
                let per_tick = stream.send_rate * TICK_MS;
                if stream.queued > (64_000.0_f64).max(stream.send_rate * link.rtt_ms * 0.5) {
                    stream.slow_start = false;
                } else if stream.queued < (8_000.0_f64).max(2.0 * per_tick) {
                    stream.send_rate *= if stream.slow_start { 2.0 } else { 1.1 };
                }
            }
        }

        // Shaper: tokens at the shaped rate, up to the burst; wire at line rate.
        let stalled = link
            .stall
            .is_some_and(|(from, length)| now >= from && now < from + length);
        tokens = (tokens + rate * TICK_MS).min(link.burst_bytes.max(3_000.0));
        let mut deliverable = if stalled {
            0.0
        } else {
            tokens.min(per_ms(link.line_mbps) * TICK_MS)
        };
        // Fair queueing: equal shares, what one cannot use goes to the others.
        loop {
            let waiting: Vec<usize> = (0..streams.len())
                .filter(|&i| !streams[i].done && streams[i].queued > 1e-9)
                .collect();
            if waiting.is_empty() || deliverable <= 1e-9 {
                break;
            }
            let share = deliverable / waiting.len() as f64;
            for i in waiting {
                let stream = &mut streams[i];
                let take = stream.queued.min(share);
                stream.queued -= take;
                stream.in_flight += take;
                stream.delivered += take;
                tokens -= take;
                deliverable -= take;
            }
        }
        if now >= next_release {
            for stream in streams.iter_mut() {
                stream.buffered += stream.in_flight;
                stream.in_flight = 0.0;
            }
            next_release = now + rng.range(link.reader.clump_ms.0, link.reader.clump_ms.1);
        }
        now += TICK_MS;
    }
}
