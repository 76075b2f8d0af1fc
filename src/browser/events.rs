//! Events for the host page (analytics): bubbling, composed `CustomEvent`s
//! named `backup-doctor:*` with a JSON-shaped `detail`; in iframe mode the
//! same go to the parent page as messages.

use serde::Serialize;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, Element};

/// Dispatches `backup-doctor:{kind}` from `target` with `detail`. Failures
/// are ignored: analytics must never break the widget.
pub fn emit(target: &Element, kind: &str, detail: &impl Serialize) {
    let detail = serde_json::to_string(detail)
        .ok()
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .unwrap_or(JsValue::NULL);
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    let name = format!("backup-doctor:{kind}");
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&name, &init) {
        let _ = target.dispatch_event(&event);
    }
    super::frame::post(&name, &detail);
}
