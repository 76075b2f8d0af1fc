// The support floor of the README's table, as the files are served: no
// JavaScript syntax newer than the oldest engine runs (embed.js, its
// helpers, the wasm glue and the page's own scripts), and a stylesheet with
// no `light-dark()` left (Safari before 17.5, Chrome before 123 and Firefox
// before 120 drop a whole declaration that uses it), whose colours still
// follow every theme in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Parser } from "acorn";
import AxeBuilder from "@axe-core/playwright";
import { launch, openPage, artifact, builtNames, BASE_URL, PHONE } from "./harness.mjs";
import { JS_ECMA_VERSION, JS_FORBIDDEN_NODES } from "../tools/browsers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Syntax the floor engines cannot parse in `source`, as "line:col what". */
function tooNew(source) {
  let ast;
  try {
    ast = Parser.parse(source, { ecmaVersion: JS_ECMA_VERSION, sourceType: "module", locations: true });
  } catch (e) {
    return [`${e.loc?.line}:${e.loc?.column} not ES${JS_ECMA_VERSION}: ${e.message}`];
  }
  const found = [];
  const visit = (node) => {
    if (!node || typeof node.type !== "string") return;
    if (JS_FORBIDDEN_NODES[node.type]) found.push(`${node.loc.start.line}:${node.loc.start.column} ${JS_FORBIDDEN_NODES[node.type]}`);
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === "object" && typeof value.type === "string") visit(value);
    }
  };
  visit(ast);
  return found;
}

const served = async (path) => {
  const r = await fetch(new URL(path, BASE_URL));
  assert.equal(r.status, 200, path);
  return r.text();
};

test("the check itself refuses syntax newer than the floor", () => {
  assert.deepEqual(tooNew("export const a = 1 ?? 2; class A { #x = 1; static y = 2; }"), []);
  assert.match(tooNew("class A { static { } }").join(), /class static blocks/);
  assert.match(tooNew("const r = /[\\p{L}--[a-z]]/v;").join(), /not ES2022/);
});

