//! The texts of later steps and outcomes follow from what the person did:
//! walked down every path of the default tree, no screen says "don't delete
//! any backup" after the walk had them delete it, and "turn videos back on"
//! is said only to people who turned them off.

use backup_doctor_core::session::{Choice, Session};
use backup_doctor_core::tree::{Node, Tree, ValidTree};

const DEFAULT: &str = include_str!("../trees/default.json");

/// Did the walk do this step ("Yes" or "No, still stuck"), as itself or a copy?
fn did(tree: &ValidTree, session: &Session, original: &str) -> bool {
    session.steps().iter().any(|s| {
        matches!(s.choice, Choice::Fixed | Choice::NotFixed)
            && (s.node == original
                || tree
                    .node(&s.node)
                    .and_then(Node::copy_of)
                    .is_some_and(|o| o == original))
    })
}

/// Every text of the current step as the person sees it, in English.
fn shown(tree: &ValidTree, session: &Session) -> String {
    let node = tree.node(session.current()).expect("a node");
    let mut text = node.body().map(|b| b.en().to_owned()).unwrap_or_default();
    for note in session.notes(tree) {
        text.push('\n');
        text.push_str(note.text.en());
    }
    text
}

#[test]
fn every_walk_shows_only_the_notes_that_fit_what_it_did() {
    let tree = Tree::from_json(DEFAULT).unwrap_or_else(|e| panic!("{e}"));
    let mut stack = vec![Session::new(&tree)];
    let (mut outcomes, mut after_delete, mut videos_off) = (0, 0, 0);
    while let Some(session) = stack.pop() {
        let text = shown(&tree, &session);
        for platform in ["android", "ios"] {
            let deleted = did(&tree, &session, &format!("{platform}-delete-backup"));
            if deleted && session.current().as_str().starts_with(platform) {
                after_delete += 1;
                assert!(
                    !text.contains("don't delete any backup"),
                    "{} at {} after deleting the backup:\n{text}",
                    session.encode_trail(),
                    session.current()
                );
                if session.current().as_str() == format!("escalate-{platform}") {
                    assert!(text.contains("You deleted the old backup"), "{text}");
                }
            }
        }
        if session.current() == "resolved" {
            let off = did(&tree, &session, "android-videos") || did(&tree, &session, "ios-videos");
            videos_off += usize::from(off);
            assert_eq!(
                text.contains("turn them back on"),
                off,
                "{}: videos note against the walk",
                session.encode_trail()
            );
        }
        let options = session.options(&tree);
        if options.is_empty() {
            outcomes += 1;
            if session.current().as_str().starts_with("escalate")
                && !did(&tree, &session, "android-delete-backup")
                && !did(&tree, &session, "ios-delete-backup")
                && !did(&tree, &session, "android-reinstall")
                && !did(&tree, &session, "ios-reinstall")
            {
                assert!(text.contains("don't delete any backup"), "{text}");
            }
            continue;
        }
        for choice in options {
            // Skipping a risky step must count as not doing it; skipping a
            // harmless one leads where "No" leads, so it adds nothing here.
            let risky = tree.node(session.current()).and_then(Node::risk).is_some();
            if choice == Choice::Skipped && !risky {
                continue;
            }
            let mut next = session.clone();
            next.choose(&tree, choice).expect("an offered option fits");
            stack.push(next);
        }
    }
    assert!(outcomes > 500, "walked {outcomes} ends");
    assert!(
        after_delete > 0 && videos_off > 0,
        "the conditions are met on some walks"
    );
}
