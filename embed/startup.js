// What a person reads when the troubleshooter cannot start (its code or
// wasm failed to load, compile or run) or stops (the wasm trapped: a panic
// in the release build traps at once, `-Cpanic=immediate-abort`): in their
// language, with a Reload button and where to get help, instead of an
// endless "Loading" or a frozen widget. Used by the standalone page's
// watchdog and by embed.js; plain DOM, no styles of its own beyond the
// widget's classes.

// Per language: [title, help, Reload, direction, Loading…, crash heading,
// crash text, crash Reload, crash details]. The build replaces this
// English-only table with every language of locales/*.json (the keys in
// tools/startup-words.mjs), so the page and embed.js load the words with
// the code, before anything else can fail.
const WORDS = /* WORDS */ {
  en: ["The troubleshooter could not start on this browser.", "Reload the page to try again. If it still doesn't start, WhatsApp can help: open WhatsApp > Settings > Help > Contact us.", "Reload", "ltr", "Loading the troubleshooting steps…", "Sorry, the troubleshooter stopped working", "Your place is saved. Reload to continue where you were. If this keeps happening, open WhatsApp > Settings > Help > Contact us.", "Reload", "Technical details"],
} /* /WORDS */;

/** The supported language for `wanted` (a code like "pt", "es-MX"), else English. */
export function startupLang(wanted) {
  const codes = [wanted, ...(navigator.languages || [navigator.language])].filter(Boolean);
  for (const code of codes) {
    if (WORDS[code]) return code;
    const primary = String(code).split(/[-_]/)[0].toLowerCase();
    const match = Object.keys(WORDS).find((known) => known.split("-")[0].toLowerCase() === primary);
    if (match) return match;
  }
  return "en";
}

/** Replaces `container`'s content with the start-up failure message. */
export function showStartupFailure(container, lang, detail) {
  const [title, help, reload, dir] = WORDS[startupLang(lang)];
  const box = document.createElement("div");
  box.className = "bd-startup-failed";
  box.setAttribute("role", "alert");
  box.lang = startupLang(lang);
  box.dir = dir;
  const heading = document.createElement("p");
  heading.className = "bd-startup-title";
  heading.textContent = title;
  const words = document.createElement("p");
  words.textContent = help;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "bd-button bd-primary";
  button.textContent = reload;
  button.addEventListener("click", () => location.reload());
  box.append(heading, words, button);
  if (detail) box.dataset.reason = String(detail).slice(0, 200);
  container.replaceChildren(box);
}

/** Words the "Loading…" line of `container` in the person's language. */
export function showLoading(container, lang) {
  const line = container?.querySelector(".bd-loading");
  if (!line) return;
  const code = startupLang(lang);
  line.textContent = WORDS[code][4];
  line.lang = code;
  line.dir = WORDS[code][3];
}

/**
 * Calls `handler(detail)` once, on the first trap of the widget's wasm (a
 * `WebAssembly.RuntimeError` that reached the page uncaught: from an event
 * handler, a timer or a promise). After a trap the one instance behind
 * every widget of the page is broken, so each of them is replaced.
 */
export function onWasmTrap(handler) {
  let trapped = false;
  const check = (error) => {
    if (trapped || !(error instanceof WebAssembly.RuntimeError)) return;
    trapped = true;
    handler(String(error.stack || error).slice(0, 600));
  };
  addEventListener("error", (event) => check(event.error));
  addEventListener("unhandledrejection", (event) => check(event.reason));
}

/**
 * Replaces the content of `widget` (the element marked
 * `data-backup-doctor-root`, whose `lang` and styles it keeps) with the crash panel. The place is in the URL and in
 * storage already (saved at every step), so Reload resumes it.
 */
export function showCrash(widget, detail) {
  const code = startupLang(widget.getAttribute("lang") || undefined);
  const w = WORDS[code];
  const panel = document.createElement("section");
  panel.className = "bd-crash";
  panel.setAttribute("role", "alert");
  panel.lang = code;
  panel.dir = w[3];
  const heading = document.createElement("h2");
  heading.textContent = w[5];
  const text = document.createElement("p");
  text.textContent = w[6];
  const button = document.createElement("button");
  button.type = "button";
  button.className = "bd-button bd-primary";
  button.textContent = w[7];
  button.addEventListener("click", () => location.reload());
  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = w[8];
  const pre = document.createElement("pre");
  const version = widget.getAttribute("data-version");
  pre.textContent = (version ? `backup-doctor ${version}\n` : "") + detail;
  details.append(summary, pre);
  panel.append(heading, text, button, details);
  widget.replaceChildren(panel);
}
