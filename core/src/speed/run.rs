//! The whole connection test, sans-IO: [`SpeedRun`] says what to do next
//! ([`SpeedRun::poll`]) and is told what happened (`handle_*`); it never
//! touches the network or a clock, so whole runs (latency, download,
//! upload, loaded latency, interruptions) are tested natively on simulated
//! links. It composes the download's [`ThroughputEstimator`] and the
//! upload's [`UploadRun`], and assembles the [`SpeedResult`]; the browser
//! glue (`src/browser/measure.rs`) only performs the actions.
//!
//! The run, in order: [`LATENCY_PROBES`] idle probes, one at a time (the
//! first opens the connection and is not counted; one slower than its cap
//! is a lost sample); download streams as the estimator asks, with a loaded
//! probe every [`LOADED_PROBE_EVERY_MS`]; then, when the download gave a
//! figure, the upload, with at most one loaded probe in flight beside it.

use super::estimator::{Decision, EstimatorConfig, Sample, StreamId, ThroughputEstimator};
use super::latency::{loaded_latency_ms, LatencyStats};
use super::result::{SpeedResult, SpeedTestError, TestEnd, TestError};
use super::upload::{UploadAction, UploadAnswer, UploadConfig, UploadOutcome, UploadRun};

/// Idle latency probes; the first also opens the connection and is not
/// counted (four samples give a median and a jitter).
pub const LATENCY_PROBES: u32 = 5;
/// A probe (or an upload's answer) that takes longer counts as lost, ms.
pub const PROBE_TIMEOUT_MS: f64 = 3_000.0;
/// How often a loaded-latency probe runs during the download and upload, ms.
pub const LOADED_PROBE_EVERY_MS: f64 = 400.0;
/// The first loaded probe goes this soon after the download starts: the
/// estimator waits for one before trying a second stream.
pub const FIRST_LOADED_PROBE_MS: f64 = 150.0;

/// Probe numbers: idle ones from 0, loaded ones during the download from
/// here, during the upload from [`UPLOAD_PROBES_FROM`] (they name the
/// request, so the server's log and Resource Timing tell them apart).
pub const DOWNLOAD_PROBES_FROM: u32 = 1_000;
/// See [`DOWNLOAD_PROBES_FROM`].
pub const UPLOAD_PROBES_FROM: u32 = 2_000;

/// What the test is doing, for the live view (and where a failure came).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    Latency,
    Download,
    Upload,
}

/// A live snapshot for the progress view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Live {
    pub phase: Phase,
    /// The figure of the phase so far (never another phase's), Mbit/s.
    pub mbps: Option<f64>,
    pub elapsed_ms: f64,
    /// 0..1 towards the phase's nearest bound (time cap or byte budget).
    pub fraction: f64,
}

/// What to do next.
#[derive(Debug, Clone, PartialEq)]
pub enum RunAction {
    /// Send latency probe `n` (`GET __down?bytes=0`), cut after
    /// [`PROBE_TIMEOUT_MS`]; answer with [`SpeedRun::handle_probe`].
    Probe { n: u32 },
    /// Open download stream `id` (`GET __down?bytes=N`): report its chunks
    /// with [`SpeedRun::handle_chunk`] and its end with
    /// [`SpeedRun::handle_stream_end`].
    OpenStream { id: StreamId, bytes: u64 },
    /// Abort every download stream and upload request still open: the
    /// download is over, or the run was stopped.
    StopStreams,
    /// POST `bytes` incompressible bytes to `__up`, cut at `deadline_ms`
    /// (the run's clock); answer with [`SpeedRun::handle_upload`].
    Upload { bytes: usize, deadline_ms: f64 },
    /// Nothing to start: wait for an answer or a short while.
    Wait,
    /// The run is over.
    Done(SpeedResult),
}

/// How an upload request ended.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadReply {
    /// The server answered.
    Answer(UploadAnswer),
    /// Cut at its deadline: its answer never came.
    Cut,
    /// Refused or broken off.
    Failed(SpeedTestError),
}

