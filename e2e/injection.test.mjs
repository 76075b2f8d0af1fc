// Hostile strings everywhere a tree author or a host page can put text:
// every text field of a tree (walked by taps from question to escalation),
// and every setting (URL query, element attributes, BackupDoctor.mount).
// Whatever the string, nothing runs (no dialog, no window.__pwned), no
// element appears that the widget did not make, the page does not navigate,
// and the string is shown as text or refused in words.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { launch, openPage, artifact, BASE_URL } from "./harness.mjs";

const CORPUS = JSON.parse(readFileSync(new URL("./fixtures/hostile-strings.json", import.meta.url), "utf8"));

/** A corpus value: a string, `{repeat, count}`, or a list of those. */
function expand(value) {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(expand).join("");
  return value.repeat.repeat(value.count);
}

const PAYLOADS = CORPUS.payloads.map((p) => ({ ...p, text: expand(p.value) }));
const SETTINGS = ["lang", "tree", "speedtest", "theme"];
/** The element names the widget itself renders (src/components, src/app.rs). */
const WIDGET_TAGS = [
  "a", "aside", "button", "dd", "details", "div", "dl", "dt", "h2", "h3", "header", "input",
  "label", "li", "nav", "ol", "p", "pre", "progress", "section", "span", "strong", "summary",
  "textarea", "ul",
];
/** Elements that can run, load or restyle something; counted on the whole page. */
const ACTIVE_TAGS = ["script", "img", "svg", "iframe", "frame", "object", "embed", "base", "meta", "link", "style", "form", "video", "audio", "math", "template"];
const CONCURRENCY = Number(process.env.INJECTION_CONCURRENCY ?? 3);

/**
 * A small valid tree (question → speed test → fix with a warning → outcome)
 * with `text` in every text field, every node id and the revision.
 */
function hostileTree(text, treeId = "hostile-strings") {
  const t = () => ({ en: text });
  const id = (suffix) => `${text}#${suffix}`;
  return {
    format: 1, id: treeId, revision: text, langs: ["en"], start: id("question"),
    nodes: [
      { type: "question", id: id("question"), title: t(), body: t(), fact: text,
        answers: [{ label: t(), next: id("speed") }] },
      { type: "speed_test", id: id("speed"), title: t(), body: t(), next: id("fix") },
      { type: "fix", id: id("fix"), title: t(), body: t(), warning: t(), confirm: t(),
        fixed: id("fixed"), next: id("support") },
      { type: "outcome", id: id("fixed"), outcome: "resolved", title: t(), body: t() },
      { type: "outcome", id: id("support"), outcome: "escalate", title: t(), body: t() },
    ],
  };
}

/** What the widget's settings notice shows of a value (config.rs `shorten`). */
function shortened(value, trim = true) {
  const trimmed = trim ? value.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, "") : value;
  const chars = [...trimmed.replace(/\p{Cc}/gu, "")];
  return chars.length > 80 ? chars.slice(0, 80).join("") + "…" : chars.join("");
}

// --- A server on another port for trees and a host page of another origin.
const files = new Map();
let server;
let origin;
let browser;
const baseline = {};

before(async () => {
  server = createServer((req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    const body = files.get(new URL(req.url, "http://x").pathname);
    if (body === undefined) { res.statusCode = 404; res.end("not here"); return; }
    res.setHeader("content-type", body.type);
    res.end(body.text);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${server.address().port}`;
  files.set("/host.html", { type: "text/html; charset=utf-8", text: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host page</title><link rel="icon" href="data:,"></head>
<body><script type="module" src="${new URL("embed.js", BASE_URL).href}"></script>
<div id="mounted"></div><div id="bad-id"></div></body></html>` });
  browser = await launch();
  // What a clean page holds, to tell injected elements from the page's own.
  for (const [name, url] of [["standalone", new URL("?lang=en", BASE_URL).href], ["host", `${origin}/host.html`]]) {
    const page = await openPage(browser, null);
    await page.goto(url);
    if (name === "host") await page.waitForFunction(() => window.BackupDoctor);
    else await page.locator(".bd-step h2").waitFor({ timeout: 15000 });
    baseline[name] = await page.evaluate(countActive, ACTIVE_TAGS);
    await page.context().close();
  }
});

after(async () => {
  await browser?.close();
  server?.close();
});

function serveTree(name, tree) {
  const path = `/trees/${encodeURIComponent(name)}.json`;
  files.set(path, { type: "application/json", text: typeof tree === "string" ? tree : JSON.stringify(tree) });
  return origin + path;
}

