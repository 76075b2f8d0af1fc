// The shortest trail (the `#step=` fragment) to every node of a tree, so a
// test can open any step directly. Tokens as the core's Session writes
// them: answer index, y (fixed), n (not fixed), m / m0.. (speed test).
import { readFileSync } from "node:fs";

export const DEFAULT_TREE = JSON.parse(
  readFileSync(new URL("../core/trees/default.json", import.meta.url), "utf8"));

function edges(node) {
  switch (node.type) {
    case "question": return node.answers.map((a, i) => [String(i), a.next]);
    case "fix": return [["n", node.next], ["y", node.fixed]];
    case "speed_test": return [["m", node.next], ...(node.routes ?? []).map((r, i) => [`m${i}`, r.next])];
    default: return [];
  }
}

/** Map of node id -> trail string, breadth first from the start. */
export function trailsTo(tree = DEFAULT_TREE) {
  const byId = new Map(tree.nodes.map((n) => [n.id, n]));
  const trails = new Map([[tree.start, []]]);
  const queue = [tree.start];
  while (queue.length) {
    const id = queue.shift();
    for (const [token, next] of edges(byId.get(id))) {
      if (!trails.has(next)) { trails.set(next, [...trails.get(id), token]); queue.push(next); }
    }
  }
  return new Map([...trails].map(([id, t]) => [id, t.join(".")]));
}
