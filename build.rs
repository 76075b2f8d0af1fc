//! Compiles into the widget its words (`locales/*.json`, checked and typed
//! by `build/locales.rs`) and the English part of the default tree: the
//! first step then needs no extra request, and the tree's other languages
//! (most of the file) are fetched only by the people who read them
//! (`dist/trees/`). The English tree is checked here and compiled in
//! packed (`backup_doctor_core::tree::packed`): the widget does not read
//! or check it again. The studio compiles in its JSON.

use std::path::Path;

#[path = "build/locales.rs"]
mod locales;

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    locales::compile(
        Path::new("locales"),
        &Path::new(&out_dir).join("locales.rs"),
    );
    let source = "core/trees/default.json";
    println!("cargo:rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).expect("core/trees/default.json is readable");
    let mut tree: serde_json::Value = serde_json::from_str(&text).expect("default tree is JSON");
    keep_english(&mut tree);
    // Path tests are for authors (`cargo xtask tree check`, the studio).
    if let Some(file) = tree.as_object_mut() {
        file.remove("tests");
    }
    if let Some(langs) = tree.get_mut("langs") {
        *langs = serde_json::json!(["en"]);
    }
    let english = tree.to_string();
    let checked = backup_doctor_core::tree::Tree::from_json(&english)
        .unwrap_or_else(|errors| panic!("the default tree's English is not valid: {errors}"));
    assert!(
        checked.warnings().is_empty(),
        "the default tree's English has warnings: {:?}",
        checked.warnings()
    );
    let packed = backup_doctor_core::tree::packed::pack(&checked);
    assert!(
        backup_doctor_core::tree::packed::unpack(&packed)
            .is_some_and(|t| t.tree() == checked.tree()),
        "the packed default tree unpacks to another tree"
    );
    let out = Path::new(&out_dir);
    std::fs::write(out.join("default.en.json"), english).expect("OUT_DIR is writable");
    std::fs::write(out.join("default.en.packed"), packed).expect("OUT_DIR is writable");
}

/// Drops every translation: a localized text is an object whose values are
/// all strings and which has an "en" key.
fn keep_english(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let localized = map.contains_key("en") && map.values().all(|v| v.is_string());
            if localized {
                map.retain(|k, _| k == "en");
            } else {
                map.values_mut().for_each(keep_english);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(keep_english),
        _ => {}
    }
}
