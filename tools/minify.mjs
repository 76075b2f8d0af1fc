// What `cargo xtask build` does to the site after Trunk: the JavaScript
// minified with esbuild for the browsers of browsers.mjs (it lowers nothing
// they run, and fails on syntax it cannot lower for them), embed.js stamped
// with the build's file names (stamp-embed.mjs), and index.html without its
// comments and indentation. Trunk's own minifier cannot read wasm-bindgen's
// glue, so this runs on its output, before precompress.mjs.
//
// The glue's name carries a hash of its content and is cached for a year,
// immutable, under a Subresource Integrity check: the minified glue gets a
// name of its own content (Trunk's name would keep a second content behind
// it), and index.html's links and integrity and embed.js's table name it.
//
//   node tools/minify.mjs DIST
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { transformSync } from "esbuild";
import { JS_TARGETS } from "./browsers.mjs";
import { hashedNames, stampEmbed } from "./stamp-embed.mjs";

const dist = resolve(process.argv[2] ?? "dist");

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
  const files = hashedNames(dist);
  const { glue } = files;

  const code = minify(readFileSync(resolve(dist, glue), "utf8"));
  const renamed = `backup-doctor-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.js`;
  writeFileSync(resolve(dist, renamed), code);
  rmSync(resolve(dist, glue));
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
  rewrite(resolve(dist, "embed.js"), (source) => minify(stampEmbed(source, { ...files, glue: renamed })));
  for (const name of ["startup.js", "watchdog.js"]) rewrite(resolve(dist, name), minify);
} catch (e) {
  process.stderr.write(`minify: ${e.message}\n`);
  process.exit(1);
}
