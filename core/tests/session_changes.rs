//! Answers are kept: Back, "Change" and the browser's history move through a
//! walk without losing the later steps, and only a different answer drops
//! them, after the widget could ask.

use backup_doctor_core::session::{Choice, Session};
use backup_doctor_core::tree::{Tree, ValidTree};

const DEFAULT: &str = include_str!("../trees/default.json");

fn tree() -> ValidTree {
    Tree::from_json(DEFAULT).expect("the default tree is valid")
}

/// Android, stuck at 0 %, two fixes tried: at android-phone-storage.
fn walked(tree: &ValidTree) -> Session {
    let mut s = Session::new(tree);
    for c in [
        Choice::Answer(0),
        Choice::Answer(0),
        Choice::NotFixed,
        Choice::NotFixed,
    ] {
        s.choose(tree, c).expect("fits");
    }
    assert_eq!(s.current().as_str(), "android-phone-storage");
    s
}

#[test]
fn changing_an_answer_to_the_same_one_loses_nothing() {
    let tree = tree();
    let before = walked(&tree);
    let mut s = before.clone();
    s.rewind_to(1).expect("the symptom step");
    assert_eq!(s.current().as_str(), "android-symptom");
    assert_eq!(s.would_drop(&tree, Choice::Answer(0)), 0);
    s.choose(&tree, Choice::Answer(0)).expect("fits");
    assert_eq!(s.current(), before.current());
    assert_eq!(s.encode_trail(), before.encode_trail());
}

#[test]
fn a_different_answer_drops_the_later_steps_and_says_how_many_first() {
    let tree = tree();
    let mut s = walked(&tree);
    s.rewind_to(1).expect("the symptom step");
    assert_eq!(
        s.would_drop(&tree, Choice::Answer(2)),
        2,
        "the account and storage answers"
    );
    s.choose(&tree, Choice::Answer(2)).expect("fits");
    assert_eq!(s.current().as_str(), "android-finished");
    assert!(s.ahead().is_empty());
}

#[test]
fn back_keeps_the_steps_and_forward_takes_them_again() {
    let tree = tree();
    let before = walked(&tree);
    let mut s = before.clone();
    assert!(s.back() && s.back());
    assert_eq!(s.current().as_str(), "android-account");
    assert_eq!(s.ahead().len(), 2);
    assert!(s.forward(&tree));
    assert_eq!(s.current().as_str(), "android-google-storage");
    // Answering the same as before brings back the rest.
    s.choose(&tree, Choice::NotFixed).expect("fits");
    assert_eq!(s.encode_trail(), before.encode_trail());
    assert!(!s.forward(&tree), "nothing left ahead");
}

#[test]
fn going_to_an_earlier_trail_of_the_walk_keeps_the_rest_for_forward() {
    let tree = tree();
    let before = walked(&tree);
    let mut s = before.clone();
    s.set_backup_size_gb(Some(3.0)).expect("a size");
    s.go_to(&tree, "0.0").expect("an earlier place");
    assert_eq!(s.current().as_str(), "android-account");
    assert_eq!(s.backup_size_gb(), Some(3.0), "the size stays");
    s.go_to(&tree, &before.encode_trail())
        .expect("forward again");
    assert_eq!(s.current(), before.current());
    // A trail of another walk replaces this one.
    s.go_to(&tree, "1").expect("the iPhone");
    assert_eq!(s.current().as_str(), "ios-symptom");
    assert!(s.ahead().is_empty());
}

#[test]
fn start_over_forgets_the_kept_steps_too() {
    let tree = tree();
    let mut s = walked(&tree);
    s.back();
    s.restart();
    assert!(s.ahead().is_empty() && s.steps().is_empty());
}

#[test]
fn back_passes_an_answer_the_browser_gave() {
    use backup_doctor_core::known::{ConnectionKind, Known};
    let tree = tree();
    let mut s = Session::new(&tree);
    s.choose(&tree, Choice::Answer(0)).expect("Android");
    s.choose(&tree, Choice::Answer(3))
        .expect("waiting for Wi-Fi");
    let known = Known {
        connection: ConnectionKind::Wifi,
        measured: None,
    };
    assert_eq!(s.answer_known(&tree, &known), 1);
    assert_eq!(s.current().as_str(), "android-data-saver");
    assert!(s.back());
    assert_eq!(
        s.current().as_str(),
        "android-symptom",
        "not the question nobody saw"
    );
}
