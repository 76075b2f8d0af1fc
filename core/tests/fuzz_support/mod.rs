//! What every `fuzz_*` target shares: the runner that drives a property with
//! proptest, and generators of trees, walks and hostile text.
//!
//! A property runs `PROPTEST_CASES` cases (256 when unset, divided by the
//! property's weight so a slow one keeps `cargo test` fast). Under
//! `cargo xtask fuzz` the variable `FUZZ_SECONDS` is set too: then every
//! property of the target keeps generating cases until that many seconds
//! have passed since the target started (or `PROPTEST_CASES` cases ran).
//! Each property prints one `fuzz-result` line that the xtask adds up into
//! its table. Failures are shrunk by proptest and reported with the minimal
//! input; nothing is written to disk, the minimal inputs become named
//! regression tests instead.
//!
//! Every target compiles this module but uses only part of it.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Debug;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use backup_doctor_core::session::Session;
use backup_doctor_core::tree::{Node, NodeId, ProblemKind, ValidTree};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde_json::{json, Map, Value};

/// Cases per property in a plain `cargo test` run.
pub const DEFAULT_CASES: u32 = 256;

/// When the first property of this target started (the fuzz budget runs from here).
fn started() -> Instant {
    static STARTED: OnceLock<Instant> = OnceLock::new();
    *STARTED.get_or_init(Instant::now)
}

/// The fuzz budget from `FUZZ_SECONDS`, if set.
fn budget() -> Option<Duration> {
    let seconds: f64 = std::env::var("FUZZ_SECONDS").ok()?.trim().parse().ok()?;
    (seconds.is_finite() && seconds > 0.0).then(|| Duration::from_secs_f64(seconds))
}

/// Runs `test` on values of `strategy`; panics with the shrunk input when it
/// fails. `weight` divides the case count for slow properties (1 for most).
pub fn check<S>(
    property: &str,
    weight: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let started = started();
    let budget = budget();
    let mut config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    if config.max_shrink_time == 0 {
        config.max_shrink_time = 120_000;
    }
    let cases = match budget {
        Some(_) => config.cases,
        None => (config.cases / weight.max(1)).max(1),
    };
    let mut runner = TestRunner::new(config);
    let mut executed: u64 = 0;
    let mut failure = None;
    while executed < u64::from(cases) {
        if budget.is_some_and(|b| started.elapsed() >= b) {
            break;
        }
        let case = match strategy.new_tree(&mut runner) {
            Ok(case) => case,
            Err(reason) => {
                failure = Some(format!("could not generate a case: {reason}"));
                break;
            }
        };
        executed += 1;
        match runner.run_one(case, &test) {
            Ok(_) => {}
            Err(TestError::Fail(reason, minimal)) => {
                failure = Some(format!("{reason}\nminimal failing input: {minimal:#?}"));
                break;
            }
            Err(TestError::Abort(reason)) => {
                failure = Some(format!("aborted: {reason}"));
                break;
            }
        }
    }
    println!(
        "fuzz-result {} {property} cases={executed} failures={}",
        env!("CARGO_CRATE_NAME"),
        u8::from(failure.is_some())
    );
    if let Some(failure) = failure {
        panic!("property `{property}` failed after {executed} cases: {failure}");
    }
}

/// Fails the case with `message` unless `condition` holds.
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), TestCaseError> {
    if condition {
        Ok(())
    } else {
        Err(TestCaseError::fail(message()))
    }
}

// ---------------------------------------------------------------------------
// Hostile text

/// Pieces that mean something to one of the parsers, plus text that breaks
/// naive code: multi-byte characters, control characters, direction
/// overrides, quotes, escapes.
pub const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "(",
    ")",
    "](",
    "**",
    "*",
    "- ",
    "1. ",
    "12. ",
    "1234. ",
    "\n",
    "\r\n",
    "\r",
    "  ",
    "\t",
    " ",
    "https://",
    "http://",
    "HTTPS://",
    "javascript:",
    "JaVaScRiPt:",
    "data:",
    "vbscript:",
    "//",
    "/",
    "\\",
    "./",
    "../",
    "a",
    "x.org",
    "example.org/p?q=1#f",
    "é",
    "日本",
    "🙂",
    "\u{202E}",
    "\u{2066}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{2028}",
    "\u{0}",
    "\u{7}",
    "\u{1B}[31m",
    "\u{7F}",
    "\u{85}",
    "\u{A0}",
    "\"",
    "'",
    "<",
    ">",
    "`",
    "~",
    "~0",
    "~1",
    "%0a",
    ":",
    ".",
    "0",
    "9",
    "m",
    "y",
    "n",
    "s",
    "{",
    "}",
    ",",
    "\\u0000",
    "\\ud800",
    "null",
];

/// A string of 0..`max` fragments.
pub fn fragments(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..max).prop_map(|parts| parts.concat())
}

