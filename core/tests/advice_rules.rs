//! Each advice rule fires when it should and stays quiet when it should not,
//! and the tree's route conditions agree with the advice.

use backup_doctor_core::speed::{
    advise, condition_holds, Advice, Basis, Condition, Phase, SpeedResult, SpeedTestError, TestEnd,
    TestError,
};

/// A healthy home connection: 50 down, 10 up, 20 ms, steady.
fn good() -> SpeedResult {
    let mut result = SpeedResult::new(TestEnd::Stable, 8_000_000, 2_500.0);
    result.download_mbps = Some(50.0);
    result.upload_mbps = Some(10.0);
    result.latency_ms = Some(20.0);
    result.jitter_ms = Some(3.0);
    result.loaded_latency_ms = Some(35.0);
    result.connection = Some("wifi 4g".to_owned());
    result
}

fn has(advice: &[Advice], wanted: fn(&Advice) -> bool) -> bool {
    advice.iter().any(wanted)
}

#[test]
fn a_healthy_connection_is_not_the_problem() {
    let advice = advise(&good(), None);
    assert_eq!(advice, [Advice::GoodConnection]);
    for condition in [
        Condition::Offline,
        Condition::SlowUpload,
        Condition::Unstable,
        Condition::HighLoadedLatency,
        Condition::Cellular,
    ] {
        assert!(!condition_holds(condition, &good()), "{condition:?}");
    }
}

#[test]
fn nothing_getting_through_is_offline_and_only_that() {
    let mut result = SpeedResult::new(TestEnd::Error, 0, 300.0);
    result.error = Some(TestError {
        phase: Phase::Latency,
        cause: SpeedTestError::Blocked,
    });
    result.save_data = true;
    assert_eq!(advise(&result, Some(5.0)), [Advice::Offline]);
    assert!(condition_holds(Condition::Offline, &result));

    let silent = SpeedResult::new(TestEnd::NoData, 0, 5_000.0);
    assert!(condition_holds(Condition::Offline, &silent));
}

#[test]
fn a_server_error_after_latency_is_not_offline_but_not_measured() {
    let mut result = SpeedResult::new(TestEnd::Error, 0, 400.0);
    result.latency_ms = Some(25.0);
    result.error = Some(TestError {
        phase: Phase::Download,
        cause: SpeedTestError::ServerStatus { status: 503 },
    });
    let advice = advise(&result, None);
    assert_eq!(advice, [Advice::NotMeasured]);
    assert!(!condition_holds(Condition::Offline, &result));
    // A test the person cancelled says nothing about the connection either.
    let cancelled = SpeedResult::new(TestEnd::Cancelled, 0, 100.0);
    assert_eq!(advise(&cancelled, None), [Advice::NotMeasured]);
}

#[test]
fn very_slow_upload_triggers_below_1_mbit() {
    let mut result = good();
    result.upload_mbps = Some(0.6);
    let advice = advise(&result, None);
    assert!(has(&advice, |a| matches!(
        a,
        Advice::VerySlowUpload {
            basis: Basis::Upload,
            ..
        }
    )));
    assert!(!has(&advice, |a| *a == Advice::GoodConnection));
    assert!(condition_holds(Condition::SlowUpload, &result));

    result.upload_mbps = Some(1.5);
    assert!(!condition_holds(Condition::SlowUpload, &result));
}

#[test]
fn very_slow_upload_triggers_when_the_backup_would_take_over_half_a_day() {
    let mut result = good();
    result.upload_mbps = Some(2.0);
    // 15 GB at 2 Mbit/s: ~20 h at best.
    assert!(has(&advise(&result, Some(15.0)), |a| matches!(
        a,
        Advice::VerySlowUpload { .. }
    )));
    // 1 GB at 2 Mbit/s: ~1.3 h.
    assert!(!has(&advise(&result, Some(1.0)), |a| matches!(
        a,
        Advice::VerySlowUpload { .. }
    )));
}

#[test]
fn without_an_upload_figure_the_download_is_judged_with_the_ratio() {
    let mut result = good();
    result.upload_mbps = None;
    result.download_mbps = Some(3.0);
    let advice = advise(&result, None);
    assert!(has(&advice, |a| matches!(
        a,
        Advice::VerySlowUpload {
            basis: Basis::DownloadProxy { .. },
            ..
        }
    )));
    result.download_mbps = Some(30.0);
    assert!(!condition_holds(Condition::SlowUpload, &result));
}