/// Which budgets the run keeps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunConfig {
    pub download: EstimatorConfig,
    pub upload: UploadConfig,
}

impl RunConfig {
    /// The standard budgets, or the smaller ones on a metered connection
    /// (Data Saver, or cellular where the browser says).
    pub fn new(metered: bool) -> Self {
        if metered {
            RunConfig {
                download: EstimatorConfig::metered(),
                upload: UploadConfig::metered(),
            }
        } else {
            RunConfig {
                download: EstimatorConfig::standard(),
                upload: UploadConfig::standard(),
            }
        }
    }
}

#[derive(Debug)]
enum Stage {
    Latency {
        samples: Vec<f64>,
        next: u32,
    },
    Download {
        estimator: Box<ThroughputEstimator>,
        began_ms: f64,
        next_probe_ms: f64,
        loaded: Vec<f64>,
        failure: Option<SpeedTestError>,
    },
    /// The streams are to be stopped, then the upload (or the end).
    Downloaded {
        result: Box<SpeedResult>,
        upload: bool,
    },
    Upload {
        run: UploadRun,
        began_ms: f64,
        next_probe_ms: f64,
        loaded: Vec<f64>,
        failure: Option<SpeedTestError>,
        result: Box<SpeedResult>,
    },
    Done(Box<SpeedResult>),
}

/// A whole connection test, driven by the caller.
#[derive(Debug)]
pub struct SpeedRun {
    config: RunConfig,
    start_ms: f64,
    stage: Stage,
    latency: Option<LatencyStats>,
    /// A probe is out (idle or loaded): never two at once.
    probe_out: Option<u32>,
    /// An upload request is out.
    upload_out: bool,
    probes_sent: u32,
    /// Set by [`SpeedRun::stop`]: the run ends at the next poll.
    stopped: Option<TestEnd>,
}

impl SpeedRun {
    /// A run starting at `now_ms`.
    pub fn new(config: RunConfig, now_ms: f64) -> Self {
        SpeedRun {
            config,
            start_ms: now_ms,
            stage: Stage::Latency {
                samples: Vec::new(),
                next: 0,
            },
            latency: None,
            probe_out: None,
            upload_out: false,
            probes_sent: 0,
            stopped: None,
        }
    }

