//! The widget's own words (not the tree's): buttons, headings, notices,
//! the support summary, every error a person reads.
//!
//! They live in `locales/*.json`, one file per language (the translators'
//! guide is `locales/README.md`), compiled at build time by
//! `build/locales.rs` into one `Messages` table per language: a missing key
//! or a wrong placeholder fails the build. A text with `{placeholders}` is a
//! method taking them by name; a plural is a method taking the count, its
//! form chosen by the browser's `Intl.PluralRules`. Numbers and durations
//! are worded by `Intl` too (see `browser::intl`).
//!
//! Components read the table with [`use_locale`], not from props.

use yew::prelude::*;

use crate::browser::intl::{number, plural_category};

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// A text with one form per CLDR plural category; `other` always exists.
#[derive(Debug, PartialEq, Eq)]
pub struct Plural {
    zero: Option<&'static str>,
    one: Option<&'static str>,
    two: Option<&'static str>,
    few: Option<&'static str>,
    many: Option<&'static str>,
    other: &'static str,
}

impl Plural {
    fn pick(&self, category: &str) -> &'static str {
        let form = match category {
            "zero" => self.zero,
            "one" => self.one,
            "two" => self.two,
            "few" => self.few,
            "many" => self.many,
            _ => None,
        };
        form.unwrap_or(self.other)
    }
}

/// Puts `values` into a template's `{name}`s (the build checked that each
/// language uses exactly these names).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

impl Messages {
    /// The table for a language code as `config::supported_lang` returns
    /// it; English for anything else.
    pub fn for_lang(lang: &str) -> &'static Messages {
        LANGUAGES
            .iter()
            .find(|m| m.code == lang)
            .copied()
            .unwrap_or(&EN)
    }

    /// `true` for a language written right to left.
    pub fn is_rtl(&self) -> bool {
        self.direction == "rtl"
    }
}

/// The person's language for every component below [`LocaleProvider`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Locale(pub &'static Messages);

impl Locale {
    /// The language code, for `lang=` and `Intl`.
    pub fn lang(&self) -> &'static str {
        self.0.code
    }
}

impl std::ops::Deref for Locale {
    type Target = Messages;
    fn deref(&self) -> &Messages {
        self.0
    }
}

impl Default for Locale {
    fn default() -> Self {
        Locale(&EN)
    }
}

/// The language's table; English outside a provider.
#[hook]
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct LocaleProviderProps {
    pub locale: Locale,
    pub children: Html,
}

/// Gives `locale` to everything inside.
#[function_component(LocaleProvider)]
pub fn locale_provider(props: &LocaleProviderProps) -> Html {
    html! {
        <ContextProvider<Locale> context={props.locale}>{ props.children.clone() }</ContextProvider<Locale>>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn placeholders_are_filled_by_name() {
        assert_eq!(EN.progress("3", "12"), "Step 3 of about 12");
        assert_eq!(fill("{b} then {a}", &[("a", "1"), ("b", "2")]), "2 then 1");
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn plurals_follow_the_language() {
        assert!(EN.change_drops(1.0).contains("the answer after it"));
        assert!(EN.change_drops(3.0).contains("the 3 answers"));
        // Arabic has a form for two.
        let ar = Messages::for_lang("ar");
        assert_ne!(ar.change_drops(2.0), ar.change_drops(11.0));
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn languages_resolve_to_their_tables() {
        assert_eq!(Messages::for_lang("ar").code, "ar");
        assert_eq!(Messages::for_lang("pt-BR").code, "pt-BR");
        assert_eq!(Messages::for_lang("xx"), &EN);
        assert!(Messages::for_lang("ar").is_rtl() && Messages::for_lang("ur").is_rtl());
        assert_eq!(LANGUAGES[0].code, "en");
    }
}
