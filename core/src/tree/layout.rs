//! Where each step goes in the studio's diagram: a layered drawing, top to
//! bottom, computed here so the studio only turns numbers into SVG (no
//! diagram runtime in the page) and so the layout is tested natively.
//!
//! The method is the usual one for flowcharts (Sugiyama-style, much
//! simplified): edges that go back up a walk (loops, "try again") are set
//! aside, every node's layer is the longest way to it from the start over
//! the rest, and each layer is ordered by the mean position of the nodes
//! that lead into it, so a symptom's chain of fixes stays in one column.
//! Nothing recurses: a long chain must not overflow the wasm stack.

use std::collections::HashMap;

use super::{EdgeKind, Node, NodeId, OutcomeKind, Risk, ValidTree};

/// Width of a step's box, in diagram units (CSS pixels at 100 %).
pub const BOX_WIDTH: f64 = 176.0;
/// Height of a step's box.
pub const BOX_HEIGHT: f64 = 48.0;
const GAP_X: f64 = 28.0;
const GAP_Y: f64 = 44.0;
const MARGIN: f64 = 16.0;

/// The whole drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    /// One box per node, in file order.
    pub boxes: Vec<StepBox>,
    /// One line per edge.
    pub lines: Vec<EdgeLine>,
    /// Size of the drawing.
    pub width: f64,
    /// Size of the drawing.
    pub height: f64,
}

/// A node's box.
#[derive(Debug, Clone, PartialEq)]
pub struct StepBox {
    /// The node.
    pub id: NodeId,
    /// Its index in `nodes` (its JSON Pointer is `/nodes/{index}`).
    pub index: usize,
    /// Its `type` name.
    pub kind: &'static str,
    /// For an outcome, which kind.
    pub outcome: Option<OutcomeKind>,
    /// What it puts at risk.
    pub risk: Option<Risk>,
    /// Whether it is a safety check (the key check).
    pub safety_check: bool,
    /// Its English title.
    pub title: String,
    /// Layer, 0 for the start.
    pub layer: usize,
    /// Top-left corner.
    pub x: f64,
    /// Top-left corner.
    pub y: f64,
}

/// An edge, from the bottom of one box to the top of another, or, when it
/// goes back up (a loop), from the side of one to the side of the other.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeLine {
    /// Index of the box it leaves.
    pub from: usize,
    /// Index of the box it reaches.
    pub to: usize,
    /// Which way out of `from` it is.
    pub kind: EdgeKind,
    /// Whether it goes back up.
    pub back: bool,
    /// Start point.
    pub start: (f64, f64),
    /// End point.
    pub end: (f64, f64),
}

impl Diagram {
    /// The layout of `tree`.
    pub fn new(tree: &ValidTree) -> Self {
        let nodes = &tree.nodes;
        let index: HashMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id().as_str(), i))
            .collect();
        let edges: Vec<Vec<(usize, EdgeKind)>> = nodes
            .iter()
            .map(|n| {
                n.edges()
                    .iter()
                    .filter_map(|e| index.get(e.target.as_str()).map(|&t| (t, e.kind)))
                    .collect()
            })
            .collect();
        let start = index.get(tree.start.as_str()).copied().unwrap_or(0);
        let back = back_edges(&edges, start);
        let layer = layers(&edges, &back);
        let order = order_in_layers(&edges, &back, &layer);

        let boxes: Vec<StepBox> = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let (column, _) = order[i];
                StepBox {
                    id: node.id().clone(),
                    index: i,
                    kind: node.kind_name(),
                    outcome: match node {
                        Node::Outcome(o) => Some(o.outcome),
                        _ => None,
                    },
                    risk: node.risk(),
                    safety_check: node.is_safety_check(),
                    title: node.title().en().to_owned(),
                    layer: layer[i],
                    x: MARGIN + column as f64 * (BOX_WIDTH + GAP_X),
                    y: MARGIN + layer[i] as f64 * (BOX_HEIGHT + GAP_Y),
                }
            })
            .collect();
        let mut lines = Vec::new();
        for (from, outs) in edges.iter().enumerate() {
            for (k, &(to, kind)) in outs.iter().enumerate() {
                let is_back = back[from].contains(&k) || layer[to] <= layer[from];
                let (a, b) = (&boxes[from], &boxes[to]);
                let (start, end) = if is_back {
                    (
                        (a.x + BOX_WIDTH, a.y + BOX_HEIGHT / 2.0),
                        (b.x + BOX_WIDTH, b.y + BOX_HEIGHT / 2.0),
                    )
                } else {
                    // Several ways out of one box leave from spread points.
                    let spread = BOX_WIDTH * (k as f64 + 1.0) / (outs.len() as f64 + 1.0);
                    (
                        (a.x + spread, a.y + BOX_HEIGHT),
                        (b.x + BOX_WIDTH / 2.0, b.y),
                    )
                };
                lines.push(EdgeLine {
                    from,
                    to,
                    kind,
                    back: is_back,
                    start,
                    end,
                });
            }
        }
        let columns = order.iter().map(|(c, _)| c + 1).max().unwrap_or(1);
        let layers = layer.iter().max().map_or(1, |l| l + 1);
        Diagram {
            boxes,
            lines,
            // Room on the right for the loops' curves.
            width: 2.0 * MARGIN + columns as f64 * (BOX_WIDTH + GAP_X) + 40.0,
            height: 2.0 * MARGIN + layers as f64 * (BOX_HEIGHT + GAP_Y),
        }
    }
}

