// Hostile conditions a real phone meets: storage that is disabled, full or
// holds garbage; a tree URL that fails in every way; a crash; and what the
// widget sends and keeps (privacy).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { launch, openPage, artifact, crashWasm, BASE_URL } from "./harness.mjs";
import { DEFAULT_TREE, trailsTo } from "./trails.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const KEY = `backup-doctor:progress:${DEFAULT_TREE.id}`;
const heading = (page) => page.locator(".bd-step h2");

async function walkTwoSteps(page) {
  await page.getByRole("button", { name: "Android", exact: true }).click();
  await page.locator(".bd-step[data-node=android-symptom] .bd-actions button").first().click();
  await page.getByRole("button", { name: "No, still stuck" }).waitFor();
}

/** A context whose pages see `script` run before anything else. */
async function pageWith(script, path = "") {
  const page = await openPage(browser, null);
  await page.addInitScript(script);
  await page.goto(new URL(path, BASE_URL).href);
  await heading(page).waitFor({ timeout: 15000 });
  return page;
}

test("storage disabled (private mode): the widget works and says it cannot remember", async () => {
  const page = await pageWith(() => {
    Object.defineProperty(window, "localStorage", { get() { throw new DOMException("denied", "SecurityError"); } });
  });
  await walkTwoSteps(page);
  assert.match(await page.locator(".bd-notice").innerText(), /does not let the page save your progress/);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test("storage full: the widget goes on and says its progress was not saved", async () => {
  const page = await pageWith(() => {
    Storage.prototype.setItem = function () { throw new DOMException("full", "QuotaExceededError"); };
  });
  await walkTwoSteps(page);
  assert.match(await page.locator(".bd-notice").innerText(), /could not be saved/);
  await page.context().close();
});

for (const [name, value, notice] of [
  ["garbage", "{{{ not json", /could not be restored/],
  ["state of an older guide revision", JSON.stringify({ v: 1, tree: `${DEFAULT_TREE.id}@1999-01-01`, trail: "0.0.n", saved_at_ms: Date.now() }), null],
  ["state of a future widget version", JSON.stringify({ v: 9, tree: "x", trail: "", saved_at_ms: 0 }), null],
  ["a trail that no longer fits", JSON.stringify({ v: 1, tree: `${DEFAULT_TREE.id}@${DEFAULT_TREE.revision}`, trail: "7.7.7", saved_at_ms: Date.now() }), /could not be restored/],
]) {
  test(`storage holding ${name}: a fresh start, never a crash, and the bad entry is gone`, async () => {
    const page = await openPage(browser, "");
    await heading(page).waitFor({ timeout: 15000 });
    await page.evaluate(([key, v]) => localStorage.setItem(key, v), [KEY, value]);
    // Come back without a link, as from the help page: saved progress is read.
    await page.goto(new URL("?lang=en", BASE_URL).href);
    await heading(page).waitFor({ timeout: 15000 });
    assert.equal(await page.locator(".bd-step").getAttribute("data-node"), DEFAULT_TREE.start);
    const notices = await page.locator(".bd-notice").allInnerTexts();
    if (notice) assert.match(notices.join(" "), notice);
    else assert.deepEqual(notices, []);
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), KEY), null);
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
}

test("'Forget my progress' deletes everything the widget stored", async () => {
  const page = await openPage(browser, "");
  await heading(page).waitFor({ timeout: 15000 });
  await walkTwoSteps(page);
  assert.notEqual(await page.evaluate((key) => localStorage.getItem(key), KEY), null);
  await page.locator(".bd-forget").click();
  await page.locator(`.bd-step[data-node=${DEFAULT_TREE.start}]`).waitFor();
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.match(await page.locator(".bd-notice").innerText(), /deleted/);
  await page.goto(new URL("", BASE_URL).href);
  assert.equal(await page.locator(".bd-step").getAttribute("data-node"), DEFAULT_TREE.start);
  await page.context().close();
});

const TREE_FAULTS = [
  ["404", "status404", /answered 404/],
  ["500", "status500", /answered 500/],
  ["a login page (HTML)", "html", /not valid JSON/],
  ["broken JSON", "notjson", /not valid JSON/],
  ["a 5 MiB file", "huge", /larger than 768 KB/],
  ["an endless body", "endless", /did not arrive within 15 seconds|larger than/],
  ["no answer at all", "timeout", /did not arrive within 15 seconds/],
];
for (const [name, mode, words] of TREE_FAULTS) {
  test(`a tree URL giving ${name} shows a clear message and a retry`, async () => {
    const page = await openPage(browser, `?tree=${encodeURIComponent(`/__fault/tree?mode=${mode}`)}`);
    await page.locator(".bd-problems").waitFor({ timeout: 25000 });
    assert.match(await page.locator(".bd-problems").innerText(), words);
    await page.context().close();
  });
}

test("a tree server that fails, then recovers: Try again loads the steps", async () => {
  let calls = 0;
  const tree = JSON.stringify(DEFAULT_TREE);
  const server = createServer((req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    if (calls++ === 0) { res.statusCode = 503; res.end("restarting"); return; }
    res.setHeader("content-type", "application/json");
    res.end(tree);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${server.address().port}/tree.json`;
    const page = await openPage(browser, `?tree=${encodeURIComponent(url)}`);
    await page.getByRole("button", { name: "Try again" }).click({ timeout: 15000 });
    await page.locator(`.bd-step[data-node=${DEFAULT_TREE.start}]`).waitFor({ timeout: 15000 });
    await page.context().close();
  } finally {
    server.close();
  }
});

test("the widget keeps working when the server goes away mid-flow", async () => {
  const page = await openPage(browser, "");
  await heading(page).waitFor({ timeout: 15000 });
  await page.context().setOffline(true);
  await walkTwoSteps(page);
  await page.getByRole("button", { name: "No, still stuck" }).click();
  await page.context().setOffline(false);
  await page.reload();
  assert.equal(await page.locator(".bd-step").getAttribute("data-node"), "android-google-storage");
  await page.context().close();
});

test("a panic shows a readable panel with a reload button, never a frozen widget", async () => {
  const page = await openPage(browser, "");
  await heading(page).waitFor({ timeout: 15000 });
  await page.getByRole("button", { name: "Android", exact: true }).click();
  await page.locator(".bd-step[data-node=android-symptom]").waitFor();
  await crashWasm(page);
  const panel = page.locator(".bd-crash");
  await panel.waitFor({ timeout: 5000 });
  assert.match(await panel.innerText(), /stopped working/);
  // For support: the version and the trap (the release build panics by
  // trapping at once, with no message of its own).
  await panel.locator("summary").click();
  assert.match(await panel.locator("pre").innerText(), /^backup-doctor \d+\.\d+\.\d+\n[\s\S]*(RuntimeError|unreachable)/);
  await page.screenshot({ path: artifact("crash-panel.png") });
  await panel.getByRole("button", { name: "Reload" }).click();
  await heading(page).waitFor({ timeout: 15000 });
  // The place is kept: the step answered before the crash.
  assert.equal(await page.locator(".bd-step").getAttribute("data-node"), "android-symptom");
  await page.context().close();
});

test("privacy: requests only to its own origin, no cookies, only its progress stored", async () => {
  const page = await openPage(browser, null);
  const origins = new Set();
  page.on("request", (r) => origins.add(new URL(r.url()).origin));
  await page.goto(new URL("?lang=es", BASE_URL).href);
  await heading(page).waitFor({ timeout: 15000 });
  await page.locator(".bd-actions button").first().click();
  await page.locator(".bd-actions button").first().click();
  await page.goto(new URL(`?lang=en#step=${trailsTo().get("android-speed")}`, BASE_URL).href);
  await page.locator(".bd-speed-start").click();
  await page.locator(".bd-report").waitFor({ timeout: 20000 });
  assert.deepEqual([...origins], [new URL(BASE_URL).origin]);
  assert.deepEqual(await page.context().cookies(), []);
  const stored = await page.evaluate(() => ({
    local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie,
  }));
  assert.deepEqual(stored, { local: [KEY], session: [], cookie: "" });
  await page.context().close();
});

for (const [name, breakWasm] of [
  ["a wasm that does not compile", (route) => route.fulfill({ status: 200, contentType: "application/wasm", body: "not wasm at all" })],
  ["a wasm that does not arrive", (route) => route.fulfill({ status: 503, body: "busy" })],
]) {
  test(`${name}: the page says so in the person's language with Reload, never an endless Loading`, async () => {
    for (const [lang, words] of [["en", /could not start on this browser/], ["es", /no pudo iniciarse en este navegador/]]) {
      const page = await openPage(browser, null);
      await page.route("**/*_bg.wasm", breakWasm);
      await page.goto(new URL(`?lang=${lang}`, BASE_URL).href);
      const box = page.locator(".bd-startup-failed");
      await box.waitFor({ timeout: 10000 });
      assert.match(await box.innerText(), words);
      assert.match(await box.innerText(), /WhatsApp > /);
      assert.equal(await box.getByRole("button").count(), 1, "a Reload button");
      assert.equal(await page.locator(".bd-loading").count(), 0, "no endless Loading");
      if (lang === "en") await page.screenshot({ path: artifact(`startup-failed-${name.split(" ").pop()}.png`) });
      await page.context().close();
    }
  });
}

test("an element whose wasm fails shows the same message in its language", async () => {
  const page = await openPage(browser, null);
  await page.route("**/*_bg.wasm", (route) => route.fulfill({ status: 200, contentType: "application/wasm", body: "nope" }));
  await page.goto(new URL("demo/two-widgets.html", BASE_URL).href);
  const box = page.locator("#first").locator(".bd-startup-failed");
  await box.waitFor({ timeout: 10000 });
  assert.match(await box.innerText(), /Reload|Volver a cargar|Recarregar/);
  await page.context().close();
});
