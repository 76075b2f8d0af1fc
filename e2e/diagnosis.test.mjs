// The diagnosis as a person on a phone meets it: each symptom starts with its
// own likely cause, what the browser knows about the connection is used
// instead of asked (and can be changed), and nothing that can lose chats
// comes before the key check.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, artifact, PHONE } from "./harness.mjs";
import { headingText, tap, walkToOutcome } from "./walk.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The step a person sees after the platform and symptom taps. */
async function firstStep(page, platform, symptom) {
  await tap(page, platform);
  await page.locator(".bd-step .bd-actions button").nth(symptom).tap();
  await page.waitForFunction(() => !document.querySelector(".bd-step[data-node$=symptom]"));
  return page.locator(".bd-step").getAttribute("data-node");
}

/** A phone whose browser reports `type` (as Chrome on Android does), or none. */
async function phoneOn(type) {
  const page = await openPage(browser, null, PHONE);
  if (type) {
    await page.addInitScript((t) => {
      Object.defineProperty(Navigator.prototype, "connection", {
        configurable: true, get: () => ({ type: t, effectiveType: "4g", saveData: false }),
      });
    }, type);
  }
  await page.goto(new URL("?lang=en", process.env.BASE_URL).href);
  await headingText(page);
  return page;
}

// CONTENT.md, "Symptom first": the check each symptom starts with.
const FIRST = {
  Android: ["android-account", "android-speed", "android-finished", "android-network", "android-error"],
  iPhone: ["ios-icloud", "ios-speed", "ios-finished", "ios-network", "ios-error"],
};

for (const [platform, steps] of Object.entries(FIRST)) {
  test(`${platform}: each symptom starts with the check for it`, async () => {
    for (const [i, expected] of steps.entries()) {
      const page = await phoneOn(null);
      assert.equal(await firstStep(page, platform, i), expected, `symptom ${i}`);
      await page.context().close();
    }
  });
}

test("an error message is asked about, and each message leads to its own fix", async () => {
  const expected = ["Make room in your Google storage", "Test your connection",
    "Check which Google Account is selected", "Restart your phone"];
  for (const [i, title] of expected.entries()) {
    const page = await phoneOn(null);
    await firstStep(page, "Android", 4);
    assert.equal(await headingText(page), "Which message do you see?");
    await page.locator(".bd-step .bd-actions button").nth(i).tap();
    await page.waitForFunction((t) => document.querySelector(".bd-step h2")?.innerText.trim() === t, title);
    await page.context().close();
  }
});

test("on Wi-Fi the mobile-data question is answered by the browser, said so, and can be changed", async () => {
  const page = await phoneOn("wifi");
  assert.equal(await firstStep(page, "Android", 3), "android-data-saver");
  const notice = page.locator(".bd-known-notice");
  assert.match(await notice.innerText(), /Answered from what your browser reports: “\u2068Wi-Fi\u2069”/);
  await page.screenshot({ path: artifact("known-wifi.png"), fullPage: true });
  await notice.getByRole("button", { name: /Change/ }).tap();
  await page.locator(".bd-step[data-node=android-network]").waitFor();
  await tap(page, "Mobile data");
  assert.equal(await page.locator(".bd-step").getAttribute("data-node"), "android-cellular");
  await page.context().close();
});

test("a person on Wi-Fi never meets the mobile-data steps; on mobile data it comes first", async () => {
  for (const [platform, symptom] of [["Android", 1], ["Android", 3], ["iPhone", 1], ["iPhone", 3]]) {
    const page = await phoneOn("wifi");
    await firstStep(page, platform, symptom);
    const seen = await walkToOutcome(page);
    assert.ok(!seen.some((t) => /mobile data/i.test(t)), `${platform} ${symptom}: ${seen.join(" > ")}`);
    await page.context().close();
  }
  for (const [platform, step] of [["Android", "android-cellular"], ["iPhone", "ios-cellular"]]) {
    const page = await phoneOn("cellular");
    assert.equal(await firstStep(page, platform, 3), step, "screen 3 is the mobile-data step");
    assert.equal(await page.locator(".bd-warning").count(), 1, "with its cost warning");
    await page.context().close();
  }
});

test("steps that can lose chats come only after the key check, and not knowing the key ends at support", async () => {
  const risky = /^(Delete the old|Back up to a different|Reinstall WhatsApp)/;
  for (const [platform, symptom] of [["Android", 0], ["Android", 2], ["iPhone", 2], ["iPhone", 4]]) {
    const page = await phoneOn(null);
    await firstStep(page, platform, symptom);
    const seen = await walkToOutcome(page);
    const key = seen.indexOf("Before anything that can lose chats: check your backup key");
    assert.ok(key > 0, seen.join(" > "));
    seen.forEach((t, i) => { if (risky.test(t)) assert.ok(i > key, `${t} before the key check`); });
    await page.context().close();
  }
  const page = await phoneOn(null);
  await firstStep(page, "Android", 2);
  for (let i = 0; i < 12 && (await headingText(page)) !== "Before anything that can lose chats: check your backup key"; i++) {
    await tap(page, "No, still stuck");
  }
  await page.screenshot({ path: artifact("key-check.png"), fullPage: true });
  await page.locator(".bd-step .bd-actions button").nth(1).tap();
  await page.locator(".bd-outcome[data-outcome=escalate]").waitFor();
  await page.context().close();
});
