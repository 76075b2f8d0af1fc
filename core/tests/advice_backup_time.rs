//! How long a backup takes on the measured connection: CONTENT.md's worked
//! examples, the download stand-in, and words that never say NaN.

use backup_doctor_core::speed::{
    advise, human_duration, BackupEstimate, Basis, HumanDuration, SpeedResult, TestEnd, TimeUnit,
};

#[test]
fn five_gb_at_5_mbit_up_is_about_3_hours() {
    // CONTENT.md: "5 GB at 5 Mbit/s up is about 2-3 hours" (2.2 h raw, plus
    // 20-50 % overhead: 2.7-3.3 h).
    let estimate = BackupEstimate::new(5.0, Some(5.0), None).expect("an estimate");
    assert_eq!(estimate.basis, Basis::Upload);
    assert!((2.5..=3.0).contains(&estimate.low_hours), "{estimate:?}");
    assert!((3.0..=3.5).contains(&estimate.high_hours), "{estimate:?}");
    assert_eq!(
        estimate.human(),
        HumanDuration::About {
            value: 3,
            unit: TimeUnit::Hours
        }
    );
}

#[test]
fn five_gb_at_1_mbit_up_is_about_half_a_day() {
    let estimate = BackupEstimate::new(5.0, Some(1.0), None).expect("an estimate");
    assert!(
        estimate.low_hours >= 11.0 && estimate.high_hours <= 18.0,
        "{estimate:?}"
    );
    assert!(matches!(
        estimate.human(),
        HumanDuration::Between {
            unit: TimeUnit::Hours,
            ..
        }
    ));
}

#[test]
fn a_download_figure_stands_in_for_upload_and_says_so() {
    let estimate = BackupEstimate::new(5.0, None, Some(20.0)).expect("an estimate");
    assert!(
        matches!(estimate.basis, Basis::DownloadProxy { assumed_ratio } if assumed_ratio == 4.0)
    );
    assert!((estimate.upload_mbps - 5.0).abs() < 1e-9);
}

#[test]
fn halving_the_speed_doubles_the_time() {
    let fast = BackupEstimate::new(3.0, Some(8.0), None).expect("fast");
    let slow = BackupEstimate::new(3.0, Some(4.0), None).expect("slow");
    assert!((slow.low_hours / fast.low_hours - 2.0).abs() < 1e-9);
}

#[test]
fn human_durations_cover_minutes_to_weeks() {
    let said: Vec<Option<HumanDuration>> = [0.02, 0.4, 2.5, 30.0, 100.0, 5_000.0]
        .into_iter()
        .map(human_duration)
        .collect();
    assert_eq!(
        said,
        [
            Some(HumanDuration::Under {
                value: 5,
                unit: TimeUnit::Minutes
            }),
            Some(HumanDuration::About {
                value: 25,
                unit: TimeUnit::Minutes
            }),
            Some(HumanDuration::About {
                value: 3,
                unit: TimeUnit::Hours
            }),
            Some(HumanDuration::About {
                value: 30,
                unit: TimeUnit::Hours
            }),
            Some(HumanDuration::About {
                value: 4,
                unit: TimeUnit::Days
            }),
            Some(HumanDuration::Over {
                value: 30,
                unit: TimeUnit::Days
            }),
        ]
    );
}

#[test]
fn a_backup_time_is_only_given_with_a_size_and_a_speed() {
    let mut result = SpeedResult::new(TestEnd::Stable, 1_000_000, 3_000.0);
    result.download_mbps = Some(40.0);
    let with_size = advise(&result, Some(2.0));
    assert!(with_size
        .iter()
        .any(|a| matches!(a, backup_doctor_core::speed::Advice::BackupTime(_))));
    let without = advise(&result, None);
    assert!(!without
        .iter()
        .any(|a| matches!(a, backup_doctor_core::speed::Advice::BackupTime(_))));
    let nonsense = advise(&result, Some(f64::NAN));
    assert!(!nonsense
        .iter()
        .any(|a| matches!(a, backup_doctor_core::speed::Advice::BackupTime(_))));
}
