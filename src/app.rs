//! The widget's root: shows configuration notices, loads the tree (the
//! built-in one, or an author's by URL) and hands a valid tree to the
//! troubleshooter, or shows in words why it cannot.
//!
//! English is compiled in, the widget's words and the built-in tree's. For
//! another language the widget fetches its words (`words/{lang}.json`) and
//! the built-in tree's part (`trees/default.{lang}.json`) beside the
//! widget's files, at once, so only the people who read a language download
//! it. If either fails, everything is shown in English, with a notice in
//! the person's language.

use std::rc::Rc;

use backup_doctor_core::config::{direction, supported_lang, Config, ConfigProblem};
use backup_doctor_core::tree::{packed, TreeErrors, MAX_TREE_BYTES};
use yew::prelude::*;

use crate::browser::fetch::{self, FetchError};
use crate::chunks::{self, Lazy, Reader};
use crate::components::problems::FetchProblem;
use crate::components::troubleshooter::Troubleshooter;
use crate::messages::{self, basics, Locale, LocaleProvider, Messages, EN};
use crate::state::SharedTree;
use crate::words::config_problem;
use crate::{default_tree_path, DEFAULT_TREE_EN};

/// How long an author's tree may take to arrive.
const TREE_TIMEOUT_MS: u32 = 15_000;

#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    pub config: Config,
    /// Settings that could not be used; shown above the widget.
    #[prop_or_default]
    pub problems: Vec<ConfigProblem>,
    /// The standalone page (it owns the URL, so the step goes in the
    /// fragment); `false` when embedded in a host page.
    #[prop_or(true)]
    pub standalone: bool,
    /// Where the widget's own files are (ends with `/`); "" means next to
    /// the page, as for the standalone page.
    #[prop_or_default]
    pub asset_base: AttrValue,
}

/// Where the tree is in its life.
#[derive(Clone, PartialEq)]
enum TreeLoad {
    Loading,
    Ready(SharedTree),
    FetchFailed(FetchError),
    Invalid(Rc<TreeErrors>),
    /// The reader's chunk, which reads a fetched tree, could not be had.
    ReaderUnavailable,
}

/// The built-in tree in English: compiled in packed, checked at build.
fn builtin_english() -> TreeLoad {
    match packed::unpack(DEFAULT_TREE_EN) {
        Some(tree) => TreeLoad::Ready(SharedTree(Rc::new(tree))),
        // Not reached: build.rs unpacks what it packs.
        None => TreeLoad::ReaderUnavailable,
    }
}