/// For each node, the positions (in its edge list) of the edges that close
/// a loop: found by an iterative depth-first walk from the start.
fn back_edges(edges: &[Vec<(usize, EdgeKind)>], start: usize) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut mark = vec![Mark::New; edges.len()];
    let mut back = vec![Vec::new(); edges.len()];
    let mut stack = vec![(start, 0usize)];
    mark[start] = Mark::OnPath;
    while let Some((node, next)) = stack.last_mut() {
        let node = *node;
        if let Some(&(to, _)) = edges[node].get(*next) {
            let k = *next;
            *next += 1;
            match mark[to] {
                Mark::OnPath => back[node].push(k),
                Mark::New => {
                    mark[to] = Mark::OnPath;
                    stack.push((to, 0));
                }
                Mark::Done => {}
            }
        } else {
            mark[node] = Mark::Done;
            stack.pop();
        }
    }
    back
}

/// Longest way from the start to each node over the forward edges (a DAG
/// once the back edges are out), by relaxing in topological order.
fn layers(edges: &[Vec<(usize, EdgeKind)>], back: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let forward = |node: usize| {
        edges[node]
            .iter()
            .enumerate()
            .filter(move |(k, _)| !back[node].contains(k))
            .map(|(_, &(to, _))| to)
    };
    let mut incoming = vec![0usize; n];
    for node in 0..n {
        for to in forward(node) {
            incoming[to] += 1;
        }
    }
    let mut layer = vec![0usize; n];
    // Only the start has no forward edge in: every other node was reached
    // by the depth-first walk over one.
    let mut ready: Vec<usize> = (0..n).filter(|&i| incoming[i] == 0).collect();
    let mut done = vec![false; n];
    while let Some(node) = ready.pop() {
        done[node] = true;
        for to in forward(node) {
            layer[to] = layer[to].max(layer[node] + 1);
            incoming[to] -= 1;
            if incoming[to] == 0 {
                ready.push(to);
            }
        }
    }
    // A loop the walk from the start never entered (a valid tree has none)
    // goes below everything else.
    for node in 0..n {
        if !done[node] {
            layer[node] = layer.iter().max().copied().unwrap_or(0) + 1;
        }
    }
    layer
}

