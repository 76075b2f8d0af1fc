//! The byte series behind the throughput estimate: bytes of every stream laid
//! out on one time axis, and the search for its steady part.
//!
//! Browsers hand over a response in chunks whose bytes arrived *before* the
//! chunk's timestamp, somewhere since the same stream's previous chunk. So a
//! chunk is spread evenly over that interval into fine time bins instead of
//! being counted at one instant; a window then holds the bytes that really
//! arrived in it, whatever the chunk sizes (1 KB or 64 KB) or read bursts.
//! Separate from `estimator` because this part is plain arithmetic over
//! (time, bytes), while the estimator owns streams and decisions.

/// Shortest analysis window: below this, a browser's timer and event-loop
/// jitter (a few ms) would be a large part of each window.
pub(crate) const MIN_WINDOW_MS: f64 = 20.0;

/// Longest analysis window: long enough to average event-loop hiccups and
/// TCP's small rate wobble, short enough to see a ramp end within ~1/4 s.
pub(crate) const MAX_WINDOW_MS: f64 = 250.0;

/// The series is cut into about this many windows while it is young, so a
/// very fast link (1 Gbit/s spends its whole budget in ~0.15 s) still gets
/// enough windows to tell the ramp from the steady part.
const WINDOWS_PER_SPAN: f64 = 8.0;

/// Cumulative estimates at this many recent window ends must agree for the
/// estimate to count as settled.
const STABILITY_CHECKPOINTS: usize = 4;

/// Bytes spread over fixed time bins, relative to the test's start.
#[derive(Debug, Clone)]
pub(crate) struct ByteSeries {
    bin_ms: f64,
    bins: Vec<f64>,
    max_bins: usize,
}

impl ByteSeries {
    /// A series with `bin_ms` bins that never grows past `horizon_ms`
    /// (later bytes land in the last bin; the test has stopped by then).
    pub(crate) fn new(bin_ms: f64, horizon_ms: f64) -> Self {
        let bin_ms = if bin_ms.is_finite() && bin_ms > 0.0 {
            bin_ms
        } else {
            2.0
        };
        let horizon = if horizon_ms.is_finite() && horizon_ms > 0.0 {
            horizon_ms
        } else {
            60_000.0
        };
        let max_bins = ((horizon / bin_ms).ceil() as usize).clamp(1, 1_000_000);
        Self {
            bin_ms,
            bins: Vec::new(),
            max_bins,
        }
    }

    /// Adds `bytes` that arrived evenly between `from_ms` and `to_ms`
    /// (a zero-length interval puts them in the bin of `to_ms`).
    pub(crate) fn add(&mut self, from_ms: f64, to_ms: f64, bytes: f64) {
        if !(bytes > 0.0 && bytes.is_finite() && from_ms.is_finite() && to_ms.is_finite()) {
            return;
        }
        let to = to_ms.max(0.0);
        let from = from_ms.clamp(0.0, to);
        let length = to - from;
        if length < 1e-9 {
            self.add_to_bin(self.bin_of(to), bytes);
            return;
        }
        let first = self.bin_of(from);
        let last = self.bin_of(to);
        for index in first..=last {
            let lo = from.max(index as f64 * self.bin_ms);
            // The last bin also takes whatever falls past the horizon.
            let hi = if index + 1 == self.max_bins {
                to
            } else {
                to.min((index + 1) as f64 * self.bin_ms)
            };
            if hi > lo {
                self.add_to_bin(index, bytes * (hi - lo) / length);
            }
        }
    }

    fn bin_of(&self, t_ms: f64) -> usize {
        ((t_ms / self.bin_ms).floor().max(0.0) as usize).min(self.max_bins - 1)
    }

    fn add_to_bin(&mut self, index: usize, bytes: f64) {
        let index = index.min(self.max_bins - 1);
        if self.bins.len() <= index {
            self.bins.resize(index + 1, 0.0);
        }
        self.bins[index] += bytes;
    }

