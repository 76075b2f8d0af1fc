//! What can be wrong with a tree file, in words a help-centre author
//! understands: every problem names the node and the JSON Pointer of the
//! field, so the author can find it without reading Rust.

use std::fmt;

use super::NodeId;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The tree still works; shown to authors (e.g. an untranslated text).
    Warning,
    /// The tree cannot be used.
    Error,
}

/// One problem found in a tree file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The node concerned, when the problem is inside a node with a readable id.
    pub node: Option<NodeId>,
    /// JSON Pointer of the field concerned (`/nodes/3/answers/1/next`); ""
    /// is the whole file.
    pub path: String,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong; the `Display` of [`Problem`] turns it into a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not JSON at all.
    NotJson {
        /// 1-based line of the first syntax error.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader said.
        message: String,
    },
    /// The file is over [`super::MAX_TREE_BYTES`].
    TooLarge {
        /// Size of the file.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// `format` is not the version this core reads.
    WrongFormat {
        /// What the file says, as written.
        found: String,
    },
    /// A field nobody reads, usually a typo.
    UnknownField {
        /// The field as written.
        field: String,
        /// The fields allowed here.
        expected: Vec<&'static str>,
    },
    /// A required field is absent.
    MissingField {
        /// The missing field.
        field: &'static str,
    },
    /// A field holds the wrong kind of JSON value.
    WrongType {
        /// What was expected, in words ("a text like {\"en\": \"...\"}").
        expected: &'static str,
        /// What was found ("a number").
        found: &'static str,
    },
    /// A field has the right type but a value that is not allowed.
    BadValue {
        /// Why, in words.
        reason: String,
    },
    /// Two nodes share an id.
    DuplicateId {
        /// Path of the node that has the id first.
        first: String,
    },
    /// A reference to a node id that no node has.
    UnknownReference {
        /// The id referred to.
        target: NodeId,
    },
    /// No path from `start` leads to this node (a warning: it is never shown).
    Unreachable,
    /// A node that is not an outcome but has no way out (a question with no answers).
    NoWayForward,
    /// The node is on a loop from which no outcome can be reached.
    CycleWithoutExit {
        /// The ids on the loop, in file order.
        members: Vec<NodeId>,
    },
    /// A text that must be shown is empty or only spaces.
    EmptyText {
        /// The language whose text is empty.
        lang: String,
    },
    /// A fix has a `warning` but no `confirm` label.
    WarningWithoutConfirm,
    /// A fix has a `confirm` label but no `warning`.
    ConfirmWithoutWarning,
    /// A link in rich text whose address is not http(s).
    BadLink {
        /// The address as written.
        href: String,
    },
    /// A text lacks a language listed in `langs` (English is shown instead).
    MissingTranslation {
        /// The missing language.
        lang: String,
    },
    /// A text, or `langs`, lacks English.
    MissingEnglish,
    /// `copy_of` names a node of another type.
    CopyOfOtherType {
        /// The node named.
        original: NodeId,
        /// Its type.
        found: &'static str,
    },
    /// `copy_of` names a node that is itself a copy.
    CopyOfCopy {
        /// The node named.
        original: NodeId,
    },
    /// A copy has a text of its own; its texts come from the original.
    CopyWithOwnText {
        /// The node named by `copy_of`.
        original: NodeId,
    },
    /// A copy of a question has another number of answers than its original.
    CopyAnswerCount {
        /// The node named by `copy_of`.
        original: NodeId,
        /// The original's answers.
        expected: usize,
        /// The copy's answers.
        found: usize,
    },
    /// A `known` answer names an answer the question does not have.
    NoSuchKnownAnswer {
        /// The index given.
        answer: usize,
        /// How many answers the question has.
        count: usize,
    },
    /// A fix has a `risk` but no `warning` that tells the person about it.
    RiskWithoutWarning,
    /// A step that can lose chats is reachable without passing a safety check.
    UnguardedRisk {
        /// The shortest such walk, from the start to the step.
        walk: Vec<NodeId>,
    },
}

