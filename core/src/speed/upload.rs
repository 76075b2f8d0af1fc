//! The upload half of the connection test, sans-IO: [`UploadRun`] says what
//! to send next ([`UploadRun::poll`]) and is told what came back
//! ([`UploadRun::handle_answer`], [`UploadRun::handle_cut`]); it never
//! touches the network or a clock, so whole runs are tested natively on
//! simulated links.
//!
//! A backup is an upload, and the slow uplinks where backups stall are
//! exactly where one big POST sized from the download fails (50/1 Mbit/s:
//! a 3 MB POST needs 25 s). So the run starts small (64 KiB), sizes each
//! next request from the rate measured so far to take about a second, and
//! stops once two requests agree, on the byte budget or on the time cap. A
//! request still in flight at the cap is cut, and what it shows is honest
//! too: its bytes had not all arrived after that long, so the upload is
//! *at most* that fast.
//!
//! Timing: our server (and any that says so) answers how many bytes
//! arrived and how long they took (`server`); a Cloudflare-style edge
//! answers with neither, so the browser times the request and the payload
//! length is the byte count (`browser`). The browser's clock is Resource
//! Timing's `requestStart`→`responseStart` where the page may read it (same
//! origin, or `Timing-Allow-Origin`), which leaves out queueing and the
//! connection's set-up, else the fetch's own time; either way one idle round
//! trip comes off, since the answer's first byte comes back one round trip
//! after the body's last byte left.

use serde::{Deserialize, Serialize};

/// The first request's size: small enough for a 0.2 Mbit/s uplink to
/// carry within about 3 s.
pub const FIRST_UPLOAD_BYTES: usize = 64 * 1024;

/// How long each request after the first should take, ms.
pub const UPLOAD_REQUEST_TARGET_MS: f64 = 1_000.0;

/// Two successive request rates this close (fraction) settle the figure.
pub const UPLOAD_AGREEMENT: f64 = 0.10;

/// A request shorter than this (ms) says more about latency than about the
/// uplink: it sizes the next request but does not settle the figure.
pub const UPLOAD_MIN_TIMED_MS: f64 = 250.0;

/// `len` pseudo-random bytes (xorshift) from `seed`, for upload bodies:
/// nothing on the way (a proxy, a browser) can compress them, which would
/// make the uplink look faster than it is.
pub fn incompressible(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// How the run is bounded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UploadConfig {
    /// Total bytes the run may send.
    pub byte_budget: usize,
    /// Largest single request.
    pub max_request_bytes: usize,
    /// From the first request to the last answer, ms.
    pub time_cap_ms: f64,
}

impl UploadConfig {
    /// Unmetered: up to 8 MiB over 6 s.
    pub fn standard() -> Self {
        UploadConfig {
            byte_budget: 8 * 1024 * 1024,
            max_request_bytes: 4 * 1024 * 1024,
            time_cap_ms: 6_000.0,
        }
    }

    /// Metered (Data Saver, or cellular where the browser says): 2 MiB.
    pub fn metered() -> Self {
        UploadConfig {
            byte_budget: 2 * 1024 * 1024,
            max_request_bytes: 1024 * 1024,
            ..Self::standard()
        }
    }
}

/// Who timed the upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UploadTiming {
    /// The server said how many bytes arrived and how long they took.
    Server,
    /// The browser timed the request (the server said nothing).
    Browser,
}

/// What the server answered to one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UploadAnswer {
    /// Our protocol: bytes received and how long from the first to the last.
    Counted {
        /// Bytes the server received.
        bytes: u64,
        /// Its time for them, ms.
        duration_ms: f64,
    },
    /// A 200 without a count (a Cloudflare-style edge): the browser's time
    /// for the request, ms.
    Silent {
        /// Resource Timing's `requestStart`→`responseStart` when
        /// `resource_timing`, else from the fetch call to the end of the
        /// answer.
        elapsed_ms: f64,
        /// Whether `elapsed_ms` is Resource Timing's.
        resource_timing: bool,
    },
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UploadAction {
    /// POST this many bytes, and cut the request at `deadline_ms` if it is
    /// still going then ([`UploadRun::handle_cut`]).
    Send {
        /// The body's length.
        bytes: usize,
        /// When to give up on it (run time, ms).
        deadline_ms: f64,
    },
    /// A request is in flight: wait for its answer.
    Wait,
    /// The run is over.
    Done(UploadOutcome),
}

