// The studio's check on trees of three sizes, in the browser: the core's
// validation and the whole check (problems placed, diagram, path report,
// path tests, coverage), as the studio measures them on each edit
// (performance.now() around each, in the page), beside the browser's own
// JSON.parse of the same text in the same page: the peer that says what
// merely reading the file costs on this machine right now. Run by `cargo
// xtask bench studio`, which prints the table.
//
//   node bench/studio-check.mjs --base http://HOST:PORT/ [--edits N]
import { launch } from "../harness.mjs";

const args = process.argv.slice(2);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const base = value("--base");
const edits = Number(value("--edits", "15"));
if (!base) {
  process.stderr.write("usage: node bench/studio-check.mjs --base http://HOST:PORT/ [--edits N]\n");
  process.exit(2);
}

const localized = (v) => v && typeof v === "object" && !Array.isArray(v) && typeof v.en === "string";
function keepLangs(value, langs) {
  if (localized(value)) return Object.fromEntries(Object.entries(value).filter(([k]) => langs.includes(k)));
  if (Array.isArray(value)) return value.map((v) => keepLangs(v, langs));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keepLangs(v, langs)]));
  return value;
}

/** `copies` chains of the tree's nodes in `langs`, reached from the first question. */
function bigTree(tree, langs, copies) {
  const small = { ...keepLangs(tree, langs), langs, tests: [] };
  const ids = new Set(small.nodes.map((n) => n.id));
  // Node references are the values of these fields, in nodes and in their
  // answers, routes and notes; everything else is copied as it is.
  const REFS = new Set(["id", "next", "fixed", "copy_of", "if_done", "unless_done"]);
  const LISTS = new Set(["answers", "routes", "notes"]);
  const ref = (k) => (v) => (Array.isArray(v) ? v.map(ref(k)) : ids.has(v) ? `${v}-${k}` : v);
  const rename = (k) => (object) => Object.fromEntries(Object.entries(object).map(([key, v]) => [
    key,
    REFS.has(key) ? ref(k)(v) : LISTS.has(key) ? v.map(rename(k)) : v,
  ]));
  const nodes = [...small.nodes];
  for (let k = 2; k <= copies; k++) {
    nodes.push(...small.nodes.map(rename(k)));
    const label = Object.fromEntries(langs.map((l) => [l, `Phone ${k}`]));
    nodes[0].answers.push({ label, next: `${small.start}-${k}` });
  }
  return { ...small, nodes };
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("dialog", (d) => d.accept());
  await page.goto(new URL("studio/", base).href);
  await page.waitForFunction(() => document.querySelector(".st-source")?.textContent.startsWith("Editing"));
  const full = JSON.parse(await page.locator("#st-text").inputValue());
  const trees = [
    ["default tree, English only", keepLangs({ ...full, langs: ["en"] }, ["en"])],
    ["default tree, 10 languages", full],
    ["5 chains of it, 3 languages", bigTree(full, ["en", "es", "fr"], 5)],
  ];
  const rows = [];
  for (const [name, tree] of trees) {
    const text = JSON.stringify(tree, null, 2) + "\n";
    const samples = { validate: [], total: [], parse: [] };
    for (let i = 0; i <= edits; i++) {
      // A different text each time (trailing spaces), as an edit is.
      const next = text + " ".repeat(i);
      const before = await page.locator(".st-edit").getAttribute("data-checks");
      await page.locator("#st-text").evaluate((el, v) => {
        el.value = v;
        el.dispatchEvent(new InputEvent("input", { bubbles: true }));
      }, next);
      await page.waitForFunction((old) => document.querySelector(".st-edit")?.getAttribute("data-checks") !== old, before, { timeout: 30000 });
      const summary = await page.locator(".st-check .st-summary").textContent();
      if (!summary.startsWith("No problems") && !/^0 errors/.test(summary)) {
        const problems = await page.locator(".st-errors .st-problem").allTextContents();
        throw new Error(`${name}: ${summary}\n${problems.slice(0, 5).join("\n")}`);
      }
      const parse = await page.evaluate((v) => { const t = performance.now(); JSON.parse(v); return performance.now() - t; }, next);
      if (i === 0) continue; // the first is a warm-up
      samples.validate.push(Number(await page.locator(".st-check").getAttribute("data-validate-ms")));
      samples.total.push(Number(await page.locator(".st-check").getAttribute("data-check-ms")));
      samples.parse.push(parse);
    }
    rows.push({
      name,
      bytes: Buffer.byteLength(text),
      nodes: tree.nodes.length,
      validateMedian: quantile(samples.validate, 0.5),
      validateP90: quantile(samples.validate, 0.9),
      totalMedian: quantile(samples.total, 0.5),
      totalP90: quantile(samples.total, 0.9),
      parseMedian: quantile(samples.parse, 0.5),
    });
  }
  process.stdout.write(JSON.stringify({ edits, rows }) + "\n");
} finally {
  await browser.close();
}
