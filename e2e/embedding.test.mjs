// Embedding as help-centre authors do it: the iframe snippet that resizes,
// the <backup-doctor> element in a shadow root, the JS API and events,
// isolation from hostile CSS, a strict CSP, and a page on another origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSnippetsHost } from "./host-page.mjs";
import { DEFAULT_TREE } from "./trails.mjs";
import { launch, openPage, artifact, builtNames, crashWasm, BASE_URL, PHONE } from "./harness.mjs";

const DESKTOP = { viewport: { width: 1280, height: 800 } };
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A locator inside the shadow root of the <backup-doctor> matching `host`. */
const inWidget = (page, host, selector) => page.locator(`${host} >> ${selector}`);

for (const [name, viewport] of [["390x844", PHONE], ["1280x800", DESKTOP]]) {
  test(`iframe mode resizes with its content at ${name}`, async () => {
    const page = await openPage(browser, "demo/help-article.html", viewport);
    const frameEl = page.locator("#backup-doctor-frame");
    const frame = page.frameLocator("#backup-doctor-frame");
    await frame.locator(".bd-step h2").waitFor({ timeout: 15000 });
    const fits = async () => {
      const inner = await frame.locator("[data-backup-doctor-standalone]").evaluate((e) => e.getBoundingClientRect().height);
      const outer = await frameEl.evaluate((e) => e.getBoundingClientRect().height);
      return { inner, outer };
    };
    await page.waitForFunction(() => document.getElementById("backup-doctor-frame").style.height !== "640px");
    const first = await fits();
    assert.ok(Math.abs(first.outer - Math.ceil(first.inner)) <= 1, JSON.stringify(first));
    // A step of a different height: the frame follows.
    await frame.getByRole("button", { name: "Android" }).click();
    await frame.locator(".bd-step[data-node=android-symptom] .bd-actions button").first().click();
    await frame.getByRole("button", { name: "No, still stuck" }).waitFor();
    await page.waitForFunction((h) => Math.abs(document.getElementById("backup-doctor-frame").getBoundingClientRect().height - h) > 2, first.outer);
    const second = await fits();
    assert.ok(Math.abs(second.outer - Math.ceil(second.inner)) <= 1, JSON.stringify(second));
    // Its events reach the parent as messages, with the same detail.
    const log = await page.locator("#event-log").innerText();
    assert.match(log, /iframe backup-doctor:step \{.*"node":"android-symptom"/);
    await page.screenshot({ path: artifact(`help-article-${name}.png`), fullPage: true });
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
}

test("two <backup-doctor> elements answer taps and fire events independently", async () => {
  const page = await openPage(browser, "demo/two-widgets.html");
  await inWidget(page, "#first", ".bd-step h2").waitFor({ timeout: 15000 });
  await inWidget(page, "#second", ".bd-step h2").waitFor();
  const events = page.evaluate(() => new Promise((resolve) => {
    const seen = [];
    document.addEventListener("backup-doctor:step", (e) => {
      seen.push({ target: e.target.id, detail: e.detail });
      if (seen.length === 2) resolve(seen);
    });
  }));
  await inWidget(page, "#first", "button:text-is('Android')").tap();
  await inWidget(page, "#first", ".bd-step[data-node=android-symptom] .bd-actions button").first().tap();
  const seen = await events;
  assert.equal(seen[0].target, "first", "composed events retarget to the element");
  assert.equal(seen[0].detail.node, "android-symptom");
  assert.equal(seen[0].detail.kind, "question");
  assert.equal(seen[0].detail.tree, `${DEFAULT_TREE.id}@${DEFAULT_TREE.revision}`);
  assert.equal(seen[1].detail.node, "android-account");
  assert.match(await inWidget(page, "#second", ".bd-step h2").innerText(), /Which phone/);
  const themes = await page.evaluate(() => ["first", "second"].map((id) =>
    document.getElementById(id).shadowRoot.querySelector(".bd-widget").dataset.theme));
  assert.deepEqual(themes, ["light", "dark"]);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test("a crash turns every <backup-doctor> of the page into the crash panel, in its shadow root", async () => {
  const page = await openPage(browser, "demo/two-widgets.html");
  await inWidget(page, "#first", ".bd-step h2").waitFor({ timeout: 15000 });
  await inWidget(page, "#second", ".bd-step h2").waitFor();
  await crashWasm(page, new URL((await builtNames()).glue, BASE_URL).href);
  for (const host of ["#first", "#second"]) {
    const panel = inWidget(page, host, ".bd-crash");
    await panel.waitFor({ timeout: 5000 });
    assert.match(await panel.innerText(), /stopped working/);
    await panel.getByRole("button", { name: "Reload" }).waitFor();
  }
  // Styled by the widget's sheet: the Reload button is a filled button.
  const background = await inWidget(page, "#first", ".bd-crash button").evaluate((b) => getComputedStyle(b).backgroundColor);
  assert.notEqual(background, "rgba(0, 0, 0, 0)");
  await page.context().close();
});

test("BackupDoctor.mount: speedTest resolves with the documented result, destroy aborts requests", async () => {
  const page = await openPage(browser, "demo/two-widgets.html");
  await inWidget(page, "#first", ".bd-step h2").waitFor({ timeout: 15000 });
  const result = await page.evaluate(async () => {
    const handle = window.BackupDoctor.mount(document.getElementById("third"), { lang: "en" });
    await handle.ready;
    const fired = new Promise((r) => document.addEventListener("backup-doctor:speedtest", (e) => r(e.detail), { once: true }));
    const value = await handle.speedTest();
    return { value, fired: await fired };
  });
  for (const key of ["downloadMbps", "uploadMbps", "latencyMs", "jitterMs", "loadedLatencyMs", "bytesUsed", "durationMs", "stopReason"]) {
    assert.ok(key in result.value, key);
  }
  assert.deepEqual(result.value, result.fired);
  // A test that would hang forever (a stalled endpoint), then destroy().
  const stats = (path = "__stats") => fetch(new URL(path, BASE_URL)).then((r) => r.json());
  await page.evaluate(async () => {
    const third = document.getElementById("third");
    window.__handle = window.BackupDoctor.mount(third, { speedtest: "/__fault/endpoint/stall" });
    await window.__handle.ready;
    window.__pending = window.__handle.speedTest().catch(String);
  });
  await waitFor(async () => (await stats()).openFaults > 0, "the stalled download is open");
  await page.evaluate(() => window.__handle.destroy());
  await waitFor(async () => (await stats()).openFaults === 0, "destroy() closed it");
  assert.equal(await page.evaluate(() => document.getElementById("third").shadowRoot.childElementCount), 0);
  await page.context().close();
});

async function waitFor(check, what, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out: ${what}`);
}

test("hostile host CSS does not break the widget, and the widget's CSS does not leak", async () => {
  const page = await openPage(browser, "demo/hostile.html");
  await inWidget(page, "backup-doctor", ".bd-step h2").waitFor({ timeout: 15000 });
  const look = await page.evaluate(() => {
    const root = document.querySelector("backup-doctor").shadowRoot;
    const button = root.querySelector(".bd-button");
    const body = root.querySelector(".bd-step p");
    const s = (el) => getComputedStyle(el);
    return {
      buttonDisplay: s(button).display, buttonHeight: button.getBoundingClientRect().height,
      textColor: s(body).color, textSize: s(body).fontSize,
      hostText: s(document.getElementById("host-text")).color, bodyMargin: s(document.body).margin,
    };
  });
  assert.notEqual(look.buttonDisplay, "none");
  assert.ok(look.buttonHeight >= 44, `touch target ${look.buttonHeight}`);
  assert.notEqual(look.textColor, "rgb(255, 0, 0)");
  assert.equal(look.textSize, "16px");
  assert.equal(look.hostText, "rgb(255, 0, 0)", "the host keeps its own styles");
  assert.equal(look.bodyMargin, "8px", "widget.css's page rules stay in the shadow root");
  await inWidget(page, "backup-doctor", "button:text-is('iPhone')").tap();
  await inWidget(page, "backup-doctor", ".bd-step[data-node=ios-symptom]").waitFor();
  await page.screenshot({ path: artifact("hostile-css.png"), fullPage: true });
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test("a strict CSP host page records zero violations, through a whole connection test", async () => {
  const page = await openPage(browser, "demo/strict-csp.html");
  await inWidget(page, "backup-doctor", ".bd-step h2").waitFor({ timeout: 15000 });
  await inWidget(page, "backup-doctor", "button:text-is('Android')").tap();
  const detail = await page.evaluate(() => document.querySelector("backup-doctor").speedTest());
  assert.ok(detail.downloadMbps > 0, JSON.stringify(detail));
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test("the README snippets work on a blank page of another origin", async () => {
  const host = await startSnippetsHost(new URL(BASE_URL).href);
  const page = await openPage(browser, null);
  try {
    await page.goto(host.url);
    await inWidget(page, "backup-doctor", ".bd-step h2").waitFor({ timeout: 15000 });
    const step = page.evaluate(() => new Promise((r) =>
      document.addEventListener("backup-doctor:step", (e) => r(e.detail), { once: true })));
    await inWidget(page, "backup-doctor", "button:text-is('iPhone')").tap();
    assert.equal((await step).node, "ios-symptom");
    await page.waitForFunction(() => document.getElementById("backup-doctor-frame").style.height !== "600px");
    assert.deepEqual(page.consoleErrors, []);
  } finally {
    await page.context().close();
    host.close();
  }
});

test("an engine without constructed stylesheets (Safari before 16.4) gets a styled element, under a strict CSP too", async () => {
  for (const path of ["demo/two-widgets.html", "demo/strict-csp.html"]) {
    const page = await openPage(browser, null);
    await page.addInitScript(() => {
      delete Document.prototype.adoptedStyleSheets;
      delete ShadowRoot.prototype.adoptedStyleSheets;
      window.CSSStyleSheet = function CSSStyleSheet() { throw new TypeError("Illegal constructor"); };
    });
    await page.goto(new URL(path, BASE_URL).href);
    await inWidget(page, "backup-doctor", ".bd-step h2").first().waitFor({ timeout: 15000 });
    const look = await page.evaluate(() => {
      const root = document.querySelector("backup-doctor").shadowRoot;
      const button = root.querySelector(".bd-step .bd-actions button");
      const widget = root.querySelector(".bd-widget");
      return {
        link: Boolean(root.querySelector("link[rel=stylesheet]")),
        border: getComputedStyle(button).borderTopWidth,
        radius: getComputedStyle(widget).borderTopLeftRadius,
        height: button.getBoundingClientRect().height,
      };
    });
    assert.ok(look.link, `${path}: a stylesheet link in the shadow root`);
    assert.notEqual(look.border, "0px", `${path}: buttons keep their border`);
    assert.notEqual(look.radius, "0px", `${path}: the card keeps its shape`);
    assert.ok(look.height >= 44, `${path}: touch target ${look.height}`);
    if (path.includes("csp")) assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    await page.context().close();
  }
});
