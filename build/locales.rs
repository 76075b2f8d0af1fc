//! Compiles `locales/*.json` into the widget's typed message tables.
//!
//! `locales/en.json` defines the keys; every other file must have exactly
//! those keys, each with the same `{placeholders}`, or the build fails with a
//! message naming the file, the key and what is wrong (`locales/README.md`
//! is the translators' guide). The output is one `Messages` struct: a text
//! without placeholders is a `&'static str` field, a text with placeholders
//! is a method taking them by name in the order English uses them, and a
//! plural (an object of CLDR categories) is a method taking the count. A
//! renamed placeholder therefore breaks the Rust code that fills it, too.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value};

/// The CLDR plural categories a plural text may use.
const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// Keys every file has that describe the language rather than being shown.
const DIRECTION: &str = "direction";

/// Names the generated `Messages` already uses for itself.
const RESERVED: [&str; 3] = ["code", "for_lang", "is_rtl"];

struct Locale {
    code: String,
    texts: Map<String, Value>,
}

/// Reads, checks and compiles every locale under `dir` into `out`.
pub fn compile(dir: &Path, out: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut locales = read_all(dir);
    let en_at = locales
        .iter()
        .position(|l| l.code == "en")
        .unwrap_or_else(|| fail("locales/en.json is missing: it defines every key"));
    let en = locales.remove(en_at);
    locales.sort_by(|a, b| a.code.cmp(&b.code));
    let mut problems = Vec::new();
    let keys = english_keys(&en, &mut problems);
    for locale in &locales {
        check(locale, &keys, &mut problems);
    }
    if !problems.is_empty() {
        fail(&format!(
            "{} problem(s) in locales/ (see locales/README.md):\n  {}",
            problems.len(),
            problems.join("\n  ")
        ));
    }
    let all: Vec<&Locale> = std::iter::once(&en).chain(&locales).collect();
    std::fs::write(out, generate(&keys, &all)).expect("OUT_DIR is writable");
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    panic!("{message}");
}

fn read_all(dir: &Path) -> Vec<Locale> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
    let mut locales = Vec::new();
    for entry in entries {
        let path = entry.expect("a readable directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some(code) = name.strip_suffix(".json") else {
            continue;
        };
        if !is_language_code(code) {
            fail(&format!(
                "locales/{name}: the file name must be a language code like fr.json or pt-BR.json"
            ));
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| fail(&format!("locales/{name}: {e}")));
        let texts = match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => fail(&format!(
                "locales/{name}: must be one JSON object of \"key\": \"text\""
            )),
            Err(e) => fail(&format!("locales/{name}: not valid JSON: {e}")),
        };
        locales.push(Locale {
            code: code.to_owned(),
            texts,
        });
    }
    locales
}

/// `xx`, `xxx`, `xx-YY`, `xx-Yyyy`: what a file name and `lang=` may be.
fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// What a key is in English: a plain text, a text with placeholders, or a
/// plural.
#[derive(Clone, Debug)]
enum Shape {
    Plain,
    Template(Vec<String>),
    Plural(Vec<String>),
}

fn english_keys(en: &Locale, problems: &mut Vec<String>) -> Vec<(String, Shape)> {
    let mut keys = Vec::new();
    for (key, value) in &en.texts {
        if !is_identifier(key) {
            problems.push(format!("en.json: key \"{key}\" must be lower_snake_case"));
            continue;
        }
        if RESERVED.contains(&key.as_str()) {
            problems.push(format!(
                "en.json: key \"{key}\" is taken by the widget's own code; choose another name"
            ));
            continue;
        }
        let shape = match value {
            Value::String(text) => match placeholders(text) {
                Ok(names) if names.is_empty() => Shape::Plain,
                Ok(names) => Shape::Template(names),
                Err(e) => {
                    problems.push(format!("en.json: \"{key}\": {e}"));
                    continue;
                }
            },
            Value::Object(forms) => {
                let other = forms
                    .get("other")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let names = placeholders(other).unwrap_or_default();
                // Every form uses only what "other" uses (it has them all).
                let wanted: BTreeSet<&str> = names.iter().map(String::as_str).collect();
                check_plural("en.json", key, forms, Some(&wanted), problems);
                if !names.iter().any(|n| n == "count") {
                    problems.push(format!(
                        "en.json: \"{key}\": a plural's \"other\" form must use {{count}}"
                    ));
                }
                Shape::Plural(names)
            }
            _ => {
                problems.push(format!(
                    "en.json: \"{key}\" must be a text or a plural object"
                ));
                continue;
            }
        };
        keys.push((key.clone(), shape));
    }
    if !en.texts.contains_key(DIRECTION) {
        problems.push(format!(
            "en.json: the key \"{DIRECTION}\" (ltr or rtl) is missing"
        ));
    }
    keys
}

