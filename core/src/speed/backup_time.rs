//! How long a backup of a given size takes on the measured connection, as a
//! range, and that range in words-to-be (value + unit; the widget localizes).
//!
//! A backup is an upload, so the upload speed is the right figure; when only
//! the download was measured it stands in, divided by a typical
//! download:upload ratio, and [`Basis`] says so (CONTENT.md, "Connectivity
//! figures for the advice").

use serde::{Deserialize, Serialize};

/// Bytes in the "GB" the phone shows. Android (8 and later) and iOS both
/// count storage in decimal units, so the backup size a person reads off the
/// Chat backup screen is in 10^9 bytes; this also gives CONTENT.md's rule of
/// thumb, hours ≈ 2.2 × GB / Mbit/s (8 000 / 3 600).
pub const BYTES_PER_GB: f64 = 1e9;

/// Least overhead on top of the raw transfer time: HTTPS, the backup
/// protocol's chunking and retries; 20 % is a good day.
pub const MIN_OVERHEAD: f64 = 0.20;

/// Most overhead usually seen: 50 % (a busy phone, a wobbly link).
pub const MAX_OVERHEAD: f64 = 0.50;

/// Download:upload ratio assumed when only the download is known: about 4:1
/// on fixed broadband; mobile is 3-8:1 and ADSL/cable 10-20:1, so the
/// estimate is then a best case.
pub const ASSUMED_DOWNLOAD_UPLOAD_RATIO: f64 = 4.0;

/// Which measured figure an estimate rests on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Basis {
    /// The measured upload speed.
    Upload,
    /// The download speed divided by `assumed_ratio` (no upload figure).
    #[serde(rename_all = "camelCase")]
    DownloadProxy {
        /// The download:upload ratio assumed.
        assumed_ratio: f64,
    },
}

/// Hours a backup is likely to take.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupEstimate {
    /// Optimistic end of the range, hours.
    pub low_hours: f64,
    /// Pessimistic end of the range, hours.
    pub high_hours: f64,
    /// The upload speed used, Mbit/s (measured or derived).
    pub upload_mbps: f64,
    /// Where that upload speed came from.
    pub basis: Basis,
}

impl BackupEstimate {
    /// The estimate for `size_gb` (as the phone shows it), from the upload
    /// speed if known, else from the download speed; `None` if the size or
    /// the speeds are missing, zero, negative or not numbers.
    ///
    /// ```
    /// use backup_doctor_core::speed::{BackupEstimate, Basis};
    ///
    /// let estimate = BackupEstimate::new(5.0, Some(5.0), None).unwrap();
    /// assert_eq!(estimate.basis, Basis::Upload);
    /// assert!(estimate.low_hours > 2.5 && estimate.high_hours < 3.5);
    /// ```
    pub fn new(size_gb: f64, upload_mbps: Option<f64>, download_mbps: Option<f64>) -> Option<Self> {
        if !(size_gb.is_finite() && size_gb > 0.0) {
            return None;
        }
        let usable = |mbps: Option<f64>| mbps.filter(|m| m.is_finite() && *m > 0.0);
        let (upload_mbps, basis) = match (usable(upload_mbps), usable(download_mbps)) {
            (Some(up), _) => (up, Basis::Upload),
            (None, Some(down)) => (
                down / ASSUMED_DOWNLOAD_UPLOAD_RATIO,
                Basis::DownloadProxy {
                    assumed_ratio: ASSUMED_DOWNLOAD_UPLOAD_RATIO,
                },
            ),
            (None, None) => return None,
        };
        let raw_hours = size_gb * BYTES_PER_GB * 8.0 / (upload_mbps * 1e6) / 3_600.0;
        let estimate = Self {
            low_hours: raw_hours * (1.0 + MIN_OVERHEAD),
            high_hours: raw_hours * (1.0 + MAX_OVERHEAD),
            upload_mbps,
            basis,
        };
        (estimate.low_hours.is_finite() && estimate.high_hours.is_finite()).then_some(estimate)
    }

    /// The range as the widget should say it.
    pub fn human(&self) -> HumanDuration {
        human_duration_range(self.low_hours, self.high_hours).unwrap_or(HumanDuration::Over {
            value: MAX_DAYS,
            unit: TimeUnit::Days,
        })
    }
}

/// The unit a duration is said in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TimeUnit {
    /// Minutes.
    Minutes,
    /// Hours.
    Hours,
    /// Days.
    Days,
}

/// A duration in parts the widget turns into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum HumanDuration {
    /// "under 5 minutes"
    Under {
        /// The bound.
        value: u32,
        /// Its unit.
        unit: TimeUnit,
    },
    /// "about 3 hours"
    About {
        /// The figure.
        value: u32,
        /// Its unit.
        unit: TimeUnit,
    },
    /// "about 2–3 hours"
    Between {
        /// Lower figure.
        low: u32,
        /// Higher figure.
        high: u32,
        /// Their unit.
        unit: TimeUnit,
    },
    /// "more than 30 days"
    Over {
        /// The bound.
        value: u32,
        /// Its unit.
        unit: TimeUnit,
    },
}

/// Below this, minutes are not worth counting: "under 5 minutes".
const FLOOR_MINUTES: u32 = 5;

