//! Recorded browser traces: one download stream on a kernel-shaped link, as
//! Chromium handed it over (`e2e/bench/trace-download.mjs` records them), and
//! their replay through the estimator in the trace's own time.
//!
//! A trace file is that script's JSON line; its name says the link,
//! `L<rate Mbit/s>_<round trip ms>_<n>.json`. The truth is the shaped rate's
//! payload, rate x 1448/1514 (TCP/IP headers in each 1514-byte frame), which
//! is what a 20 s curl download measures on the same link.

use std::path::Path;

use backup_doctor_core::speed::{
    Decision, Estimate, EstimatorConfig, Sample, StopReason, ThroughputEstimator,
};

/// Payload share of a full Ethernet frame.
pub const PAYLOAD_SHARE: f64 = 1448.0 / 1514.0;

/// How often the glue asks the estimator what to do, ms.
const TICK_MS: f64 = 50.0;

#[derive(Debug, Clone)]
pub struct Trace {
    pub name: String,
    pub rate_mbps: f64,
    pub rtt_ms: f64,
    /// `(ms since the request, bytes)` per chunk.
    pub chunks: Vec<(f64, u64)>,
}

impl Trace {
    pub fn load(path: &Path) -> Result<Self, String> {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or("no file name")?
            .to_owned();
        let mut parts = name.trim_start_matches('L').split('_');
        let mut number = || parts.next().and_then(|p| p.parse::<f64>().ok());
        let (rate_mbps, rtt_ms) = match (number(), number()) {
            (Some(rate), Some(rtt)) => (rate, rtt),
            _ => return Err(format!("{name}: not named L<rate>_<rtt>_<n>")),
        };
        let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
        let chunks = json["chunks"]
            .as_array()
            .ok_or_else(|| format!("{name}: no chunks"))?
            .iter()
            .filter_map(|c| Some((c[0].as_f64()?, c[1].as_u64()?)))
            .collect();
        Ok(Self {
            name,
            rate_mbps,
            rtt_ms,
            chunks,
        })
    }

    /// Every trace in `dir`, by name.
    pub fn load_dir(dir: &Path) -> Vec<Self> {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .filter_map(|entry| Some(entry.ok()?.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|path| Self::load(path).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }

    /// The payload rate the estimate should find, Mbit/s.
    pub fn truth_mbps(&self) -> f64 {
        self.rate_mbps * PAYLOAD_SHARE
    }
}

/// How a replay ended.
#[derive(Debug, Clone)]
pub struct Replay {
    pub stop: StopReason,
    /// Ms since the request.
    pub stop_ms: f64,
    pub estimate: Option<Estimate>,
    pub bytes_total: u64,
}

impl Replay {
    /// Relative error of the estimate against the trace's truth.
    pub fn error(&self, trace: &Trace) -> f64 {
        self.estimate
            .map_or(1.0, |e| (e.mbps / trace.truth_mbps() - 1.0).abs())
    }
}

/// Replays `trace` through an estimator with `config`, asking it what to do
/// every [`TICK_MS`] as the glue does, until it says stop. The recorded
/// request never ends, so no follow-up is made; the first loaded-latency
/// probe reports the queue a shaped link builds, so no stream is added.
/// `on_tick` sees the estimate at every tick.
pub fn replay(
    trace: &Trace,
    config: EstimatorConfig,
    mut on_tick: impl FnMut(f64, Option<Estimate>),
) -> Result<Replay, String> {
    let mut estimator = ThroughputEstimator::new(config, 0.0);
    estimator.set_idle_latency(trace.rtt_ms);
    if estimator.decide(0.0) != Decision::OpenStream {
        return Err("the estimator did not open a stream".into());
    }
    let stream = estimator.open_stream(0.0);
    let probe_at = 300.0 + trace.rtt_ms;
    let mut probed = false;
    let mut next_tick = TICK_MS;
    let mut chunks = trace.chunks.iter().copied().peekable();
    loop {
        let chunk_at = chunks.peek().map_or(f64::INFINITY, |c| c.0);
        if chunk_at <= next_tick {
            let (t_ms, bytes) = chunks.next().expect("peeked");
            estimator.record(stream, Sample { t_ms, bytes });
            continue;
        }
        let t = next_tick;
        next_tick += TICK_MS;
        if chunk_at.is_infinite() {
            return Err(format!(
                "{}: the trace ended at {t} ms, before a stop",
                trace.name
            ));
        }
        if !probed && t >= probe_at {
            estimator.record_loaded_latency(trace.rtt_ms + 150.0);
            probed = true;
        }
        let decision = estimator.decide(t);
        on_tick(t, estimator.estimate(t));
        if let Decision::Stop(stop) = decision {
            return Ok(Replay {
                stop,
                stop_ms: t,
                estimate: estimator.estimate(t),
                bytes_total: estimator.bytes_total(),
            });
        }
    }
}
