// The authors' studio (/studio/) as an author uses it, with only a browser:
// open the built-in tree, break it and see every problem with its pointer
// and place, fix it and see the preview follow, change a step's text and the
// order of a chain, see a path test fail and the diagram change, open a
// file and a URL, start the preview at a step from the diagram, preview in
// two languages at phone width, download the file and open it again byte
// for byte, keep and discard a draft; axe at desktop and tablet widths.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { launch, BASE_URL, artifact, startCollector } from "./harness.mjs";

const DESKTOP = { viewport: { width: 1280, height: 900 } };
const TABLET = { viewport: { width: 820, height: 1180 }, hasTouch: true };
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const STUDIO = new URL("studio/", BASE_URL).href;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A fresh studio page; every confirmation is accepted (and recorded). */
async function openStudio(options = DESKTOP, url = STUDIO) {
  const context = await browser.newContext({ ...options, acceptDownloads: true });
  const page = await context.newPage();
  page.errors = [];
  page.dialogs = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("dialog", (d) => { page.dialogs.push(d.message()); d.accept(); });
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector(".st-source")?.textContent.startsWith("Editing"));
  return page;
}

const summary = (page) => page.locator(".st-check .st-summary").textContent();
const text = (page) => page.locator("#st-text").inputValue();

/**
 * Replaces the text as a paste over it would (Playwright's `fill` types a
 * 400 KB text for minutes) and waits for its check.
 */
async function edit(page, next) {
  const before = await page.locator(".st-edit").getAttribute("data-checks");
  await page.locator("#st-text").evaluate((el, value) => {
    el.focus();
    el.value = value;
    el.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
  }, next);
  await page.waitForFunction((old) => document.querySelector(".st-edit")?.getAttribute("data-checks") !== old, before);
}

/** The preview frame's current heading (the step's title). */
async function previewTitle(page) {
  const frame = page.frameLocator("iframe");
  await frame.locator("h2").first().waitFor();
  return (await frame.locator("h2").first().textContent()).trim();
}