/// Minutes are rounded to multiples of this; more precision would be false.
const MINUTE_STEP: f64 = 5.0;

/// Up to this many hours, say hours ("about 30 hours" reads better than
/// "about 1–2 days" for a backup left overnight).
const MAX_HOURS: f64 = 48.0;

/// Beyond this many days, just "more than 30 days".
const MAX_DAYS: u32 = 30;

/// One duration in words-to-be; `None` if `hours` is negative or not a number.
pub fn human_duration(hours: f64) -> Option<HumanDuration> {
    human_duration_range(hours, hours)
}

/// A range of hours in words-to-be, in the unit its upper end calls for;
/// `None` if either end is negative or not a number.
///
/// ```
/// use backup_doctor_core::speed::{human_duration_range, HumanDuration, TimeUnit};
///
/// assert_eq!(
///     human_duration_range(2.2, 3.3),
///     Some(HumanDuration::Between { low: 2, high: 3, unit: TimeUnit::Hours })
/// );
/// ```
pub fn human_duration_range(low_hours: f64, high_hours: f64) -> Option<HumanDuration> {
    if !(low_hours.is_finite() && high_hours.is_finite() && low_hours >= 0.0 && high_hours >= 0.0) {
        return None;
    }
    let (low, high) = if low_hours <= high_hours {
        (low_hours, high_hours)
    } else {
        (high_hours, low_hours)
    };
    let minutes = high * 60.0;
    if minutes < f64::from(FLOOR_MINUTES) {
        return Some(HumanDuration::Under {
            value: FLOOR_MINUTES,
            unit: TimeUnit::Minutes,
        });
    }
    let (unit, scale, step, floor) = if high < 1.0 {
        (
            TimeUnit::Minutes,
            60.0,
            MINUTE_STEP,
            f64::from(FLOOR_MINUTES),
        )
    } else if high < MAX_HOURS {
        (TimeUnit::Hours, 1.0, 1.0, 1.0)
    } else if high / 24.0 <= f64::from(MAX_DAYS) {
        (TimeUnit::Days, 1.0 / 24.0, 1.0, 1.0)
    } else {
        return Some(HumanDuration::Over {
            value: MAX_DAYS,
            unit: TimeUnit::Days,
        });
    };
    let round = |value: f64| ((value * scale / step).round() * step).max(floor) as u32;
    let (low, high) = (round(low), round(high));
    Some(if low == high {
        HumanDuration::About { value: high, unit }
    } else {
        HumanDuration::Between { low, high, unit }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_wins_over_download() {
        let estimate = BackupEstimate::new(1.0, Some(2.0), Some(100.0)).unwrap();
        assert_eq!(estimate.basis, Basis::Upload);
        assert_eq!(estimate.upload_mbps, 2.0);
    }

    #[test]
    fn download_alone_is_a_proxy_and_says_so() {
        let estimate = BackupEstimate::new(5.0, None, Some(20.0)).unwrap();
        assert_eq!(
            estimate.basis,
            Basis::DownloadProxy {
                assumed_ratio: ASSUMED_DOWNLOAD_UPLOAD_RATIO
            }
        );
        let by_upload = BackupEstimate::new(5.0, Some(5.0), None).unwrap();
        assert!((estimate.low_hours - by_upload.low_hours).abs() < 1e-9);
    }

    #[test]
    fn nothing_usable_gives_no_estimate() {
        assert_eq!(BackupEstimate::new(5.0, None, None), None);
        assert_eq!(BackupEstimate::new(5.0, Some(0.0), Some(f64::NAN)), None);
        assert_eq!(BackupEstimate::new(f64::NAN, Some(5.0), None), None);
        assert_eq!(BackupEstimate::new(-1.0, Some(5.0), None), None);
        assert!(BackupEstimate::new(5.0, Some(-3.0), Some(8.0)).is_some());
    }

    #[test]
    fn tiny_and_huge_durations_stay_words() {
        assert_eq!(
            human_duration(0.01),
            Some(HumanDuration::Under {
                value: 5,
                unit: TimeUnit::Minutes
            })
        );
        assert_eq!(
            human_duration(0.5),
            Some(HumanDuration::About {
                value: 30,
                unit: TimeUnit::Minutes
            })
        );
        assert_eq!(
            human_duration(50.0),
            Some(HumanDuration::About {
                value: 2,
                unit: TimeUnit::Days
            })
        );
        assert_eq!(
            human_duration(1e12),
            Some(HumanDuration::Over {
                value: 30,
                unit: TimeUnit::Days
            })
        );
        assert_eq!(human_duration(f64::NAN), None);
        assert_eq!(human_duration(f64::INFINITY), None);
        assert_eq!(human_duration(-1.0), None);
    }

    #[test]
    fn a_reversed_range_is_put_right() {
        assert_eq!(
            human_duration_range(3.3, 2.2),
            human_duration_range(2.2, 3.3)
        );
    }

    #[test]
    fn serialized_parts_are_tagged_for_the_widget() {
        let json = serde_json::to_value(HumanDuration::Between {
            low: 2,
            high: 3,
            unit: TimeUnit::Hours,
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "between", "low": 2, "high": 3, "unit": "hours"})
        );
    }
}
