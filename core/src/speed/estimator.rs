//! The download throughput estimator: turns `(stream, time, bytes)` chunk
//! reports into a speed, and tells the browser glue when to open another
//! stream and when to stop.
//!
//! Time is always a parameter (the glue passes `performance.now()`), so tests
//! replay synthetic links in simulated time. The method (see DESIGN.md,
//! "Measurement method"): spread chunks onto one time axis
//! ([`series`](super::series)), discard the ramp-up (TCP slow start, a shaper's
//! token-bucket burst), take bytes/time over the steady part, and stop once
//! that figure has settled, or at the byte budget, the time cap, or a stall.
//! Parallel streams are added one at a time only while each one raises the
//! total by more than [`EstimatorConfig::stream_gain`].

use serde::{Deserialize, Serialize};

use super::series::{steady_window, ByteSeries, SteadyWindow};

/// Two chunk timestamps of one stream closer than this came from the same
/// burst of reads (timestamps have ~0.1 ms resolution), so they share the
/// interval that burst's bytes arrived in.
const SAME_READ_MS: f64 = 0.25;

/// A read burst (chunks a few tenths of a ms apart) is cut after this long,
/// so a stream read continuously in small chunks still gets short intervals.
const MAX_READ_BURST_MS: f64 = 2.0;

/// A stream silent for this long is left out when deciding up to when all
/// streams have reported (it would otherwise hold the estimate back).
const LAGGING_STREAM_MS: f64 = 500.0;

/// Smallest request suggested: `bytes=0` would be a latency probe, and a tiny
/// request spends its life in slow start.
pub const MIN_REQUEST_BYTES: u64 = 256 * 1024;

/// A request is sized to outlast the remaining test time by this factor, so
/// a stream rarely ends (and has to ramp up again) mid-test.
const REQUEST_HEADROOM: f64 = 1.25;

/// The level with the current streams must have held this long before
/// another stream is tried: a shorter level is still ramp-up in disguise.
const PROBE_AFTER_STEADY_MS: f64 = 500.0;

/// Loaded latency at least this many ms above idle means the link's queue is
/// filling: one stream already saturates it, so no stream is added.
pub const SATURATION_LATENCY_RISE_MS: f64 = 25.0;

/// ...or at least this fraction of the idle latency above it, whichever is
/// larger (a 300 ms satellite link wobbles by more than 25 ms).
pub const SATURATION_LATENCY_RISE_FRACTION: f64 = 0.5;

/// Megabits per second in one byte per millisecond.
const MBPS_PER_BYTE_PER_MS: f64 = 0.008;

/// Budgets and thresholds of one measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EstimatorConfig {
    /// Stop once this many bytes have been received.
    pub byte_budget: u64,
    /// Stop this many ms after the start, whatever the state.
    pub time_cap_ms: f64,
    /// Never more parallel streams than this.
    pub max_streams: usize,
    /// Stop with [`StopReason::NoData`] after this long without a byte.
    pub stall_ms: f64,
    /// The steady part must last this long before the estimate is stable.
    pub min_steady_ms: f64,
    /// ...and hold at least this many bytes.
    pub min_steady_bytes: u64,
    /// ...and its recent estimates must agree within this spread (percent).
    pub stable_spread_pct: f64,
    /// A window whose rate is further than this (relative) from the steady
    /// level is ramp-up or a change of speed.
    pub window_tolerance: f64,
    /// Another stream is tried only if the last one raised the total by more
    /// than this (relative).
    pub stream_gain: f64,
    /// Time resolution of the byte series, ms.
    pub bin_ms: f64,
}

impl EstimatorConfig {
    /// For an ordinary connection.
    ///
    /// 13 MB budget: under a fifth of the 69 MB `@cloudflare/speedtest` uses
    /// at 10 and 50 Mbit/s; it lasts ~2.2 s at 50 Mbit/s, past the ~2 s a
    /// stable result takes there, and faster links stop on it with a good
    /// steady window anyway. 8 s cap: a 2 Mbit/s link settles in ~3 s, so
    /// only slower or unsteady links reach it. 1.5 s and 500 kB of steady
    /// data: enough to average TCP's wobble and browser jitter to ~1 %, and it
    /// makes 2 Mbit/s take ~3 s and 50 Mbit/s ~2 s.
    pub fn standard() -> Self {
        Self {
            byte_budget: 13_000_000,
            time_cap_ms: 8_000.0,
            max_streams: 4,
            stall_ms: 5_000.0,
            min_steady_ms: 1_500.0,
            min_steady_bytes: 500_000,
            stable_spread_pct: 3.0,
            window_tolerance: 0.15,
            stream_gain: 0.10,
            bin_ms: 2.0,
        }
    }

