//! The default tree triages: for every symptom, the check that the content
//! research names first for it comes by screen 3, no chain is longer than
//! 12 screens, nothing that can lose chats comes before the key check, and
//! what the browser knows about the connection is used instead of asking.

use std::collections::BTreeSet;

use backup_doctor_core::known::{ConnectionKind, Known};
use backup_doctor_core::session::{Choice, Session};
use backup_doctor_core::speed::{SpeedResult, TestEnd};
use backup_doctor_core::tree::paths::{PathReport, SymptomPath};
use backup_doctor_core::tree::{Node, Risk, Tree, ValidTree};

const DEFAULT: &str = include_str!("../trees/default.json");

fn default_tree() -> ValidTree {
    Tree::from_json(DEFAULT).unwrap_or_else(|errors| panic!("{errors}"))
}

fn rows(report: &PathReport, symptom: &str) -> Vec<SymptomPath> {
    report
        .symptoms
        .iter()
        .filter(|row| row.label().contains(symptom))
        .cloned()
        .collect()
}

/// The first step of a row (after the symptom question), as the person sees it.
fn first(row: &SymptomPath) -> (&str, usize) {
    let step = &row.steps[0];
    (step.shows().as_str(), step.screen)
}

#[test]
fn every_symptom_starts_with_the_check_named_first_for_it_by_screen_3() {
    let report = PathReport::new(&default_tree());
    // (symptom answer, first check), per CONTENT.md "Symptom first".
    let expected = [
        ("Stuck at 0 %", "android-account", "ios-icloud"),
        ("Stuck at some percentage", "android-speed", "ios-speed"),
        ("Stuck at 99 %", "android-finished", "ios-finished"),
        ("“Waiting for Wi-Fi”", "android-network", "ios-network"),
        ("An error message", "android-error", "ios-error"),
    ];
    for (symptom, android, ios) in expected {
        let found = rows(&report, symptom);
        assert!(found.len() >= 2, "no rows for {symptom}");
        for row in found {
            let want = match row.answers[1].question.as_str() {
                "android-symptom" => android,
                _ => ios,
            };
            let (shown, screen) = first(&row);
            assert_eq!(shown, want, "{} starts with {shown}", row.label());
            assert!(
                screen <= 3,
                "{} shows {shown} on screen {screen}",
                row.label()
            );
        }
    }
}

#[test]
fn each_error_message_goes_to_its_own_fix() {
    let report = PathReport::new(&default_tree());
    let expected = [
        ("android-error", 0, "android-google-storage"),
        ("android-error", 1, "android-speed"),
        ("android-error", 2, "android-account"),
        ("android-error", 3, "android-restart"),
        ("ios-error", 0, "ios-storage"),
        ("ios-error", 1, "ios-speed"),
        ("ios-error", 2, "ios-icloud"),
        ("ios-error", 3, "ios-restart"),
    ];
    for (question, answer, fix) in expected {
        let row = report
            .symptoms
            .iter()
            .find(|r| {
                r.answers
                    .get(2)
                    .is_some_and(|a| a.question == question && a.answer == answer)
            })
            .unwrap_or_else(|| panic!("no row for {question} answer {answer}"));
        assert_eq!(row.steps[1].shows().as_str(), fix, "{}", row.label());
        assert_eq!(row.steps[1].screen, 4, "{}", row.label());
    }
}

#[test]
fn a_work_or_school_account_skips_to_the_administrator() {
    let report = PathReport::new(&default_tree());
    let work = report
        .symptoms
        .iter()
        .find(|r| {
            r.answers
                .iter()
                .any(|a| a.question == "android-work" && a.answer == 0)
        })
        .expect("a row for a work account");
    let shown: Vec<&str> = work.steps.iter().map(|s| s.shows().as_str()).collect();
    assert!(shown.contains(&"android-work-account"), "{shown:?}");
    assert!(
        !shown.contains(&"android-delete-backup") && !shown.contains(&"android-reinstall"),
        "fixes that cannot help a work account: {shown:?}"
    );
}

#[test]
fn no_chain_shows_more_than_12_screens_before_its_outcome() {
    let report = PathReport::new(&default_tree());
    assert!(
        report.longest_screens() <= 12,
        "{} screens: {:?}",
        report.longest_screens(),
        report.longest
    );
    for row in &report.symptoms {
        let last = row.steps.last().map_or(0, |s| s.screen);
        assert!(last <= 12, "{} ends on screen {last}", row.label());
        assert!(row.outcome.is_some(), "{} never ends", row.label());
    }
}

#[test]
fn nothing_that_can_lose_chats_comes_before_the_key_check() {
    let tree = default_tree();
    let report = PathReport::new(&tree);
    let mut risky = 0;
    for row in &report.symptoms {
        let mut checked = false;
        for step in &row.steps {
            checked |= step.safety_check;
            if step.risk == Some(Risk::Chats) {
                risky += 1;
                assert!(
                    checked,
                    "{}: {} before the key check",
                    row.label(),
                    step.node
                );
            }
        }
    }
    assert!(risky > 0, "the rows reach the steps that can lose chats");
    // Every support step comes before the key check (support before risk).
    for row in &report.symptoms {
        let support = row
            .steps
            .iter()
            .position(|s| s.shows().as_str().ends_with("contact-support"));
        let key = row.steps.iter().position(|s| s.safety_check);
        if let (Some(support), Some(key)) = (support, key) {
            assert!(
                support < key,
                "{}: the key check before support",
                row.label()
            );
        }
    }
}

