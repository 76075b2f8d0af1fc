// The insights dashboard as a help-centre owner uses it, at phone width:
// a release server of its own with --insights (SQLite in a temporary
// directory) gets a walk's beacons as sendBeacon sends them; the page asks
// for the token, keeps it for the tab, draws the tree's funnel, fix rate,
// days and buckets, exports the same figures as CSV, and refuses a wrong
// token. The page's strict CSP must not block anything it does.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, openPage, PHONE, startCollector } from "./harness.mjs";

const TOKEN = "dashboard-test-token-0123456789";
const TREE = "whatsapp-backup-stuck";
const REVISION = "2026-12-02.1";

let browser;
let collector;
let base;

before(async () => {
  // No widget: the dashboard is the server's own.
  collector = await startCollector(TOKEN, { dist: join(tmpdir(), "bd-no-dist") });
  base = collector.base;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  collector?.stop();
});

async function beacon(kind, node, extra = {}) {
  const body = JSON.stringify({ v: 1, tree: TREE, revision: REVISION, lang: "en", kind, node, ...extra });
  const response = await fetch(new URL("__insights", base), {
    method: "POST",
    headers: { "Content-Type": "text/plain;charset=UTF-8" },
    body,
  });
  assert.equal(response.status, 204, `${body}: ${await response.text()}`);
}

async function aWalkFixedByStorage() {
  const s = { symptom: "android-symptom:0" };
  await beacon("started", "platform");
  await beacon("step", "platform");
  await beacon("step", "android-symptom");
  await beacon("step", "android-storage", s);
  await beacon("fixed-by", "android-storage", s);
  await beacon("step", "fixed", { ...s, upload: "1-5" });
  await beacon("outcome", "fixed", { ...s, outcome: "resolved", upload: "1-5" });
}

async function aWalkLeftAtTheStart() {
  await beacon("started", "platform");
  await beacon("step", "platform");
  await beacon("left", "platform");
}

test("the dashboard asks for the token, keeps it for the tab and draws the walks", async () => {
  await aWalkFixedByStorage();
  await aWalkLeftAtTheStart();
  const page = await openPage(browser, null, PHONE);
  await page.goto(new URL("insights/", base).href);
  const form = page.locator("#token-form");
  await form.waitFor();
  await page.fill("#token", TOKEN);
  await page.click("#token-form button[type=submit]");

  const card = page.locator(`section.tree[data-tree="${TREE}@${REVISION}"]`);
  await card.waitFor();
  const totals = await card.locator(".totals").textContent();
  assert.match(totals, /^2 started · 1 resolved \(50 % of ended\) · 0 sent to support · 1 left before an end$/);
  const funnel = await card.locator("svg.funnel text").allTextContents();
  assert.deepEqual(funnel, [
    "platform: 2 reached · 1 left · 0 fixed",
    "android-storage: 1 reached · 0 left · 1 fixed",
    "android-symptom: 1 reached · 0 left · 0 fixed",
    "fixed: 1 reached · 0 left · 0 fixed",
  ]);
  const symptom = await card.locator("svg.symptoms text").allTextContents();
  assert.deepEqual(symptom, ["android-symptom:0: 100 % resolved (1 of 1)", "fixed by: android-storage (1)"]);
  const upload = await card.locator("svg.buckets").nth(1).locator("text").allTextContents();
  assert.deepEqual(upload, ["1-5 Mbit/s: 1 ended, 100 % resolved", "not measured: 1 ended, 0 % resolved"]);
  // Three stacked parts per day (one day, unless the walks straddled midnight UTC).
  const parts = await card.locator("svg.over-time rect").count();
  assert.ok(parts === 3 || parts === 6, `${parts} parts in the days chart`);

  // Readable at phone width: nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);

  // The token is kept for the tab: a reload goes straight to the figures.
  await page.reload();
  await card.waitFor();
  assert.equal(await form.isHidden(), true);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("backup-doctor:insights-token")), TOKEN);

  // CSV export: the same figures, one per row.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
  const csv = readFileSync(await download.path(), "utf8");
  const rows = csv.trim().split("\r\n");
  assert.equal(rows[0], "tree,revision,section,key,metric,value");
  for (const row of [
    `${TREE},${REVISION},totals,,started,2`,
    `${TREE},${REVISION},node,android-storage,fixed,1`,
    `${TREE},${REVISION},symptom,android-symptom:0,resolved,1`,
    `${TREE},${REVISION},symptom fix,android-symptom:0 android-storage,fixed,1`,
    `${TREE},${REVISION},upload,1-5,ended,1`,
  ]) {
    assert.ok(rows.includes(row), `CSV lacks ${row}:\n${csv}`);
  }

  // A language filter that matches nothing says so.
  await page.fill("#lang", "fr");
  await page.click("#filter-form button[type=submit]");
  await page.locator("#status", { hasText: "No beacons match this filter yet." }).waitFor();
  assert.equal(await card.count(), 0);
  assert.deepEqual(page.consoleErrors, [], "no CSP violation or script error");
  await page.context().close();
});

test("a wrong token is refused and asked for again", async () => {
  const page = await openPage(browser, null, PHONE);
  await page.goto(new URL("insights/", base).href);
  await page.fill("#token", "not-the-token-0123456789");
  await page.click("#token-form button[type=submit]");
  await page.locator("#token-message", { hasText: "The server refused this token." }).waitFor();
  assert.equal(await page.locator("section.tree").count(), 0);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("backup-doctor:insights-token")), null);
  // The refused fetch is the only console error (Chromium logs a 401).
  assert.ok(page.consoleErrors.every((e) => e.includes("401")), page.consoleErrors.join("\n"));
  await page.context().close();
});
