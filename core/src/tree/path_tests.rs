//! Path tests: walks an author writes into the tree file (`tests`) to pin
//! what a person reaches, so that reordering steps cannot silently send a
//! symptom elsewhere. `cargo xtask tree check` and the studio run them.
//!
//! A test walks the tree as the widget would, through [`Session`], so a
//! test and the widget can never disagree about where a choice leads. Each
//! entry of `answers` is the choice on one screen, in the words an author
//! reads in the file:
//! - at a question, an answer's English label (case and surrounding
//!   spaces do not matter);
//! - at a fix, `fixed`, `still stuck` or `skip`;
//! - at a connection test, `skip`, `measured` (no route matched) or the
//!   `when` of one of its routes (`slow_upload`).
//!
//! After the last entry the walk must be at `reaches`, having shown at most
//! `max_screens` screens (the start is screen 1).

use serde::{Deserialize, Serialize};

use super::{Node, NodeId, ValidTree};
use crate::session::{Choice, Session};

/// One expected walk, as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PathTest {
    /// What the walk is about, shown when it fails.
    pub name: String,
    /// The choice on each screen, in order (see the module docs).
    pub answers: Vec<String>,
    /// The step or outcome the walk must end on.
    pub reaches: NodeId,
    /// At most this many screens, the start and the last one included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_screens: Option<usize>,
}

/// How one test went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTestResult {
    /// The test's index in `tests`.
    pub index: usize,
    /// The test's name.
    pub name: String,
    /// `None` when it passed.
    pub failure: Option<PathTestFailure>,
    /// The nodes the walk showed, the start first.
    pub walked: Vec<NodeId>,
}

/// Why a test failed; its `Display` is a sentence for the author.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathTestFailure {
    /// `reaches` names no node of the tree.
    #[error("it expects \"{0}\", which is not a step of this tree")]
    UnknownTarget(NodeId),
    /// An entry does not fit the screen it is used on.
    #[error("answer {position} (\"{given}\") does not fit step \"{node}\"; it takes {expected}")]
    NoSuchChoice {
        /// 1-based position in `answers`.
        position: usize,
        /// The entry as written.
        given: String,
        /// The node it was used on.
        node: NodeId,
        /// What the node takes, in words.
        expected: String,
    },
    /// The walk ended on an outcome before the entries did.
    #[error("the walk ended at \"{outcome}\" with {left} answer(s) left over")]
    EndedEarly {
        /// The outcome reached.
        outcome: NodeId,
        /// How many entries were not used.
        left: usize,
    },
    /// The walk ended somewhere else.
    #[error("it reached \"{reached}\" instead of \"{expected}\"")]
    WrongEnd {
        /// Where the walk is.
        reached: NodeId,
        /// Where it should be.
        expected: NodeId,
    },
    /// The walk took too many screens.
    #[error("it took {screens} screens, more than the {max} allowed")]
    TooLong {
        /// Screens shown.
        screens: usize,
        /// `max_screens`.
        max: usize,
    },
}

impl ValidTree {
    /// Runs every path test of the file, in order.
    pub fn run_path_tests(&self) -> Vec<PathTestResult> {
        self.tests
            .iter()
            .enumerate()
            .map(|(index, test)| run(self, index, test))
            .collect()
    }
}

fn run(tree: &ValidTree, index: usize, test: &PathTest) -> PathTestResult {
    let mut session = Session::new(tree);
    let mut walked = vec![session.current().clone()];
    let result = |failure, walked| PathTestResult {
        index,
        name: test.name.clone(),
        failure,
        walked,
    };
    if tree.node(&test.reaches).is_none() {
        return result(
            Some(PathTestFailure::UnknownTarget(test.reaches.clone())),
            walked,
        );
    }
    for (i, given) in test.answers.iter().enumerate() {
        let Some(node) = tree.node(session.current()) else {
            break;
        };
        if let Node::Outcome(_) = node {
            let failure = PathTestFailure::EndedEarly {
                outcome: node.id().clone(),
                left: test.answers.len() - i,
            };
            return result(Some(failure), walked);
        }
        let Some(choice) = choice_for(node, given) else {
            let failure = PathTestFailure::NoSuchChoice {
                position: i + 1,
                given: given.clone(),
                node: node.id().clone(),
                expected: choices_in_words(node),
            };
            return result(Some(failure), walked);
        };
        if session.choose(tree, choice).is_err() {
            break;
        }
        walked.push(session.current().clone());
    }
    let failure = if *session.current() != test.reaches {
        Some(PathTestFailure::WrongEnd {
            reached: session.current().clone(),
            expected: test.reaches.clone(),
        })
    } else {
        test.max_screens
            .filter(|max| walked.len() > *max)
            .map(|max| PathTestFailure::TooLong {
                screens: walked.len(),
                max,
            })
    };
    result(failure, walked)
}

