// The standalone page's start-up watchdog: if the troubleshooter's code or
// wasm fails to load, compile or start, or has not rendered a few seconds
// after the page loaded, the "Loading…" line becomes a message in the person's
// language with Reload and where to get help. Once it has started, a trap of
// the wasm (a panic) turns the widget into the crash panel. A module of its
// own, so it runs even when the app's module graph fails.
import { onWasmTrap, showCrash, showLoading, showStartupFailure } from "./startup.js";

// A few seconds after everything has loaded; on a slow link the download
// itself may take long, so the cap counts from the page's load, with an
// outer cap for a download that never ends.
const START_AFTER_LOAD_MS = 4000;
const LOAD_CAP_MS = 45000;
const page = document.getElementById("backup-doctor");
const started = () => Boolean(page?.querySelector("[data-backup-doctor-root]"));
const lang = new URLSearchParams(location.search).get("lang") || undefined;
let done = false;
showLoading(page, lang);

function fail(reason) {
  if (done || started() || !page) return;
  done = true;
  showStartupFailure(page, lang, reason);
}

onWasmTrap((detail) => {
  const widget = page?.querySelector("[data-backup-doctor-root]");
  if (widget) showCrash(widget, detail);
  else fail(detail);
});

// A script error, or the app's own code or wasm failing to load (a broken
// favicon or image is not a reason to give up).
addEventListener("error", (event) => {
  const el = event.target;
  const ours = el === window || el?.tagName === "SCRIPT" || (el?.tagName === "LINK" && /preload/.test(el.rel));
  if (ours) fail(event.message || "could not load " + (el?.src || el?.href || "a script"));
}, true);
addEventListener("unhandledrejection", (event) => fail(event.reason?.message || "start failed"));
addEventListener("load", () => {
  setTimeout(() => fail("no start " + START_AFTER_LOAD_MS / 1000 + " s after loading"), START_AFTER_LOAD_MS);
});
setTimeout(() => fail("nothing loaded within " + LOAD_CAP_MS / 1000 + " s"), LOAD_CAP_MS);
