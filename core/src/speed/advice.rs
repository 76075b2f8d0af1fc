//! Advice rules: a finished [`SpeedResult`] (and the backup size, if the
//! person gave it) in, concrete advice items out.
//!
//! Items carry no words; the widget says each in the person's language. The
//! thresholds are named constants with the reason for their value, and the
//! tree's route conditions are answered by the same rules
//! ([`condition_holds`]), so a route and the advice beside it never disagree.

use serde::{Deserialize, Serialize};

use super::backup_time::{BackupEstimate, Basis, ASSUMED_DOWNLOAD_UPLOAD_RATIO};
use super::result::{finite, SpeedResult, TestEnd};

/// Upload below this (Mbit/s) is very slow for a backup: 1 GB then takes
/// over 2 hours even before overhead.
pub const VERY_SLOW_UPLOAD_MBPS: f64 = 1.0;

/// A backup that takes longer than this even at the optimistic end (hours)
/// will rarely finish in one go: phones sleep, move, change networks.
pub const LONG_BACKUP_HOURS: f64 = 12.0;

/// Jitter above this (ms) means an unsteady link (Wi-Fi interference, a weak
/// signal): uploads on it stall and restart.
pub const UNSTABLE_JITTER_MS: f64 = 30.0;

/// A download that ran to the time cap at this speed or faster should have
/// settled long before (2 Mbit/s settles in ~3 s): its rate kept changing.
pub const UNSETTLED_MIN_MBPS: f64 = 2.0;

/// Loaded latency this far above idle (ms) is a queue filling up: someone or
/// something else is using the connection, or the router buffers too much.
pub const BUSY_LATENCY_RISE_MS: f64 = 100.0;

/// ...or this many times the idle latency, for links with a low baseline...
pub const BUSY_LATENCY_FACTOR: f64 = 3.0;

/// ...as long as the rise is at least this (ms): 5 ms becoming 16 ms is not
/// something a person would notice.
pub const BUSY_LATENCY_MIN_RISE_MS: f64 = 30.0;

/// The conditions a tree can route on: the tree format owns the names
/// (`routes[].when`), the advice rules decide when each holds.
pub use crate::tree::RouteCondition as Condition;

/// One piece of advice; the widget words it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Advice {
    /// Nothing reached the server: check airplane mode, that Wi-Fi or mobile
    /// data is on and connected, then restart the router.
    Offline,
    /// The test did not produce a download figure (server error, cancelled):
    /// nothing can be said about the connection; go on.
    NotMeasured,
    /// How long the backup will take here (only when the size is known).
    BackupTime(BackupEstimate),
    /// Upload too slow for a backup to finish: move closer to the router,
    /// try another Wi-Fi, restart the router, exclude videos.
    VerySlowUpload {
        /// The upload speed judged, Mbit/s.
        upload_mbps: f64,
        /// Measured, or derived from the download.
        basis: Basis,
    },
    /// Unsteady connection (high jitter, stalls, a rate that never settled).
    UnstableConnection,
    /// Latency rises a lot under load: pause other downloads and streaming.
    BusyConnection,
    /// The upload itself is fine, but latency rises a lot while it runs:
    /// the uplink's queue fills (everything else slows or times out).
    BusyWhileUploading,
    /// On mobile data: the "Back up using cellular" setting, and data costs.
    Cellular,
    /// The browser asks to save data: the backup may wait for Wi-Fi too.
    SaveDataOn,
    /// The connection is not the problem: go on to the next step.
    GoodConnection,
}

impl Advice {
    /// The route condition this item stands for, if any.
    pub fn condition(&self) -> Option<Condition> {
        match self {
            Self::Offline => Some(Condition::Offline),
            Self::VerySlowUpload { .. } => Some(Condition::SlowUpload),
            Self::UnstableConnection => Some(Condition::Unstable),
            Self::BusyConnection | Self::BusyWhileUploading => Some(Condition::HighLoadedLatency),
            Self::Cellular => Some(Condition::Cellular),
            Self::NotMeasured | Self::BackupTime(_) | Self::SaveDataOn | Self::GoodConnection => {
                None
            }
        }
    }
}