/// How the run ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UploadOutcome {
    /// A measured figure.
    Measured {
        /// Mbit/s.
        mbps: f64,
        /// Who timed it.
        timing: UploadTiming,
        /// Bytes sent in all.
        bytes: u64,
        /// The budget or the cap ended the run while each request was still
        /// faster than the one before: the link is at least this fast.
        at_least: bool,
    },
    /// The time cap came first: the upload is at most this fast.
    AtMost {
        /// Mbit/s, a ceiling.
        mbps: f64,
        /// Bytes sent in all.
        bytes: u64,
    },
    /// Nothing could be measured (every request failed).
    Failed {
        /// Bytes sent in all.
        bytes: u64,
    },
}

/// One finished request.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Timed {
    bytes: u64,
    ms: f64,
    timing: UploadTiming,
}

impl Timed {
    fn mbps(&self) -> f64 {
        self.bytes as f64 * 8.0 / (self.ms.max(1.0) * 1_000.0)
    }
}

/// A whole upload measurement, driven by the caller.
#[derive(Debug, Clone)]
pub struct UploadRun {
    config: UploadConfig,
    idle_rtt_ms: f64,
    started_ms: Option<f64>,
    sent: u64,
    in_flight: Option<(f64, usize)>,
    timed: Vec<Timed>,
    cut: Option<f64>,
    failed: bool,
    done: Option<UploadOutcome>,
}

impl UploadRun {
    /// A run; `idle_rtt_ms` (the latency probes' median) is taken off a
    /// browser-timed request, which includes one round trip.
    pub fn new(config: UploadConfig, idle_rtt_ms: f64) -> Self {
        UploadRun {
            config,
            idle_rtt_ms: if idle_rtt_ms.is_finite() {
                idle_rtt_ms.max(0.0)
            } else {
                0.0
            },
            started_ms: None,
            sent: 0,
            in_flight: None,
            timed: Vec::new(),
            cut: None,
            failed: false,
            done: None,
        }
    }

    /// What to do at `now_ms`.
    pub fn poll(&mut self, now_ms: f64) -> UploadAction {
        if let Some(outcome) = self.done {
            return UploadAction::Done(outcome);
        }
        if self.in_flight.is_some() {
            return UploadAction::Wait;
        }
        let start = *self.started_ms.get_or_insert(now_ms);
        let deadline = start + self.config.time_cap_ms;
        let left = self.config.byte_budget.saturating_sub(self.sent as usize);
        let settled = self.settled();
        if settled || self.failed || self.cut.is_some() || now_ms >= deadline || left == 0 {
            return UploadAction::Done(self.finish());
        }
        let bytes = self.next_size().min(left).max(1);
        self.in_flight = Some((now_ms, bytes));
        UploadAction::Send {
            bytes,
            deadline_ms: deadline,
        }
    }

    /// The answer to the request in flight, at `now_ms`.
    pub fn handle_answer(&mut self, now_ms: f64, answer: UploadAnswer) {
        let Some((sent_at, bytes)) = self.in_flight.take() else {
            return;
        };
        self.sent += bytes as u64;
        let timed = match answer {
            UploadAnswer::Counted {
                bytes: got,
                duration_ms,
            } if got > 0 => Timed {
                bytes: got,
                ms: duration_ms,
                timing: UploadTiming::Server,
            },
            UploadAnswer::Counted { .. } => {
                self.failed = true;
                return;
            }
            UploadAnswer::Silent {
                elapsed_ms,
                resource_timing,
            } => {
                // The fetch's own time can be no shorter than the run saw;
                // Resource Timing's is shorter by design (no queueing).
                let elapsed = if resource_timing && elapsed_ms > 0.0 {
                    elapsed_ms.min(now_ms - sent_at)
                } else {
                    elapsed_ms.max(now_ms - sent_at)
                };
                Timed {
                    bytes: bytes as u64,
                    ms: (elapsed - self.idle_rtt_ms).max(1.0),
                    timing: UploadTiming::Browser,
                }
            }
        };
        self.timed.push(timed);
    }

    /// The request in flight was cut at its deadline (or broke off) at
    /// `now_ms`, its answer never came.
    pub fn handle_cut(&mut self, now_ms: f64) {
        let Some((sent_at, bytes)) = self.in_flight.take() else {
            return;
        };
        self.sent += bytes as u64;
        // Not all of it had arrived after this long: a ceiling.
        self.cut = Some(bytes as f64 * 8.0 / ((now_ms - sent_at).max(1.0) * 1_000.0));
    }

