//! A Mermaid flowchart of a tree, so authors and reviewers can see the whole
//! flow at once (paste it into any Mermaid renderer or a GitHub comment).
//!
//! Mermaid node ids are generated (`n0`, `n1`...) because author ids may
//! contain characters Mermaid gives meaning to; every label is quoted and
//! escaped with Mermaid's entity codes, so a title cannot break the diagram
//! or inject markup into the rendered SVG.

use std::collections::HashMap;
use std::fmt::Write;

use super::{EdgeKind, Node, ValidTree};

/// The tree as a Mermaid `flowchart TD`, with texts in `lang` (English when
/// missing). Questions are diamonds, fixes rectangles, the speed test a
/// parallelogram, outcomes stadiums (styled by kind).
pub fn to_mermaid(tree: &ValidTree, lang: &str) -> String {
    let nodes = &tree.tree().nodes;
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        index.entry(node.id().as_str()).or_insert(i);
    }
    let mut out = String::from("flowchart TD\n");
    for (i, node) in nodes.iter().enumerate() {
        let label = escape(node.title().text(lang));
        let (open, close) = match node {
            Node::Question(_) => ("{", "}"),
            Node::Fix(_) => ("[", "]"),
            Node::SpeedTest(_) => ("[/", "/]"),
            Node::Outcome(_) => ("([", "])"),
        };
        // Writing to a String cannot fail.
        let _ = writeln!(out, "    n{i}{open}\"{label}\"{close}");
    }
    for (i, node) in nodes.iter().enumerate() {
        for edge in node.edges() {
            let Some(target) = index.get(edge.target.as_str()) else {
                continue;
            };
            let label = match (node, edge.kind) {
                (Node::Question(q), EdgeKind::Answer(a)) => {
                    Some(escape(q.answers[a].label.text(lang)))
                }
                (_, EdgeKind::Fixed) => Some("fixed".to_owned()),
                (_, EdgeKind::NotFixed) => Some("not fixed".to_owned()),
                (Node::SpeedTest(s), EdgeKind::Route(r)) => {
                    Some(s.routes[r].when.as_str().to_owned())
                }
                (Node::SpeedTest(s), EdgeKind::Next) if !s.routes.is_empty() => {
                    Some("otherwise".to_owned())
                }
                _ => None,
            };
            let _ = match label {
                Some(label) => writeln!(out, "    n{i} -->|\"{label}\"| n{target}"),
                None => writeln!(out, "    n{i} --> n{target}"),
            };
        }
    }
    out.push_str("    classDef resolved fill:#d9f2df,stroke:#1e7b34\n");
    out.push_str("    classDef escalate fill:#fde2cf,stroke:#b34700\n");
    for (i, node) in nodes.iter().enumerate() {
        if let Node::Outcome(outcome) = node {
            let class = outcome.outcome.as_str();
            let _ = writeln!(out, "    class n{i} {class}");
        }
    }
    out
}

/// Escapes a label for a quoted Mermaid string: quotes, entity starts and
/// markup characters become entity codes; line breaks become spaces.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_quotes_markup_and_newlines() {
        assert_eq!(
            escape("Say \"hi\" <b>#1</b>\n|x|"),
            "Say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt; #124;x#124;"
        );
    }
}
