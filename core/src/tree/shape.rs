//! The JSON shape of a tree file, checked field by field before serde sees it.
//!
//! serde stops at the first mistake and does not say where it was; authors
//! need every mistake at once, each with its JSON Pointer. So the file is read
//! as a `serde_json::Value`, every node is checked on its own against the
//! field tables below, and only nodes that pass are read into [`Node`] (by
//! [`node`], a plain conversion the checks make infallible: serde's derive
//! for the node types, an internally tagged enum, was the largest code in
//! the widget's wasm, and the native tests keep the two in agreement). A
//! node that fails is still remembered by id, so references to it do not
//! pile up as extra "does not exist" problems.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::path_tests::PathTest;
use super::problem::{Problem, ProblemKind, Severity};
use super::{
    Answer, Fix, KnownAnswer, Localized, Node, NodeId, Note, Outcome, OutcomeKind, Question, Risk,
    Route, RouteCondition, SpeedTest, READABLE_FORMATS,
};

/// The header and nodes of a tree file, as far as they could be read.
#[derive(Debug, Default)]
pub(super) struct Draft {
    pub format: Option<u64>,
    pub id: Option<String>,
    pub revision: Option<String>,
    pub langs: Option<Vec<String>>,
    pub start: Option<NodeId>,
    /// One entry per element of `nodes`, in file order.
    pub nodes: Vec<DraftNode>,
    /// The path tests, when every one of them has the right shape.
    pub tests: Vec<PathTest>,
    /// False when `format` is not [`FORMAT_VERSION`]: nothing else is checked,
    /// since another format's fields mean other things.
    pub readable: bool,
}

/// One element of `nodes`.
#[derive(Debug)]
pub(super) struct DraftNode {
    /// The id, when it is a string (even if the rest of the node is broken).
    pub id: Option<NodeId>,
    /// The node, when its shape is right.
    pub node: Option<Node>,
}

#[derive(Clone, Copy)]
enum Shape {
    Text,
    Id,
    Name,
    Answers,
    Routes,
    Condition,
    OutcomeKind,
    Known,
    Index,
    Flag,
    Risk,
    Notes,
    Ids,
    /// A free, non-empty string (a path test's name).
    Label,
    /// A list of strings (a path test's answers).
    Labels,
    /// A whole number of at least 1.
    Count,
}

#[derive(Clone, Copy, PartialEq)]
enum Need {
    Required,
    /// May be absent or `null` (an `Option` of the types).
    Optional,
    /// May be absent (a default of the types: false, an empty list), not
    /// `null`.
    Defaulted,
    /// Required, except in a copy (`copy_of`), which takes it from its
    /// original; never `null`.
    UnlessCopy,
}

struct Field {
    name: &'static str,
    shape: Shape,
    need: Need,
}

const fn req(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        need: Need::Required,
    }
}

const fn opt(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        need: Need::Optional,
    }
}

const fn dflt(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        need: Need::Defaulted,
    }
}

const fn own(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        need: Need::UnlessCopy,
    }
}

const QUESTION: &[Field] = &[
    req("id", Shape::Id),
    opt("copy_of", Shape::Id),
    own("title", Shape::Text),
    opt("body", Shape::Text),
    opt("fact", Shape::Name),
    dflt("safety_check", Shape::Flag),
    req("answers", Shape::Answers),
    dflt("known", Shape::Known),
];
const FIX: &[Field] = &[
    req("id", Shape::Id),
    opt("copy_of", Shape::Id),
    own("title", Shape::Text),
    opt("body", Shape::Text),
    opt("warning", Shape::Text),
    opt("confirm", Shape::Text),
    opt("risk", Shape::Risk),
    dflt("safety_check", Shape::Flag),
    dflt("notes", Shape::Notes),
    req("fixed", Shape::Id),
    req("next", Shape::Id),
];
const SPEED_TEST: &[Field] = &[
    req("id", Shape::Id),
    opt("copy_of", Shape::Id),
    own("title", Shape::Text),
    opt("body", Shape::Text),
    req("next", Shape::Id),
    dflt("routes", Shape::Routes),
];
const OUTCOME: &[Field] = &[
    req("id", Shape::Id),
    req("outcome", Shape::OutcomeKind),
    req("title", Shape::Text),
    opt("body", Shape::Text),
    dflt("notes", Shape::Notes),
];
const ANSWER: &[Field] = &[own("label", Shape::Text), req("next", Shape::Id)];
const ROUTE: &[Field] = &[req("when", Shape::Condition), req("next", Shape::Id)];
const KNOWN: &[Field] = &[req("when", Shape::Condition), req("answer", Shape::Index)];
const NOTE: &[Field] = &[
    req("text", Shape::Text),
    dflt("if_done", Shape::Ids),
    dflt("unless_done", Shape::Ids),
];

