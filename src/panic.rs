//! A panic must never leave a frozen or blank widget: the hook replaces every
//! widget root on the page with a readable error panel and a reload button.
//!
//! The release build aborts on panic, so this hook is the last code that
//! runs; it uses only the DOM API (text nodes, never HTML strings).

use std::cell::RefCell;
use std::panic::PanicHookInfo;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Marks an element that holds a widget, so the hook can find it.
pub const ROOT_ATTR: &str = "data-backup-doctor-root";

thread_local! {
    /// Mount points the hook cannot find by selector (inside shadow roots).
    static ROOTS: RefCell<Vec<web_sys::Element>> = const { RefCell::new(Vec::new()) };
}

/// Remembers a mount point, so a panic replaces its content too.
pub fn register_root(root: &web_sys::Element) {
    ROOTS.with(|r| r.borrow_mut().push(root.clone()));
}

/// Installs the hook; later calls are harmless. It goes through Yew, whose
/// renderer would otherwise replace any hook with its own console logger.
pub fn install_hook() {
    yew::set_custom_panic_hook(Box::new(show_panel));
}

fn show_panel(info: &PanicHookInfo<'_>) {
    let detail = info.to_string();
    web_sys::console::error_1(&JsValue::from_str(&format!(
        "backup-doctor crashed: {detail}"
    )));
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let mut roots: Vec<web_sys::Element> = ROOTS.with(|r| r.borrow().clone());
    if let Ok(found) = document.query_selector_all(&format!("[{ROOT_ATTR}]")) {
        roots.extend((0..found.length()).filter_map(|i| found.get(i)?.dyn_into().ok()));
    }
    for root in roots.iter().filter(|r| r.is_connected()) {
        let _ = render_panel(&document, root, &detail);
    }
}

fn render_panel(
    document: &web_sys::Document,
    root: &web_sys::Element,
    detail: &str,
) -> Result<(), JsValue> {
    // The widget's language: on its root (the standalone page), or on the
    // widget inside it (a mount point of embed.js holds the widget).
    let lang = root
        .get_attribute("lang")
        .or_else(|| {
            root.query_selector("[lang]")
                .ok()
                .flatten()?
                .get_attribute("lang")
        })
        .unwrap_or_default();
    // Compiled in for every language: no table need have arrived.
    let m = crate::messages::basics(&lang);
    root.set_text_content(None);
    let panel = document.create_element("section")?;
    panel.set_class_name("bd-crash");
    panel.set_attribute("lang", m.code)?;
    panel.set_attribute("dir", m.direction)?;
    panel.set_attribute("role", "alert")?;
    let heading = document.create_element("h2")?;
    heading.set_text_content(Some(m.crash_heading));
    let text = document.create_element("p")?;
    text.set_text_content(Some(m.crash_text));
    let button = document.create_element("button")?;
    button.set_attribute("type", "button")?;
    button.set_class_name("bd-button bd-primary");
    button.set_text_content(Some(m.crash_reload));
    let reload = Closure::<dyn Fn()>::new(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref())?;
    // The page is about to be reloaded or left; the listener lives as long.
    reload.forget();
    let details = document.create_element("details")?;
    let summary = document.create_element("summary")?;
    summary.set_text_content(Some(m.crash_details));
    let pre = document.create_element("pre")?;
    pre.set_text_content(Some(detail));
    details.append_child(&summary)?;
    details.append_child(&pre)?;
    for child in [&heading, &text, &button, &details] {
        panel.append_child(child)?;
    }
    root.append_child(&panel)?;
    Ok(())
}

/// Panics on purpose. It exists so that a browser test can prove that a
/// crash shows the error panel rather than a frozen widget
/// (`e2e/hardening.test.mjs`); nothing in the widget calls it.
#[wasm_bindgen(js_name = __backupDoctorCrashTest)]
pub fn crash_test() {
    panic!("crash test: a panic on purpose");
}
