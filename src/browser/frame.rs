//! Iframe mode: when the standalone page runs inside another page's
//! iframe, it tells the parent its content height (so the parent's snippet
//! can size the iframe) and forwards the widget's events, as
//! `{source: "backup-doctor", type, detail}` messages.

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, ResizeObserver};

thread_local! {
    /// Set once at start-up by the standalone page when it is framed.
    static FRAMED: Cell<bool> = const { Cell::new(false) };
}

/// Whether this page is inside another page's frame.
pub fn is_framed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    match window.parent() {
        Ok(Some(parent)) => !js_sys::Object::is(&parent, &window),
        _ => false,
    }
}

/// Turns on iframe mode: messages to the parent from now on.
pub fn enable() {
    FRAMED.with(|f| f.set(true));
}

/// Posts `{source: "backup-doctor", type, detail}` to the parent, in iframe
/// mode only. The message carries no secrets (it is what the host's
/// analytics may see), so any parent origin may receive it; the parent
/// checks `event.origin` and `event.source`.
pub fn post(kind: &str, detail: &JsValue) {
    if !FRAMED.with(Cell::get) {
        return;
    }
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    let message = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&message, &JsValue::from_str(k), v);
    if set("source", &JsValue::from_str("backup-doctor")).is_err()
        || set("type", &JsValue::from_str(kind)).is_err()
        || set("detail", detail).is_err()
    {
        return;
    }
    let _ = parent.post_message(&message, "*");
}

/// Reports `el`'s height to the parent now and whenever it changes.
pub fn report_height(el: &Element) {
    let send = |el: &Element| {
        let height = el.get_bounding_client_rect().height().ceil();
        let detail = js_sys::Object::new();
        let _ = js_sys::Reflect::set(
            &detail,
            &JsValue::from_str("height"),
            &JsValue::from_f64(height),
        );
        post("resize", &detail);
    };
    send(el);
    let target = el.clone();
    let callback = Closure::<dyn Fn()>::new(move || send(&target));
    if let Ok(observer) = ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(el);
    }
    // The observer lives as long as the page.
    callback.forget();
}
