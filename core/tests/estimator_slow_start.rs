//! Ramp-up is left out: TCP slow start on a long round trip, and a shaper's
//! token-bucket burst that delivers the first few hundred kB faster than the
//! steady rate.

mod estimator_sim;

use backup_doctor_core::speed::EstimatorConfig;
use estimator_sim::{run, Link};

#[test]
fn slow_start_on_a_long_round_trip_is_not_averaged_in() {
    for seed in [1, 2, 3] {
        let link = Link {
            seed,
            rtt_ms: 150.0,
            // The glue always measures the idle round trip first.
            latency: Some((150.0, 152.0)),
            ..Link::shaped(20.0)
        };
        let run = run(&link, EstimatorConfig::standard());
        let estimate = run.estimate.expect("an estimate");
        assert!(run.error(20.0) <= 0.03, "seed {seed}: {estimate:?}");
        // Slow start from 10 segments to 20 Mbit/s takes ~5 round trips.
        assert!(estimate.ramp_ms >= 500.0, "{estimate:?}");
        // Bytes over the whole test divided by its time would be far lower.
        let naive = run.bytes_total as f64 * 8.0 / 1e3 / run.stop_ms;
        assert!(naive < 0.9 * 20.0, "naive {naive}");
    }
}

#[test]
fn a_token_bucket_burst_does_not_inflate_the_figure() {
    for seed in [1, 2, 3, 4] {
        let link = Link {
            seed,
            burst_bytes: 500_000.0,
            rtt_ms: 100.0,
            ..Link::shaped(2.0)
        };
        let run = run(&link, EstimatorConfig::standard());
        let estimate = run.estimate.expect("an estimate");
        assert!(run.error(2.0) <= 0.03, "seed {seed}: {estimate:?}");
        assert!(run.stop_ms <= 6_000.0, "took {} ms", run.stop_ms);
        // Early on, the burst makes the link look several times faster.
        let early_peak = run
            .timeline
            .iter()
            .filter(|(t, _)| *t < 500.0)
            .map(|(_, e)| e.mbps)
            .fold(0.0, f64::max);
        assert!(early_peak > 3.0, "the burst never showed: {early_peak}");
    }
}
