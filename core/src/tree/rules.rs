//! The rules a well-shaped tree must follow: header values, unique ids,
//! references that resolve, texts that are present (and translated), links
//! that are safe, and a graph in which every step is reachable and every walk
//! can end in an outcome.
//!
//! The rules run even when some nodes are broken, so an author sees every
//! problem at once; the graph rules alone wait for a complete tree, because
//! a missing node would make them report nonsense.

use std::collections::{HashMap, HashSet};

use super::copies;
use super::graph::Graph;
use super::problem::{Problem, ProblemKind};
use super::shape::pointer;
use super::{text, Localized, Node, NodeId, Risk, FALLBACK_LANG, READABLE_FORMATS};

/// The header fields that could be read.
pub(super) struct Header<'a> {
    pub format: Option<u64>,
    pub id: Option<&'a str>,
    pub revision: Option<&'a str>,
    pub langs: Option<&'a [String]>,
    pub start: Option<&'a NodeId>,
}

/// One element of `nodes`: its id if readable, the node if well-shaped.
pub(super) type Slot<'a> = (Option<&'a NodeId>, Option<&'a Node>);

/// Applies every rule, appending problems in file order as far as possible.
pub(super) fn check(header: &Header<'_>, slots: &[Slot<'_>], problems: &mut Vec<Problem>) {
    let mut out = Out { problems };
    check_header(header, &mut out);
    let known = check_ids(slots, &mut out);
    if let Some(start) = header.start {
        if !known.contains(start.as_str()) {
            out.push(
                None,
                "/start",
                ProblemKind::UnknownReference {
                    target: start.clone(),
                },
            );
        }
    }
    let langs = header.langs.unwrap_or_default();
    let by_id: HashMap<&str, &Node> = slots
        .iter()
        .filter_map(|(_, node)| node.map(|n| (n.id().as_str(), n)))
        .collect();
    for (i, slot) in slots.iter().enumerate() {
        if let (_, Some(node)) = slot {
            let at = format!("/nodes/{i}");
            check_node(node, &at, langs, &known, &mut out);
            if let Some(original) = node.copy_of() {
                check_copy(
                    node,
                    original,
                    by_id.get(original.as_str()).copied(),
                    &at,
                    &known,
                    &mut out,
                );
            }
        }
    }
    let complete: Option<Vec<Node>> = slots.iter().map(|(_, node)| node.cloned()).collect();
    if let (Some(nodes), Some(start)) = (complete, header.start) {
        // Copies carry their original's risk and safety check.
        let resolved = copies::resolve(&nodes);
        let refs: Vec<&Node> = resolved.iter().collect();
        check_graph(&refs, start, &mut out);
    }
}

struct Out<'a> {
    problems: &'a mut Vec<Problem>,
}

impl Out<'_> {
    fn push(&mut self, node: Option<&NodeId>, path: &str, kind: ProblemKind) {
        self.problems.push(Problem {
            severity: kind.severity(),
            node: node.cloned(),
            path: path.to_owned(),
            kind,
        });
    }
}

fn check_header(header: &Header<'_>, out: &mut Out<'_>) {
    if let Some(found) = header.format.filter(|f| !READABLE_FORMATS.contains(f)) {
        out.push(
            None,
            "/format",
            ProblemKind::WrongFormat {
                found: found.to_string(),
            },
        );
    }
    if let Some(id) = header.id {
        let ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            out.push(
                None,
                "/id",
                ProblemKind::BadValue {
                    reason: format!(
                        "the tree id \"{id}\" must be lowercase letters, digits and dashes, like \"whatsapp-backup-stuck\""
                    ),
                },
            );
        }
    }
    if header.revision.is_some_and(|r| r.trim().is_empty()) {
        out.push(
            None,
            "/revision",
            ProblemKind::BadValue {
                reason: "the revision must not be empty (e.g. \"2026-11-26.1\")".to_owned(),
            },
        );
    }
    if let Some(langs) = header.langs {
        if !langs.iter().any(|l| l == FALLBACK_LANG) {
            out.push(None, "/langs", ProblemKind::MissingEnglish);
        } else if langs[0] != FALLBACK_LANG {
            out.push(
                None,
                "/langs",
                ProblemKind::BadValue {
                    reason: "\"en\" must be the first language: it is the fallback".to_owned(),
                },
            );
        }
        let mut seen = HashSet::new();
        for (i, lang) in langs.iter().enumerate() {
            let well_formed = !lang.is_empty()
                && lang.len() <= 35
                && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !well_formed {
                out.push(
                    None,
                    &format!("/langs/{i}"),
                    ProblemKind::BadValue {
                        reason: format!(
                            "\"{lang}\" is not a language code like \"es\" or \"pt-BR\""
                        ),
                    },
                );
            } else if !seen.insert(lang.as_str()) {
                out.push(
                    None,
                    &format!("/langs/{i}"),
                    ProblemKind::BadValue {
                        reason: format!("\"{lang}\" is listed twice"),
                    },
                );
            }
        }
    }
}

