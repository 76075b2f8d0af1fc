//! Fuzzing tree files: random bytes, random JSON, and structure-aware
//! mutations of the default tree and of every fixture (nodes deleted,
//! duplicated, retargeted; values of the wrong type; huge strings; deep
//! nesting; unicode and control characters).
//!
//! Whatever comes in, `Tree::from_json` must not panic; a refusal must hold
//! at least one error, each problem's path must be a JSON Pointer into the
//! file that points at what the problem talks about (the node it names, a
//! value of the type it says it found); and an accepted tree must keep the
//! [`ValidTree`] promise that every walk can end in an outcome.

mod fuzz_support;

use backup_doctor_core::tree::{
    ProblemKind, Severity, Tree, TreeErrors, ValidTree, MAX_TREE_BYTES,
};
use fuzz_support::{
    check, check_valid_tree, ensure, fragments, hostile_string, huge_string, json_scalar,
    json_value, nest, tree_plan, walk, FRAGMENTS, TREE_KEYS, TREE_WORDS,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value};

const DEFAULT: &str = include_str!("../trees/default.json");

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("fixtures/", $name))
    };
}

/// Every fixture, valid and broken alike: mutating a broken file finds
/// other paths through the checks than mutating a valid one.
const FIXTURES: &[&str] = &[
    fixture!("bad-link.json"),
    fixture!("bad-tree-id.json"),
    fixture!("bad-value.json"),
    fixture!("base.json"),
    fixture!("confirm-without-warning.json"),
    fixture!("cycle-without-exit.json"),
    fixture!("duplicate-id.json"),
    fixture!("empty-text.json"),
    fixture!("many-problems.json"),
    fixture!("missing-english-in-langs.json"),
    fixture!("missing-english.json"),
    fixture!("missing-field.json"),
    fixture!("missing-translation.json"),
    fixture!("no-way-forward.json"),
    fixture!("not-json.json"),
    fixture!("unknown-field.json"),
    fixture!("unknown-reference.json"),
    fixture!("unknown-start.json"),
    fixture!("unreachable.json"),
    fixture!("walk.json"),
    fixture!("warning-without-confirm.json"),
    fixture!("wrong-format.json"),
    fixture!("wrong-type.json"),
];

// ---------------------------------------------------------------------------
// What must hold for any input

/// True for "" or a sequence of `/token`, where `~` only appears as `~0` or `~1`.
fn is_json_pointer(path: &str) -> bool {
    if path.is_empty() {
        return true;
    }
    if !path.starts_with('/') {
        return false;
    }
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return false;
        }
    }
    true
}

/// The last reference token of a pointer, unescaped.
fn last_token(path: &str) -> String {
    let token = path.rsplit('/').next().unwrap_or_default();
    token.replace("~1", "/").replace("~0", "~")
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |cut| &path[..cut])
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Runs `from_json` on `text` and checks everything that must hold.
fn check_tree_json(text: &str) -> Result<(), TestCaseError> {
    match Tree::from_json(text) {
        Ok(tree) => {
            check_valid_tree(&tree)?;
            for warning in tree.warnings() {
                ensure(warning.severity == Severity::Warning, || {
                    format!("an accepted tree carries an error: {warning}")
                })?;
            }
            let doc = document(text).ok_or_else(|| TestCaseError::fail("accepted non-JSON"))?;
            check_problems(&doc, tree.warnings())?;
            let selectors: Vec<u16> = (0..64u16).map(|i| i.wrapping_mul(7919)).collect();
            let session = walk(&tree, &selectors);
            ensure(tree.node(session.current()).is_some(), || {
                "a walk left the tree".to_owned()
            })
        }
        Err(errors) => check_refusal(text, &errors),
    }
}

fn document(text: &str) -> Option<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).ok()
}