    /// For a metered connection (`saveData`, or cellular where the browser
    /// says so): 5 MB, still 4 s of data at 10 Mbit/s, so up to there the
    /// result is as good as the standard one; faster links stop on budget.
    pub fn metered() -> Self {
        Self {
            byte_budget: 5_000_000,
            ..Self::standard()
        }
    }
}

impl Default for EstimatorConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// One chunk as the browser handed it over: its bytes arrived before `t_ms`
/// (since the same stream's previous chunk).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// `performance.now()` when the chunk was read.
    pub t_ms: f64,
    /// Bytes in the chunk.
    pub bytes: u64,
}

/// A download stream, as handed out by [`ThroughputEstimator::open_stream`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(u32);

impl StreamId {
    /// The stream's number (0 for the first one opened).
    pub fn index(self) -> u32 {
        self.0
    }
}

/// What the glue should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Keep reading.
    Continue,
    /// Start one more `GET __down?bytes=`[`suggested_request_bytes`](ThroughputEstimator::suggested_request_bytes)
    /// and call [`open_stream`](ThroughputEstimator::open_stream) right away.
    OpenStream,
    /// Abort every stream; the measurement is over.
    Stop(StopReason),
}

/// Why the estimator ended the measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StopReason {
    /// The estimate settled.
    Stable,
    /// The byte budget is spent.
    Budget,
    /// The time cap was reached before the estimate settled.
    TimeCap,
    /// No byte arrived for [`EstimatorConfig::stall_ms`].
    NoData,
}

/// The current download speed estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    /// Megabits per second (10^6 bits) of payload over the steady part.
    pub mbps: f64,
    /// How much the estimate moved over the last few windows, percent
    /// (100 while there is too little data to say).
    pub spread_pct: f64,
    /// Streams delivering when the estimate was made.
    pub streams: usize,
    /// Time from the first byte to the start of the steady part: the ramp-up
    /// left out (or everything before the latest change of speed).
    pub ramp_ms: f64,
    /// Bytes the estimate is computed from.
    pub bytes_counted: u64,
    /// Time since the last byte arrived, at the `now_ms` asked about.
    pub silent_ms: f64,
}

#[derive(Debug, Clone)]
struct StreamState {
    opened_ms: f64,
    closed: bool,
    first_ms: Option<f64>,
    last_ms: Option<f64>,
    /// Start of the interval the current read burst's bytes arrived in: the
    /// stream's bytes are complete up to here (the burst may go on).
    span_start_ms: f64,
    /// Timestamp of the current read burst's first chunk.
    burst_first_ms: f64,
}

/// Where the "does another stream help?" experiment stands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Probe {
    /// Free to try another stream when the level is steady.
    Ready,
    /// A stream was asked for; waiting for it to show its effect.
    Pending {
        level_before: f64,
        stream: Option<StreamId>,
    },
    /// The link is full (or streams stopped helping): no more streams.
    Saturated,
}

/// Turns chunk reports from parallel download streams into a speed, and
/// decides when to add a stream and when to stop.
///
/// ```
/// use backup_doctor_core::speed::{Decision, EstimatorConfig, Sample, ThroughputEstimator};
///
/// let mut estimator = ThroughputEstimator::new(EstimatorConfig::standard(), 0.0);
/// assert_eq!(estimator.decide(0.0), Decision::OpenStream);
/// let stream = estimator.open_stream(0.0);
/// // 10 Mbit/s = 1250 bytes per ms, one 12.5 kB chunk every 10 ms.
/// let mut t = 0.0;
/// let decision = loop {
///     t += 10.0;
///     estimator.record(stream, Sample { t_ms: t, bytes: 12_500 });
///     match estimator.decide(t) {
///         Decision::Stop(reason) => break reason,
///         _ => continue,
///     }
/// };
/// let estimate = estimator.estimate(t).expect("an estimate");
/// assert!((estimate.mbps - 10.0).abs() < 0.1, "{decision:?} {estimate:?}");
/// ```
#[derive(Debug, Clone)]
pub struct ThroughputEstimator {
    config: EstimatorConfig,
    start_ms: f64,
    now_ms: f64,
    streams: Vec<StreamState>,
    series: ByteSeries,
    bytes_total: u64,
    first_data_ms: Option<f64>,
    last_data_ms: Option<f64>,
    target_streams: usize,
    probe: Probe,
    stopped: Option<StopReason>,
    idle_latency_ms: Option<f64>,
    loaded_latency_ms: Vec<f64>,
}

