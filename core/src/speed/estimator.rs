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

/// A request is sized to outlast the time it is planned for by this factor,
/// so a stream rarely ends (and has to ramp up again) mid-test.
const REQUEST_HEADROOM: f64 = 1.25;

/// A later request is sized for at most this much more of the test: by then
/// the figure has settled on any link fast enough for the size to matter,
/// and a link that has not gets another follow-up.
const FOLLOW_UP_HORIZON_MS: f64 = 3_000.0;

/// A stream about to run out of requested bytes gets its follow-up this long
/// before its expected end (or [`FOLLOW_UP_LEAD_ROUND_TRIPS`] round trips, if
/// longer), so the new request's round trip and slow start overlap the old
/// one's tail instead of leaving the link half idle mid-test.
const FOLLOW_UP_LEAD_MS: f64 = 400.0;

/// Round trips of lead for a follow-up: one for the request, about five for
/// TCP slow start to reach a few tens of Mbit/s.
const FOLLOW_UP_LEAD_ROUND_TRIPS: f64 = 6.0;

/// With an idle latency known, another stream is not tried before a loaded
/// latency probe has answered (it may show one stream already fills the
/// link, and on a shaped link a second stream's start costs seconds of
/// retransmission chaos), unless the data has flowed this long.
const AWAIT_LOADED_LATENCY_MS: f64 = 1_500.0;

/// Only this early (ms of data) is a follow-up planned for the whole time the
/// figure still needs to settle: the new connection's ramp then falls into
/// the first stream's own. Later, a follow-up comes only when a stream is
/// within the lead of running out: on a shaped link a new connection's
/// start means a second or two of losses and retransmissions, which a slow
/// link, still settling, cannot afford (nor the data its request costs).
const FOLLOW_UP_EARLY_MS: f64 = 600.0;

/// No follow-up request is planned on less data than this (ms since the
/// first byte, and at least three analysis windows), unless a tenth of the
/// request has already arrived: the first few chunks can make a slow link
/// look many times faster than it is.
const FOLLOW_UP_AFTER_MS: f64 = 200.0;

/// The level with the current streams must have held this long before
/// another stream is tried: a shorter level is still ramp-up in disguise.
const PROBE_AFTER_STEADY_MS: f64 = 500.0;

/// Another stream is tried only once the streams carry this much, Mbit/s.
/// A single browser connection carries far more than this unless something
/// limits each connection, and on a full link every new connection's start
/// costs seconds of losses for all of them (a shaped 5 Mbit/s link took 3-6 s
/// to settle after a second stream joined, against ~1.3 s without). Below
/// it, the figure is what one connection gets, which is also how a backup
/// uploads.
pub const PARALLEL_FROM_MBPS: f64 = 12.0;

/// The steady part starts this long after a joining stream's first byte...
const JOINED_SETTLE_MS: f64 = 250.0;

