//! The language list, from the locale files (`../locales/*.json`): one
//! file per language, so adding a language is adding a file. Each file's
//! `direction` says whether it is written right to left.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new("../locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut langs: Vec<(String, bool)> = std::fs::read_dir(dir)
        .expect("../locales is readable")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let code = path
                .file_name()?
                .to_str()?
                .strip_suffix(".json")?
                .to_owned();
            let text = std::fs::read_to_string(&path).ok()?;
            let value: serde_json::Value = serde_json::from_str(&text).ok()?;
            let rtl = value.get("direction").and_then(|d| d.as_str()) == Some("rtl");
            Some((code, rtl))
        })
        .collect();
    // English first (the fallback), then by code.
    langs.sort_by(|a, b| (a.0 != "en", &a.0).cmp(&(b.0 != "en", &b.0)));
    let list = |pick: fn(&(String, bool)) -> bool| {
        langs
            .iter()
            .filter(|l| pick(l))
            .map(|(code, _)| format!("{code:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// The languages the widget's own texts exist in (`locales/*.json`),\n/// English first.\npub const UI_LANGS: &[&str] = &[{}];",
        list(|_| true)
    );
    let _ = writeln!(
        out,
        "/// Languages written right to left.\nconst RTL_LANGS: &[&str] = &[{}];",
        list(|l| l.1)
    );
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("langs.rs"), out).expect("OUT_DIR is writable");
}
