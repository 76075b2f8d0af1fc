//! The widget's own words (not the tree's): buttons, headings, notices,
//! the support summary, every error a person reads.
//!
//! They live in `locales/*.json`, one file per language (the translators'
//! guide is `locales/README.md`), checked at build time by
//! `build/locales.rs`: a missing key or a wrong placeholder fails the build.
//! English is compiled in as the [`EN`] table. Every other language is
//! fetched, when someone reads it, as `words/LANG.json` beside the widget's
//! files (the locale file as it is; [`load`]), so nobody downloads the
//! other nine; what a language needs before its table arrives, or when it
//! cannot, is compiled in for all of them ([`Basics`]). A text with
//! `{placeholders}` is a method taking them by name; a plural is a method
//! taking the count, its form chosen by the browser's `Intl.PluralRules`.
//! Numbers and durations are worded by `Intl` too (see `browser::intl`).
//!
//! Components read the table with [`use_locale`], not from props.

use std::cell::RefCell;

use serde_json::{Map, Value};
use yew::prelude::*;

use crate::browser::fetch::{self, FetchError};
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

/// The largest `words/LANG.json` taken (the largest is about 23 KB).
pub const MAX_WORDS_BYTES: usize = 128 * 1024;

/// How long a language's table may take to arrive.
const WORDS_TIMEOUT_MS: u32 = 15_000;

/// A language's table, relative to the widget's files (`words/LANG.json`,
/// copied from `locales/` at build by `tools/startup-words.mjs`).
pub fn words_path(lang: &str) -> String {
    format!("words/{lang}.json")
}

thread_local! {
    /// The tables fetched so far. A table is kept for the page's life (its
    /// texts are leaked into `&'static str`, as English's are compiled in):
    /// one per language read, fetched once however many widgets use it.
    static LOADED: RefCell<Vec<&'static Messages>> = const { RefCell::new(Vec::new()) };
}

impl Messages {
    /// The table for a language code as `config::supported_lang` returns
    /// it, if it is English or has been loaded; English otherwise.
    pub fn for_lang(lang: &str) -> &'static Messages {
        Self::loaded(lang).unwrap_or(&EN)
    }

    /// The table for `lang` if it is here already: English always, another
    /// language once [`load`] has fetched it.
    pub fn loaded(lang: &str) -> Option<&'static Messages> {
        if lang == EN.code {
            return Some(&EN);
        }
        LOADED.with(|l| l.borrow().iter().find(|m| m.code == lang).copied())
    }

    /// Reads a locale file (the format of `locales/*.json`) as `lang`'s
    /// table and keeps it: every key of English, in English's shape (a text
    /// or a plural object), and no other key, or an error naming the first
    /// that is wrong (a file from another version of the widget, say).
    pub fn from_json(lang: &str, json: &str) -> Result<&'static Messages, String> {
        let code = basics(lang).code;
        if code != lang {
            return Err(format!("\"{lang}\" is not a language of this widget"));
        }
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(json) else {
            return Err("not a JSON object of texts".to_owned());
        };
        let mut texts = Texts(map);
        let table = Self::from_texts(code, &mut texts)?;
        if let Some(key) = texts.0.keys().next() {
            return Err(format!("\"{key}\" is not a key of this widget"));
        }
        if let Some(kept) = Self::loaded(lang) {
            return Ok(kept);
        }
        let table: &'static Messages = Box::leak(Box::new(table));
        LOADED.with(|l| l.borrow_mut().push(table));
        Ok(table)
    }

    /// `true` for a language written right to left.
    pub fn is_rtl(&self) -> bool {
        self.direction == "rtl"
    }
}

/// Why a language's table is not here.
#[derive(Clone, Debug, PartialEq)]
pub enum WordsError {
    Fetch(FetchError),
    Invalid(String),
    /// The reader's chunk could not be downloaded.
    ReaderUnavailable,
}

/// Fetches `lang`'s table from `asset_base` (where the widget's files are,
/// ending with `/`, or "" beside the page) unless it is here already.
pub async fn load(asset_base: &str, lang: &str) -> Result<&'static Messages, WordsError> {
    if let Some(table) = Messages::loaded(lang) {
        return Ok(table);
    }
    let url = format!("{asset_base}{}", words_path(lang));
    let json = fetch::text_capped(&url, MAX_WORDS_BYTES, WORDS_TIMEOUT_MS)
        .await
        .map_err(WordsError::Fetch)?;
    // Reading a locale file is in the reader's chunk.
    let reader = crate::chunks::load::<crate::chunks::Reader>()
        .await
        .map_err(|_| WordsError::ReaderUnavailable)?;
    (reader.words)(lang, &json).map_err(WordsError::Invalid)
}

