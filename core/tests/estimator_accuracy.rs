//! The download estimate on simulated shaped links (slow start, a 64 kB
//! token-bucket burst, a phone browser's jittery reads): within 3 % of the
//! shaped rate, in the time and data budgets of DESIGN.md.

mod estimator_sim;

use backup_doctor_core::speed::{EstimatorConfig, StopReason};
use estimator_sim::{run, Link, Reader};

const SEEDS: [u64; 6] = [1, 2, 3, 4, 5, 6];

/// What `@cloudflare/speedtest` downloads for the same link, bytes.
fn cloudflare_bytes(mbps: f64) -> f64 {
    if mbps <= 2.0 {
        9e6
    } else {
        69e6
    }
}

#[test]
fn common_speeds_are_measured_within_3_percent_in_time_and_budget() {
    for mbps in [2.0, 10.0, 50.0] {
        for seed in SEEDS {
            let link = Link {
                seed,
                ..Link::shaped(mbps)
            };
            let run = run(&link, EstimatorConfig::standard());
            let within_s = if mbps >= 10.0 { 4_000.0 } else { 6_000.0 };
            assert!(
                run.error(mbps) <= 0.03,
                "{mbps} Mbit/s seed {seed}: {:?}",
                run.estimate
            );
            assert!(
                matches!(run.stop, StopReason::Stable | StopReason::Budget),
                "{mbps} Mbit/s seed {seed} stopped by {:?}",
                run.stop
            );
            assert!(
                run.stop_ms <= within_s,
                "{mbps} Mbit/s took {} ms",
                run.stop_ms
            );
            assert!(
                run.bytes_total as f64 <= cloudflare_bytes(mbps) / 5.0,
                "{mbps} Mbit/s used {} bytes",
                run.bytes_total
            );
        }
    }
}

#[test]
fn a_sluggish_phone_browser_on_a_wobbly_link_still_gets_within_3_percent() {
    for mbps in [2.0, 10.0, 50.0] {
        for seed in SEEDS {
            let link = Link {
                seed,
                reader: Reader::sluggish(),
                wobble: Some((0.1, 700.0)),
                ..Link::shaped(mbps)
            };
            let run = run(&link, EstimatorConfig::standard());
            assert!(
                run.error(mbps) <= 0.03,
                "{mbps} Mbit/s seed {seed}: {:?}",
                run.estimate
            );
        }
    }
}

#[test]
fn a_gigabit_link_stops_early_on_budget_within_3_percent() {
    for seed in SEEDS {
        let link = Link {
            seed,
            rtt_ms: 2.0,
            reader: Reader::desktop(),
            ..Link::shaped(1_000.0)
        };
        let run = run(&link, EstimatorConfig::standard());
        assert_eq!(run.stop, StopReason::Budget, "seed {seed}");
        assert!(run.stop_ms < 500.0, "took {} ms", run.stop_ms);
        assert!(
            run.error(1_000.0) <= 0.03,
            "seed {seed}: {:?}",
            run.estimate
        );
    }
}

#[test]
fn a_64_kbit_link_ends_at_the_time_cap_with_a_sane_figure() {
    let config = EstimatorConfig::standard();
    let run = run(&Link::shaped(0.064), config);
    assert_eq!(run.stop, StopReason::TimeCap);
    assert!(run.stop_ms <= config.time_cap_ms + 50.0);
    let estimate = run.estimate.expect("some data arrived");
    assert!(estimate.mbps.is_finite() && estimate.spread_pct.is_finite());
    assert!(run.error(0.064) <= 0.10, "{estimate:?}");
    assert!(run
        .timeline
        .iter()
        .all(|(_, e)| e.mbps.is_finite() && e.mbps >= 0.0));
}

#[test]
fn the_metered_budget_is_kept_and_still_measures_10_mbit() {
    let config = EstimatorConfig::metered();
    for seed in SEEDS {
        let run = run(
            &Link {
                seed,
                ..Link::shaped(10.0)
            },
            config,
        );
        assert!(run.bytes_total <= config.byte_budget + 262_144);
        assert!(run.error(10.0) <= 0.03, "seed {seed}: {:?}", run.estimate);
    }
    let fast = run(&Link::shaped(50.0), config);
    assert_eq!(fast.stop, StopReason::Budget);
    assert!(fast.error(50.0) <= 0.03, "{:?}", fast.estimate);
}

#[test]
fn a_2_mbit_link_costs_the_server_under_a_fifth_of_cloudflare_with_the_upload() {
    // The server writes a little ahead of what arrived (the whole budget is
    // asked for); all of it counts when the stream is aborted. The upload
    // sends at least 128 KiB on top.
    let upload = 131_072.0;
    for seed in SEEDS {
        let link = Link {
            seed,
            rtt_ms: 60.0,
            latency: Some((60.0, 300.0)),
            ..Link::shaped(2.0)
        };
        let run = run(&link, EstimatorConfig::standard());
        assert!(run.error(2.0) <= 0.03, "seed {seed}: {:?}", run.estimate);
        assert_eq!(run.stop, StopReason::Stable, "seed {seed}");
        assert_eq!(run.most_parallel, 1, "seed {seed}: {:?}", run.asked_at);
        assert!(
            run.server_bytes + upload <= cloudflare_bytes(2.0) / 5.0,
            "seed {seed}: the server sent {} bytes",
            run.server_bytes
        );
    }
}

#[test]
fn a_server_that_caps_requests_gets_follow_ups_without_losing_accuracy() {
    for seed in SEEDS {
        let link = Link {
            seed,
            latency: Some((40.0, 250.0)),
            max_request_bytes: Some(1_600_000.0),
            ..Link::shaped(10.0)
        };
        let run = run(&link, EstimatorConfig::standard());
        // 1.6 MB lasts 1.3 s at 10 Mbit/s: a follow-up, no parallel stream.
        assert!(run.streams_asked >= 2, "seed {seed}: {:?}", run.asked_at);
        assert_eq!(run.most_parallel, 1, "seed {seed}");
        assert!(run.error(10.0) <= 0.03, "seed {seed}: {:?}", run.estimate);
        assert!(run.stop_ms <= 4_000.0, "seed {seed}: {} ms", run.stop_ms);
    }
}