/** Runs in the page: how many of each active element, in the page and in shadow roots. */
function countActive(tags) {
  const counts = Object.fromEntries(tags.map((t) => [t, 0]));
  const visit = (root) => {
    for (const el of root.querySelectorAll("*")) {
      const tag = el.localName;
      if (tag in counts) counts[tag] += 1;
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  return counts;
}

/**
 * Runs in the page: for every rendered widget (`.bd-widget`, in the page or a
 * shadow root) the elements the widget does not make, event-handler or
 * script-URL attributes, and links that are not safe http(s) links.
 */
function inspectWidgets(allowed) {
  const widgets = [];
  const collect = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (el.classList.contains("bd-widget")) widgets.push(el);
      if (el.shadowRoot) collect(el.shadowRoot);
    }
  };
  collect(document);
  const report = { widgets: widgets.length, foreign: [], handlers: [], badLinks: [], links: [] };
  for (const widget of widgets) {
    const root = widget.getRootNode();
    if (root instanceof ShadowRoot) {
      // Everything in the shadow root outside the widget: only the loader's box.
      for (const el of root.querySelectorAll("*")) {
        if (!widget.contains(el) && !el.contains(widget)) report.foreign.push(`shadow:${el.localName}`);
      }
    }
    for (const el of [widget, ...widget.querySelectorAll("*")]) {
      if (!allowed.includes(el.localName)) report.foreign.push(el.localName);
      if (el.shadowRoot) report.foreign.push(`${el.localName} with a shadow root`);
      for (const attr of el.attributes) {
        const value = attr.value.toLowerCase().replace(/[\s\0-\x1f]/g, "");
        if (attr.name.startsWith("on")) report.handlers.push(`${el.localName}[${attr.name}]`);
        if (["href", "src", "action", "formaction", "srcdoc", "xlink:href", "style", "background", "poster"].includes(attr.name)
            && /javascript:|vbscript:|data:|expression\(/.test(value)) {
          report.handlers.push(`${el.localName}[${attr.name}=${attr.value.slice(0, 60)}]`);
        }
      }
      if (el.localName === "a") {
        const rel = (el.getAttribute("rel") ?? "").split(/\s+/);
        const href = el.getAttribute("href") ?? "";
        report.links.push(href);
        // The summary's Email link: a mailto: with no recipient, every
        // character of the text percent-encoded.
        const email = el.classList.contains("bd-email") && /^mailto:\?subject=[A-Za-z0-9%._~-]*&body=[A-Za-z0-9%._~-]*$/.test(href);
        if (email) continue;
        if (!/^https?:\/\/[^/]/i.test(href) || !rel.includes("noopener") || !rel.includes("noreferrer")
            || el.getAttribute("target") !== "_blank") {
          report.badLinks.push(el.outerHTML.slice(0, 200));
        }
      }
    }
  }
  return report;
}

/** Opens `url` in a fresh page that records dialogs, navigations and pop-ups. */
async function openGuarded(url) {
  const page = await openPage(browser, null);
  page.dialogs = [];
  page.navigations = [];
  page.popups = [];
  page.on("dialog", (d) => { page.dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  page.context().on("page", (p) => page.popups.push(p.url()));
  await page.goto(url);
  page.on("framenavigated", (f) => { if (f === page.mainFrame()) page.navigations.push(f.url()); });
  page.startUrl = url;
  return page;
}

/** Nothing ran, nothing was injected, nothing navigated. */
async function assertUntouched(page, kind, what) {
  const pwned = await page.evaluate(() => typeof window.__pwned);
  assert.equal(pwned, "undefined", `${what}: window.__pwned was set`);
  assert.deepEqual(page.dialogs, [], `${what}: a dialog opened`);
  assert.deepEqual(page.popups, [], `${what}: a window opened`);
  const noHash = (u) => u.split("#")[0];
  for (const url of [...page.navigations, page.url()]) {
    assert.equal(noHash(url), noHash(page.startUrl), `${what}: the page navigated`);
  }
  const counts = await page.evaluate(countActive, ACTIVE_TAGS);
  assert.deepEqual(counts, baseline[kind], `${what}: elements appeared in the page`);
  const report = await page.evaluate(inspectWidgets, WIDGET_TAGS);
  assert.ok(report.widgets >= 1, `${what}: no widget rendered`);
  assert.deepEqual(report.foreign, [], `${what}: elements the widget does not make`);
  assert.deepEqual(report.handlers, [], `${what}: event handlers or script URLs in attributes`);
  assert.deepEqual(report.badLinks, [], `${what}: unsafe links`);
  return report;
}

const stepSection = (page) => page.locator("section.bd-step[data-node]");
const button = (page, name) => page.getByRole("button", { name, exact: true });

/** The current step shows `p` as text: its title exactly, rich text as expected. */
async function assertStepShows(page, p, where) {
  const shown = await stepSection(page).evaluate((s) => ({
    title: s.querySelector("h2").textContent,
    text: s.textContent,
    // The step's own links (the summary's Email link is the widget's).
    links: [...s.querySelectorAll("a:not(.bd-email)")].map((a) => a.getAttribute("href")),
  }));
  assert.ok(shown.title === p.text, `${p.name} at ${where}: the title is not the exact text`);
  const rich = p.rich === "same" ? p.text : p.rich;
  if (rich) assert.ok(shown.text.includes(rich), `${p.name} at ${where}: rich text does not show ${JSON.stringify(rich.slice(0, 80))}`);
  if (where !== "speed test") {
    // Every step of this tree has a body with the payload: its links, and no others.
    const expected = p.links ?? [];
    assert.deepEqual([...new Set(shown.links)], expected, `${p.name} at ${where}: links`);
  }
}

async function walk(page, p) {
  await stepSection(page).locator(".bd-actions button").first().waitFor({ timeout: 15000 });
  await assertStepShows(page, p, "question");
  const answer = stepSection(page).locator(".bd-actions button").first();
  assert.ok((await answer.textContent()) === p.text, `${p.name}: the answer label is not the exact text`);
  await answer.tap();
  await button(page, "Skip the test").waitFor();
  await assertStepShows(page, p, "speed test");
  await button(page, "Skip the test").tap();
  await page.locator(".bd-confirm").waitFor();
  await assertStepShows(page, p, "warning");
  assert.ok((await page.locator(".bd-confirm").textContent()) === p.text, `${p.name}: the confirm label is not the exact text`);
  await page.locator(".bd-confirm").tap();
  await button(page, "No, still stuck").waitFor();
  await assertStepShows(page, p, "fix");
  await button(page, "No, still stuck").tap();
  await page.locator(".bd-outcome[data-outcome=escalate]").waitFor();
  await assertStepShows(page, p, "escalation");
  // A textarea's value has its line breaks normalised to "\n".
  const lf = (s) => s.replace(/\r\n?/g, "\n");
  const summary = await page.locator(".bd-summary textarea").inputValue();
  assert.ok(summary.includes(lf(p.text)), `${p.name}: the support summary does not hold the text`);
}

/** Waits until every widget on the page shows a step, a problem or a notice. */
async function settled(page) {
  await page.waitForFunction(() => {
    const widgets = [];
    const collect = (root) => {
      for (const el of root.querySelectorAll("*")) {
        if (el.classList.contains("bd-widget")) widgets.push(el);
        if (el.shadowRoot) collect(el.shadowRoot);
      }
    };
    collect(document);
    return widgets.length > 0 && widgets.every((w) =>
      !w.querySelector(".bd-loading") && w.querySelector("section.bd-step h2, .bd-problems"));
  }, null, { timeout: 20000 });
}

describe("hostile strings", { concurrency: CONCURRENCY }, () => {
  for (const p of PAYLOADS) {
    test(`tree: ${p.name}`, async () => {
      const url = serveTree(p.name, hostileTree(p.text));
      const page = await openGuarded(new URL(`?lang=en&tree=${encodeURIComponent(url)}`, BASE_URL).href);
      try {
        if (p.tree === "render") {
          await walk(page, p);
        } else {
          const problems = page.locator(".bd-problems");
          await problems.waitFor({ timeout: 20000 });
          assert.equal(await problems.getAttribute("role"), "alert");
          assert.equal(await stepSection(page).count(), 0, "no step of a refused tree");
          const text = await problems.innerText();
          assert.match(text, new RegExp(p.problem), `${p.name}: the message says why`);
        }
        await assertUntouched(page, "standalone", `tree ${p.name}`);
        if (["script-tag", "one-megabyte", "link-javascript"].includes(p.name)) {
          await page.screenshot({ path: artifact(`injection-${p.name}.png`), fullPage: true });
        }
        assert.deepEqual(page.consoleErrors, []);
      } finally {
        await page.context().close();
      }
    });
  }

  for (const p of PAYLOADS) {
    const exact = p.exact !== false;
    /** The notice names the refused theme (every payload is an invalid theme). */
    const assertNotice = (notice, how) => {
      assert.match(notice, /The setting theme=“/, `${p.name} via ${how}: theme refused in words`);
      // The value sits in a directional isolate (it cannot reorder the sentence).
      if (exact) assert.ok(notice.includes(`theme=“\u2068${shortened(p.text)}\u2069”`), `${p.name} via ${how}: the notice shows the value as text`);
    };

    test(`settings in the URL query: ${p.name}`, { skip: p.notInUrl }, async () => {
      const all = new URLSearchParams(SETTINGS.map((name) => [name, p.text]));
      all.append(p.text, "1");
      // The server refuses very long request heads (431; 70 KB is refused): long values go one by one.
      const queries = all.toString().length <= 32 * 1024 ? [all]
        : [...all].map(([name, value]) => new URLSearchParams([[name, value]]));
      for (const query of queries) {
        const page = await openGuarded(new URL(`?${query}`, BASE_URL).href);
        try {
          await settled(page);
          const notice = await page.locator(".bd-notice").textContent();
          if (query.has("theme")) assertNotice(notice, "the URL");
          if (exact && query.has(p.text)) {
            assert.ok(notice.includes(`The setting “\u2068${shortened(p.text, false)}\u2069” is not known`), `${p.name}: unknown name shown as text`);
          }
          await assertUntouched(page, "standalone", `URL query ${p.name}`);
          assert.deepEqual(page.consoleErrors.filter((e) => !/Failed to load resource/.test(e)), []);
        } finally {
          await page.context().close();
        }
      }
    });

    test(`settings as attributes and mount options: ${p.name}`, async () => {
      // The tree id only takes [a-z0-9-]: the payload there is refused in words.
      const badIdTree = serveTree(`id-${p.name}`, hostileTree(p.text, p.text));
      const page = await openGuarded(`${origin}/host.html`);
      try {
        await page.waitForFunction(() => window.BackupDoctor, null, { timeout: 15000 });
        await page.evaluate(({ text, settings, badIdTree }) => {
          const el = document.createElement("backup-doctor");
          el.id = "attributes";
          for (const name of settings) el.setAttribute(name, text);
          document.body.append(el);
          const options = Object.fromEntries(settings.map((name) => [name, text]));
          // As an own key even for "__proto__".
          Object.defineProperty(options, text, { value: "1", enumerable: true });
          window.BackupDoctor.mount(document.getElementById("mounted"), options);
          window.BackupDoctor.mount(document.getElementById("bad-id"), { lang: "en", tree: badIdTree });
        }, { text: p.text, settings: SETTINGS, badIdTree });
        await settled(page);
        const shown = await page.evaluate(() => Object.fromEntries(["attributes", "mounted", "bad-id"].map((id) => {
          const root = document.getElementById(id).shadowRoot;
          return [id, {
            notice: root.querySelector(".bd-notice")?.textContent ?? "",
            problems: root.querySelector(".bd-problems")?.innerText ?? "",
          }];
        })));
        assertNotice(shown.attributes.notice, "attributes");
        assertNotice(shown.mounted.notice, "mount options");
        if (exact) assert.ok(shown.mounted.notice.includes(`The setting “\u2068${shortened(p.text, false)}\u2069” is not known`), `${p.name}: unknown option shown as text`);
        assert.ok(shown["bad-id"].problems, `${p.name}: a tree with a hostile id is refused`);
        if (p.tree === "render") assert.match(shown["bad-id"].problems, /tree \(\/id\): the tree id/);
        await assertUntouched(page, "host", `attributes/mount ${p.name}`);
        assert.deepEqual(page.consoleErrors.filter((e) => !/Failed to load resource/.test(e)), []);
      } finally {
        await page.context().close();
      }
    });
  }

  test("a tree over 768 KiB is refused in words, not a hang or a blank widget", async () => {
    const big = PAYLOADS.find((p) => p.name === "one-megabyte");
    const url = serveTree("over-the-cap", { ...hostileTree("x"), revision: big.text });
    const page = await openGuarded(new URL(`?lang=en&tree=${encodeURIComponent(url)}`, BASE_URL).href);
    try {
      const problems = page.locator(".bd-problems");
      await problems.waitFor({ timeout: 20000 });
      assert.ok(await problems.isVisible());
      const text = await problems.innerText();
      assert.match(text, /768 KB|768 KiB/, text);
      assert.ok(text.length < 2000, "the message is short enough to read");
      await button(page, "Try again").waitFor();
      await assertUntouched(page, "standalone", "over the cap");
    } finally {
      await page.context().close();
    }
  });

  test("a tree of brackets just under the cap still opens", async () => {
    // One body of nothing but '[' then ']': the worst input for a parser that
    // searches for the closing bracket from every opening one.
    const tree = hostileTree("Brackets");
    const fill = Math.floor((250 * 1024 - JSON.stringify(tree).length) / 2);
    tree.nodes[0].body.en = "[".repeat(fill) + "]".repeat(fill);
    const url = serveTree("bracket-bomb", tree);
    const page = await openGuarded(new URL(`?lang=en&tree=${encodeURIComponent(url)}`, BASE_URL).href);
    try {
      await stepSection(page).locator("h2").waitFor({ timeout: 20000 });
      assert.equal(await stepSection(page).locator("h2").textContent(), "Brackets");
      assert.ok((await stepSection(page).textContent()).includes("[".repeat(fill) + "]".repeat(fill)));
      await assertUntouched(page, "standalone", "bracket bomb");
    } finally {
      await page.context().close();
    }
  });
});
