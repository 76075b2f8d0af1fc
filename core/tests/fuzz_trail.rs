//! Fuzzing trails (the walk in the URL fragment, "0.1.n.m2"): any string
//! is replayed or refused without a panic, an accepted trail is a walk that
//! stays in the tree, and every walk of up to [`MAX_TRAIL_STEPS`] steps
//! comes back from its own trail unchanged.

mod fuzz_support;

use backup_doctor_core::session::{Choice, Session, SessionError, MAX_TRAIL_STEPS};
use backup_doctor_core::tree::{Tree, ValidTree};
use fuzz_support::{check, ensure, hostile_string, tree_plan, walk, TreePlan};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const DEFAULT: &str = include_str!("../trees/default.json");
const WALK: &str = include_str!("fixtures/walk.json");

fn fixed_tree(which: bool) -> ValidTree {
    match Tree::from_json(if which { DEFAULT } else { WALK }) {
        Ok(tree) => tree,
        Err(errors) => panic!("a shipped tree is invalid: {errors}"),
    }
}

/// The default tree, the walk fixture, or a generated one.
#[derive(Debug, Clone)]
enum Source {
    Shipped(bool),
    Generated(TreePlan),
}

fn source() -> impl Strategy<Value = Source> {
    prop_oneof![
        any::<bool>().prop_map(Source::Shipped),
        tree_plan().prop_map(Source::Generated),
    ]
}

fn tree_of(source: &Source) -> Result<ValidTree, TestCaseError> {
    match source {
        Source::Shipped(which) => Ok(fixed_tree(*which)),
        Source::Generated(plan) => Tree::from_json(&plan.to_json())
            .map_err(|e| TestCaseError::fail(format!("generated tree refused: {e}"))),
    }
}

/// Strings in the trail's own alphabet: tokens, near-tokens, separators.
fn trail_soup() -> impl Strategy<Value = String> {
    let token = prop::sample::select(
        &[
            "0",
            "1",
            "2",
            "3",
            "9",
            "10",
            "9999",
            "10000",
            "01",
            "00",
            "-1",
            "+1",
            "y",
            "n",
            "s",
            "m",
            "m0",
            "m1",
            "m4",
            "m9999",
            "m01",
            "mm",
            "Y",
            "",
            " ",
            "1e3",
            "é",
            "\u{0}",
            "18446744073709551616",
        ][..],
    );
    let separator = prop::sample::select(&[".", ".", ".", "..", ",", "/", ". "][..]);
    prop::collection::vec((token, separator), 0..40).prop_map(|parts| {
        let mut trail = String::new();
        for (i, (token, separator)) in parts.iter().enumerate() {
            if i > 0 {
                trail.push_str(separator);
            }
            trail.push_str(token);
        }
        trail
    })
}

/// What must hold for any trail replayed on `tree`.
fn check_trail(tree: &ValidTree, trail: &str) -> Result<(), TestCaseError> {
    match Session::from_trail(tree, trail) {
        Ok(session) => {
            let tokens = if trail.is_empty() {
                0
            } else {
                trail.split('.').count()
            };
            ensure(session.steps().len() == tokens, || {
                format!("{} steps from {tokens} tokens", session.steps().len())
            })?;
            ensure(tree.node(session.current()).is_some(), || {
                format!("the walk ended outside the tree at {}", session.current())
            })?;
            // The trail is canonical: it encodes back to itself.
            ensure(session.encode_trail() == trail, || {
                format!("{trail:?} re-encodes as {:?}", session.encode_trail())
            })?;
            // Everything derived from the walk works on it.
            let _ = session.summary(tree, "en");
            let _ = session.breadcrumb(tree, "ar");
            let progress = session.progress(tree);
            ensure(progress.done <= progress.total_estimate, || {
                format!("progress {progress:?}")
            })
        }
        Err(error) => {
            ensure(!error.to_string().is_empty(), String::new)?;
            if let SessionError::BadTrail { token, .. } = &error {
                ensure(token.chars().count() <= 16, || {
                    format!("the error repeats a long token: {token:?}")
                })?;
            }
            Ok(())
        }
    }
}