#[test]
fn jitter_stalls_and_an_unsettled_rate_are_unstable() {
    let mut jittery = good();
    jittery.jitter_ms = Some(45.0);
    assert!(condition_holds(Condition::Unstable, &jittery));
    assert!(!has(&advise(&jittery, None), |a| *a == Advice::GoodConnection));

    let mut stalled = good();
    stalled.stop_reason = TestEnd::NoData;
    assert!(condition_holds(Condition::Unstable, &stalled));

    let mut dropped = good();
    dropped.stop_reason = TestEnd::Error;
    dropped.download_mbps = None;
    dropped.upload_mbps = None;
    assert!(condition_holds(Condition::Unstable, &dropped));

    let mut unsettled = good();
    unsettled.stop_reason = TestEnd::TimeCap;
    assert!(condition_holds(Condition::Unstable, &unsettled));

    // A slow link reaching the time cap is slow, not unstable.
    let mut slow = good();
    slow.stop_reason = TestEnd::TimeCap;
    slow.download_mbps = Some(0.5);
    slow.upload_mbps = Some(0.2);
    assert!(!condition_holds(Condition::Unstable, &slow));

    let mut calm = good();
    calm.jitter_ms = Some(12.0);
    calm.stop_reason = TestEnd::Budget;
    assert!(!condition_holds(Condition::Unstable, &calm));
}

#[test]
fn latency_that_balloons_under_load_is_a_busy_connection() {
    let mut result = good();
    result.loaded_latency_ms = Some(180.0);
    assert!(condition_holds(Condition::HighLoadedLatency, &result));
    assert!(has(&advise(&result, None), |a| *a == Advice::BusyConnection));

    // 3x on a low baseline counts too.
    result.latency_ms = Some(15.0);
    result.loaded_latency_ms = Some(60.0);
    assert!(condition_holds(Condition::HighLoadedLatency, &result));

    // 5 ms becoming 16 ms does not.
    result.latency_ms = Some(5.0);
    result.loaded_latency_ms = Some(16.0);
    assert!(!condition_holds(Condition::HighLoadedLatency, &result));

    // Nor does a missing figure.
    result.loaded_latency_ms = None;
    assert!(!condition_holds(Condition::HighLoadedLatency, &result));
}

#[test]
fn cellular_and_save_data_are_pointed_out_beside_a_good_verdict() {
    let mut result = good();
    result.connection = Some("cellular 4g".to_owned());
    result.save_data = true;
    let advice = advise(&result, None);
    assert_eq!(
        advice,
        [Advice::Cellular, Advice::SaveDataOn, Advice::GoodConnection]
    );
    assert!(condition_holds(Condition::Cellular, &result));

    result.connection = Some("4g".to_owned());
    assert!(!condition_holds(Condition::Cellular, &result));
}

#[test]
fn junk_figures_are_treated_as_missing_not_as_numbers() {
    let mut result = good();
    result.upload_mbps = Some(f64::NAN);
    result.download_mbps = Some(f64::INFINITY);
    result.jitter_ms = Some(f64::NAN);
    let advice = advise(&result, Some(5.0));
    assert_eq!(advice, [Advice::NotMeasured]);
}

#[test]
fn advice_serializes_with_a_kind_for_the_widget() {
    let json = serde_json::to_value(advise(&good(), None)).expect("json");
    assert_eq!(json, serde_json::json!([{"kind": "goodConnection"}]));
    let condition = serde_json::to_value(Condition::HighLoadedLatency).expect("json");
    assert_eq!(condition, "high_loaded_latency");
}

#[test]
fn an_upload_that_clogs_the_link_is_told_apart_from_a_slow_one() {
    let mut fine = good();
    fine.upload_loaded_latency_ms = Some(fine.latency_ms.unwrap_or(20.0) + 400.0);
    let advice = advise(&fine, None);
    assert!(advice.contains(&Advice::BusyWhileUploading), "{advice:?}");
    assert!(!advice.contains(&Advice::GoodConnection), "{advice:?}");
    let mut slow = fine.clone();
    slow.upload_mbps = Some(0.3);
    let advice = advise(&slow, None);
    assert!(
        !advice.contains(&Advice::BusyWhileUploading),
        "a slow upload is said as such: {advice:?}"
    );
    assert!(advice
        .iter()
        .any(|a| matches!(a, Advice::VerySlowUpload { .. })));
}

#[test]
fn leaving_the_page_mid_test_is_neither_offline_nor_unstable() {
    let mut left = SpeedResult::new(TestEnd::Interrupted, 300_000, 1_200.0);
    left.latency_ms = Some(30.0);
    let advice = advise(&left, None);
    assert!(
        !advice.contains(&Advice::Offline) && !advice.contains(&Advice::UnstableConnection),
        "{advice:?}"
    );
}