/// A fetched tree file, read and checked in the reader's chunk.
async fn read(json: &str) -> TreeLoad {
    match chunks::load::<Reader>().await {
        Ok(reader) => match (reader.tree)(json) {
            Ok(tree) => TreeLoad::Ready(SharedTree(Rc::new(tree))),
            Err(errors) => TreeLoad::Invalid(Rc::new(errors)),
        },
        Err(_) => TreeLoad::ReaderUnavailable,
    }
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let asked = resolve_lang(&props.config);
    let basics = basics(&asked);
    // The widget's words: `None` while they are fetched.
    let words = use_state(|| Messages::loaded(&asked));
    let attempt = use_state(|| 0u32);
    let builtin = props.config.tree.is_none();
    let url = match &props.config.tree {
        Some(url) => Some(url.clone()),
        None => {
            (asked != "en").then(|| format!("{}{}", props.asset_base, default_tree_path(&asked)))
        }
    };
    let english_only = use_state(|| false);
    // Set when the words could not be had: the built-in tree is then shown
    // in English too, even if its part arrives later.
    let fell_back = use_mut_ref(|| false);
    let load = use_state(|| match url {
        None => builtin_english(),
        Some(_) => TreeLoad::Loading,
    });
    {
        let words = words.clone();
        let english_only = english_only.clone();
        let fell_back = fell_back.clone();
        let load = load.clone();
        let asset_base = props.asset_base.clone();
        use_effect_with(asked.clone(), move |asked| {
            if words.is_none() {
                let asked = asked.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match messages::load(&asset_base, &asked).await {
                        Ok(table) => words.set(Some(table)),
                        Err(_) => {
                            *fell_back.borrow_mut() = true;
                            english_only.set(true);
                            if builtin {
                                load.set(builtin_english());
                            }
                            words.set(Some(&EN));
                        }
                    }
                });
            }
        });
    }
    {
        let load = load.clone();
        let english_only = english_only.clone();
        let fell_back = fell_back.clone();
        use_effect_with((url, *attempt), move |(url, _)| {
            if let Some(url) = url.clone() {
                load.set(TreeLoad::Loading);
                wasm_bindgen_futures::spawn_local(async move {
                    let fetched = fetch::text_capped(&url, MAX_TREE_BYTES, TREE_TIMEOUT_MS).await;
                    let tree = match fetched {
                        Ok(_) if builtin && *fell_back.borrow() => builtin_english(),
                        Ok(json) => read(&json).await,
                        Err(e) => TreeLoad::FetchFailed(e),
                    };
                    load.set(match tree {
                        // The built-in steps exist in English in any case.
                        TreeLoad::FetchFailed(_) | TreeLoad::ReaderUnavailable if builtin => {
                            english_only.set(true);
                            builtin_english()
                        }
                        tree => tree,
                    });
                });
            }
        });
    }
    let messages = words.unwrap_or(&EN);
    let lang = match *words {
        Some(table) => table.code.to_owned(),
        None => basics.code.to_owned(),
    };
    {
        // The standalone page is the widget: its <html> speaks the widget's
        // language (screen readers pick their voice from it).
        let standalone = props.standalone;
        use_effect_with(lang.clone(), move |lang| {
            let html = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element());
            if let (true, Some(html)) = (standalone, html) {
                let _ = html.set_attribute("lang", lang);
                let _ = html.set_attribute("dir", direction(lang));
            }
        });
        // ...and its theme: the page around the card follows it too.
        let theme = props.config.theme.as_str();
        use_effect_with(theme, move |theme| {
            let html = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element());
            if let (true, Some(html)) = (standalone, html) {
                let _ = html.set_attribute("data-theme", theme);
            }
        });
    }
    let root = use_node_ref();
    let scheme = crate::browser::scheme::use_scheme(props.config.theme, root.clone());
    let on_retry = {
        let attempt = attempt.clone();
        Callback::from(move |_| attempt.set(*attempt + 1))
    };

    let body = match &*load {
        _ if words.is_none() => {
            html! { <p class="bd-loading" role="status">{ basics.loading_tree }</p> }
        }
        TreeLoad::Loading => {
            html! { <p class="bd-loading" role="status">{ messages.loading_tree }</p> }
        }
        TreeLoad::Ready(tree) => {
            html! {
                <Troubleshooter tree={tree.clone()}
                                endpoint={props.config.speedtest.clone().unwrap_or_default()}
                                use_link={props.standalone}
                                insights={props.config.insights.clone().map(AttrValue::from)} />
            }
        }
        TreeLoad::FetchFailed(error) => html! {
            <FetchProblem error={error.clone()} {on_retry} />
        },
        // The reader that found them draws them.
        TreeLoad::Invalid(errors) => html! { <Lazy<Reader> errors={errors.clone()} /> },
        TreeLoad::ReaderUnavailable => chunks::unavailable(messages, on_retry.clone()),
    };
    html! {
        <LocaleProvider locale={Locale(messages)}>
        <div class="bd-widget" ref={root} data-theme={props.config.theme.as_str()} data-scheme={scheme.as_str()}
             lang={lang.clone()} dir={direction(&lang)}
             data-backup-doctor-root="" data-version={crate::VERSION}>
            // `data-backup-doctor-root`: the crash panel goes here (embed/startup.js's showCrash).
            // The version is for support (markup and summary), not for people.
            <header class="bd-header">
                <p class="bd-brand">{ if words.is_some() { messages.brand } else { basics.brand } }</p>
            </header>
            if *english_only {
                <p class="bd-notice" role="status" lang={basics.code} dir={basics.direction}>
                    { basics.translation_unavailable }
                </p>
            }
            if words.is_some() && !props.problems.is_empty() {
                <aside class="bd-notice">
                    <p>{ messages.settings_notice }</p>
                    <ul>{ for props.problems.iter().map(|p| html! { <li>{ config_problem(messages, p) }</li> }) }</ul>
                </aside>
            }
            { body }
        </div>
        </LocaleProvider>
    }
}

/// The widget's language: the one asked for, else the browser's first
/// supported one, else English.
pub fn resolve_lang(config: &Config) -> String {
    config
        .lang
        .clone()
        .or_else(browser_lang)
        .unwrap_or_else(|| "en".to_owned())
}

/// The first of the browser's preferred languages the widget supports.
fn browser_lang() -> Option<String> {
    let navigator = web_sys::window()?.navigator();
    navigator
        .languages()
        .iter()
        .filter_map(|l| l.as_string())
        .find_map(|l| supported_lang(&l))
}