const PATH_TEST: &[Field] = &[
    req("name", Shape::Label),
    req("answers", Shape::Labels),
    req("reaches", Shape::Id),
    opt("max_screens", Shape::Count),
];

const TREE_FIELDS: &[&str] = &[
    "format", "id", "revision", "langs", "start", "nodes", "tests",
];
const NODE_TYPES: &[&str] = &["question", "fix", "speed_test", "outcome"];

/// Collects problems with the node they belong to.
struct Report<'a> {
    node: Option<NodeId>,
    problems: &'a mut Vec<Problem>,
}

impl Report<'_> {
    fn push(&mut self, path: &str, kind: ProblemKind) {
        self.problems.push(Problem {
            severity: Severity::Error,
            node: self.node.clone(),
            path: path.to_owned(),
            kind,
        });
    }
}

/// Reads the whole file's shape, reporting every problem into `problems`.
pub(super) fn read(value: &Value, problems: &mut Vec<Problem>) -> Draft {
    let mut report = Report {
        node: None,
        problems,
    };
    let mut draft = Draft::default();
    let Some(object) = value.as_object() else {
        report.push(
            "",
            wrong(
                "an object with format, id, revision, langs, start and nodes",
                value,
            ),
        );
        return draft;
    };
    match object.get("format") {
        None => report.push("", ProblemKind::MissingField { field: "format" }),
        Some(Value::Number(n)) if n.as_u64().is_some_and(|f| READABLE_FORMATS.contains(&f)) => {
            draft.format = n.as_u64();
        }
        Some(Value::Number(n)) => {
            report.push(
                "/format",
                ProblemKind::WrongFormat {
                    found: n.to_string(),
                },
            );
            return draft;
        }
        Some(other) => {
            report.push("/format", wrong("the number 2", other));
            return draft;
        }
    }
    draft.readable = true;
    for key in object.keys() {
        if !TREE_FIELDS.contains(&key.as_str()) {
            report.push(&pointer("", key), unknown(key, TREE_FIELDS));
        }
    }
    draft.id = string_field(object, "id", "", &mut report);
    draft.revision = string_field(object, "revision", "", &mut report);
    draft.start = string_field(object, "start", "", &mut report).map(NodeId::new);
    draft.langs = match object.get("langs") {
        None => {
            report.push("", ProblemKind::MissingField { field: "langs" });
            None
        }
        Some(Value::Array(items)) => {
            let mut langs = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(lang) => langs.push(lang.to_owned()),
                    None => report.push(
                        &format!("/langs/{i}"),
                        wrong("a language code like \"en\"", item),
                    ),
                }
            }
            // With an entry left out, the rules' "/langs/{i}" would point
            // at the wrong entry; the list is checked once its types are right.
            (langs.len() == items.len()).then_some(langs)
        }
        Some(other) => {
            report.push(
                "/langs",
                wrong("a list of language codes like [\"en\"]", other),
            );
            None
        }
    };
    match object.get("nodes") {
        None => report.push("", ProblemKind::MissingField { field: "nodes" }),
        Some(Value::Array(items)) => {
            draft.nodes = items
                .iter()
                .enumerate()
                .map(|(i, item)| read_node(item, &format!("/nodes/{i}"), report.problems))
                .collect();
        }
        Some(other) => report.push("/nodes", wrong("a list of nodes", other)),
    }
    if let Some(tests) = object.get("tests") {
        draft.tests = read_tests(tests, &mut report);
    }
    draft
}

