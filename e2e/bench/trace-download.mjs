// Diagnostic: records one download stream on the benchmark's shaped link as
// the browser hands it over: [performance.now() ms since the request, bytes]
// per chunk, then aborts it after --ms and reads the server's counters.
// Prints {chunks, receivedBytes, downBytes, ...} as one JSON line.
import { options, openShapedPage, resetStats, settledStats, report } from "./lib.mjs";

const { base, rtt } = options();
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const bytes = arg("--bytes", 1_600_000);
const ms = arg("--ms", 6000);
// Latency probes (`bytes=0`) every this many ms during the download, as the
// widget sends them (0: none).
const probeEvery = arg("--probe-every", 0);
const { browser, page } = await openShapedPage(rtt);
try {
  await page.goto(new URL("favicon.svg", base).href);
  await resetStats(base);
  const trace = await page.evaluate(
    async ({ bytes, ms, probeEvery }) => {
      const controller = new AbortController();
      const probes = probeEvery > 0
        ? setInterval(() => fetch(`/__down?bytes=0&probe=1&t=${Date.now()}`, { cache: "no-store" }).catch(() => {}), probeEvery)
        : null;
      const t0 = performance.now();
      const chunks = [];
      let received = 0;
      const timer = setTimeout(() => controller.abort(), ms);
      try {
        const r = await fetch(`/__down?bytes=${bytes}&t=${Date.now()}`, { signal: controller.signal, cache: "no-store" });
        const headersAt = performance.now() - t0;
        const reader = r.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          received += value.length;
          chunks.push([+(performance.now() - t0).toFixed(2), value.length]);
        }
        return { headersAt, chunks, received, ended: "done" };
      } catch (e) {
        return { chunks, received, ended: String(e) };
      } finally {
        clearTimeout(timer);
        clearInterval(probes);
      }
    },
    { bytes, ms, probeEvery },
  );
  const stats = await settledStats(base);
  report({ ok: true, ...trace, downBytes: stats.downBytes });
} finally {
  await browser.close();
}
