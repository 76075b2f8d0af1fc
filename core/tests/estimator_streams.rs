//! Parallel streams: added while each one raises the total (a link that
//! limits every connection), not when one stream already fills the link.

mod estimator_sim;

use backup_doctor_core::speed::EstimatorConfig;
use estimator_sim::{run, Link};

#[test]
fn a_per_stream_limited_link_gets_more_streams_and_the_full_rate() {
    for seed in [1, 2, 3] {
        let link = Link {
            seed,
            per_stream_mbps: Some(3.0),
            ..Link::shaped(12.0)
        };
        let run = run(&link, EstimatorConfig::standard());
        assert_eq!(
            run.most_parallel, 4,
            "seed {seed}: asked {:?}",
            run.asked_at
        );
        assert!(run.error(12.0) <= 0.03, "seed {seed}: {:?}", run.estimate);
    }
}

#[test]
fn streams_stop_being_added_when_they_stop_helping() {
    // Two streams fill this link; a third adds nothing.
    let link = Link {
        per_stream_mbps: Some(6.0),
        ..Link::shaped(12.0)
    };
    let run = run(&link, EstimatorConfig::standard());
    assert!(run.most_parallel <= 3, "{:?}", run.asked_at);
    assert!(run.error(12.0) <= 0.03, "{:?}", run.estimate);
}

#[test]
fn a_saturated_link_with_rising_loaded_latency_gets_no_second_stream() {
    for seed in [1, 2, 3] {
        let link = Link {
            seed,
            latency: Some((30.0, 180.0)),
            ..Link::shaped(10.0)
        };
        let run = run(&link, EstimatorConfig::standard());
        // Follow-up requests replace a stream; none runs beside it.
        assert_eq!(
            run.most_parallel, 1,
            "seed {seed}: asked {:?}",
            run.asked_at
        );
        assert!(run.error(10.0) <= 0.03, "seed {seed}: {:?}", run.estimate);
    }
}

#[test]
fn a_saturated_link_without_latency_hints_is_probed_once_at_most() {
    for seed in [1, 2, 3] {
        let link = Link {
            seed,
            ..Link::shaped(10.0)
        };
        let run = run(&link, EstimatorConfig::standard());
        assert!(
            run.most_parallel <= 2,
            "seed {seed}: asked {:?}",
            run.asked_at
        );
        assert!(run.error(10.0) <= 0.03, "seed {seed}: {:?}", run.estimate);
    }
}

#[test]
fn a_per_stream_limited_link_with_flat_latency_is_not_mistaken_for_full() {
    let link = Link {
        per_stream_mbps: Some(3.0),
        latency: Some((30.0, 33.0)),
        ..Link::shaped(12.0)
    };
    let run = run(&link, EstimatorConfig::standard());
    assert_eq!(run.most_parallel, 4, "{:?}", run.asked_at);
}