    /// The running total, for bytes-between-two-times questions.
    pub(crate) fn cumulative(&self) -> Cumulative {
        let mut prefix = Vec::with_capacity(self.bins.len() + 1);
        let mut total = 0.0;
        prefix.push(0.0);
        for bytes in &self.bins {
            total += bytes;
            prefix.push(total);
        }
        Cumulative {
            bin_ms: self.bin_ms,
            prefix,
        }
    }
}

/// Bytes arrived before a given time, interpolated inside a bin (bytes in a
/// bin are spread evenly, so the straight line is the model itself).
#[derive(Debug, Clone)]
pub(crate) struct Cumulative {
    bin_ms: f64,
    prefix: Vec<f64>,
}

impl Cumulative {
    /// Bytes that arrived up to `t_ms`.
    pub(crate) fn at(&self, t_ms: f64) -> f64 {
        let position = (t_ms / self.bin_ms).max(0.0);
        let index = position.floor() as usize;
        let last = self.prefix.len() - 1;
        if index >= last {
            return self.prefix[last];
        }
        let fraction = position - index as f64;
        self.prefix[index] + (self.prefix[index + 1] - self.prefix[index]) * fraction
    }

    /// Bytes that arrived in `(from_ms, to_ms]`.
    pub(crate) fn between(&self, from_ms: f64, to_ms: f64) -> f64 {
        (self.at(to_ms) - self.at(from_ms)).max(0.0)
    }
}

/// The part of the series that looks like one steady rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SteadyWindow {
    /// Start of the steady part (ms since the test's start).
    pub start_ms: f64,
    /// End: the last moment every open stream has reported up to.
    pub end_ms: f64,
    /// Bytes that arrived in it.
    pub bytes: f64,
    /// Bytes per millisecond over it.
    pub rate: f64,
    /// Relative spread of the recent cumulative estimates, in percent
    /// (100 while there are too few windows to say).
    pub spread_pct: f64,
    /// How many analysis windows the steady part spans.
    pub windows: usize,
    /// Analysis window length used.
    pub window_ms: f64,
}

impl SteadyWindow {
    pub(crate) fn duration_ms(&self) -> f64 {
        self.end_ms - self.start_ms
    }
}

/// Finds the steady part of `(first_ms, end_ms]`: the longest run of recent
/// windows whose rates agree with their mean within `tolerance` (relative).
///
/// Walking back from the newest window, a window that disagrees ends the run
/// (a ramp-up, a token-bucket burst, or a change of speed), unless it is a
/// lone outlier with agreeing windows on both sides. The oldest window of the
/// run is then dropped too: it touches the ramp and may carry its tail while
/// still inside the tolerance.
pub(crate) fn steady_window(
    cumulative: &Cumulative,
    first_ms: f64,
    end_ms: f64,
    tolerance: f64,
) -> Option<SteadyWindow> {
    let span = end_ms - first_ms;
    if !(span > 0.0 && span.is_finite()) {
        return None;
    }
    let window = (span / WINDOWS_PER_SPAN).clamp(MIN_WINDOW_MS, MAX_WINDOW_MS);
    let count = (span / window).floor() as usize;
    if count < 2 {
        let bytes = cumulative.between(first_ms, end_ms);
        return Some(SteadyWindow {
            start_ms: first_ms,
            end_ms,
            bytes,
            rate: bytes / span,
            spread_pct: 100.0,
            windows: count,
            window_ms: window,
        });
    }
    let rates: Vec<f64> = (0..count)
        .map(|j| {
            let hi = end_ms - j as f64 * window;
            cumulative.between(hi - window, hi) / window
        })
        .collect();

    let agrees = |rate: f64, level: f64| {
        if level <= 0.0 {
            rate <= 0.0
        } else {
            (rate - level).abs() <= tolerance * level
        }
    };
    let mut taken = 1;
    let mut sum = rates[0];
    while taken < count {
        let level = sum / taken as f64;
        if agrees(rates[taken], level) {
            sum += rates[taken];
            taken += 1;
        } else if taken + 2 < count
            && agrees(rates[taken + 1], level)
            && agrees(rates[taken + 2], level)
        {
            sum += rates[taken] + rates[taken + 1] + rates[taken + 2];
            taken += 3;
        } else {
            break;
        }
    }
    if taken >= 3 {
        taken -= 1;
    }

    let start_ms = end_ms - taken as f64 * window;
    let bytes = cumulative.between(start_ms, end_ms);
    let duration = end_ms - start_ms;
    let estimates: Vec<f64> = (0..STABILITY_CHECKPOINTS)
        .map(|k| end_ms - k as f64 * window)
        .filter(|checkpoint| checkpoint - start_ms >= 2.0 * window - 1e-9)
        .map(|checkpoint| cumulative.between(start_ms, checkpoint) / (checkpoint - start_ms))
        .collect();
    let spread_pct = relative_spread_pct(&estimates);
    Some(SteadyWindow {
        start_ms,
        end_ms,
        bytes,
        rate: bytes / duration,
        spread_pct,
        windows: taken,
        window_ms: window,
    })
}