impl ProblemKind {
    /// The severity this kind always has.
    pub fn severity(&self) -> Severity {
        match self {
            // A step not linked yet is work in progress, not a broken tree:
            // nobody can reach it, so nobody can be harmed by it.
            ProblemKind::MissingTranslation { .. } | ProblemKind::Unreachable => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::NotJson {
                line,
                column,
                message,
            } => write!(
                f,
                "the file is not valid JSON (line {line}, column {column}): {message}"
            ),
            ProblemKind::TooLarge { bytes, max } => write!(
                f,
                "the file is {bytes} bytes; trees are limited to {max} bytes ({} KiB)",
                max / 1024
            ),
            ProblemKind::WrongFormat { found } => write!(
                f,
                "\"format\" is {found}, but this version of the widget reads formats {}",
                super::READABLE_FORMATS.map(|f| f.to_string()).join(" and ")
            ),
            ProblemKind::UnknownField { field, expected } => {
                write!(f, "unknown field \"{field}\"")?;
                if let Some(close) = closest(field, expected) {
                    write!(f, ": did you mean \"{close}\"?")?;
                }
                write!(f, " (allowed here: {})", expected.join(", "))
            }
            ProblemKind::MissingField { field } => {
                write!(f, "the required field \"{field}\" is missing")
            }
            ProblemKind::WrongType { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            ProblemKind::BadValue { reason } => f.write_str(reason),
            ProblemKind::DuplicateId { first } => write!(
                f,
                "this id is already used by the node at {first}; ids must be unique"
            ),
            ProblemKind::UnknownReference { target } => {
                write!(f, "points to \"{target}\", which does not exist")
            }
            ProblemKind::Unreachable => {
                f.write_str("no path from the start leads here, so nobody will ever see this step")
            }
            ProblemKind::NoWayForward => f.write_str(
                "this step has no way forward (no answers); only outcomes may end a walk",
            ),
            ProblemKind::CycleWithoutExit { members } => {
                let names: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
                write!(
                    f,
                    "these steps form a loop that never reaches an outcome: {}",
                    names.join(" → ")
                )
            }
            ProblemKind::EmptyText { lang } => write!(f, "the \"{lang}\" text is empty"),
            ProblemKind::WarningWithoutConfirm => f.write_str(
                "this fix has a \"warning\" but no \"confirm\" label for the person to accept it",
            ),
            ProblemKind::ConfirmWithoutWarning => {
                f.write_str("this fix has a \"confirm\" label but no \"warning\" to confirm")
            }
            ProblemKind::BadLink { href } => write!(
                f,
                "the link to \"{href}\" is not allowed; links must start with https:// or http://"
            ),
            ProblemKind::MissingTranslation { lang } => write!(
                f,
                "no \"{lang}\" translation (listed in \"langs\"); English is shown instead"
            ),
            ProblemKind::MissingEnglish => {
                f.write_str("English (\"en\") is missing; every text needs it as the fallback")
            }
            ProblemKind::CopyOfOtherType { original, found } => write!(
                f,
                "\"copy_of\" names \"{original}\", a {found} step; a copy must be of the same type"
            ),
            ProblemKind::CopyOfCopy { original } => write!(
                f,
                "\"copy_of\" names \"{original}\", which is itself a copy; name its original instead"
            ),
            ProblemKind::CopyWithOwnText { original } => write!(
                f,
                "a copy shows the texts of \"{original}\"; remove this text (or the \"copy_of\")"
            ),
            ProblemKind::CopyAnswerCount {
                original,
                expected,
                found,
            } => write!(
                f,
                "this copy has {found} answers, but \"{original}\" has {expected}; give one \"next\" per answer"
            ),
            ProblemKind::NoSuchKnownAnswer { answer, count } => write!(
                f,
                "answer {answer} does not exist: this question has {count} answers, numbered from 0"
            ),
            ProblemKind::RiskWithoutWarning => f.write_str(
                "this fix has a \"risk\" but no \"warning\" telling the person what is at stake",
            ),
            ProblemKind::UnguardedRisk { walk } => {
                let names: Vec<String> = walk.iter().map(|m| format!("\"{m}\"")).collect();
                write!(
                    f,
                    "this step can lose chats, but a walk reaches it without passing a safety check \
                     (a step with \"safety_check\": true): {}",
                    names.join(" → ")
                )
            }
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        match &self.node {
            Some(id) => write!(f, "node \"{id}\" ({at}): {}", self.kind),
            None => write!(f, "tree ({at}): {}", self.kind),
        }
    }
}

/// Every problem that stopped a tree from being used, errors and warnings alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeErrors {
    /// All problems, in file order as far as possible.
    pub problems: Vec<Problem>,
}

impl TreeErrors {
    /// Only the problems of `Error` severity.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }
}

impl fmt::Display for TreeErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.errors().count();
        write!(
            f,
            "the tree cannot be used: {errors} error{}",
            if errors == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            let label = match problem.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            write!(f, "\n- {label}: {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TreeErrors {}

/// The allowed name closest to a typo, if it is close enough to be a guess.
fn closest<'a>(field: &str, expected: &[&'a str]) -> Option<&'a str> {
    expected
        .iter()
        .map(|candidate| (edit_distance(field, candidate), *candidate))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_node_path_and_target() {
        let problem = Problem {
            severity: Severity::Error,
            node: Some(NodeId::from("android-restart")),
            path: "/nodes/7/next".into(),
            kind: ProblemKind::UnknownReference {
                target: NodeId::from("android-forcestop"),
            },
        };
        assert_eq!(
            problem.to_string(),
            "node \"android-restart\" (/nodes/7/next): points to \"android-forcestop\", which does not exist"
        );
    }

    #[test]
    fn unknown_field_suggests_the_close_name() {
        let kind = ProblemKind::UnknownField {
            field: "titel".into(),
            expected: vec!["id", "type", "title", "body"],
        };
        assert!(kind.to_string().contains("did you mean \"title\"?"));
        let far = ProblemKind::UnknownField {
            field: "colour".into(),
            expected: vec!["id", "type", "title"],
        };
        assert!(!far.to_string().contains("did you mean"));
    }
}