/// Reports duplicate ids and returns every id that exists (broken nodes included).
fn check_ids<'a>(slots: &[Slot<'a>], out: &mut Out<'_>) -> HashSet<&'a str> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, (id, _)) in slots.iter().enumerate() {
        let Some(id) = id else { continue };
        match first.get(id.as_str()) {
            Some(&earlier) => out.push(
                Some(id),
                &format!("/nodes/{i}/id"),
                ProblemKind::DuplicateId {
                    first: format!("/nodes/{earlier}"),
                },
            ),
            None => {
                first.insert(id.as_str(), i);
            }
        }
    }
    first.into_keys().collect()
}

fn check_node(node: &Node, at: &str, langs: &[String], known: &HashSet<&str>, out: &mut Out<'_>) {
    let id = Some(node.id());
    for edge in node.edges() {
        if !known.contains(edge.target.as_str()) {
            out.push(
                id,
                &format!("{at}{}", edge.pointer()),
                ProblemKind::UnknownReference {
                    target: edge.target.clone(),
                },
            );
        }
    }
    if let Node::Question(question) = node {
        if question.answers.is_empty() {
            out.push(id, &pointer(at, "answers"), ProblemKind::NoWayForward);
        }
        for (i, known) in question.known.iter().enumerate() {
            if known.answer >= question.answers.len() {
                out.push(
                    id,
                    &format!("{at}/known/{i}/answer"),
                    ProblemKind::NoSuchKnownAnswer {
                        answer: known.answer,
                        count: question.answers.len(),
                    },
                );
            }
        }
    }
    // A copy's texts are its original's, checked there (see `check_copy`).
    if node.copy_of().is_some() {
        return;
    }
    let texts = Texts { id, langs };
    texts.plain(node.title(), &pointer(at, "title"), out);
    for (i, note) in node.notes().iter().enumerate() {
        let note_at = format!("{at}/notes/{i}");
        texts.rich(&note.text, &pointer(&note_at, "text"), true, out);
        for (field, ids) in [
            ("if_done", &note.if_done),
            ("unless_done", &note.unless_done),
        ] {
            for (j, target) in ids.iter().enumerate() {
                if !known.contains(target.as_str()) {
                    out.push(
                        id,
                        &format!("{note_at}/{field}/{j}"),
                        ProblemKind::UnknownReference {
                            target: target.clone(),
                        },
                    );
                }
            }
        }
    }
    if let Some(body) = node.body() {
        texts.rich(body, &pointer(at, "body"), false, out);
    }
    match node {
        Node::Question(question) => {
            for (i, answer) in question.answers.iter().enumerate() {
                texts.plain(&answer.label, &format!("{at}/answers/{i}/label"), out);
            }
        }
        Node::Fix(fix) => {
            if fix.risk.is_some() && fix.warning.is_none() {
                out.push(id, &pointer(at, "risk"), ProblemKind::RiskWithoutWarning);
            }
            if let Some(warning) = &fix.warning {
                texts.rich(warning, &pointer(at, "warning"), true, out);
            }
            if let Some(confirm) = &fix.confirm {
                texts.plain(confirm, &pointer(at, "confirm"), out);
            }
            match (&fix.warning, &fix.confirm) {
                (Some(_), None) => out.push(id, at, ProblemKind::WarningWithoutConfirm),
                (None, Some(_)) => out.push(
                    id,
                    &pointer(at, "confirm"),
                    ProblemKind::ConfirmWithoutWarning,
                ),
                _ => {}
            }
        }
        Node::SpeedTest(_) | Node::Outcome(_) => {}
    }
}

