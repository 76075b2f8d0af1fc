//! The connection test's decisions, in plain Rust over plain numbers: the
//! download [`ThroughputEstimator`] (fed `(time, bytes)` chunk reports by the
//! browser glue; it never reads a clock), [`LatencyStats`], the
//! [`SpeedResult`] the widget reports, [`BackupEstimate`] (how long the
//! backup takes here) and the [`advise`] rules that turn a result into
//! [`Advice`].
//!
//! Flow: [`SpeedRun`] runs the whole test (latency probes →
//! [`LatencyStats::from_samples`]; download streams driven by
//! [`ThroughputEstimator::decide`]; the upload by [`UploadRun`]) and the
//! browser glue performs its actions; then a sanitized [`SpeedResult`] →
//! [`advise`].

mod advice;
mod backup_time;
mod estimator;
mod latency;
mod result;
mod run;
mod series;
mod upload;
mod verdict;

pub use advice::{
    advise, condition_holds, Advice, Condition, BUSY_LATENCY_FACTOR, BUSY_LATENCY_MIN_RISE_MS,
    BUSY_LATENCY_RISE_MS, LONG_BACKUP_HOURS, UNSETTLED_MIN_MBPS, UNSTABLE_JITTER_MS,
    VERY_SLOW_UPLOAD_MBPS,
};
pub use backup_time::{
    human_duration, human_duration_range, BackupEstimate, Basis, HumanDuration, TimeUnit,
    ASSUMED_DOWNLOAD_UPLOAD_RATIO, BYTES_PER_GB, MAX_OVERHEAD, MIN_OVERHEAD,
};
pub use estimator::{
    Decision, Estimate, EstimatorConfig, Sample, StopReason, StreamId, ThroughputEstimator,
    MIN_REQUEST_BYTES, PARALLEL_FROM_MBPS, SATURATION_LATENCY_RISE_FRACTION,
    SATURATION_LATENCY_RISE_MS,
};
pub use latency::{loaded_latency_ms, median, server_timing_ms, LatencyStats};
pub use result::{finite, SpeedResult, SpeedTestError, TestEnd, TestError};
pub use run::{Live, Phase, RunAction, RunConfig, SpeedRun, UploadReply, PROBE_TIMEOUT_MS};
pub use upload::{
    incompressible, UploadAction, UploadAnswer, UploadConfig, UploadOutcome, UploadRun,
    UploadTiming, FIRST_UPLOAD_BYTES,
};
pub use verdict::{verdict, Verdict, SLOW_NOT_STUCK_HOURS};