fn check_refusal(text: &str, errors: &TreeErrors) -> Result<(), TestCaseError> {
    ensure(errors.errors().count() > 0, || {
        format!("refused without an error: {errors}")
    })?;
    ensure(!errors.to_string().is_empty(), String::new)?;
    for problem in &errors.problems {
        ensure(is_json_pointer(&problem.path), || {
            format!("not a JSON Pointer: {:?} ({problem})", problem.path)
        })?;
    }
    match document(text) {
        Some(doc) if text.len() <= MAX_TREE_BYTES => check_problems(&doc, &errors.problems),
        _ => {
            let first = &errors.problems[0];
            ensure(
                errors.problems.len() == 1
                    && matches!(
                        first.kind,
                        ProblemKind::NotJson { .. } | ProblemKind::TooLarge { .. }
                    )
                    && first.path.is_empty(),
                || format!("unreadable file, but: {errors}"),
            )
        }
    }
}

/// Each problem points at a value in `doc` that fits what it says.
fn check_problems(
    doc: &Value,
    problems: &[backup_doctor_core::tree::Problem],
) -> Result<(), TestCaseError> {
    for problem in problems {
        let path = problem.path.as_str();
        let here = doc.pointer(path);
        let say = |what: &str| format!("{what}: {problem}\n(at {path:?}: {here:?})");
        ensure(here.is_some(), || say("the path is not in the file"))?;
        let Some(here) = here else { continue };
        // A problem naming a node sits inside that node.
        if let Some(id) = &problem.node {
            let node_path: String = path.split('/').take(3).collect::<Vec<_>>().join("/");
            let node_id = doc
                .pointer(&node_path)
                .and_then(|n| n.get("id"))
                .and_then(Value::as_str);
            ensure(
                node_path.starts_with("/nodes/") && node_id == Some(id.as_str()),
                || say("the problem names another node than the one at its path"),
            )?;
        }
        let fits = match &problem.kind {
            ProblemKind::NotJson { .. } | ProblemKind::TooLarge { .. } => false,
            ProblemKind::WrongFormat { .. } => path == "/format" && here.is_number(),
            ProblemKind::UnknownField { field, .. } => {
                last_token(path) == *field
                    && doc
                        .pointer(parent(path))
                        .and_then(Value::as_object)
                        .is_some_and(|o| o.contains_key(field))
            }
            ProblemKind::MissingField { field } => {
                here.as_object().is_some_and(|o| !o.contains_key(*field))
            }
            ProblemKind::WrongType { found, .. } => type_name(here) == *found,
            // A string of the wrong value; the order of `langs`; or (serde's
            // own words) a whole node.
            ProblemKind::BadValue { .. } => {
                here.is_string() || path == "/langs" || here.get("type").is_some()
            }
            ProblemKind::DuplicateId { first } => {
                here.is_string()
                    && doc.pointer(first).and_then(|n| n.get("id")) == Some(here)
                    && first != parent(path)
            }
            ProblemKind::UnknownReference { target } => here.as_str() == Some(target.as_str()),
            ProblemKind::Unreachable | ProblemKind::CycleWithoutExit { .. } => {
                here.get("id").is_some()
            }
            ProblemKind::NoWayForward => here.as_array().is_some_and(Vec::is_empty),
            ProblemKind::EmptyText { lang } => {
                last_token(path) == *lang && here.as_str().is_some_and(|s| s.trim().is_empty())
            }
            ProblemKind::WarningWithoutConfirm => here.get("warning").is_some(),
            ProblemKind::ConfirmWithoutWarning => last_token(path) == "confirm",
            ProblemKind::BadLink { href } => here.as_str().is_some_and(|s| {
                // The href as parsed: control characters and direction
                // overrides are dropped first, tabs become spaces.
                let seen: String = s
                    .chars()
                    .filter(|&c| {
                        c == '\t'
                            || !(c.is_control()
                                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
                    })
                    .map(|c| if c == '\t' { ' ' } else { c })
                    .collect();
                seen.contains(href.as_str())
            }),
            ProblemKind::MissingTranslation { .. } => here.is_object(),
            ProblemKind::MissingEnglish => here.is_object() || path == "/langs",
            ProblemKind::CopyOfOtherType { original, .. }
            | ProblemKind::CopyOfCopy { original } => {
                last_token(path) == "copy_of" && here.as_str() == Some(original.as_str())
            }
            ProblemKind::CopyWithOwnText { .. } => doc
                .pointer(parent(path))
                .and_then(Value::as_object)
                .is_some_and(|o| o.contains_key(&last_token(path))),
            ProblemKind::CopyAnswerCount { found, .. } => {
                here.as_array().is_some_and(|a| a.len() == *found)
            }
            ProblemKind::NoSuchKnownAnswer { answer, .. } => here.as_u64() == Some(*answer as u64),
            ProblemKind::RiskWithoutWarning => last_token(path) == "risk",
            ProblemKind::UnguardedRisk { .. } => here.get("id").is_some(),
        };
        ensure(fits, || {
            say("the value at the path does not fit the problem")
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Structure-aware mutations

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    At(usize),
}

fn paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(prefix.clone());
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                prefix.push(Step::At(i));
                paths(item, prefix, out);
                prefix.pop();
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                prefix.push(Step::Key(key.clone()));
                paths(item, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn get<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get(k.as_str()),
        Step::At(i) => v.get(*i),
    })
}

fn get_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()),
        Step::At(i) => v.get_mut(*i),
    })
}

