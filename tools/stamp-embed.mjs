// Writes the build's content-hashed file names (Trunk's filehash: the glue,
// the wasm, the stylesheet) into DIST/embed.js, which keeps its own name so
// host pages can link it, and is revalidated on every load. `cargo xtask
// build` runs it after Trunk, before the Brotli and gzip copies are made.
//
//   node tools/stamp-embed.mjs DIST
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const dist = resolve(process.argv[2] ?? "dist");
const PATTERNS = {
  glue: /^backup-doctor-[0-9a-f]{8,}\.js$/,
  wasm: /^backup-doctor-[0-9a-f]{8,}_bg\.wasm$/,
  css: /^widget-[0-9a-f]{8,}\.css$/,
};

try {
  const names = readdirSync(dist);
  const files = {};
  for (const [key, pattern] of Object.entries(PATTERNS)) {
    const found = names.filter((n) => pattern.test(n));
    if (found.length !== 1) throw new Error(`${dist}: expected one file like ${pattern}, found ${found.length}`);
    files[key] = found[0];
  }
  const path = resolve(dist, "embed.js");
  const source = readFileSync(path, "utf8");
  const marked = /\/\* FILES \*\/[\s\S]*?\/\* \/FILES \*\//;
  if (!marked.test(source)) throw new Error("embed.js: the /* FILES */ … /* /FILES */ table is missing");
  writeFileSync(path, source.replace(marked, JSON.stringify(files)));
} catch (e) {
  process.stderr.write(`stamp-embed: ${e.message}\n`);
  process.exit(1);
}
