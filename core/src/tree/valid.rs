//! [`ValidTree`]: a tree that passed every check, the only form the session
//! and the widget accept. Its constructor is private to this module, so
//! holding one proves the checks ran.

use std::collections::HashMap;
use std::ops::Deref;

use serde_json::Value;

use super::copies;
use super::graph::Graph;
use super::problem::{Problem, ProblemKind, Severity, TreeErrors};
use super::rules::{self, Header, Slot};
use super::shape;
use super::{Node, NodeId, Tree, MAX_TREE_BYTES};

/// A checked tree: every reference resolves, every node is reachable, every
/// walk can end in an outcome. It may carry warnings (untranslated texts).
#[derive(Debug, Clone)]
pub struct ValidTree {
    tree: Tree,
    index: HashMap<NodeId, usize>,
    longest: Vec<usize>,
    warnings: Vec<Problem>,
}

impl Tree {
    /// Reads and checks a tree file. On failure, returns every problem found
    /// (errors and warnings), each with its node id and JSON Pointer.
    ///
    /// ```
    /// use backup_doctor_core::tree::Tree;
    /// let errors = Tree::from_json(r#"{"format": 1}"#).unwrap_err();
    /// assert!(errors.to_string().contains("\"id\" is missing"));
    /// ```
    pub fn from_json(json: &str) -> Result<ValidTree, TreeErrors> {
        if json.len() > MAX_TREE_BYTES {
            return Err(single(ProblemKind::TooLarge {
                bytes: json.len(),
                max: MAX_TREE_BYTES,
            }));
        }
        // Some Windows editors start UTF-8 files with a byte-order mark.
        let json = json.strip_prefix('\u{feff}').unwrap_or(json);
        let value: Value = serde_json::from_str(json).map_err(|e| {
            single(ProblemKind::NotJson {
                line: e.line(),
                column: e.column(),
                message: describe_json_error(&e),
            })
        })?;
        let mut problems = Vec::new();
        let draft = shape::read(&value, &mut problems);
        if !draft.readable {
            return Err(TreeErrors { problems });
        }
        let slots: Vec<Slot<'_>> = draft
            .nodes
            .iter()
            .map(|n| (n.id.as_ref(), n.node.as_ref()))
            .collect();
        let header = Header {
            format: draft.format,
            id: draft.id.as_deref(),
            revision: draft.revision.as_deref(),
            langs: draft.langs.as_deref(),
            start: draft.start.as_ref(),
        };
        rules::check(&header, &slots, &mut problems);
        if problems.iter().any(|p| p.severity == Severity::Error) {
            return Err(TreeErrors { problems });
        }
        // No errors means every piece was read; assemble the tree.
        let (Some(format), Some(id), Some(revision), Some(langs), Some(start)) = (
            draft.format,
            draft.id,
            draft.revision,
            draft.langs,
            draft.start,
        ) else {
            return Err(TreeErrors { problems });
        };
        let nodes: Option<Vec<Node>> = draft.nodes.into_iter().map(|n| n.node).collect();
        let Some(nodes) = nodes else {
            return Err(TreeErrors { problems });
        };
        Ok(ValidTree::new(
            Tree {
                format,
                id,
                revision,
                langs,
                start,
                nodes,
                tests: draft.tests,
            },
            problems,
        ))
    }
}

impl TryFrom<Tree> for ValidTree {
    type Error = TreeErrors;

    /// Checks a tree built in code (the rules only; the shape is given by the types).
    fn try_from(tree: Tree) -> Result<Self, Self::Error> {
        let mut problems = Vec::new();
        let slots: Vec<Slot<'_>> = tree.nodes.iter().map(|n| (Some(n.id()), Some(n))).collect();
        let header = Header {
            format: Some(tree.format),
            id: Some(&tree.id),
            revision: Some(&tree.revision),
            langs: Some(&tree.langs),
            start: Some(&tree.start),
        };
        rules::check(&header, &slots, &mut problems);
        if problems.iter().any(|p| p.severity == Severity::Error) {
            return Err(TreeErrors { problems });
        }
        Ok(ValidTree::new(tree, problems))
    }
}