/// Any string: arbitrary unicode, or a run of meaningful fragments.
pub fn hostile_string(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<char>(), 0..max).prop_map(|c| c.into_iter().collect()),
        fragments(max),
        prop::collection::vec(any::<u8>(), 0..max)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// A string of about `bytes` bytes: a short random pattern of fragments,
/// repeated (patterns like "[a](" or "**" repeated are the ones that make
/// naive parsers quadratic).
pub fn huge_string(bytes: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 1..8).prop_map(move |parts| {
        let pattern = parts.concat();
        let mut out = String::with_capacity(bytes + pattern.len());
        while out.len() < bytes {
            out.push_str(&pattern);
        }
        out
    })
}

// ---------------------------------------------------------------------------
// Arbitrary JSON

/// Keys a tree file uses, so random objects sometimes look like trees.
pub const TREE_KEYS: &[&str] = &[
    "format",
    "id",
    "revision",
    "langs",
    "start",
    "nodes",
    "type",
    "title",
    "body",
    "fact",
    "answers",
    "label",
    "next",
    "fixed",
    "warning",
    "confirm",
    "routes",
    "when",
    "outcome",
    "en",
    "es",
    "v",
    "tree",
    "trail",
    "saved_at_ms",
    "backup_size_gb",
];

/// Strings a tree file uses as values.
pub const TREE_WORDS: &[&str] = &[
    "question",
    "fix",
    "speed_test",
    "outcome",
    "resolved",
    "escalate",
    "offline",
    "slow_upload",
    "unstable",
    "high_loaded_latency",
    "cellular",
    "en",
    "es",
    "a",
    "b",
    "start",
];

/// A JSON number of any kind: small, huge, negative, fractional.
pub fn json_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u64..4).prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter_map("finite", serde_json::Number::from_f64)
            .prop_map(Value::Number),
    ]
}

/// A JSON scalar.
pub fn json_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number(),
        prop::sample::select(TREE_WORDS).prop_map(Value::from),
        hostile_string(24).prop_map(Value::String),
    ]
}

