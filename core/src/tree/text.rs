//! Safe rich text for `body` and `warning`: paragraphs, bullet and numbered
//! lists, `**bold**` and `[label](https://...)` links, and nothing else.
//!
//! It parses into plain data ([`RichText`]) that the widget renders with
//! ordinary elements, so no author string is ever interpreted as HTML:
//! `<script>` stays the eight characters `<script>`. Only http(s) links
//! survive; any other address (`javascript:`, `data:`, relative) becomes the
//! label as plain text here and a validation error in [`bad_links`].

use std::collections::HashMap;

/// A parsed rich text: a sequence of blocks.
pub type RichText = Vec<Block>;

/// One block of rich text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph; its source lines are joined with spaces.
    Paragraph(Vec<Inline>),
    /// A bullet list (lines starting with "- "); one entry per item.
    Bullets(Vec<Vec<Inline>>),
    /// A numbered list (lines starting with "1. ", "2. "...); one entry per item.
    Numbered(Vec<Vec<Inline>>),
}

/// A run of inline content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Literal text, shown as is.
    Text(String),
    /// Bold content (may contain links, never nested bold).
    Bold(Vec<Inline>),
    /// A link whose address is known to be http(s).
    Link {
        /// The words shown.
        label: String,
        /// The address, `http://` or `https://`.
        href: String,
    },
}

/// Parses rich text. Never fails: anything that is not markup is text.
pub fn parse(source: &str) -> RichText {
    let mut blocks = Vec::new();
    let mut current: Option<(LineKind, Vec<String>)> = None;
    let clean = sanitize(source);
    for line in clean.lines() {
        let kind = line_kind(line);
        match (kind, current.as_mut()) {
            (LineKind::Blank, _) => flush(&mut current, &mut blocks),
            (LineKind::Continuation(text), Some((_, items))) => {
                if let Some(last) = items.last_mut() {
                    last.push(' ');
                    last.push_str(text);
                }
            }
            (LineKind::Continuation(text), None) => {
                current = Some((LineKind::Paragraph(""), vec![text.to_owned()]));
            }
            (kind, Some((open, items))) if same_block(open, &kind) => match (open, &kind) {
                (LineKind::Paragraph(_), LineKind::Paragraph(text)) => {
                    if let Some(last) = items.last_mut() {
                        last.push(' ');
                        last.push_str(text);
                    }
                }
                (_, LineKind::Bullet(text) | LineKind::Numbered(text)) => {
                    items.push((*text).to_owned());
                }
                _ => {}
            },
            (kind, _) => {
                flush(&mut current, &mut blocks);
                let text = match kind {
                    LineKind::Paragraph(t) | LineKind::Bullet(t) | LineKind::Numbered(t) => t,
                    _ => "",
                };
                current = Some((kind, vec![text.to_owned()]));
            }
        }
    }
    flush(&mut current, &mut blocks);
    blocks
}

/// The link addresses in `source` that are not allowed (not http/https),
/// as written, in order. Empty for a valid text.
pub fn bad_links(source: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let clean = sanitize(source);
    for line in clean.lines() {
        let scanner = LinkScanner::new(line);
        let mut at = 0;
        while let Some(start) = line[at..].find('[').map(|i| at + i) {
            match scanner.link_at(start) {
                Some((_, href, end)) => {
                    if !is_allowed_href(href) {
                        bad.push(href.to_owned());
                    }
                    at = end;
                }
                None => at = start + 1,
            }
        }
    }
    bad
}

/// The text without markup, e.g. for a summary or an `aria-label`.
pub fn plain(text: &RichText) -> String {
    fn inline(out: &mut String, items: &[Inline]) {
        for item in items {
            match item {
                Inline::Text(t) => out.push_str(t),
                Inline::Bold(inner) => inline(out, inner),
                Inline::Link { label, .. } => out.push_str(label),
            }
        }
    }
    let mut out = String::new();
    for block in text {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        match block {
            Block::Paragraph(items) => inline(&mut out, items),
            Block::Bullets(list) | Block::Numbered(list) => {
                for (i, item) in list.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    match block {
                        Block::Numbered(_) => out.push_str(&format!("{}. ", i + 1)),
                        _ => out.push_str("- "),
                    }
                    inline(&mut out, item);
                }
            }
        }
    }
    out
}

