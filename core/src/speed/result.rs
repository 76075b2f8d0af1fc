//! The speed-test result: what the widget shows, what `speedTest()` resolves
//! with and what the `backup-doctor:speedtest` event carries (DESIGN.md,
//! "Contracts"). One camelCase JSON shape; figures that could not be measured
//! are `null`, never NaN or Infinity (JSON has neither), and a failure
//! carries its cause as data ([`SpeedTestError`]), which the widget words.

use serde::{Deserialize, Serialize};

use super::estimator::StopReason;
use super::run::Phase;
use super::upload::UploadTiming;

/// How the measurement ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TestEnd {
    /// The download estimate settled.
    Stable,
    /// The byte budget was spent.
    Budget,
    /// The time cap was reached.
    TimeCap,
    /// No data arrived for several seconds.
    NoData,
    /// A request failed; see [`SpeedResult::error`].
    Error,
    /// The person (or the host page) stopped it.
    Cancelled,
    /// The page was left in the middle (the guide sends people to their
    /// phone's settings): nothing is wrong with the connection.
    Interrupted,
}

impl From<StopReason> for TestEnd {
    fn from(reason: StopReason) -> Self {
        match reason {
            StopReason::Stable => Self::Stable,
            StopReason::Budget => Self::Budget,
            StopReason::TimeCap => Self::TimeCap,
            StopReason::NoData => Self::NoData,
        }
    }
}

/// Why a measurement failed, as data: the widget words it in the person's
/// language. In JSON an object with a stable `code` (documented in the
/// README) and the variant's figures, e.g. `{"code": "serverStatus",
/// "status": 503}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "code",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SpeedTestError {
    /// The speed-test server answered with an error status.
    ServerStatus {
        /// The HTTP status.
        status: u16,
    },
    /// The connection broke in the middle of the download.
    Dropped {
        /// Bytes received before it broke.
        after_bytes: u64,
    },
    /// Nothing arrived for a while.
    NoData {
        /// How long nothing arrived.
        silent_ms: f64,
    },
    /// No answer came within the time allowed (a very slow or silent link;
    /// not a refusal).
    TimedOut {
        /// How long it waited.
        after_ms: f64,
    },
    /// `fetch` failed before any response: the browser refused the
    /// cross-origin request, or there is no connection at all (the browser
    /// does not tell the two apart).
    Blocked,
}

/// A failure and the part of the test it ended: in JSON the cause's
/// object with a `phase` (`latency`, `download`, `upload`), e.g.
/// `{"phase": "upload", "code": "dropped", "afterBytes": 0}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestError {
    /// Where it happened (an upload failure keeps the download's figure).
    pub phase: Phase,
    /// What happened.
    #[serde(flatten)]
    pub cause: SpeedTestError,
}

impl SpeedTestError {
    /// The stable code, as in JSON.
    pub fn code(&self) -> &'static str {
        match self {
            SpeedTestError::ServerStatus { .. } => "serverStatus",
            SpeedTestError::Dropped { .. } => "dropped",
            SpeedTestError::NoData { .. } => "noData",
            SpeedTestError::TimedOut { .. } => "timedOut",
            SpeedTestError::Blocked => "blocked",
        }
    }
}

