// Diagnostic: one run of the widget's speed test on the benchmark's shaped
// link, recording what the page saw: every fetch (URL, start), every body
// chunk read ([ms, bytes, body number]), and the result event. Prints one
// JSON line {detail, fetches, chunks, downBytes, upBytes}. Run it against a
// server in a shaped namespace (see core/tests/fixtures/traces/README.md).
import { options, openShapedPage, resetStats, settledStats, report, within } from "./lib.mjs";

const STEP = "?lang=en#step=0.0.n.n.n";
const { base, rtt } = options();
const { browser, page } = await openShapedPage(rtt);
try {
  await page.addInitScript(() => {
    const log = (window.__trace = { fetches: [], chunks: [] });
    const fetch = window.fetch;
    window.fetch = function (input, init) {
      const url = typeof input === "string" ? input : input.url;
      log.fetches.push([+performance.now().toFixed(2), url]);
      return fetch.call(this, input, init);
    };
    let bodies = 0;
    const getReader = ReadableStream.prototype.getReader;
    ReadableStream.prototype.getReader = function (...args) {
      const reader = getReader.apply(this, args);
      const n = bodies++;
      const read = reader.read;
      reader.read = function () {
        return read.call(this).then((r) => {
          if (!r.done) log.chunks.push([+performance.now().toFixed(2), r.value.length, n]);
          return r;
        });
      };
      return reader;
    };
  });
  await page.goto(new URL(STEP, base).href);
  const start = page.locator(".bd-speed-start");
  await start.first().waitFor({ timeout: 30000 });
  await page.evaluate(() => {
    window.__bench = new Promise((resolve) =>
      window.addEventListener("backup-doctor:speedtest", (e) => resolve({ detail: e.detail, at: performance.now() }), { once: true }),
    );
  });
  await resetStats(base);
  await page.evaluate(() => (window.__trace.clickAt = performance.now()));
  await start.first().click();
  const { detail, at } = await within(120000, "the widget's speed test", page.evaluate(() => window.__bench));
  const trace = await page.evaluate(() => window.__trace);
  const stats = await settledStats(base);
  report({ ok: true, detail, resultAt: at, ...trace, downBytes: stats.downBytes, upBytes: stats.upBytes });
} catch (e) {
  report({ ok: false, error: String(e?.message ?? e) });
  process.exitCode = 1;
} finally {
  await browser.close();
}