/// True for an address the widget may link to: `http://` or `https://`
/// (any case) followed by a host, with no spaces, quotes or angle brackets.
pub fn is_allowed_href(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        rest
    } else {
        return false;
    };
    let host_ok = rest
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|host| !host.is_empty());
    host_ok
        && !href
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`".contains(c))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind<'a> {
    Blank,
    Paragraph(&'a str),
    Bullet(&'a str),
    Numbered(&'a str),
    /// An indented line following a list item: part of that item.
    Continuation(&'a str),
}

fn same_block(open: &LineKind<'_>, next: &LineKind<'_>) -> bool {
    matches!(
        (open, next),
        (LineKind::Paragraph(_), LineKind::Paragraph(_))
            | (LineKind::Bullet(_), LineKind::Bullet(_))
            | (LineKind::Numbered(_), LineKind::Numbered(_))
    )
}

fn line_kind(line: &str) -> LineKind<'_> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return LineKind::Blank;
    }
    let indented = line.starts_with([' ', '\t']);
    let start = line.trim_start();
    if let Some(text) = start.strip_prefix("- ") {
        return LineKind::Bullet(text.trim());
    }
    let digits = start.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 3 {
        if let Some(text) = start[digits..].strip_prefix(". ") {
            return LineKind::Numbered(text.trim());
        }
    }
    if indented {
        LineKind::Continuation(trimmed)
    } else {
        LineKind::Paragraph(trimmed)
    }
}

fn flush(current: &mut Option<(LineKind<'_>, Vec<String>)>, blocks: &mut Vec<Block>) {
    let Some((kind, items)) = current.take() else {
        return;
    };
    match kind {
        LineKind::Bullet(_) => {
            blocks.push(Block::Bullets(items.iter().map(|i| inline(i)).collect()))
        }
        LineKind::Numbered(_) => {
            blocks.push(Block::Numbered(items.iter().map(|i| inline(i)).collect()))
        }
        _ => {
            let joined = items.join(" ");
            blocks.push(Block::Paragraph(inline(&joined)));
        }
    }
}

/// Removes control characters (tabs become spaces) and the invisible
/// direction overrides that could make text read differently than written.
fn sanitize(source: &str) -> String {
    source
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Parses inline markup: bold spans, then links inside and outside them.
fn inline(source: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(open) = rest.find("**") {
        let after = &rest[open + 2..];
        match after.find("**") {
            Some(close) if !after[..close].trim().is_empty() => {
                links(&rest[..open], &mut out);
                let mut inner = Vec::new();
                links(&after[..close], &mut inner);
                out.push(Inline::Bold(inner));
                rest = &after[close + 2..];
            }
            _ => {
                // Unbalanced or empty: the asterisks are literal.
                links(&rest[..open + 2], &mut out);
                rest = after;
            }
        }
    }
    links(rest, &mut out);
    out
}

/// Parses links in a run without bold, appending to `out`.
fn links(source: &str, out: &mut Vec<Inline>) {
    let scanner = LinkScanner::new(source);
    let mut at = 0;
    while let Some(start) = source[at..].find('[').map(|i| at + i) {
        match scanner.link_at(start) {
            Some((label, href, end)) => {
                push_text(out, &source[at..start]);
                if is_allowed_href(href) {
                    out.push(Inline::Link {
                        label: label.to_owned(),
                        href: href.to_owned(),
                    });
                } else {
                    push_text(out, label);
                }
                at = end;
            }
            None => {
                push_text(out, &source[at..=start]);
                at = start + 1;
            }
        }
    }
    push_text(out, &source[at..]);
}

/// Finds `[label](href)` links in one run of text in linear time.
///
/// Scanning from every `[` to its `]` and `)` anew would cost a scan of the
/// rest of the text per bracket: a line of "[a](" repeated is quadratic,
/// minutes for a megabyte. So the closing parenthesis of every `(` is found
/// once up front, and a label's scan stops at the next `[`.
struct LinkScanner<'a> {
    source: &'a str,
    /// Byte offset of each `(` that is closed, to that of its `)`.
    closing: HashMap<usize, usize>,
}

impl<'a> LinkScanner<'a> {
    fn new(source: &'a str) -> Self {
        let mut closing = HashMap::new();
        let mut open = Vec::new();
        for (i, byte) in source.bytes().enumerate() {
            match byte {
                b'(' => open.push(i),
                b')' => {
                    if let Some(start) = open.pop() {
                        closing.insert(start, i);
                    }
                }
                _ => {}
            }
        }
        LinkScanner { source, closing }
    }

    /// Recognises `[label](href)` at byte `start` (a `[`): returns the
    /// label, the href and the offset just past the link. Balanced
    /// parentheses stay in the address (Wikipedia-style URLs); a label
    /// holds no `[`.
    fn link_at(&self, start: usize) -> Option<(&'a str, &'a str, usize)> {
        let source = self.source;
        let body = &source[start + 1..];
        let close = body.find(['[', ']'])?;
        let label = &body[..close];
        if body[close..].starts_with('[') || label.trim().is_empty() {
            return None;
        }
        let paren = start + 1 + close + 1;
        if !source[paren..].starts_with('(') {
            return None;
        }
        let end = *self.closing.get(&paren)?;
        let href = source[paren + 1..end].trim();
        if href.is_empty() {
            return None;
        }
        Some((label, href, end + 1))
    }
}

fn push_text(out: &mut Vec<Inline>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Inline::Text(text.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_owned())
    }

    #[test]
    fn paragraphs_lists_bold_and_links() {
        let parsed = parse(
            "Open **Settings > Chats > Chat backup**.\nThen wait.\n\n- one\n- two [help](https://faq.whatsapp.com/x)\n\n1. first\n2. second",
        );
        assert_eq!(
            parsed,
            vec![
                Block::Paragraph(vec![
                    text("Open "),
                    Inline::Bold(vec![text("Settings > Chats > Chat backup")]),
                    text(". Then wait."),
                ]),
                Block::Bullets(vec![
                    vec![text("one")],
                    vec![
                        text("two "),
                        Inline::Link {
                            label: "help".into(),
                            href: "https://faq.whatsapp.com/x".into()
                        }
                    ],
                ]),
                Block::Numbered(vec![vec![text("first")], vec![text("second")]]),
            ]
        );
    }

    #[test]
    fn list_directly_after_a_paragraph_line_starts_a_new_block() {
        let parsed = parse("Do this:\n- a\n- b\nDone.");
        assert_eq!(parsed.len(), 3);
        assert!(matches!(parsed[1], Block::Bullets(ref items) if items.len() == 2));
    }

    #[test]
    fn indented_line_continues_the_list_item() {
        let parsed = parse("1. Open the app\n   and wait\n2. Tap");
        assert_eq!(
            parsed,
            vec![Block::Numbered(vec![
                vec![text("Open the app and wait")],
                vec![text("Tap")]
            ])]
        );
    }

    #[test]
    fn html_is_literal_text() {
        let parsed = parse("<script>alert(1)</script> <b>x</b>");
        assert_eq!(
            parsed,
            vec![Block::Paragraph(vec![text(
                "<script>alert(1)</script> <b>x</b>"
            )])]
        );
    }

    #[test]
    fn javascript_and_other_schemes_become_plain_text() {
        for href in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "/relative/path",
            "//evil.example/x",
            "vbscript:x",
            "https:evil",
            "https://",
            "https://ex ample.org",
            "https://example.org/\"onmouseover=\"x",
        ] {
            let source = format!("see [x]({href}) now");
            let parsed = parse(&source);
            let Block::Paragraph(items) = &parsed[0] else {
                panic!("paragraph expected for {href}");
            };
            assert!(
                items.iter().all(|i| !matches!(i, Inline::Link { .. })),
                "{href} became a link"
            );
            assert_eq!(bad_links(&source).len(), 1, "{href} not reported");
        }
    }

    #[test]
    fn http_and_https_links_are_kept_any_case() {
        assert!(is_allowed_href("https://support.google.com/drive"));
        assert!(is_allowed_href("HTTP://example.org"));
        assert!(bad_links("[a](https://a.org) [b](http://b.org/x?y=1#z)").is_empty());
    }

    #[test]
    fn unbalanced_bold_is_literal() {
        assert_eq!(
            parse("2 ** 3 is eight"),
            vec![Block::Paragraph(vec![text("2 ** 3 is eight")])]
        );
        assert_eq!(
            parse("**bold** and **open"),
            vec![Block::Paragraph(vec![
                Inline::Bold(vec![text("bold")]),
                text(" and **open")
            ])]
        );
        assert_eq!(parse("****"), vec![Block::Paragraph(vec![text("****")])]);
    }

    #[test]
    fn balanced_parentheses_stay_in_the_address() {
        assert_eq!(
            parse("[Wiki](https://en.wikipedia.org/wiki/Backup_(computing)) end"),
            vec![Block::Paragraph(vec![
                Inline::Link {
                    label: "Wiki".into(),
                    href: "https://en.wikipedia.org/wiki/Backup_(computing)".into()
                },
                text(" end")
            ])]
        );
        assert_eq!(
            bad_links("[x](javascript:alert(1))"),
            ["javascript:alert(1)"]
        );
    }

    #[test]
    fn links_inside_bold() {
        assert_eq!(
            parse("**see [FAQ](https://faq.whatsapp.com)**"),
            vec![Block::Paragraph(vec![Inline::Bold(vec![
                text("see "),
                Inline::Link {
                    label: "FAQ".into(),
                    href: "https://faq.whatsapp.com".into()
                }
            ])])]
        );
    }

    #[test]
    fn control_characters_and_direction_overrides_are_dropped() {
        let parsed = parse("a\u{0}b\u{7}c\u{202E}d\u{1b}[31me\r\nf");
        assert_eq!(parsed, vec![Block::Paragraph(vec![text("abcd[31me f")])]);
    }

    #[test]
    fn brackets_that_are_not_links_stay() {
        assert_eq!(
            parse("[not a link] and [x] (y) and [](https://a.org)"),
            vec![Block::Paragraph(vec![text(
                "[not a link] and [x] (y) and [](https://a.org)"
            )])]
        );
    }

    #[test]
    fn plain_flattens_markup() {
        let parsed = parse("**Settings** [help](https://a.org)\n\n- a\n- b");
        assert_eq!(plain(&parsed), "Settings help\n\n- a\n- b");
    }

    #[test]
    fn blank_and_whitespace_only_text_has_no_blocks() {
        assert!(parse("").is_empty());
        assert!(parse(" \n\t\n ").is_empty());
    }
}
