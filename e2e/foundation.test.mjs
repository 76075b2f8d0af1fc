// The walking skeleton as a phone sees it: the page loads, the wasm runs,
// the speed-test endpoint answers fetches from the page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, artifact } from "./harness.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the page loads at 390x844 and the wasm renders the first step", async () => {
  const page = await openPage(browser, "");
  const heading = page.locator(".bd-step h2");
  await heading.waitFor({ timeout: 15000 });
  assert.match(await page.title(), /Backup doctor/);
  assert.ok((await heading.innerText()).length > 5, "the first step has a heading");
  // The version is for support: in the markup, not on screen.
  assert.match(await page.locator(".bd-widget").getAttribute("data-version"), /^\d+\.\d+\.\d+$/);
  assert.doesNotMatch(await page.locator(".bd-widget").innerText(), /v\d+\.\d+\.\d+/);
  await page.screenshot({ path: artifact("foundation-phone.png"), fullPage: true });
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test("fetch of /__down?bytes=1000000 from the page returns exactly 1,000,000 bytes", async () => {
  const page = await openPage(browser, "");
  const got = await page.evaluate(async () => {
    const r = await fetch("/__down?bytes=1000000");
    const b = await r.arrayBuffer();
    return { status: r.status, length: b.byteLength, cache: r.headers.get("cache-control") };
  });
  assert.deepEqual(got, { status: 200, length: 1000000, cache: "no-store" });
  await page.context().close();
});