test("the built-in tree opens clean, with its diagram, path tests, coverage and a phone-width preview", async () => {
  const page = await openStudio();
  assert.match(await summary(page), /^No problems/);
  const tree = JSON.parse(await text(page));
  assert.equal(tree.id, "whatsapp-backup-stuck");
  assert.equal(await page.locator(".st-step").count(), tree.nodes.length);
  assert.match(await page.locator(".st-tests .st-summary").textContent(), /All \d+ path tests pass/);
  assert.equal(await page.locator(".st-coverage tbody tr").count(), tree.langs.length - 1);
  const frame = page.locator("iframe");
  assert.equal(Math.round((await frame.boundingBox()).width), 360);
  assert.equal(await previewTitle(page), tree.nodes[0].title.en);
  await page.screenshot({ path: artifact("studio-1280.png") });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a wrong next, an unknown field and an empty translation are each listed with pointer and place; fixing them updates the preview", async () => {
  const page = await openStudio();
  const good = await text(page);
  const tree = JSON.parse(good);
  const symptom = tree.nodes.findIndex((n) => n.id === "android-symptom");
  tree.nodes[symptom].answers[0].next = "android-acount";
  tree.nodes[0].titel = { en: "typo" };
  tree.nodes[1].title.es = "";
  const broken = JSON.stringify(tree, null, 2) + "\n";
  await edit(page, broken);
  assert.match(await summary(page), /^3 errors/);
  const problems = await page.locator(".st-errors .st-problem").allTextContents();
  const expect = [
    [`/nodes/${symptom}/answers/0/next`, /android-acount/],
    ["/nodes/0/titel", /titel/],
    ["/nodes/1/title/es", /empty/],
  ];
  for (const [pointer, words] of expect) {
    const found = problems.find((p) => p.includes(pointer));
    assert.ok(found, `no problem at ${pointer} in ${problems.join(" | ")}`);
    assert.match(found, words);
    assert.match(found, /line \d+:\d+/);
  }
  // The diagram and the preview keep the last valid version, and say so.
  assert.equal(await page.locator(".st-stale").count(), 2);
  // A problem puts the cursor on its field.
  await page.locator(".st-problem", { hasText: "/nodes/0/titel" }).click();
  const at = await page.locator("#st-text").evaluate((el) => [el.selectionStart, el.selectionEnd, document.activeElement === el]);
  assert.equal(at[0], broken.indexOf('"titel"'));
  assert.equal(broken.slice(at[0], at[1]), '"titel": {\n        "en": "typo"\n      }');
  assert.ok(at[2], "the editor has the focus");
  const line = broken.slice(0, at[0]).split("\n").length;
  const column = at[0] - broken.lastIndexOf("\n", at[0] - 1);
  assert.equal(await page.locator("#st-cursor").textContent(), `Line ${line}, column ${column}`);
  assert.ok(problems.some((p) => p.includes(`line ${line}:${column}`)), "the listed place is the same");
  await page.locator(".st-edit").screenshot({ path: artifact("studio-problems.png") });

  // Fixed, and the first step's text changed: the preview follows.
  const fixed = JSON.parse(good);
  fixed.nodes[0].title.en = "Which phone has the stuck backup?";
  await edit(page, JSON.stringify(fixed, null, 2) + "\n");
  assert.match(await summary(page), /^No problems/);
  assert.equal(await page.locator(".st-stale").count(), 0);
  await page.waitForFunction(() => {
    const doc = document.querySelector("iframe")?.contentDocument;
    return doc?.body?.textContent.includes("Which phone has the stuck backup?");
  });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("reordering a chain makes its path test fail, with the reason, and redraws the diagram", async () => {
  const page = await openStudio();
  const tree = JSON.parse(await text(page));
  const node = (id) => tree.nodes.find((n) => n.id === id);
  const layerOf = async (id) => page.locator(`[data-node="${id}"]`).getAttribute("transform");
  const before = await layerOf("android-google-storage");
  // Storage before the account: symptom → storage → account → phone storage.
  const after0 = node("android-google-storage").next;
  node("android-symptom").answers[0].next = "android-google-storage";
  node("android-google-storage").next = "android-account";
  node("android-account").next = after0;
  await edit(page, JSON.stringify(tree, null, 2) + "\n");
  assert.match(await summary(page), /^No problems/);
  assert.match(await page.locator(".st-tests .st-summary").textContent(), /^1 of \d+ path tests fail/);
  const failing = page.locator(".st-test.st-fail");
  assert.match(await failing.textContent(), /Android, stuck at 0 %.*reached "android-google-storage" instead of "android-account"/s);
  assert.notEqual(await layerOf("android-google-storage"), before, "the step moved up in the diagram");
  // "Show in the flow" highlights the failing walk.
  await failing.getByRole("button", { name: "Show in the flow" }).click();
  assert.equal(await page.locator('.st-step.st-lit[data-node="android-google-storage"]').count(), 1);
  await page.locator(".st-tests").screenshot({ path: artifact("studio-path-test.png") });
  await page.context().close();
});

test("a step chosen in the diagram is selected in the text and opens in the preview, in two languages", async () => {
  const page = await openStudio();
  const body = await text(page);
  const tree = JSON.parse(body);
  const videos = tree.nodes.find((n) => n.id === "android-videos");
  await page.locator('[data-node="android-videos"]').click();
  const start = await page.locator("#st-text").evaluate((el) => el.selectionStart);
  assert.equal(start, body.lastIndexOf("{", body.indexOf('"id": "android-videos"')));
  assert.equal(await page.locator("#st-start").inputValue(), "android-videos");
  assert.match(await page.locator("iframe").getAttribute("src"), /#step=\d/);
  assert.equal(await previewTitle(page), videos.title.en);
  await page.locator("#st-lang").selectOption("es");
  await page.waitForFunction((es) => document.querySelector("iframe")?.contentDocument?.body?.textContent.includes(es), videos.title.es);
  await page.locator("#st-theme").selectOption("dark");
  await page.waitForFunction(() => document.querySelector("iframe")?.contentDocument?.querySelector('[data-scheme="dark"]'));
  await page.locator(".st-try").screenshot({ path: artifact("studio-preview-es-dark.png") });
  // Keyboard: Enter on a focused step does the same.
  await page.locator('[data-node="platform"]').focus();
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("#st-start").inputValue(), "platform");
  await page.locator(".st-diagram").screenshot({ path: artifact("studio-diagram.png") });
  await page.context().close();
});

test("a file and a URL open; a URL that fails says why in the widget's words", async () => {
  const page = await openStudio();
  const tree = JSON.parse(await text(page));
  tree.id = "my-help-centre";
  tree.nodes[0].title.en = "Which phone is it on?";
  const mine = JSON.stringify(tree, null, 2) + "\n";
  await page.locator('input[type="file"]').setInputFiles({ name: "mine.json", mimeType: "application/json", buffer: Buffer.from(mine) });
  await page.waitForFunction(() => document.querySelector(".st-source").textContent.includes("mine.json"));
  assert.equal(await text(page), mine);
  assert.match(await summary(page), /^No problems/);

  await page.locator("#st-url").fill("/trees/default.es.json");
  await page.getByRole("button", { name: "Open", exact: true }).click();
  await page.waitForFunction(() => document.querySelector(".st-source").textContent.includes("/trees/default.es.json"));
  assert.equal(JSON.parse(await text(page)).langs.join(), "en,es");

  await page.locator("#st-url").fill("/trees/missing.json");
  await page.getByRole("button", { name: "Open", exact: true }).click();
  const alert = page.locator(".st-status.st-error");
  await alert.waitFor();
  assert.match(await alert.textContent(), /404/);
  assert.match(await page.locator(".st-source").textContent(), /default\.es\.json/, "a failed open keeps the text");

  // A Windows file (CRLF line ends): the places still match what is shown.
  const crlf = JSON.stringify({ ...tree, nodes: tree.nodes.map((n, i) => (i === 1 ? { ...n, titel: { en: "x" } } : n)) }, null, 2).replace(/\n/g, "\r\n");
  await page.locator('input[type="file"]').setInputFiles({ name: "windows.json", mimeType: "application/json", buffer: Buffer.from(crlf) });
  await page.waitForFunction(() => document.querySelector(".st-source").textContent.includes("windows.json"));
  assert.match(await page.locator(".st-status").first().textContent(), /CRLF/);
  await page.locator(".st-problem", { hasText: "/nodes/1/titel" }).click();
  const shown = await text(page);
  const at = await page.locator("#st-text").evaluate((el) => el.selectionStart);
  assert.equal(at, shown.indexOf('"titel"'));

  // Opened by address, as a link from a help centre's docs would.
  const linked = await openStudio(DESKTOP, `${STUDIO}?tree=${encodeURIComponent("/trees/default.fr.json")}`);
  assert.equal(JSON.parse(await text(linked)).langs.join(), "en,fr");
  await linked.context().close();
  // A link to a file that is not there still opens an editor, and says why.
  const dead = await openStudio(DESKTOP, `${STUDIO}?tree=${encodeURIComponent("/trees/gone.json")}`);
  assert.match(await dead.locator(".st-status.st-error").textContent(), /404.*The editor has the built-in tree instead/);
  assert.equal(await dead.locator("#st-text").isEnabled(), true);
  await dead.context().close();
  await page.context().close();
});

test("the downloaded file is the editor's text byte for byte and opens again; the snippets point at the hosted file", async () => {
  const page = await openStudio();
  const tree = JSON.parse(await text(page));
  tree.nodes[0].title.en = "Which phone – Android or iPhone? ✓";
  const edited = JSON.stringify(tree, null, 2) + "\n";
  await edit(page, edited);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: `Download ${tree.id}.json` }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `${tree.id}.json`);
  const bytes = readFileSync(await download.path());
  assert.ok(bytes.equals(Buffer.from(edited, "utf8")), "byte-identical");
  await page.locator('input[type="file"]').setInputFiles({ name: `${tree.id}.json`, mimeType: "application/json", buffer: bytes });
  await page.waitForFunction((name) => document.querySelector(".st-source").textContent.includes(name), `${tree.id}.json`);
  assert.equal(await text(page), edited);
  assert.match(await summary(page), /^No problems/);

  // Until the author says where, the snippet names the file after the tree.
  assert.ok((await page.locator("#st-snippet-script").inputValue()).includes(`tree="https://YOUR-HOST/trees/${tree.id}.json"`));
  await page.locator("#st-host").fill("https://help.example.org/trees/backup.json");
  const iframe = await page.locator("#st-snippet-iframe").inputValue();
  const script = await page.locator("#st-snippet-script").inputValue();
  const origin = new URL(BASE_URL).origin;
  assert.ok(iframe.includes(`src="${origin}/?tree=${encodeURIComponent("https://help.example.org/trees/backup.json")}&amp;lang=en"`), iframe);
  assert.ok(script.includes(`<script type="module" src="${origin}/embed.js"></script>`), script);
  assert.ok(script.includes('<backup-doctor tree="https://help.example.org/trees/backup.json"'), script);
  await page.context().close();
});