fn result(stop: TestEnd, upload_mbps: Option<f64>, connection: &str) -> SpeedResult {
    let mut r = SpeedResult::new(stop, 2_000_000, 3_000.0);
    if stop != TestEnd::Error {
        r.download_mbps = Some(40.0);
        r.upload_mbps = upload_mbps;
        r.latency_ms = Some(30.0);
        r.jitter_ms = Some(3.0);
        r.loaded_latency_ms = Some(45.0);
    } else {
        r.bytes_used = 0;
    }
    r.connection = Some(connection.to_owned());
    r
}

/// Every node any walk reaches when the browser reports `connection`: each
/// answer of each asked question, "No, still stuck" at each fix, and at each
/// connection test every kind of result the browser could get on it.
fn reachable_with(tree: &ValidTree, connection: ConnectionKind, seen_as: &str) -> BTreeSet<String> {
    let results = [
        result(TestEnd::Stable, Some(10.0), seen_as),
        result(TestEnd::Stable, Some(0.3), seen_as),
        result(TestEnd::Error, None, seen_as),
    ];
    let mut seen = BTreeSet::new();
    let mut stack = vec![Session::new(tree)];
    while let Some(session) = stack.pop() {
        if !seen.insert(session.current().to_string()) {
            continue;
        }
        let mut choices = Vec::new();
        match tree.node(session.current()) {
            Some(Node::SpeedTest(test)) => {
                for r in &results {
                    let known = Known {
                        connection,
                        measured: Some(r),
                    };
                    choices.push((
                        Choice::Measured {
                            route: test.route_for(&known),
                        },
                        Some(r),
                    ));
                }
            }
            Some(Node::Fix(_)) => choices.push((Choice::NotFixed, None)),
            _ => choices.extend(session.options(tree).into_iter().map(|c| (c, None))),
        }
        for (choice, measured) in choices {
            let mut next = session.clone();
            next.choose(tree, choice).expect("an offered choice fits");
            next.answer_known(
                tree,
                &Known {
                    connection,
                    measured,
                },
            );
            stack.push(next);
        }
    }
    seen
}

#[test]
fn a_person_on_wifi_never_sees_the_mobile_data_steps() {
    let tree = default_tree();
    let seen = reachable_with(&tree, ConnectionKind::Wifi, "wifi");
    let mobile: Vec<&String> = seen
        .iter()
        .filter(|id| tree.get(id).and_then(Node::risk) == Some(Risk::Money))
        .collect();
    assert!(mobile.is_empty(), "shown on Wi-Fi: {mobile:?}");
    assert!(seen.contains("android-data-saver"), "the Wi-Fi chain runs");
}

#[test]
fn a_person_on_mobile_data_gets_the_mobile_data_step_first() {
    let tree = default_tree();
    let known = Known {
        connection: ConnectionKind::Cellular,
        measured: None,
    };
    for (phone, waiting, step) in [(0, 3, "android-cellular"), (1, 3, "ios-cellular")] {
        let mut session = Session::new(&tree);
        session
            .choose(&tree, Choice::Answer(phone))
            .expect("platform");
        session
            .choose(&tree, Choice::Answer(waiting))
            .expect("symptom");
        assert_eq!(session.answer_known(&tree, &known), 1);
        assert_eq!(
            session.current().as_str(),
            step,
            "screen 3 is the mobile-data step"
        );
        let trail = session.encode_trail();
        assert!(trail.ends_with("k1"), "{trail}");
        // A link or saved progress with the browser's answer lands there too.
        let replayed = Session::from_trail(&tree, &trail).expect("the trail replays");
        assert_eq!(replayed.current().as_str(), step);
        assert_eq!(
            replayed.breadcrumb(&tree, "en")[2].answer.as_deref(),
            Some("Mobile data")
        );
        assert_eq!(
            replayed.progress(&tree).done,
            2,
            "the browser's answer was no screen"
        );
    }
    // Stuck at a percentage: the test's cellular route leads to it.
    let seen = reachable_with(&tree, ConnectionKind::Cellular, "cellular 4g");
    assert!(seen.contains("android-cellular-measured") && seen.contains("ios-cellular-measured"));
}

#[test]
fn without_the_browser_s_word_the_question_is_asked() {
    let tree = default_tree();
    let mut session = Session::new(&tree);
    session.choose(&tree, Choice::Answer(0)).expect("platform");
    session.choose(&tree, Choice::Answer(3)).expect("symptom");
    assert_eq!(session.answer_known(&tree, &Known::default()), 0);
    assert_eq!(session.current().as_str(), "android-network");
}
