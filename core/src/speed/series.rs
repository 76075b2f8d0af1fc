//! The byte series behind the throughput estimate: bytes of every stream laid
//! out on one time axis, and the search for its steady part.
//!
//! Browsers hand over a response in chunks whose bytes arrived *before* the
//! chunk's timestamp, somewhere since the same stream's previous chunk. So a
//! chunk is spread evenly over that interval into fine time bins instead of
//! being counted at one instant; a window then holds the bytes that really
//! arrived in it, whatever the chunk sizes (1 KB or 64 KB) or read bursts.
//!
//! The figure is the link's rate between two *caught-up* moments (see
//! [`peak_to_peak`]): on a link whose small queue overflows, delivery stalls
//! behind each lost packet and catches up in a burst, so bytes over time
//! between arbitrary moments is off by whatever was held back at either end,
//! by 10-20 % for the first seconds of a shaped 2 or 5 Mbit/s link.
//!
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

/// The figure counts as settled once it has not moved (beyond
/// `stable_spread_pct`) over this long: past the stall and catch-up cycle
/// of a loss, which takes a few round trips.
const CONFIRM_MS: f64 = 1000.0;

/// Delivery lagging the peak-to-peak line by more than this share of the
/// bytes, with a steady pace since the later peak, means the line is wrong.
const REANCHOR_LAG: f64 = 0.005;

/// A peak-to-peak figure needs at least this long a steady part: shorter,
/// a single late chunk moves it by percents.
const MIN_PEAK_SPAN_MS: f64 = 600.0;

/// Each end of the line is looked for in this share of the span at its
/// side: wide enough to hold a crest of a link's wobble, narrow enough to
/// keep the ends apart.
const PEAK_SEARCH_SHARE: f64 = 0.4;

/// Candidate moments looked at in each third of the span.
const PEAK_CANDIDATES: f64 = 100.0;

/// A moment between the two peaks this far ahead of their line (relative
/// to the bytes between them) was a burst beyond the link's rate.
const LEAD_TOLERANCE: f64 = 0.003;

/// Refinements of the peak-to-peak line (it settles in two or three).
const PEAK_REFINEMENTS: usize = 4;

/// A stall and the burst that makes up for it span at most this many
/// windows (a second at the longest windows; a retransmission takes a round
/// trip or two, a timeout a few hundred ms).
const MAX_CATCH_UP_WINDOWS: usize = 4;

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
    /// Bytes per millisecond over it, between caught-up moments
    /// ([`peak_to_peak`]).
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

    // First against the whole span's own figure, which a stall and its
    // catch-up do not move; if the newest windows disagree with it (the
    // speed changed, or the ramp is most of the span), against the level of
    // the newest windows themselves.
    let whole = peak_to_peak(cumulative, first_ms, end_ms).rate;
    let mut taken = steady_run(&rates, tolerance, |_, _| whole);
    if taken < 3 {
        taken = steady_run(&rates, tolerance, |sum, taken| {
            if taken == 0 {
                rates[0]
            } else {
                sum / taken as f64
            }
        });
    }
    if taken >= 3 {
        taken -= 1;
    }

    let start_ms = end_ms - taken as f64 * window;
    let bytes = cumulative.between(start_ms, end_ms);
    let line = peak_to_peak(cumulative, start_ms, end_ms);
    let rate = line.rate;
    // How far delivery now lags the line through the peaks: a stall in
    // progress, or a drop in speed too recent to end the steady part.
    let lag_pct = (line.lag_share(cumulative, start_ms, end_ms).max(0.0) * 100.0).min(100.0);
    // The same figure as it stood at earlier window ends, up to
    // [`CONFIRM_MS`] back: how much it has moved since.
    let mut figures = vec![rate];
    let mut k = 1.0;
    while k * window <= CONFIRM_MS + 1e-9 {
        let earlier_end = end_ms - k * window;
        if earlier_end - start_ms < MIN_PEAK_SPAN_MS {
            break;
        }
        figures.push(peak_to_peak(cumulative, start_ms, earlier_end).rate);
        k += 1.0;
    }
    let spread_pct = if figures.len() >= 2 && end_ms - start_ms >= MIN_PEAK_SPAN_MS {
        relative_spread_pct(&figures).max(lag_pct)
    } else {
        100.0
    };
    Some(SteadyWindow {
        start_ms,
        end_ms,
        bytes,
        rate,
        spread_pct,
        windows: taken,
        window_ms: window,
    })
}

