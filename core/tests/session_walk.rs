//! Walking a tree: choices move the person on, wrong choices change nothing,
//! and back / restart / rewind put them exactly where they expect.

use backup_doctor_core::session::{Choice, Fact, Session, SessionError};
use backup_doctor_core::tree::{NodeId, OutcomeKind, Tree, ValidTree};

fn walk_tree() -> ValidTree {
    Tree::from_json(include_str!("fixtures/walk.json")).expect("walk fixture is valid")
}

fn walked(tree: &ValidTree, choices: &[Choice]) -> Session {
    let mut session = Session::new(tree);
    for &choice in choices {
        session.choose(tree, choice).expect("choice fits");
    }
    session
}

#[test]
fn choices_lead_through_the_tree() {
    let tree = walk_tree();
    let mut session = Session::new(&tree);
    assert_eq!(session.current(), "platform");
    session.choose(&tree, Choice::Answer(0)).expect("Android");
    assert_eq!(session.current(), "a-symptom");
    session
        .choose(&tree, Choice::Answer(0))
        .expect("stuck at 0 %");
    assert_eq!(session.current(), "a-speed");
    session
        .choose(&tree, Choice::Measured { route: Some(1) })
        .expect("slow upload");
    assert_eq!(session.current(), "a-wifi");
    session.choose(&tree, Choice::NotFixed).expect("not fixed");
    assert_eq!(session.current(), "a-restart");
    session.choose(&tree, Choice::Fixed).expect("fixed");
    assert_eq!(session.current(), "resolved");
    assert!(session.outcome(&tree).is_some());
    assert!(session.options(&tree).is_empty());
}

#[test]
fn a_choice_that_does_not_fit_changes_nothing() {
    let tree = walk_tree();
    let mut session = Session::new(&tree);
    let before = session.clone();
    assert!(matches!(
        session.choose(&tree, Choice::Fixed),
        Err(SessionError::DoesNotFit {
            kind: "question",
            ..
        })
    ));
    assert_eq!(
        session.choose(&tree, Choice::Answer(2)),
        Err(SessionError::NoSuchAnswer {
            node: NodeId::from("platform"),
            index: 2,
            count: 2
        })
    );
    assert!(matches!(
        session.choose(&tree, Choice::Measured { route: None }),
        Err(SessionError::DoesNotFit { .. })
    ));
    assert_eq!(session, before);

    let mut at_speed = walked(&tree, &[Choice::Answer(0), Choice::Answer(0)]);
    assert!(matches!(
        at_speed.choose(&tree, Choice::Measured { route: Some(2) }),
        Err(SessionError::NoSuchRoute { count: 2, .. })
    ));
    assert!(matches!(
        at_speed.choose(&tree, Choice::Fixed),
        Err(SessionError::DoesNotFit {
            kind: "speed_test",
            ..
        })
    ));
    assert!(matches!(
        at_speed.choose(&tree, Choice::Answer(0)),
        Err(SessionError::DoesNotFit { .. })
    ));

    let mut ended = walked(&tree, &[Choice::Answer(1), Choice::Fixed]);
    assert_eq!(ended.current(), "resolved");
    let error = ended.choose(&tree, Choice::Fixed).expect_err("walk ended");
    assert_eq!(error.to_string(), "the walk already ended at \"resolved\"");
}

#[test]
fn a_session_from_another_tree_is_refused_not_panicking() {
    let tree = walk_tree();
    let other = Tree::from_json(include_str!("fixtures/base.json")).expect("base");
    let mut session = walked(&tree, &[Choice::Answer(0)]);
    assert!(matches!(
        session.choose(&other, Choice::Answer(0)),
        Err(SessionError::UnknownNode { .. })
    ));
    assert!(session.options(&other).is_empty());
}

#[test]
fn back_undoes_one_step_and_stops_at_the_start() {
    let tree = walk_tree();
    let mut session = walked(
        &tree,
        &[Choice::Answer(0), Choice::Answer(1), Choice::NotFixed],
    );
    assert_eq!(session.current(), "a-clear");
    assert!(session.back());
    assert_eq!(session.current(), "a-restart");
    assert_eq!(session.steps().len(), 2);
    assert!(session.back());
    assert!(session.back());
    assert_eq!(session.current(), "platform");
    assert!(!session.back());
    assert_eq!(session.current(), "platform");
}

#[test]
fn restart_forgets_the_walk_but_keeps_the_backup_size() {
    let tree = walk_tree();
    let mut session = walked(&tree, &[Choice::Answer(0), Choice::Answer(1)]);
    session.set_backup_size_gb(Some(3.5)).expect("size");
    session.restart();
    assert_eq!(session.current(), "platform");
    assert!(session.steps().is_empty());
    assert_eq!(session.backup_size_gb(), Some(3.5));
}

