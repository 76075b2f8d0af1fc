// One run of the speed-test anchor (@cloudflare/speedtest, `--plan download`
// or `--plan upload`) on
// the benchmark's shaped link: opens /demo/cloudflare.html with the link's
// round-trip time emulated, resets the server's counters, runs it, and
// prints {ok, bps, latencyMs, durationMs, downBytes, upBytes}.
import { options, openShapedPage, resetStats, settledStats, report, within } from "./lib.mjs";

const { base, rtt, plan } = options();
const { browser, page } = await openShapedPage(rtt);
try {
  await page.goto(new URL("demo/cloudflare.html", base).href);
  await page.waitForFunction(() => typeof window.runAnchor === "function", null, { timeout: 30000 });
  await resetStats(base);
  const outcome = await within(300000, "the anchor", page.evaluate((kind) => window.runAnchor(kind), plan));
  const stats = await settledStats(base);
  report({ ...outcome, downBytes: stats.downBytes, upBytes: stats.upBytes });
} catch (e) {
  report({ ok: false, error: String(e?.message ?? e) });
  process.exitCode = 1;
} finally {
  await browser.close();
}
