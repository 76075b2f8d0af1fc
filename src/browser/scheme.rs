//! The colour scheme the widget shows: `light` or `dark` as configured, and
//! for `auto` the one its place in the page asks for (the computed
//! `color-scheme` the widget inherits, with the system's preference where
//! that allows both). Resolved here rather than by `light-dark()` in CSS
//! because the stylesheet is lowered for engines without `light-dark()`
//! (tools/lower-css.mjs), and a lowered sheet can only follow a
//! `color-scheme` it declares itself: the widget's `data-scheme` is that
//! declaration.

use backup_doctor_core::config::Theme;
use gloo::events::EventListener;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, MediaQueryList, MutationObserver, MutationObserverInit};
use yew::prelude::*;

/// What the widget draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Light,
    Dark,
}

impl Scheme {
    /// The `data-scheme` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }

    /// What a computed `color-scheme` value asks for: `dark` alone is dark,
    /// `light dark` follows the system (`system_dark`), anything else
    /// (`normal`, `light`, nothing) is light, as browsers draw it.
    pub fn from_color_scheme(value: &str, system_dark: bool) -> Self {
        let has = |word| value.split_whitespace().any(|w| w == word);
        match (has("light"), has("dark")) {
            (false, true) => Scheme::Dark,
            (true, true) if system_dark => Scheme::Dark,
            _ => Scheme::Light,
        }
    }
}

fn dark_query() -> Option<MediaQueryList> {
    web_sys::window()?
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
}

/// `theme` resolved for a widget inside `parent` (the page's root element
/// when `None`).
fn resolve(theme: Theme, parent: Option<Element>) -> Scheme {
    match theme {
        Theme::Light => Scheme::Light,
        Theme::Dark => Scheme::Dark,
        Theme::Auto => {
            let window = web_sys::window();
            let parent = parent.or_else(|| window.as_ref()?.document()?.document_element());
            let value = window
                .zip(parent)
                .and_then(|(w, p)| w.get_computed_style(&p).ok().flatten())
                .and_then(|style| style.get_property_value("color-scheme").ok())
                .unwrap_or_default();
            let system_dark = dark_query().is_some_and(|q| q.matches());
            Scheme::from_color_scheme(&value, system_dark)
        }
    }
}

/// Calls `update` whenever an attribute of the page's `<html>` or `<body>`
/// changes (a site's own dark-mode switch sets a class, a `data-` attribute
/// or a style there); stops when dropped.
struct PageWatch {
    observer: MutationObserver,
    _callback: Closure<dyn FnMut()>,
}

impl PageWatch {
    fn new(update: impl Fn() + 'static) -> Option<Self> {
        let document = web_sys::window()?.document()?;
        let callback = Closure::<dyn FnMut()>::new(update);
        let observer = MutationObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        let options = MutationObserverInit::new();
        options.set_attributes(true);
        for element in [document.document_element(), document.body().map(Into::into)]
            .into_iter()
            .flatten()
        {
            observer.observe_with_options(&element, &options).ok()?;
        }
        Some(PageWatch {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for PageWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// The scheme for the widget whose root element is `root`: first from the
/// page's root, then from the widget's own parent once it is in the page,
/// and again whenever the system's light or dark setting or the page's
/// `<html>` or `<body>` attributes change.
#[hook]
pub fn use_scheme(theme: Theme, root: NodeRef) -> Scheme {
    let scheme = use_state_eq(|| resolve(theme, None));
    {
        let scheme = scheme.clone();
        use_effect_with(theme, move |&theme| {
            let update = move || {
                let parent = root.cast::<Element>().and_then(|e| e.parent_element());
                scheme.set(resolve(theme, parent));
            };
            update();
            let watch = (theme == Theme::Auto).then(|| {
                let media = dark_query().map(|q| {
                    let update = update.clone();
                    EventListener::new(&q, "change", move |_| update())
                });
                (media, PageWatch::new(update))
            });
            move || drop(watch)
        });
    }
    *scheme
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_computed_color_scheme_resolves_as_browsers_draw_it() {
        for (value, system_dark, expected) in [
            ("normal", true, Scheme::Light),
            ("", true, Scheme::Light),
            ("light", true, Scheme::Light),
            ("only light", true, Scheme::Light),
            ("dark", false, Scheme::Dark),
            ("light dark", false, Scheme::Light),
            ("light dark", true, Scheme::Dark),
            ("dark light", true, Scheme::Dark),
        ] {
            assert_eq!(
                Scheme::from_color_scheme(value, system_dark),
                expected,
                "{value:?}, system dark {system_dark}"
            );
        }
    }
}
