//! Copies (`copy_of`): a node that shows another node's texts with ways out
//! of its own. The rules check copies against their originals; this module
//! fills a copy in from its original, once the rules have passed, so the
//! session, the widget and the reports only ever see whole nodes.

use std::collections::HashMap;

use super::{Answer, Fix, Localized, Node, NodeId, Question, SpeedTest};

/// Every node with its copy filled in from its original. A copy whose
/// original is missing, of another type or itself a copy (which the rules
/// report) is left as it is.
pub(super) fn resolve(nodes: &[Node]) -> Vec<Node> {
    let by_id: HashMap<&NodeId, &Node> = nodes.iter().map(|n| (n.id(), n)).collect();
    nodes
        .iter()
        .map(|node| {
            let original = node
                .copy_of()
                .and_then(|id| by_id.get(id))
                .filter(|original| original.copy_of().is_none());
            match original {
                Some(original) => filled(node, original),
                None => node.clone(),
            }
        })
        .collect()
}

/// `copy` with everything but its id, `copy_of` and its ways out taken from
/// `original` (same type, or `copy` unchanged).
fn filled(copy: &Node, original: &Node) -> Node {
    match (copy, original) {
        (Node::Question(c), Node::Question(o)) => {
            let mut q = o.clone();
            q.id = c.id.clone();
            q.copy_of = c.copy_of.clone();
            for (answer, own) in q.answers.iter_mut().zip(&c.answers) {
                answer.next = own.next.clone();
            }
            // The rules require the same count; never invent ways out.
            q.answers.truncate(c.answers.len());
            Node::Question(q)
        }
        (Node::Fix(c), Node::Fix(o)) => {
            let mut f = o.clone();
            f.id = c.id.clone();
            f.copy_of = c.copy_of.clone();
            f.fixed = c.fixed.clone();
            f.next = c.next.clone();
            Node::Fix(f)
        }
        (Node::SpeedTest(c), Node::SpeedTest(o)) => {
            let mut s = o.clone();
            s.id = c.id.clone();
            s.copy_of = c.copy_of.clone();
            s.next = c.next.clone();
            s.routes = c.routes.clone();
            Node::SpeedTest(s)
        }
        _ => copy.clone(),
    }
}

/// A resolved copy as its author wrote it: its id, `copy_of` and ways out,
/// nothing [`filled`] takes from the original (for a packed tree, which
/// then carries each text once). Any other node is returned as it is.
pub(super) fn as_written(node: &Node) -> Node {
    if node.copy_of().is_none() {
        return node.clone();
    }
    match node {
        Node::Question(q) => Node::Question(Question {
            id: q.id.clone(),
            copy_of: q.copy_of.clone(),
            title: Localized::default(),
            body: None,
            fact: None,
            safety_check: false,
            answers: q
                .answers
                .iter()
                .map(|a| Answer {
                    label: Localized::default(),
                    next: a.next.clone(),
                })
                .collect(),
            known: Vec::new(),
        }),
        Node::Fix(f) => Node::Fix(Fix {
            id: f.id.clone(),
            copy_of: f.copy_of.clone(),
            title: Localized::default(),
            body: None,
            warning: None,
            confirm: None,
            risk: None,
            safety_check: false,
            notes: Vec::new(),
            fixed: f.fixed.clone(),
            next: f.next.clone(),
        }),
        Node::SpeedTest(s) => Node::SpeedTest(SpeedTest {
            id: s.id.clone(),
            copy_of: s.copy_of.clone(),
            title: Localized::default(),
            body: None,
            next: s.next.clone(),
            routes: s.routes.clone(),
        }),
        Node::Outcome(_) => node.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(json: &str) -> Node {
        serde_json::from_str(json).expect("test node")
    }

    #[test]
    fn a_copy_shows_the_original_texts_with_its_own_ways_out() {
        let nodes = [
            node(
                r#"{"id":"a","type":"fix","title":{"en":"Restart","es":"Reinicia"},"body":{"en":"Hold power"},
                    "warning":{"en":"w"},"confirm":{"en":"c"},"risk":"settings","fixed":"done","next":"b"}"#,
            ),
            node(r#"{"id":"b","type":"fix","copy_of":"a","fixed":"done","next":"end"}"#),
        ];
        let resolved = resolve(&nodes);
        let Node::Fix(copy) = &resolved[1] else {
            panic!("a fix stays a fix")
        };
        assert_eq!(copy.id, "b");
        assert_eq!(copy.title.text("es"), "Reinicia");
        assert_eq!(copy.risk, Some(super::super::Risk::Settings));
        assert_eq!(copy.next, "end");
        assert_eq!(copy.copy_of.as_ref().map(NodeId::as_str), Some("a"));
    }

    #[test]
    fn a_question_copy_keeps_its_own_next_per_answer() {
        let nodes = [
            node(
                r#"{"id":"q","type":"question","title":{"en":"Wi-Fi?"},"safety_check":true,
                    "answers":[{"label":{"en":"Yes"},"next":"x"},{"label":{"en":"No"},"next":"y"}],
                    "known":[{"when":"wifi","answer":0}]}"#,
            ),
            node(
                r#"{"id":"q2","type":"question","copy_of":"q","answers":[{"next":"z"},{"next":"w"}]}"#,
            ),
        ];
        let Node::Question(copy) = &resolve(&nodes)[1] else {
            panic!("a question stays a question")
        };
        assert_eq!(copy.answers[0].label.en(), "Yes");
        assert_eq!(copy.answers[1].next, "w");
        assert!(copy.safety_check);
        assert_eq!(copy.known.len(), 1);
    }

    #[test]
    fn a_copy_of_a_copy_is_left_for_the_rules_to_report() {
        let nodes = [
            node(r#"{"id":"a","type":"fix","title":{"en":"t"},"fixed":"e","next":"e"}"#),
            node(r#"{"id":"b","type":"fix","copy_of":"a","fixed":"e","next":"e"}"#),
            node(r#"{"id":"c","type":"fix","copy_of":"b","fixed":"e","next":"e"}"#),
        ];
        assert!(resolve(&nodes)[2].title().is_empty());
    }
}
