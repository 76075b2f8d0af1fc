//! Author text can never become markup or a script: hostile strings come out
//! of the rich-text parser as plain text, and validation names the bad links.

use backup_doctor_core::tree::text::{bad_links, parse, plain, Block, Inline};
use backup_doctor_core::tree::{ProblemKind, Tree};

/// Every link the parser produced, anywhere in the text.
fn links(source: &str) -> Vec<String> {
    fn walk(items: &[Inline], out: &mut Vec<String>) {
        for item in items {
            match item {
                Inline::Link { href, .. } => out.push(href.clone()),
                Inline::Bold(inner) => walk(inner, out),
                Inline::Text(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    for block in parse(source) {
        match block {
            Block::Paragraph(items) => walk(&items, &mut out),
            Block::Bullets(list) | Block::Numbered(list) => {
                for item in list {
                    walk(&item, &mut out);
                }
            }
        }
    }
    out
}

#[test]
fn hostile_strings_never_produce_links() {
    let hostile = [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(document.cookie))",
        "[x]( javascript:alert(1) )",
        "[x](java\u{0}script:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](file:///etc/passwd)",
        "[x](//evil.example)",
        "[x](../admin)",
        "**[x](vbscript:msgbox)**",
        "- [x](javascript:void(0))",
        "1. [x](mailto:a@b.c)",
        "[x](https://a.org\" onclick=\"alert(1))",
        "[x](https://<img src=x onerror=alert(1)>)",
        "<a href=\"javascript:alert(1)\">click</a>",
    ];
    for source in hostile {
        assert!(links(source).is_empty(), "{source:?} produced a link");
    }
}

#[test]
fn every_hostile_link_is_reported_for_the_author() {
    for source in [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html,hi)",
        "[x](/relative)",
        "**[x](vbscript:msgbox)**",
    ] {
        assert_eq!(bad_links(source).len(), 1, "{source:?}");
    }
    assert!(bad_links("<script>alert(1)</script>").is_empty());
}

#[test]
fn script_tags_are_shown_as_written() {
    let parsed = parse("Type <script>alert(1)</script> & see");
    assert_eq!(plain(&parsed), "Type <script>alert(1)</script> & see");
}

#[test]
fn control_characters_are_removed() {
    let parsed = parse("Tap\u{0} **Back\u{1b}up**\u{7f}\u{202e}now");
    assert_eq!(plain(&parsed), "Tap Backupnow");
}

#[test]
fn menu_paths_in_bold_survive_intact() {
    let parsed = parse("Open **Settings > Chats > Chat backup** and tap **Back up**.");
    assert_eq!(
        parsed,
        vec![Block::Paragraph(vec![
            Inline::Text("Open ".into()),
            Inline::Bold(vec![Inline::Text("Settings > Chats > Chat backup".into())]),
            Inline::Text(" and tap ".into()),
            Inline::Bold(vec![Inline::Text("Back up".into())]),
            Inline::Text(".".into()),
        ])]
    );
}

#[test]
fn a_warning_with_a_javascript_link_fails_validation() {
    let json = r#"{"format":1,"id":"t","revision":"1","langs":["en"],"start":"f","nodes":[
        {"id":"f","type":"fix","title":{"en":"Clear cache"},
         "warning":{"en":"Read [this](javascript:alert(1)) first"},"confirm":{"en":"OK"},
         "fixed":"end","next":"end"},
        {"id":"end","type":"outcome","outcome":"resolved","title":{"en":"Done"}}]}"#;
    let errors = Tree::from_json(json).expect_err("bad link refused");
    assert_eq!(errors.problems.len(), 1, "{errors}");
    assert_eq!(errors.problems[0].path, "/nodes/0/warning/en");
    assert!(matches!(
        errors.problems[0].kind,
        ProblemKind::BadLink { .. }
    ));
}
