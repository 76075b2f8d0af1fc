//! Everything the studio shows about one text of a tree file, computed in
//! one go by the same core the widget uses: the problems (each placed in
//! the text), and for a usable tree its diagram, symptom paths, path tests
//! and translation coverage.
//!
//! The clock is a parameter (`now`, in milliseconds) so the cost of the
//! check can be shown and benchmarked without this module reading one.

use std::collections::HashMap;
use std::ops::Deref;
use std::rc::Rc;

use backup_doctor_core::tree::coverage::{coverage, LangCoverage};
use backup_doctor_core::tree::layout::Diagram;
use backup_doctor_core::tree::locate::{at_line_column, locate, Span};
use backup_doctor_core::tree::path_tests::PathTestResult;
use backup_doctor_core::tree::paths::PathReport;
use backup_doctor_core::tree::{Problem, ProblemKind, Severity, Tree, ValidTree};

/// A problem with its place in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    /// Error or warning.
    pub severity: Severity,
    /// The node concerned, when there is one.
    pub node: Option<String>,
    /// JSON Pointer of the field ("" for the whole file).
    pub pointer: String,
    /// What is wrong, in words.
    pub message: String,
    /// Where it is, when it could be found.
    pub span: Option<Span>,
}

/// A usable tree and what the studio draws from it.
#[derive(Debug)]
pub struct Usable {
    /// The text it was read from.
    pub text: Rc<str>,
    /// The checked tree.
    pub tree: ValidTree,
    /// The diagram's layout.
    pub diagram: Diagram,
    /// Symptom paths and the shortest trail to every step.
    pub report: PathReport,
    /// The file's path tests, run.
    pub tests: Vec<PathTestResult>,
    /// Per language, the texts present and missing.
    pub coverage: Vec<LangCoverage>,
}

/// The result of checking one text.
#[derive(Debug)]
pub struct Check {
    /// Errors and warnings, in the order the core found them.
    pub problems: Vec<Located>,
    /// The tree, when it has no errors.
    pub usable: Option<Rc<Usable>>,
    /// Places of the nodes (`/nodes/i`), tests (`/tests/i`) and missing
    /// texts, for jumping to them.
    pub places: HashMap<String, Span>,
    /// Milliseconds the core's validation took (`Tree::from_json`).
    pub validate_ms: f64,
    /// Milliseconds the whole check took.
    pub total_ms: f64,
}

impl Check {
    /// Checks `text`.
    pub fn run(text: Rc<str>, now: &dyn Fn() -> f64) -> Check {
        let started = now();
        let result = Tree::from_json(&text);
        let validate_ms = now() - started;
        let (tree, problems): (Option<ValidTree>, Vec<Problem>) = match result {
            Ok(tree) => {
                let warnings = tree.warnings().to_vec();
                (Some(tree), warnings)
            }
            Err(errors) => (None, errors.problems),
        };
        let usable = tree.map(|tree| {
            let file: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            Usable {
                diagram: Diagram::new(&tree),
                report: PathReport::new(&tree),
                tests: tree.run_path_tests(),
                coverage: coverage(&file, &tree.langs),
                text: text.clone(),
                tree,
            }
        });
        let mut pointers: Vec<String> = problems.iter().map(|p| p.path.clone()).collect();
        if let Some(usable) = &usable {
            pointers.extend((0..usable.tree.nodes.len()).map(|i| format!("/nodes/{i}")));
            pointers.extend((0..usable.tests.len()).map(|i| format!("/tests/{i}")));
            for lang in &usable.coverage {
                pointers.extend(lang.missing.iter().cloned());
            }
        }
        let places = locate(&text, pointers.iter().map(String::as_str));
        let problems = problems
            .into_iter()
            .map(|p| {
                let span = match &p.kind {
                    ProblemKind::NotJson { line, column, .. } => {
                        Some(at_line_column(&text, *line, *column))
                    }
                    _ => places.get(&p.path).copied(),
                };
                Located {
                    severity: p.severity,
                    node: p.node.as_ref().map(|n| n.as_str().to_owned()),
                    message: p.kind.to_string(),
                    pointer: p.path,
                    span,
                }
            })
            .collect();
        Check {
            problems,
            usable: usable.map(Rc::new),
            places,
            validate_ms,
            total_ms: now() - started,
        }
    }

    /// How many problems are errors.
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }
}

/// A shared value compared by identity, for component props: a new check
/// is a new value even when it says the same.
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