impl ValidTree {
    /// A tree that passed the rules (here, or before it was packed: see
    /// [`super::packed`]), with the warnings found then.
    pub(super) fn new(mut tree: Tree, warnings: Vec<Problem>) -> Self {
        tree.nodes = copies::resolve(&tree.nodes);
        let mut index = HashMap::new();
        for (i, node) in tree.nodes.iter().enumerate() {
            index.entry(node.id().clone()).or_insert(i);
        }
        let refs: Vec<&Node> = tree.nodes.iter().collect();
        let start = index.get(&tree.start).copied().unwrap_or(0);
        let longest = Graph::new(&refs).longest_to_outcome(start);
        ValidTree {
            tree,
            index,
            longest,
            warnings,
        }
    }

    /// The tree as written, except that every copy (`copy_of`) carries its
    /// original's texts, so whatever shows a node needs no look-up.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Warnings found while checking (e.g. untranslated texts).
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// The node with this id.
    pub fn node(&self, id: &NodeId) -> Option<&Node> {
        self.index.get(id).map(|&i| &self.tree.nodes[i])
    }

    /// The node with this id, by string.
    pub fn get(&self, id: &str) -> Option<&Node> {
        self.node(&NodeId::from(id))
    }

    /// The first node of every walk.
    pub fn start(&self) -> &Node {
        let i = self.index.get(&self.tree.start).copied().unwrap_or(0);
        &self.tree.nodes[i]
    }

    /// `"<id>@<revision>"`: what a saved session must match.
    pub fn key(&self) -> String {
        format!("{}@{}", self.tree.id, self.tree.revision)
    }

    /// An estimate of the most steps left from `id` to an outcome (0 at an
    /// outcome; loops counted once).
    pub fn steps_left(&self, id: &NodeId) -> Option<usize> {
        self.index.get(id).map(|&i| self.longest[i])
    }
}

impl Deref for ValidTree {
    type Target = Tree;

    fn deref(&self) -> &Tree {
        &self.tree
    }
}

fn single(kind: ProblemKind) -> TreeErrors {
    TreeErrors {
        problems: vec![Problem {
            severity: kind.severity(),
            node: None,
            path: String::new(),
            kind,
        }],
    }
}

/// serde_json's message without its trailing " at line X column Y" (the
/// problem carries those as numbers).
fn describe_json_error(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{"format":1,"id":"t","revision":"1","langs":["en"],"start":"q","nodes":[
        {"id":"q","type":"question","title":{"en":"Phone?"},"answers":[{"label":{"en":"Android"},"next":"done"}]},
        {"id":"done","type":"outcome","outcome":"resolved","title":{"en":"Done"}}]}"#;

    #[test]
    fn valid_tree_indexes_nodes_and_knows_its_key() {
        let tree = Tree::from_json(SMALL).expect("valid");
        assert_eq!(tree.key(), "t@1");
        assert_eq!(tree.start().id(), "q");
        assert!(tree.get("done").is_some());
        assert!(tree.get("nope").is_none());
        assert_eq!(tree.steps_left(&NodeId::from("q")), Some(1));
    }

    #[test]
    fn built_tree_round_trips_through_try_from() {
        let tree = Tree::from_json(SMALL).expect("valid").tree().clone();
        assert!(ValidTree::try_from(tree.clone()).is_ok());
        let mut broken = tree;
        broken.start = NodeId::from("missing");
        let errors = ValidTree::try_from(broken).expect_err("unknown start");
        assert_eq!(errors.problems[0].path, "/start");
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        assert!(Tree::from_json(&format!("\u{feff}{SMALL}")).is_ok());
    }

    #[test]
    fn not_json_reports_line_and_column() {
        let errors = Tree::from_json("{\n  \"format\": 1,\n  oops\n}").expect_err("bad JSON");
        let ProblemKind::NotJson { line, column, .. } = &errors.problems[0].kind else {
            panic!("expected NotJson, got {errors}");
        };
        assert_eq!((*line, *column), (3, 3));
        assert!(!errors.to_string().contains(" at line 3"));
    }
}