/// The optional `tests` list ([`PathTest`]), checked like a node's lists.
fn read_tests(value: &Value, report: &mut Report<'_>) -> Vec<PathTest> {
    let Some(items) = value.as_array() else {
        report.push("/tests", wrong("a list of path tests", value));
        return Vec::new();
    };
    let before = report.problems.len();
    for (i, item) in items.iter().enumerate() {
        let at = format!("/tests/{i}");
        match item.as_object() {
            Some(object) => check_object(object, PATH_TEST, false, false, &at, report),
            None => report.push(
                &at,
                wrong(
                    "a path test like {\"name\": \"...\", \"answers\": [...], \"reaches\": \"...\"}",
                    item,
                ),
            ),
        }
    }
    if report.problems.len() > before {
        return Vec::new();
    }
    Vec::<PathTest>::deserialize(value).unwrap_or_else(|error| {
        report.push(
            "/tests",
            ProblemKind::BadValue {
                reason: error.to_string(),
            },
        );
        Vec::new()
    })
}

fn string_field(
    object: &Map<String, Value>,
    name: &'static str,
    at: &str,
    report: &mut Report<'_>,
) -> Option<String> {
    match object.get(name) {
        None => {
            report.push(at, ProblemKind::MissingField { field: name });
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            report.push(&pointer(at, name), wrong("a string", other));
            None
        }
    }
}

fn read_node(value: &Value, path: &str, problems: &mut Vec<Problem>) -> DraftNode {
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .map(NodeId::new);
    let mut report = Report {
        node: id.clone(),
        problems,
    };
    let broken = DraftNode {
        id: id.clone(),
        node: None,
    };
    let Some(object) = value.as_object() else {
        report.push(
            path,
            wrong("a node (an object with \"id\" and \"type\")", value),
        );
        return broken;
    };
    let fields = match object.get("type") {
        None => {
            report.push(path, ProblemKind::MissingField { field: "type" });
            // Still check the id, so a typo there is not lost.
            if let Some(id_value) = object.get("id") {
                check_value(
                    id_value,
                    Shape::Id,
                    &pointer(path, "id"),
                    false,
                    &mut report,
                );
            }
            return broken;
        }
        Some(Value::String(kind)) => match kind.as_str() {
            "question" => QUESTION,
            "fix" => FIX,
            "speed_test" => SPEED_TEST,
            "outcome" => OUTCOME,
            other => {
                report.push(
                    &pointer(path, "type"),
                    ProblemKind::BadValue {
                        reason: format!(
                            "\"{other}\" is not a node type; use one of {}",
                            NODE_TYPES.join(", ")
                        ),
                    },
                );
                return broken;
            }
        },
        Some(other) => {
            report.push(
                &pointer(path, "type"),
                wrong("a node type like \"question\"", other),
            );
            return broken;
        }
    };
    let before = report.problems.len();
    // `"copy_of": null` reads as no copy (serde's `None`), so it does not
    // excuse a missing title either.
    let copy = object.get("copy_of").is_some_and(|v| !v.is_null());
    check_object(object, fields, true, copy, path, &mut report);
    if report.problems.len() > before {
        return broken;
    }
    match node(object) {
        Some(node) => DraftNode {
            id,
            node: Some(node),
        },
        None => {
            // The checks above make `node` infallible; should they ever
            // disagree, the author still hears of the node.
            report.push(
                path,
                ProblemKind::BadValue {
                    reason: "this step could not be read".to_owned(),
                },
            );
            broken
        }
    }
}

