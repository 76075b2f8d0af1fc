// One run of the widget's own speed test on the benchmark's shaped link:
// opens the Android connection-test step of the default tree (against
// `--speedtest PATH` when given) with the
// link's round-trip time emulated, resets the server's counters, clicks
// `.bd-speed-start` and waits for the `backup-doctor:speedtest` event.
// Prints {ok, detail, timeToResultMs, downBytes, upBytes}: detail is the
// event's detail as the widget sent it; timeToResultMs runs from the click
// to the event, both timed in the page (performance.now()).
//
// With --trace (diagnosis, see core/tests/fixtures/traces/README.md) it also
// records what the page saw: `fetches` ([ms, url] per fetch), `chunks`
// ([ms, bytes, body number] per body chunk read) and `clickAt`, all on the
// page's performance.now() clock.
import { options, openShapedPage, resetStats, settledStats, report, within } from "./lib.mjs";
import { trailsTo } from "../trails.mjs";

const { base, rtt, speedtest } = options();
const query = speedtest ? `?lang=en&speedtest=${encodeURIComponent(speedtest)}` : "?lang=en";
const STEP = `${query}#step=${trailsTo().get("android-speed")}`;
const tracing = process.argv.includes("--trace");
const { browser, page } = await openShapedPage(rtt);
try {
  if (tracing) await page.addInitScript(recordFetchesAndChunks);
  await page.goto(new URL(STEP, base).href);
  const start = page.locator(".bd-speed-start");
  try {
    await start.first().waitFor({ timeout: 30000 });
  } catch {
    const shown = (await page.locator("body").innerText()).replace(/\s+/g, " ").slice(0, 200);
    throw new Error(`no .bd-speed-start button on ${STEP} (the page shows: "${shown}")`);
  }
  // Listen before clicking: the click's time is taken in the capture phase
  // of the same click, the result's when the event reaches the window.
  await page.evaluate(() => {
    window.__bench = {};
    window.addEventListener(
      "click",
      (e) => {
        const hit = e.composedPath().some((n) => n.classList?.contains("bd-speed-start"));
        if (hit && window.__bench.clickAt === undefined) window.__bench.clickAt = performance.now();
      },
      true,
    );
    window.__bench.result = new Promise((resolve) => {
      window.addEventListener(
        "backup-doctor:speedtest",
        (e) => resolve({ detail: e.detail, at: performance.now() }),
        { once: true },
      );
    });
  });
  await resetStats(base);
  await start.first().click();
  const { detail, at, clickAt } = await within(
    120000,
    "the widget's speed test",
    page.evaluate(async () => {
      const { detail, at } = await window.__bench.result;
      return { detail, at, clickAt: window.__bench.clickAt };
    }),
  );
  const trace = tracing ? await page.evaluate(() => ({ ...window.__trace, clickAt: window.__bench.clickAt })) : {};
  const stats = await settledStats(base);
  report({
    ok: true,
    detail,
    timeToResultMs: clickAt === undefined ? null : at - clickAt,
    downBytes: stats.downBytes,
    upBytes: stats.upBytes,
    ...trace,
  });
} catch (e) {
  report({ ok: false, error: String(e?.message ?? e) });
  process.exitCode = 1;
} finally {
  await browser.close();
}

/** Runs in the page before its scripts: logs every fetch and body chunk. */
function recordFetchesAndChunks() {
  const log = (window.__trace = { fetches: [], chunks: [] });
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    log.fetches.push([+performance.now().toFixed(2), typeof input === "string" ? input : input.url]);
    return fetch.call(this, input, init);
  };
  let bodies = 0;
  const getReader = ReadableStream.prototype.getReader;
  ReadableStream.prototype.getReader = function (...args) {
    const reader = getReader.apply(this, args);
    const body = bodies++;
    const read = reader.read;
    reader.read = function () {
      return read.call(this).then((r) => {
        if (!r.done) log.chunks.push([+performance.now().toFixed(2), r.value.length, body]);
        return r;
      });
    };
    return reader;
  };
}
