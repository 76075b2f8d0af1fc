// Writes target/embed/startup.js: embed/startup.js with its table of
// start-up failure and crash words filled from every locales/*.json (the
// KEYS below, in the order embed/startup.js reads them), so the one
// language list is the locale files; and target/words/LANG.json, every
// language but English as the widget fetches it (the locale file, minified;
// English is compiled in). Trunk runs it before every build (Trunk.toml's
// pre_build hook); index.html ships both.
//
//   node tools/startup-words.mjs
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const KEYS = [
  "startup_title", "startup_help", "startup_reload", "direction", "loading_tree",
  "crash_heading", "crash_text", "crash_reload", "crash_details",
];

try {
  const codes = readdirSync(resolve(root, "locales"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort((a, b) => (a === "en" ? -1 : b === "en" ? 1 : a.localeCompare(b)));
  const table = {};
  for (const code of codes) {
    const texts = JSON.parse(readFileSync(resolve(root, "locales", `${code}.json`), "utf8"));
    const missing = KEYS.filter((k) => typeof texts[k] !== "string");
    if (missing.length) throw new Error(`locales/${code}.json: missing ${missing.join(", ")}`);
    table[code] = KEYS.map((k) => texts[k]);
    if (code !== "en") {
      const words = resolve(root, "target/words", `${code}.json`);
      mkdirSync(dirname(words), { recursive: true });
      writeFileSync(words, JSON.stringify(texts));
    }
  }
  const source = readFileSync(resolve(root, "embed/startup.js"), "utf8");
  const marked = /\/\* WORDS \*\/[\s\S]*?\/\* \/WORDS \*\//;
  if (!marked.test(source)) throw new Error("embed/startup.js: the /* WORDS */ … /* /WORDS */ table is missing");
  const body = Object.entries(table)
    .map(([code, words]) => `  ${JSON.stringify(code)}: ${JSON.stringify(words)},`)
    .join("\n");
  const out = resolve(root, "target/embed/startup.js");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, source.replace(marked, `{\n${body}\n}`));
} catch (e) {
  process.stderr.write(`startup-words: ${e.message}\n`);
  process.exit(1);
}
