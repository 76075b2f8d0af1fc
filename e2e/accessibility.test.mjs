// Everyone can use it: axe (WCAG 2.2 A/AA) on every step in every language
// and both themes, a whole path by keyboard alone, focus on each new step's
// heading, no horizontal scroll at 320 px, right-to-left Arabic, and a
// connection test announced once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { launch, openPage, artifact } from "./harness.mjs";
import { trailsTo, DEFAULT_TREE } from "./trails.mjs";
import { LANGS, RTL } from "./langs.mjs";

const SMALL = { viewport: { width: 320, height: 640 }, hasTouch: true, isMobile: true };
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
const TRAILS = trailsTo();
const COPIES = new Set(DEFAULT_TREE.nodes.filter((n) => n.copy_of).map((n) => n.id));

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("every node of the default tree is reachable by a link", () => {
  assert.equal(TRAILS.size, DEFAULT_TREE.nodes.length);
});

for (const lang of LANGS) {
  test(`axe finds no WCAG 2.2 A/AA violation on any step (${lang}, light and dark)`, async () => {
    const page = await openPage(browser, null);
    let loads = 0;
    const failures = [];
    for (const theme of ["light", "dark"]) {
      // A copy (`copy_of`) renders exactly as its original: checked there.
      for (const [node, trail] of TRAILS) {
        if (COPIES.has(node)) continue;
        // A new query each time makes a real load (a fragment change would not).
        await page.goto(new URL(`?lang=${lang}&theme=${theme}&n=${loads++}#step=${trail}`, process.env.BASE_URL).href);
        await page.locator(`.bd-step[data-node="${node}"] h2`).waitFor({ timeout: 15000 });
        // The connection test and the outcome come from their chunks: checked once drawn.
        await page.locator(".bd-step .bd-loading").waitFor({ state: "detached", timeout: 15000 });
        const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
        for (const v of violations) {
          failures.push(`${lang}/${theme}/${node}: ${v.id} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
}

test("axe is clean on a warning before and after confirming, and on a test result", async () => {
  const page = await openPage(browser, `?lang=en#step=${TRAILS.get("android-delete-backup")}`);
  await page.locator(".bd-warning").waitFor({ timeout: 15000 });
  const checks = [await new AxeBuilder({ page }).withTags(TAGS).analyze()];
  await page.locator(".bd-confirm").click();
  checks.push(await new AxeBuilder({ page }).withTags(TAGS).analyze());
  await page.goto(new URL(`?lang=en&n=2#step=${TRAILS.get("android-speed")}`, process.env.BASE_URL).href);
  await page.locator(".bd-speed-start").click();
  await page.locator(".bd-report").waitFor({ timeout: 20000 });
  checks.push(await new AxeBuilder({ page }).withTags(TAGS).analyze());
  assert.deepEqual(checks.flatMap((c) => c.violations.map((v) => v.id)), []);
  await page.context().close();
});

/** Presses Tab until the focused element's text is `label`, then Enter. */
async function keyboardChoose(page, label) {
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press("Tab");
    const text = await page.evaluate(() => document.activeElement?.innerText?.trim());
    if (text === label) { await page.keyboard.press("Enter"); return; }
  }
  throw new Error(`could not reach "${label}" with Tab`);
}

test("a whole path with the keyboard alone; focus lands on each new step's heading", async () => {
  const page = await openPage(browser, "?lang=en", { viewport: { width: 1280, height: 800 } });
  await page.locator(".bd-step h2").waitFor({ timeout: 15000 });
  await keyboardChoose(page, "iPhone");
  const headings = [];
  for (let i = 0; i < 40 && !(await page.locator(".bd-outcome").count()); i++) {
    await page.waitForFunction(() => document.activeElement?.matches(".bd-step h2"));
    headings.push(await page.evaluate(() => document.activeElement.innerText));
    const confirm = page.locator(".bd-confirm");
    if (await confirm.count()) {
      await keyboardChoose(page, (await confirm.innerText()).trim());
      // The revealed instructions take the focus.
      await page.waitForFunction(() => document.activeElement?.matches(".bd-instructions"));
    }
    const labels = (await page.locator(".bd-step .bd-actions button").allInnerTexts()).map((l) => l.trim());
    const next = ["No, still stuck", "Skip the test"].find((l) => labels.includes(l)) ?? labels[0];
    await keyboardChoose(page, next.trim());
  }
  assert.equal(await page.locator(".bd-outcome[data-outcome=escalate]").count(), 1, headings.join(" > "));
  // The 0 % chain: its own checks, support, the key check, the risky steps.
  assert.ok(headings.length >= 9, headings.join(" > "));
  assert.ok(headings.includes("Before anything that can lose chats: check your backup key"), headings.join(" > "));
  await page.context().close();
});

test("at 320x640 no language scrolls sideways, and Arabic and Urdu mirror", async () => {
  const long = TRAILS.get("android-delete-backup");
  for (const lang of LANGS) {
    for (const trail of ["", TRAILS.get("android-account"), long]) {
      const page = await openPage(browser, `?lang=${lang}#step=${trail}`, SMALL);
      await page.locator(".bd-step h2").waitFor({ timeout: 15000 });
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `${lang} ${trail}: ${scroll} > ${client}`);
      if (trail === TRAILS.get("android-account") && (lang === "en" || RTL.includes(lang))) {
        await page.screenshot({ path: artifact(`320-${lang}.png`), fullPage: true });
      }
      if (RTL.includes(lang) && trail === "") {
        assert.equal(await page.locator(".bd-widget").getAttribute("dir"), "rtl");
        assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl");
        const brand = await page.locator(".bd-brand").boundingBox();
        const card = await page.locator(".bd-widget").boundingBox();
        const brandEnd = brand.x + brand.width, cardEnd = card.x + card.width;
        assert.ok(cardEnd - brandEnd < brand.x - card.x, `the brand sits on the right in ${lang}`);
      }
      await page.context().close();
    }
  }
});

test("the connection test is announced politely: each phase, then the result once", async () => {
  const page = await openPage(browser, `?lang=en#step=${TRAILS.get("android-speed")}`);
  await page.locator(".bd-speed-start").waitFor({ timeout: 15000 });
  await page.evaluate(() => {
    window.__said = [];
    const region = document.querySelector(".bd-announce");
    new MutationObserver(() => window.__said.push(region.textContent))
      .observe(region, { childList: true, characterData: true, subtree: true });
  });
  await page.locator(".bd-speed-start").click();
  await page.locator(".bd-report").waitFor({ timeout: 20000 });
  await page.waitForTimeout(500);
  const said = (await page.evaluate(() => window.__said)).filter((s, i, all) => s !== all[i - 1]);
  const results = said.filter((s) => s.startsWith("Your connection"));
  assert.equal(results.length, 1, said.join(" | "));
  assert.match(results[0], /Download: [\d,.]+ Mbit\/s\. Upload: [\d,.]+ Mbit\/s\./);
  assert.ok(said.length <= 5, `throttled: ${said.join(" | ")}`);
  await page.context().close();
});
