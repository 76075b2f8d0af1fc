//! backup-doctor: an embeddable troubleshooter for a WhatsApp chat backup
//! stuck "in progress", as Yew components over the pure core
//! (`backup_doctor_core`).
//!
//! The crate is a library so that browser tests can mount its components;
//! `main.rs` is the standalone page that Trunk builds.

pub mod app;
pub mod browser;
pub mod components;
pub mod messages;
pub mod panic;
pub mod state;

use backup_doctor_core::config::Config;

pub use app::{App, AppProps};

/// The built-in tree, compiled in so the first step needs no extra request.
pub const DEFAULT_TREE_JSON: &str = include_str!("../core/trees/default.json");

/// Boots the standalone page: configuration from the URL query, the widget
/// in `#backup-doctor` (or the body when the page lacks it).
pub fn start_standalone() {
    panic::install_hook();
    let pairs = browser::location::query_pairs();
    let (config, problems) =
        Config::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let root = document
        .get_element_by_id("backup-doctor")
        .or_else(|| document.body().map(Into::into));
    if let Some(root) = root {
        root.set_text_content(None);
        yew::Renderer::<App>::with_root_and_props(root, AppProps { config, problems }).render();
    }
}
