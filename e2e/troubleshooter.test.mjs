// The troubleshooter as a person uses it on a phone: whole paths by taps,
// a reload in the middle, a shared link, and an author's broken tree.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, artifact } from "./harness.mjs";
import { heading, headingText, tap, tapFirstAnswer, walkToOutcome } from "./walk.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("a full Android path by taps ends at support with a summary to copy", async () => {
  const page = await openPage(browser, "");
  await tap(page, "Android");
  // Stuck at some percentage: the chain that starts with the connection test.
  const symptom = page.locator(".bd-actions button").nth(1);
  const symptomText = (await symptom.innerText()).trim();
  await symptom.tap();
  const seen = await walkToOutcome(page);
  assert.deepEqual(seen, [
    "Test your connection", "Leave videos out of the backup", "Let WhatsApp work in the background",
    "Let WhatsApp use data in the background", "Ask WhatsApp support first",
    "Before anything that can lose chats: check your backup key", "Delete the old backup in Google Drive",
    "Back up to a different Google Account", "Reinstall WhatsApp (last resort)", "Let's get you more help",
  ]);
  assert.equal(await page.locator(".bd-outcome[data-outcome=escalate]").count(), 1);
  const summary = await page.locator(".bd-summary textarea").inputValue();
  assert.match(summary, /Android/);
  assert.ok(summary.includes(symptomText), `summary names the symptom: ${summary}`);
  assert.match(summary, /Leave videos out/i, "summary lists the steps tried");
  assert.match(summary, /Download: [\d,]+\.\d Mbit\/s/, "summary has the measured speeds");
  await page.screenshot({ path: artifact("android-escalate.png"), fullPage: true });
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test("a full iPhone path by taps: a fix works and the widget says which", async () => {
  const page = await openPage(browser, "");
  await tap(page, "iPhone");
  await page.locator(".bd-actions button").first().tap();
  await page.getByRole("button", { name: "No, still stuck" }).waitFor();
  await tap(page, "No, still stuck");
  const fixing = await headingText(page);
  await tap(page, "Yes, the backup works now");
  assert.equal(await page.locator(".bd-outcome[data-outcome=resolved]").count(), 1);
  assert.ok((await page.locator(".bd-fixed-by").innerText()).includes(fixing));
  await page.screenshot({ path: artifact("iphone-resolved.png"), fullPage: true });
  // And the whole iPhone chain, walked to its end, reaches support.
  await tap(page, "Start over");
  await tap(page, "iPhone");
  await page.locator(".bd-actions button").first().tap();
  const seen = await walkToOutcome(page);
  assert.deepEqual(seen, [
    "Check iCloud is on for WhatsApp", "Make room in iCloud and on your iPhone", "Update WhatsApp and iOS",
    "Restart your iPhone", "Ask WhatsApp support first",
    "Before anything that can lose chats: check your backup key", "Delete the old WhatsApp backup in iCloud",
    "Reinstall WhatsApp (last resort)", "Let's get you more help",
  ]);
  assert.match(await page.locator(".bd-summary textarea").inputValue(), /iPhone/);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test("warning steps need an explicit confirmation before their instructions", async () => {
  const page = await openPage(browser, "");
  await tap(page, "Android");
  await page.locator(".bd-actions button").first().tap();
  for (let i = 0; i < 20 && !(await page.locator(".bd-warning").count()); i++) {
    const b = page.getByRole("button", { name: /^(No, still stuck|Skip the test)$/ });
    if (await b.count()) await tap(page, await b.first().innerText());
    else await tapFirstAnswer(page);
  }
  assert.equal(await page.locator(".bd-warning").count(), 1, "a warning step was reached");
  assert.equal(await page.getByRole("button", { name: "No, still stuck" }).count(), 0,
    "no answer before confirming");
  await page.locator(".bd-confirm").tap();
  await page.getByRole("button", { name: "No, still stuck" }).waitFor();
  await page.context().close();
});

test("a reload in the middle resumes at the same step; back and changing an answer work", async () => {
  const page = await openPage(browser, "");
  await tap(page, "Android");
  await page.locator(".bd-actions button").first().tap();
  await tap(page, "No, still stuck");
  await tap(page, "No, still stuck");
  const here = await headingText(page);
  await page.reload();
  assert.equal(await headingText(page), here);
  await page.close();
  // A killed browser: a new page in the same profile.
  const again = await page.context().newPage();
  await again.goto(new URL("", process.env.BASE_URL ?? "http://127.0.0.1:8080/").href);
  assert.equal(await headingText(again), here);
  await tap(again, "Back");
  assert.notEqual(await headingText(again), here);
  // Change the platform answer from the breadcrumb.
  await again.locator(".bd-breadcrumb summary").tap();
  await again.locator(".bd-breadcrumb button").first().tap();
  await again.getByRole("button", { name: "iPhone" }).waitFor();
  await page.context().close();
});

test("a shared link opens the same step on another device", async () => {
  const page = await openPage(browser, "");
  await tap(page, "iPhone");
  await page.locator(".bd-actions button").first().tap();
  await tap(page, "No, still stuck");
  const here = await headingText(page);
  const link = page.url();
  assert.match(link, /#step=/);
  await page.context().close();
  const other = await openPage(browser, link);
  assert.equal(await headingText(other), here);
  await other.context().close();
});

test("an author's broken tree shows every problem, with node ids and paths", async () => {
  // demo/trees/broken-example.json: a wrong reference, an empty title, a
  // javascript: link and an unknown field, all reported at once.
  const page = await openPage(browser, "?tree=/demo/trees/broken-example.json");
  const list = page.locator(".bd-problems li");
  await list.first().waitFor({ timeout: 15000 });
  const text = await page.locator(".bd-problems").innerText();
  assert.match(text, /"restart-phone"/);
  assert.match(text, /\/nodes\/0\/answers\/0\/next/);
  assert.match(text, /node "restart"/);
  assert.match(text, /javascript:/);
  assert.match(text, /colour/);
  assert.ok(await list.count() >= 4, text);
  await page.screenshot({ path: artifact("broken-tree.png"), fullPage: true });
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test("a tree URL that fails says why and offers a retry", async () => {
  const page = await openPage(browser, "?tree=" + encodeURIComponent("/__fault/tree?mode=status500"));
  await page.getByRole("button", { name: "Try again" }).waitFor({ timeout: 15000 });
  assert.match(await page.locator(".bd-problems").innerText(), /500/);
  await page.context().close();
});
