//! The locale compiler (`build/locales.rs`, run by the widget's build
//! script) refuses what a translator can get wrong, naming file and key, and
//! turns a placeholder into a named parameter. Run natively here, on
//! temporary folders.

#[path = "../../build/locales.rs"]
#[allow(dead_code)]
mod locales;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

fn folder(files: &[(&str, &str)]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("bd-locales-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("written");
    }
    dir
}

/// Compiles `files`: the generated code, or the build's error message.
fn compile(files: &[(&str, &str)]) -> Result<String, String> {
    let dir = folder(files);
    let out = dir.join("out.rs");
    let result = std::panic::catch_unwind(|| locales::compile(&dir, &out));
    let code = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    result
        .map(|()| code)
        .map_err(|e| e.downcast_ref::<String>().cloned().unwrap_or_default())
}

/// The texts every language must have, compiled in (`BASIC_KEYS`, all
/// but `direction`), as JSON members to open a fixture with.
macro_rules! basics {
    () => {
        r#""brand": "B", "loading_tree": "L", "translation_unavailable": "T", "#
    };
}

/// The build's error for `name` with `text` beside [`EN`] (it must fail).
fn refused_beside_english(name: &str, text: &str) -> String {
    compile(&[("en.json", EN), (name, text)]).expect_err("refused")
}

const EN: &str = concat!(
    "{",
    basics!(),
    r#""direction": "ltr", "back": "Back", "progress": "Step {done} of {total}",
  "drops": {"one": "one answer", "other": "{count} answers"}}"#
);

#[test]
fn a_good_translation_compiles_to_typed_texts() {
    let code = compile(&[
        ("en.json", EN),
        ("ru.json", concat!("{", basics!(), r#""direction": "ltr", "back": "Назад", "progress": "Шаг {done} из {total}",
          "drops": {"one": "{count} ответ", "few": "{count} ответа", "many": "{count} ответов", "other": "{count} ответа"}}"#)),
    ])
    .expect("compiles");
    assert!(
        code.contains("pub fn progress(&self, r#done: &str, r#total: &str) -> String"),
        "{code}"
    );
    assert!(
        code.contains("pub fn drops(&self, count: f64) -> String"),
        "{code}"
    );
    assert!(code.contains("pub back: &'static str"));
    // English is compiled in whole; another language only its basics (its
    // table is fetched as words/LANG.json, checked here all the same).
    assert!(
        code.contains("pub static EN: Messages = Messages {"),
        "{code}"
    );
    assert!(code.contains("Basics {\n        code: \"ru\","), "{code}");
    assert!(!code.contains("Назад"), "{code}");
}

#[test]
fn every_mistake_is_named_with_its_file_and_key() {
    let error = refused_beside_english(
        "fr.json",
        r#"{"direction": "sideways", "progress": "Étape {fait} sur {total}",
          "drops": "{count} réponses", "extra": "?"}"#,
    );
    for expected in [
        r#"fr.json: "back" is missing"#,
        r#"fr.json: "progress" has placeholders {fait} {total} but English has {done} {total}"#,
        r#"fr.json: "drops" must be a plural object"#,
        r#"fr.json: "extra" is not a key of en.json"#,
        r#"fr.json: "direction" must be "ltr" or "rtl""#,
    ] {
        assert!(error.contains(expected), "{expected:?} not in:\n{error}");
    }
}

#[test]
fn plurals_need_other_and_known_categories() {
    let error = refused_beside_english(
        "de.json",
        r#"{"direction": "ltr", "back": "Zurück", "progress": "Schritt {done} von {total}",
          "drops": {"one": "eine Antwort", "several": "{count} Antworten"}}"#,
    );
    assert!(
        error.contains(r#"de.json: "drops": a plural needs an "other" form"#),
        "{error}"
    );
    assert!(
        error.contains(r#""several" is not a plural category"#),
        "{error}"
    );
}

#[test]
fn a_stray_brace_or_a_bad_file_name_is_refused() {
    assert_eq!(
        locales::placeholders("a {b} c {d} {b}"),
        Ok(vec!["b".to_owned(), "d".to_owned()])
    );
    assert!(locales::placeholders("50 % {off").is_err());
    assert!(locales::placeholders("a } b").is_err());
    let error = refused_beside_english("French.json", EN);
    assert!(
        error.contains("French.json: the file name must be a language code"),
        "{error}"
    );
}

#[test]
fn english_itself_is_checked_and_any_placeholder_name_compiles() {
    let error = compile(&[(
        "en.json",
        r#"{"direction": "ltr", "code": "x", "drops": {"one": "{who} answer", "other": "{count} answers"}}"#,
    )])
    .expect_err("refused");
    assert!(error.contains(r#"en.json: key "code" is taken"#), "{error}");
    assert!(
        error.contains(r#"en.json: "drops".one has placeholders {who}"#),
        "{error}"
    );
    let code = compile(&[(
        "en.json",
        concat!(
            "{",
            basics!(),
            r#""direction": "ltr", "kind": "A {type} step"}"#
        ),
    )])
    .expect("a keyword as a placeholder compiles");
    assert!(
        code.contains("pub fn kind(&self, r#type: &str) -> String"),
        "{code}"
    );
}

#[test]
fn the_compiled_in_texts_are_required_of_english_and_every_language() {
    let error = refused_beside_english(
        "de.json",
        r#"{"direction": "ltr", "back": "Zurück", "progress": "Schritt {done} von {total}",
          "drops": {"one": "eine Antwort", "other": "{count} Antworten"}}"#,
    );
    assert!(error.contains(r#"de.json: "brand" is missing"#), "{error}");
    let error =
        compile(&[("en.json", r#"{"direction": "ltr", "back": "Back"}"#)]).expect_err("refused");
    assert!(
        error
            .contains(r#"locales/en.json: "brand" must be a text (every language compiles it in)"#),
        "{error}"
    );
}
