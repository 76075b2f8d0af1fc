// Shared set-up for the end-to-end tests: Debian's Chromium driven by
// playwright-core, a phone-sized context, and a record of console errors so
// every test can assert the page stayed clean.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8080/";
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

/** A phone: 390x844 CSS px, touch, as the people who use the widget hold it. */
export const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--disable-dev-shm-usage",
    ],
  });
}

/**
 * Opens a page in a fresh context; `page.consoleErrors` collects console
 * errors and uncaught exceptions.
 */
export async function openPage(browser, path = "", contextOptions = PHONE) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  page.consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") page.consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => page.consoleErrors.push(String(e)));
  if (path !== null) await page.goto(new URL(path, BASE_URL).href);
  return page;
}

export function artifact(name) {
  return join(ARTIFACTS, name);
}

/** Relative luminance (0 dark .. 1 light) of a computed `rgb(...)` colour. */
export function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/**
 * Panics the page's wasm on purpose (`__backupDoctorCrashTest`) from a
 * timer, so the trap reaches the page uncaught, as a panic in an event
 * handler or a task does. `glue` is the glue module's URL in script mode
 * (the one embed.js imported); the standalone page has `window.wasmBindings`.
 */
export async function crashWasm(page, glue) {
  await page.evaluate(async (glue) => {
    const bindings = glue ? await import(glue) : window.wasmBindings;
    setTimeout(() => bindings.__backupDoctorCrashTest());
  }, glue);
}

/**
 * The build's content-hashed names ({glue, wasm, css}) as the standalone
 * page links them, and as embed.js has them (tools/stamp-embed.mjs).
 */
export async function builtNames() {
  const page = await (await fetch(BASE_URL)).text();
  const find = (pattern) => {
    const m = page.match(pattern);
    if (!m) throw new Error(`index.html links no ${pattern}`);
    return m[1];
  };
  return {
    glue: find(/["'\/](backup-doctor-[0-9a-f]+\.js)["']/),
    wasm: find(/["'\/](backup-doctor-[0-9a-f]+_bg\.wasm)["']/),
    css: find(/["'\/](widget-[0-9a-f]+\.css)["']/),
  };
}

/**
 * A release server of a test's own with an insights collector (SQLite in a
 * fresh temporary folder) and `token`, serving `dist` (the built widget
 * when not given). Resolves to `{base, stop}` once it listens; `stop()`
 * kills it and removes the folder.
 */
export async function startCollector(token, { dist } = {}) {
  const { spawn } = await import("node:child_process");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { createInterface } = await import("node:readline");
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const dir = mkdtempSync(join(tmpdir(), "bd-insights-"));
  const server = spawn(join(root, "target/release/backup-doctor-server"), [
    "--port", "0", "--dist", dist ?? join(root, "dist"),
    "--insights", `sqlite:${join(dir, "insights.db")}`, "--insights-token", token,
  ], { stdio: ["ignore", "pipe", "inherit"] });
  const stop = () => {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const line = await new Promise((resolve, reject) => {
      createInterface({ input: server.stdout }).once("line", resolve);
      server.once("exit", (code) => reject(new Error(`the server exited (${code})`)));
    });
    const base = line.replace("backup-doctor listening on ", "").trim();
    if (!/^http:\/\/127\.0\.0\.1:\d+\/$/.test(base)) throw new Error(`unexpected start-up line: ${line}`);
    return { base, stop };
  } catch (e) {
    stop();
    throw e;
  }
}
