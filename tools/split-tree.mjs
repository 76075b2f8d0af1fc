// Writes target/trees/default.LANG.json for every language of the default
// tree but English: the tree with only English (the fallback for a text
// the language lacks) and that language. A person reading Urdu then
// fetches about a fifth of the ten-language file. Trunk runs it before
// every build (Trunk.toml's pre_build hook); index.html ships the folder
// as trees/, next to the whole file (trees/default.json, for authors).
//
//   node tools/split-tree.mjs
import { readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A localized text is an object whose values are all strings and which has "en". */
const localized = (v) => v && typeof v === "object" && !Array.isArray(v)
  && typeof v.en === "string" && Object.values(v).every((x) => typeof x === "string");

function keep(value, langs) {
  if (localized(value)) return Object.fromEntries(Object.entries(value).filter(([k]) => langs.includes(k)));
  if (Array.isArray(value)) return value.map((v) => keep(v, langs));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keep(v, langs)]));
  return value;
}

try {
  const tree = JSON.parse(readFileSync(resolve(root, "core/trees/default.json"), "utf8"));
  const out = resolve(root, "target/trees");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const lang of tree.langs.filter((l) => l !== "en")) {
    const langs = ["en", lang];
    // Path tests are for authors (the studio, `cargo xtask tree check`).
    const { tests: _tests, ...rest } = keep(tree, langs);
    const one = { ...rest, langs };
    writeFileSync(resolve(out, `default.${lang}.json`), JSON.stringify(one));
  }
  writeFileSync(resolve(out, "default.json"), readFileSync(resolve(root, "core/trees/default.json")));
} catch (e) {
  process.stderr.write(`split-tree: ${e.message}\n`);
  process.exit(1);
}