/** The chunk loader the page preloads beside the glue, and the chunks it names. */
async function splitNames() {
  const loader = (await served("")).match(/["'\/](split-[0-9a-f]{16}\.js)["']/)?.[1];
  assert.ok(loader, "index.html preloads the chunk loader");
  const chunks = [...(await served(loader)).matchAll(/"\.\/(chunk-[A-Za-z0-9_]+-[0-9a-f]{16}\.wasm)"/g)].map((m) => m[1]);
  assert.ok(chunks.length >= 3, `the loader names the chunks: ${chunks}`);
  return { loader, chunks };
}

test("embed.js, its helpers, the wasm glue and the page's scripts use no syntax newer than the floor", async () => {
  const page = await served("");
  const inline = [...page.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).filter((s) => s.trim());
  const files = ["embed.js", "startup.js", "watchdog.js", (await builtNames()).glue, (await splitNames()).loader];
  for (const file of files) assert.deepEqual(tooNew(await served(file)), [], file);
  inline.forEach((source, i) => assert.deepEqual(tooNew(source), [], `index.html script ${i + 1}`));
});

test("the served stylesheet has no light-dark() left, and its colours follow every theme", async () => {
  const css = await served((await builtNames()).css);
  assert.ok(css.length > 1000, "the widget's stylesheet");
  assert.ok(!css.includes("light-dark("), "light-dark() is lowered to fallbacks");
  const look = async (query, options = {}) => {
    const page = await openPage(browser, null, { ...PHONE, ...options });
    await page.goto(new URL(query, BASE_URL).href);
    await page.locator(".bd-step h2").waitFor({ timeout: 15000 });
    const result = await page.evaluate(() => {
      const widget = document.querySelector(".bd-widget");
      const button = document.querySelector(".bd-step .bd-actions button");
      return {
        scheme: widget.dataset.scheme,
        card: getComputedStyle(widget).backgroundColor,
        text: getComputedStyle(widget).color,
        button: getComputedStyle(button).backgroundColor,
        border: getComputedStyle(button).borderTopColor,
      };
    });
    await page.context().close();
    return result;
  };
  const light = await look("?lang=en&theme=light", { colorScheme: "dark" });
  const dark = await look("?lang=en&theme=dark");
  const autoDark = await look("?lang=en", { colorScheme: "dark" });
  const autoLight = await look("?lang=en", { colorScheme: "light" });
  assert.equal(light.scheme, "light");
  assert.equal(dark.scheme, "dark");
  assert.equal(autoDark.scheme, "dark");
  assert.equal(autoLight.scheme, "light");
  assert.deepEqual(autoDark, dark, "auto on a dark phone draws the dark theme");
  assert.deepEqual(autoLight, light, "auto on a light phone draws the light theme");
  assert.notDeepEqual(light, dark);
  for (const [name, l] of Object.entries({ light, dark })) {
    for (const key of ["card", "text", "button", "border"]) {
      assert.doesNotMatch(l[key], /rgba\(0, 0, 0, 0\)/, `${name}: ${key} is a colour, not transparent`);
    }
  }
});

/**
 * An older engine, simulated in Chromium: no constructed stylesheets (Safari
 * before 16.4) and a stylesheet read as an engine without `light-dark()`
 * reads it (every such call renamed to a function nobody knows, so any
 * declaration still using one is dropped, as Safari before 17.5 drops it).
 */
async function olderEngine(page) {
  await page.addInitScript(() => {
    delete Document.prototype.adoptedStyleSheets;
    delete ShadowRoot.prototype.adoptedStyleSheets;
    window.CSSStyleSheet = function CSSStyleSheet() { throw new TypeError("Illegal constructor"); };
  });
  await page.route(/\/widget\.css(\?.*)?$/, async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers["content-encoding"];
    delete headers["content-length"];
    const css = (await response.text()).replaceAll("light-dark(", "no-such-function(");
    await route.fulfill({ response, headers, body: css });
  });
}

test("an older engine (no constructed stylesheets, no light-dark()) draws a styled, readable widget in light and dark, in both modes", async () => {
  const contrast = async (page, include, name) => {
    const { violations } = await new AxeBuilder({ page }).include(include).withRules(["color-contrast"]).analyze();
    assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], name);
  };
  const colours = (root) => {
    const widget = root.querySelector(".bd-widget");
    const b = getComputedStyle(root.querySelector(".bd-step .bd-actions button"));
    const w = getComputedStyle(widget);
    return { card: w.backgroundColor, text: w.color, edge: w.borderTopColor, button: b.backgroundColor, buttonText: b.color, buttonBorder: `${b.borderTopWidth} ${b.borderTopColor}` };
  };
  for (const theme of ["light", "dark"]) {
    const looks = [];
    for (const older of [false, true]) {
      const page = await openPage(browser, null);
      if (older) await olderEngine(page);
      await page.goto(new URL(`?lang=en&theme=${theme}`, BASE_URL).href);
      await page.locator(".bd-step h2").waitFor({ timeout: 15000 });
      looks.push(await page.evaluate(`(${colours})(document)`));
      if (older) {
        await contrast(page, ".bd-widget", `standalone ${theme}`);
        await page.screenshot({ path: artifact(`older-engine-${theme}.png`) });
      }
      await page.context().close();
    }
    assert.deepEqual(looks[1], looks[0], `standalone ${theme}: the older engine draws what a current one draws`);
  }
  // Script mode: one light and one dark element on the same page.
  const page = await openPage(browser, null);
  await olderEngine(page);
  await page.goto(new URL("demo/two-widgets.html", BASE_URL).href);
  for (const id of ["first", "second"]) {
    await page.locator(`#${id} >> .bd-step h2`).waitFor({ timeout: 15000 });
  }
  const looks = await page.evaluate(`["first", "second"].map((id) => {
    const root = document.getElementById(id).shadowRoot;
    return { link: Boolean(root.querySelector("link[rel=stylesheet]")), ...(${colours})(root) };
  })`);
  const current = await openPage(browser, "demo/two-widgets.html");
  for (const id of ["first", "second"]) await current.locator(`#${id} >> .bd-step h2`).waitFor({ timeout: 15000 });
  const expected = await current.evaluate(`["first", "second"].map((id) => (${colours})(document.getElementById(id).shadowRoot))`);
  await current.context().close();
  for (const [i, { link, ...look }] of looks.entries()) {
    assert.ok(link, `element ${i + 1} is styled by a <link> in its shadow root`);
    assert.deepEqual(look, expected[i], `element ${i + 1}: the older engine draws what a current one draws`);
  }
  assert.notEqual(looks[0].card, looks[1].card, "the light and the dark element differ");
  await contrast(page, "backup-doctor", "script mode, light and dark");
  await page.screenshot({ path: artifact("older-engine-two-widgets.png"), fullPage: true });
  await page.context().close();
});

