//! A link that changes speed mid-test: the estimate follows the new rate, and
//! stability is never claimed across the change.

mod estimator_sim;

use backup_doctor_core::speed::{EstimatorConfig, StopReason};
use estimator_sim::{run, Link};

fn check(from_mbps: f64, to_mbps: f64, at_ms: f64) {
    for seed in [1, 2, 3, 4] {
        let link = Link {
            seed,
            change: Some((at_ms, to_mbps)),
            ..Link::shaped(from_mbps)
        };
        let run = run(&link, EstimatorConfig::standard());
        let estimate = run.estimate.expect("an estimate");
        let (low, high) = (from_mbps.min(to_mbps), from_mbps.max(to_mbps));
        assert!(
            estimate.mbps >= 0.97 * low && estimate.mbps <= 1.03 * high,
            "{from_mbps}->{to_mbps} seed {seed}: {estimate:?}"
        );
        // A change in the last moments cannot be told from noise; one more
        // than a window (250 ms) back must be seen.
        if run.stop == StopReason::Stable && run.stop_ms - at_ms >= 300.0 {
            assert!(
                run.error(to_mbps) <= 0.03,
                "{from_mbps}->{to_mbps} seed {seed}: claimed stable at {estimate:?}"
            );
            // `ramp_ms` counts from the first byte (~1 round trip in).
            assert!(
                estimate.ramp_ms + 40.0 >= at_ms - 250.0,
                "stable window reaches back before the change: {estimate:?}"
            );
        }
    }
}

#[test]
fn a_drop_from_10_to_5_mbit_is_followed() {
    check(10.0, 5.0, 1_200.0);
}

#[test]
fn a_rise_from_5_to_10_mbit_is_followed() {
    check(5.0, 10.0, 1_200.0);
}

#[test]
fn a_change_just_before_the_result_does_not_slip_through() {
    for at_ms in [1_300.0, 1_450.0, 1_600.0, 1_750.0] {
        check(10.0, 6.0, at_ms);
        check(6.0, 10.0, at_ms);
    }
}
