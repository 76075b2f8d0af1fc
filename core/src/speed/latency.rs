//! Latency figures from round-trip probes (`GET __down?bytes=0`).
//!
//! Idle latency: probes before the download; the caller should drop the first
//! one, which also pays for DNS, TCP and TLS set-up and says nothing about
//! the path. Loaded latency: the median of probes that completed while the
//! download was running (see [`loaded_latency_ms`]); its rise over idle shows
//! a queue filling up somewhere ("bufferbloat"), which people feel as a busy
//! connection.

use serde::{Deserialize, Serialize};

use crate::decimal::parse_decimal;

/// Summary of a set of round-trip times.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LatencyStats {
    /// Median round trip, ms: robust to the odd slow probe.
    pub median_ms: f64,
    /// Mean absolute difference of consecutive probes, ms (0 for one probe).
    pub jitter_ms: f64,
    /// Fastest probe, ms.
    pub min_ms: f64,
    /// Probes counted (finite, non-negative ones).
    pub count: usize,
}

impl LatencyStats {
    /// Summarises probes in the order they were taken; values that are not
    /// finite or negative are ignored. `None` when nothing is left.
    ///
    /// ```
    /// use backup_doctor_core::speed::LatencyStats;
    ///
    /// let stats = LatencyStats::from_samples(&[20.0, 30.0, 25.0, f64::NAN]).unwrap();
    /// assert_eq!(stats.median_ms, 25.0);
    /// assert_eq!(stats.jitter_ms, 7.5);
    /// assert_eq!(stats.count, 3);
    /// ```
    pub fn from_samples(samples_ms: &[f64]) -> Option<Self> {
        let valid: Vec<f64> = samples_ms.iter().copied().filter(|v| usable(*v)).collect();
        let median_ms = median(&valid)?;
        let jitter_ms = if valid.len() < 2 {
            0.0
        } else {
            valid.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (valid.len() - 1) as f64
        };
        let min_ms = valid.iter().copied().fold(f64::INFINITY, f64::min);
        Some(Self {
            median_ms,
            jitter_ms,
            min_ms,
            count: valid.len(),
        })
    }
}

/// Loaded latency: the median of the probes taken during the download.
pub fn loaded_latency_ms(samples_ms: &[f64]) -> Option<f64> {
    median(samples_ms)
}

/// Median of the finite, non-negative values; `None` if there are none.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| usable(*v)).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    } else {
        sorted[middle]
    })
}

fn usable(value: f64) -> bool {
    value.is_finite() && value >= 0.0
}

/// The server's own time in a `Server-Timing` header (`cfRequestDuration;dur=12.5`,
/// `app;dur=3`): the sum of every `dur`, ms. A latency probe subtracts it,
/// so a round trip counts the network, not the server's work.
pub fn server_timing_ms(header: &str) -> Option<f64> {
    let durations: Vec<f64> = header
        .split(',')
        .flat_map(|metric| metric.split(';').skip(1))
        .filter_map(|param| {
            let (name, value) = param.split_once('=')?;
            (name.trim().eq_ignore_ascii_case("dur"))
                .then(|| parse_decimal(value.trim().trim_matches('"')))
                .flatten()
        })
        .filter(|d| d.is_finite() && *d >= 0.0)
        .collect();
    (!durations.is_empty()).then(|| durations.iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn one_slow_probe_does_not_move_the_median() {
        let stats = LatencyStats::from_samples(&[30.0, 31.0, 900.0, 29.0, 30.0]).unwrap();
        assert_eq!(stats.median_ms, 30.0);
        assert_eq!(stats.min_ms, 29.0);
    }

    #[test]
    fn jitter_is_the_mean_step_between_probes() {
        let stats = LatencyStats::from_samples(&[10.0, 20.0, 10.0, 20.0]).unwrap();
        assert_eq!(stats.jitter_ms, 10.0);
        let single = LatencyStats::from_samples(&[42.0]).unwrap();
        assert_eq!(single.jitter_ms, 0.0);
    }

    #[test]
    fn junk_values_are_ignored_and_all_junk_is_none() {
        let stats =
            LatencyStats::from_samples(&[f64::INFINITY, 12.0, -1.0, f64::NAN, 14.0]).unwrap();
        assert_eq!(stats.count, 2);
        assert_eq!(stats.median_ms, 13.0);
        assert_eq!(stats.jitter_ms, 2.0);
        assert_eq!(LatencyStats::from_samples(&[f64::NAN, -3.0]), None);
    }

    #[test]
    fn loaded_latency_is_the_median_during_download() {
        assert_eq!(loaded_latency_ms(&[120.0, 80.0, 200.0]), Some(120.0));
        assert_eq!(loaded_latency_ms(&[]), None);
    }

    #[test]
    fn server_timing_durations_are_read_and_junk_ignored() {
        assert_eq!(server_timing_ms("cfRequestDuration;dur=12.5"), Some(12.5));
        assert_eq!(
            server_timing_ms("app;dur=3, db;desc=\"x\";dur=\"2\""),
            Some(5.0)
        );
        assert_eq!(server_timing_ms("miss, cdn-cache;desc=HIT"), None);
        assert_eq!(server_timing_ms("app;dur=-4"), None);
        assert_eq!(server_timing_ms(""), None);
    }
}
