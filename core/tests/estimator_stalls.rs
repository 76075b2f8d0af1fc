//! Silence: a link that never answers, one that goes quiet for good mid-test,
//! and one that pauses briefly and comes back.

mod estimator_sim;

use backup_doctor_core::speed::{EstimatorConfig, StopReason};
use estimator_sim::{run, Link};

#[test]
fn a_link_that_never_delivers_stops_with_no_data_after_5_s() {
    let link = Link {
        stall: Some((0.0, 60_000.0)),
        ..Link::shaped(10.0)
    };
    let run = run(&link, EstimatorConfig::standard());
    assert_eq!(run.stop, StopReason::NoData);
    assert!((5_000.0..5_100.0).contains(&run.stop_ms), "{}", run.stop_ms);
    assert_eq!(run.estimate, None);
    assert_eq!(run.bytes_total, 0);
}

#[test]
fn a_link_that_stalls_for_6_s_stops_with_no_data_and_no_nan() {
    let link = Link {
        stall: Some((1_000.0, 6_000.0)),
        ..Link::shaped(2.0)
    };
    let run = run(&link, EstimatorConfig::standard());
    assert_eq!(run.stop, StopReason::NoData);
    // Silence began at ~1 s, so the stop comes ~5 s later, before the cap.
    assert!(run.stop_ms < 6_200.0, "{}", run.stop_ms);
    let estimate = run.estimate.expect("a second of data arrived");
    assert!(estimate.mbps.is_finite() && estimate.mbps > 0.0);
    assert!(estimate.silent_ms >= 4_900.0, "{estimate:?}");
}

#[test]
fn a_short_pause_is_survived_and_measured_after() {
    for seed in [1, 2, 3] {
        let link = Link {
            seed,
            stall: Some((800.0, 1_500.0)),
            ..Link::shaped(10.0)
        };
        let run = run(&link, EstimatorConfig::standard());
        assert_ne!(run.stop, StopReason::NoData);
        assert!(run.error(10.0) <= 0.03, "seed {seed}: {:?}", run.estimate);
        if run.stop == StopReason::Stable {
            // The steady part starts after the pause: it was not averaged in.
            let estimate = run.estimate.expect("an estimate");
            assert!(estimate.ramp_ms >= 2_000.0, "{estimate:?}");
        }
    }
}
