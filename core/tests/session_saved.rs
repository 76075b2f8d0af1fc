//! Saved progress in localStorage: a person who restarts their phone comes
//! back where they were; anything stale, foreign or broken starts afresh
//! with a reason, never a crash.

use backup_doctor_core::session::{Choice, RestoreError, Session, SessionError, MAX_AGE_MS};
use backup_doctor_core::tree::{Tree, ValidTree};

const WALK: &str = include_str!("fixtures/walk.json");
const NOW: u64 = 1_790_000_000_000;

fn walk_tree() -> ValidTree {
    Tree::from_json(WALK).expect("walk fixture is valid")
}

fn midway(tree: &ValidTree) -> Session {
    let mut session = Session::new(tree);
    for choice in [Choice::Answer(0), Choice::Answer(1), Choice::NotFixed] {
        session.choose(tree, choice).expect("fits");
    }
    session.set_backup_size_gb(Some(4.5)).expect("size");
    session
}

#[test]
fn saved_progress_comes_back_where_it_was() {
    let tree = walk_tree();
    let session = midway(&tree);
    let saved = session.to_saved(&tree, NOW);
    let restored = Session::from_saved(&tree, &saved, NOW + 60_000).expect("restores");
    assert_eq!(restored, session);
    assert_eq!(restored.current(), "a-clear");
    assert_eq!(restored.backup_size_gb(), Some(4.5));
}

#[test]
fn saved_state_has_the_documented_shape() {
    let tree = walk_tree();
    let saved = midway(&tree).to_saved(&tree, NOW);
    let value: serde_json::Value = serde_json::from_str(&saved).expect("JSON");
    assert_eq!(
        value,
        serde_json::json!({
            "v": 1,
            "tree": "walk-fixture@2026-01-01.1",
            "trail": "0.1.n",
            "backup_size_gb": 4.5,
            "saved_at_ms": NOW
        })
    );
}

#[test]
fn unreadable_saves_are_corrupt() {
    let tree = walk_tree();
    for saved in [
        "",
        "not json",
        "[]",
        "null",
        "{}",
        r#"{"v":"1"}"#,
        r#"{"v":1}"#,
        r#"{"v":1,"tree":"walk-fixture@2026-01-01.1","trail":5,"saved_at_ms":1}"#,
        r#"{"v":1,"tree":"walk-fixture@2026-01-01.1","trail":"","saved_at_ms":-1}"#,
        r#"{"v":1,"tree":"walk-fixture@2026-01-01.1","trail":"","saved_at_ms":1,"extra":0}"#,
    ] {
        assert!(
            matches!(
                Session::from_saved(&tree, saved, NOW),
                Err(RestoreError::Corrupt(_))
            ),
            "{saved:?}"
        );
    }
    let negative_size = format!(
        r#"{{"v":1,"tree":"walk-fixture@2026-01-01.1","trail":"","backup_size_gb":-3,"saved_at_ms":{NOW}}}"#
    );
    assert!(matches!(
        Session::from_saved(&tree, &negative_size, NOW),
        Err(RestoreError::Corrupt(_))
    ));
}

#[test]
fn another_version_is_named() {
    let tree = walk_tree();
    let saved =
        r#"{"v":2,"tree":"walk-fixture@2026-01-01.1","trail":"0","saved_at_ms":1,"new":true}"#;
    assert_eq!(
        Session::from_saved(&tree, saved, NOW),
        Err(RestoreError::OtherVersion { found: 2 })
    );
}

#[test]
fn a_new_revision_of_the_tree_makes_the_save_stale() {
    let tree = walk_tree();
    let saved = midway(&tree).to_saved(&tree, NOW);
    let revised =
        Tree::from_json(&WALK.replace("2026-01-01.1", "2026-02-01.1")).expect("revised tree");
    assert_eq!(
        Session::from_saved(&revised, &saved, NOW),
        Err(RestoreError::OtherTree {
            saved: "walk-fixture@2026-01-01.1".into(),
            current: "walk-fixture@2026-02-01.1".into()
        })
    );
}

#[test]
fn saves_older_than_thirty_days_expire() {
    let tree = walk_tree();
    let saved = midway(&tree).to_saved(&tree, NOW);
    assert!(Session::from_saved(&tree, &saved, NOW + MAX_AGE_MS).is_ok());
    assert_eq!(
        Session::from_saved(&tree, &saved, NOW + MAX_AGE_MS + 1),
        Err(RestoreError::Expired { age_days: 30 })
    );
    // A clock set far back cannot keep a save alive forever either.
    assert!(matches!(
        Session::from_saved(&tree, &saved, NOW - MAX_AGE_MS - 1),
        Err(RestoreError::Expired { .. })
    ));
}

#[test]
fn a_trail_that_no_longer_fits_is_a_replay_error() {
    let tree = walk_tree();
    let saved = format!(
        r#"{{"v":1,"tree":"walk-fixture@2026-01-01.1","trail":"0.7","saved_at_ms":{NOW}}}"#
    );
    match Session::from_saved(&tree, &saved, NOW) {
        Err(RestoreError::Replay(SessionError::TrailDoesNotFit { position: 1, .. })) => {}
        other => panic!("expected a replay error, got {other:?}"),
    }
}
