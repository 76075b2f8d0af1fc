//! Sends an insights beacon (`backup_doctor_core::insights`) to
//! `{insights}/__insights`: `navigator.sendBeacon` with the JSON as a plain
//! string body (a "simple" request: no preflight, no cookies read by the
//! collector), else a `fetch` with `keepalive` in `no-cors` mode, which
//! also outlives the page. Failures are ignored: counting must never break
//! the widget, and nothing waits for an answer.

use backup_doctor_core::insights::Beacon;
use wasm_bindgen::JsValue;
use web_sys::{RequestInit, RequestMode};

/// Where the collector takes beacons, for its base URL (no trailing `/`).
pub fn endpoint(base: &str) -> String {
    format!("{base}/__insights")
}

/// Sends `beacon` to the collector at `base`.
pub fn send(base: &str, beacon: &Beacon) {
    let url = endpoint(base);
    let body = beacon.to_json();
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let has_beacon = js_sys::Reflect::get(&navigator, &JsValue::from_str("sendBeacon"))
        .map(|f| f.is_function())
        .unwrap_or(false);
    if has_beacon && navigator.send_beacon_with_opt_str(&url, Some(&body)) == Ok(true) {
        return;
    }
    // The browser has no sendBeacon, or refused to queue this one.
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    init.set_mode(RequestMode::NoCors);
    let _ = js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE);
    let sent = window.fetch_with_str_and_init(&url, &init);
    // Nothing waits for the collector; a refusal is only swallowed.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(sent).await;
    });
}