/// Checks a copy against its original: it exists, has the same type, is no
/// copy itself, and the copy brings ways out only (no texts of its own).
fn check_copy(
    node: &Node,
    original_id: &NodeId,
    original: Option<&Node>,
    at: &str,
    known: &HashSet<&str>,
    out: &mut Out<'_>,
) {
    let id = Some(node.id());
    let field = pointer(at, "copy_of");
    let Some(original) = original else {
        // A broken original is reported at its own node.
        if !known.contains(original_id.as_str()) {
            out.push(
                id,
                &field,
                ProblemKind::UnknownReference {
                    target: original_id.clone(),
                },
            );
        }
        return;
    };
    if original.kind_name() != node.kind_name() {
        out.push(
            id,
            &field,
            ProblemKind::CopyOfOtherType {
                original: original_id.clone(),
                found: original.kind_name(),
            },
        );
        return;
    }
    if original.copy_of().is_some() {
        out.push(
            id,
            &field,
            ProblemKind::CopyOfCopy {
                original: original_id.clone(),
            },
        );
    }
    // `suffix` is a fixed field path ("title", "answers/0/label"): nothing to escape.
    let own = |suffix: &str| {
        (
            format!("{at}/{suffix}"),
            ProblemKind::CopyWithOwnText {
                original: original_id.clone(),
            },
        )
    };
    let mut own_texts = Vec::new();
    if !node.title().is_empty() {
        own_texts.push(own("title"));
    }
    if node.body().is_some() {
        own_texts.push(own("body"));
    }
    match (node, original) {
        (Node::Question(copy), Node::Question(first)) => {
            if copy.fact.is_some() || copy.safety_check || !copy.known.is_empty() {
                let name = if copy.fact.is_some() {
                    "fact"
                } else if copy.safety_check {
                    "safety_check"
                } else {
                    "known"
                };
                own_texts.push(own(name));
            }
            for (i, answer) in copy.answers.iter().enumerate() {
                if !answer.label.is_empty() {
                    own_texts.push(own(&format!("answers/{i}/label")));
                }
            }
            if copy.answers.len() != first.answers.len() {
                out.push(
                    id,
                    &pointer(at, "answers"),
                    ProblemKind::CopyAnswerCount {
                        original: original_id.clone(),
                        expected: first.answers.len(),
                        found: copy.answers.len(),
                    },
                );
            }
        }
        (Node::Fix(copy), _) => {
            for (name, present) in [
                ("warning", copy.warning.is_some()),
                ("confirm", copy.confirm.is_some()),
                ("risk", copy.risk.is_some()),
                ("safety_check", copy.safety_check),
                ("notes", !copy.notes.is_empty()),
            ] {
                if present {
                    own_texts.push(own(name));
                }
            }
        }
        _ => {}
    }
    for (path, kind) in own_texts {
        out.push(id, &path, kind);
    }
}

/// Checks texts against the tree's languages.
struct Texts<'a> {
    id: Option<&'a NodeId>,
    langs: &'a [String],
}

impl Texts<'_> {
    /// A title, label or confirm: must be there in English and not blank.
    fn plain(&self, text: &Localized, at: &str, out: &mut Out<'_>) {
        self.languages(text, at, out);
        for (lang, value) in &text.0 {
            if value.trim().is_empty() {
                out.push(
                    self.id,
                    &pointer(at, lang),
                    ProblemKind::EmptyText { lang: lang.clone() },
                );
            }
        }
    }

    /// A body or warning: links must be safe; a warning must not be blank.
    fn rich(&self, text: &Localized, at: &str, must_not_be_blank: bool, out: &mut Out<'_>) {
        self.languages(text, at, out);
        for (lang, value) in &text.0 {
            if must_not_be_blank && value.trim().is_empty() {
                out.push(
                    self.id,
                    &pointer(at, lang),
                    ProblemKind::EmptyText { lang: lang.clone() },
                );
            }
            for href in text::bad_links(value) {
                out.push(self.id, &pointer(at, lang), ProblemKind::BadLink { href });
            }
        }
    }

    fn languages(&self, text: &Localized, at: &str, out: &mut Out<'_>) {
        if !text.0.contains_key(FALLBACK_LANG) {
            out.push(self.id, at, ProblemKind::MissingEnglish);
        }
        for lang in self.langs {
            if lang != FALLBACK_LANG && !text.0.contains_key(lang) {
                out.push(
                    self.id,
                    at,
                    ProblemKind::MissingTranslation { lang: lang.clone() },
                );
            }
        }
    }
}

fn check_graph(nodes: &[&Node], start: &NodeId, out: &mut Out<'_>) {
    let Some(start_index) = nodes.iter().position(|n| n.id() == start) else {
        return;
    };
    let graph = Graph::new(nodes);
    let reachable = graph.reachable_from(start_index);
    let mut seen = HashSet::new();
    for (i, node) in nodes.iter().enumerate() {
        // A duplicate is already reported; calling it unreachable too is noise.
        let first_of_its_id = seen.insert(node.id().as_str());
        if !reachable[i] && first_of_its_id {
            out.push(
                Some(node.id()),
                &format!("/nodes/{i}"),
                ProblemKind::Unreachable,
            );
        }
    }
    let safe: Vec<bool> = nodes.iter().map(|n| n.is_safety_check()).collect();
    let walks = graph.shortest_walks_not_through(start_index, &safe);
    for (i, walk) in walks.into_iter().enumerate() {
        let Some(walk) = walk else { continue };
        if nodes[i].risk() == Some(Risk::Chats) {
            out.push(
                Some(nodes[i].id()),
                &format!("/nodes/{i}"),
                ProblemKind::UnguardedRisk {
                    walk: walk.iter().map(|&n| nodes[n].id().clone()).collect(),
                },
            );
        }
    }
    for group in graph.loops_without_exit() {
        let first = group[0];
        let members = group.iter().map(|&m| nodes[m].id().clone()).collect();
        out.push(
            Some(nodes[first].id()),
            &format!("/nodes/{first}"),
            ProblemKind::CycleWithoutExit { members },
        );
    }
}