fn check(locale: &Locale, keys: &[(String, Shape)], problems: &mut Vec<String>) {
    let file = format!("{}.json", locale.code);
    for (key, shape) in keys {
        let Some(value) = locale.texts.get(key) else {
            problems.push(format!(
                "{file}: \"{key}\" is missing (English: {})",
                english_hint(shape)
            ));
            continue;
        };
        let wanted: BTreeSet<&str> = match shape {
            Shape::Plain => BTreeSet::new(),
            Shape::Template(names) | Shape::Plural(names) => {
                names.iter().map(String::as_str).collect()
            }
        };
        match (shape, value) {
            (Shape::Plural(_), Value::Object(forms)) => {
                check_plural(&file, key, forms, Some(&wanted), problems);
            }
            (Shape::Plural(_), _) => problems.push(format!(
                "{file}: \"{key}\" must be a plural object like {{\"one\": \"…\", \"other\": \"…\"}}, as in English"
            )),
            (_, Value::String(text)) => match placeholders(text) {
                Ok(found) => {
                    let found: BTreeSet<&str> = found.iter().map(String::as_str).collect();
                    if found != wanted {
                        problems.push(format!(
                            "{file}: \"{key}\" has placeholders {} but English has {}",
                            braces(&found),
                            braces(&wanted)
                        ));
                    }
                }
                Err(e) => problems.push(format!("{file}: \"{key}\": {e}")),
            },
            (_, _) => problems.push(format!("{file}: \"{key}\" must be a text, as in English")),
        }
        if key == DIRECTION && !matches!(value.as_str(), Some("ltr" | "rtl")) {
            problems.push(format!(
                "{file}: \"{DIRECTION}\" must be \"ltr\" or \"rtl\""
            ));
        }
    }
    for key in locale.texts.keys() {
        if !keys.iter().any(|(k, _)| k == key) {
            problems.push(format!(
                "{file}: \"{key}\" is not a key of en.json (a typo, or removed?)"
            ));
        }
    }
}

/// A plural object: known categories only, `other` present, and each form's
/// placeholders among the wanted ones (a form may leave out `{count}`, as
/// Arabic's "one" does), with `other` using all of them.
fn check_plural(
    file: &str,
    key: &str,
    forms: &Map<String, Value>,
    wanted: Option<&BTreeSet<&str>>,
    problems: &mut Vec<String>,
) {
    if !forms.contains_key("other") {
        problems.push(format!(
            "{file}: \"{key}\": a plural needs an \"other\" form"
        ));
    }
    for (category, form) in forms {
        if !CATEGORIES.contains(&category.as_str()) {
            problems.push(format!(
                "{file}: \"{key}\": \"{category}\" is not a plural category (use {})",
                CATEGORIES.join(", ")
            ));
        }
        let Some(text) = form.as_str() else {
            problems.push(format!("{file}: \"{key}\".{category} must be a text"));
            continue;
        };
        match (placeholders(text), wanted) {
            (Ok(found), Some(wanted)) => {
                let found: BTreeSet<&str> = found.iter().map(String::as_str).collect();
                let complete = category != "other" || found == *wanted;
                if !found.is_subset(wanted) || !complete {
                    problems.push(format!(
                        "{file}: \"{key}\".{category} has placeholders {} but English has {}",
                        braces(&found),
                        braces(wanted)
                    ));
                }
            }
            (Ok(_), None) => {}
            (Err(e), _) => problems.push(format!("{file}: \"{key}\".{category}: {e}")),
        }
    }
}