/// The advice for `result`, most important first. With `backup_size_gb`
/// (as the phone shows it) it starts with the time the backup will take,
/// and a very long estimate counts as a very slow upload.
pub fn advise(result: &SpeedResult, backup_size_gb: Option<f64>) -> Vec<Advice> {
    let download = result.download_mbps.and_then(finite);
    let upload = result.upload_mbps.and_then(finite);
    if is_offline(result, download, upload) {
        return vec![Advice::Offline];
    }
    let mut advice = Vec::new();
    let estimate = backup_size_gb.and_then(|size| BackupEstimate::new(size, upload, download));
    if let Some(estimate) = estimate {
        advice.push(Advice::BackupTime(estimate));
    }
    if download.is_none() && upload.is_none() {
        advice.push(Advice::NotMeasured);
    }

    let judged_upload = match (upload, download) {
        (Some(up), _) => Some((up, Basis::Upload)),
        (None, Some(down)) => Some((
            down / ASSUMED_DOWNLOAD_UPLOAD_RATIO,
            Basis::DownloadProxy {
                assumed_ratio: ASSUMED_DOWNLOAD_UPLOAD_RATIO,
            },
        )),
        (None, None) => None,
    };
    let too_long = estimate.is_some_and(|e| e.low_hours > LONG_BACKUP_HOURS);
    let slow = match judged_upload {
        Some((upload_mbps, basis)) if upload_mbps < VERY_SLOW_UPLOAD_MBPS || too_long => {
            advice.push(Advice::VerySlowUpload { upload_mbps, basis });
            true
        }
        _ => false,
    };
    let unstable = is_unstable(result, download);
    if unstable {
        advice.push(Advice::UnstableConnection);
    }
    let busy = is_busy(result.latency_ms, result.loaded_latency_ms);
    if busy {
        advice.push(Advice::BusyConnection);
    }
    // A slow upload is its own problem; a fine one that clogs is this one.
    let clogs = !slow && is_busy(result.latency_ms, result.upload_loaded_latency_ms);
    if clogs {
        advice.push(Advice::BusyWhileUploading);
    }
    if result.is_cellular() {
        advice.push(Advice::Cellular);
    }
    if result.save_data {
        advice.push(Advice::SaveDataOn);
    }
    if judged_upload.is_some() && !slow && !unstable && !busy && !clogs {
        advice.push(Advice::GoodConnection);
    }
    advice
}

/// Whether `condition` holds for `result`: exactly when [`advise`] (without
/// a backup size) gives the item that stands for it.
pub fn condition_holds(condition: Condition, result: &SpeedResult) -> bool {
    advise(result, None)
        .iter()
        .any(|item| item.condition() == Some(condition))
}

/// No byte and no probe got through, and the test ended in failure or
/// silence (a cancelled test says nothing about the connection).
fn is_offline(result: &SpeedResult, download: Option<f64>, upload: Option<f64>) -> bool {
    matches!(result.stop_reason, TestEnd::Error | TestEnd::NoData)
        && result.bytes_used == 0
        && download.is_none()
        && upload.is_none()
        && result.latency_ms.and_then(finite).is_none()
}

fn is_unstable(result: &SpeedResult, download: Option<f64>) -> bool {
    let jittery = result
        .jitter_ms
        .and_then(finite)
        .is_some_and(|jitter| jitter > UNSTABLE_JITTER_MS);
    // Data flowed, then stopped: a stall, or a failure before any figure (a
    // failure after the download figure is more likely the upload endpoint's).
    let broke_off = result.bytes_used > 0
        && match result.stop_reason {
            TestEnd::NoData => true,
            TestEnd::Error => download.is_none(),
            _ => false,
        };
    let unsettled = result.stop_reason == TestEnd::TimeCap
        && download.is_some_and(|mbps| mbps >= UNSETTLED_MIN_MBPS);
    jittery || broke_off || unsettled
}

/// Whether `loaded` latency is far above the `idle` one.
fn is_busy(idle: Option<f64>, loaded: Option<f64>) -> bool {
    let (Some(idle), Some(loaded)) = (idle.and_then(finite), loaded.and_then(finite)) else {
        return false;
    };
    let rise = loaded - idle;
    rise > BUSY_LATENCY_RISE_MS
        || (loaded > BUSY_LATENCY_FACTOR * idle && rise > BUSY_LATENCY_MIN_RISE_MS)
}
