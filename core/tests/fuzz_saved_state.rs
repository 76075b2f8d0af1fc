//! Fuzzing saved progress (the JSON the widget keeps in localStorage):
//! garbage, near-misses and tampered states are refused with an error and
//! never a panic; whatever is accepted is a walk of this tree, saved within
//! the last 30 days; and a saved walk comes back unchanged.

mod fuzz_support;

use backup_doctor_core::session::{RestoreError, Session, MAX_AGE_MS};
use backup_doctor_core::tree::{Tree, ValidTree};
use fuzz_support::{check, ensure, hostile_string, json_number, json_scalar, json_value, walk};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Map, Value};

const WALK: &str = include_str!("fixtures/walk.json");
const NOW: u64 = 1_790_000_000_000;

fn walk_tree() -> ValidTree {
    match Tree::from_json(WALK) {
        Ok(tree) => tree,
        Err(errors) => panic!("the walk fixture is invalid: {errors}"),
    }
}

/// What must hold for any saved string restored at `now`.
fn check_restore(tree: &ValidTree, saved: &str, now: u64) -> Result<(), TestCaseError> {
    match Session::from_saved(tree, saved, now) {
        Ok(session) => {
            let value: Value = serde_json::from_str(saved)
                .map_err(|e| TestCaseError::fail(format!("accepted non-JSON: {e}")))?;
            ensure(value["v"] == json!(1), || format!("accepted {value}"))?;
            ensure(value["tree"] == json!(tree.key()), || {
                format!("accepted another tree: {value}")
            })?;
            let saved_at = value["saved_at_ms"].as_u64();
            ensure(
                saved_at.is_some_and(|at| now.abs_diff(at) <= MAX_AGE_MS),
                || format!("accepted a stale state: {value}"),
            )?;
            ensure(
                value["trail"].as_str() == Some(session.encode_trail().as_str()),
                || format!("accepted {value}, restored {}", session.encode_trail()),
            )?;
            ensure(
                session
                    .backup_size_gb()
                    .is_none_or(|gb| gb.is_finite() && gb > 0.0),
                || format!("accepted the backup size of {value}"),
            )?;
            ensure(tree.node(session.current()).is_some(), || {
                "restored outside the tree".to_owned()
            })?;
            // Saving again and restoring gives the same walk.
            let again = Session::from_saved(tree, &session.to_saved(tree, now), now);
            ensure(again.as_ref().is_ok_and(|a| same_walk(a, &session)), || {
                format!("re-saving {value} gave {again:?}")
            })
        }
        Err(error) => ensure(!error.to_string().is_empty(), String::new),
    }
}

#[test]
fn garbage_is_refused() {
    let strategy = (hostile_string(400), any::<u64>());
    check("garbage", 1, strategy, |(saved, now)| {
        let tree = walk_tree();
        ensure(Session::from_saved(&tree, &saved, now).is_err(), || {
            format!("accepted {saved:?}")
        })
    });
}

#[test]
fn random_json_is_refused() {
    let strategy = (json_value(), any::<u64>());
    check("random_json", 1, strategy, |(value, now)| {
        let tree = walk_tree();
        let saved = value.to_string();
        ensure(Session::from_saved(&tree, &saved, now).is_err(), || {
            format!("accepted {saved}")
        })
    });
}

/// Objects with the saved state's keys, each present or not, holding a
/// plausible or an arbitrary value.
fn state_like() -> impl Strategy<Value = Value> {
    let tree = prop_oneof![
        Just(json!("walk-fixture@2026-01-01.1")),
        Just(json!("walk-fixture@2026-01-01.0")),
        json_scalar(),
    ];
    let trail = prop_oneof![
        Just(json!("")),
        Just(json!("0.1.n")),
        Just(json!("0.1.y")),
        "[0-9ynsm.]{0,12}".prop_map(Value::from),
        json_scalar(),
    ];
    let saved_at = prop_oneof![
        (0..=MAX_AGE_MS * 2).prop_map(|d| json!(NOW - MAX_AGE_MS + d)),
        json_number(),
        json_scalar(),
    ];
    let size = prop_oneof![Just(Value::Null), json_number(), json_scalar()];
    let version = prop_oneof![Just(json!(1)), json_number(), json_scalar()];
    (
        prop::option::weighted(0.9, version),
        prop::option::weighted(0.9, tree),
        prop::option::weighted(0.9, trail),
        prop::option::weighted(0.6, size),
        prop::option::weighted(0.9, saved_at),
        prop::option::weighted(0.1, (hostile_string(6), json_scalar())),
    )
        .prop_map(|(v, tree, trail, size, saved_at, extra)| {
            let mut state = Map::new();
            for (key, value) in [
                ("v", v),
                ("tree", tree),
                ("trail", trail),
                ("backup_size_gb", size),
                ("saved_at_ms", saved_at),
            ] {
                if let Some(value) = value {
                    state.insert(key.to_owned(), value);
                }
            }
            if let Some((key, value)) = extra {
                state.insert(key, value);
            }
            Value::Object(state)
        })
}