    /// What to do at `now_ms`. Call it again after each action until it
    /// says [`RunAction::Wait`].
    pub fn poll(&mut self, now_ms: f64) -> RunAction {
        if let Some(end) = self.stopped {
            return self.end_now(now_ms, end);
        }
        match &mut self.stage {
            Stage::Latency { samples, next } => {
                if self.probe_out.is_some() {
                    return RunAction::Wait;
                }
                if *next < LATENCY_PROBES {
                    let n = *next;
                    *next += 1;
                    self.probe_out = Some(n);
                    return RunAction::Probe { n };
                }
                match LatencyStats::from_samples(samples) {
                    Some(stats) => {
                        self.latency = Some(stats);
                        let mut estimator = ThroughputEstimator::new(self.config.download, now_ms);
                        estimator.set_idle_latency(stats.median_ms);
                        self.stage = Stage::Download {
                            estimator: Box::new(estimator),
                            began_ms: now_ms,
                            next_probe_ms: now_ms + FIRST_LOADED_PROBE_MS,
                            loaded: Vec::new(),
                            failure: None,
                        };
                        self.poll(now_ms)
                    }
                    None => {
                        let silent = SpeedTestError::TimedOut {
                            after_ms: PROBE_TIMEOUT_MS,
                        };
                        self.finish(
                            now_ms,
                            SpeedResult::new(TestEnd::Error, 0, 0.0)
                                .with_error(Phase::Latency, &silent),
                        )
                    }
                }
            }
            Stage::Download {
                estimator,
                next_probe_ms,
                failure,
                ..
            } => {
                if failure.is_some() {
                    return self.end_download(now_ms, TestEnd::Error);
                }
                match estimator.decide(now_ms) {
                    Decision::OpenStream => {
                        let bytes = estimator.suggested_request_bytes();
                        let id = estimator.open_request(now_ms, bytes);
                        RunAction::OpenStream { id, bytes }
                    }
                    Decision::Stop(reason) => self.end_download(now_ms, reason.into()),
                    Decision::Continue => {
                        if now_ms >= *next_probe_ms && self.probe_out.is_none() {
                            *next_probe_ms = now_ms + LOADED_PROBE_EVERY_MS;
                            return self.send_probe(DOWNLOAD_PROBES_FROM);
                        }
                        RunAction::Wait
                    }
                }
            }
            Stage::Downloaded { .. } => {
                let Stage::Downloaded { result, upload } =
                    std::mem::replace(&mut self.stage, placeholder())
                else {
                    unreachable!("matched just above");
                };
                if upload {
                    self.stage = Stage::Upload {
                        run: UploadRun::new(
                            self.config.upload,
                            self.latency.map_or(0.0, |l| l.median_ms),
                        ),
                        began_ms: now_ms,
                        next_probe_ms: now_ms + LOADED_PROBE_EVERY_MS,
                        loaded: Vec::new(),
                        failure: None,
                        result,
                    };
                } else {
                    self.stage = Stage::Done(result);
                }
                RunAction::StopStreams
            }
            Stage::Upload {
                run,
                began_ms,
                next_probe_ms,
                ..
            } => {
                if self.upload_out {
                    if now_ms >= *next_probe_ms && self.probe_out.is_none() {
                        *next_probe_ms = now_ms + LOADED_PROBE_EVERY_MS;
                        return self.send_probe(UPLOAD_PROBES_FROM);
                    }
                    return RunAction::Wait;
                }
                let began = *began_ms;
                match run.poll(now_ms - began) {
                    UploadAction::Send { bytes, deadline_ms } => {
                        self.upload_out = true;
                        RunAction::Upload {
                            bytes,
                            deadline_ms: began + deadline_ms,
                        }
                    }
                    // One request at a time: `upload_out` covers this.
                    UploadAction::Wait => RunAction::Wait,
                    UploadAction::Done(outcome) => self.end_upload(now_ms, outcome),
                }
            }
            Stage::Done(result) => {
                let result = (**result).clone();
                RunAction::Done(self.finished(result, now_ms))
            }
        }
    }

    /// Probe `n` came back with its round trip (the server's own time off),
    /// or failed. A loaded probe counts only for the phase that sent it.
    pub fn handle_probe(&mut self, n: u32, rtt: Result<f64, SpeedTestError>) {
        if self.probe_out != Some(n) {
            return;
        }
        self.probe_out = None;
        let sent_in = match n {
            _ if n < DOWNLOAD_PROBES_FROM => Phase::Latency,
            _ if n < UPLOAD_PROBES_FROM => Phase::Download,
            _ => Phase::Upload,
        };
        if sent_in != self.phase() {
            return;
        }
        match &mut self.stage {
            Stage::Latency { samples, .. } => match rtt {
                Ok(rtt) if n > 0 => samples.push(rtt),
                Ok(_) => {}
                // A probe slower than its cap is a lost sample on a slow
                // link, not a sign of being offline.
                Err(SpeedTestError::TimedOut { .. }) => {}
                Err(error) => {
                    let result =
                        SpeedResult::new(TestEnd::Error, 0, 0.0).with_error(Phase::Latency, &error);
                    self.stage = Stage::Done(Box::new(result));
                }
            },
            Stage::Download {
                estimator, loaded, ..
            } => {
                if let Ok(rtt) = rtt {
                    loaded.push(rtt);
                    estimator.record_loaded_latency(rtt);
                }
            }
            Stage::Upload { loaded, .. } => {
                if let Ok(rtt) = rtt {
                    loaded.push(rtt);
                }
            }
            // A loaded probe that came back after its phase ended.
            Stage::Downloaded { .. } | Stage::Done(_) => {}
        }
    }

