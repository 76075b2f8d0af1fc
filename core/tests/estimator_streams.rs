//! Parallel streams: added while each one raises the total (a fast link that
//! limits every connection), not when one stream already fills the link, and
//! not on slow links at all (`PARALLEL_FROM_MBPS`).

mod estimator_sim;

use backup_doctor_core::speed::{EstimatorConfig, PARALLEL_FROM_MBPS};
use estimator_sim::{run, Link};

/// Enough budget to watch the streams being added on a 48 Mbit/s link (the
/// standard 9 MB lasts 1.5 s there, and stops the test on budget).
fn roomy() -> EstimatorConfig {
    EstimatorConfig {
        byte_budget: 40_000_000,
        ..EstimatorConfig::standard()
    }
}

#[test]
fn a_per_stream_limited_link_gets_more_streams_and_the_full_rate() {
    for seed in [1, 2, 3] {
        let link = Link {
            seed,
            per_stream_mbps: Some(12.0),
            ..Link::shaped(48.0)
        };
        let run = run(&link, roomy());
        assert_eq!(
            run.most_parallel, 4,
            "seed {seed}: asked {:?}",
            run.asked_at
        );
        assert!(run.error(48.0) <= 0.03, "seed {seed}: {:?}", run.estimate);
    }
}

#[test]
fn streams_stop_being_added_when_they_stop_helping() {
    // Two streams fill this link; a third adds nothing.
    let link = Link {
        per_stream_mbps: Some(24.0),
        ..Link::shaped(48.0)
    };
    let run = run(&link, roomy());
    assert!(run.most_parallel <= 3, "{:?}", run.asked_at);
    assert!(run.error(48.0) <= 0.03, "{:?}", run.estimate);
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
        per_stream_mbps: Some(12.0),
        latency: Some((30.0, 33.0)),
        ..Link::shaped(48.0)
    };
    let run = run(&link, roomy());
    assert_eq!(run.most_parallel, 4, "{:?}", run.asked_at);
}

#[test]
fn a_slow_link_is_measured_with_one_connection() {
    // Even if each connection is held to 3 of its 12 Mbit/s: the figure is
    // then what one connection (like the backup's upload) gets, and no
    // second stream upsets the first.
    for per_stream in [3.0, 6.0] {
        let link = Link {
            per_stream_mbps: Some(per_stream),
            ..Link::shaped(12.0)
        };
        let run = run(&link, EstimatorConfig::standard());
        assert_eq!(run.most_parallel, 1, "{:?}", run.asked_at);
        assert!(per_stream < PARALLEL_FROM_MBPS);
        assert!(run.error(per_stream) <= 0.03, "{:?}", run.estimate);
    }
}
