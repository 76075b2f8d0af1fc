//! What a person sees, symptom by symptom, for authors and for the tests
//! that hold the default tree to its targets (`cargo xtask tree paths`).
//!
//! For every answer of a symptom question (a question with `fact:
//! "symptom"`), the report lists the steps in the order they come when each
//! fix is answered "No, still stuck" and each connection test finds nothing
//! to route on, with the screen each one is on (the start is screen 1). A
//! question on the way splits the walk into one row per answer, except a
//! safety check, which is followed through its first answer (the one that
//! goes on; the others are its exits). Beside the rows: the longest chain of
//! screens any walk can show before its outcome (routes included), and the
//! shortest trail (`#step=`) to every node, so a test can open any step.

use std::collections::{BTreeMap, HashSet, VecDeque};

use serde::Serialize;

use super::{EdgeKind, Node, NodeId, Risk, ValidTree};
use crate::session::Session;

/// The name of the fact that marks a symptom question.
pub const SYMPTOM_FACT: &str = "symptom";

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PathReport {
    /// One row per way through the symptom questions.
    pub symptoms: Vec<SymptomPath>,
    /// The longest chain of screens from the start to an outcome, the
    /// outcome not counted.
    pub longest: Vec<NodeId>,
    /// The shortest trail to every node, by node id.
    pub trails: BTreeMap<NodeId, String>,
}

/// The answers that pick a row, the steps it shows, and where it ends.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SymptomPath {
    /// The answers on the way to the symptom question (the platform), the
    /// symptom answer, then each answer given on the way (not the safety
    /// check's, which is always the one that goes on).
    pub answers: Vec<PathAnswer>,
    /// The steps after the symptom question, in order.
    pub steps: Vec<PathStep>,
    /// The outcome reached, or `None` if the walk came back on itself.
    pub outcome: Option<NodeId>,
}

/// One answer that picks a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PathAnswer {
    /// The question.
    pub question: NodeId,
    /// The answer's index.
    pub answer: usize,
    /// The answer's English label.
    pub label: String,
}

/// One screen of a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PathStep {
    /// The node.
    pub node: NodeId,
    /// Its screen number (the start is 1).
    pub screen: usize,
    /// Its `type` name.
    pub kind: &'static str,
    /// The node whose texts it shows, when it is a copy.
    pub copy_of: Option<NodeId>,
    /// Its English title.
    pub title: String,
    /// What it puts at risk.
    pub risk: Option<Risk>,
    /// Whether it is a safety check.
    pub safety_check: bool,
}

impl PathStep {
    /// The step as the person sees it: its original when it is a copy.
    pub fn shows(&self) -> &NodeId {
        self.copy_of.as_ref().unwrap_or(&self.node)
    }
}

impl SymptomPath {
    /// The screen on which `node` appears in this row, if it does.
    pub fn screen_of(&self, node: &str) -> Option<usize> {
        self.steps.iter().find(|s| s.node == node).map(|s| s.screen)
    }

    /// The labels of the answers, joined: "Android › An error message › …".
    pub fn label(&self) -> String {
        let labels: Vec<&str> = self.answers.iter().map(|a| a.label.as_str()).collect();
        labels.join(" › ")
    }
}

impl PathReport {
    /// The report for `tree`.
    pub fn new(tree: &ValidTree) -> Self {
        let trails = shortest_trails(tree);
        let mut symptoms = Vec::new();
        for node in &tree.nodes {
            let Node::Question(question) = node else {
                continue;
            };
            if question.fact.as_deref() != Some(SYMPTOM_FACT) {
                continue;
            }
            let Some((screen, via)) = shortest_walk_to(tree, node.id()) else {
                continue;
            };
            for (i, answer) in question.answers.iter().enumerate() {
                let mut answers = via.clone();
                answers.push(PathAnswer {
                    question: question.id.clone(),
                    answer: i,
                    label: answer.label.en().to_owned(),
                });
                let walk = Walk {
                    answers,
                    steps: Vec::new(),
                };
                follow(tree, &answer.next, screen + 1, walk, &mut symptoms);
            }
        }
        PathReport {
            symptoms,
            longest: longest_chain(tree),
            trails,
        }
    }

    /// The number of screens of the longest chain (its outcome not counted).
    pub fn longest_screens(&self) -> usize {
        self.longest.len()
    }
}

/// A row being walked.
#[derive(Clone)]
struct Walk {
    answers: Vec<PathAnswer>,
    steps: Vec<PathStep>,
}

/// Walks from `id` (on screen `screen`) to an outcome, one row per answer of
/// each question met. Iterative, so a long chain cannot overflow the stack.
fn follow(tree: &ValidTree, id: &NodeId, screen: usize, walk: Walk, rows: &mut Vec<SymptomPath>) {
    let mut pending = vec![(id.clone(), screen, walk)];
    while let Some((id, screen, mut walk)) = pending.pop() {
        let Some(node) = tree.node(&id) else { continue };
        if let Node::Outcome(_) = node {
            rows.push(SymptomPath {
                answers: walk.answers,
                steps: walk.steps,
                outcome: Some(id),
            });
            continue;
        }
        if walk.steps.iter().any(|s| s.node == id) {
            rows.push(SymptomPath {
                answers: walk.answers,
                steps: walk.steps,
                outcome: None,
            });
            continue;
        }
        walk.steps.push(PathStep {
            node: id.clone(),
            screen,
            kind: node.kind_name(),
            copy_of: node.copy_of().cloned(),
            title: node.title().en().to_owned(),
            risk: node.risk(),
            safety_check: node.is_safety_check(),
        });
        match node {
            Node::Fix(fix) => pending.push((fix.next.clone(), screen + 1, walk)),
            Node::SpeedTest(test) => pending.push((test.next.clone(), screen + 1, walk)),
            Node::Question(question) => {
                let followed = if question.safety_check {
                    question.answers.len().min(1)
                } else {
                    question.answers.len()
                };
                // Pushed in reverse, so rows come out in answer order.
                for (i, answer) in question.answers.iter().enumerate().take(followed).rev() {
                    let mut branch = walk.clone();
                    if !question.safety_check {
                        branch.answers.push(PathAnswer {
                            question: question.id.clone(),
                            answer: i,
                            label: answer.label.en().to_owned(),
                        });
                    }
                    pending.push((answer.next.clone(), screen + 1, branch));
                }
            }
            Node::Outcome(_) => {}
        }
    }
}

