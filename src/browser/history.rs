//! The walk in the browser's history (standalone page and iframe only): each
//! step forward is a history entry whose URL names it (`#step=…`), so the
//! browser's Back and the phone's back gesture go to the previous step and
//! Forward returns. The widget's own Back goes back through those entries
//! too, so the two never disagree. Each entry records how many of the
//! widget's entries lie below it; where there are too few (a walk restored
//! from storage, a changed answer), the current entry is rewritten instead.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsValue;

use crate::browser::location;

const DEPTH_KEY: &str = "backupDoctorDepth";

/// Keeps the history in step with the walk and reports Back and Forward.
pub struct StepHistory {
    /// The trail a `history.go` is on its way to: its `popstate` is ours.
    expected: Rc<RefCell<Option<String>>>,
    _listener: Option<EventListener>,
}

impl StepHistory {
    /// Listens for Back and Forward; `on_move` gets the trail they land on.
    pub fn new(on_move: impl Fn(String) + 'static) -> Self {
        let expected = Rc::new(RefCell::new(None::<String>));
        let listener = web_sys::window().map(|window| {
            let expected = expected.clone();
            EventListener::new(&window, "popstate", move |_| {
                let landed = location::fragment_trail().unwrap_or_default();
                match expected.borrow_mut().take() {
                    // Our own Back: if the entry is stale, it names the walk now.
                    Some(wanted) if wanted != landed => replace(&wanted, depth()),
                    Some(_) => {}
                    None => on_move(landed),
                }
            })
        });
        StepHistory {
            expected,
            _listener: listener,
        }
    }

    /// Records that the walk is now at `trail`: a step forward adds an
    /// entry, a step back goes back through the entries, anything else
    /// rewrites the current one.
    pub fn record(&self, trail: &str) {
        let shown = location::fragment_trail().unwrap_or_default();
        if shown == trail {
            return;
        }
        let depth = depth();
        if extends(trail, &shown) {
            push(trail, depth + 1);
        } else if extends(&shown, trail) {
            let back = steps(&shown) - steps(trail);
            if depth >= back {
                *self.expected.borrow_mut() = Some(trail.to_owned());
                if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                    let _ = history.go_with_delta(-(back as i32));
                }
            } else {
                replace(trail, depth);
            }
        } else {
            replace(trail, depth);
        }
    }
}

/// Whether `longer` is `shorter` with more steps after it.
fn extends(longer: &str, shorter: &str) -> bool {
    longer.len() > shorter.len()
        && (shorter.is_empty()
            || longer
                .strip_prefix(shorter)
                .is_some_and(|rest| rest.starts_with('.')))
}

fn steps(trail: &str) -> usize {
    if trail.is_empty() {
        0
    } else {
        trail.split('.').count()
    }
}

/// How many of the widget's entries lie below the current one.
fn depth() -> usize {
    let state = web_sys::window()
        .and_then(|w| w.history().ok())
        .and_then(|h| h.state().ok())
        .unwrap_or(JsValue::NULL);
    js_sys::Reflect::get(&state, &JsValue::from_str(DEPTH_KEY))
        .ok()
        .and_then(|v| v.as_f64())
        .map_or(0, |d| d.max(0.0) as usize)
}

fn state(depth: usize) -> JsValue {
    let object = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &object,
        &JsValue::from_str(DEPTH_KEY),
        &JsValue::from_f64(depth as f64),
    );
    object.into()
}

fn push(trail: &str, depth: usize) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.push_state_with_url(&state(depth), "", Some(&location::step_url(trail)));
    }
}

fn replace(trail: &str, depth: usize) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&state(depth), "", Some(&location::step_url(trail)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_trail_extends_its_prefixes_only() {
        assert!(extends("0.1", "0"));
        assert!(extends("0", ""));
        assert!(!extends("0.1", "0.1"));
        assert!(!extends("0.12", "0.1"));
        assert!(!extends("1.0", "0"));
        assert_eq!(steps(""), 0);
        assert_eq!(steps("0.1.n"), 3);
    }
}