    /// A chunk of download stream `id` was read.
    pub fn handle_chunk(&mut self, id: StreamId, sample: Sample) {
        if let Stage::Download { estimator, .. } = &mut self.stage {
            estimator.record(id, sample);
        }
    }

    /// Download stream `id` ended at `now_ms`: read to its end, or failed.
    /// (A stream stopped by [`RunAction::StopStreams`] needs no report.)
    pub fn handle_stream_end(
        &mut self,
        id: StreamId,
        now_ms: f64,
        outcome: Result<(), SpeedTestError>,
    ) {
        if let Stage::Download {
            estimator, failure, ..
        } = &mut self.stage
        {
            estimator.close_stream(id, now_ms);
            if let Err(error) = outcome {
                failure.get_or_insert(error);
            }
        }
    }

    /// The upload request in flight ended at `now_ms`.
    pub fn handle_upload(&mut self, now_ms: f64, reply: UploadReply) {
        if !std::mem::take(&mut self.upload_out) {
            return;
        }
        if let Stage::Upload {
            run,
            began_ms,
            failure,
            ..
        } = &mut self.stage
        {
            let t = now_ms - *began_ms;
            match reply {
                UploadReply::Answer(answer) => run.handle_answer(t, answer),
                UploadReply::Cut => run.handle_cut(t),
                UploadReply::Failed(error) => {
                    run.handle_failure();
                    *failure = Some(error);
                }
            }
        }
    }

    /// Ends the run at the next poll: `Cancelled` (the person stopped it)
    /// or `Interrupted` (the page was left mid-test).
    pub fn stop(&mut self, end: TestEnd) {
        if !matches!(self.stage, Stage::Done(_)) && self.stopped.is_none() {
            self.stopped = Some(end);
        }
    }

    /// The phase the run is in (the upload's once the download is over).
    pub fn phase(&self) -> Phase {
        match self.stage {
            Stage::Latency { .. } => Phase::Latency,
            Stage::Download { .. } => Phase::Download,
            Stage::Downloaded { .. } | Stage::Upload { .. } | Stage::Done(_) => Phase::Upload,
        }
    }

    /// The live view at `now_ms`.
    pub fn live(&self, now_ms: f64) -> Live {
        let elapsed_ms = now_ms - self.start_ms;
        match &self.stage {
            Stage::Latency { .. } => Live {
                phase: Phase::Latency,
                mbps: None,
                elapsed_ms,
                fraction: 0.0,
            },
            Stage::Download { estimator, .. } => {
                let config = estimator.config();
                let budget = estimator.bytes_total() as f64 / config.byte_budget.max(1) as f64;
                let time = elapsed_ms / config.time_cap_ms.max(1.0);
                Live {
                    phase: Phase::Download,
                    mbps: estimator.estimate(now_ms).map(|e| e.mbps),
                    elapsed_ms,
                    fraction: budget.max(time).min(1.0),
                }
            }
            Stage::Upload { run, began_ms, .. } => Live {
                phase: Phase::Upload,
                mbps: run.estimate_mbps(),
                elapsed_ms,
                fraction: run.progress(now_ms - began_ms),
            },
            Stage::Downloaded { .. } | Stage::Done(_) => Live {
                phase: Phase::Upload,
                mbps: None,
                elapsed_ms,
                fraction: 1.0,
            },
        }
    }

    fn send_probe(&mut self, from: u32) -> RunAction {
        self.probes_sent += 1;
        let n = from + self.probes_sent;
        self.probe_out = Some(n);
        RunAction::Probe { n }
    }

