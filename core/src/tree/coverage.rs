//! How complete each language of a tree is: for every language the file
//! lists, how many of its texts exist and the JSON Pointers of those that
//! are missing, so a translator knows exactly what is left.
//!
//! Counted on the file as written (a copy's texts are its original's, so
//! they count once), with the same rule as the widget's build for what a
//! text is: an object with an `"en"` member whose members are all strings.

use serde::Serialize;
use serde_json::Value;

use super::shape::pointer;
use super::FALLBACK_LANG;

/// One language's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LangCoverage {
    /// The language.
    pub lang: String,
    /// Texts in the file.
    pub total: usize,
    /// Pointers of the texts without this language (or with it empty).
    pub missing: Vec<String>,
}

impl LangCoverage {
    /// Texts that have this language.
    pub fn present(&self) -> usize {
        self.total - self.missing.len()
    }
}

/// The coverage of every language in `langs` except English (which every
/// text must have), over the tree file `file`.
pub fn coverage(file: &Value, langs: &[String]) -> Vec<LangCoverage> {
    let mut texts = Vec::new();
    collect(file, String::new(), &mut texts);
    langs
        .iter()
        .filter(|lang| lang.as_str() != FALLBACK_LANG)
        .map(|lang| LangCoverage {
            lang: lang.clone(),
            total: texts.len(),
            missing: texts
                .iter()
                .filter(|(_, text)| {
                    text.get(lang.as_str())
                        .and_then(Value::as_str)
                        .is_none_or(|t| t.trim().is_empty())
                })
                .map(|(at, _)| at.clone())
                .collect(),
        })
        .collect()
}

fn collect<'v>(value: &'v Value, at: String, texts: &mut Vec<(String, &'v Value)>) {
    // A path test's fields are the author's, not the person's.
    if at == "/tests" {
        return;
    }
    match value {
        Value::Object(map) => {
            if map.contains_key(FALLBACK_LANG) && map.values().all(Value::is_string) {
                texts.push((at, value));
            } else {
                for (key, item) in map {
                    collect(item, pointer(&at, key), texts);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, format!("{at}/{i}"), texts);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_empty_texts_are_listed_by_pointer() {
        let file: Value = serde_json::from_str(
            r#"{"nodes": [{"title": {"en": "A", "es": "A"}, "body": {"en": "B", "es": " "}},
                          {"title": {"en": "C"}}],
                "tests": [{"name": "x", "answers": ["en"]}]}"#,
        )
        .unwrap();
        let langs = ["en", "es"].map(String::from);
        let report = coverage(&file, &langs);
        assert_eq!(report.len(), 1);
        assert_eq!(report[0].total, 3);
        assert_eq!(report[0].missing, ["/nodes/0/body", "/nodes/1/title"]);
        assert_eq!(report[0].present(), 1);
    }

    #[test]
    fn the_default_tree_is_complete_in_every_language() {
        let file: Value = serde_json::from_str(include_str!("../../trees/default.json")).unwrap();
        let langs: Vec<String> = serde_json::from_value(file["langs"].clone()).unwrap();
        for lang in coverage(&file, &langs) {
            assert!(lang.total > 100 && lang.missing.is_empty(), "{lang:?}");
        }
    }
}