/// A node from an object that passed [`check_object`] with its type's
/// table: every field present has its shape, so this only converts (and
/// gives `None` only where the checks and the types disagree). Absent
/// fields take the types' defaults, as serde's would.
fn node(o: &Map<String, Value>) -> Option<Node> {
    Some(match o.get("type")?.as_str()? {
        "question" => Node::Question(Question {
            id: id(o.get("id")?)?,
            copy_of: optional(o, "copy_of", id)?,
            title: defaulted(o, "title", text)?,
            body: optional(o, "body", text)?,
            fact: optional(o, "fact", |v| v.as_str().map(str::to_owned))?,
            safety_check: defaulted(o, "safety_check", Value::as_bool)?,
            answers: list(o.get("answers")?, |a| {
                let a = a.as_object()?;
                Some(Answer {
                    label: defaulted(a, "label", text)?,
                    next: id(a.get("next")?)?,
                })
            })?,
            known: defaulted(o, "known", |v| {
                list(v, |k| {
                    let k = k.as_object()?;
                    Some(KnownAnswer {
                        when: condition(k.get("when")?)?,
                        answer: usize::try_from(k.get("answer")?.as_u64()?).ok()?,
                    })
                })
            })?,
        }),
        "fix" => Node::Fix(Fix {
            id: id(o.get("id")?)?,
            copy_of: optional(o, "copy_of", id)?,
            title: defaulted(o, "title", text)?,
            body: optional(o, "body", text)?,
            warning: optional(o, "warning", text)?,
            confirm: optional(o, "confirm", text)?,
            risk: optional(o, "risk", |v| {
                Risk::ALL
                    .into_iter()
                    .find(|r| v.as_str() == Some(r.as_str()))
            })?,
            safety_check: defaulted(o, "safety_check", Value::as_bool)?,
            notes: defaulted(o, "notes", notes)?,
            fixed: id(o.get("fixed")?)?,
            next: id(o.get("next")?)?,
        }),
        "speed_test" => Node::SpeedTest(SpeedTest {
            id: id(o.get("id")?)?,
            copy_of: optional(o, "copy_of", id)?,
            title: defaulted(o, "title", text)?,
            body: optional(o, "body", text)?,
            next: id(o.get("next")?)?,
            routes: defaulted(o, "routes", |v| {
                list(v, |r| {
                    let r = r.as_object()?;
                    Some(Route {
                        when: condition(r.get("when")?)?,
                        next: id(r.get("next")?)?,
                    })
                })
            })?,
        }),
        "outcome" => Node::Outcome(Outcome {
            id: id(o.get("id")?)?,
            outcome: match o.get("outcome")?.as_str()? {
                "resolved" => OutcomeKind::Resolved,
                "escalate" => OutcomeKind::Escalate,
                _ => return None,
            },
            title: text(o.get("title")?)?,
            body: optional(o, "body", text)?,
            notes: defaulted(o, "notes", notes)?,
        }),
        _ => return None,
    })
}

/// An `Option` field: absent or `null` is `None`.
fn optional<T>(
    o: &Map<String, Value>,
    name: &str,
    read: impl Fn(&Value) -> Option<T>,
) -> Option<Option<T>> {
    match o.get(name) {
        None | Some(Value::Null) => Some(None),
        Some(value) => read(value).map(Some),
    }
}

/// A field with a default: absent is the default.
fn defaulted<T: Default>(
    o: &Map<String, Value>,
    name: &str,
    read: impl Fn(&Value) -> Option<T>,
) -> Option<T> {
    match o.get(name) {
        None => Some(T::default()),
        Some(value) => read(value),
    }
}

fn list<T>(value: &Value, item: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    value.as_array()?.iter().map(item).collect()
}

fn id(value: &Value) -> Option<NodeId> {
    value.as_str().map(NodeId::new)
}

fn ids(value: &Value) -> Option<Vec<NodeId>> {
    list(value, id)
}

fn text(value: &Value) -> Option<Localized> {
    value
        .as_object()?
        .iter()
        .map(|(lang, text)| Some((lang.clone(), text.as_str()?.to_owned())))
        .collect::<Option<_>>()
        .map(Localized)
}

fn condition(value: &Value) -> Option<RouteCondition> {
    RouteCondition::ALL
        .into_iter()
        .find(|c| value.as_str() == Some(c.as_str()))
}

fn notes(value: &Value) -> Option<Vec<Note>> {
    list(value, |n| {
        let n = n.as_object()?;
        Some(Note {
            text: text(n.get("text")?)?,
            if_done: defaulted(n, "if_done", ids)?,
            unless_done: defaulted(n, "unless_done", ids)?,
        })
    })
}

/// `copy`: the node this object belongs to is a copy, so the fields it
/// takes from its original may be absent.
fn check_object(
    object: &Map<String, Value>,
    fields: &[Field],
    is_node: bool,
    copy: bool,
    path: &str,
    report: &mut Report<'_>,
) {
    let mut allowed: Vec<&'static str> = fields.iter().map(|f| f.name).collect();
    if is_node {
        allowed.insert(1, "type");
    }
    for key in object.keys() {
        if !allowed.contains(&key.as_str()) {
            report.push(&pointer(path, key), unknown(key, &allowed));
        }
    }
    for field in fields {
        let required = match field.need {
            Need::Required => true,
            Need::UnlessCopy => !copy,
            Need::Optional | Need::Defaulted => false,
        };
        match object.get(field.name) {
            None if required => report.push(path, ProblemKind::MissingField { field: field.name }),
            None => {}
            Some(Value::Null) if field.need == Need::Optional => {}
            Some(value) => {
                check_value(value, field.shape, &pointer(path, field.name), copy, report)
            }
        }
    }
}