    /// The download's result, and on to the upload when it gave a figure.
    fn end_download(&mut self, now_ms: f64, end: TestEnd) -> RunAction {
        let result = self.take_download_result(now_ms, end);
        let upload = result.download_mbps.is_some()
            && matches!(
                result.stop_reason,
                TestEnd::Stable | TestEnd::Budget | TestEnd::TimeCap
            );
        self.stage = Stage::Downloaded {
            result: Box::new(result),
            upload,
        };
        self.poll(now_ms)
    }

    /// Ends the download stage with `end`: what it measured, as a result.
    fn take_download_result(&mut self, now_ms: f64, end: TestEnd) -> SpeedResult {
        let Stage::Download {
            estimator,
            began_ms,
            loaded,
            failure,
            ..
        } = std::mem::replace(&mut self.stage, placeholder())
        else {
            unreachable!("only the download stage has a download result");
        };
        let mut mbps = estimator.estimate(now_ms).map(|e| e.mbps);
        let mut result = SpeedResult::new(end, estimator.bytes_total(), now_ms - self.start_ms);
        // Too fast to settle (the budget went in a few big chunks): what was
        // read over the whole time is a floor, never nothing.
        if mbps.is_none()
            && matches!(end, TestEnd::Budget | TestEnd::Stable)
            && estimator.bytes_total() > 0
        {
            mbps = Some(
                estimator.bytes_total() as f64 * 8.0 / ((now_ms - began_ms).max(1.0) * 1_000.0),
            );
            result.download_at_least = true;
        }
        result.download_mbps = mbps;
        result.download_ms = Some(now_ms - self.start_ms);
        result.loaded_latency_ms = loaded_latency_ms(&loaded);
        if end == TestEnd::NoData {
            let silent_ms = estimator
                .estimate(now_ms)
                .map_or(estimator.config().stall_ms, |e| e.silent_ms);
            // Keep the stop reason `noData` (more precise than `error`).
            result.error = Some(TestError {
                phase: Phase::Download,
                cause: SpeedTestError::NoData { silent_ms },
            });
        }
        match &failure {
            Some(error) => result.with_error(Phase::Download, error),
            None => result,
        }
    }

    /// The upload's outcome into the result, and the end.
    fn end_upload(&mut self, now_ms: f64, outcome: UploadOutcome) -> RunAction {
        let Stage::Upload {
            began_ms,
            loaded,
            failure,
            mut result,
            ..
        } = std::mem::replace(&mut self.stage, placeholder())
        else {
            unreachable!("end_upload runs in the upload stage");
        };
        result.upload_loaded_latency_ms = loaded_latency_ms(&loaded);
        result.upload_ms = Some(now_ms - began_ms);
        match outcome {
            UploadOutcome::Measured {
                mbps,
                timing,
                bytes,
                at_least,
            } => {
                result.upload_mbps = Some(mbps);
                result.upload_timing = Some(timing);
                result.upload_at_least = at_least;
                result.bytes_used += bytes;
            }
            UploadOutcome::AtMost { mbps, bytes } => {
                result.upload_mbps = Some(mbps);
                result.upload_at_most = true;
                result.bytes_used += bytes;
            }
            UploadOutcome::Failed { bytes } => {
                result.bytes_used += bytes;
                let error = failure.unwrap_or(SpeedTestError::Blocked);
                result.error = Some(TestError {
                    phase: Phase::Upload,
                    cause: error,
                });
            }
        }
        self.finish(now_ms, *result)
    }

    /// Stopped from outside: what was measured so far, with `end`; the
    /// requests still out are to be stopped.
    fn end_now(&mut self, now_ms: f64, end: TestEnd) -> RunAction {
        self.stopped = None;
        self.probe_out = None;
        self.upload_out = false;
        let mut result = match std::mem::replace(&mut self.stage, placeholder()) {
            Stage::Latency { .. } => SpeedResult::new(end, 0, 0.0),
            // The download's figures so far stand; no upload follows.
            download @ Stage::Download { .. } => {
                self.stage = download;
                self.take_download_result(now_ms, end)
            }
            Stage::Downloaded { result, .. }
            | Stage::Upload { result, .. }
            | Stage::Done(result) => *result,
        };
        result.stop_reason = end;
        self.stage = Stage::Done(Box::new(result));
        RunAction::StopStreams
    }

