// The widget's side of insights, as a person walks: a release server of its
// own with --insights (SQLite in a temporary directory) serves the widget;
// the standalone page with ?insights= set sends its beacons there. One walk
// is fixed (with a Back on the way), one is left (reloaded, then closed);
// the summary and the dashboard count exactly those, step by step and by
// symptom. Without the setting no request goes to /__insights; a bad value
// is shown as an ignored setting and sends nothing; the element's
// `insights` attribute sends too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, PHONE, startCollector } from "./harness.mjs";
import { locale } from "./langs.mjs";
import { tap, headingText } from "./walk.mjs";

const TOKEN = "walk-test-token-0123456789abcdef";
const TREE = "whatsapp-backup-stuck";
const EN = locale("en");

let browser;
let collector;
let base;

before(async () => {
  collector = await startCollector(TOKEN);
  base = collector.base;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  collector?.stop();
});

const origin = () => base.replace(/\/$/, "");

async function summary(query = "") {
  const response = await fetch(new URL(`__insights/summary${query}`, base), {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

/** The summary once `ready(tree)` holds (beacons arrive on their own time), then once more after a pause, so late extras are counted too. */
async function settled(query, ready) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const tree = (await summary(query)).trees.find((t) => t.tree === TREE);
    if (tree && ready(tree)) break;
    if (Date.now() > deadline) assert.fail(`the summary never got there: ${JSON.stringify(tree)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 1000));
  return (await summary(query)).trees.find((t) => t.tree === TREE);
}

/** Opens `path` of the test server, noting every request to /__insights. */
async function open(path) {
  const page = await openPage(browser, null, PHONE);
  page.beacons = [];
  page.on("request", (r) => { if (new URL(r.url()).pathname.startsWith("/__insights")) page.beacons.push(r.postData()); });
  await page.goto(new URL(path, base).href);
  await headingText(page);
  return page;
}

/** Time for a beacon sent as a page goes away to leave before its context closes. */
const pause = () => new Promise((r) => setTimeout(r, 1000));

const nodeOf = (page) => page.locator(".bd-step").getAttribute("data-node");

test("a fixed walk and a left walk are counted step by step, by symptom and on the dashboard", async () => {
  const q = `?lang=en&insights=${encodeURIComponent(origin())}`;

  // Android, "Stuck at 0 %", the account check; Back and the same answer
  // again (nothing counted twice); "No, still stuck"; the next fix works.
  const fixed = await open(q);
  await tap(fixed, "Android");
  await tap(fixed, "Stuck at 0 % or “Preparing backup”");
  assert.equal(await nodeOf(fixed), "android-account");
  await tap(fixed, EN.back);
  await tap(fixed, "Stuck at 0 % or “Preparing backup”");
  await tap(fixed, EN.fixed_no);
  assert.equal(await nodeOf(fixed), "android-google-storage");
  await tap(fixed, EN.fixed_yes);
  await fixed.locator(".bd-outcome").waitFor();
  assert.equal(await nodeOf(fixed), "resolved");
  for (let i = 0; i < 50 && fixed.beacons.length < 8; i++) await new Promise((r) => setTimeout(r, 100));
  const kinds = fixed.beacons.map((b) => JSON.parse(b)).map((b) => `${b.kind} ${b.node}${b.symptom ? ` ${b.symptom}` : ""}`);
  assert.deepEqual(kinds, [
    "started platform",
    "step platform",
    "step android-symptom",
    "step android-account android-symptom:0",
    "step android-google-storage android-symptom:0",
    "step resolved android-symptom:0",
    "fixed-by android-google-storage android-symptom:0",
    "outcome resolved android-symptom:0",
  ]);
  // After the end, closing the page is not leaving.
  await fixed.close({ runBeforeUnload: true });
  await pause();
  await fixed.context().close();

  // Android, "Stuck at some percentage": the connection test step; the
  // page is reloaded (it left there), Back, then closed (a resumed walk
  // counts nothing twice and leaves once).
  const left = await open(q);
  await tap(left, "Android");
  await tap(left, "Stuck at some percentage");
  assert.equal(await nodeOf(left), "android-speed");
  await left.reload();
  await headingText(left);
  assert.equal(await nodeOf(left), "android-speed");
  await tap(left, EN.back);
  await left.goto("about:blank");
  await pause();
  await left.context().close();

  const tree = await settled("?lang=en", (t) => t.started >= 2 && t.resolved >= 1 && t.left >= 1);
  assert.deepEqual(
    { started: tree.started, resolved: tree.resolved, escalated: tree.escalated, left: tree.left },
    { started: 2, resolved: 1, escalated: 0, left: 1 });
  const nodes = Object.fromEntries(tree.nodes.map((n) => [n.node, [n.reached, n.left, n.fixed]]));
  assert.deepEqual(nodes, {
    "platform": [2, 0, 0],
    "android-symptom": [2, 0, 0],
    "android-account": [1, 0, 0],
    "android-google-storage": [1, 0, 1],
    "resolved": [1, 0, 0],
    "android-speed": [1, 1, 0],
  });
  assert.deepEqual(tree.bySymptom, [
    { symptom: "android-symptom:0", resolved: 1, escalated: 0, left: 0, fixes: [{ node: "android-google-storage", fixed: 1 }] },
    { symptom: "android-symptom:1", resolved: 0, escalated: 0, left: 1, fixes: [] },
  ]);

  // The dashboard shows the same.
  const page = await openPage(browser, null, PHONE);
  await page.goto(new URL("insights/", base).href);
  await page.fill("#token", TOKEN);
  await page.click("#token-form button[type=submit]");
  const card = page.locator(`section.tree[data-tree="${TREE}@${tree.revision}"]`);
  await card.waitFor();
  assert.match(await card.locator(".totals").textContent(), /^2 started · 1 resolved \(50 % of ended\) · 0 sent to support · 1 left before an end$/);
  const funnel = await card.locator("svg.funnel text").allTextContents();
  for (const row of [
    "android-google-storage: 1 reached · 0 left · 1 fixed",
    "android-speed: 1 reached · 1 left · 0 fixed",
    "platform: 2 reached · 0 left · 0 fixed",
  ]) assert.ok(funnel.includes(row), `the funnel lacks ${row}: ${funnel.join(" | ")}`);
  const symptoms = await card.locator("svg.symptoms text").allTextContents();
  assert.ok(symptoms.includes("android-symptom:0: 100 % resolved (1 of 1)"), symptoms.join(" | "));
  assert.ok(symptoms.includes("fixed by: android-google-storage (1)"), symptoms.join(" | "));
  await page.context().close();
});

test("without the insights setting no request goes to /__insights", async () => {
  const before = await summary();
  const page = await open("?lang=en");
  await tap(page, "Android");
  await tap(page, "Stuck at 0 % or “Preparing backup”");
  await tap(page, EN.fixed_yes);
  await page.locator(".bd-outcome").waitFor();
  const walkAway = await open("?lang=en");
  await tap(walkAway, "iPhone");
  await walkAway.goto("about:blank");
  await page.goto("about:blank");
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual([...page.beacons, ...walkAway.beacons], []);
  await page.context().close();
  await walkAway.context().close();
  assert.deepEqual(await summary(), before, "nothing was counted");
});

test("a bad insights value is shown as an ignored setting and nothing is sent", async () => {
  const before = await summary();
  const page = await open("?lang=en&insights=javascript:alert(1)");
  const notice = await page.locator(".bd-notice li").allInnerTexts();
  const expected = EN.setting_bad_insights.replace("{value}", "\u2068javascript:alert(1)\u2069");
  assert.deepEqual(notice, [expected]);
  await tap(page, "Android");
  await page.goto("about:blank");
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(page.beacons, []);
  await page.context().close();
  assert.deepEqual(await summary(), before, "nothing was counted");
});

test("the element's insights attribute sends the walk too, in the widget's language", async () => {
  const page = await openPage(browser, null, PHONE);
  // A host page on the server's origin (answered by the test, not the server).
  const host = new URL("host-page-of-the-test.html", base).href;
  await page.route(host, (route) => route.fulfill({ contentType: "text/html", body: `<!doctype html><html><body>
    <script type="module" src="${new URL("embed.js", base).href}"></script>
    <backup-doctor lang="de" insights="${origin()}"></backup-doctor></body></html>` }));
  await page.goto(host);
  const widget = page.locator("backup-doctor .bd-step h2");
  await widget.waitFor({ timeout: 15000 });
  await page.locator("backup-doctor .bd-step .bd-actions button").first().tap();
  await page.waitForFunction(() => document.querySelector("backup-doctor")?.shadowRoot?.querySelector(".bd-step")?.dataset.node === "android-symptom");
  await page.goto("about:blank");
  await pause();
  await page.context().close();
  const tree = await settled("?lang=de", (t) => t.left >= 1);
  assert.deepEqual(
    { started: tree.started, left: tree.left, nodes: Object.fromEntries(tree.nodes.map((n) => [n.node, [n.reached, n.left]])) },
    { started: 1, left: 1, nodes: { "platform": [1, 0], "android-symptom": [1, 1] } });
});
