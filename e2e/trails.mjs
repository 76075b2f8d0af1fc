// The shortest trail (the `#step=` fragment) to every node of the default
// tree, so a test can open any step directly. The core computes them (its
// path report, `cargo xtask tree paths --json`); `cargo xtask test` writes
// the report to $TREE_PATHS before the tests start, so there is one
// definition of how a walk moves, in Rust.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const TREE_FILE = new URL("../core/trees/default.json", import.meta.url);

export const DEFAULT_TREE = JSON.parse(readFileSync(TREE_FILE, "utf8"));

function report() {
  if (process.env.TREE_PATHS) return JSON.parse(readFileSync(process.env.TREE_PATHS, "utf8"));
  // Run by hand (node --test one.test.mjs): ask the core directly.
  const out = execFileSync("cargo", ["run", "-q", "-p", "xtask", "--", "tree", "paths", "--json", TREE_FILE.pathname],
    { encoding: "utf8", cwd: new URL("..", import.meta.url).pathname });
  return JSON.parse(out);
}

/** The default tree's path report: {symptoms, longest, trails}. */
export const PATHS = report();

/** Map of node id -> trail string. */
export function trailsTo() {
  return new Map(Object.entries(PATHS.trails));
}