/// ...once at least this much has come since (before, the figure is taken
/// over everything, so the live view never goes blank).
const JOINED_MIN_SPAN_MS: f64 = 600.0;

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
    /// 9 MB budget: with the server's write-ahead and the upload still well
    /// under a fifth of the 69 MB `@cloudflare/speedtest` uses at 10 and
    /// 50 Mbit/s; faster links stop on it with a good figure anyway. 8 s
    /// cap: a shaped 2 Mbit/s link settles in ~4 s (its first seconds are
    /// stalls and catch-ups), so only slower or unsteady links reach it.
    /// 1 s and 300 kB of steady data, and a figure that has not moved by
    /// more than 1.5 % over the last second (less where the steady part is
    /// shorter, see `series`): measured between caught-up moments, the
    /// figure is within ~1 % by then on the recorded browser traces of
    /// `core/tests/fixtures/traces`. 20 % window tolerance: on a shaped
    /// 2 Mbit/s link a browser's 250 ms windows alternate by ±11 %.
    pub fn standard() -> Self {
        Self {
            byte_budget: 9_000_000,
            time_cap_ms: 8_000.0,
            max_streams: 4,
            stall_ms: 5_000.0,
            min_steady_ms: 1_000.0,
            min_steady_bytes: 300_000,
            stable_spread_pct: 1.5,
            window_tolerance: 0.2,
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
    /// Bytes the request asked for, when the glue said.
    requested: Option<u64>,
    /// Bytes received on this stream.
    received: u64,
    /// A follow-up request has been asked for on its behalf.
    followed_up: bool,
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
    /// The stream most recently added to run beside the others.
    last_added: Option<StreamId>,
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
            last_added: None,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &EstimatorConfig {
        &self.config
    }

    /// Registers a stream the glue has just started (request sent at `t_ms`)
    /// without saying how much it asked for: it then never gets a follow-up
    /// before it ends. Prefer [`open_request`](Self::open_request).
    pub fn open_stream(&mut self, t_ms: f64) -> StreamId {
        self.open(t_ms, None)
    }

    /// Registers a stream the glue has just started at `t_ms` asking for
    /// `requested_bytes` (normally [`suggested_request_bytes`](Self::suggested_request_bytes)).
    /// Knowing the size, the estimator asks for a follow-up request shortly
    /// before this one runs out, if the figure has not settled by then.
    pub fn open_request(&mut self, t_ms: f64, requested_bytes: u64) -> StreamId {
        self.open(t_ms, Some(requested_bytes))
    }

    fn open(&mut self, t_ms: f64, requested: Option<u64>) -> StreamId {
        let t = self.relative(t_ms);
        let id = StreamId(self.streams.len() as u32);
        self.streams.push(StreamState {
            opened_ms: t,
            closed: false,
            first_ms: None,
            last_ms: None,
            span_start_ms: t,
            burst_first_ms: t,
            requested,
            received: 0,
            followed_up: false,
        });
        if let Probe::Pending { stream, .. } = &mut self.probe {
            if stream.is_none() && self.streams.len() > 1 {
                *stream = Some(id);
                self.last_added = Some(id);
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
        state.received = state.received.saturating_add(sample.bytes);
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

    /// How many streams the estimator wants delivering side by side (1 until
    /// a parallel stream is tried); follow-up requests replacing a stream
    /// that runs out do not count.
    pub fn parallel_streams(&self) -> usize {
        self.target_streams
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
        if let Some(steady) = steady.as_ref() {
            if let Some(index) = self.stream_running_out(steady) {
                self.streams[index].followed_up = true;
                return Decision::OpenStream;
            }
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

    /// How many bytes the next stream should ask for (`__down?bytes=`):
    /// before any speed is known, the whole byte budget; then enough to last
    /// the rest of the test (up to a few seconds) at its share of the current
    /// speed, and at least twice the largest request so far (during slow
    /// start the current speed is an underestimate, and a request that ends
    /// mid-test costs a new connection's ramp). Always capped by what is left
    /// of the budget, never below [`MIN_REQUEST_BYTES`].
    pub fn suggested_request_bytes(&self) -> u64 {
        let remaining = self.config.byte_budget.saturating_sub(self.bytes_total);
        let wanted = match self.steady() {
            Some(steady) if steady.rate > 0.0 => {
                let share = steady.rate / self.delivering_streams().max(1) as f64;
                let time_left =
                    (self.config.time_cap_ms - self.now_ms).clamp(1_000.0, FOLLOW_UP_HORIZON_MS);
                let bytes = share * time_left * REQUEST_HEADROOM;
                if bytes.is_finite() {
                    bytes as u64
                } else {
                    remaining
                }
            }
            // Before anything is known, the whole budget: what is not read
            // is not sent (the server writes only a little ahead of the
            // reader), and a request that ends mid-test hands over to a new
            // connection, whose start disturbs the figure for seconds on a
            // slow shaped link.
            _ => remaining,
        };
        let doubled = self
            .streams
            .iter()
            .filter_map(|s| s.requested)
            .max()
            .map_or(0, |largest| largest.saturating_mul(2));
        wanted.max(doubled).min(remaining).max(MIN_REQUEST_BYTES)
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
    /// A stream that has ended has nothing more to report: holding the
    /// estimate back for it would freeze the figure each time a request
    /// hands over to its follow-up.
    fn accounted_until(&self) -> Option<f64> {
        let latest = self.last_data_ms?;
        let until = self
            .streams
            .iter()
            .filter(|s| {
                !s.closed
                    && s.last_ms
                        .is_some_and(|last| last >= latest - LAGGING_STREAM_MS)
            })
            .map(|s| s.span_start_ms)
            .fold(latest, f64::min);
        Some(until)
    }

    /// The steady part of the data, once another stream has joined only
    /// after its first round trips (as soon as that is long enough to
    /// judge): a joining stream's slow start takes whatever a shaper's token
    /// bucket saved up, a burst beyond the link's rate.
    fn steady(&self) -> Option<SteadyWindow> {
        let first = self.first_data_ms?;
        let end = self.accounted_until()?;
        let cumulative = self.series.cumulative();
        let tolerance = self.config.window_tolerance;
        if let Some(from) = self.joined_settled_ms() {
            if end - from >= JOINED_MIN_SPAN_MS {
                return steady_window(&cumulative, from.max(first), end, tolerance);
            }
        }
        steady_window(&cumulative, first, end, tolerance)
    }

    /// When the last stream added beside the others has had its first
    /// round trips, if one has joined and delivered.
    fn joined_settled_ms(&self) -> Option<f64> {
        let joined = self.streams.get(self.last_added?.0 as usize)?;
        Some(joined.first_ms? + JOINED_SETTLE_MS)
    }

    /// A stream whose request will run out before the figure can settle (or
    /// within the follow-up lead), and has no follow-up yet: it needs one
    /// now, while it still delivers, so the link never idles.
    fn stream_running_out(&self, steady: &SteadyWindow) -> Option<usize> {
        let remaining_budget = self.config.byte_budget.saturating_sub(self.bytes_total);
        if steady.rate <= 0.0 || remaining_budget < MIN_REQUEST_BYTES {
            return None;
        }
        let flowing_ms = steady.end_ms - self.first_data_ms.unwrap_or(steady.end_ms);
        let rate_known = flowing_ms >= FOLLOW_UP_AFTER_MS && steady.windows >= 3;
        let share = steady.rate / self.delivering_streams().max(1) as f64;
        let lead = FOLLOW_UP_LEAD_MS.max(FOLLOW_UP_LEAD_ROUND_TRIPS * self.round_trip_ms());
        // Time the steady part still needs, at the least.
        let to_settle = if flowing_ms <= FOLLOW_UP_EARLY_MS {
            (self.config.min_steady_ms - steady.duration_ms())
                .max((self.config.min_steady_bytes as f64 - steady.bytes) / steady.rate)
                .max(0.0)
        } else {
            0.0
        };
        let needed = share * (to_settle + lead);
        self.streams.iter().position(|s| {
            !s.closed
                && !s.followed_up
                && s.last_ms.is_some()
                && s.requested.is_some_and(|requested| {
                    let left = requested.saturating_sub(s.received);
                    // A stream that outlasts the budget never runs out first;
                    // a tenth of a request gone that early is a fast link.
                    left < remaining_budget
                        && (rate_known || s.received.saturating_mul(10) >= requested)
                        && (left as f64) < needed
                })
        })
    }

    /// The round trip as far as known: the idle latency, or how long the
    /// first stream's first byte took after its request, whichever is longer.
    fn round_trip_ms(&self) -> f64 {
        let first_byte = self
            .streams
            .first()
            .and_then(|s| s.first_ms.map(|first| first - s.opened_ms))
            .unwrap_or(0.0);
        first_byte.max(self.idle_latency_ms.unwrap_or(0.0))
    }

    fn is_stable(&self, steady: &SteadyWindow) -> bool {
        let after_joined = self
            .joined_settled_ms()
            .is_none_or(|from| steady.start_ms >= from - 1e-9);
        after_joined
            && steady.duration_ms() >= self.config.min_steady_ms
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
            || self.awaiting_loaded_latency(steady)
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
            && steady.rate * MBPS_PER_BYTE_PER_MS >= PARALLEL_FROM_MBPS
            && steady.start_ms >= last_added
            && time_left >= 2_000.0
            && budget_left >= steady.rate * 1_500.0
    }

    /// An idle latency is known but no loaded probe has answered yet, and
    /// the data has not flowed long enough to stop waiting for one.
    fn awaiting_loaded_latency(&self, steady: &SteadyWindow) -> bool {
        let flowing_ms = steady.end_ms - self.first_data_ms.unwrap_or(steady.end_ms);
        self.idle_latency_ms.is_some()
            && self.loaded_latency_ms.is_empty()
            && flowing_ms < AWAIT_LOADED_LATENCY_MS
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

    /// A request smaller than the budget, to watch follow-ups.
    const SHORT_REQUEST_BYTES: u64 = 1_600_000;

    #[test]
    fn the_first_request_asks_for_the_budget_then_requests_follow_the_speed() {
        let mut estimator = ThroughputEstimator::new(EstimatorConfig::standard(), 0.0);
        assert_eq!(estimator.suggested_request_bytes(), 9_000_000);
        let stream = estimator.open_stream(0.0);
        // 2.5 MB/ms = 20 Mbit/s for one second.
        feed(&mut estimator, stream, 2_500.0, 0.0, 1_000.0);
        estimator.decide(1_000.0);
        let suggested = estimator.suggested_request_bytes();
        // 3 s more at 2.5 kB/ms, with headroom: about 9.4 MB, capped by the
        // ~6.5 MB left of the budget.
        let left = 9_000_000 - estimator.bytes_total();
        assert_eq!(suggested, left);
    }

    #[test]
    fn a_request_about_to_run_out_gets_a_follow_up_before_it_ends() {
        let mut estimator = ThroughputEstimator::new(EstimatorConfig::standard(), 0.0);
        assert_eq!(estimator.decide(0.0), Decision::OpenStream);
        // 1.25 kB/ms = 10 Mbit/s: 1.6 MB lasts ~1.3 s, short of a stable figure.
        let first = estimator.open_request(0.0, SHORT_REQUEST_BYTES);
        let mut t = 0.0;
        let mut asked = None;
        while t < 1_100.0 && asked.is_none() {
            feed(&mut estimator, first, 1_250.0, t, t + 50.0);
            t += 50.0;
            if estimator.decide(t) == Decision::OpenStream {
                asked = Some(t);
            }
        }
        let asked = asked.expect("a follow-up before the request ran out");
        assert!(estimator.bytes_total() < SHORT_REQUEST_BYTES, "{asked}");
        assert_eq!(estimator.parallel_streams(), 1);
        // The follow-up is sized for the rest of the test, not another 1.6 MB.
        assert!(estimator.suggested_request_bytes() >= 2 * SHORT_REQUEST_BYTES);
    }

    #[test]
    fn a_slow_link_still_settling_gets_no_follow_up_until_its_request_runs_low() {
        // A figure that never settles, to watch the follow-up alone.
        let config = EstimatorConfig {
            stable_spread_pct: -1.0,
            ..EstimatorConfig::standard()
        };
        let mut estimator = ThroughputEstimator::new(config, 0.0);
        estimator.set_idle_latency(60.0);
        estimator.record_loaded_latency(300.0);
        estimator.decide(0.0);
        let stream = estimator.open_request(0.0, SHORT_REQUEST_BYTES);
        // 2 Mbit/s on average, but too jumpy to settle: after 5 s, 1.25 MB of
        // the 1.6 MB have come, less than the 1.5 s a figure still needs,
        // yet more than the follow-up lead.
        let mut t = 0.0;
        while t < 5_000.0 {
            let rate = if ((t / 250.0) as u64).is_multiple_of(2) {
                400.0
            } else {
                100.0
            };
            feed(&mut estimator, stream, rate, t, t + 50.0);
            t += 50.0;
            assert_eq!(estimator.decide(t), Decision::Continue, "at {t} ms");
        }
        // Once the request is nearly spent, the follow-up comes.
        let mut asked = false;
        while t < 6_400.0 && !asked {
            feed(&mut estimator, stream, 250.0, t, t + 50.0);
            t += 50.0;
            asked = estimator.decide(t) == Decision::OpenStream;
        }
        assert!(asked, "no follow-up by {t} ms");
    }

    #[test]
    fn a_stream_without_a_known_size_gets_no_follow_up() {
        let mut estimator = ThroughputEstimator::new(EstimatorConfig::standard(), 0.0);
        // The link is full: no parallel stream either.
        estimator.set_idle_latency(20.0);
        estimator.record_loaded_latency(200.0);
        estimator.decide(0.0);
        let stream = estimator.open_stream(0.0);
        let mut t = 0.0;
        while t < 1_000.0 {
            feed(&mut estimator, stream, 1_250.0, t, t + 50.0);
            t += 50.0;
            assert_eq!(estimator.decide(t), Decision::Continue, "at {t} ms");
        }
    }

    #[test]
    fn an_ended_stream_does_not_freeze_the_estimate() {
        let mut estimator = ThroughputEstimator::new(EstimatorConfig::standard(), 0.0);
        let first = estimator.open_stream(0.0);
        feed(&mut estimator, first, 500.0, 0.0, 1_000.0);
        estimator.close_stream(first, 1_000.0);
        let second = estimator.open_stream(990.0);
        feed(&mut estimator, second, 500.0, 1_000.0, 1_400.0);
        let estimate = estimator.estimate(1_400.0).expect("an estimate");
        // Bytes up to ~1.4 s count, not only those before the first ended.
        assert!(estimate.bytes_counted > 500_000, "{estimate:?}");
    }

    #[test]
    fn metered_spends_less() {
        assert!(EstimatorConfig::metered().byte_budget < EstimatorConfig::standard().byte_budget);
    }
}