test("the draft survives a reload, is never sent anywhere, and can be discarded", async () => {
  const page = await openStudio();
  const sent = [];
  page.on("request", (r) => { if (r.method() !== "GET") sent.push(r.url()); });
  const tree = JSON.parse(await text(page));
  tree.nodes[0].title.en = "Draft title";
  const draft = JSON.stringify(tree, null, 2) + "\n";
  await edit(page, draft);
  await page.reload();
  await page.waitForFunction(() => document.querySelector(".st-source")?.textContent.startsWith("Editing"));
  assert.match(await page.locator(".st-source").textContent(), /your draft in this browser/);
  assert.equal(await text(page), draft);
  await page.getByRole("button", { name: "Discard draft" }).click();
  await page.waitForFunction(() => document.querySelector(".st-source").textContent === "Editing the built-in tree");
  assert.match(page.dialogs.at(-1), /Discard your draft/);
  assert.notEqual(await text(page), draft);
  assert.equal(await page.evaluate(() => localStorage.getItem("backup-doctor:studio-draft")), null);
  assert.deepEqual(sent, [], "the studio sends nothing");
  await page.context().close();
});

test("axe finds no WCAG 2.2 A/AA violation at 1280 px and at tablet width, where nothing scrolls sideways", async () => {
  for (const options of [DESKTOP, TABLET]) {
    const page = await openStudio(options);
    await previewTitle(page);
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`), []);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(sideways <= 0, `the page scrolls ${sideways} px sideways at ${options.viewport.width} px`);
    if (options === TABLET) await page.screenshot({ path: artifact("studio-tablet.png") });
    await page.context().close();
  }
});

test("a studio whose wasm cannot load says so with Reload instead of loading forever", async () => {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  await page.route(/backup-doctor-studio-[0-9a-f]+_bg\.wasm$/, (route) => route.fulfill({ status: 200, contentType: "application/wasm", body: "not wasm" }));
  await page.goto(STUDIO);
  const failed = page.locator(".st-failed");
  await failed.waitFor({ timeout: 20000 });
  assert.match(await failed.textContent(), /could not start/);
  assert.equal(await failed.getByRole("button", { name: "Reload" }).count(), 1);
  await context.close();
});

test("with an insights collector and its token, each step of the diagram shows its own figures", async () => {
  const token = "studio-test-token-0123456789";
  const { base, stop } = await startCollector(token);
  try {
    const page = await openStudio(DESKTOP, new URL("studio/", base).href);
    const tree = JSON.parse(await text(page));
    const send = async (kind, node, extra = {}) => {
      const body = JSON.stringify({ v: 1, tree: tree.id, revision: tree.revision, lang: "en", kind, node, ...extra });
      const r = await fetch(new URL("__insights", base), { method: "POST", headers: { "Content-Type": "text/plain" }, body });
      assert.equal(r.status, 204, await r.text());
    };
    // Two walks: one fixed by the account check, one that left there.
    for (const fixed of [true, false]) {
      await send("started", "platform");
      for (const node of ["platform", "android-symptom", "android-account"]) await send("step", node);
      if (fixed) {
        await send("fixed-by", "android-account");
        await send("step", "resolved");
        await send("outcome", "resolved", { outcome: "resolved" });
      } else {
        await send("left", "android-account");
      }
    }
    await page.locator("#st-insights-token").fill("wrong-token-0123456789");
    await page.getByRole("button", { name: "Show figures" }).click();
    await page.locator(".st-figures-form [role=alert]").waitFor();
    assert.match(await page.locator(".st-figures-form [role=alert]").textContent(), /refused the token/);
    await page.locator("#st-insights-token").fill(token);
    await page.getByRole("button", { name: "Show figures" }).click();
    await page.locator('[data-node="android-account"] .st-figures').waitFor();
    assert.equal(await page.locator('[data-node="android-account"] .st-figures').textContent(), "reached 2 · left 1 · fixed 1");
    assert.equal(await page.locator('[data-node="ios-icloud"] .st-figures').textContent(), "reached 0 · left 0 · fixed 0");
    assert.match(await page.locator(".st-figures-form [role=status]").textContent(), /2 started, 1 resolved/);
    await page.locator(".st-diagram").screenshot({ path: artifact("studio-figures.png") });
    await page.context().close();
  } finally {
    stop();
  }
});
