// The parts the first step does not need (the connection test, the
// outcome, the reader of tree files and other languages' words) are wasm
// chunks of their own (src/chunks.rs): the first step is drawn without
// them, the steps' chunks arrive after it (English never needs the
// reader), and a chunk that cannot be downloaded says so in the person's
// language with a Try again that works once the connection is back, the
// answers kept.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, openPage } from "./harness.mjs";
import { trailsTo, DEFAULT_TREE } from "./trails.mjs";
import { walkToOutcome } from "./walk.mjs";

const WORDS = (lang) => JSON.parse(readFileSync(new URL(`../locales/${lang}.json`, import.meta.url), "utf8"));
const CHUNK = /\/chunk-[A-Za-z0-9_]+-[0-9a-f]{16}\.wasm$/;
const SPEED_STEP = `#step=${trailsTo().get("android-speed")}`;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the first step is drawn while the chunks are held back; they are fetched after it", async () => {
  const page = await openPage(browser, null);
  const held = [];
  let holding = true;
  const asked = [];
  await page.route(CHUNK, (route) => {
    asked.push(route.request().url());
    return holding ? held.push(route) : route.continue();
  });
  await page.goto(new URL("./", process.env.BASE_URL ?? "http://127.0.0.1:8080/").href);
  await page.locator(".bd-step h2").waitFor({ timeout: 15000 });
  // The first step is on screen with no chunk delivered; the prefetch
  // asks for the first chunk right after.
  for (let i = 0; i < 50 && held.length === 0; i++) await page.waitForTimeout(100);
  assert.ok(held.length > 0, "the chunks are fetched once the first step is drawn");
  holding = false;
  for (const route of held) await route.continue();
  // Every chunk arrives: the outcome is drawn from its chunk at the end of a walk.
  await walkToOutcome(page);
  await page.locator(".bd-outcome").waitFor({ timeout: 10000 });
  assert.ok(asked.some((u) => /\/chunk-connection-/.test(u)) && asked.some((u) => /\/chunk-outcome-/.test(u)), asked.join(" "));
  assert.ok(!asked.some((u) => /\/chunk-reader-/.test(u)), "English reads no tree file and no words");
  assert.deepEqual(page.consoleErrors, []);
});

for (const lang of ["en", "de"]) {
  test(`a chunk that cannot be downloaded says so (${lang}), and Try again brings the step`, async () => {
    const page = await openPage(browser, null);
    let failing = true;
    let refused = 0;
    await page.route(CHUNK, (route) => {
      // The reader reads the German words: only the steps' chunks fail.
      if (!failing || !/\/chunk-(connection|outcome)-/.test(route.request().url())) return route.continue();
      refused++;
      return route.abort("internetdisconnected");
    });
    await page.goto(new URL(`./?lang=${lang}${SPEED_STEP}`, process.env.BASE_URL ?? "http://127.0.0.1:8080/").href);
    const unavailable = page.locator(".bd-unavailable");
    await unavailable.waitFor({ timeout: 15000 });
    assert.ok(refused > 0);
    assert.equal((await unavailable.locator("p").innerText()).trim(), WORDS(lang).step_unavailable);
    assert.equal(await unavailable.getAttribute("role"), "alert");
    const crumbs = await page.locator(".bd-breadcrumb li").count();
    assert.ok(crumbs > 0, "the answers so far are still there");
    failing = false;
    const retry = unavailable.locator(".bd-retry");
    assert.equal((await retry.innerText()).trim(), WORDS(lang).retry);
    await retry.tap();
    await page.locator(".bd-speed-start").waitFor({ timeout: 10000 });
    assert.equal(await page.locator(".bd-breadcrumb li").count(), crumbs);
    // The refused requests and the chunk loader's note of them; nothing else.
    assert.deepEqual(page.consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e)), []);
  });
}

/** Refuses the reader's chunk while `state.failing`. */
async function refuseReader(page, state) {
  await page.route(CHUNK, (route) =>
    state.failing && /\/chunk-reader-/.test(route.request().url()) ? route.abort("internetdisconnected") : route.continue());
}

test("an author's tree is read by the reader's chunk; without it, the reason and a Try again that reads it", async () => {
  const page = await openPage(browser, null);
  const state = { failing: true };
  await refuseReader(page, state);
  await page.goto(new URL(`./?tree=${encodeURIComponent("/trees/default.json")}`, process.env.BASE_URL ?? "http://127.0.0.1:8080/").href);
  const unavailable = page.locator(".bd-unavailable");
  await unavailable.waitFor({ timeout: 15000 });
  assert.equal((await unavailable.locator("p").innerText()).trim(), WORDS("en").step_unavailable);
  state.failing = false;
  await unavailable.locator(".bd-retry").tap();
  await page.locator(`.bd-step[data-node="${DEFAULT_TREE.start}"] h2`).waitFor({ timeout: 15000 });
});

test("another language without the reader's chunk: the steps in English, and a notice in the language asked for", async () => {
  const page = await openPage(browser, null);
  await refuseReader(page, { failing: true });
  await page.goto(new URL("./?lang=ru", process.env.BASE_URL ?? "http://127.0.0.1:8080/").href);
  await page.locator(`.bd-step[data-node="${DEFAULT_TREE.start}"] h2`).waitFor({ timeout: 15000 });
  const notice = page.locator(".bd-notice", { hasText: WORDS("ru").translation_unavailable });
  await notice.waitFor({ timeout: 15000 });
  assert.equal(await page.locator(".bd-step h2").innerText(), DEFAULT_TREE.nodes.find((n) => n.id === DEFAULT_TREE.start).title.en);
});
