// One language throughout: in every language but English, walked to the
// escalation and through each failure (a connection test that fails, a
// steps file that does not arrive, settings that are ignored, a crash, a
// wasm that will not start), the page shows no text of the English table
// and no English step text, except the words kept in English on purpose
// (locales/kept-in-english.json). And the hand-off from a phone: Share
// (Web Share), Email (mailto:), Copy, and a print view of the summary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, artifact, crashWasm, BASE_URL } from "./harness.mjs";
import { trailsTo, DEFAULT_TREE } from "./trails.mjs";
import { LANGS, KEPT_IN_ENGLISH, englishFragments, locale } from "./langs.mjs";
import { walkToOutcome } from "./walk.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const TRAILS = trailsTo();

/** The English step texts (titles, labels, bodies) that `lang` words differently. */
function englishStepTexts(lang) {
  const out = [];
  const walk = (v) => {
    if (v && typeof v === "object" && !Array.isArray(v) && typeof v.en === "string") {
      if (v[lang] && v[lang] !== v.en) {
        // A title or label whole; a body by its sentences (its markup is not shown).
        for (const s of v.en.replace(/\*\*|\[|\]\([^)]*\)/g, "").split(/(?<=[.!?:])\s+|\n+/)) {
          const t = s.trim();
          if (t.length >= 12 && !KEPT_IN_ENGLISH.includes(t.replace(/[.!?:]+$/, ""))) out.push(t);
        }
      }
      return;
    }
    if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(DEFAULT_TREE.nodes);
  return out;
}