/// (max - min) / mean in percent; 100 when fewer than two values or no mean.
fn relative_spread_pct(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 100.0;
    }
    let max = values.iter().copied().fold(f64::MIN, f64::max);
    let min = values.iter().copied().fold(f64::MAX, f64::min);
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    if mean > 0.0 && mean.is_finite() {
        (max - min) / mean * 100.0
    } else {
        100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steady(rate: f64, until_ms: f64) -> ByteSeries {
        let mut series = ByteSeries::new(2.0, 20_000.0);
        let mut t = 0.0;
        while t < until_ms {
            series.add(t, t + 10.0, rate * 10.0);
            t += 10.0;
        }
        series
    }

    #[test]
    fn a_chunk_is_spread_over_the_time_it_took_to_arrive() {
        let mut series = ByteSeries::new(2.0, 1_000.0);
        series.add(0.0, 100.0, 1_000.0);
        let cumulative = series.cumulative();
        assert!((cumulative.between(0.0, 50.0) - 500.0).abs() < 1e-6);
        assert!((cumulative.at(100.0) - 1_000.0).abs() < 1e-6);
    }

    #[test]
    fn bytes_beyond_the_horizon_are_kept_not_lost() {
        let mut series = ByteSeries::new(2.0, 10.0);
        series.add(50.0, 60.0, 100.0);
        assert!((series.cumulative().at(1_000.0) - 100.0).abs() < 1e-6);
    }

    #[test]
    fn a_steady_series_is_steady_over_nearly_all_of_it() {
        let cumulative = steady(100.0, 3_000.0).cumulative();
        let found = steady_window(&cumulative, 0.0, 3_000.0, 0.15).expect("window");
        assert!((found.rate - 100.0).abs() < 0.01);
        assert!(found.duration_ms() >= 2_500.0);
        assert!(found.spread_pct < 0.1);
    }

    #[test]
    fn a_burst_at_the_start_is_left_out() {
        let mut series = steady(100.0, 3_000.0);
        series.add(0.0, 100.0, 60_000.0);
        let found = steady_window(&series.cumulative(), 0.0, 3_000.0, 0.15).expect("window");
        assert!((found.rate - 100.0).abs() < 0.5, "rate {}", found.rate);
        assert!(found.start_ms >= 250.0);
    }

    #[test]
    fn too_little_data_has_no_window() {
        let cumulative = ByteSeries::new(2.0, 100.0).cumulative();
        assert_eq!(steady_window(&cumulative, 5.0, 5.0, 0.15), None);
        assert_eq!(steady_window(&cumulative, 5.0, f64::NAN, 0.15), None);
    }
}