/// Each node's (column, layer): layers in order, each sorted by the mean
/// column of its forward parents (file order breaks ties).
fn order_in_layers(
    edges: &[Vec<(usize, EdgeKind)>],
    back: &[Vec<usize>],
    layer: &[usize],
) -> Vec<(usize, usize)> {
    let n = edges.len();
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (node, outs) in edges.iter().enumerate() {
        for (k, &(to, _)) in outs.iter().enumerate() {
            if !back[node].contains(&k) && layer[to] > layer[node] {
                parents[to].push(node);
            }
        }
    }
    let depth = layer.iter().max().map_or(0, |l| l + 1);
    let mut column = vec![0usize; n];
    for l in 0..depth {
        let mut members: Vec<(f64, usize)> = (0..n)
            .filter(|&i| layer[i] == l)
            .map(|i| {
                let p = &parents[i];
                let mean = if p.is_empty() {
                    i as f64
                } else {
                    p.iter().map(|&q| column[q] as f64).sum::<f64>() / p.len() as f64
                };
                (mean, i)
            })
            .collect();
        members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (c, (_, i)) in members.into_iter().enumerate() {
            column[i] = c;
        }
    }
    (0..n).map(|i| (column[i], layer[i])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Tree;

    fn diagram(json: &str) -> Diagram {
        Diagram::new(&Tree::from_json(json).expect("valid"))
    }

    const LOOP: &str = r#"{"format": 2, "id": "t", "revision": "1", "langs": ["en"], "start": "q",
        "nodes": [
          {"id": "q", "type": "question", "title": {"en": "Phone?"},
           "answers": [{"label": {"en": "A"}, "next": "f1"}, {"label": {"en": "B"}, "next": "f2"}]},
          {"id": "f1", "type": "fix", "title": {"en": "One"}, "fixed": "ok", "next": "f2"},
          {"id": "f2", "type": "fix", "title": {"en": "Two"}, "fixed": "ok", "next": "again"},
          {"id": "again", "type": "question", "title": {"en": "Again?"},
           "answers": [{"label": {"en": "Yes"}, "next": "q"}, {"label": {"en": "No"}, "next": "help"}]},
          {"id": "ok", "type": "outcome", "outcome": "resolved", "title": {"en": "Done"}},
          {"id": "help", "type": "outcome", "outcome": "escalate", "title": {"en": "Help"}}
        ]}"#;

    #[test]
    fn every_node_is_below_the_nodes_that_lead_to_it_except_along_a_loop() {
        let d = diagram(LOOP);
        let layer = |id: &str| d.boxes.iter().find(|b| b.id == id).unwrap().layer;
        assert_eq!(layer("q"), 0);
        assert_eq!(layer("f1"), 1);
        assert_eq!(layer("f2"), 2, "the longest way in decides");
        assert!(layer("ok") > layer("f2"));
        let backs: Vec<(&str, &str)> = d
            .lines
            .iter()
            .filter(|l| l.back)
            .map(|l| (d.boxes[l.from].id.as_str(), d.boxes[l.to].id.as_str()))
            .collect();
        assert_eq!(backs, [("again", "q")]);
        for line in d.lines.iter().filter(|l| !l.back) {
            assert!(line.end.1 > line.start.1, "{line:?} goes down");
        }
    }

    #[test]
    fn boxes_never_overlap_and_fit_in_the_drawing() {
        let tree = Tree::from_json(include_str!("../../trees/default.json")).expect("valid");
        let d = Diagram::new(&tree);
        assert_eq!(d.boxes.len(), tree.nodes.len());
        for (i, a) in d.boxes.iter().enumerate() {
            assert!(a.x + BOX_WIDTH <= d.width && a.y + BOX_HEIGHT <= d.height);
            for b in &d.boxes[i + 1..] {
                let apart = (a.x - b.x).abs() >= BOX_WIDTH || (a.y - b.y).abs() >= BOX_HEIGHT;
                assert!(apart, "{} and {} overlap", a.id, b.id);
            }
        }
        let edges: usize = tree.nodes.iter().map(|n| n.edges().len()).sum();
        assert_eq!(d.lines.len(), edges);
    }

    #[test]
    fn a_long_chain_lays_out_without_recursion() {
        let mut nodes = String::new();
        for i in 0..3000 {
            nodes.push_str(&format!(
                r#"{{"id": "f{i}", "type": "fix", "title": {{"en": "Step"}}, "fixed": "ok", "next": "f{}"}},"#,
                i + 1
            ));
        }
        let json = format!(
            r#"{{"format": 2, "id": "t", "revision": "1", "langs": ["en"], "start": "f0", "nodes": [{nodes}
            {{"id": "f3000", "type": "outcome", "outcome": "escalate", "title": {{"en": "Help"}}}},
            {{"id": "ok", "type": "outcome", "outcome": "resolved", "title": {{"en": "Done"}}}}]}}"#
        );
        let d = diagram(&json);
        assert_eq!(d.boxes[3000].layer, 3000);
    }
}
