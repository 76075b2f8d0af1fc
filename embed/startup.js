// What a person reads when the troubleshooter cannot start (its code or
// wasm failed to load, compile or run): in their language, with a Reload
// button and where to get help, instead of an endless "Loading". Used by
// the standalone page's watchdog and by embed.js; plain DOM, no styles of
// its own beyond the widget's classes.

// [title, help, Reload, direction, Loading…] per language. The build replaces this
// English-only table with every language of locales/*.json (their
// startup_* keys; tools/startup-words.mjs), so the page and embed.js load
// the words with the code, before anything else can fail.
const WORDS = /* WORDS */ {
  en: ["The troubleshooter could not start on this browser.", "Reload the page to try again. If it still doesn't start, WhatsApp can help: open WhatsApp > Settings > Help > Contact us.", "Reload", "ltr", "Loading the troubleshooting steps…"],
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
