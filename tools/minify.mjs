// Minifies the built site's JavaScript with esbuild for the browsers of
// browsers.mjs (it lowers nothing they run, and fails on syntax it cannot
// lower for them): the wasm-bindgen glue, startup.js, watchdog.js and
// embed.js; and index.html without its comments and indentation. Trunk's own minifier cannot read wasm-bindgen's glue, so this
// runs on its output: `cargo xtask build` calls it after stamp-embed.mjs,
// before precompress.mjs.
//
// The glue's name carries a hash of its content and is cached for a year,
// immutable, under a Subresource Integrity check: the minified glue gets a
// name of its own content (the unminified one's name would keep a second
// content behind it), and index.html's links and integrity and embed.js's
// file table follow it.
//
//   node tools/minify.mjs DIST
import { readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { transformSync } from "esbuild";
import { JS_TARGETS } from "./browsers.mjs";

const dist = resolve(process.argv[2] ?? "dist");
const GLUE = /^backup-doctor-[0-9a-f]{8,}\.js$/;

/** `source` minified as an ES module for the support floor. */
function minify(source) {
  return transformSync(source, {
    format: "esm",
    minify: true,
    target: JS_TARGETS,
    // Every language's words are in startup.js: as they are, not as \u escapes.
    charset: "utf8",
    legalComments: "none",
  }).code;
}

/** Replaces every `from` in `text`, which must hold at least one. */
function replaceAll(text, from, to, where) {
  if (!text.includes(from)) throw new Error(`${where} does not name ${from}`);
  return text.split(from).join(to);
}

function rewrite(path, change) {
  writeFileSync(path, change(readFileSync(path, "utf8")));
}

try {
  const names = readdirSync(dist).filter((n) => GLUE.test(n));
  if (names.length !== 1) throw new Error(`${dist}: expected one glue like ${GLUE}, found ${names.length}`);
  const [glue] = names;

  const code = minify(readFileSync(resolve(dist, glue), "utf8"));
  const renamed = `backup-doctor-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.js`;
  writeFileSync(resolve(dist, glue), code);
  renameSync(resolve(dist, glue), resolve(dist, renamed));
  const integrity = `sha384-${createHash("sha384").update(code).digest("base64")}`;

  rewrite(resolve(dist, "index.html"), (html) => {
    const linked = replaceAll(html, glue, renamed, "index.html");
    // Trunk's <link rel="modulepreload" … integrity="…"> of the glue.
    const preload = new RegExp(`<link[^>]*/${renamed}"[^>]*>`);
    const tag = linked.match(preload)?.[0];
    if (!tag || !/integrity="sha384-[^"]*"/.test(tag)) throw new Error("index.html has no modulepreload with integrity for the glue");
    const page = linked.replace(tag, tag.replace(/integrity="sha384-[^"]*"/, `integrity="${integrity}"`));
    // The page has no <pre> or <textarea>: its indentation is not content.
    return page.replace(/<!--[\s\S]*?-->/g, "").replace(/\n\s*/g, "\n").replace(/\n+/g, "\n");
  });
  // embed.js, already stamped with the build's names, learns the glue's new one.
  rewrite(resolve(dist, "embed.js"), (source) => minify(replaceAll(source, glue, renamed, "embed.js")));
  for (const name of ["startup.js", "watchdog.js"]) rewrite(resolve(dist, name), minify);
} catch (e) {
  process.stderr.write(`minify: ${e.message}\n`);
  process.exit(1);
}
