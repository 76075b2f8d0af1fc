//! The troubleshooter in a real browser: a step renders, answering moves on,
//! back returns, a warning step needs its confirmation, and progress is
//! remembered across a remount (a reload).
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use backup_doctor::components::troubleshooter::{Troubleshooter, TroubleshooterProps};
use backup_doctor::state::SharedTree;
use backup_doctor_core::tree::Tree;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const TREE: &str = r#"{
  "format": 1, "id": "browser-test", "revision": "1", "langs": ["en"], "start": "phone",
  "nodes": [
    {"id": "phone", "type": "question", "title": {"en": "Which phone?"}, "fact": "platform",
     "answers": [{"label": {"en": "Android"}, "next": "restart"}, {"label": {"en": "iPhone"}, "next": "restart"}]},
    {"id": "restart", "type": "fix", "title": {"en": "Restart your phone"},
     "body": {"en": "Hold the **power** button. <script>alert(1)</script>"},
     "fixed": "done", "next": "reinstall"},
    {"id": "reinstall", "type": "fix", "title": {"en": "Reinstall WhatsApp"},
     "body": {"en": "Delete the app, then install it again."},
     "warning": {"en": "Everything since the last backup is lost."},
     "confirm": {"en": "I understand, show me how"},
     "fixed": "done", "next": "help"},
    {"id": "done", "type": "outcome", "outcome": "resolved", "title": {"en": "Your backup works"}},
    {"id": "help", "type": "outcome", "outcome": "escalate", "title": {"en": "Ask WhatsApp support"}}
  ]
}"#;

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// A fresh container and a clean slate (no saved progress, no fragment).
fn fresh_root() -> Element {
    let window = web_sys::window().expect("a window");
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.clear();
    }
    let _ = window
        .history()
        .and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("#")));
    let root = document().create_element("div").expect("a div");
    document()
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    root
}

async fn mount(root: &Element) -> yew::AppHandle<Troubleshooter> {
    let tree = Tree::from_json(TREE).expect("the test tree is valid");
    let props = TroubleshooterProps {
        tree: SharedTree(Rc::new(tree)),
        endpoint: "".into(),
        use_link: true,
        insights: None,
    };
    let handle = yew::Renderer::<Troubleshooter>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    handle
}

fn heading(root: &Element) -> String {
    root.query_selector(".bd-step h2")
        .ok()
        .flatten()
        .and_then(|h| h.text_content())
        .unwrap_or_default()
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

#[wasm_bindgen_test]
async fn renders_the_first_step_and_answers_move_on() {
    let root = fresh_root();
    let _app = mount(&root).await;
    assert_eq!(heading(&root), "Which phone?");
    click(&root, "Android").await;
    assert_eq!(heading(&root), "Restart your phone");
    // Author text is text: the markup became <strong>, the tag stayed text.
    let body = root.query_selector(".bd-step").unwrap().unwrap();
    assert_eq!(
        body.query_selector("strong")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "power"
    );
    assert!(body.query_selector("script").unwrap().is_none());
    assert!(body
        .text_content()
        .unwrap()
        .contains("<script>alert(1)</script>"));
    click(&root, "Yes, the backup works now").await;
    assert_eq!(heading(&root), "Your backup works");
    assert!(root
        .query_selector(".bd-fixed-by")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap()
        .contains("Restart your phone"));
}

#[wasm_bindgen_test]
async fn back_returns_to_the_previous_step() {
    let root = fresh_root();
    let _app = mount(&root).await;
    click(&root, "iPhone").await;
    click(&root, "No, still stuck").await;
    assert_eq!(heading(&root), "Reinstall WhatsApp");
    click(&root, "Back").await;
    assert_eq!(heading(&root), "Restart your phone");
    click(&root, "Back").await;
    assert_eq!(heading(&root), "Which phone?");
}

#[wasm_bindgen_test]
async fn a_warning_step_needs_confirmation_before_its_answers() {
    let root = fresh_root();
    let _app = mount(&root).await;
    click(&root, "Android").await;
    click(&root, "No, still stuck").await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Everything since the last backup is lost."));
    assert!(
        !text.contains("Delete the app"),
        "instructions wait for the confirmation"
    );
    assert!(!text.contains("No, still stuck"));
    click(&root, "I understand, show me how").await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Delete the app"));
    click(&root, "No, still stuck").await;
    assert_eq!(heading(&root), "Ask WhatsApp support");
    let summary = root
        .query_selector(".bd-summary textarea")
        .unwrap()
        .unwrap();
    let summary = summary
        .dyn_into::<web_sys::HtmlTextAreaElement>()
        .unwrap()
        .value();
    assert!(summary.contains("Android"), "{summary}");
    assert!(summary.contains("Restart your phone"), "{summary}");
}

#[wasm_bindgen_test]
async fn skipping_a_warning_step_moves_on_without_confirming() {
    let root = fresh_root();
    let _app = mount(&root).await;
    click(&root, "Android").await;
    click(&root, "No, still stuck").await;
    click(&root, "Skip this step").await;
    assert_eq!(heading(&root), "Ask WhatsApp support");
}

#[wasm_bindgen_test]
async fn a_remount_resumes_at_the_same_step() {
    let root = fresh_root();
    let app = mount(&root).await;
    click(&root, "Android").await;
    click(&root, "No, still stuck").await;
    app.destroy();
    // Same storage, no link: as after a phone restart.
    let _ = web_sys::window()
        .unwrap()
        .history()
        .and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("#")));
    let again = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&again).unwrap();
    let _app = mount(&again).await;
    assert_eq!(heading(&again), "Reinstall WhatsApp");
    assert!(again.text_content().unwrap().contains("Welcome back"));
}
