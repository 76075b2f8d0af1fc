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
// With SPLIT (the split widget, see split-wasm.mjs), its wasm, glue,
// chunks and chunk loader first take the place of Trunk's wasm and glue;
// the loader, minified too, is named with the glue (split-HASH.js) and
// preloaded by index.html beside it.
//
//   node tools/minify.mjs DIST [SPLIT]
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { transformSync } from "esbuild";
import { JS_TARGETS } from "./browsers.mjs";
import { hashedNames, stampEmbed } from "./stamp-embed.mjs";
import { GLUE_IMPORT, LOADER_IMPORT, hex16, placeSplit, replaceAll, sri } from "./split-wasm.mjs";

const dist = resolve(process.argv[2] ?? "dist");
const split = process.argv[3] && resolve(process.argv[3]);

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

function rewrite(path, change) {
  writeFileSync(path, change(readFileSync(path, "utf8")));
}

try {
  const files = hashedNames(dist);
  const { glue } = files;
  const placed = split ? placeSplit(dist, split, files) : undefined;

  let code = minify(readFileSync(resolve(dist, glue), "utf8"));
  let loader = placed && minify(placed.loader);
  const hash = hex16(placed ? `${code}\0${loader}` : code);
  const renamed = `backup-doctor-${hash}.js`;
  const loaderName = `split-${hash}.js`;
  if (placed) {
    // Its `import … from` only: the wasm's imports object keeps the
    // module name the wasm itself imports.
    code = replaceAll(code, `from"${LOADER_IMPORT}"`, `from"./${loaderName}"`, "the minified glue");
    loader = replaceAll(loader, `from"${GLUE_IMPORT}"`, `from"./${renamed}"`, "the minified loader");
    writeFileSync(resolve(dist, loaderName), loader);
  }
  writeFileSync(resolve(dist, renamed), code);
  rmSync(resolve(dist, glue));

  rewrite(resolve(dist, "index.html"), (html) => {
    const linked = replaceAll(html, glue, renamed, "index.html");
    // Trunk's <link rel="modulepreload" … integrity="…"> of the glue.
    const preload = new RegExp(`<link[^>]*/${renamed}"[^>]*>`);
    const tag = linked.match(preload)?.[0];
    if (!tag || !/integrity="sha384-[^"]*"/.test(tag)) throw new Error("index.html has no modulepreload with integrity for the glue");
    const withIntegrity = (of, bytes) => of.replace(/integrity="sha384-[^"]*"/, `integrity="${sri(bytes)}"`);
    // The loader is a static import of the glue: preloaded beside it, not
    // found only once the glue is parsed.
    const loaderTag = placed ? withIntegrity(tag.replace(`/${renamed}"`, `/${loaderName}"`), loader) : "";
    const page = linked.replace(tag, withIntegrity(tag, code) + loaderTag);
    // The page has no <pre> or <textarea>: its indentation is not content.
    return page.replace(/<!--[\s\S]*?-->/g, "").replace(/\n\s*/g, "\n").replace(/\n+/g, "\n");
  });
  rewrite(resolve(dist, "embed.js"), (source) => minify(stampEmbed(source, { ...files, glue: renamed, ...(placed && { wasm: placed.wasm }) })));
  for (const name of ["startup.js", "watchdog.js"]) rewrite(resolve(dist, name), minify);
} catch (e) {
  process.stderr.write(`minify: ${e.message}\n`);
  process.exit(1);
}