/// A finished speed test (camelCase JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpeedResult {
    /// Download speed, Mbit/s.
    pub download_mbps: Option<f64>,
    /// `download_mbps` is a floor: the link was too fast for the figure to
    /// settle before the budget ran out (loopback-fast, or a very fast
    /// link read in a few big chunks), so it is at least that fast.
    pub download_at_least: bool,
    /// Upload speed, Mbit/s (missing when the endpoint or the test skipped it).
    pub upload_mbps: Option<f64>,
    /// `upload_mbps` is a floor: the run ended while each request was still
    /// faster than the last.
    pub upload_at_least: bool,
    /// `upload_mbps` is a ceiling: the time cap came before a request
    /// finished, so the upload is at most that fast.
    pub upload_at_most: bool,
    /// Who timed the upload: the server, or the browser (a server that
    /// says nothing); `None` without a measured figure.
    pub upload_timing: Option<UploadTiming>,
    /// Idle latency (median round trip), ms.
    pub latency_ms: Option<f64>,
    /// Jitter of the idle probes, ms.
    pub jitter_ms: Option<f64>,
    /// Median round trip while downloading, ms.
    pub loaded_latency_ms: Option<f64>,
    /// Median round trip while uploading, ms (a queue that fills on the
    /// uplink is why a backup can crawl while everything else times out).
    pub upload_loaded_latency_ms: Option<f64>,
    /// Bytes the test downloaded and uploaded.
    pub bytes_used: u64,
    /// How long the whole test took, ms.
    pub duration_ms: f64,
    /// From the start of the test to the download result, ms (the part a
    /// person waits for before the first figure shows).
    pub download_ms: Option<f64>,
    /// From the upload's first request to its result, ms.
    pub upload_ms: Option<f64>,
    /// What ended it.
    pub stop_reason: TestEnd,
    /// What went wrong (set with [`SpeedResult::with_error`]).
    pub error: Option<TestError>,
    /// The connection as the browser reports it (`navigator.connection`):
    /// its `type` then its `effectiveType`, e.g. `"cellular 4g"`, `"wifi"`,
    /// `"4g"`; `None` where the browser does not say.
    pub connection: Option<String>,
    /// `navigator.connection.saveData`.
    pub save_data: bool,
}

impl SpeedResult {
    /// A result with nothing measured yet; fill the fields, then call
    /// [`sanitized`](Self::sanitized) before handing it out.
    pub fn new(stop_reason: TestEnd, bytes_used: u64, duration_ms: f64) -> Self {
        Self {
            download_mbps: None,
            download_at_least: false,
            upload_mbps: None,
            upload_at_least: false,
            upload_at_most: false,
            upload_timing: None,
            latency_ms: None,
            jitter_ms: None,
            loaded_latency_ms: None,
            upload_loaded_latency_ms: None,
            bytes_used,
            duration_ms,
            download_ms: None,
            upload_ms: None,
            stop_reason,
            error: None,
            connection: None,
            save_data: false,
        }
    }

    /// Marks the result failed with `error`.
    pub fn with_error(mut self, phase: Phase, error: &SpeedTestError) -> Self {
        self.stop_reason = TestEnd::Error;
        self.error = Some(TestError {
            phase,
            cause: error.clone(),
        });
        self
    }

    /// The same result with every figure that is not a finite, non-negative
    /// number turned into `None` (a duration into 0), and an empty connection
    /// string into `None`.
    pub fn sanitized(mut self) -> Self {
        for figure in [
            &mut self.download_mbps,
            &mut self.upload_mbps,
            &mut self.latency_ms,
            &mut self.jitter_ms,
            &mut self.loaded_latency_ms,
            &mut self.upload_loaded_latency_ms,
            &mut self.download_ms,
            &mut self.upload_ms,
        ] {
            *figure = figure.and_then(finite);
        }
        self.duration_ms = finite(self.duration_ms).unwrap_or(0.0);
        if self.download_mbps.is_none() {
            self.download_at_least = false;
        }
        // What the upload figure is (a ceiling, who timed it) goes with it.
        if self.upload_mbps.is_none() {
            self.upload_at_least = false;
            self.upload_at_most = false;
            self.upload_timing = None;
        }
        if self
            .connection
            .as_deref()
            .is_some_and(|c| c.trim().is_empty())
        {
            self.connection = None;
        }
        self
    }

    /// Whether the browser reports a cellular connection.
    pub fn is_cellular(&self) -> bool {
        self.connection
            .as_deref()
            .is_some_and(|c| c.to_ascii_lowercase().contains("cellular"))
    }
}

