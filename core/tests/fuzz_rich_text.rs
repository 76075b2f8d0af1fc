//! Fuzzing rich text (`body`, `warning`): whatever an author or an attacker
//! writes, parsing never panics, never yields a link whose address is not
//! http(s), drops control characters and direction overrides, reports
//! every refused link in `bad_links`, and finishes on 1 MB inputs.

mod fuzz_support;

use backup_doctor_core::tree::text::{bad_links, is_allowed_href, parse, plain, Block, Inline};
use fuzz_support::{check, ensure, fragments, hostile_string, huge_string, FRAGMENTS};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// An independent reading of "a safe link": http(s) with a host, nothing
/// that could leave an attribute or hide a character.
fn is_safe_href(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && !rest.starts_with(['/', '?', '#'])
        && href.chars().all(|c| {
            !c.is_whitespace() && !c.is_control() && !"\"'<>`\\".contains(c) && !is_override(c)
        })
}

fn is_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Every inline run of a parsed text, bold contents included.
fn inlines(blocks: &[Block]) -> Vec<&Inline> {
    fn collect<'a>(items: &'a [Inline], out: &mut Vec<&'a Inline>) {
        for item in items {
            out.push(item);
            if let Inline::Bold(inner) = item {
                collect(inner, out);
            }
        }
    }
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Paragraph(items) => collect(items, &mut out),
            Block::Bullets(list) | Block::Numbered(list) => {
                for items in list {
                    collect(items, &mut out);
                }
            }
        }
    }
    out
}

/// Everything that must hold for the rich text `source`.
fn check_rich_text(source: &str) -> Result<(), TestCaseError> {
    let blocks = parse(source);
    for item in inlines(&blocks) {
        match item {
            Inline::Link { label, href } => {
                ensure(is_safe_href(href) && is_allowed_href(href), || {
                    format!("unsafe link {href:?} from {source:?}")
                })?;
                ensure(!label.trim().is_empty(), || {
                    format!("a link without words from {source:?}")
                })?;
                ensure(clean(label), || format!("hidden characters in {label:?}"))?;
            }
            Inline::Text(text) => {
                ensure(!text.is_empty(), || "an empty text run".to_owned())?;
                ensure(clean(text), || format!("hidden characters in {text:?}"))?;
            }
            Inline::Bold(inner) => {
                ensure(inner.iter().all(|i| !matches!(i, Inline::Bold(_))), || {
                    "nested bold".to_owned()
                })?;
            }
        }
    }
    for block in &blocks {
        let empty = match block {
            Block::Paragraph(items) => items.is_empty(),
            Block::Bullets(list) | Block::Numbered(list) => list.is_empty(),
        };
        ensure(!empty, || format!("an empty block from {source:?}"))?;
    }
    let flat = plain(&blocks);
    ensure(flat.chars().all(|c| c == '\n' || clean_char(c)), || {
        format!("hidden characters in the plain text {flat:?}")
    })?;
    let bad = bad_links(source);
    for href in &bad {
        ensure(!is_allowed_href(href), || {
            format!("{href:?} reported but allowed")
        })?;
    }
    // Text without a single "[label](" cannot hold a link of any kind
    // (once the characters that are dropped are gone).
    if !sanitized(source).contains("](") {
        ensure(bad.is_empty(), || format!("links reported in {source:?}"))?;
    }
    Ok(())
}

/// `source` without what the parser drops: control characters (tabs
/// become spaces, line breaks stay) and direction overrides.
fn sanitized(source: &str) -> String {
    source
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if !clean_char(c) => None,
            c => Some(c),
        })
        .collect()
}

fn clean_char(c: char) -> bool {
    !c.is_control() && !is_override(c)
}

fn clean(text: &str) -> bool {
    text.chars().all(clean_char)
}

#[test]
fn any_text_parses_safely() {
    check("any_text", 1, hostile_string(400), |source| {
        check_rich_text(&source)
    });
}

#[test]
fn markup_soup_parses_safely() {
    check("markup_soup", 1, fragments(200), |source| {
        check_rich_text(&source)
    });
}

/// Fragments that cannot open, close or split a link (no brackets,
/// parentheses, asterisks or line breaks).
fn inert(max: usize) -> impl Strategy<Value = String> {
    let inert: Vec<&str> = FRAGMENTS
        .iter()
        .copied()
        .filter(|f| !f.contains(['[', ']', '(', ')', '*', '\n', '\r']))
        .collect();
    prop::collection::vec(prop::sample::select(inert), 0..max).prop_map(|p| p.concat())
}

/// Links with every kind of address: http(s), other schemes, tricks with
/// case, spaces and hidden characters.
fn link_soup() -> impl Strategy<Value = Vec<(String, String, String)>> {
    let scheme = prop::sample::select(
        &[
            "https://",
            "http://",
            "HtTpS://",
            "javascript:",
            " javascript:",
            "java\tscript:",
            "data:",
            "https:",
            "https:/",
            "//",
            "/",
            "",
            "https://\u{202E}",
            "ftp://",
        ][..],
    );
    let href = (scheme, inert(6)).prop_map(|(s, h)| format!("{s}{h}"));
    let label = prop_oneof![
        Just("x".to_owned()),
        "[a-zA-Z0-9 ]{1,8}".prop_map(|l| format!("{l}x"))
    ];
    prop::collection::vec((label, href, inert(3)), 1..6)
}

#[test]
fn links_of_any_scheme_are_shown_or_reported() {
    check("link_soup", 1, link_soup(), |links| {
        let source: String = links
            .iter()
            .map(|(label, href, between)| format!("[{label}]({href}){between}"))
            .collect();
        check_rich_text(&source)?;
        // Every link with an address is either shown as a link or reported.
        let expected = links
            .iter()
            .filter(|(_, href, _)| !sanitized(href).trim().is_empty())
            .count();
        let shown = inlines(&parse(&source))
            .into_iter()
            .filter(|i| matches!(i, Inline::Link { .. }))
            .count();
        let reported = bad_links(&source).len();
        ensure(shown + reported == expected, || {
            format!("{shown} shown + {reported} reported, expected {expected}, in {source:?}")
        })
    });
}

#[test]
fn one_megabyte_inputs_finish() {
    check("one_megabyte", 32, huge_string(1 << 20), |source| {
        check_rich_text(&source)
    });
}

// ---------------------------------------------------------------------------
// Regressions and worst cases

/// Patterns that cost a naive link scanner a scan of the rest of the text
/// for every bracket (quadratic time: minutes for 1 MB).
const WORST_CASES: &[&str] = &["[", "[a](", "[a](b", "[a]", "]](", "(", "**[", "[**"];

#[test]
fn regression_repeated_link_openings_take_linear_time() {
    for pattern in WORST_CASES {
        let source = pattern.repeat((1 << 20) / pattern.len());
        assert!(check_rich_text(&source).is_ok(), "{pattern}");
        let source = format!("{}\n", pattern).repeat((1 << 18) / pattern.len());
        assert!(check_rich_text(&source).is_ok(), "{pattern} lines");
    }
}