#[test]
fn rewind_lets_the_person_change_an_earlier_answer() {
    let tree = walk_tree();
    let mut session = walked(
        &tree,
        &[Choice::Answer(0), Choice::Answer(1), Choice::NotFixed],
    );
    session.rewind_to(1).expect("step 1 exists");
    assert_eq!(session.current(), "a-symptom");
    assert_eq!(session.steps().len(), 1);
    session
        .choose(&tree, Choice::Answer(2))
        .expect("something else");
    assert_eq!(session.current(), "escalate-android");
    assert_eq!(
        session.rewind_to(5),
        Err(SessionError::NoSuchStep { index: 5, len: 2 })
    );
    session.rewind_to(0).expect("first step");
    assert_eq!(session.current(), "platform");
    assert!(session.steps().is_empty());
}

#[test]
fn breadcrumb_shows_questions_with_their_answers() {
    let tree = walk_tree();
    let session = walked(
        &tree,
        &[Choice::Answer(0), Choice::Answer(1), Choice::NotFixed],
    );
    let crumbs = session.breadcrumb(&tree, "es");
    assert_eq!(crumbs.len(), 3);
    assert_eq!(crumbs[0].title, "¿En qué teléfono está la copia atascada?");
    assert_eq!(crumbs[0].answer.as_deref(), Some("Android"));
    assert_eq!(crumbs[1].answer.as_deref(), Some("Preparando copia"));
    assert_eq!(crumbs[2].title, "Reinicia el teléfono");
    assert_eq!(crumbs[2].choice, Choice::NotFixed);
    assert_eq!(crumbs[2].answer, None);
    assert_eq!(crumbs[2].step, 2);
}

#[test]
fn progress_starts_at_zero_and_ends_full() {
    let tree = walk_tree();
    let mut session = Session::new(&tree);
    let start = session.progress(&tree);
    assert_eq!(start.done, 0);
    assert!(start.total_estimate >= 6, "{start:?}");
    for choice in [Choice::Answer(0), Choice::Answer(1), Choice::NotFixed] {
        session.choose(&tree, choice).expect("fits");
        let p = session.progress(&tree);
        assert!(p.done < p.total_estimate, "{p:?}");
    }
    session.choose(&tree, Choice::Fixed).expect("fixed");
    let end = session.progress(&tree);
    assert_eq!(end.done, end.total_estimate);
    assert_eq!(end.fraction(), 1.0);
}

#[test]
fn facts_tried_and_fixed_by_are_recorded() {
    let tree = walk_tree();
    let session = walked(
        &tree,
        &[
            Choice::Answer(0),
            Choice::Answer(0),
            Choice::Measured { route: None },
            Choice::NotFixed,
            Choice::Skipped,
            Choice::Answer(0),
            Choice::Skipped,
            Choice::NotFixed,
            Choice::Fixed,
        ],
    );
    assert_eq!(session.current(), "resolved");
    let facts = session.facts();
    assert_eq!(facts.len(), 2);
    assert_eq!(facts["platform"].answer, 0);
    assert_eq!(facts["symptom"].node, NodeId::from("a-symptom"));
    assert_eq!(session.tried(), vec![NodeId::from("a-restart")]);
    assert_eq!(
        session.skipped(),
        vec![NodeId::from("a-clear"), NodeId::from("a-speed")]
    );
    assert_eq!(session.fixed_by(), Some(NodeId::from("a-clear")));
}

#[test]
fn backup_size_must_be_a_positive_number() {
    let tree = walk_tree();
    let mut session = Session::new(&tree);
    for bad in [f64::NAN, f64::INFINITY, -1.0, 0.0] {
        assert!(session.set_backup_size_gb(Some(bad)).is_err(), "{bad}");
    }
    assert_eq!(session.backup_size_gb(), None);
    session.set_backup_size_gb(Some(12.5)).expect("size");
    session.set_backup_size_gb(None).expect("clear");
    assert_eq!(session.backup_size_gb(), None);
}

#[test]
fn summary_tells_support_what_happened() {
    let tree = walk_tree();
    let mut session = walked(
        &tree,
        &[
            Choice::Answer(0),
            Choice::Answer(1),
            Choice::NotFixed,
            Choice::NotFixed,
            Choice::Answer(1),
        ],
    );
    session.set_backup_size_gb(Some(7.34)).expect("size");
    let summary = session.summary(&tree, "en");
    assert_eq!(session.current(), "escalate-android");
    let fact = |question: &str, answer: &str| Fact {
        question: question.to_owned(),
        answer: answer.to_owned(),
        known: false,
    };
    assert_eq!(
        summary.facts,
        vec![
            fact("Which phone is the stuck backup on?", "Android"),
            fact("What do you see?", "Preparing backup"),
            fact("Try the speed test again?", "No"),
        ]
    );
    assert_eq!(
        summary.tried,
        vec!["Restart your phone", "Clear Google Play services cache"]
    );
    assert_eq!(summary.outcome, Some(OutcomeKind::Escalate));
    assert_eq!(summary.fixed_by, None);
    assert_eq!(summary.backup_size_gb, Some(7.34));
    assert_eq!(
        (summary.tree_id.as_str(), summary.revision.as_str()),
        ("walk-fixture", "2026-01-01.1")
    );
    let spanish = session.summary(&tree, "es");
    assert_eq!(spanish.tried[0], "Reinicia el teléfono");
}
