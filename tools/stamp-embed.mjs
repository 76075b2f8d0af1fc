// The build's content-hashed file names (Trunk's filehash: the glue, the
// wasm, the stylesheet) and their stamp into embed.js, which keeps its own
// name so host pages can link it, and is revalidated on every load.
// tools/minify.mjs, run by `cargo xtask build` after Trunk, stamps embed.js
// with the final names (the glue's after minifying) before minifying it.
import { readdirSync } from "node:fs";

const PATTERNS = {
  glue: /^backup-doctor-[0-9a-f]{8,}\.js$/,
  wasm: /^backup-doctor-[0-9a-f]{8,}_bg\.wasm$/,
  css: /^widget-[0-9a-f]{8,}\.css$/,
};

/** `{glue, wasm, css}`: the one file of each kind in `dist`. */
export function hashedNames(dist) {
  const names = readdirSync(dist);
  const files = {};
  for (const [key, pattern] of Object.entries(PATTERNS)) {
    const found = names.filter((n) => pattern.test(n));
    if (found.length !== 1) throw new Error(`${dist}: expected one file like ${pattern}, found ${found.length}`);
    files[key] = found[0];
  }
  return files;
}

/** embed.js's `source` with `files` in its marked table. */
export function stampEmbed(source, files) {
  const marked = /\/\* FILES \*\/[\s\S]*?\/\* \/FILES \*\//;
  if (!marked.test(source)) throw new Error("embed.js: the /* FILES */ … /* /FILES */ table is missing");
  return source.replace(marked, JSON.stringify(files));
}