    /// A request failed outright (refused, offline): nothing to time.
    pub fn handle_failure(&mut self) {
        if let Some((_, bytes)) = self.in_flight.take() {
            self.sent += bytes as u64;
        }
        self.failed = true;
    }

    /// Bytes sent so far.
    pub fn bytes_sent(&self) -> u64 {
        self.sent
    }

    /// The figure so far (for the live view), Mbit/s.
    pub fn estimate_mbps(&self) -> Option<f64> {
        self.best().map(|t| t.mbps())
    }

    /// How far the run is towards its nearest bound (time cap or byte
    /// budget) at `now_ms`, 0 to 1; 1 once it is done.
    pub fn progress(&self, now_ms: f64) -> f64 {
        if self.done.is_some() {
            return 1.0;
        }
        let Some(start) = self.started_ms else {
            return 0.0;
        };
        let time = (now_ms - start) / self.config.time_cap_ms;
        let in_flight = self.in_flight.map_or(0, |(_, bytes)| bytes) as f64;
        // A request in flight counts half: its bytes are on their way.
        let data = (self.sent as f64 + in_flight / 2.0) / self.config.byte_budget as f64;
        time.max(data).clamp(0.0, 1.0)
    }

    fn next_size(&self) -> usize {
        match self.timed.last() {
            None => FIRST_UPLOAD_BYTES,
            Some(last) => {
                let bytes_per_ms = last.mbps() * 1_000.0 / 8.0;
                let wanted = (bytes_per_ms * UPLOAD_REQUEST_TARGET_MS) as usize;
                // Grow at most eightfold at a time: a short first request
                // on a fast link can overstate its rate.
                wanted.clamp(
                    FIRST_UPLOAD_BYTES,
                    (last.bytes as usize * 8).min(self.config.max_request_bytes),
                )
            }
        }
    }

    /// The last two long-enough requests agree.
    fn settled(&self) -> bool {
        let long: Vec<&Timed> = self
            .timed
            .iter()
            .filter(|t| t.ms >= UPLOAD_MIN_TIMED_MS)
            .collect();
        match long.as_slice() {
            [.., a, b] => (a.mbps() - b.mbps()).abs() <= UPLOAD_AGREEMENT * b.mbps(),
            _ => false,
        }
    }

    /// The last request was faster than the one before, by more than the
    /// agreement margin.
    fn still_rising(&self) -> bool {
        match self.timed.as_slice() {
            [.., a, b] => b.mbps() > a.mbps() * (1.0 + UPLOAD_AGREEMENT),
            _ => false,
        }
    }

    /// The most telling request: the latest long enough one, else the longest.
    fn best(&self) -> Option<&Timed> {
        self.timed
            .iter()
            .rev()
            .find(|t| t.ms >= UPLOAD_MIN_TIMED_MS)
            .or_else(|| self.timed.iter().max_by(|a, b| a.ms.total_cmp(&b.ms)))
    }