fn check_value(value: &Value, shape: Shape, path: &str, copy: bool, report: &mut Report<'_>) {
    match shape {
        Shape::Text => match value.as_object() {
            Some(texts) => {
                for (lang, text) in texts {
                    if !text.is_string() {
                        report.push(&pointer(path, lang), wrong("a string", text));
                    }
                }
            }
            None => report.push(path, wrong("a text like {\"en\": \"...\"}", value)),
        },
        Shape::Id => match value.as_str() {
            Some("") => report.push(
                path,
                ProblemKind::BadValue {
                    reason: "a node id must not be empty".to_owned(),
                },
            ),
            Some(_) => {}
            None => report.push(path, wrong("a node id (a string)", value)),
        },
        Shape::Name => match value.as_str() {
            Some(name) if name.trim().is_empty() => report.push(
                path,
                ProblemKind::BadValue {
                    reason: "the fact name must not be empty".to_owned(),
                },
            ),
            Some(_) => {}
            None => report.push(path, wrong("a string", value)),
        },
        Shape::Ids => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_value(item, Shape::Id, &format!("{path}/{i}"), copy, report);
                }
            }
            None => report.push(path, wrong("a list of node ids", value)),
        },
        Shape::Answers | Shape::Routes | Shape::Known | Shape::Notes => {
            let (fields, what) = match shape {
                Shape::Answers => (
                    ANSWER,
                    "an answer like {\"label\": {...}, \"next\": \"...\"}",
                ),
                Shape::Routes => (
                    ROUTE,
                    "a route like {\"when\": \"offline\", \"next\": \"...\"}",
                ),
                Shape::Notes => (
                    NOTE,
                    "a note like {\"text\": {...}, \"if_done\": [\"...\"]}",
                ),
                _ => (
                    KNOWN,
                    "a known answer like {\"when\": \"wifi\", \"answer\": 0}",
                ),
            };
            let Some(items) = value.as_array() else {
                report.push(path, wrong("a list", value));
                return;
            };
            for (i, item) in items.iter().enumerate() {
                let at = format!("{path}/{i}");
                match item.as_object() {
                    Some(object) => check_object(object, fields, false, copy, &at, report),
                    None => report.push(&at, wrong(what, item)),
                }
            }
        }
        Shape::Condition => {
            let names: Vec<&str> = RouteCondition::ALL.iter().map(|c| c.as_str()).collect();
            one_of(value, &names, "route condition", path, report);
        }
        Shape::OutcomeKind => one_of(value, &["resolved", "escalate"], "outcome", path, report),
        Shape::Risk => {
            let names: Vec<&str> = Risk::ALL.iter().map(|r| r.as_str()).collect();
            one_of(value, &names, "risk", path, report);
        }
        Shape::Index => {
            if value.as_u64().is_none() {
                report.push(path, wrong("an answer number (0 is the first)", value));
            }
        }
        Shape::Flag => {
            if !value.is_boolean() {
                report.push(path, wrong("true or false", value));
            }
        }
        Shape::Label => match value.as_str() {
            Some(name) if name.trim().is_empty() => report.push(
                path,
                ProblemKind::BadValue {
                    reason: "the name must not be empty".to_owned(),
                },
            ),
            Some(_) => {}
            None => report.push(path, wrong("a string", value)),
        },
        Shape::Labels => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    if !item.is_string() {
                        report.push(&format!("{path}/{i}"), wrong("a string", item));
                    }
                }
            }
            None => report.push(path, wrong("a list of answers like [\"Android\"]", value)),
        },
        Shape::Count => {
            if value.as_u64().is_none_or(|n| n < 1) {
                report.push(path, wrong("a whole number of at least 1", value));
            }
        }
    }
}

fn one_of(value: &Value, names: &[&str], what: &str, path: &str, report: &mut Report<'_>) {
    match value.as_str() {
        Some(name) if names.contains(&name) => {}
        Some(name) => report.push(
            path,
            ProblemKind::BadValue {
                reason: format!(
                    "\"{name}\" is not a known {what}; use one of {}",
                    names.join(", ")
                ),
            },
        ),
        None => report.push(path, wrong("a string", value)),
    }
}

