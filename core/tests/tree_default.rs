//! The default tree shipped with the widget is valid, and every walk through
//! it, down every answer, ends in an outcome.

use std::collections::BTreeSet;

use backup_doctor_core::session::{Choice, Session};
use backup_doctor_core::tree::{Node, Tree, ValidTree};

const DEFAULT: &str = include_str!("../trees/default.json");

/// How many times a walk may pass the same node before the search stops
/// following that loop (loops with an exit are allowed in trees).
const VISITS_PER_NODE: usize = 2;

fn default_tree() -> ValidTree {
    match Tree::from_json(DEFAULT) {
        Ok(tree) => tree,
        Err(errors) => panic!("trees/default.json is not valid:\n{errors}"),
    }
}

#[test]
fn default_tree_is_valid_without_warnings() {
    let tree = default_tree();
    let warnings: Vec<String> = tree.warnings().iter().map(|w| w.to_string()).collect();
    assert!(warnings.is_empty(), "warnings:\n{}", warnings.join("\n"));
}

#[test]
fn every_path_of_the_default_tree_ends_in_an_outcome() {
    let tree = default_tree();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut endings = 0usize;
    let mut stack = vec![Session::new(&tree)];
    while let Some(session) = stack.pop() {
        seen.insert(session.current().to_string());
        let options = session.options(&tree);
        if options.is_empty() {
            assert!(
                session.outcome(&tree).is_some(),
                "the walk {:?} stops at {}, which is not an outcome",
                session.encode_trail(),
                session.current()
            );
            // The trail of every complete walk replays to the same place.
            let replayed = Session::from_trail(&tree, &session.encode_trail()).expect("replays");
            assert_eq!(replayed.current(), session.current());
            let progress = session.progress(&tree);
            assert_eq!(progress.done, progress.total_estimate);
            endings += 1;
            continue;
        }
        // "Skip this step" leads where "No, still stuck" (or a speed test's
        // `next`) leads; following both would double the walks at every
        // fix without reaching a single new path.
        for choice in options.into_iter().filter(|c| *c != Choice::Skipped) {
            let mut next = session.clone();
            next.choose(&tree, choice).expect("an offered option fits");
            let visits = next
                .steps()
                .iter()
                .filter(|s| &s.node == next.current())
                .count();
            if visits < VISITS_PER_NODE {
                stack.push(next);
            }
        }
    }
    assert!(endings > 0);
    println!("{endings} complete walks through the default tree");
    let all: BTreeSet<String> = tree.nodes.iter().map(|n| n.id().to_string()).collect();
    let missed: Vec<&String> = all.difference(&seen).collect();
    assert!(missed.is_empty(), "never reached: {missed:?}");
}

#[test]
fn default_tree_records_the_facts_the_summary_expects() {
    let tree = default_tree();
    let facts: BTreeSet<&str> = tree
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Question(q) => q.fact.as_deref(),
            _ => None,
        })
        .collect();
    for name in ["platform", "symptom"] {
        assert!(
            facts.contains(name),
            "no question records the fact {name:?}"
        );
    }
    match tree.start() {
        Node::Question(q) => assert_eq!(q.fact.as_deref(), Some("platform")),
        other => panic!("the default tree starts with a {}", other.kind_name()),
    }
}

#[test]
fn default_tree_has_both_kinds_of_outcome_and_a_speed_test() {
    let tree = default_tree();
    let kinds: BTreeSet<&str> = tree.nodes.iter().map(|n| n.kind_name()).collect();
    assert!(kinds.contains("speed_test"), "{kinds:?}");
    let outcome_kinds: BTreeSet<String> = tree
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Outcome(o) => Some(format!("{:?}", o.outcome)),
            _ => None,
        })
        .collect();
    assert_eq!(outcome_kinds.len(), 2, "{outcome_kinds:?}");
}

#[test]
fn every_path_test_of_the_default_tree_passes() {
    let tree = Tree::from_json(include_str!("../trees/default.json")).expect("valid");
    let results = tree.run_path_tests();
    assert!(results.len() >= 8);
    for result in results {
        assert_eq!(result.failure, None, "{}", result.name);
    }
}
