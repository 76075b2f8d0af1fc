//! The insights glue in a real browser: with `insights` set, the
//! troubleshooter hands each new step, its end and leaving to
//! `navigator.sendBeacon` (or, when that refuses, to a `fetch` with
//! `keepalive`), never twice, and nothing once unmounted; without it,
//! nothing at all. The browser's `sendBeacon` and `fetch` are replaced by
//! recorders for the test.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use backup_doctor::components::troubleshooter::{Troubleshooter, TroubleshooterProps};
use backup_doctor::state::SharedTree;
use backup_doctor_core::tree::Tree;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const TREE: &str = r#"{
  "format": 1, "id": "browser-test", "revision": "1", "langs": ["en"], "start": "phone",
  "nodes": [
    {"id": "phone", "type": "question", "title": {"en": "Which phone?"}, "fact": "symptom",
     "answers": [{"label": {"en": "Android"}, "next": "restart"}, {"label": {"en": "iPhone"}, "next": "restart"}]},
    {"id": "restart", "type": "fix", "title": {"en": "Restart your phone"},
     "fixed": "done", "next": "help"},
    {"id": "done", "type": "outcome", "outcome": "resolved", "title": {"en": "Your backup works"}},
    {"id": "help", "type": "outcome", "outcome": "escalate", "title": {"en": "Ask WhatsApp support"}}
  ]
}"#;

const COLLECTOR: &str = "https://collector.invalid/base";

fn run(js: &str) -> JsValue {
    js_sys::Function::new_no_args(js)
        .call0(&JsValue::NULL)
        .expect("the script runs")
}

/// Replaces `sendBeacon` (answering `accept`) and `fetch` with recorders.
fn record(accept: bool) {
    run(&format!(
        "window.__sent = [];
         navigator.sendBeacon = (url, body) => {{ window.__sent.push({{via: 'beacon', url, body}}); return {accept}; }};
         window.__fetch ??= window.fetch;
         window.fetch = (url, init) => {{
           window.__sent.push({{via: 'fetch', url, body: init.body, keepalive: init.keepalive, mode: init.mode}});
           return Promise.resolve(new Response(null, {{status: 204}}));
         }};"
    ));
}

fn restore() {
    run("delete navigator.sendBeacon; if (window.__fetch) window.fetch = window.__fetch; delete document.hidden;");
}

/// What was sent since [`record`]: `(via, url, kind node, whole JSON)`.
fn sent() -> Vec<(String, String, String, serde_json::Value)> {
    let json = js_sys::JSON::stringify(&run("return window.__sent"))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    let list: Vec<serde_json::Value> = serde_json::from_str(&json).expect("a list");
    list.into_iter()
        .map(|entry| {
            let body: serde_json::Value =
                serde_json::from_str(entry["body"].as_str().expect("a string body")).expect("JSON");
            let what = format!(
                "{} {}",
                body["kind"].as_str().unwrap_or("?"),
                body["node"].as_str().unwrap_or("?")
            );
            (
                entry["via"].as_str().unwrap_or("?").to_owned(),
                entry["url"].as_str().unwrap_or("?").to_owned(),
                what,
                entry,
            )
        })
        .collect()
}

fn kinds() -> Vec<String> {
    sent().into_iter().map(|(_, _, what, _)| what).collect()
}

fn fresh_root() -> Element {
    let window = web_sys::window().expect("a window");
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.clear();
    }
    let _ = window
        .history()
        .and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some("#")));
    let document = window.document().expect("a document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    root
}

async fn mount(root: &Element, insights: Option<&str>) -> yew::AppHandle<Troubleshooter> {
    let tree = Tree::from_json(TREE).expect("the test tree is valid");
    let props = TroubleshooterProps {
        tree: SharedTree(Rc::new(tree)),
        endpoint: "".into(),
        use_link: true,
        insights: insights.map(|s| s.to_owned().into()),
    };
    let handle = yew::Renderer::<Troubleshooter>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    handle
}