/// A JSON value of bounded size whose keys are mostly tree keys.
pub fn json_value() -> impl Strategy<Value = Value> {
    json_scalar().prop_recursive(6, 96, 8, |inner| {
        let key = prop_oneof![
            3 => prop::sample::select(TREE_KEYS).prop_map(str::to_owned),
            1 => hostile_string(12),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// `value` wrapped `depth` times in arrays or objects.
pub fn nest(value: Value, depth: usize, in_objects: bool) -> Value {
    let mut out = value;
    for _ in 0..depth {
        out = if in_objects {
            json!({ "a": out })
        } else {
            json!([out])
        };
    }
    out
}

// ---------------------------------------------------------------------------
// Valid trees, generated

/// What a generated tree is made of; turned into JSON by [`TreePlan::to_json`].
#[derive(Debug, Clone)]
pub struct TreePlan {
    /// Prefix of every node id (ids are `prefix` + index, so unique).
    pub prefix: String,
    /// One entry per non-outcome node: its kind (0 question, 1 fix, 2 speed
    /// test), extra edge targets (any node), and whether it has a body.
    pub steps: Vec<(u8, Vec<prop::sample::Index>, bool)>,
    /// How many outcomes follow the steps.
    pub outcomes: usize,
    /// A title used for every text (never blank).
    pub title: String,
}

/// A tree that is valid by construction: a chain of steps through every
/// non-outcome node to the first outcome, the other outcomes as answers of
/// the first question, and random extra edges anywhere (loops included).
pub fn tree_plan() -> impl Strategy<Value = TreePlan> {
    let step = (
        0u8..3,
        prop::collection::vec(any::<prop::sample::Index>(), 0..4),
        any::<bool>(),
    );
    (
        prop::sample::select(&["n", "é-", "a/b~", "🙂", " ", "\"", "x.y", "0", "~1"][..]),
        prop::collection::vec(step, 0..14),
        1usize..4,
        prop::sample::select(&["Restart", "¿Qué?", "**Bold** title", "日本", "<b>x</b>"][..]),
    )
        .prop_map(|(prefix, steps, outcomes, title)| TreePlan {
            prefix: prefix.to_owned(),
            steps,
            outcomes,
            title: title.to_owned(),
        })
}

const CONDITIONS: &[&str] = &[
    "offline",
    "slow_upload",
    "unstable",
    "high_loaded_latency",
    "cellular",
];

impl TreePlan {
    /// The tree file.
    pub fn to_json(&self) -> String {
        let inner = self.steps.len() + 1; // node 0 is always a question
        let total = inner + self.outcomes;
        let id = |i: usize| format!("{}{i}", self.prefix);
        let text = |s: &str| json!({ "en": s });
        let body =
            "Do this:\n- **first** [help](https://example.org/a_(b))\n- second\n\n1. one\n   more";
        let mut nodes = Vec::new();
        // Node 0: a question leading on along the chain and to every outcome.
        let mut answers = vec![json!({"label": text("Next"), "next": id(1)})];
        for o in inner + 1..total {
            answers.push(json!({"label": text(&self.title), "next": id(o)}));
        }
        nodes.push(json!({
            "id": id(0), "type": "question", "title": text(&self.title),
            "fact": "platform", "answers": answers,
        }));
        for (k, (kind, extra, has_body)) in self.steps.iter().enumerate() {
            let i = k + 1;
            let chain = id(i + 1);
            let extra: Vec<String> = extra.iter().map(|x| id(x.index(total))).collect();
            let mut node = match kind {
                0 => {
                    let mut answers = vec![json!({"label": text("Go on"), "next": chain})];
                    answers.extend(
                        extra
                            .iter()
                            .map(|t| json!({"label": text(&self.title), "next": t})),
                    );
                    json!({"id": id(i), "type": "question", "title": text(&self.title), "answers": answers})
                }
                1 => {
                    let fixed = extra.first().cloned().unwrap_or_else(|| id(inner));
                    let mut fix = json!({"id": id(i), "type": "fix", "title": text(&self.title), "fixed": fixed, "next": chain});
                    if extra.len() > 1 {
                        fix["warning"] = text("You **may lose** chats.");
                        fix["confirm"] = text("I understand");
                    }
                    fix
                }
                _ => {
                    let routes: Vec<Value> = extra
                        .iter()
                        .enumerate()
                        .map(|(r, t)| json!({"when": CONDITIONS[r % CONDITIONS.len()], "next": t}))
                        .collect();
                    json!({"id": id(i), "type": "speed_test", "title": text(&self.title), "next": chain, "routes": routes})
                }
            };
            if *has_body {
                node["body"] = text(body);
            }
            nodes.push(node);
        }
        for o in inner..total {
            let kind = if o % 2 == 0 { "resolved" } else { "escalate" };
            nodes.push(json!({"id": id(o), "type": "outcome", "outcome": kind, "title": text(&self.title)}));
        }
        let tree = json!({
            "format": 1, "id": "fuzz-tree", "revision": "r1", "langs": ["en"],
            "start": id(0), "nodes": nodes,
        });
        tree.to_string()
    }
}

// ---------------------------------------------------------------------------
// Walks

/// Walks `tree` from the start, at each step taking the option picked by the
/// next selector, until an outcome or the selectors run out.
pub fn walk(tree: &ValidTree, selectors: &[u16]) -> Session {
    let mut session = Session::new(tree);
    for &pick in selectors {
        let options = session.options(tree);
        if options.is_empty() {
            break;
        }
        let choice = options[usize::from(pick) % options.len()];
        if let Err(e) = session.choose(tree, choice) {
            panic!("an offered option {choice:?} was refused: {e}");
        }
    }
    session
}

/// Checks what a [`ValidTree`] promises: every edge resolves, every node is
/// reachable from the start or warned about, and from every reachable node an outcome can
/// still be reached (so no walk is ever stuck).
pub fn check_valid_tree(tree: &ValidTree) -> Result<(), TestCaseError> {
    let nodes = &tree.tree().nodes;
    let by_id: HashMap<&NodeId, &Node> = nodes.iter().map(|n| (n.id(), n)).collect();
    for node in nodes {
        for edge in node.edges() {
            ensure(by_id.contains_key(edge.target), || {
                format!("\"{}\" points to missing \"{}\"", node.id(), edge.target)
            })?;
        }
        ensure(
            matches!(node, Node::Outcome(_)) || !node.edges().is_empty(),
            || format!("\"{}\" is a dead end", node.id()),
        )?;
    }
    // Reachable set from the start.
    let start = tree.start().id();
    let mut reachable: HashSet<&NodeId> = HashSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(id) = queue.pop_front() {
        for edge in by_id[id].edges() {
            if reachable.insert(edge.target) {
                queue.push_back(edge.target);
            }
        }
    }
    // A node nobody can reach is allowed (work in progress), but only
    // with its warning.
    for (i, node) in nodes.iter().enumerate() {
        if reachable.contains(node.id()) {
            continue;
        }
        let pointer = format!("/nodes/{i}");
        ensure(
            tree.warnings()
                .iter()
                .any(|w| w.kind == ProblemKind::Unreachable && w.path == pointer),
            || format!("\"{}\" is unreachable without a warning", node.id()),
        )?;
    }
    // Nodes that can reach an outcome: grow backwards from the outcomes.
    let mut good: HashSet<&NodeId> = nodes
        .iter()
        .filter(|n| matches!(n, Node::Outcome(_)))
        .map(Node::id)
        .collect();
    loop {
        let before = good.len();
        for node in nodes {
            if node.edges().iter().any(|e| good.contains(e.target)) {
                good.insert(node.id());
            }
        }
        if good.len() == before {
            break;
        }
    }
    for id in reachable {
        ensure(good.contains(id), || {
            format!("from \"{id}\" no outcome can be reached")
        })?;
        ensure(tree.steps_left(id).is_some(), || {
            format!("no progress estimate for \"{id}\"")
        })?;
    }
    Ok(())
}