test("the wasm, the glue and the stylesheet go as Brotli to a browser that accepts it, gzip to one that does not, the same bytes either way", async () => {
  const { glue, wasm, css } = await builtNames();
  const { loader, chunks } = await splitNames();
  for (const file of [wasm, glue, css, "embed.js", loader, chunks[0]]) {
    const url = new URL(file, BASE_URL);
    const plain = await fetch(url, { headers: { "accept-encoding": "identity" } });
    assert.equal(plain.headers.get("content-encoding"), null, file);
    const bytes = Buffer.from(await plain.arrayBuffer());
    for (const [accepts, sent] of [["br, gzip", "br"], ["gzip", "gzip"]]) {
      const r = await fetch(url, { headers: { "accept-encoding": accepts } });
      assert.equal(r.headers.get("content-encoding"), sent, `${file} for "${accepts}"`);
      assert.match(r.headers.get("vary") ?? "", /accept-encoding/i, `${file}: Vary`);
      // fetch decodes the body as a browser does.
      assert.ok(Buffer.from(await r.arrayBuffer()).equals(bytes), `${file}: the same bytes (${sent})`);
    }
  }
});

test("the glue, the wasm, its chunks and their loader and the stylesheet have content-hashed names cached for good; the page, embed.js and its helpers revalidate and name the same files", async () => {
  const names = await builtNames();
  const { loader, chunks } = await splitNames();
  for (const file of [...Object.values(names), loader, ...chunks]) {
    const r = await fetch(new URL(file, BASE_URL));
    assert.equal(r.status, 200, file);
    assert.equal(r.headers.get("cache-control"), "public, max-age=31536000, immutable", file);
  }
  for (const file of ["", "index.html", "embed.js", "startup.js", "watchdog.js", "trees/default.es.json"]) {
    const r = await fetch(new URL(file, BASE_URL));
    assert.equal(r.status, 200, file);
    assert.equal(r.headers.get("cache-control"), "no-cache", file || "/");
  }
  // embed.js loads exactly the files the page links (its contract: one fixed URL).
  const embed = await (await fetch(new URL("embed.js", BASE_URL))).text();
  // (minified, its table's keys are bare: glue:"…")
  for (const [key, file] of Object.entries(names)) {
    assert.match(embed, new RegExp(`["']?${key}["']?\\s*:\\s*["']${file.replace(/\./g, "\\.")}["']`), `embed.js names ${key} ${file}`);
  }
  // The unhashed names are gone: nothing can pair a new embed.js with an old wasm.
  assert.equal((await fetch(new URL("backup-doctor_bg.wasm", BASE_URL))).status, 404);
  // A hashed name that is not there (an old embed.js after a deploy) is never kept.
  const gone = await fetch(new URL("backup-doctor-0123456789abcdef_bg.wasm", BASE_URL));
  assert.equal(gone.status, 404);
  assert.equal(gone.headers.get("cache-control"), "no-store");
});