/** Everything a person can read or hear on the page: text, form values, labels. */
async function readable(page) {
  return page.evaluate(() => {
    const parts = [];
    const visit = (root) => {
      parts.push(root.body?.innerText ?? root.innerText ?? "");
      for (const el of root.querySelectorAll("*")) {
        for (const a of ["aria-label", "title", "placeholder", "alt"]) if (el.getAttribute(a)) parts.push(el.getAttribute(a));
        if (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type !== "date")) parts.push(el.value);
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(document);
    return parts.join("\n");
  });
}

function assertNoEnglish(text, lang, where, forbidden) {
  const found = forbidden.filter((f) => text.includes(f));
  assert.deepEqual(found, [], `${lang}, ${where}: English on the page:\n${found.join("\n")}\n--- page ---\n${text.slice(0, 3000)}`);
}

for (const lang of LANGS.filter((l) => l !== "en")) {
  test(`${lang}: every outcome and every failure is in ${lang}, with no English but the kept words`, async () => {
    const forbidden = [...englishFragments(lang), ...englishStepTexts(lang)];
    const own = locale(lang);
    const seen = async (page, where) => assertNoEnglish(await readable(page), lang, where, forbidden);

    // The first step, then each outcome with its summary.
    for (const node of ["escalate-android", "escalate-ios", "resolved"]) {
      const page = await openPage(browser, `?lang=${lang}#step=${TRAILS.get(node)}`);
      await page.locator(".bd-outcome").waitFor({ timeout: 15000 });
      if (node !== "resolved") {
        const summary = await page.locator(".bd-summary textarea").inputValue();
        assert.ok(summary.startsWith(own.summary_title), `${lang}: the summary starts with its title: ${summary}`);
      }
      await seen(page, node);
      await page.context().close();
    }

    // A connection test that fails: the server's error, and a refusal.
    const other = new URL(BASE_URL);
    other.hostname = "localhost";
    for (const [fault, endpoint] of [
      ["server error", "/__fault/endpoint/status500"],
      ["refused", new URL("/__fault/endpoint/nocors", other).href],
    ]) {
      const page = await openPage(browser, `?lang=${lang}&speedtest=${encodeURIComponent(endpoint)}#step=${TRAILS.get("android-speed")}`);
      const detail = page.evaluate(() => new Promise((resolve) =>
        addEventListener("backup-doctor:speedtest", (e) => resolve(e.detail), { once: true })));
      await page.locator(".bd-speed-start").tap();
      await page.locator(".bd-report").waitFor({ timeout: 20000 });
      const { errorMessage } = await detail;
      assert.ok(errorMessage && (await page.locator(".bd-stopped").innerText()).includes(errorMessage), `${lang} ${fault}: ${errorMessage}`);
      await seen(page, `connection test, ${fault}`);
      await page.context().close();
    }

    // A steps file that does not arrive, and settings that are ignored.
    for (const [what, query] of [
      ["a steps file that is not there", `tree=${encodeURIComponent("/__fault/tree?mode=status404")}`],
      ["ignored settings", "theme=purple&colour=red&speedtest=javascript:x&insights=javascript:x"],
    ]) {
      const page = await openPage(browser, `?lang=${lang}&${query}`);
      await page.locator(".bd-problems, .bd-notice").first().waitFor({ timeout: 15000 });
      await page.locator(".bd-step h2, .bd-problems h2").first().waitFor({ timeout: 15000 });
      await seen(page, what);
      await page.context().close();
    }

    // A crash, and a wasm that will not start.
    const crashed = await openPage(browser, `?lang=${lang}`);
    await crashed.locator(".bd-step h2").waitFor({ timeout: 15000 });
    await crashWasm(crashed);
    await crashed.locator(".bd-crash").waitFor({ timeout: 5000 });
    assert.match(await crashed.locator(".bd-crash").innerText(), new RegExp(own.crash_reload));
    await seen(crashed, "the crash panel");
    await crashed.context().close();

    // While the wasm is still on its way, "Loading…" is in the language too.
    const slow = await openPage(browser, null);
    await slow.route("**/*_bg.wasm", () => { /* never answers */ });
    await slow.goto(new URL(`?lang=${lang}`, BASE_URL).href);
    await slow.waitForFunction((words) => document.querySelector(".bd-loading")?.textContent === words, own.loading_tree, { timeout: 5000 });
    await seen(slow, "loading");
    await slow.context().close();

    const broken = await openPage(browser, null);
    await broken.route("**/*_bg.wasm", (route) => route.fulfill({ status: 503, body: "busy" }));
    await broken.goto(new URL(`?lang=${lang}`, BASE_URL).href);
    await broken.locator(".bd-startup-failed").waitFor({ timeout: 10000 });
    assert.ok((await broken.locator(".bd-startup-failed").innerText()).includes(own.startup_title));
    await seen(broken, "a wasm that will not start");
    await broken.context().close();
  });
}

test("another language's words are fetched on their own, once; if they cannot be, everything is in English with a notice in that language", async () => {
  const en = locale("en");
  const ru = locale("ru");
  // Read: only Russian's words and tree part come, beside the page.
  const page = await openPage(browser, null);
  const asked = [];
  page.on("request", (r) => asked.push(new URL(r.url()).pathname));
  await page.goto(new URL("?lang=ru", BASE_URL).href);
  await page.locator(".bd-step h2").waitFor({ timeout: 15000 });
  assert.deepEqual(asked.filter((p) => p.startsWith("/words/")), ["/words/ru.json"]);
  assert.ok(asked.includes("/trees/default.ru.json"), asked.join(" "));
  assert.equal(await page.locator(".bd-brand").innerText(), ru.brand);
  assert.equal(await page.locator(".bd-notice").count(), 0);
  await page.context().close();

  // Words that do not come (a 503), or that are not this widget's (a file
  // of another version): English words and English steps, and the notice
  // in Russian with its own lang, never a half-Russian page or "Loading".
  const englishTitle = DEFAULT_TREE.nodes.find((n) => n.id === DEFAULT_TREE.start).title.en;
  for (const [why, answer] of [
    ["a 503", (route) => route.fulfill({ status: 503, body: "busy" })],
    ["another version's file", (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ ...ru, back: undefined, renamed_key: "x" }) })],
  ]) {
    const failed = await openPage(browser, null);
    await failed.route("**/words/ru.json", answer);
    await failed.goto(new URL("?lang=ru", BASE_URL).href);
    await failed.locator(".bd-step h2").waitFor({ timeout: 15000 });
    const notice = failed.locator(".bd-notice");
    assert.equal(await notice.innerText(), ru.translation_unavailable, why);
    assert.equal(await notice.getAttribute("lang"), "ru", why);
    assert.equal(await failed.locator(".bd-step h2").innerText(), englishTitle, why);
    assert.equal(await failed.locator(".bd-widget").getAttribute("lang"), "en", why);
    const shown = await failed.locator(".bd-widget").innerText();
    assert.ok(shown.includes(en.progress.split("{")[0]), `${why}: the widget's words are English: ${shown}`);
    await failed.context().close();
  }
});