/// How many of the newest `rates` (newest first) run at one level, given
/// by `level(sum of the rates taken so far, how many)`.
///
/// A window that disagrees ends the run unless it and up to
/// [`MAX_CATCH_UP_WINDOWS`] - 1 older ones, beginning with a stall, together
/// agree: a loss stalls delivery (the bytes wait behind the hole) and the
/// retransmission releases them in a burst, so a stall and its catch-up
/// together run at the level. A ramp or a change of speed never makes up
/// for itself.
fn steady_run(rates: &[f64], tolerance: f64, level: impl Fn(f64, usize) -> f64) -> usize {
    let agrees = |rate: f64, level: f64| {
        if level <= 0.0 {
            rate <= 0.0
        } else {
            (rate - level).abs() <= tolerance * level
        }
    };
    let mut taken = 0;
    let mut sum = 0.0;
    'walk: while taken < rates.len() {
        let level = level(sum, taken);
        for group in 1..=MAX_CATCH_UP_WINDOWS.min(rates.len() - taken) {
            let windows = &rates[taken..taken + group];
            // Only a stall can be made up for: a group longer than one window
            // must begin (its oldest window) below the level. A burst ahead of
            // the level (a shaper's token bucket) is never made up, it moves
            // the whole line.
            let oldest = windows[group - 1];
            let stalled_first = group == 1 || oldest < level * (1.0 - tolerance);
            if stalled_first && agrees(windows.iter().sum::<f64>() / group as f64, level) {
                let group_sum = windows.iter().sum::<f64>();
                sum += group_sum;
                taken += group;
                continue 'walk;
            }
        }
        break;
    }
    taken.max(1)
}

/// The line of the link's rate over `(start_ms, end_ms]` (bytes per ms),
/// through two moments when delivery had caught up with it.
///
/// Delivery can fall behind the link (bytes wait behind a lost packet until
/// its retransmission releases them in a burst; a stream ramps up) but never
/// get ahead of it, so the moments when everything sent has been delivered
/// lie on one line whose slope is the link's rate, and every other moment
/// lies below it. Bytes over time between two arbitrary moments is off by
/// whatever was held back at either end; between two caught-up moments it
/// is not. Each end is looked for near its side of the span, as the
/// moment furthest ahead of the current estimate of the line, and the
/// estimate is refined from the pair a few times.
pub(crate) fn peak_to_peak(cumulative: &Cumulative, start_ms: f64, end_ms: f64) -> PeakPair {
    let mut from = start_ms;
    let mut found = peak_pair(cumulative, from, end_ms);
    for _ in 0..PEAK_REFINEMENTS {
        // Nothing between the two peaks may be ahead of their line: a moment
        // that is was a burst beyond the link's rate (a shaper's token
        // bucket, another stream's first round trips), which lifts
        // everything after it. The line is then looked for after it.
        match lead_between(cumulative, &found) {
            Some(lead) if end_ms - lead >= MIN_PEAK_SPAN_MS => {
                from = lead;
                found = peak_pair(cumulative, from, end_ms);
            }
            _ => break,
        }
    }
    // Delivery since the later peak may fall behind the line and keep a
    // steady pace of its own: the first peak was not caught up after all (a
    // stall before it was made up only later, so the line is too steep), or
    // the speed dropped. Then the line is the one since the later peak, if
    // delivery has kept up with it since (a stall in progress has not).
    let since_ms = found.last_ms;
    if end_ms - since_ms >= MIN_PEAK_SPAN_MS
        && found.lag_share(cumulative, from, end_ms) > REANCHOR_LAG
    {
        let since = peak_pair(cumulative, since_ms, end_ms);
        if since.lag_share(cumulative, since_ms, end_ms) <= REANCHOR_LAG {
            found = since;
        }
    }
    found
}

/// Two caught-up moments and the rate between them: a line of delivery.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeakPair {
    /// Bytes per ms.
    pub rate: f64,
    first_ms: f64,
    last_ms: f64,
    /// Time step the moments were looked for at.
    step_ms: f64,
}