/// The choice an entry names at `node`, if it names one.
fn choice_for(node: &Node, given: &str) -> Option<Choice> {
    let given = given.trim();
    let is = |word: &str| given.eq_ignore_ascii_case(word);
    match node {
        Node::Question(question) => question
            .answers
            .iter()
            .position(|a| a.label.en().trim().to_lowercase() == given.to_lowercase())
            .map(Choice::Answer),
        Node::Fix(_) if is("fixed") => Some(Choice::Fixed),
        Node::Fix(_) if is("still stuck") => Some(Choice::NotFixed),
        Node::Fix(_) | Node::SpeedTest(_) if is("skip") => Some(Choice::Skipped),
        Node::SpeedTest(_) if is("measured") => Some(Choice::Measured { route: None }),
        Node::SpeedTest(test) => test
            .routes
            .iter()
            .position(|r| is(r.when.as_str()))
            .map(|r| Choice::Measured { route: Some(r) }),
        Node::Fix(_) | Node::Outcome(_) => None,
    }
}

fn choices_in_words(node: &Node) -> String {
    let quoted = |items: Vec<&str>| {
        items
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match node {
        Node::Question(q) => format!(
            "one of its answers: {}",
            quoted(q.answers.iter().map(|a| a.label.en()).collect())
        ),
        Node::Fix(_) => "\"fixed\", \"still stuck\" or \"skip\"".to_owned(),
        Node::SpeedTest(t) => {
            let mut words = vec!["skip", "measured"];
            words.extend(t.routes.iter().map(|r| r.when.as_str()));
            quoted(words)
        }
        Node::Outcome(_) => "nothing: it is an end".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Tree;

    fn tree_with(tests: &str) -> ValidTree {
        let json = format!(
            r#"{{"format": 2, "id": "t", "revision": "1", "langs": ["en"], "start": "q",
            "nodes": [
              {{"id": "q", "type": "question", "title": {{"en": "Phone?"}},
                "answers": [{{"label": {{"en": "Android"}}, "next": "f"}},
                            {{"label": {{"en": "iPhone"}}, "next": "s"}}]}},
              {{"id": "f", "type": "fix", "title": {{"en": "Restart"}}, "fixed": "ok", "next": "help"}},
              {{"id": "s", "type": "speed_test", "title": {{"en": "Test"}}, "next": "help",
                "routes": [{{"when": "slow_upload", "next": "f"}}]}},
              {{"id": "ok", "type": "outcome", "outcome": "resolved", "title": {{"en": "Done"}}}},
              {{"id": "help", "type": "outcome", "outcome": "escalate", "title": {{"en": "Help"}}}}
            ],
            "tests": {tests}}}"#
        );
        Tree::from_json(&json).expect("valid")
    }

    fn failure_of(tests: &str) -> Option<PathTestFailure> {
        let results = tree_with(tests).run_path_tests();
        assert_eq!(results.len(), 1);
        results.into_iter().next().and_then(|r| r.failure)
    }

    #[test]
    fn a_walk_by_labels_and_keywords_reaches_its_step() {
        let results = tree_with(
            r#"[{"name": "android", "answers": [" android ", "fixed"], "reaches": "ok", "max_screens": 3},
                {"name": "slow iPhone", "answers": ["iPhone", "slow_upload", "still stuck"], "reaches": "help"}]"#,
        )
        .run_path_tests();
        assert!(results.iter().all(|r| r.failure.is_none()), "{results:?}");
        assert_eq!(
            results[1].walked,
            ["q", "s", "f", "help"].map(NodeId::from).to_vec()
        );
    }

    #[test]
    fn a_walk_that_ends_elsewhere_says_where() {
        assert_eq!(
            failure_of(r#"[{"name": "x", "answers": ["Android", "skip"], "reaches": "ok"}]"#),
            Some(PathTestFailure::WrongEnd {
                reached: NodeId::from("help"),
                expected: NodeId::from("ok")
            })
        );
    }

    #[test]
    fn an_answer_that_does_not_fit_names_the_choices() {
        let failure =
            failure_of(r#"[{"name": "x", "answers": ["Windows"], "reaches": "ok"}]"#).unwrap();
        assert_eq!(
            failure.to_string(),
            "answer 1 (\"Windows\") does not fit step \"q\"; it takes one of its answers: \"Android\", \"iPhone\""
        );
    }

    #[test]
    fn too_many_screens_and_left_over_answers_fail() {
        assert_eq!(
            failure_of(
                r#"[{"name": "x", "answers": ["Android", "fixed"], "reaches": "ok", "max_screens": 2}]"#
            ),
            Some(PathTestFailure::TooLong { screens: 3, max: 2 })
        );
        assert_eq!(
            failure_of(
                r#"[{"name": "x", "answers": ["Android", "fixed", "fixed"], "reaches": "ok"}]"#
            ),
            Some(PathTestFailure::EndedEarly {
                outcome: NodeId::from("ok"),
                left: 1
            })
        );
    }

    #[test]
    fn an_unknown_target_fails_without_walking() {
        assert_eq!(
            failure_of(r#"[{"name": "x", "answers": [], "reaches": "nowhere"}]"#),
            Some(PathTestFailure::UnknownTarget(NodeId::from("nowhere")))
        );
    }
}
