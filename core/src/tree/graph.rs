//! The tree as a graph of node indices: reachability, loops that never end,
//! and the longest way to an outcome (for the progress bar).
//!
//! Authors may write loops ("try again"), so nothing here assumes a DAG, and
//! nothing recurses: a tree of a few thousand nodes in a chain must not
//! overflow the browser's small wasm stack.

use std::collections::{HashMap, VecDeque};

use super::Node;

/// Successor lists over node indices; references to unknown ids are left out
/// (they are reported elsewhere), and a duplicated id means its first node.
pub(super) struct Graph {
    successors: Vec<Vec<usize>>,
    is_outcome: Vec<bool>,
}

impl Graph {
    pub fn new(nodes: &[&Node]) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, node) in nodes.iter().enumerate() {
            index.entry(node.id().as_str()).or_insert(i);
        }
        let successors = nodes
            .iter()
            .map(|node| {
                node.edges()
                    .iter()
                    .filter_map(|edge| index.get(edge.target.as_str()).copied())
                    .collect()
            })
            .collect();
        let is_outcome = nodes
            .iter()
            .map(|n| matches!(n, Node::Outcome(_)))
            .collect();
        Graph {
            successors,
            is_outcome,
        }
    }

    fn len(&self) -> usize {
        self.successors.len()
    }

    /// Which nodes a walk from `start` can reach.
    pub fn reachable_from(&self, start: usize) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut queue = VecDeque::from([start]);
        seen[start] = true;
        while let Some(node) = queue.pop_front() {
            for &next in &self.successors[node] {
                if !seen[next] {
                    seen[next] = true;
                    queue.push_back(next);
                }
            }
        }
        seen
    }

    /// For every node, the shortest walk from `start` to it (both ends
    /// included) that goes through no node marked in `stop`: a marked node
    /// can be reached, but nothing after it; `None` where no such walk exists.
    pub fn shortest_walks_not_through(
        &self,
        start: usize,
        stop: &[bool],
    ) -> Vec<Option<Vec<usize>>> {
        let mut parent: Vec<Option<usize>> = vec![None; self.len()];
        let mut seen = vec![false; self.len()];
        let mut queue = VecDeque::from([start]);
        seen[start] = true;
        while let Some(node) = queue.pop_front() {
            if stop[node] {
                continue;
            }
            for &next in &self.successors[node] {
                if !seen[next] {
                    seen[next] = true;
                    parent[next] = Some(node);
                    queue.push_back(next);
                }
            }
        }
        (0..self.len())
            .map(|node| {
                seen[node].then(|| {
                    let mut walk = vec![node];
                    while let Some(before) = parent[*walk.last().unwrap_or(&start)] {
                        walk.push(before);
                    }
                    walk.reverse();
                    walk
                })
            })
            .collect()
    }

    /// Which nodes can still reach some outcome.
    pub fn reaches_outcome(&self) -> Vec<bool> {
        let mut predecessors = vec![Vec::new(); self.len()];
        for (from, nexts) in self.successors.iter().enumerate() {
            for &to in nexts {
                predecessors[to].push(from);
            }
        }
        let mut good = self.is_outcome.clone();
        let mut queue: VecDeque<usize> = (0..self.len()).filter(|&i| good[i]).collect();
        while let Some(node) = queue.pop_front() {
            for &before in &predecessors[node] {
                if !good[before] {
                    good[before] = true;
                    queue.push_back(before);
                }
            }
        }
        good
    }

    /// Loops from which no outcome can be reached: each group is one loop
    /// (strongly connected set), its members in index order.
    pub fn loops_without_exit(&self) -> Vec<Vec<usize>> {
        let good = self.reaches_outcome();
        let bad: Vec<usize> = (0..self.len()).filter(|&i| !good[i]).collect();
        // A stuck node's successors are all stuck too, so reachability from
        // one stays inside the stuck set; these sets are small in practice.
        let reach: HashMap<usize, Vec<bool>> = bad
            .iter()
            .map(|&b| (b, self.reachable_without_self(b)))
            .collect();
        let mut grouped = vec![false; self.len()];
        let mut groups = Vec::new();
        for &b in &bad {
            if grouped[b] || !reach[&b][b] {
                continue;
            }
            let group: Vec<usize> = bad
                .iter()
                .copied()
                .filter(|&o| reach[&b][o] && reach[&o][b])
                .collect();
            for &member in &group {
                grouped[member] = true;
            }
            groups.push(group);
        }
        groups
    }

    /// Nodes reachable in one or more steps (so `from` itself only via a loop).
    fn reachable_without_self(&self, from: usize) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut queue: VecDeque<usize> = self.successors[from].iter().copied().collect();
        for &next in &self.successors[from] {
            seen[next] = true;
        }
        while let Some(node) = queue.pop_front() {
            for &next in &self.successors[node] {
                if !seen[next] {
                    seen[next] = true;
                    queue.push_back(next);
                }
            }
        }
        seen
    }

    /// For every node, an estimate of the most steps left to an outcome:
    /// the longest path found by a depth-first walk from `start` that does
    /// not follow edges back into the walk (so loops count once). Outcomes
    /// are 0; a node whose only ways out loop back counts as 1.
    pub fn longest_to_outcome(&self, start: usize) -> Vec<usize> {
        const NEW: u8 = 0;
        const OPEN: u8 = 1;
        const DONE: u8 = 2;
        let mut state = vec![NEW; self.len()];
        let mut longest = vec![0usize; self.len()];
        let roots = std::iter::once(start).chain(0..self.len());
        for root in roots {
            if state[root] != NEW {
                continue;
            }
            let mut stack = vec![(root, 0usize)];
            state[root] = OPEN;
            while let Some((node, edge)) = stack.last_mut() {
                let node = *node;
                if let Some(&next) = self.successors[node].get(*edge) {
                    *edge += 1;
                    if state[next] == NEW {
                        state[next] = OPEN;
                        stack.push((next, 0));
                    }
                    continue;
                }
                stack.pop();
                state[node] = DONE;
                longest[node] = if self.is_outcome[node] {
                    0
                } else {
                    self.successors[node]
                        .iter()
                        .filter(|&&next| state[next] == DONE)
                        .map(|&next| longest[next] + 1)
                        .max()
                        .unwrap_or(1)
                };
            }
        }
        longest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(json: &str) -> Node {
        serde_json::from_str(json).expect("test node")
    }

    fn fix(id: &str, fixed: &str, next: &str) -> Node {
        node(&format!(
            r#"{{"id":"{id}","type":"fix","title":{{"en":"t"}},"fixed":"{fixed}","next":"{next}"}}"#
        ))
    }

    fn end(id: &str) -> Node {
        node(&format!(
            r#"{{"id":"{id}","type":"outcome","outcome":"resolved","title":{{"en":"t"}}}}"#
        ))
    }

    #[test]
    fn loop_with_an_exit_is_fine_and_counts_once() {
        let nodes = [fix("a", "end", "b"), fix("b", "end", "a"), end("end")];
        let refs: Vec<&Node> = nodes.iter().collect();
        let graph = Graph::new(&refs);
        assert!(graph.loops_without_exit().is_empty());
        assert_eq!(graph.longest_to_outcome(0), vec![2, 1, 0]);
    }

    #[test]
    fn loop_without_exit_is_one_group() {
        let nodes = [
            fix("a", "b", "b"),
            fix("b", "c", "c"),
            fix("c", "b", "b"),
            end("end"),
        ];
        let refs: Vec<&Node> = nodes.iter().collect();
        let graph = Graph::new(&refs);
        assert_eq!(graph.loops_without_exit(), vec![vec![1, 2]]);
        assert_eq!(graph.reachable_from(0), vec![true, true, true, false]);
    }

    #[test]
    fn a_walk_stops_at_a_marked_node() {
        let nodes = [
            fix("a", "end", "b"),
            fix("b", "end", "c"),
            fix("c", "end", "end"),
            end("end"),
        ];
        let refs: Vec<&Node> = nodes.iter().collect();
        let graph = Graph::new(&refs);
        let walks = graph.shortest_walks_not_through(0, &[false, true, false, false]);
        assert_eq!(walks[1], Some(vec![0, 1]));
        assert_eq!(walks[2], None, "c lies behind the marked b");
        assert_eq!(walks[3], Some(vec![0, 3]));
    }

    #[test]
    fn long_chain_does_not_overflow_the_stack() {
        let mut nodes: Vec<Node> = (0..20_000)
            .map(|i| fix(&format!("n{i}"), "end", &format!("n{}", i + 1)))
            .collect();
        nodes.push(end("n20000"));
        nodes.push(end("end"));
        let refs: Vec<&Node> = nodes.iter().collect();
        let graph = Graph::new(&refs);
        assert_eq!(graph.longest_to_outcome(0)[0], 20_000);
    }
}
