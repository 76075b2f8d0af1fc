//! backup-doctor: an embeddable troubleshooter for a WhatsApp chat backup
//! stuck "in progress", as Yew components over the pure core
//! (`backup_doctor_core`).
//!
//! The crate is a library so that browser tests can mount its components;
//! `main.rs` is the standalone page that Trunk builds.

pub mod app;
pub mod browser;
pub mod chunks;
pub mod components;
pub mod embed;
pub mod messages;
pub mod panic;
pub mod remember;
pub mod reporting;
pub mod state;
pub mod words;

use backup_doctor_core::config::Config;
use yew::AttrValue;

pub use app::{App, AppProps};

/// The built-in tree's English (see `build.rs`), compiled in so the first
/// step needs no extra request: checked at build, packed
/// (`backup_doctor_core::tree::packed`).
pub const DEFAULT_TREE_EN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/default.en.packed"));

/// The same tree as JSON, for the studio, which edits it.
pub const DEFAULT_TREE_EN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default.en.json"));

/// The built-in tree in English and one other language, relative to the
/// widget's files: `trees/default.{lang}.json` (`tools/split-tree.mjs`
/// writes one per language at build; `trees/default.json` has them all).
pub fn default_tree_path(lang: &str) -> String {
    format!("trees/default.{lang}.json")
}

/// The widget's version, in its markup (`data-version`) and in the support
/// summary.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Marks the standalone page's mount point (`index.html`). Without it the
/// module does nothing at start-up: in script mode `embed.js` calls
/// [`embed::mount`] instead.
pub const STANDALONE_ATTR: &str = "data-backup-doctor-standalone";

/// Boots the standalone page: configuration from the URL query, the widget
/// in the element marked [`STANDALONE_ATTR`]. Inside an iframe it also
/// reports its height and forwards its events to the parent.
pub fn start_standalone() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(Some(root)) = document.query_selector(&format!("[{STANDALONE_ATTR}]")) else {
        return;
    };
    let pairs = browser::location::query_pairs();
    let (config, problems) =
        Config::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    root.set_text_content(None);
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            config,
            problems,
            standalone: true,
            asset_base: AttrValue::default(),
        },
    )
    .render();
    if browser::frame::is_framed() {
        browser::frame::enable();
        browser::frame::report_height(&root);
    }
}
