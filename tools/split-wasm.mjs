// The split widget (`cargo xtask build`'s target/split/site: the main wasm,
// its glue, the chunks' loader __wasm_split.js and the chunks) put in
// place of Trunk's whole wasm and its glue in dist/, each under a name of
// its content: the main wasm as backup-doctor-HASH_bg.wasm (index.html's
// links and integrity follow), each chunk as chunk-NAME-HASH.wasm (named
// in the loader). The glue takes the place of Trunk's glue file; the
// loader is returned, for tools/minify.mjs to name with the glue: the two
// import each other, so one hash of both names both (a change to either
// renames both, and a year-long cache never pairs old with new).
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { resolve } from "node:path";

/** The loader's name as the glue imports it, before it is renamed. */
export const LOADER_IMPORT = "./__wasm_split.js";
/** The glue's name as the loader imports it, before it is renamed. */
export const GLUE_IMPORT = "./backup-doctor.js";

export const hex16 = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);
export const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

/** `text`, which must hold `name`. */
function naming(text, name, where) {
  if (!text.includes(name)) throw new Error(`${where} does not name ${name}`);
  return text;
}

/** Replaces every `from` in `text`, which must hold at least one. */
export function replaceAll(text, from, to, where) {
  return naming(text, from, where).split(from).join(to);
}

/**
 * Puts the split build of `site` into `dist`, where Trunk left `files`
 * (`{glue, wasm}`); returns `{wasm, loader}`: the main wasm's new name and
 * the loader's source (chunks named, the glue still as GLUE_IMPORT).
 */
export function placeSplit(dist, site, files) {
  const main = readFileSync(resolve(site, "backup-doctor_bg.wasm"));
  const wasm = `backup-doctor-${hex16(main)}_bg.wasm`;
  rmSync(resolve(dist, files.wasm));
  writeFileSync(resolve(dist, wasm), main);

  const indexPath = resolve(dist, "index.html");
  let html = replaceAll(readFileSync(indexPath, "utf8"), files.wasm, wasm, "index.html");
  // Trunk's <link rel="preload" … integrity="…"> of the wasm.
  const tag = html.match(new RegExp(`<link[^>]*/${wasm}"[^>]*>`))?.[0];
  if (!tag || !/integrity="sha384-[^"]*"/.test(tag)) throw new Error("index.html has no preload with integrity for the wasm");
  html = html.replace(tag, tag.replace(/integrity="sha384-[^"]*"/, `integrity="${sri(main)}"`));
  writeFileSync(indexPath, html);

  let loader = readFileSync(resolve(site, "__wasm_split.js"), "utf8");
  naming(loader, `"${GLUE_IMPORT}"`, "__wasm_split.js");
  const chunks = readdirSync(site).filter((n) => n.endsWith(".wasm") && n !== "backup-doctor_bg.wasm");
  if (chunks.length === 0) throw new Error(`${site} has no chunks: were the split points built?`);
  for (const name of chunks) {
    const bytes = readFileSync(resolve(site, name));
    const stem = name.replace(/\.wasm$/, "").replace(/^split_/, "").replace(/^chunk_/, "shared").replace(/[^A-Za-z0-9]+/g, "_");
    const hashed = `chunk-${stem}-${hex16(bytes)}.wasm`;
    writeFileSync(resolve(dist, hashed), bytes);
    loader = replaceAll(loader, `"./${name}"`, `"./${hashed}"`, "__wasm_split.js");
  }

  const glue = readFileSync(resolve(site, "backup-doctor.js"), "utf8");
  writeFileSync(resolve(dist, files.glue), naming(glue, `"${LOADER_IMPORT}"`, "the glue"));
  return { wasm, loader };
}