impl PeakPair {
    /// How far delivery at `end_ms` lags the line, as a share of the bytes
    /// since `from_ms` (negative when it is ahead).
    fn lag_share(&self, cumulative: &Cumulative, from_ms: f64, end_ms: f64) -> f64 {
        let lag = self.rate * (end_ms - self.last_ms) - cumulative.between(self.last_ms, end_ms);
        lag / cumulative.between(from_ms, end_ms).max(1.0)
    }
}

/// The moments furthest ahead of the line in the first and last
/// [`PEAK_SEARCH_SHARE`] of `(start_ms, end_ms]`, at least a third of it
/// apart, refined from the plain average a few times.
fn peak_pair(cumulative: &Cumulative, start_ms: f64, end_ms: f64) -> PeakPair {
    let span = end_ms - start_ms;
    let mut pair = PeakPair {
        rate: 0.0,
        first_ms: start_ms,
        last_ms: end_ms,
        step_ms: cumulative.bin_ms,
    };
    if !(span > 0.0 && span.is_finite()) {
        return pair;
    }
    let third = span / 3.0;
    pair.step_ms = (third / PEAK_CANDIDATES).max(cumulative.bin_ms);
    pair.rate = cumulative.between(start_ms, end_ms) / span;
    for _ in 0..PEAK_REFINEMENTS {
        let first = furthest_ahead(
            cumulative,
            start_ms,
            start_ms + span * PEAK_SEARCH_SHARE,
            pair.rate,
            pair.step_ms,
        );
        let last = furthest_ahead(
            cumulative,
            end_ms - span * PEAK_SEARCH_SHARE,
            end_ms,
            pair.rate,
            pair.step_ms,
        );
        if last - first < third {
            break;
        }
        let refined = cumulative.between(first, last) / (last - first);
        let settled = (refined - pair.rate).abs() <= pair.rate.abs() * 1e-6;
        pair = PeakPair {
            rate: refined,
            first_ms: first,
            last_ms: last,
            ..pair
        };
        if settled {
            break;
        }
    }
    pair
}

/// The moment in `[from_ms, to_ms]` (every `step_ms`) furthest ahead of a
/// line of slope `rate`.
fn furthest_ahead(
    cumulative: &Cumulative,
    from_ms: f64,
    to_ms: f64,
    rate: f64,
    step_ms: f64,
) -> f64 {
    let ahead = |t: f64| cumulative.at(t) - rate * t;
    let mut best = (from_ms, ahead(from_ms));
    let mut t = from_ms + step_ms;
    while t <= to_ms + 1e-9 {
        let a = ahead(t);
        if a > best.1 {
            best = (t, a);
        }
        t += step_ms;
    }
    best.0
}

