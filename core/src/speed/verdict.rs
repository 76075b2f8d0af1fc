//! The verdict: one plain sentence on what the connection means for this
//! backup, said before any figure. It is built from the same advice rules
//! and backup-time maths as the rest of the report, so "probably not the
//! cause" can never stand beside a five-hour estimate again: a backup that
//! needs hours here is *slow, not stuck*, and the person is told to leave
//! the phone on Wi-Fi and charging for that long.

use serde::{Deserialize, Serialize};

use super::advice::{advise, Advice};
use super::backup_time::BackupEstimate;
use super::result::SpeedResult;

/// A backup that needs at least this long here (hours, at the slow end of
/// the estimate) looks stuck to a person watching "Backup in progress": a
/// few minutes is "done soon", an hour or more is "slow, not stuck".
pub const SLOW_NOT_STUCK_HOURS: f64 = 1.0;

/// What the connection means for the backup; the widget words it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Verdict {
    /// Nothing got through: the phone is offline.
    Offline,
    /// No figure came out of the test: nothing can be said.
    NotMeasured,
    /// So slow the backup may never finish in one go (upload under 1
    /// Mbit/s, or over 12 hours for this size).
    TooSlow {
        /// The time it would take, when the size is known.
        estimate: Option<BackupEstimate>,
    },
    /// Speed would do, but the connection stalls and jitters.
    Unsteady,
    /// The backup needs an hour or more here: slow, not stuck.
    SlowNotStuck {
        /// The time it takes.
        estimate: BackupEstimate,
    },
    /// Fast enough: the connection is not the cause.
    FastEnough {
        /// The time it takes, when the size is known.
        estimate: Option<BackupEstimate>,
    },
}

/// The verdict for `result` and the backup size the person gave, if any.
///
/// ```
/// use backup_doctor_core::speed::{verdict, SpeedResult, TestEnd, Verdict};
/// let mut r = SpeedResult::new(TestEnd::Stable, 1_000_000, 3_000.0);
/// (r.download_mbps, r.upload_mbps, r.latency_ms) = (Some(20.0), Some(2.0), Some(40.0));
/// assert!(matches!(verdict(&r, Some(3.0)), Verdict::SlowNotStuck { .. }));
/// assert!(matches!(verdict(&r, Some(0.2)), Verdict::FastEnough { .. }));
/// ```
pub fn verdict(result: &SpeedResult, backup_size_gb: Option<f64>) -> Verdict {
    let advice = advise(result, backup_size_gb);
    let has = |wanted: fn(&Advice) -> bool| advice.iter().any(wanted);
    let estimate = advice.iter().find_map(|a| match a {
        Advice::BackupTime(e) => Some(*e),
        _ => None,
    });
    if has(|a| matches!(a, Advice::Offline)) {
        Verdict::Offline
    } else if has(|a| matches!(a, Advice::NotMeasured)) {
        Verdict::NotMeasured
    } else if has(|a| matches!(a, Advice::VerySlowUpload { .. })) {
        Verdict::TooSlow { estimate }
    } else if has(|a| matches!(a, Advice::UnstableConnection)) {
        Verdict::Unsteady
    } else {
        match estimate {
            Some(e) if e.low_hours >= SLOW_NOT_STUCK_HOURS => Verdict::SlowNotStuck { estimate: e },
            estimate => Verdict::FastEnough { estimate },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speed::TestEnd;

    fn measured(download: f64, upload: Option<f64>) -> SpeedResult {
        let mut r = SpeedResult::new(TestEnd::Stable, 2_000_000, 3_000.0);
        r.download_mbps = Some(download);
        r.upload_mbps = upload;
        r.latency_ms = Some(35.0);
        r.jitter_ms = Some(4.0);
        r.loaded_latency_ms = Some(60.0);
        r
    }

    #[test]
    fn two_mbit_up_and_3_gb_is_slow_not_stuck_with_the_time() {
        let Verdict::SlowNotStuck { estimate } = verdict(&measured(30.0, Some(2.0)), Some(3.0))
        else {
            panic!("a 3 GB backup at 2 Mbit/s up takes hours");
        };
        assert!(
            estimate.low_hours > 3.0 && estimate.high_hours < 6.0,
            "{estimate:?}"
        );
    }

    #[test]
    fn a_small_backup_on_a_good_link_is_not_the_cause() {
        assert!(matches!(
            verdict(&measured(50.0, Some(20.0)), Some(1.0)),
            Verdict::FastEnough { estimate: Some(_) }
        ));
        assert!(matches!(
            verdict(&measured(50.0, Some(20.0)), None),
            Verdict::FastEnough { estimate: None }
        ));
    }

    #[test]
    fn a_very_slow_upload_or_half_a_day_is_too_slow() {
        assert!(matches!(
            verdict(&measured(20.0, Some(0.4)), None),
            Verdict::TooSlow { .. }
        ));
        assert!(matches!(
            verdict(&measured(20.0, Some(1.5)), Some(15.0)),
            Verdict::TooSlow { estimate: Some(_) }
        ));
    }

    #[test]
    fn nothing_through_is_offline_and_nothing_measured_says_so() {
        let offline = SpeedResult::new(TestEnd::Error, 0, 900.0);
        assert_eq!(verdict(&offline, Some(2.0)), Verdict::Offline);
        let mut cancelled = SpeedResult::new(TestEnd::Cancelled, 10_000, 500.0);
        cancelled.latency_ms = Some(30.0);
        assert_eq!(verdict(&cancelled, Some(2.0)), Verdict::NotMeasured);
    }

    #[test]
    fn an_unsteady_link_is_said_before_the_time() {
        let mut r = measured(20.0, Some(5.0));
        r.jitter_ms = Some(80.0);
        assert_eq!(verdict(&r, Some(2.0)), Verdict::Unsteady);
    }
}