#[test]
fn any_string_is_replayed_or_refused() {
    let strategy = (any::<bool>(), hostile_string(300));
    check("any_string", 1, strategy, |(which, trail)| {
        check_trail(&fixed_tree(which), &trail)
    });
}

#[test]
fn trail_like_strings_are_replayed_or_refused() {
    check(
        "trail_like",
        1,
        (source(), trail_soup()),
        |(source, trail)| check_trail(&tree_of(&source)?, &trail),
    );
}

#[test]
fn long_trails_are_refused_quickly() {
    let strategy = (
        any::<bool>(),
        prop::sample::select(&["0", "n", "m1", "9999", ""][..]),
        400usize..300_000,
    );
    check("long_trails", 8, strategy, |(which, token, count)| {
        let trail = vec![token; count].join(".");
        check_trail(&fixed_tree(which), &trail)
    });
}

#[test]
fn every_walk_comes_back_from_its_trail() {
    let strategy = (source(), prop::collection::vec(any::<u16>(), 0..700));
    check("walk_round_trip", 1, strategy, |(source, selectors)| {
        let tree = tree_of(&source)?;
        let session = walk(&tree, &selectors);
        let trail = session.encode_trail();
        match Session::from_trail(&tree, &trail) {
            Ok(back) => {
                ensure(back == session, || {
                    format!("{trail:?} came back as another walk")
                })?;
                check_trail(&tree, &trail)
            }
            Err(SessionError::TrailTooLong) => {
                ensure(session.steps().len() > MAX_TRAIL_STEPS, || {
                    format!(
                        "a walk of {} steps was refused as too long",
                        session.steps().len()
                    )
                })
            }
            Err(error) => Err(TestCaseError::fail(format!("{trail:?} refused: {error}"))),
        }
    });
}

// ---------------------------------------------------------------------------
// Regressions

/// A loop through a speed test with more than a thousand routes, so that
/// the longest tokens ("m1000") fill a trail of [`MAX_TRAIL_STEPS`] steps.
fn wide_speed_test_tree() -> ValidTree {
    let routes: Vec<String> = (0..=1000)
        .map(|_| r#"{"when":"offline","next":"speed"}"#.to_owned())
        .collect();
    let json = format!(
        r#"{{"format":1,"id":"wide","revision":"1","langs":["en"],"start":"speed","nodes":[
        {{"id":"speed","type":"speed_test","title":{{"en":"Test"}},"next":"done","routes":[{}]}},
        {{"id":"done","type":"outcome","outcome":"resolved","title":{{"en":"Done"}}}}]}}"#,
        routes.join(",")
    );
    match Tree::from_json(&json) {
        Ok(tree) => tree,
        Err(errors) => panic!("{errors}"),
    }
}

/// Found while writing `walk_round_trip`: the length check allowed 5
/// characters per step, but "m1000" plus its dot is 6, so a walk of
/// [`MAX_TRAIL_STEPS`] such steps could be saved and not restored.
#[test]
fn regression_longest_tokens_fill_a_whole_trail() {
    let tree = wide_speed_test_tree();
    let mut session = Session::new(&tree);
    for _ in 0..MAX_TRAIL_STEPS {
        session
            .choose(&tree, Choice::Measured { route: Some(1000) })
            .expect("the loop stays open");
    }
    let trail = session.encode_trail();
    let back = Session::from_trail(&tree, &trail);
    assert!(
        back.as_ref() == Ok(&session),
        "{} characters: {:?}",
        trail.len(),
        back.err()
    );
    let longer = format!("{trail}.m1000");
    assert_eq!(
        Session::from_trail(&tree, &longer),
        Err(SessionError::TrailTooLong)
    );
}