fn english_hint(shape: &Shape) -> String {
    match shape {
        Shape::Plain => "a text".to_owned(),
        Shape::Template(names) => format!(
            "a text with {}",
            braces(&names.iter().map(String::as_str).collect())
        ),
        Shape::Plural(_) => "a plural object".to_owned(),
    }
}

fn braces(names: &BTreeSet<&str>) -> String {
    if names.is_empty() {
        return "none".to_owned();
    }
    names
        .iter()
        .map(|n| format!("{{{n}}}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_identifier(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The `{name}`s of a text in order of first use; a stray brace is an error.
pub fn placeholders(text: &str) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("a \"}\" without its \"{\"".to_owned());
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("a \"{\" without its \"}\"")?;
        let name = &after[..close];
        if !is_identifier(name) {
            return Err(format!(
                "\"{{{name}}}\" is not a placeholder name like {{count}}"
            ));
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
        rest = &after[close + 1..];
    }
    Ok(names)
}

fn generate(keys: &[(String, Shape)], locales: &[&Locale]) -> String {
    let mut out =
        String::from("// Generated by build/locales.rs from locales/*.json: edit those.\n\n");
    out.push_str("/// Every text the widget itself shows, in one language.\n");
    out.push_str("#[derive(Debug, PartialEq, Eq)]\npub struct Messages {\n    /// The language code (the file name).\n    pub code: &'static str,\n");
    for (key, shape) in keys {
        let english = english_doc(locales[0], key);
        match shape {
            Shape::Plain => {
                let _ = writeln!(out, "    /// {english}\n    pub {key}: &'static str,");
            }
            Shape::Template(_) => {
                let _ = writeln!(out, "    {key}: &'static str,");
            }
            Shape::Plural(_) => {
                let _ = writeln!(out, "    {key}: Plural,");
            }
        }
    }
    out.push_str("}\n\nimpl Messages {\n");
    for (key, shape) in keys {
        let english = english_doc(locales[0], key);
        match shape {
            Shape::Plain => {}
            Shape::Template(names) => {
                let params: Vec<String> = names
                    .iter()
                    .map(|n| format!("{}: &str", param(n)))
                    .collect();
                let pairs: Vec<String> = names
                    .iter()
                    .map(|n| format!("(\"{n}\", {})", param(n)))
                    .collect();
                let _ = writeln!(
                    out,
                    "    /// {english}\n    pub fn {key}(&self, {}) -> String {{\n        fill(self.{key}, &[{}])\n    }}",
                    params.join(", "),
                    pairs.join(", ")
                );
            }
            Shape::Plural(names) => {
                let others: Vec<&String> = names.iter().filter(|n| *n != "count").collect();
                let mut params = vec!["count: f64".to_owned()];
                params.extend(others.iter().map(|n| format!("{}: &str", param(n))));
                let mut pairs = vec!["(\"count\", count_text.as_str())".to_owned()];
                pairs.extend(others.iter().map(|n| format!("(\"{n}\", {})", param(n))));
                let _ = writeln!(
                    out,
                    "    /// {english}\n    pub fn {key}(&self, {}) -> String {{\n        let count_text = number(self.code, count, 0);\n        fill(self.{key}.pick(&plural_category(self.code, count)), &[{}])\n    }}",
                    params.join(", "),
                    pairs.join(", ")
                );
            }
        }
    }
    out.push_str(&from_texts(keys));
    out.push_str("}\n\n");
    out.push_str(&table("EN", locales[0], keys));
    out.push_str(&basics(locales));
    out.push_str(&test_files(locales));
    out
}

/// The keys every language has compiled in (a [`Basics`]), whatever it
/// fetches: what the widget shows before a language's table arrives, or
/// when it cannot.
/// (The crash panel's words are in `embed/startup.js`, which draws it.)
const BASIC_KEYS: [&str; 4] = [
    "direction",
    "brand",
    "loading_tree",
    "translation_unavailable",
];

/// `Messages::from_texts`: a table from a locale file's texts, each key
/// taken once in the shape English has.
fn from_texts(keys: &[(String, Shape)]) -> String {
    let mut out = String::from(
        "    /// A language's table from its locale file (`words/LANG.json`), every\n    /// key of English in English's shape, or the first that is not.\n    fn from_texts(code: &'static str, texts: &mut Texts) -> Result<Messages, String> {\n        Ok(Messages {\n            code,\n",
    );
    for (key, shape) in keys {
        let take = if matches!(shape, Shape::Plural(_)) {
            "plural"
        } else {
            "plain"
        };
        let _ = writeln!(out, "            {key}: texts.{take}({key:?})?,");
    }
    out.push_str("        })\n    }\n");
    out
}

/// One language's texts as a `static` table.
fn table(name: &str, locale: &Locale, keys: &[(String, Shape)]) -> String {
    let mut out = format!(
        "/// The texts in `{}`.\npub static {name}: Messages = Messages {{\n    code: {:?},\n",
        locale.code, locale.code
    );
    for (key, shape) in keys {
        let value = &locale.texts[key];
        match shape {
            Shape::Plural(_) => {
                let form = |c: &str| match value.get(c).and_then(Value::as_str) {
                    Some(t) => format!("Some({t:?})"),
                    None => "None".to_owned(),
                };
                let _ = writeln!(
                    out,
                    "    {key}: Plural {{ zero: {}, one: {}, two: {}, few: {}, many: {}, other: {:?} }},",
                    form("zero"),
                    form("one"),
                    form("two"),
                    form("few"),
                    form("many"),
                    value["other"].as_str().unwrap_or_default()
                );
            }
            _ => {
                let _ = writeln!(out, "    {key}: {:?},", value.as_str().unwrap_or_default());
            }
        }
    }
    out.push_str("};\n\n");
    out
}

/// `Basics` and `BASICS`: [`BASIC_KEYS`] of every language, English first.
fn basics(locales: &[&Locale]) -> String {
    let mut out = String::from(
        "/// What every language has compiled in: its code and the few texts\n/// shown before its table arrives, or when it cannot (a failed fetch).\n#[derive(Debug, PartialEq, Eq)]\npub struct Basics {\n    pub code: &'static str,\n",
    );
    for key in BASIC_KEYS {
        let _ = writeln!(out, "    pub {key}: &'static str,");
    }
    out.push_str("}\n\n/// Every language, English first, then by code.\npub static BASICS: &[Basics] = &[\n");
    for locale in locales {
        let _ = writeln!(out, "    Basics {{\n        code: {:?},", locale.code);
        for key in BASIC_KEYS {
            let text = locale
                .texts
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_else(|| {
                    fail(&format!(
                        "locales/{}.json: \"{key}\" must be a text (every language compiles it in)",
                        locale.code
                    ))
                });
            let _ = writeln!(out, "        {key}: {text:?},");
        }
        out.push_str("    },\n");
    }
    out.push_str("];\n\n");
    out
}

/// For the crate's own tests: every locale file, to load a table without
/// a server.
fn test_files(locales: &[&Locale]) -> String {
    let dir = std::env::current_dir().expect("the build runs in a directory");
    let mut out = String::from(
        "/// Every locale file (`cargo test` only: the widget fetches them).\n#[cfg(test)]\npub(crate) static LOCALE_FILES: &[(&str, &str)] = &[\n",
    );
    for locale in locales {
        let path = dir.join("locales").join(format!("{}.json", locale.code));
        let _ = writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            locale.code,
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    out
}

/// A placeholder as a Rust parameter: a raw identifier, so `{type}` or
/// `{match}` compiles too.
fn param(name: &str) -> String {
    match name {
        // The few words a raw identifier cannot be.
        "self" | "super" | "crate" | "_" => format!("{name}_"),
        _ => format!("r#{name}"),
    }
}

fn english_doc(en: &Locale, key: &str) -> String {
    let text = match &en.texts[key] {
        Value::String(s) => s.clone(),
        Value::Object(forms) => forms
            .get("other")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    };
    format!(
        "English: \"{}\"",
        text.replace('\n', " ")
            .replace('[', "\\[")
            .replace(']', "\\]")
    )
}
