// The flow around the steps as a person lives it on a phone: texts that
// follow what they did, answers kept when changed (or undone), the
// browser's Back through the steps, a verdict in plain words first, and a
// theme that fits its page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, artifact, luminance, BASE_URL, PHONE } from "./harness.mjs";
import { trailsTo } from "./trails.mjs";
import { LANGS } from "./langs.mjs";
import { heading, headingText, tap, walkToOutcome } from "./walk.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const TRAILS = trailsTo();

test("the ending never advises against what the walk had the person do", async () => {
  const page = await openPage(browser, "?lang=en");
  await tap(page, "Android");
  await page.locator(".bd-step .bd-actions button").first().tap();
  const seen = await walkToOutcome(page); // confirms the deletion and the reinstall
  assert.ok(seen.includes("Delete the old backup in Google Drive"), seen.join(" > "));
  const end = await page.locator(".bd-step").innerText();
  assert.doesNotMatch(end, /don't delete any backup/);
  assert.match(end, /You deleted the old backup/);
  await page.context().close();
  // Fixed by a step other than videos: no word about turning videos back on.
  const fixed = await openPage(browser, "?lang=en");
  await tap(fixed, "Android");
  await fixed.locator(".bd-step .bd-actions button").first().tap();
  await tap(fixed, "Yes, the backup works now");
  assert.doesNotMatch(await fixed.locator(".bd-outcome").innerText(), /videos/i);
  await fixed.context().close();
  // Fixed by leaving videos out: told they can turn them back on.
  const videos = await openPage(browser, `?lang=en#step=${TRAILS.get("android-videos")}`);
  await tap(videos, "Yes, the backup works now");
  assert.match(await videos.locator(".bd-outcome").innerText(), /turn them back on/);
  await videos.context().close();
});

async function androidTwoStepsIn(page) {
  await tap(page, "Android");
  await page.locator(".bd-step .bd-actions button").first().tap();
  await tap(page, "No, still stuck");
  await tap(page, "No, still stuck");
  return headingText(page);
}

async function changeAnswer(page, n) {
  const closed = page.locator(".bd-breadcrumb details:not([open]) summary");
  if (await closed.count()) await closed.tap();
  await page.locator(".bd-breadcrumb li").nth(n).getByRole("button").tap();
}

test("changing an answer to the same one loses nothing; another asks first and can be undone", async () => {
  const page = await openPage(browser, "?lang=en");
  const here = await androidTwoStepsIn(page);
  await changeAnswer(page, 1);
  assert.equal(await headingText(page), "What do you see on the Chat backup screen?");
  await page.getByRole("button", { name: "Stuck at 0 % or “Preparing backup”" }).tap();
  await page.waitForFunction((h) => document.querySelector(".bd-step h2")?.innerText.trim() === h, here);
  assert.match(await page.locator(".bd-breadcrumb summary").innerText(), /\(4\)/, "every answer kept");
  // Another answer: asked first; "Keep my answers" goes back to where they were.
  await changeAnswer(page, 1);
  await page.getByRole("button", { name: "Stuck at 99 % or 100 %" }).tap();
  const confirm = page.locator(".bd-change-confirm");
  assert.match(await confirm.innerText(), /the 2 answers after it will be dropped/);
  await page.screenshot({ path: artifact("change-confirm.png"), fullPage: true });
  await confirm.getByRole("button", { name: "Keep my answers" }).tap();
  await page.waitForFunction((h) => document.querySelector(".bd-step h2")?.innerText.trim() === h, here);
  // ...and "Change it" takes the other way, with Undo.
  await changeAnswer(page, 1);
  await page.getByRole("button", { name: "Stuck at 99 % or 100 %" }).tap();
  await page.locator(".bd-change-confirm").getByRole("button", { name: "Change it" }).tap();
  assert.equal(await headingText(page), "Check whether the backup has already finished");
  await page.locator(".bd-undo-notice").getByRole("button", { name: "Undo" }).tap();
  await page.waitForFunction((h) => document.querySelector(".bd-step h2")?.innerText.trim() === h, here);
  // Start over can be undone too.
  await page.getByRole("button", { name: "Start over", exact: true }).tap();
  assert.match(await page.locator(".bd-undo-notice").innerText(), /You started over/);
  await page.locator(".bd-undo-notice").getByRole("button", { name: "Undo" }).tap();
  await page.waitForFunction((h) => document.querySelector(".bd-step h2")?.innerText.trim() === h, here);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test("the browser's Back and Forward walk through the steps; a reload stays", async () => {
  const page = await openPage(browser, "?lang=en");
  const here = await androidTwoStepsIn(page);
  await page.goBack();
  assert.equal(await headingText(page), "Make room in your Google storage");
  await page.goBack();
  assert.equal(await headingText(page), "Check which Google Account is selected");
  await page.goForward();
  assert.equal(await headingText(page), "Make room in your Google storage");
  await page.goForward();
  assert.equal(await headingText(page), here);
  // The widget's own Back goes back through the same history.
  await tap(page, "Back");
  assert.equal(await headingText(page), "Make room in your Google storage");
  await page.goForward();
  assert.equal(await headingText(page), here);
  await page.reload();
  assert.equal(await headingText(page), here);
  await page.context().close();
});

/** A connection test whose upload the server reports at `upMbps`. */
async function testWithUpload(lang, upMbps, size) {
  const page = await openPage(browser, null);
  await page.route("**/__up*", async (route) => {
    const bytes = route.request().postDataBuffer()?.length ?? 0;
    await route.fulfill({
      status: 200, contentType: "application/json", headers: { "access-control-allow-origin": "*" },
      body: JSON.stringify({ bytes, durationMs: (bytes * 8) / (upMbps * 1000) }),
    });
  });
  await page.goto(new URL(`?lang=${lang}#step=${TRAILS.get("android-speed")}`, BASE_URL).href);
  await page.locator(".bd-speed-start").tap();
  await page.locator(".bd-report").waitFor({ timeout: 20000 });
  await page.locator("#bd-backup-size").fill(size);
  // Figures are bidi-isolated (U+2068…U+2069) inside the sentence.
  const verdict = (await page.locator(".bd-verdict").innerText()).replace(/[\u2066-\u2069]/g, "").trim();
  const verdictFirst = await page.evaluate(() => {
    const v = document.querySelector(".bd-verdict");
    const d = document.querySelector(".bd-details");
    return Boolean(v.compareDocumentPosition(d) & Node.DOCUMENT_POSITION_FOLLOWING) && !d.open;
  });
  return { page, verdict, verdictFirst };
}

test("a slow upload and a 3 GB backup: 'slow, not stuck' with the time, first, in every language", async () => {
  const { page, verdict, verdictFirst } = await testWithUpload("en", 2, "3");
  assert.match(verdict, /^At this speed a 3 GB backup needs about \d+(–\d+)? hours: it is probably slow, not stuck\. Leave the phone on Wi-Fi and charging until then\.$/);
  assert.ok(verdictFirst, "the verdict comes before the figures, which stay folded");
  assert.match(await page.locator(".bd-hint#bd-backup-size-help").innerText(), /Settings > Chats > Chat backup, next to Backup size/);
  await page.screenshot({ path: artifact("verdict-slow.png"), fullPage: true });
  await page.context().close();
  for (const lang of LANGS.slice(1)) {
    const slow = await testWithUpload(lang, 2, "3");
    const fast = await testWithUpload(lang, 40, "3");
    assert.ok(slow.verdictFirst && fast.verdictFirst, lang);
    assert.notEqual(slow.verdict, fast.verdict, `${lang}: slow and fast say different things`);
    assert.ok(slow.verdict.length > 20 && !/looks fine/.test(slow.verdict), `${lang}: ${slow.verdict}`);
    if (lang === "ar" || lang === "ur") {
      // The size and the time each stay whole inside the right-to-left sentence.
      assert.match(await slow.page.locator(".bd-verdict").innerText(), /\u2068[^\u2069]*GB\u2069/);
      await slow.page.screenshot({ path: artifact(`verdict-slow-${lang}.png`), fullPage: true });
    }
    await slow.page.context().close();
    await fast.page.context().close();
  }
});

test("a size in MB counts as MB", async () => {
  const { page } = await testWithUpload("en", 2, "");
  await page.locator("#bd-backup-unit").selectOption("mb");
  await page.locator("#bd-backup-size").fill("300");
  assert.match((await page.locator(".bd-verdict").innerText()).replace(/[\u2066-\u2069]/g, ""), /0\.3 GB backup needs/);
  await page.context().close();
});

test("a risk screen asks the safe way first: Skip is the primary button", async () => {
  const page = await openPage(browser, `?lang=en#step=${TRAILS.get("android-delete-backup")}`);
  await page.locator(".bd-warning").waitFor();
  const [primary, risky] = await Promise.all([
    page.locator(".bd-actions .bd-primary").innerText(),
    page.locator(".bd-actions .bd-risky").innerText(),
  ]);
  assert.equal(primary.trim(), "Skip this step");
  assert.match(risky, /I understand/);
  await page.context().close();
});

test("dark is dark around the card; embedded 'auto' follows the host page's color-scheme", async () => {
  const dark = await openPage(browser, "?lang=en&theme=dark");
  await heading(dark).waitFor({ timeout: 15000 });
  const [page, card] = await dark.evaluate(() => [
    getComputedStyle(document.body).backgroundColor,
    getComputedStyle(document.querySelector(".bd-widget")).backgroundColor]);
  assert.ok(luminance(page) < 0.2 && luminance(card) < 0.2, `${page} / ${card}`);
  await dark.screenshot({ path: artifact("dark-page.png") });
  await dark.context().close();
  // A light help article on a phone set to dark: the element stays light...
  const host = await openPage(browser, null, { ...PHONE, colorScheme: "dark" });
  await host.goto(new URL("demo/help-article.html", BASE_URL).href);
  const widgetBg = () => host.evaluate(() => {
    const w = document.querySelector("backup-doctor")?.shadowRoot?.querySelector(".bd-widget");
    return w ? getComputedStyle(w).backgroundColor : null;
  });
  await host.waitForFunction(() => document.querySelector("backup-doctor")?.shadowRoot?.querySelector(".bd-step"));
  assert.ok(luminance(await widgetBg()) > 0.8, "light page, light widget");
  // ...and a page that declares both schemes gets the system's dark.
  // (as a site's own dark-mode switch would set it, after the widget started)
  await host.evaluate(() => { document.documentElement.style.colorScheme = "light dark"; });
  await host.waitForFunction(() => {
    const w = document.querySelector("backup-doctor").shadowRoot.querySelector(".bd-widget");
    return w.dataset.scheme === "dark";
  }, null, { timeout: 5000 });
  assert.ok(luminance(await widgetBg()) < 0.2, "a page that allows dark, a dark widget");
  await host.context().close();
});