#[test]
fn state_like_json_is_restored_only_when_it_fits() {
    check("state_like", 1, state_like(), |value| {
        check_restore(&walk_tree(), &value.to_string(), NOW)
    });
}

/// A real saved walk with one field replaced, or its text cut or grown.
#[derive(Debug, Clone)]
enum Tamper {
    Field(Index, Value),
    Drop(Index),
    Cut(Index),
    Append(String),
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        (any::<Index>(), prop_oneof![json_scalar(), json_value()])
            .prop_map(|(i, v)| Tamper::Field(i, v)),
        any::<Index>().prop_map(Tamper::Drop),
        any::<Index>().prop_map(Tamper::Cut),
        hostile_string(8).prop_map(Tamper::Append),
    ]
}

#[test]
fn tampered_saves_are_restored_only_when_they_fit() {
    let strategy = (
        prop::collection::vec(any::<u16>(), 0..12),
        prop::option::of(0.001f64..10_000.0),
        tamper(),
        0..MAX_AGE_MS * 2,
    );
    check("tampered", 1, strategy, |(selectors, size, tamper, age)| {
        let tree = walk_tree();
        let mut session = walk(&tree, &selectors);
        session
            .set_backup_size_gb(size)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let saved = session.to_saved(&tree, NOW);
        let keys = ["v", "tree", "trail", "backup_size_gb", "saved_at_ms"];
        let tampered = match tamper {
            Tamper::Field(at, value) => {
                let mut state: Value = serde_json::from_str(&saved).unwrap_or_default();
                state[keys[at.index(keys.len())]] = value;
                state.to_string()
            }
            Tamper::Drop(at) => {
                let mut state: Value = serde_json::from_str(&saved).unwrap_or_default();
                if let Some(o) = state.as_object_mut() {
                    o.remove(keys[at.index(keys.len())]);
                }
                state.to_string()
            }
            Tamper::Cut(at) => saved.chars().take(at.index(saved.len())).collect(),
            Tamper::Append(text) => format!("{saved}{text}"),
        };
        check_restore(&tree, &tampered, NOW + age)
    });
}

/// The same steps and the same backup size, up to the last bit: serde_json
/// (without its `float_roundtrip` feature, which the widget's size budget
/// does without) may read a 17-digit size back one unit in the last place
/// off, e.g. 4.0117121639455484e307 as 4.011712163945549e307.
fn same_walk(a: &Session, b: &Session) -> bool {
    let size = match (a.backup_size_gb(), b.backup_size_gb()) {
        (Some(x), Some(y)) => (x - y).abs() <= x.abs().max(y.abs()) * 4.0 * f64::EPSILON,
        (x, y) => x == y,
    };
    size && a.steps() == b.steps() && a.current() == b.current()
}

#[test]
fn saved_walks_come_back_unchanged() {
    let strategy = (
        prop::collection::vec(any::<u16>(), 0..12),
        prop::option::of(prop_oneof![
            0.001f64..10_000.0,
            (f64::MIN_POSITIVE..f64::MAX)
        ]),
        any::<u64>(),
        0..=MAX_AGE_MS,
        any::<bool>(),
    );
    check(
        "round_trip",
        1,
        strategy,
        |(selectors, size, saved_at, age, forward)| {
            let tree = walk_tree();
            let mut session = walk(&tree, &selectors);
            session
                .set_backup_size_gb(size)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let saved = session.to_saved(&tree, saved_at);
            let now = if forward {
                saved_at.saturating_add(age)
            } else {
                saved_at.saturating_sub(age)
            };
            let back = Session::from_saved(&tree, &saved, now);
            ensure(back.as_ref().is_ok_and(|b| same_walk(b, &session)), || {
                format!("{saved} restored at {now} as {back:?}")
            })?;
            // One millisecond past 30 days is too old.
            let late = saved_at.checked_add(MAX_AGE_MS + 1);
            if let Some(late) = late {
                let stale = Session::from_saved(&tree, &saved, late);
                ensure(matches!(stale, Err(RestoreError::Expired { .. })), || {
                    format!("{saved} restored at {late}: {stale:?}")
                })?;
            }
            Ok(())
        },
    );
}

#[test]
fn huge_saves_are_refused() {
    let strategy = (0usize..4, 100_000usize..1_000_000);
    check("huge", 16, strategy, |(shape, bytes)| {
        let saved = match shape {
            0 => "[".repeat(bytes),
            1 => format!(
                r#"{{"v":1,"tree":"walk-fixture@2026-01-01.1","trail":"{}","saved_at_ms":{NOW}}}"#,
                "0.".repeat(bytes / 2)
            ),
            2 => format!(r#"{{"v":1,"tree":"{}"}}"#, "x".repeat(bytes)),
            _ => format!("{{\"v\":{}}}", "9".repeat(bytes)),
        };
        let tree = walk_tree();
        ensure(Session::from_saved(&tree, &saved, NOW).is_err(), || {
            format!("accepted a {}-byte state", saved.len())
        })
    });
}