test("the English table's words are all found by the check (it can fail)", () => {
  const fragments = englishFragments("es");
  assert.ok(fragments.includes("Start over") && fragments.includes("Your answers so far"), fragments.slice(0, 10).join(" | "));
  assert.ok(!fragments.some((f) => KEPT_IN_ENGLISH.includes(f)));
});

/** Opens the Android escalation after a real walk with a connection test. */
async function escalation(initScript) {
  const page = await openPage(browser, `?lang=en#step=${TRAILS.get("android-speed")}`);
  if (initScript) await page.addInitScript(initScript);
  await page.reload();
  await walkToOutcome(page); // runs the connection test on the way
  await page.locator(".bd-summary").waitFor();
  return page;
}

test("from a phone, the summary goes out through the share sheet, by email, or printed, with what the person told the widget", async () => {
  const page = await escalation(() => {
    window.__shared = [];
    navigator.share = (data) => { window.__shared.push(data); return Promise.resolve(); };
  });
  await page.locator("#bd-last-backup").fill("2026-11-28");
  await page.locator("#bd-last-backup").dispatchEvent("change");
  await page.locator(".bd-share").tap();
  const shared = await page.evaluate(() => window.__shared);
  assert.equal(shared.length, 1);
  const text = shared[0].text;
  for (const part of [/^WhatsApp backup troubleshooting summary/, /What I told the troubleshooter:/, /- Which phone is the stuck backup on\? Android/,
    /Last backup shown in WhatsApp: November 28, 2026/, /Tried without success:\n- /, /Connection test:\n- Download: [\d,]+(\.\d)? Mbit\/s/,
    /Result: still stuck; asking for help\./, /Guide: whatsapp-backup-stuck, revision /]) {
    assert.match(text, part);
  }
  assert.equal(text, await page.locator(".bd-summary textarea").inputValue(), "the shared text is the one shown");
  // Email: the same text as the body of a mailto: link.
  const href = await page.locator("a.bd-email").getAttribute("href");
  const mail = new URL(href);
  assert.equal(mail.protocol, "mailto:");
  assert.equal(mail.searchParams.get("body"), text.replace(/\n/g, "\r\n"), "the body, its lines ending in CRLF");
  assert.match(mail.searchParams.get("subject"), /WhatsApp backup stuck/);
  // "No last backup" replaces the date; unticked, the date in the field counts again.
  await page.locator("#bd-no-last-backup").check();
  assert.match(await page.locator(".bd-summary textarea").inputValue(), /Last backup shown in WhatsApp: none/);
  await page.locator("#bd-no-last-backup").uncheck();
  assert.match(await page.locator(".bd-summary textarea").inputValue(), /Last backup shown in WhatsApp: November 28, 2026/);
  await page.locator("#bd-no-last-backup").check();
  // Printed: the whole summary as text, not the controls.
  await page.emulateMedia({ media: "print" });
  assert.ok(await page.locator(".bd-summary-print").isVisible());
  assert.equal(await page.locator(".bd-summary textarea").isVisible(), false);
  assert.equal(await page.locator(".bd-summary .bd-actions").isVisible(), false);
  assert.match(await page.locator(".bd-summary-print").innerText(), /Result: still stuck/);
  await page.screenshot({ path: artifact("summary-print.png"), fullPage: true });
  await page.context().close();
});

test("without Web Share there is no Share button; a failed share says what to do instead", async () => {
  const page = await escalation(() => { delete Navigator.prototype.share; });
  assert.equal(await page.locator(".bd-share").count(), 0);
  assert.equal(await page.locator(".bd-email").count(), 1);
  await page.context().close();
  const failing = await escalation(() => {
    navigator.share = () => Promise.reject(Object.assign(new Error("no"), { name: "NotAllowedError" }));
  });
  await failing.locator(".bd-share").tap();
  await failing.getByText("Could not share: use Email or Copy instead.").waitFor({ timeout: 5000 });
  await failing.context().close();
  const cancelled = await escalation(() => {
    navigator.share = () => Promise.reject(Object.assign(new Error("no"), { name: "AbortError" }));
  });
  await cancelled.locator(".bd-share").tap();
  await cancelled.waitForTimeout(300);
  assert.equal(await cancelled.getByText("Could not share").count(), 0, "closing the share sheet is not a failure");
  await cancelled.context().close();
});
