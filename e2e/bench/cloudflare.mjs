// The speed-test anchor in the page: @cloudflare/speedtest 1.14.1 pointed at
// this page's own server (`/__down`, `/__up`), phoning nowhere else, with its
// default measurement plan cut down to latency and download (or latency and
// upload), so that each run measures one figure the widget measures.
import SpeedTest from "./speedtest/speedtest.js";

// The package's defaultConfig.measurements (dist/speedtest.js of 1.14.1;
// it does not export them), in order, keeping only `latency` and
// `download` entries.
const DEFAULT_PLAN = [
  { type: "latency", numPackets: 2 },
  { type: "download", bytes: 1e5, count: 1, bypassMinDuration: true },
  { type: "latency", numPackets: 20 },
  { type: "download", bytes: 1e5, count: 9 },
  { type: "latency", numPackets: 2 },
  { type: "download", bytes: 1e6, count: 8 },
  { type: "latency", numPackets: 2 },
  { type: "upload", bytes: 1e5, count: 8 },
  { type: "latency", numPackets: 2 },
  { type: "packetLoss", numPackets: 1e3, batchSize: 10, batchWaitTime: 10, responsesWaitTime: 3e3 },
  { type: "upload", bytes: 1e6, count: 6 },
  { type: "latency", numPackets: 2 },
  { type: "download", bytes: 1e7, count: 6 },
  { type: "latency", numPackets: 2 },
  { type: "upload", bytes: 1e7, count: 4 },
  { type: "latency", numPackets: 2 },
  { type: "download", bytes: 25e6, count: 4 },
  { type: "latency", numPackets: 2 },
  { type: "upload", bytes: 25e6, count: 4 },
  { type: "latency", numPackets: 2 },
  { type: "download", bytes: 1e8, count: 3 },
  { type: "latency", numPackets: 2 },
  { type: "upload", bytes: 5e7, count: 3 },
  { type: "latency", numPackets: 2 },
  { type: "download", bytes: 25e7, count: 2 },
];
/** The latency entries with those of `kind` ("download" or "upload"). */
const planOf = (kind) => DEFAULT_PLAN.filter((m) => m.type === "latency" || m.type === kind);

/**
 * Runs the anchor once with the latency+`kind` plan; resolves with its
 * bandwidth for that direction (bit/s), its idle latency (ms) and the time
 * from start to finish (ms).
 */
window.runAnchor = (kind = "download") =>
  new Promise((resolve) => {
    const base = new URL("/", location.href).href;
    const started = performance.now();
    const test = new SpeedTest({
      downloadApiUrl: `${base}__down`,
      uploadApiUrl: `${base}__up`,
      logAimApiUrl: null,
      logMeasurementApiUrl: null,
      autoStart: true,
      measurements: planOf(kind),
    });
    test.onFinish = (results) => {
      const outcome = {
        ok: true,
        bps: (kind === "upload" ? results.getUploadBandwidth() : results.getDownloadBandwidth()) ?? null,
        latencyMs: results.getUnloadedLatency() ?? null,
        durationMs: performance.now() - started,
      };
      document.getElementById("result").textContent = JSON.stringify(outcome, null, 2);
      resolve(outcome);
    };
    test.onError = (error) => resolve({ ok: false, error: String(error), durationMs: performance.now() - started });
  });