impl ThroughputEstimator {
    /// A measurement starting at `start_ms` (`performance.now()`).
    pub fn new(config: EstimatorConfig, start_ms: f64) -> Self {
        let start_ms = if start_ms.is_finite() { start_ms } else { 0.0 };
        let horizon = config.time_cap_ms.max(0.0) + config.stall_ms.max(0.0) + 10_000.0;
        Self {
            series: ByteSeries::new(config.bin_ms, horizon),
            config,
            start_ms,
            now_ms: 0.0,
            streams: Vec::new(),
            bytes_total: 0,
            first_data_ms: None,
            last_data_ms: None,
            target_streams: 1,
            probe: Probe::Ready,
            stopped: None,
            idle_latency_ms: None,
            loaded_latency_ms: Vec::new(),
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &EstimatorConfig {
        &self.config
    }

    /// Registers a stream the glue has just started (request sent at `t_ms`).
    pub fn open_stream(&mut self, t_ms: f64) -> StreamId {
        let t = self.relative(t_ms);
        let id = StreamId(self.streams.len() as u32);
        self.streams.push(StreamState {
            opened_ms: t,
            closed: false,
            first_ms: None,
            last_ms: None,
            span_start_ms: t,
            burst_first_ms: t,
        });
        if let Probe::Pending { stream, .. } = &mut self.probe {
            if stream.is_none() && self.streams.len() > 1 {
                *stream = Some(id);
            }
        }
        id
    }

    /// Records one chunk of `stream`. Chunks of an unknown stream, or with a
    /// timestamp that is not a number, still count towards the bytes used
    /// but not towards the speed.
    pub fn record(&mut self, stream: StreamId, sample: Sample) {
        self.bytes_total = self.bytes_total.saturating_add(sample.bytes);
        if sample.bytes == 0 || !sample.t_ms.is_finite() {
            return;
        }
        let t = self.relative(sample.t_ms);
        let Some(state) = self.streams.get_mut(stream.0 as usize) else {
            return;
        };
        // Timestamps of one stream never go back; a clock hiccup is clamped.
        let t = t.max(state.last_ms.unwrap_or(state.opened_ms));
        let bytes = sample.bytes as f64;
        match state.last_ms {
            None => {
                // The first chunk's bytes came in at an unknown point since the
                // request (which includes the request's own round trip). The
                // very first chunk of the test only marks where data begins.
                state.first_ms = Some(t);
                state.span_start_ms = t;
                state.burst_first_ms = t;
                if self.first_data_ms.is_some() {
                    self.series.add(t, t, bytes);
                }
            }
            Some(last) => {
                if t - last > SAME_READ_MS || t - state.burst_first_ms > MAX_READ_BURST_MS {
                    state.span_start_ms = last;
                    state.burst_first_ms = t;
                }
                self.series.add(state.span_start_ms, t, bytes);
            }
        }
        state.last_ms = Some(t);
        if self.first_data_ms.is_none() {
            self.first_data_ms = Some(t);
        }
        self.last_data_ms = Some(self.last_data_ms.map_or(t, |last| last.max(t)));
        self.now_ms = self.now_ms.max(t);
    }

    /// The glue finished or aborted `stream` at `t_ms`.
    pub fn close_stream(&mut self, stream: StreamId, t_ms: f64) {
        let t = self.relative(t_ms);
        self.now_ms = self.now_ms.max(t);
        if let Some(state) = self.streams.get_mut(stream.0 as usize) {
            state.closed = true;
        }
    }

    /// Tells the estimator the idle latency measured before the download
    /// (median of the probes); with [`record_loaded_latency`](Self::record_loaded_latency)
    /// it shows whether one stream already fills the link.
    pub fn set_idle_latency(&mut self, median_ms: f64) {
        if median_ms.is_finite() && median_ms >= 0.0 {
            self.idle_latency_ms = Some(median_ms);
        }
    }

    /// A latency probe that completed during the download (optional: without
    /// any, the estimator finds out by trying one more stream).
    pub fn record_loaded_latency(&mut self, rtt_ms: f64) {
        if rtt_ms.is_finite() && rtt_ms >= 0.0 {
            self.loaded_latency_ms.push(rtt_ms);
        }
    }

    /// Bytes received so far on all streams, counted or not.
    pub fn bytes_total(&self) -> u64 {
        self.bytes_total
    }

    /// Streams opened and not closed.
    pub fn open_streams(&self) -> usize {
        self.streams.iter().filter(|s| !s.closed).count()
    }

    /// Why the measurement stopped, once [`decide`](Self::decide) said so.
    pub fn stop_reason(&self) -> Option<StopReason> {
        self.stopped
    }

    /// What to do now. Call after every chunk or every ~50 ms; once it says
    /// [`Decision::Stop`], it keeps saying so.
    pub fn decide(&mut self, now_ms: f64) -> Decision {
        let now = self.relative(now_ms);
        self.now_ms = self.now_ms.max(now);
        let now = self.now_ms;
        if let Some(reason) = self.stopped {
            return Decision::Stop(reason);
        }
        let steady = self.steady();
        self.evaluate_probe(steady.as_ref());
        let wants_stream = self.wants_another_stream(steady.as_ref());
        let settled = !wants_stream && !matches!(self.probe, Probe::Pending { .. });
        let silent_since = self.last_data_ms.unwrap_or(0.0);
        let remaining = self.config.byte_budget.saturating_sub(self.bytes_total);

        let stop = if settled && steady.as_ref().is_some_and(|s| self.is_stable(s)) {
            Some(StopReason::Stable)
        } else if now - silent_since >= self.config.stall_ms {
            Some(StopReason::NoData)
        } else if self.bytes_total >= self.config.byte_budget
            || (self.open_streams() < self.target_streams && remaining < MIN_REQUEST_BYTES)
        {
            // A stream ended with too little budget left to be worth replacing.
            Some(StopReason::Budget)
        } else if now >= self.config.time_cap_ms {
            Some(StopReason::TimeCap)
        } else {
            None
        };
        if let Some(reason) = stop {
            self.stopped = Some(reason);
            return Decision::Stop(reason);
        }
        if self.open_streams() < self.target_streams {
            return Decision::OpenStream;
        }
        if wants_stream {
            if let Some(steady) = steady {
                self.target_streams += 1;
                self.probe = Probe::Pending {
                    level_before: steady.rate,
                    stream: None,
                };
                return Decision::OpenStream;
            }
        }
        Decision::Continue
    }

    /// The current estimate, or `None` before two chunks have arrived.
    pub fn estimate(&self, now_ms: f64) -> Option<Estimate> {
        let steady = self.steady()?;
        let first = self.first_data_ms.unwrap_or(steady.start_ms);
        let now = self.relative(now_ms).max(self.now_ms);
        let silent = now - self.last_data_ms.unwrap_or(now);
        let mbps = steady.rate * MBPS_PER_BYTE_PER_MS;
        if !mbps.is_finite() {
            return None;
        }
        Some(Estimate {
            mbps,
            spread_pct: steady.spread_pct,
            streams: self.delivering_streams().max(1),
            ramp_ms: (steady.start_ms - first).max(0.0),
            bytes_counted: steady.bytes.round() as u64,
            silent_ms: silent.max(0.0),
        })
    }

    /// How many bytes the next stream should ask for (`__down?bytes=`): enough
    /// to last past the time cap at its share of the current speed, capped by
    /// what is left of the budget, never below [`MIN_REQUEST_BYTES`].
    pub fn suggested_request_bytes(&self) -> u64 {
        let remaining = self.config.byte_budget.saturating_sub(self.bytes_total);
        let wanted = match self.steady() {
            Some(steady) if steady.rate > 0.0 => {
                let share = steady.rate / self.delivering_streams().max(1) as f64;
                let time_left = (self.config.time_cap_ms - self.now_ms).max(1_000.0);
                let bytes = share * time_left * REQUEST_HEADROOM;
                if bytes.is_finite() {
                    bytes as u64
                } else {
                    remaining
                }
            }
            _ => remaining,
        };
        wanted.min(remaining).max(MIN_REQUEST_BYTES)
    }

    fn relative(&self, t_ms: f64) -> f64 {
        if t_ms.is_finite() {
            (t_ms - self.start_ms).max(0.0)
        } else {
            self.now_ms
        }
    }

    fn delivering_streams(&self) -> usize {
        self.streams
            .iter()
            .filter(|s| !s.closed && s.last_ms.is_some())
            .count()
    }

    /// Up to when every stream still delivering has reported all its bytes:
    /// the start of its current read burst (more chunks of that burst may
    /// follow), and later bytes of a slower stream may still be on their way.
    /// A stream that just ended counts too: its last burst is spread up to
    /// when it was read, but its data may have stopped coming well before.
    fn accounted_until(&self) -> Option<f64> {
        let latest = self.last_data_ms?;
        let until = self
            .streams
            .iter()
            .filter(|s| {
                s.last_ms
                    .is_some_and(|last| last >= latest - LAGGING_STREAM_MS)
            })
            .map(|s| s.span_start_ms)
            .fold(latest, f64::min);
        Some(until)
    }

    fn steady(&self) -> Option<SteadyWindow> {
        let first = self.first_data_ms?;
        let end = self.accounted_until()?;
        steady_window(
            &self.series.cumulative(),
            first,
            end,
            self.config.window_tolerance,
        )
    }

    fn is_stable(&self, steady: &SteadyWindow) -> bool {
        steady.duration_ms() >= self.config.min_steady_ms
            && steady.bytes >= self.config.min_steady_bytes as f64
            && steady.spread_pct <= self.config.stable_spread_pct
    }

    /// Judges a pending extra stream once it has had time to show its effect.
    fn evaluate_probe(&mut self, steady: Option<&SteadyWindow>) {
        let Probe::Pending {
            level_before,
            stream: Some(stream),
        } = self.probe
        else {
            return;
        };
        let Some(state) = self.streams.get(stream.0 as usize) else {
            self.probe = Probe::Saturated;
            return;
        };
        let (Some(first), Some(steady)) = (state.first_ms, steady) else {
            if state.closed {
                self.probe = Probe::Saturated;
            }
            return;
        };
        let settle = 3.0 * steady.window_ms;
        let since_first = steady.end_ms - first;
        let shifted = steady.start_ms > state.opened_ms;
        let ready = since_first >= settle && (!shifted || steady.windows >= 3);
        let overdue = since_first >= 8.0 * settle.max(250.0);
        if !(ready || overdue) {
            return;
        }
        let gain = if level_before > 0.0 {
            steady.rate / level_before - 1.0
        } else {
            0.0
        };
        self.probe = if shifted && gain > self.config.stream_gain {
            Probe::Ready
        } else {
            Probe::Saturated
        };
    }

    /// Whether one more stream is worth trying now.
    fn wants_another_stream(&self, steady: Option<&SteadyWindow>) -> bool {
        let Some(steady) = steady else {
            return false;
        };
        if self.probe != Probe::Ready
            || self.target_streams >= self.config.max_streams
            || self.open_streams() < self.target_streams
            || self.loaded_latency_shows_saturation()
        {
            return false;
        }
        // The level since the last stream was added must be known, and there
        // must be time and budget left for the new stream to make a difference.
        let last_added = self
            .streams
            .iter()
            .filter(|s| !s.closed)
            .map(|s| s.opened_ms)
            .fold(0.0, f64::max);
        let time_left = self.config.time_cap_ms - steady.end_ms;
        let budget_left = self.config.byte_budget.saturating_sub(self.bytes_total) as f64;
        steady.windows >= 3
            && steady.duration_ms() >= PROBE_AFTER_STEADY_MS
            && steady.start_ms >= last_added
            && time_left >= 2_000.0
            && budget_left >= steady.rate * 1_500.0
    }

    fn loaded_latency_shows_saturation(&self) -> bool {
        let (Some(idle), Some(loaded)) = (
            self.idle_latency_ms,
            super::latency::median(&self.loaded_latency_ms),
        ) else {
            return false;
        };
        let rise = (SATURATION_LATENCY_RISE_FRACTION * idle).max(SATURATION_LATENCY_RISE_MS);
        loaded - idle >= rise
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(estimator: &mut ThroughputEstimator, stream: StreamId, rate: f64, from: f64, to: f64) {
        let mut t = from;
        while t < to {
            t += 5.0;
            estimator.record(
                stream,
                Sample {
                    t_ms: t,
                    bytes: (rate * 5.0) as u64,
                },
            );
        }
    }

    #[test]
    fn first_thing_asked_is_a_stream() {
        let mut estimator = ThroughputEstimator::new(EstimatorConfig::standard(), 1_000.0);
        assert_eq!(estimator.decide(1_000.0), Decision::OpenStream);
        estimator.open_stream(1_000.0);
        assert_eq!(estimator.decide(1_001.0), Decision::Continue);
    }

    #[test]
    fn no_estimate_before_data_and_never_nan() {
        let mut estimator = ThroughputEstimator::new(EstimatorConfig::standard(), 0.0);
        let stream = estimator.open_stream(0.0);
        assert_eq!(estimator.estimate(0.0), None);
        estimator.record(
            stream,
            Sample {
                t_ms: 5.0,
                bytes: 1_000,
            },
        );
        assert_eq!(estimator.estimate(5.0), None);
        estimator.record(
            stream,
            Sample {
                t_ms: f64::NAN,
                bytes: 1_000,
            },
        );
        estimator.record(
            stream,
            Sample {
                t_ms: 5.0,
                bytes: 1_000,
            },
        );
        if let Some(estimate) = estimator.estimate(f64::INFINITY) {
            assert!(estimate.mbps.is_finite());
        }
        assert_eq!(estimator.bytes_total(), 3_000);
    }

    #[test]
    fn stop_is_sticky_and_later_bytes_still_count_as_used() {
        let mut config = EstimatorConfig::standard();
        config.byte_budget = 100_000;
        let mut estimator = ThroughputEstimator::new(config, 0.0);
        let stream = estimator.open_stream(0.0);
        feed(&mut estimator, stream, 100.0, 0.0, 1_100.0);
        assert_eq!(
            estimator.decide(1_100.0),
            Decision::Stop(StopReason::Budget)
        );
        estimator.record(
            stream,
            Sample {
                t_ms: 1_105.0,
                bytes: 500,
            },
        );
        assert_eq!(
            estimator.decide(9_000.0),
            Decision::Stop(StopReason::Budget)
        );
        assert_eq!(estimator.stop_reason(), Some(StopReason::Budget));
        assert!(estimator.bytes_total() > 110_000);
    }

    #[test]
    fn chunks_of_an_unknown_stream_are_used_bytes_only() {
        let mut estimator = ThroughputEstimator::new(EstimatorConfig::standard(), 0.0);
        estimator.record(
            StreamId(7),
            Sample {
                t_ms: 10.0,
                bytes: 64,
            },
        );
        assert_eq!(estimator.bytes_total(), 64);
        assert_eq!(estimator.estimate(10.0), None);
    }

    #[test]
    fn request_size_follows_the_budget_then_the_speed() {
        let mut estimator = ThroughputEstimator::new(EstimatorConfig::standard(), 0.0);
        assert_eq!(estimator.suggested_request_bytes(), 13_000_000);
        let stream = estimator.open_stream(0.0);
        // 250 bytes/ms = 2 Mbit/s for one second.
        feed(&mut estimator, stream, 250.0, 0.0, 1_000.0);
        estimator.decide(1_000.0);
        let suggested = estimator.suggested_request_bytes();
        // ~7 s left at 250 bytes/ms, with headroom: about 2.2 MB.
        assert!((1_800_000..2_600_000).contains(&suggested), "{suggested}");
    }

    #[test]
    fn metered_spends_less() {
        assert!(EstimatorConfig::metered().byte_budget < EstimatorConfig::standard().byte_budget);
    }
}
