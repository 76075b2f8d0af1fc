// Shared parts of the speed benchmark's browser runs (driven by
// `cargo xtask bench speed`): command-line options, Debian's Chromium with
// DevTools latency emulation for the link's round-trip time, and the
// server's `/__stats` traffic counters, which say what a run really cost.
//
// Each script prints exactly one JSON line on stdout (the Rust side parses
// it); everything else goes to stderr.
import { launch } from "../harness.mjs";

/**
 * `--base URL --rtt MS` from the command line, with `--speedtest PATH` (the
 * widget's endpoint, e.g. the server's Cloudflare-style mode) and `--plan
 * download|upload` (the anchor's) where a script takes them.
 */
export function options() {
  const args = process.argv.slice(2);
  const value = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const base = value("--base");
  const rtt = Number(value("--rtt") ?? "0");
  if (!base || !Number.isFinite(rtt) || rtt < 0) {
    fail("usage: node <script> --base http://HOST:PORT/ --rtt MS");
  }
  const plan = value("--plan") ?? "download";
  if (!["download", "upload"].includes(plan)) fail(`--plan wants download or upload, not ${plan}`);
  return { base, rtt, speedtest: value("--speedtest"), plan };
}

/**
 * A browser page with `rtt` ms of DevTools latency on every request (the
 * kernel here has no netem, so the round trip is added in the browser; the
 * bandwidth itself comes from the kernel's tbf shaping).
 */
export async function openShapedPage(rtt) {
  const browser = await launch();
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (e) => process.stderr.write(`page error: ${e}\n`));
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: rtt,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  return { browser, page };
}

/** Zeroes the server's traffic counters. */
export async function resetStats(base) {
  const r = await fetch(new URL("__stats/reset", base), { method: "POST" });
  if (!r.ok) throw new Error(`POST /__stats/reset answered ${r.status} (is the server running with --stats?)`);
}

/**
 * The server's counters once every download stream it started has ended
 * (an aborted fetch can leave the server still sending for a moment), or
 * after `waitMs`, whichever comes first.
 */
export async function settledStats(base, waitMs = 5000) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const r = await fetch(new URL("__stats", base));
    if (!r.ok) throw new Error(`GET /__stats answered ${r.status}`);
    const stats = await r.json();
    if (stats.openDownStreams === 0 || Date.now() > deadline) return stats;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Prints the one result line. */
export function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Reports a failure as the result line and exits non-zero. */
export function fail(message) {
  report({ ok: false, error: String(message) });
  process.exit(1);
}

/** Resolves with `promise`, or rejects with `what` after `ms`. */
export function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