/// The screen of `target` on the shortest walk from the start (the start is
/// 1) and the answers given on that walk.
fn shortest_walk_to(tree: &ValidTree, target: &NodeId) -> Option<(usize, Vec<PathAnswer>)> {
    let start = tree.start().id().clone();
    let mut seen = HashSet::from([start.clone()]);
    let mut queue = VecDeque::from([(start, 1, Vec::new())]);
    while let Some((id, screen, answers)) = queue.pop_front() {
        if &id == target {
            return Some((screen, answers));
        }
        let Some(node) = tree.node(&id) else { continue };
        for edge in node.edges() {
            if !seen.insert(edge.target.clone()) {
                continue;
            }
            let mut answers = answers.clone();
            if let (EdgeKind::Answer(i), Node::Question(q)) = (edge.kind, node) {
                answers.push(PathAnswer {
                    question: q.id.clone(),
                    answer: i,
                    label: q.answers[i].label.en().to_owned(),
                });
            }
            queue.push_back((edge.target.clone(), screen + 1, answers));
        }
    }
    None
}

/// The longest chain from the start, following at each node a way out whose
/// longest remainder is one shorter (the core's progress estimate).
fn longest_chain(tree: &ValidTree) -> Vec<NodeId> {
    let mut chain = Vec::new();
    let mut current = tree.start().id().clone();
    while let (Some(node), Some(left)) = (tree.node(&current), tree.steps_left(&current)) {
        if left == 0 || chain.contains(&current) {
            break;
        }
        chain.push(current.clone());
        let next = node
            .edges()
            .into_iter()
            .find(|edge| tree.steps_left(edge.target) == Some(left - 1))
            .map(|edge| edge.target.clone());
        match next {
            Some(next) => current = next,
            None => break,
        }
    }
    chain
}

/// The shortest trail to every node, as a person would walk it.
fn shortest_trails(tree: &ValidTree) -> BTreeMap<NodeId, String> {
    let start = Session::new(tree);
    let mut trails = BTreeMap::from([(start.current().clone(), start.encode_trail())]);
    let mut queue = VecDeque::from([start]);
    while let Some(session) = queue.pop_front() {
        for choice in session.options(tree) {
            let mut next = session.clone();
            if next.choose(tree, choice).is_ok() && !trails.contains_key(next.current()) {
                trails.insert(next.current().clone(), next.encode_trail());
                queue.push_back(next);
            }
        }
    }
    trails
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Tree;

    const TREE: &str = r#"{"format":2,"id":"t","revision":"1","langs":["en"],"start":"phone","nodes":[
        {"id":"phone","type":"question","title":{"en":"Phone?"},"fact":"platform",
         "answers":[{"label":{"en":"Android"},"next":"seen"}]},
        {"id":"seen","type":"question","title":{"en":"What do you see?"},"fact":"symptom",
         "answers":[{"label":{"en":"0 %"},"next":"account"},{"label":{"en":"Error"},"next":"which"}]},
        {"id":"account","type":"fix","title":{"en":"Account"},"fixed":"done","next":"restart"},
        {"id":"which","type":"question","title":{"en":"Which?"},
         "answers":[{"label":{"en":"Storage"},"next":"storage"},{"label":{"en":"Other"},"next":"restart"}]},
        {"id":"storage","type":"fix","title":{"en":"Storage"},"fixed":"done","next":"restart"},
        {"id":"restart","type":"fix","title":{"en":"Restart"},"fixed":"done","next":"help"},
        {"id":"done","type":"outcome","outcome":"resolved","title":{"en":"Done"}},
        {"id":"help","type":"outcome","outcome":"escalate","title":{"en":"Help"}}]}"#;

    #[test]
    fn each_symptom_answer_and_each_question_on_the_way_is_a_row() {
        let tree = Tree::from_json(TREE).expect("valid");
        let report = PathReport::new(&tree);
        let rows: Vec<String> = report.symptoms.iter().map(SymptomPath::label).collect();
        assert_eq!(
            rows,
            [
                "Android › 0 %",
                "Android › Error › Storage",
                "Android › Error › Other"
            ]
        );
        let first = &report.symptoms[0];
        assert_eq!(first.screen_of("account"), Some(3));
        assert_eq!(first.screen_of("restart"), Some(4));
        assert_eq!(first.outcome.as_ref().map(NodeId::as_str), Some("help"));
        assert_eq!(report.symptoms[1].screen_of("storage"), Some(4));
    }

    #[test]
    fn the_longest_chain_and_the_trails_follow_the_tree() {
        let tree = Tree::from_json(TREE).expect("valid");
        let report = PathReport::new(&tree);
        let longest: Vec<&str> = report.longest.iter().map(NodeId::as_str).collect();
        assert_eq!(longest, ["phone", "seen", "which", "storage", "restart"]);
        assert_eq!(report.trails[&NodeId::from("storage")], "0.1.0");
        assert_eq!(report.trails[&NodeId::from("phone")], "");
    }
}
