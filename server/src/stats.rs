//! Counters of what the speed-test endpoints really moved, for benchmarks
//! ("how much data did a measurement cost?") and tests ("did an aborted
//! download stop the server sending?").
//!
//! Counting is always on (a few relaxed atomic adds per 16 KiB chunk); only
//! the `/__stats` endpoints that read and reset the counters hide behind the
//! `--stats` flag.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::AppState;

/// Shared counters; one per router, behind an `Arc`.
#[derive(Debug, Default)]
pub struct Stats {
    down_bytes: AtomicU64,
    up_bytes: AtomicU64,
    down_requests: AtomicU64,
    up_requests: AtomicU64,
    open_down_streams: AtomicU64,
    open_faults: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Payload bytes handed to the connection by `/__down` bodies.
    pub down_bytes: u64,
    /// Body bytes read by `/__up`.
    pub up_bytes: u64,
    /// Accepted `/__down` requests (including `bytes=0` probes).
    pub down_requests: u64,
    /// Accepted `/__up` requests.
    pub up_requests: u64,
    /// `/__down` bodies still being sent.
    pub open_down_streams: u64,
    /// Fault responses (stall, endless, timeout) still waiting for their client.
    pub open_faults: u64,
}

impl StatsSnapshot {
    /// The JSON shape of `GET /__stats`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "downBytes": self.down_bytes,
            "upBytes": self.up_bytes,
            "downRequests": self.down_requests,
            "upRequests": self.up_requests,
            "openDownStreams": self.open_down_streams,
            "openFaults": self.open_faults,
        })
    }
}

impl Stats {
    /// Reads every counter.
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            down_bytes: self.down_bytes.load(Ordering::Relaxed),
            up_bytes: self.up_bytes.load(Ordering::Relaxed),
            down_requests: self.down_requests.load(Ordering::Relaxed),
            up_requests: self.up_requests.load(Ordering::Relaxed),
            open_down_streams: self.open_down_streams.load(Ordering::Relaxed),
            open_faults: self.open_faults.load(Ordering::Relaxed),
        }
    }

    /// Zeroes the traffic counters. Open streams and faults are facts about
    /// the present, not history, so they are kept.
    pub fn reset(&self) {
        self.down_bytes.store(0, Ordering::Relaxed);
        self.up_bytes.store(0, Ordering::Relaxed);
        self.down_requests.store(0, Ordering::Relaxed);
        self.up_requests.store(0, Ordering::Relaxed);
    }

    pub(crate) fn count_down_request(&self) {
        self.down_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_up_request(&self) {
        self.up_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_down_bytes(&self, bytes: u64) {
        self.down_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    pub(crate) fn count_up_bytes(&self, bytes: u64) {
        self.up_bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// Marks one `/__down` body as open for as long as it lives; dropping it (the
/// body finished, or the client went away) closes it.
#[derive(Debug)]
pub(crate) struct OpenDownStream(Arc<Stats>);

impl OpenDownStream {
    pub(crate) fn open(stats: Arc<Stats>) -> Self {
        stats.open_down_streams.fetch_add(1, Ordering::Relaxed);
        Self(stats)
    }

    pub(crate) fn count_sent(&self, bytes: u64) {
        self.0.count_down_bytes(bytes);
    }
}

impl Drop for OpenDownStream {
    fn drop(&mut self) {
        self.0.open_down_streams.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Marks one hanging fault response (stall, endless, timeout) as open, so
/// tests can see it end when its client goes away.
#[derive(Debug)]
pub(crate) struct OpenFault(Arc<Stats>);

impl OpenFault {
    pub(crate) fn open(stats: Arc<Stats>) -> Self {
        stats.open_faults.fetch_add(1, Ordering::Relaxed);
        Self(stats)
    }
}

impl Drop for OpenFault {
    fn drop(&mut self) {
        self.0.open_faults.fetch_sub(1, Ordering::Relaxed);
    }
}

/// `GET /__stats`.
pub(crate) async fn show(State(state): State<AppState>) -> Response {
    Json(state.stats.snapshot().to_json()).into_response()
}

/// `POST /__stats/reset`: answers with the counters as they were just before.
pub(crate) async fn reset(State(state): State<AppState>) -> Response {
    let before = state.stats.snapshot();
    state.stats.reset();
    Json(before.to_json()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_streams_close_when_dropped_and_survive_reset() {
        let stats = Arc::new(Stats::default());
        let first = OpenDownStream::open(stats.clone());
        let second = OpenDownStream::open(stats.clone());
        first.count_sent(10);
        second.count_sent(5);
        stats.reset();
        assert_eq!(stats.snapshot().open_down_streams, 2);
        assert_eq!(stats.snapshot().down_bytes, 0);
        drop(first);
        assert_eq!(stats.snapshot().open_down_streams, 1);
        drop(second);
        assert_eq!(stats.snapshot().open_down_streams, 0);
    }

    #[test]
    fn snapshot_json_uses_camel_case_names() {
        let stats = Stats::default();
        stats.count_down_request();
        stats.count_down_bytes(7);
        stats.count_up_request();
        stats.count_up_bytes(3);
        let json = stats.snapshot().to_json();
        assert_eq!(json["downBytes"], 7);
        assert_eq!(json["upBytes"], 3);
        assert_eq!(json["downRequests"], 1);
        assert_eq!(json["upRequests"], 1);
        assert_eq!(json["openDownStreams"], 0);
    }
}
