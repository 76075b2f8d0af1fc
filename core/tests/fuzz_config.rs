//! Fuzzing configuration (`lang`, `tree`, `speedtest`, `theme`, `insights`
//! from a URL query, element attributes or `mount` options): any pairs are
//! read without a panic; a `tree`, `speedtest` or `insights` URL that is
//! kept is one a browser reads as http(s) or as a path on the widget's own
//! origin (a `tree` also as a `blob:` of an http(s) page, the studio's
//! preview), never `javascript:` or `data:`; and every problem is a short,
//! clean sentence.

mod fuzz_support;

use backup_doctor_core::config::{Config, ConfigProblem, UI_LANGS};
use fuzz_support::{check, ensure, hostile_string, huge_string};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// How a browser's URL parser sees `value` (WHATWG URL, simplified): the
/// scheme if it has one, else `None` for a reference relative to the page;
/// and whether a relative reference leaves the origin ("//host", "/\host").
fn browser_view(value: &str) -> (Option<String>, bool) {
    let trimmed = value.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let scheme_len = cleaned.char_indices().find(|&(i, c)| {
        !(c.is_ascii_alphabetic() || (i > 0 && (c.is_ascii_digit() || "+-.".contains(c))))
    });
    if let Some((len, ':')) = scheme_len {
        if len > 0 {
            return (Some(cleaned[..len].to_ascii_lowercase()), false);
        }
    }
    let slashed = cleaned.replace('\\', "/");
    (None, slashed.starts_with("//"))
}

/// Everything that must hold for `pairs`.
fn check_config(pairs: &[(String, String)]) -> Result<(), TestCaseError> {
    let (config, problems) =
        Config::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    for (name, url) in [
        ("tree", &config.tree),
        ("speedtest", &config.speedtest),
        ("insights", &config.insights),
    ] {
        let Some(url) = url else { continue };
        // A tree may be a blob: of a web page (the browser refuses another
        // origin's); what follows `blob:` must then be http(s).
        let inner = match url.strip_prefix("blob:") {
            Some(rest) if name == "tree" => rest,
            _ => url.as_str(),
        };
        let (scheme, leaves_origin) = browser_view(inner);
        ensure(
            match scheme.as_deref() {
                Some(s) => s == "http" || s == "https",
                None => !leaves_origin,
            },
            || {
                format!(
                    "{name}={url:?} was kept (scheme {scheme:?}, leaves origin: {leaves_origin})"
                )
            },
        )?;
        ensure(
            pairs
                .iter()
                .any(|(n, v)| n == name && v.trim().starts_with(url.as_str())),
            || format!("{name}={url:?} was never given"),
        )?;
    }
    if let Some(lang) = &config.lang {
        ensure(UI_LANGS.contains(&lang.as_str()), || {
            format!("lang {lang:?} kept")
        })?;
    }
    let given = pairs
        .iter()
        .filter(|(n, v)| !v.trim().is_empty() && n != "step")
        .count();
    ensure(problems.len() <= given, || {
        format!("{} problems from {given} settings", problems.len())
    })?;
    for problem in &problems {
        let message = match problem {
            ConfigProblem::Unknown { name } => name,
            ConfigProblem::Invalid { value, .. } => value,
        };
        ensure(message.chars().count() <= 81, || {
            format!("a {}-character message", message.chars().count())
        })?;
        ensure(!message.chars().any(char::is_control), || {
            format!("control characters in {message:?}")
        })?;
        if let ConfigProblem::Unknown { name } = problem {
            ensure(
                !["lang", "tree", "speedtest", "theme", "insights", "step"]
                    .contains(&name.as_str()),
                || format!("{name} called unknown"),
            )?;
        }
    }
    Ok(())
}

const NAMES: &[&str] = &[
    "lang",
    "tree",
    "speedtest",
    "theme",
    "insights",
    "step",
    "Tree",
    "colour",
    "",
];

/// URL-ish values: schemes, slashes, hidden and blank characters.
fn url_soup() -> impl Strategy<Value = String> {
    let part = prop::sample::select(
        &[
            "https://",
            "http://",
            "HTTPS://",
            "javascript:",
            "JavaScript:",
            "data:",
            "vbscript:",
            "file:",
            "blob:",
            "java",
            "script:",
            "\t",
            "\n",
            "\r",
            " ",
            "\u{0}",
            "\u{1}",
            "\u{A0}",
            "\u{FEFF}",
            "\u{200B}",
            "\u{2028}",
            "/",
            "//",
            "\\",
            "./",
            "../",
            ".",
            ":",
            "%0a",
            "%2F",
            "evil.example",
            "a",
            "tree.json",
            "?x=1",
            "#f",
            "@",
            "é",
        ][..],
    );
    prop::collection::vec(part, 0..8).prop_map(|parts| parts.concat())
}

fn pairs(value: impl Strategy<Value = String>) -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        4 => prop::sample::select(NAMES).prop_map(str::to_owned),
        1 => hostile_string(12),
    ];
    prop::collection::vec((name, value), 0..8)
}

#[test]
fn any_pairs_are_read_safely() {
    check("any_pairs", 1, pairs(hostile_string(60)), |pairs| {
        check_config(&pairs)
    });
}

#[test]
fn url_values_never_leave_http_or_the_origin() {
    let strategy = prop::collection::vec(
        (
            prop::sample::select(&["tree", "speedtest", "insights"][..]),
            url_soup(),
        ),
        1..6,
    );
    check("url_values", 1, strategy, |pairs| {
        let pairs: Vec<(String, String)> =
            pairs.into_iter().map(|(n, v)| (n.to_owned(), v)).collect();
        check_config(&pairs)
    });
}

#[test]
fn language_codes_are_matched_or_refused() {
    let code = "[a-zA-Z_-]{0,8}";
    check(
        "lang_codes",
        1,
        prop::collection::vec(code, 1..4),
        |codes| {
            let pairs: Vec<(String, String)> =
                codes.into_iter().map(|c| ("lang".to_owned(), c)).collect();
            check_config(&pairs)
        },
    );
}

#[test]
fn huge_values_finish() {
    let strategy = (prop::sample::select(NAMES), huge_string(1 << 20));
    check("huge_values", 32, strategy, |(name, value)| {
        check_config(&[(name.to_owned(), value)])
    });
}

// ---------------------------------------------------------------------------
// Regressions

/// Found by `url_values`: "/\evil.example/tree.json" passed as a path on
/// the widget's origin, but browsers read a backslash as a slash, so it
/// loads from evil.example like "//evil.example/tree.json" (which was
/// already refused).
#[test]
fn regression_backslash_path_leaves_the_origin() {
    for value in [
        "/\\evil.example/tree.json",
        "/\\\\evil.example",
        "\\\\evil.example",
    ] {
        let (config, problems) = Config::from_pairs([("tree", value), ("speedtest", value)]);
        assert_eq!(config.tree, None, "{value}");
        assert_eq!(config.speedtest, None, "{value}");
        assert_eq!(problems.len(), 2, "{value}");
    }
    let (config, _) = Config::from_pairs([("tree", "/trees/mine.json")]);
    assert_eq!(config.tree.as_deref(), Some("/trees/mine.json"));
}