/// What `lang` has compiled in; English's for a code the widget does not
/// speak.
pub fn basics(lang: &str) -> &'static Basics {
    BASICS.iter().find(|b| b.code == lang).unwrap_or(&BASICS[0])
}

/// A locale file's texts while a table is built from them: each key is
/// taken once, so what is left over is unknown.
struct Texts(Map<String, Value>);

impl Texts {
    fn plain(&mut self, key: &str) -> Result<&'static str, String> {
        match self.0.remove(key) {
            Some(Value::String(text)) => Ok(leak(text)),
            Some(_) => Err(format!("\"{key}\" must be a text")),
            None => Err(format!("\"{key}\" is missing")),
        }
    }

    fn plural(&mut self, key: &str) -> Result<Plural, String> {
        let Some(Value::Object(mut forms)) = self.0.remove(key) else {
            return Err(format!("\"{key}\" must be a plural object"));
        };
        let mut form = |category: &str| match forms.remove(category) {
            Some(Value::String(text)) => Ok(Some(leak(text))),
            None => Ok(None),
            Some(_) => Err(format!("\"{key}\".{category} must be a text")),
        };
        let plural = Plural {
            zero: form("zero")?,
            one: form("one")?,
            two: form("two")?,
            few: form("few")?,
            many: form("many")?,
            other: form("other")?.ok_or_else(|| format!("\"{key}\" needs an \"other\" form"))?,
        };
        match forms.keys().next() {
            Some(category) => Err(format!("\"{key}\".{category} is not a plural category")),
            None => Ok(plural),
        }
    }
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The person's language for every component below [`LocaleProvider`].
#[derive(Clone, Copy, Debug)]
pub struct Locale(pub &'static Messages);

/// The same table, not equal texts: there is one table per language (English
/// compiled in, another kept once loaded), and comparing ~150 texts on every
/// render of every component cost 5.6 KB of wasm.
impl PartialEq for Locale {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

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
pub(crate) mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn placeholders_are_filled_by_name() {
        assert_eq!(EN.progress("3", "12"), "Step 3 of about 12");
        assert_eq!(fill("{b} then {a}", &[("a", "1"), ("b", "2")]), "2 then 1");
    }

    /// `lang`'s table from its locale file, as `load` makes it.
    pub(crate) fn table(lang: &str) -> &'static Messages {
        let (_, json) = LOCALE_FILES
            .iter()
            .find(|(code, _)| *code == lang)
            .expect("a locale file");
        Messages::from_json(lang, json).expect("every locale file reads")
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn plurals_follow_the_language() {
        assert!(EN.change_drops(1.0).contains("the answer after it"));
        assert!(EN.change_drops(3.0).contains("the 3 answers"));
        // Arabic has a form for two.
        let ar = table("ar");
        assert_ne!(ar.change_drops(2.0), ar.change_drops(11.0));
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn every_locale_file_reads_as_its_table_once_loaded() {
        for (code, _) in LOCALE_FILES {
            let loaded = table(code);
            assert_eq!(loaded.code, *code);
            assert_eq!(Messages::for_lang(code), loaded);
            assert_eq!(basics(code).code, *code);
            assert_eq!(basics(code).direction, loaded.direction);
        }
        assert_eq!(Messages::for_lang("xx"), &EN);
        assert_eq!(basics("xx").code, "en");
        assert!(table("ar").is_rtl() && table("ur").is_rtl());
        assert_eq!(BASICS[0].code, "en");
        assert_eq!(BASICS.len(), LOCALE_FILES.len());
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_wrong_file_is_refused_with_the_key_at_fault() {
        let (_, es) = LOCALE_FILES.iter().find(|(c, _)| *c == "es").unwrap();
        let mut file: Value = serde_json::from_str(es).unwrap();
        let texts = file.as_object_mut().unwrap();
        texts.remove("back");
        let de_like = serde_json::to_string(&file).unwrap();
        assert_eq!(
            Messages::from_json("de", &de_like).unwrap_err(),
            "\"back\" is missing"
        );
        let mut extra: Value = serde_json::from_str(es).unwrap();
        extra["not_a_key"] = Value::from("x");
        let err = Messages::from_json("de", &extra.to_string()).unwrap_err();
        assert_eq!(err, "\"not_a_key\" is not a key of this widget");
        let mut plural: Value = serde_json::from_str(es).unwrap();
        plural["change_drops"] = Value::from("x");
        let err = Messages::from_json("de", &plural.to_string()).unwrap_err();
        assert_eq!(err, "\"change_drops\" must be a plural object");
        assert!(Messages::from_json("de", "[1]").is_err());
        assert!(Messages::from_json("xx", es).is_err());
    }
}