/// A change to a tree file's JSON.
#[derive(Debug, Clone)]
enum Mutation {
    /// Remove the value (an object field or a list element).
    Delete(Index),
    /// Insert a copy of a list element next to it (a duplicated node,
    /// answer, language...).
    Duplicate(Index),
    /// Point a reference (`start`, `next`, `fixed`) at another node's id.
    Retarget(Index, Index),
    /// Point a reference at a made-up id.
    RetargetTo(Index, String),
    /// Replace a value with any other JSON value (usually of the wrong type).
    Replace(Index, Value),
    /// Replace a string with a hostile one.
    Text(Index, String),
    /// Replace a string with a huge one.
    Huge(Index, usize, Vec<&'static str>),
    /// Wrap a value in many arrays or objects.
    Nest(Index, usize, bool),
    /// Rename an object field.
    Rename(Index, String),
    /// Add a field to an object.
    Insert(Index, String, Value),
    /// Swap two nodes.
    Swap(Index, Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let key = prop_oneof![
        3 => prop::sample::select(TREE_KEYS).prop_map(str::to_owned),
        1 => hostile_string(8),
    ];
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::Delete),
        2 => any::<Index>().prop_map(Mutation::Duplicate),
        3 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Retarget(a, b)),
        1 => (any::<Index>(), hostile_string(8)).prop_map(|(a, s)| Mutation::RetargetTo(a, s)),
        3 => (any::<Index>(), prop_oneof![json_scalar(), json_value()])
            .prop_map(|(a, v)| Mutation::Replace(a, v)),
        2 => (any::<Index>(), hostile_string(40)).prop_map(|(a, s)| Mutation::Text(a, s)),
        1 => (
            any::<Index>(),
            1usize..60_000,
            prop::collection::vec(prop::sample::select(FRAGMENTS), 1..6)
        )
            .prop_map(|(a, n, p)| Mutation::Huge(a, n, p)),
        1 => (any::<Index>(), 1usize..300, any::<bool>()).prop_map(|(a, d, o)| Mutation::Nest(a, d, o)),
        2 => (any::<Index>(), key.clone()).prop_map(|(a, k)| Mutation::Rename(a, k)),
        1 => (any::<Index>(), key, json_scalar()).prop_map(|(a, k, v)| Mutation::Insert(a, k, v)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

const REFERENCES: &[&str] = &["start", "next", "fixed"];

fn apply(doc: &mut Value, mutation: &Mutation) {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    let pick = |i: &Index| all[i.index(all.len())].clone();
    match mutation {
        Mutation::Delete(at) => {
            let path = pick(at);
            let Some((last, up)) = path.split_last() else {
                *doc = Value::Null;
                return;
            };
            match (get_mut(doc, up), last) {
                (Some(Value::Object(o)), Step::Key(k)) => {
                    o.remove(k);
                }
                (Some(Value::Array(a)), Step::At(i)) => {
                    a.remove(*i);
                }
                _ => {}
            }
        }
        Mutation::Duplicate(at) => {
            let path = pick(at);
            if let Some((Step::At(i), up)) = path.split_last() {
                if let Some(Value::Array(a)) = get_mut(doc, up) {
                    let copy = a[*i].clone();
                    a.insert(*i + 1, copy);
                }
            }
        }
        Mutation::Retarget(at, to) => {
            let ids: Vec<String> = doc
                .get("nodes")
                .and_then(Value::as_array)
                .map(|nodes| {
                    nodes
                        .iter()
                        .filter_map(|n| n.get("id").and_then(Value::as_str).map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if ids.is_empty() {
                return;
            }
            let target = ids[to.index(ids.len())].clone();
            retarget(doc, &all, at, Value::String(target));
        }
        Mutation::RetargetTo(at, id) => retarget(doc, &all, at, Value::String(id.clone())),
        Mutation::Replace(at, value) => {
            if let Some(v) = get_mut(doc, &pick(at)) {
                *v = value.clone();
            }
        }
        Mutation::Text(at, text) => replace_string(doc, &all, at, text.clone()),
        Mutation::Huge(at, bytes, pattern) => {
            let pattern = pattern.concat();
            let text = pattern.repeat(bytes / pattern.len().max(1) + 1);
            replace_string(doc, &all, at, text);
        }
        Mutation::Nest(at, depth, in_objects) => {
            if let Some(v) = get_mut(doc, &pick(at)) {
                *v = nest(v.take(), *depth, *in_objects);
            }
        }
        Mutation::Rename(at, key) => {
            let path = pick(at);
            if let Some((Step::Key(old), up)) = path.split_last() {
                if let Some(Value::Object(o)) = get_mut(doc, up) {
                    if let Some(v) = o.remove(old) {
                        o.insert(key.clone(), v);
                    }
                }
            }
        }
        Mutation::Insert(at, key, value) => {
            if let Some(Value::Object(o)) = get_mut(doc, &pick(at)) {
                o.insert(key.clone(), value.clone());
            }
        }
        Mutation::Swap(a, b) => {
            if let Some(Value::Array(nodes)) = doc.get_mut("nodes") {
                if !nodes.is_empty() {
                    let (i, j) = (a.index(nodes.len()), b.index(nodes.len()));
                    nodes.swap(i, j);
                }
            }
        }
    }
}

/// Sets one of the reference fields (picked by `at`) to `to`.
fn retarget(doc: &mut Value, all: &[Vec<Step>], at: &Index, to: Value) {
    let refs: Vec<&Vec<Step>> = all
        .iter()
        .filter(|p| matches!(p.last(), Some(Step::Key(k)) if REFERENCES.contains(&k.as_str())))
        .collect();
    if refs.is_empty() {
        return;
    }
    if let Some(v) = get_mut(doc, refs[at.index(refs.len())]) {
        *v = to;
    }
}

/// Replaces one of the strings (picked by `at`) with `text`.
fn replace_string(doc: &mut Value, all: &[Vec<Step>], at: &Index, text: String) {
    let strings: Vec<Vec<Step>> = all
        .iter()
        .filter(|p| matches!(get(doc, p), Some(Value::String(_))))
        .cloned()
        .collect();
    if strings.is_empty() {
        return;
    }
    if let Some(v) = get_mut(doc, &strings[at.index(strings.len())]) {
        *v = Value::String(text);
    }
}

/// The mutated file, usually compact JSON and sometimes pretty.
fn mutated(source: &str, mutations: &[Mutation], pretty: bool) -> String {
    let Ok(mut doc) = serde_json::from_str::<Value>(source) else {
        return source.to_owned();
    };
    for m in mutations {
        apply(&mut doc, m);
    }
    let text = if pretty {
        serde_json::to_string_pretty(&doc)
    } else {
        serde_json::to_string(&doc)
    };
    text.unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Properties

#[test]
fn random_text_is_refused_with_errors_at_the_top() {
    check("random_text", 1, hostile_string(600), |text| {
        check_tree_json(&text)
    });
}

#[test]
fn random_json_is_refused_with_pointers_into_it() {
    check("random_json", 1, json_value(), |value| {
        check_tree_json(&value.to_string())
    });
}

/// Objects that look like trees: the right header keys (some missing or
/// of the wrong type) and nodes made of tree words.
fn tree_like() -> impl Strategy<Value = Value> {
    let node = prop::collection::vec(
        (
            prop::sample::select(TREE_KEYS),
            prop_oneof![
                2 => prop::sample::select(TREE_WORDS).prop_map(Value::from),
                1 => json_value(),
            ],
        ),
        0..8,
    )
    .prop_map(|pairs| {
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<Map<_, _>>(),
        )
    });
    (
        prop::option::of(prop_oneof![Just(Value::from(1)), json_scalar()]),
        prop::option::of(json_scalar()),
        prop::option::of(json_scalar()),
        prop::option::of(prop_oneof![Just(serde_json::json!(["en"])), json_value()]),
        prop::option::of(prop::sample::select(TREE_WORDS).prop_map(Value::from)),
        prop::option::of(prop::collection::vec(node, 0..6).prop_map(Value::Array)),
    )
        .prop_map(|(format, id, revision, langs, start, nodes)| {
            let mut tree = Map::new();
            for (key, value) in [
                ("format", format),
                ("id", id),
                ("revision", revision),
                ("langs", langs),
                ("start", start),
                ("nodes", nodes),
            ] {
                if let Some(value) = value {
                    tree.insert(key.to_owned(), value);
                }
            }
            Value::Object(tree)
        })
}

#[test]
fn tree_like_json_is_checked_with_pointers_into_it() {
    check("tree_like_json", 1, tree_like(), |value| {
        check_tree_json(&value.to_string())
    });
}

#[test]
fn mutated_fixtures_are_checked_with_pointers_into_them() {
    let strategy = (
        prop::sample::select(FIXTURES),
        prop::collection::vec(mutation(), 1..5),
        any::<bool>(),
    );
    check(
        "mutated_fixtures",
        1,
        strategy,
        |(source, mutations, pretty)| check_tree_json(&mutated(source, &mutations, pretty)),
    );
}

#[test]
fn mutated_default_tree_is_checked_with_pointers_into_it() {
    let strategy = (prop::collection::vec(mutation(), 1..4), any::<bool>());
    check(
        "mutated_default_tree",
        16,
        strategy,
        |(mutations, pretty)| check_tree_json(&mutated(DEFAULT, &mutations, pretty)),
    );
}

/// A raw edit of the file's text: at a position (a fraction of the
/// length), delete some characters and insert some text.
fn byte_edit() -> impl Strategy<Value = (Index, usize, String)> {
    (any::<Index>(), 0usize..8, fragments(4))
}

#[test]
fn text_edits_of_fixtures_are_checked() {
    let strategy = (
        prop::sample::select(FIXTURES),
        prop::collection::vec(byte_edit(), 1..6),
    );
    check("text_edits", 1, strategy, |(source, edits)| {
        let mut chars: Vec<char> = source.chars().collect();
        for (at, delete, insert) in edits {
            let start = at.index(chars.len() + 1);
            let end = (start + delete).min(chars.len());
            chars.splice(start..end, insert.chars());
        }
        let text: String = chars.into_iter().collect();
        check_tree_json(&text)
    });
}

#[test]
fn generated_valid_trees_are_accepted() {
    check("generated_trees", 1, tree_plan(), |plan| {
        let json = plan.to_json();
        match Tree::from_json(&json) {
            Ok(tree) => check_valid_tree(&tree),
            Err(errors) => Err(TestCaseError::fail(format!(
                "a valid tree was refused: {errors}\n{json}"
            ))),
        }
    });
}

#[test]
fn deep_nesting_is_refused_without_overflowing() {
    let strategy = (
        prop::sample::select(FIXTURES),
        any::<Index>(),
        1usize..20_000,
        any::<bool>(),
    );
    check(
        "deep_nesting",
        4,
        strategy,
        |(source, at, depth, in_objects)| {
            // Built as text: a `Value` this deep would overflow the test's own stack.
            let (open, close) = if in_objects {
                ("{\"a\":", "}")
            } else {
                ("[", "]")
            };
            let cut = source
                .char_indices()
                .map(|(i, _)| i)
                .nth(at.index(source.chars().count().max(1)))
                .unwrap_or(0);
            let text = format!(
                "{}{}1{}{}",
                &source[..cut],
                open.repeat(depth),
                close.repeat(depth),
                &source[cut..]
            );
            check_tree_json(&text)
        },
    );
}

#[test]
fn huge_inputs_finish() {
    let strategy = (
        huge_string(1 << 20),
        prop::sample::select(&["title", "body", "id", "label"][..]),
        200_000usize..MAX_TREE_BYTES,
    );
    check("huge_inputs", 64, strategy, |(huge, field, keep)| {
        // The whole 1 MB as a file: refused before it is read.
        check_tree_json(&huge)?;
        // Just under the limit, inside a field of a valid tree.
        let mut doc: Value =
            serde_json::from_str(FIXTURES[3]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut cut = keep.min(huge.len());
        while !huge.is_char_boundary(cut) {
            cut -= 1;
        }
        let value = Value::String(huge[..cut].to_owned());
        match field {
            "label" => doc["nodes"][0]["answers"][0]["label"]["en"] = value,
            "id" => doc["nodes"][0]["id"] = value,
            other => doc["nodes"][0][other] = serde_json::json!({ "en": value }),
        }
        check_tree_json(&doc.to_string())
    });
}

// ---------------------------------------------------------------------------
// Regressions found by the properties above

fn refused(json: &str) -> TreeErrors {
    match Tree::from_json(json) {
        Ok(_) => panic!("accepted: {json}"),
        Err(errors) => errors,
    }
}

fn accepted(json: &str) -> ValidTree {
    match Tree::from_json(json) {
        Ok(tree) => tree,
        Err(errors) => panic!("refused: {errors}"),
    }
}

#[test]
fn the_base_fixture_passes_the_checks_used_here() {
    let tree = accepted(FIXTURES[3]);
    assert!(check_valid_tree(&tree).is_ok());
    assert!(check_tree_json(FIXTURES[3]).is_ok());
    // And a broken one is caught by them.
    let errors = refused(fixture!("unknown-reference.json"));
    assert!(check_refusal(fixture!("unknown-reference.json"), &errors).is_ok());
}

/// Found by `tree_like_json`: with a non-string entry in `langs`, the
/// problems of the later entries pointed one entry too early (at the list
/// `[]` instead of the string `"speed_test"`).
#[test]
fn regression_lang_problem_points_at_the_right_entry() {
    let json = r#"{"format":1,"langs":[[],"speed_test"]}"#;
    let errors = refused(json);
    assert!(check_refusal(json, &errors).is_ok(), "{errors}");
    assert!(
        errors.problems.iter().all(|p| p.path != "/langs/0"
            || matches!(
                p.kind,
                ProblemKind::WrongType {
                    found: "a list",
                    ..
                }
            )),
        "{errors}"
    );
}