    fn finish(&mut self, now_ms: f64, result: SpeedResult) -> RunAction {
        self.stage = Stage::Done(Box::new(result));
        self.poll(now_ms)
    }

    /// The final result, with the latency figures and the whole duration.
    fn finished(&self, mut result: SpeedResult, now_ms: f64) -> SpeedResult {
        if let Some(stats) = self.latency {
            result.latency_ms = Some(stats.median_ms);
            result.jitter_ms = Some(stats.jitter_ms);
        }
        result.duration_ms = now_ms - self.start_ms;
        result
    }
}

/// What a stage is while it is being replaced.
fn placeholder() -> Stage {
    Stage::Done(Box::new(SpeedResult::new(TestEnd::Cancelled, 0, 0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speed::UploadTiming;

    /// A simulated link and server: rates in Mbit/s, a round trip, a server
    /// that counts uploads (ours) or says nothing (Cloudflare-style), and
    /// how much a busy uplink adds to a probe's round trip.
    #[derive(Clone, Copy)]
    struct Link {
        down: f64,
        up: f64,
        rtt: f64,
        counts: bool,
        upload_queue_ms: f64,
    }

    impl Link {
        fn new(down: f64, up: f64, rtt: f64) -> Self {
            Link {
                down,
                up,
                rtt,
                counts: true,
                upload_queue_ms: 0.0,
            }
        }
    }

    struct Stream {
        id: StreamId,
        starts: f64,
        left: u64,
        pending: f64,
    }

    /// Drives `run` over `link` in 5 ms steps as the browser glue would;
    /// `stop_at` stops it from outside. Returns the result and the actions
    /// seen, in order.
    fn simulate(link: Link, stop_at: Option<(f64, TestEnd)>) -> (SpeedResult, Vec<String>) {
        const STEP: f64 = 5.0;
        const CHUNK: f64 = 16_384.0;
        let mut run = SpeedRun::new(RunConfig::new(false), 0.0);
        let mut t = 0.0;
        let mut seen = Vec::new();
        let mut streams: Vec<Stream> = Vec::new();
        let mut probe: Option<(f64, u32)> = None;
        let mut upload: Option<(f64, UploadReply)> = None;
        while t < 60_000.0 {
            if let Some((at, end)) = stop_at {
                if t >= at {
                    run.stop(end);
                }
            }
            loop {
                match run.poll(t) {
                    RunAction::Probe { n } => {
                        seen.push("probe".to_owned());
                        let rtt = link.rtt
                            + if upload.is_some() {
                                link.upload_queue_ms
                            } else {
                                0.0
                            };
                        probe = Some((t + rtt.min(PROBE_TIMEOUT_MS), n));
                    }
                    RunAction::OpenStream { id, bytes } => {
                        seen.push("stream".to_owned());
                        streams.push(Stream {
                            id,
                            starts: t + link.rtt,
                            left: bytes,
                            pending: 0.0,
                        });
                    }
                    RunAction::StopStreams => {
                        seen.push("stop".to_owned());
                        streams.clear();
                    }
                    RunAction::Upload { bytes, deadline_ms } => {
                        seen.push("upload".to_owned());
                        let transfer = bytes as f64 * 8.0 / (link.up * 1_000.0);
                        let ends = t + link.rtt + transfer;
                        upload = Some(if ends > deadline_ms {
                            (deadline_ms, UploadReply::Cut)
                        } else if link.counts {
                            (
                                ends,
                                UploadReply::Answer(UploadAnswer::Counted {
                                    bytes: bytes as u64,
                                    duration_ms: transfer,
                                }),
                            )
                        } else {
                            (
                                ends,
                                UploadReply::Answer(UploadAnswer::Silent {
                                    elapsed_ms: link.rtt + transfer,
                                    resource_timing: true,
                                }),
                            )
                        });
                    }
                    RunAction::Wait => break,
                    RunAction::Done(result) => return (result.sanitized(), seen),
                }
            }
            t += STEP;
            if let Some((at, n)) = probe {
                if t >= at {
                    probe = None;
                    let answer = if link.rtt >= PROBE_TIMEOUT_MS {
                        Err(SpeedTestError::TimedOut {
                            after_ms: PROBE_TIMEOUT_MS,
                        })
                    } else {
                        Ok(link.rtt
                            + if upload.is_some() {
                                link.upload_queue_ms
                            } else {
                                0.0
                            })
                    };
                    run.handle_probe(n, answer);
                }
            }
            if let Some((at, reply)) = upload.clone() {
                if t >= at {
                    upload = None;
                    run.handle_upload(t, reply);
                }
            }
            // The download rate, shared by the streams that are delivering.
            let active = streams.iter().filter(|s| t >= s.starts).count();
            for stream in streams.iter_mut().filter(|s| t >= s.starts) {
                stream.pending += link.down * 1_000.0 / 8.0 * STEP / active as f64;
                let due = stream.pending.min(stream.left as f64);
                if due >= CHUNK || due as u64 == stream.left {
                    let bytes = due as u64;
                    stream.pending -= bytes as f64;
                    stream.left -= bytes;
                    run.handle_chunk(stream.id, Sample { t_ms: t, bytes });
                }
            }
            for stream in streams.iter().filter(|s| s.left == 0) {
                run.handle_stream_end(stream.id, t, Ok(()));
            }
            streams.retain(|s| s.left > 0);
        }
        panic!("the run never ended: {seen:?}");
    }

    fn within(measured: Option<f64>, truth: f64, tolerance: f64) -> bool {
        measured.is_some_and(|m| (m / truth - 1.0).abs() <= tolerance)
    }

    #[test]
    fn a_whole_run_on_a_fast_down_slow_up_link_measures_both_and_the_upload_in_time() {
        let (result, seen) = simulate(Link::new(50.0, 1.0, 20.0), None);
        assert!(within(result.download_mbps, 50.0, 0.05), "{result:?}");
        assert!(within(result.upload_mbps, 1.0, 0.05), "{result:?}");
        assert_eq!(result.upload_timing, Some(UploadTiming::Server));
        assert!(
            result.upload_ms.is_some_and(|ms| ms <= 6_000.0),
            "{result:?}"
        );
        assert!(within(result.latency_ms, 20.0, 0.01), "{result:?}");
        assert!(
            matches!(result.stop_reason, TestEnd::Stable | TestEnd::Budget),
            "{result:?}"
        );
        assert_eq!(result.error, None);
        // Five idle probes first, then streams, then the upload after the
        // streams were stopped.
        assert_eq!(seen[..5], ["probe"; 5]);
        let stop = seen
            .iter()
            .position(|a| a == "stop")
            .expect("streams stopped");
        let first_upload = seen.iter().position(|a| a == "upload").expect("an upload");
        assert!(stop < first_upload, "{seen:?}");
    }

    #[test]
    fn a_server_that_says_nothing_gets_a_browser_timed_upload() {
        let link = Link {
            counts: false,
            ..Link::new(10.0, 2.0, 40.0)
        };
        let (result, _) = simulate(link, None);
        assert!(within(result.upload_mbps, 2.0, 0.10), "{result:?}");
        assert_eq!(result.upload_timing, Some(UploadTiming::Browser));
    }

    #[test]
    fn a_clogged_uplink_shows_in_the_upload_s_loaded_latency() {
        let link = Link {
            upload_queue_ms: 400.0,
            ..Link::new(20.0, 1.0, 40.0)
        };
        let (result, _) = simulate(link, None);
        assert!(
            within(result.upload_loaded_latency_ms, 440.0, 0.01),
            "{result:?}"
        );
        assert!(within(result.loaded_latency_ms, 40.0, 0.01), "{result:?}");
    }

    #[test]
    fn leaving_the_page_mid_download_ends_the_run_as_interrupted_with_what_was_measured() {
        let (result, seen) = simulate(
            Link::new(5.0, 5.0, 50.0),
            Some((1_200.0, TestEnd::Interrupted)),
        );
        assert_eq!(result.stop_reason, TestEnd::Interrupted);
        assert!(result.bytes_used > 0);
        assert_eq!(result.upload_mbps, None);
        assert_eq!(seen.last().map(String::as_str), Some("stop"));
        assert!(!seen.iter().any(|a| a == "upload"), "{seen:?}");
    }

    #[test]
    fn cancelling_during_the_upload_keeps_the_download_figure() {
        // 0.2 Mbit/s up: the first 64 KiB request alone takes 2.6 s.
        let (result, seen) = simulate(
            Link::new(10.0, 0.2, 40.0),
            Some((3_000.0, TestEnd::Cancelled)),
        );
        assert!(
            seen.iter().any(|a| a == "upload"),
            "the upload had begun: {seen:?}"
        );
        assert_eq!(result.stop_reason, TestEnd::Cancelled);
        assert_eq!(result.upload_mbps, None);
        assert!(within(result.download_mbps, 10.0, 0.05), "{result:?}");
    }

    #[test]
    fn probes_slower_than_their_cap_are_lost_samples_and_all_lost_is_no_answer() {
        let (result, seen) = simulate(Link::new(1.0, 1.0, 3_500.0), None);
        assert_eq!(result.stop_reason, TestEnd::Error);
        assert_eq!(
            result.error.map(|e| e.cause),
            Some(SpeedTestError::TimedOut { after_ms: 3_000.0 })
        );
        assert_eq!(seen, ["probe"; 5]);
    }

    #[test]
    fn a_refused_probe_ends_the_run_with_its_reason() {
        let mut run = SpeedRun::new(RunConfig::new(false), 0.0);
        assert_eq!(run.poll(0.0), RunAction::Probe { n: 0 });
        assert_eq!(run.poll(1.0), RunAction::Wait, "one probe at a time");
        run.handle_probe(0, Err(SpeedTestError::Blocked));
        let RunAction::Done(result) = run.poll(2.0) else {
            panic!("the run ends");
        };
        assert_eq!(result.stop_reason, TestEnd::Error);
        assert_eq!(
            result.error,
            Some(TestError {
                phase: Phase::Latency,
                cause: SpeedTestError::Blocked
            })
        );
        assert_eq!(result.duration_ms, 2.0);
    }

    #[test]
    fn a_stream_that_breaks_ends_the_download_with_its_error_and_no_upload() {
        let mut run = SpeedRun::new(RunConfig::new(false), 0.0);
        for n in 0..LATENCY_PROBES {
            assert_eq!(run.poll(f64::from(n)), RunAction::Probe { n });
            run.handle_probe(n, Ok(30.0));
        }
        let RunAction::OpenStream { id, .. } = run.poll(10.0) else {
            panic!("a stream opens");
        };
        run.handle_chunk(
            id,
            Sample {
                t_ms: 50.0,
                bytes: 50_000,
            },
        );
        run.handle_stream_end(
            id,
            60.0,
            Err(SpeedTestError::Dropped {
                after_bytes: 50_000,
            }),
        );
        assert_eq!(run.poll(70.0), RunAction::StopStreams);
        let RunAction::Done(result) = run.poll(71.0) else {
            panic!("the run ends");
        };
        assert_eq!(result.stop_reason, TestEnd::Error);
        assert_eq!(result.upload_mbps, None);
        assert!(result.error.is_some_and(
            |e| e.phase == Phase::Download && matches!(e.cause, SpeedTestError::Dropped { .. })
        ));
    }
}
