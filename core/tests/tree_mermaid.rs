//! The Mermaid export shows every node once and every way out of it, with
//! the labels a reviewer expects, and cannot be broken by an author's text.

use backup_doctor_core::tree::mermaid::to_mermaid;
use backup_doctor_core::tree::Tree;

const WALK: &str = include_str!("fixtures/walk.json");

#[test]
fn flowchart_has_one_line_per_node_and_per_edge() {
    let tree = Tree::from_json(WALK).expect("walk fixture");
    let chart = to_mermaid(&tree, "en");
    let mut lines = chart.lines();
    assert_eq!(lines.next(), Some("flowchart TD"));
    let node_lines = chart
        .lines()
        .filter(|l| l.trim_start().starts_with('n') && !l.contains("-->"))
        .count();
    assert_eq!(node_lines, tree.nodes.len());
    let edges: usize = tree.nodes.iter().map(|n| n.edges().len()).sum();
    assert_eq!(chart.matches("-->").count(), edges);
}

#[test]
fn shapes_and_labels_follow_the_node_kinds() {
    let tree = Tree::from_json(WALK).expect("walk fixture");
    let chart = to_mermaid(&tree, "en");
    assert!(
        chart.contains("    n0{\"Which phone is the stuck backup on?\"}\n"),
        "{chart}"
    );
    assert!(
        chart.contains("    n2[/\"Test your connection\"/]\n"),
        "{chart}"
    );
    assert!(
        chart.contains("    n5[\"Restart your phone\"]\n"),
        "{chart}"
    );
    assert!(
        chart.contains("    n9([\"Your backup is moving\"])\n"),
        "{chart}"
    );
    assert!(chart.contains("    n0 -->|\"Android\"| n1\n"), "{chart}");
    assert!(chart.contains("    n5 -->|\"fixed\"| n9\n"), "{chart}");
    assert!(chart.contains("    n5 -->|\"not fixed\"| n6\n"), "{chart}");
    assert!(chart.contains("    n2 -->|\"offline\"| n3\n"), "{chart}");
    assert!(
        chart.contains("    n2 -->|\"slow_upload\"| n4\n"),
        "{chart}"
    );
    assert!(chart.contains("    n2 -->|\"otherwise\"| n5\n"), "{chart}");
    assert!(chart.contains("    class n9 resolved\n"), "{chart}");
    assert!(chart.contains("    class n10 escalate\n"), "{chart}");
}

#[test]
fn labels_use_the_requested_language() {
    let tree = Tree::from_json(WALK).expect("walk fixture");
    let chart = to_mermaid(&tree, "es");
    assert!(chart.contains("n1{\"¿Qué ves?\"}"), "{chart}");
    assert!(chart.contains("-->|\"Atascada en 0 %\"|"), "{chart}");
}

#[test]
fn hostile_titles_cannot_break_out_of_their_label() {
    let json = r#"{"format":1,"id":"t","revision":"1","langs":["en"],"start":"q","nodes":[
        {"id":"q","type":"question","title":{"en":"Say \"hi\"] --> x[<img src=x onerror=alert(1)>"},
         "answers":[{"label":{"en":"a|b\"c"},"next":"end"}]},
        {"id":"end","type":"outcome","outcome":"resolved","title":{"en":"Done #1"}}]}"#;
    let tree = Tree::from_json(json).expect("valid");
    let chart = to_mermaid(&tree, "en");
    assert!(!chart.contains('<'), "{chart}");
    assert_eq!(
        chart.matches("-->").count(),
        1,
        "only the real edge: {chart}"
    );
    let first = chart.lines().nth(1).expect("node line");
    assert_eq!(first.matches('"').count(), 2, "{first}");
    assert!(chart.contains("-->|\"a#124;b#quot;c\"| n1"), "{chart}");
    assert!(chart.contains("Done #35;1"), "{chart}");
}