/// `Some(value)` for a finite, non-negative number.
pub fn finite(value: f64) -> Option<f64> {
    (value.is_finite() && value >= 0.0).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_uses_the_contract_names() {
        let mut result = SpeedResult::new(TestEnd::TimeCap, 1_234, 8_000.0);
        result.download_mbps = Some(9.5);
        result.save_data = true;
        let json = serde_json::to_value(&result).unwrap();
        for key in [
            "downloadMbps",
            "uploadMbps",
            "latencyMs",
            "jitterMs",
            "loadedLatencyMs",
            "bytesUsed",
            "durationMs",
            "stopReason",
            "error",
            "connection",
            "saveData",
        ] {
            assert!(json.get(key).is_some(), "missing {key} in {json}");
        }
        assert_eq!(json["stopReason"], "timeCap");
        assert_eq!(json["uploadMbps"], serde_json::Value::Null);
        let back: SpeedResult = serde_json::from_value(json).unwrap();
        assert_eq!(back, result);
    }

    #[test]
    fn every_stop_reason_has_its_contract_spelling() {
        let spelled: Vec<String> = [
            TestEnd::Stable,
            TestEnd::Budget,
            TestEnd::TimeCap,
            TestEnd::NoData,
            TestEnd::Error,
            TestEnd::Cancelled,
        ]
        .iter()
        .map(|end| {
            serde_json::to_value(end)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
        assert_eq!(
            spelled,
            [
                "stable",
                "budget",
                "timeCap",
                "noData",
                "error",
                "cancelled"
            ]
        );
        assert_eq!(TestEnd::from(StopReason::NoData), TestEnd::NoData);
    }

    #[test]
    fn sanitized_never_leaves_nan_or_infinity() {
        let mut result = SpeedResult::new(TestEnd::Stable, 0, f64::NAN);
        result.download_mbps = Some(f64::INFINITY);
        result.latency_ms = Some(f64::NAN);
        result.jitter_ms = Some(-2.0);
        result.upload_mbps = Some(3.0);
        result.connection = Some("  ".to_owned());
        let clean = result.sanitized();
        assert_eq!(clean.download_mbps, None);
        assert_eq!(clean.latency_ms, None);
        assert_eq!(clean.jitter_ms, None);
        assert_eq!(clean.upload_mbps, Some(3.0));
        assert_eq!(clean.duration_ms, 0.0);
        assert_eq!(clean.connection, None);
        let text = serde_json::to_string(&clean).unwrap();
        assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    }

    #[test]
    fn errors_carry_a_stable_code_and_their_figures() {
        let cases = [
            (
                SpeedTestError::ServerStatus { status: 503 },
                r#"{"code":"serverStatus","status":503}"#,
            ),
            (
                SpeedTestError::Dropped {
                    after_bytes: 3_100_000,
                },
                r#"{"code":"dropped","afterBytes":3100000}"#,
            ),
            (
                SpeedTestError::NoData { silent_ms: 5_000.0 },
                r#"{"code":"noData","silentMs":5000.0}"#,
            ),
            (
                SpeedTestError::TimedOut { after_ms: 3_000.0 },
                r#"{"code":"timedOut","afterMs":3000.0}"#,
            ),
            (SpeedTestError::Blocked, r#"{"code":"blocked"}"#),
        ];
        for (error, json) in cases {
            assert_eq!(serde_json::to_string(&error).unwrap(), json);
            assert_eq!(serde_json::to_value(&error).unwrap()["code"], error.code());
            assert_eq!(serde_json::from_str::<SpeedTestError>(json).unwrap(), error);
        }
        let failed = SpeedResult::new(TestEnd::Stable, 10, 1.0)
            .with_error(Phase::Upload, &SpeedTestError::ServerStatus { status: 503 });
        assert_eq!(failed.stop_reason, TestEnd::Error);
        let json = serde_json::to_string(&failed.error).unwrap();
        assert_eq!(
            json,
            r#"{"phase":"upload","code":"serverStatus","status":503}"#
        );
        assert_eq!(
            serde_json::from_str::<Option<TestError>>(&json).unwrap(),
            failed.error
        );
    }

    #[test]
    fn cellular_is_read_from_the_connection_type() {
        let mut result = SpeedResult::new(TestEnd::Stable, 0, 0.0);
        assert!(!result.is_cellular());
        result.connection = Some("Cellular 4g".to_owned());
        assert!(result.is_cellular());
        result.connection = Some("4g".to_owned());
        assert!(!result.is_cellular());
    }
}