/// The moment between the pair furthest ahead of their line, if it is
/// ahead by more than [`LEAD_TOLERANCE`] of the bytes between them.
fn lead_between(cumulative: &Cumulative, pair: &PeakPair) -> Option<f64> {
    let span_bytes = pair.rate * (pair.last_ms - pair.first_ms);
    if !(span_bytes.is_finite() && span_bytes > 0.0) {
        return None;
    }
    let base = cumulative.at(pair.first_ms);
    let mut lead = (pair.first_ms, 0.0);
    let mut t = pair.first_ms + pair.step_ms;
    while t < pair.last_ms {
        let above = cumulative.at(t) - base - pair.rate * (t - pair.first_ms);
        if above > lead.1 {
            lead = (t, above);
        }
        t += pair.step_ms;
    }
    (lead.1 > LEAD_TOLERANCE * span_bytes).then_some(lead.0)
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

    /// 100 bytes/ms, but delivery stalls for `stall_ms` every `every_ms`
    /// (bytes held behind a lost packet) and the held bytes come in one
    /// burst when the stall ends.
    fn stalling(rate: f64, until_ms: f64, every_ms: f64, stall_ms: f64) -> ByteSeries {
        let mut series = ByteSeries::new(2.0, 20_000.0);
        let mut t = 0.0;
        let mut held = 0.0;
        while t < until_ms {
            let phase = t % every_ms;
            if phase >= every_ms - stall_ms {
                held += rate * 10.0;
            } else {
                series.add(t, t + 10.0, rate * 10.0 + held);
                held = 0.0;
            }
            t += 10.0;
        }
        series
    }

    #[test]
    fn stalls_that_catch_up_do_not_pull_the_figure_down() {
        // 150 ms stalls every 500 ms: counted plainly, the figure is low
        // whenever the end falls in a stall.
        let cumulative = stalling(100.0, 3_000.0, 500.0, 150.0).cumulative();
        for end in [1_400.0, 1_900.0, 2_400.0, 2_450.0, 2_950.0] {
            let rate = peak_to_peak(&cumulative, 100.0, end).rate;
            assert!((rate - 100.0).abs() < 1.0, "at {end}: {rate}");
        }
        let plain = cumulative.between(100.0, 1_400.0) / 1_300.0;
        assert!(plain < 97.0, "the plain figure was not low: {plain}");
    }

    #[test]
    fn the_steady_part_spans_stalls_and_their_catch_ups() {
        let cumulative = stalling(100.0, 3_000.0, 500.0, 150.0).cumulative();
        let found = steady_window(&cumulative, 0.0, 2_900.0, 0.2).expect("window");
        assert!(found.start_ms <= 600.0, "{found:?}");
        assert!((found.rate - 100.0).abs() < 1.0, "{found:?}");
    }

    #[test]
    fn a_stall_in_progress_keeps_the_figure_unsettled() {
        // The end is 140 ms into a stall.
        let cumulative = stalling(100.0, 3_000.0, 500.0, 150.0).cumulative();
        let found = steady_window(&cumulative, 0.0, 2_490.0, 0.2).expect("window");
        assert!(found.spread_pct > 2.0, "{found:?}");
        let settled = steady_window(&cumulative, 0.0, 2_340.0, 0.2).expect("window");
        assert!(settled.spread_pct < 1.0, "{settled:?}");
    }

    #[test]
    fn a_burst_ahead_of_the_link_is_not_taken_for_its_rate() {
        // A token bucket's 30 kB pass at once at 1.5 s, then 100 bytes/ms.
        let mut series = steady(100.0, 3_000.0);
        series.add(1_500.0, 1_510.0, 30_000.0);
        let cumulative = series.cumulative();
        let rate = peak_to_peak(&cumulative, 0.0, 3_000.0).rate;
        assert!((rate - 100.0).abs() < 1.0, "{rate}");
    }

    #[test]
    fn a_ramp_or_a_change_of_speed_is_not_made_up_for() {
        // Newest first: the level, then a ramp (slower and slower).
        let ramp = [100.0, 101.0, 99.0, 100.0, 60.0, 40.0, 20.0];
        assert_eq!(steady_run(&ramp, 0.2, |_, _| 100.0), 4);
        // A stall (older) and its catch-up (newer) are.
        let stall = [100.0, 99.0, 170.0, 30.0, 101.0, 100.0];
        assert_eq!(steady_run(&stall, 0.2, |_, _| 100.0), 6);
        // A burst with no stall before it is not.
        let burst = [100.0, 99.0, 170.0, 100.0, 101.0, 100.0];
        assert_eq!(steady_run(&burst, 0.2, |_, _| 100.0), 2);
    }

    #[test]
    fn a_stall_made_up_only_after_the_first_peak_does_not_steepen_the_line() {
        // 100 bytes/ms, nothing from 300 to 500 ms, and the 20 kB held back
        // come only at 2.8 s: every moment from 0.5 to 2.8 s lags the link.
        let mut series = ByteSeries::new(2.0, 20_000.0);
        let mut t = 0.0;
        while t < 4_000.0 {
            if !(300.0..500.0).contains(&t) {
                series.add(t, t + 10.0, 1_000.0);
            }
            if (t - 2_800.0).abs() < 1e-9 {
                series.add(t, t + 10.0, 20_000.0);
            }
            t += 10.0;
        }
        let cumulative = series.cumulative();
        let rate = peak_to_peak(&cumulative, 550.0, 3_600.0).rate;
        assert!((rate - 100.0).abs() < 1.0, "{rate}");
    }

    #[test]
    fn after_a_drop_in_speed_the_line_follows_the_new_speed() {
        let mut series = ByteSeries::new(2.0, 20_000.0);
        let mut t = 0.0;
        while t < 3_000.0 {
            let rate = if t < 2_000.0 { 100.0 } else { 60.0 };
            series.add(t, t + 10.0, rate * 10.0);
            t += 10.0;
        }
        let rate = peak_to_peak(&series.cumulative(), 0.0, 3_000.0).rate;
        assert!((rate - 60.0).abs() < 1.0, "{rate}");
    }
}