async fn click(root: &Element, label: &str) {
    let buttons = root.query_selector_all("button").expect("buttons");
    for i in 0..buttons.length() {
        let Some(b) = buttons
            .get(i)
            .and_then(|n| n.dyn_into::<HtmlElement>().ok())
        else {
            continue;
        };
        if b.text_content().as_deref() == Some(label) {
            b.click();
            yew::scheduler::flush().await;
            return;
        }
    }
    panic!("no button {label:?} in {}", root.inner_html());
}

fn close_page() {
    run("window.dispatchEvent(new Event('pagehide'))");
}

fn heading(root: &Element) -> String {
    root.query_selector(".bd-step h2")
        .ok()
        .flatten()
        .and_then(|h| h.text_content())
        .unwrap_or_default()
}

/// The person switches to another app (the phone's settings, WhatsApp).
fn hide_page() {
    run(
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true});
         document.dispatchEvent(new Event('visibilitychange'));
         delete document.hidden;",
    );
}

#[wasm_bindgen_test]
async fn each_new_step_its_end_and_leaving_go_to_send_beacon_once() {
    record(true);
    let root = fresh_root();
    let app = mount(&root, Some(COLLECTOR)).await;
    assert_eq!(kinds(), ["started phone", "step phone"]);
    click(&root, "Android").await;
    click(&root, "Back").await;
    click(&root, "Android").await;
    assert_eq!(kinds(), ["started phone", "step phone", "step restart"]);
    // Going to the phone's settings to do the step is not leaving.
    hide_page();
    assert_eq!(kinds().len(), 3, "{:?}", kinds());
    close_page();
    close_page();
    click(&root, "Yes, the backup works now").await;
    let all = sent();
    assert!(all
        .iter()
        .all(|(via, url, _, _)| via == "beacon"
            && url == "https://collector.invalid/base/__insights"));
    assert_eq!(
        kinds(),
        [
            "started phone",
            "step phone",
            "step restart",
            "left restart",
            "step done",
            "fixed-by restart",
            "outcome done"
        ]
    );
    let end: serde_json::Value =
        serde_json::from_str(all[6].3["body"].as_str().unwrap_or_default()).expect("JSON");
    assert_eq!(
        end,
        serde_json::json!({"v": 1, "tree": "browser-test", "revision": "1", "lang": "en",
                           "kind": "outcome", "node": "done", "symptom": "phone:0", "outcome": "resolved"})
    );
    // "Start over" after the end is a new walk; its Undo returns to the
    // ended one, which is not counted again.
    click(&root, "Start over").await;
    assert_eq!(kinds()[7..], ["started phone", "step phone"]);
    click(&root, "Undo").await;
    assert_eq!(heading(&root), "Your backup works");
    // After the end, closing the page is not leaving; once unmounted, nothing.
    close_page();
    app.destroy();
    close_page();
    assert_eq!(kinds().len(), 9, "{:?}", kinds());
    restore();
}

#[wasm_bindgen_test]
async fn a_refused_beacon_goes_by_fetch_with_keepalive() {
    record(false);
    let root = fresh_root();
    let app = mount(&root, Some(COLLECTOR)).await;
    let all = sent();
    let fetched: Vec<_> = all.iter().filter(|(via, _, _, _)| via == "fetch").collect();
    assert_eq!(fetched.len(), 2, "{all:?}");
    for (_, url, _, entry) in fetched {
        assert_eq!(url, "https://collector.invalid/base/__insights");
        assert_eq!(entry["keepalive"], serde_json::json!(true));
        assert_eq!(entry["mode"], serde_json::json!("no-cors"));
    }
    app.destroy();
    restore();
}

#[wasm_bindgen_test]
async fn without_insights_nothing_is_sent() {
    record(true);
    let root = fresh_root();
    let app = mount(&root, None).await;
    click(&root, "iPhone").await;
    hide_page();
    click(&root, "No, still stuck").await;
    run("window.dispatchEvent(new Event('pagehide'))");
    assert_eq!(kinds(), Vec::<String>::new());
    app.destroy();
    restore();
}