    fn finish(&mut self) -> UploadOutcome {
        let bytes = self.sent;
        let outcome = match (self.best(), self.cut) {
            // A cut request that shows a lower ceiling than what finished
            // means the link slowed: the ceiling is the honest figure.
            (Some(t), Some(ceiling)) if ceiling < t.mbps() => UploadOutcome::AtMost {
                mbps: ceiling,
                bytes,
            },
            (Some(t), _) => UploadOutcome::Measured {
                mbps: t.mbps(),
                timing: t.timing,
                bytes,
                at_least: !self.settled() && self.still_rising(),
            },
            (None, Some(ceiling)) => UploadOutcome::AtMost {
                mbps: ceiling,
                bytes,
            },
            (None, None) => UploadOutcome::Failed { bytes },
        };
        self.done = Some(outcome);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A simulated uplink: `mbps` up, `rtt_ms` round trip, and a server that
    /// counts (ours) or says nothing (a Cloudflare-style edge).
    fn run(config: UploadConfig, mbps: f64, rtt_ms: f64, counts: bool) -> (UploadOutcome, f64) {
        run_with(config, mbps, rtt_ms, counts, Clock::Fetch)
    }

    /// How a silent server's requests are timed in the simulation: the
    /// fetch's own time, or Resource Timing's; each request waits
    /// `queue_ms` in the browser before it goes out (a busy page, a
    /// connection being set up), which only the fetch's time includes.
    #[derive(Clone, Copy)]
    enum Clock {
        Fetch,
        Queued {
            queue_ms: f64,
            resource_timing: bool,
        },
    }

    fn run_with(
        config: UploadConfig,
        mbps: f64,
        rtt_ms: f64,
        counts: bool,
        clock: Clock,
    ) -> (UploadOutcome, f64) {
        let mut run = UploadRun::new(config, rtt_ms);
        let mut now = 0.0;
        for _ in 0..100 {
            match run.poll(now) {
                UploadAction::Done(outcome) => return (outcome, now),
                UploadAction::Wait => unreachable!("the simulation answers at once"),
                UploadAction::Send { bytes, deadline_ms } => {
                    let transfer = bytes as f64 * 8.0 / (mbps * 1_000.0);
                    let queue = match clock {
                        Clock::Fetch => 0.0,
                        Clock::Queued { queue_ms, .. } => queue_ms,
                    };
                    let finish = now + queue + rtt_ms + transfer;
                    if finish > deadline_ms {
                        now = deadline_ms;
                        run.handle_cut(now);
                    } else {
                        let elapsed = finish - now;
                        now = finish;
                        let answer = if counts {
                            UploadAnswer::Counted {
                                bytes: bytes as u64,
                                duration_ms: transfer,
                            }
                        } else {
                            match clock {
                                Clock::Queued {
                                    resource_timing: true,
                                    ..
                                } => UploadAnswer::Silent {
                                    elapsed_ms: rtt_ms + transfer,
                                    resource_timing: true,
                                },
                                _ => UploadAnswer::Silent {
                                    elapsed_ms: elapsed,
                                    resource_timing: false,
                                },
                            }
                        };
                        run.handle_answer(now, answer);
                    }
                }
            }
        }
        panic!("the run never ended");
    }

    fn measured(outcome: UploadOutcome) -> (f64, UploadTiming, u64) {
        match outcome {
            UploadOutcome::Measured {
                mbps,
                timing,
                bytes,
                ..
            } => (mbps, timing, bytes),
            other => panic!("expected a figure, got {other:?}"),
        }
    }

    #[test]
    fn a_1_mbit_uplink_under_a_fast_download_is_measured_within_5_percent_in_time() {
        let (mbps, timing, bytes) = measured(run(UploadConfig::standard(), 1.0, 30.0, true).0);
        assert!((mbps - 1.0).abs() < 0.05, "{mbps}");
        assert_eq!(timing, UploadTiming::Server);
        assert!(bytes < 512 * 1024, "{bytes} bytes on a 1 Mbit/s uplink");
        let (_, took) = run(UploadConfig::standard(), 1.0, 30.0, true);
        assert!(took < 6_000.0, "{took} ms");
    }

    #[test]
    fn asymmetric_links_are_measured_by_the_server_within_5_percent() {
        for (up, rtt) in [(1.0, 40.0), (2.0, 40.0), (5.0, 30.0), (20.0, 20.0)] {
            let (mbps, _, _) = measured(run(UploadConfig::standard(), up, rtt, true).0);
            assert!(
                (mbps / up - 1.0).abs() < 0.05,
                "{up} Mbit/s up measured {mbps}"
            );
        }
    }

    #[test]
    fn a_server_that_says_nothing_is_timed_by_the_browser_within_10_percent() {
        for (up, rtt) in [(1.0, 40.0), (2.0, 40.0), (10.0, 20.0)] {
            let (mbps, timing, _) = measured(run(UploadConfig::standard(), up, rtt, false).0);
            assert_eq!(timing, UploadTiming::Browser);
            assert!(
                (mbps / up - 1.0).abs() < 0.10,
                "{up} Mbit/s up measured {mbps}"
            );
        }
    }

    #[test]
    fn resource_timing_leaves_out_the_time_a_request_waits_in_the_browser() {
        let queued = |resource_timing| Clock::Queued {
            queue_ms: 150.0,
            resource_timing,
        };
        let config = UploadConfig::standard();
        let (rt, timing, _) = measured(run_with(config, 5.0, 30.0, false, queued(true)).0);
        let (fetch, _, _) = measured(run_with(config, 5.0, 30.0, false, queued(false)).0);
        assert_eq!(timing, UploadTiming::Browser);
        assert!((rt / 5.0 - 1.0).abs() < 0.05, "Resource Timing: {rt}");
        assert!(
            fetch < rt * 0.95,
            "fetch timing {fetch} vs Resource Timing {rt}"
        );
    }

    #[test]
    fn progress_runs_from_zero_to_one_towards_the_nearest_bound() {
        let mut run = UploadRun::new(UploadConfig::standard(), 20.0);
        assert_eq!(run.progress(0.0), 0.0);
        let UploadAction::Send { bytes, .. } = run.poll(0.0) else {
            panic!("the first poll sends");
        };
        let half_time = run.progress(3_000.0);
        assert!((half_time - 0.5).abs() < 1e-9, "{half_time}");
        run.handle_answer(
            3_000.0,
            UploadAnswer::Counted {
                bytes: bytes as u64,
                duration_ms: 2_900.0,
            },
        );
        assert!(run.progress(9_000.0) == 1.0);
        while !matches!(run.poll(7_000.0), UploadAction::Done(_)) {}
        assert_eq!(run.progress(7_000.0), 1.0);
    }

    #[test]
    fn upload_bodies_have_their_length_and_do_not_repeat() {
        let body = incompressible(100_003, 7);
        assert_eq!(body.len(), 100_003);
        assert_ne!(body[..8], body[8..16]);
        let distinct: std::collections::HashSet<&[u8]> = body.chunks(8).collect();
        assert!(distinct.len() > 12_000, "{} distinct words", distinct.len());
        assert!(incompressible(0, 0).is_empty());
    }

    #[test]
    fn a_crawling_uplink_gets_an_honest_ceiling_not_an_error() {
        let (outcome, took) = run(UploadConfig::standard(), 0.05, 60.0, true);
        let UploadOutcome::AtMost { mbps, .. } = outcome else {
            panic!("expected a ceiling, got {outcome:?}");
        };
        assert!(mbps > 0.05 && mbps < 0.1, "{mbps}");
        assert!(took <= 6_000.0);
    }

    #[test]
    fn a_slow_but_measurable_uplink_is_a_figure() {
        let (mbps, _, _) = measured(run(UploadConfig::standard(), 0.2, 60.0, true).0);
        assert!((mbps / 0.2 - 1.0).abs() < 0.05, "{mbps}");
    }

    #[test]
    fn a_metered_run_keeps_to_its_budget() {
        let (outcome, _) = run(UploadConfig::metered(), 100.0, 5.0, true);
        let (_, _, bytes) = measured(outcome);
        assert!(
            bytes as usize <= UploadConfig::metered().byte_budget,
            "{bytes}"
        );
    }

    #[test]
    fn a_run_that_ends_on_its_budget_while_still_speeding_up_is_a_floor() {
        let small = UploadConfig {
            byte_budget: 600 * 1024,
            ..UploadConfig::standard()
        };
        let mut run = UploadRun::new(small, 5.0);
        // Each request twice as fast as the last (a link still ramping up).
        let mut now = 0.0;
        let mut speed = 1.0;
        let outcome = loop {
            match run.poll(now) {
                UploadAction::Done(outcome) => break outcome,
                UploadAction::Wait => unreachable!("answered at once"),
                UploadAction::Send { bytes, .. } => {
                    let ms = bytes as f64 * 8.0 / (speed * 1_000.0);
                    now += ms;
                    let answer = UploadAnswer::Counted {
                        bytes: bytes as u64,
                        duration_ms: ms,
                    };
                    run.handle_answer(now, answer);
                    speed *= 2.0;
                }
            }
        };
        assert!(
            matches!(outcome, UploadOutcome::Measured { at_least: true, .. }),
            "{outcome:?}"
        );
        let (settled, _) = super::tests::run(UploadConfig::standard(), 2.0, 30.0, true);
        assert!(matches!(
            settled,
            UploadOutcome::Measured {
                at_least: false,
                ..
            }
        ));
    }

    #[test]
    fn a_refused_request_ends_the_run_without_a_figure() {
        let mut run = UploadRun::new(UploadConfig::standard(), 20.0);
        assert!(matches!(run.poll(0.0), UploadAction::Send { .. }));
        assert_eq!(run.poll(1.0), UploadAction::Wait);
        run.handle_failure();
        assert!(matches!(
            run.poll(2.0),
            UploadAction::Done(UploadOutcome::Failed { .. })
        ));
    }
}