fn unknown(field: &str, expected: &[&'static str]) -> ProblemKind {
    ProblemKind::UnknownField {
        field: field.to_owned(),
        expected: expected.to_vec(),
    }
}

fn wrong(expected: &'static str, found: &Value) -> ProblemKind {
    ProblemKind::WrongType {
        expected,
        found: match found {
            Value::Null => "null",
            Value::Bool(_) => "true/false",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        },
    }
}

/// Appends one reference token to a JSON Pointer, escaping `~` and `/`.
pub(super) fn pointer(base: &str, token: &str) -> String {
    format!("{base}/{}", token.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(json: &str) -> (Draft, Vec<Problem>) {
        let value: Value = serde_json::from_str(json).expect("test JSON");
        let mut problems = Vec::new();
        let draft = read(&value, &mut problems);
        (draft, problems)
    }

    #[test]
    fn broken_nodes_keep_their_id_and_good_ones_parse() {
        let (draft, problems) = read_str(
            r#"{"format":1,"id":"t","revision":"1","langs":["en"],"start":"a","nodes":[
                {"id":"a","type":"question","title":{"en":"Q"},"answers":[{"label":{"en":"x"},"nxt":"b"}]},
                {"id":"b","type":"outcome","outcome":"resolved","title":{"en":"Done"}}]}"#,
        );
        assert_eq!(draft.nodes[0].id, Some(NodeId::from("a")));
        assert!(draft.nodes[0].node.is_none());
        assert!(draft.nodes[1].node.is_some());
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["/nodes/0/answers/0/nxt", "/nodes/0/answers/0"]);
        assert!(matches!(
            problems[1].kind,
            ProblemKind::MissingField { field: "next" }
        ));
    }

    /// The nodes of the default tree and of every fixture, each also with
    /// every field (and every field of its lists' items) removed, `null`,
    /// a number and a string in turn.
    fn nodes_and_mutations() -> Vec<Value> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let mut files = vec![concat!(env!("CARGO_MANIFEST_DIR"), "/trees/default.json").to_owned()];
        for entry in std::fs::read_dir(dir).expect("fixtures") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path.display().to_string());
            }
        }
        let mut out = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable");
            let Ok(tree) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            let Some(nodes) = tree.get("nodes").and_then(Value::as_array) else {
                continue;
            };
            for node in nodes {
                out.push(node.clone());
                let Some(object) = node.as_object() else {
                    continue;
                };
                for (key, value) in object {
                    for replacement in [
                        None,
                        Some(Value::Null),
                        Some(Value::from(1)),
                        Some(Value::from("x")),
                    ] {
                        let mut changed = object.clone();
                        match replacement.clone() {
                            None => changed.remove(key),
                            Some(v) => changed.insert(key.clone(), v),
                        };
                        out.push(Value::Object(changed));
                    }
                    // The first item of a list of objects, field by field.
                    if let Some(Value::Object(item)) = value.as_array().and_then(|a| a.first()) {
                        for field in item.keys() {
                            for replacement in [None, Some(Value::Null), Some(Value::from(1))] {
                                let mut item = item.clone();
                                match replacement {
                                    None => item.remove(field),
                                    Some(v) => item.insert(field.clone(), v),
                                };
                                let mut changed = object.clone();
                                changed[key][0] = Value::Object(item);
                                out.push(Value::Object(changed));
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// The reader and serde's derive are one format: whatever passes the
    /// checks, serde reads too and to the same node; whatever serde
    /// refuses, the checks refuse (with a pointer, where serde has none),
    /// and a node is refused exactly when a problem is reported.
    #[test]
    fn the_checked_reader_and_serdes_derive_agree_on_every_node_and_mutation() {
        let cases = nodes_and_mutations();
        assert!(cases.len() > 5_000, "{} cases", cases.len());
        for value in cases {
            let mut problems = Vec::new();
            let read = read_node(&value, "/nodes/0", &mut problems).node;
            let serde = Node::deserialize(&value).ok();
            // The checks may refuse more (a title a non-copy lacks, a `null`
            // for a default), never less.
            if read.is_some() || serde.is_none() {
                assert_eq!(read, serde, "{value}\n{problems:?}");
            }
            assert_eq!(
                read.is_none(),
                !problems.is_empty(),
                "{value}\n{problems:?}"
            );
        }
    }

    #[test]
    fn a_null_where_the_types_have_a_default_is_refused_with_its_pointer() {
        let (draft, problems) = read_str(
            r#"{"format":2,"id":"t","revision":"1","langs":["en"],"start":"a","nodes":[
                {"id":"a","type":"fix","title":{"en":"F"},"safety_check":null,"body":null,
                 "notes":[{"text":{"en":"n"},"if_done":null}],"fixed":"b","next":"b"},
                {"id":"b","type":"outcome","outcome":"resolved","title":{"en":"Done"}}]}"#,
        );
        assert!(draft.nodes[0].node.is_none());
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["/nodes/0/safety_check", "/nodes/0/notes/0/if_done"]);
        assert!(problems
            .iter()
            .all(|p| matches!(p.kind, ProblemKind::WrongType { found: "null", .. })));
    }

    #[test]
    fn pointer_escapes_slash_and_tilde() {
        assert_eq!(pointer("/nodes/0", "a/b~c"), "/nodes/0/a~1b~0c");
    }

    /// The field tables and the serde types describe one format: the
    /// schema generated from the types must name exactly the fields, the
    /// required fields and the names of every table here.
    #[cfg(feature = "schema")]
    #[test]
    fn field_tables_agree_with_the_schema_generated_from_the_types() {
        use std::collections::BTreeSet;

        let schema = super::super::json_schema();
        let defs = &schema["$defs"];
        let names = |fields: &[Field], extra: &[&'static str]| -> BTreeSet<String> {
            fields
                .iter()
                .map(|f| f.name)
                .chain(extra.iter().copied())
                .map(str::to_owned)
                .collect()
        };
        // The schema cannot say "required unless copy_of"; the tables can.
        let required = |fields: &[Field], extra: &[&'static str]| -> BTreeSet<String> {
            fields
                .iter()
                .filter(|f| f.need == Need::Required)
                .map(|f| f.name)
                .chain(extra.iter().copied())
                .map(str::to_owned)
                .collect()
        };
        let keys = |object: &Value| -> BTreeSet<String> {
            object["properties"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default()
        };
        let listed = |object: &Value| -> BTreeSet<String> {
            object["required"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let variants = defs["Node"]["oneOf"].as_array().expect("Node is a oneOf");
        let tables = [
            ("question", QUESTION),
            ("fix", FIX),
            ("speed_test", SPEED_TEST),
            ("outcome", OUTCOME),
        ];
        assert_eq!(variants.len(), tables.len());
        assert_eq!(NODE_TYPES.len(), tables.len());
        for (kind, table) in tables {
            assert!(NODE_TYPES.contains(&kind));
            let variant = variants
                .iter()
                .find(|v| v["properties"]["type"]["const"] == kind)
                .unwrap_or_else(|| panic!("no {kind} in the schema"));
            assert_eq!(keys(variant), names(table, &["type"]), "{kind} fields");
            assert_eq!(
                listed(variant),
                required(table, &["type"]),
                "{kind} required"
            );
        }
        for (def, table) in [
            ("Answer", ANSWER),
            ("Route", ROUTE),
            ("KnownAnswer", KNOWN),
            ("Note", NOTE),
            ("PathTest", PATH_TEST),
        ] {
            assert_eq!(keys(&defs[def]), names(table, &[]), "{def} fields");
            assert_eq!(listed(&defs[def]), required(table, &[]), "{def} required");
        }
        assert_eq!(
            keys(&schema),
            TREE_FIELDS.iter().map(|f| (*f).to_owned()).collect()
        );
        let consts = |def: &str| -> BTreeSet<String> {
            defs[def]["oneOf"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v["const"].as_str().map(str::to_owned))
                .chain(
                    defs[def]["enum"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|v| v.as_str().map(str::to_owned)),
                )
                .collect()
        };
        let conditions: BTreeSet<String> = RouteCondition::ALL
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect();
        assert_eq!(consts("RouteCondition"), conditions);
        let risks: BTreeSet<String> = Risk::ALL.iter().map(|r| r.as_str().to_owned()).collect();
        assert_eq!(consts("Risk"), risks);
    }

    #[test]
    fn another_format_stops_reading() {
        let (draft, problems) = read_str(r#"{"format":3,"whatever":true}"#);
        assert!(!draft.readable);
        assert_eq!(problems.len(), 1);
        assert!(matches!(problems[0].kind, ProblemKind::WrongFormat { .. }));
    }
}
