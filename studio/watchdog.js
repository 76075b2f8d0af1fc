// The studio's start-up watchdog: if its code or wasm fails to load,
// compile or start (an old browser, a proxy that mangles the wasm, a failed
// download), "Loading the studio…" becomes a message with Reload, never an
// endless wait. A module of its own, so it runs even when the app's fails.
const START_AFTER_LOAD_MS = 6000;
const LOAD_CAP_MS = 45000;
const page = document.getElementById("studio");
const started = () => !page?.querySelector(".st-loading");
let done = false;

function fail(reason) {
  if (done || started() || !page) return;
  done = true;
  const box = document.createElement("div");
  box.className = "st-failed";
  box.setAttribute("role", "alert");
  const title = document.createElement("p");
  title.textContent = "The studio could not start in this browser.";
  const why = document.createElement("p");
  why.textContent = "It needs a browser with WebAssembly (any current Chrome, Edge, Firefox or Safari). Details: " + reason + ".";
  const reload = document.createElement("button");
  reload.type = "button";
  reload.className = "st-button";
  reload.textContent = "Reload";
  reload.addEventListener("click", () => location.reload());
  box.append(title, why, reload);
  page.replaceChildren(box);
}

addEventListener("error", (event) => {
  const el = event.target;
  const ours = el === window || el?.tagName === "SCRIPT" || (el?.tagName === "LINK" && /preload/.test(el.rel));
  if (ours) fail(event.message || "could not load " + (el?.src || el?.href || "a script"));
}, true);
addEventListener("unhandledrejection", (event) => fail(event.reason?.message || "start failed"));
addEventListener("load", () => setTimeout(() => fail("no start " + START_AFTER_LOAD_MS / 1000 + " s after loading"), START_AFTER_LOAD_MS));
setTimeout(() => fail("nothing loaded within " + LOAD_CAP_MS / 1000 + " s"), LOAD_CAP_MS);
