// backup-doctor embed loader (script mode).
//
//   <script type="module" src="https://YOUR-HOST/embed.js"></script>
//   <backup-doctor lang="en" theme="auto"></backup-doctor>
//
// Defines the <backup-doctor> custom element (attributes lang, tree,
// speedtest, theme, insights) and window.BackupDoctor.mount(element, options). The
// widget renders in an open shadow root with its own stylesheet, adopted as
// a constructed stylesheet so that a host CSP of `style-src 'self'` allows
// it. The glue, the wasm and the stylesheet are resolved next to this file,
// so the host page may live on any origin (the server sends CORS headers).
// They have content-hashed names, cached for good; this file keeps its name
// and is revalidated, so a new build reaches host pages at once.

import { onWasmTrap, showCrash, showStartupFailure } from "./startup.js";

const BASE = new URL("./", import.meta.url);
// The build's file names (tools/stamp-embed.mjs writes the hashed ones here).
const FILES = /* FILES */ { glue: "backup-doctor.js", wasm: "backup-doctor_bg.wasm", css: "widget.css" } /* /FILES */;
const CONFIG_NAMES = ["lang", "tree", "speedtest", "theme", "insights"];

let wasmReady;
let sheetReady;
/** The mounted widgets' containers (in shadow roots, out of reach of selectors), with the language asked. */
const containers = new Map();

// A trap breaks the one wasm instance behind every widget of the page: each
// shows the crash panel, or the start-up message if it had not rendered yet.
onWasmTrap((detail) => {
  for (const [container, lang] of containers) {
    const widget = container.querySelector("[data-backup-doctor-root]");
    if (widget) showCrash(widget, detail);
    else showStartupFailure(container, lang, detail);
  }
});

/** Loads the wasm once for every widget on the page. */
function loadWasm() {
  wasmReady ??= import(new URL(FILES.glue, BASE).href).then(async (glue) => {
    await glue.default({ module_or_path: new URL(FILES.wasm, BASE) });
    return glue;
  });
  return wasmReady;
}

/**
 * Whether this engine has constructed stylesheets for shadow roots (Safari
 * 16.4+, Chromium 73+, Firefox 101+). Without them, a `<link
 * rel="stylesheet">` inside the shadow root does the same, and needs no
 * `'unsafe-inline'` either (only `style-src` of the widget's origin).
 */
const CONSTRUCTED_SHEETS = (() => {
  try {
    new CSSStyleSheet();
    return "adoptedStyleSheets" in ShadowRoot.prototype && "replaceSync" in CSSStyleSheet.prototype;
  } catch {
    return false;
  }
})();

/** The widget stylesheet, fetched once and shared by every shadow root. */
function loadSheet() {
  sheetReady ??= CONSTRUCTED_SHEETS
    ? fetch(new URL(FILES.css, BASE)).then((r) => {
      if (!r.ok) throw new Error(`widget.css: HTTP ${r.status}`);
      return r.text();
    }).then((css) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      return sheet;
    })
    : Promise.resolve(null);
  return sheetReady;
}

/**
 * Styles `shadow` with the shared sheet, or a link to the file. Resolves once
 * the styles apply, so the widget never shows unstyled for a moment.
 */
function style(shadow, sheet) {
  if (sheet) {
    shadow.adoptedStyleSheets = [sheet];
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL(FILES.css, BASE).href;
    link.onload = () => resolve();
    link.onerror = () => reject(new Error("widget.css could not load"));
    shadow.prepend(link);
  });
}

/** A message in the person's language in the shadow root: never a blank box. */
function showLoadError(container, lang, error) {
  showStartupFailure(container, lang, error?.message ?? error);
}

/**
 * Renders a widget into `element` (in its open shadow root) with `options`
 * ({lang, tree, speedtest, theme, insights}). Returns at once a handle:
 * {speedTest(options) -> Promise<result>, destroy(), ready: Promise}.
 */
function mount(element, options = {}) {
  const shadow = element.shadowRoot ?? element.attachShadow({ mode: "open" });
  const container = document.createElement("div");
  container.className = "bd-host";
  shadow.replaceChildren(container);
  const opts = { ...options };
  containers.set(container, opts.lang);
  // The speed test defaults to the server that serves the widget.
  if (!opts.speedtest) opts.speedtest = BASE.href.replace(/\/$/, "");
  // Where the widget's own files (other languages' steps) are.
  opts.assetBase = BASE.href;
  let inner = null;
  let destroyed = false;
  const ready = Promise.all([loadWasm(), loadSheet()]).then(async ([glue, sheet]) => {
    if (destroyed) return;
    await style(shadow, sheet);
    if (destroyed) return;
    inner = glue.mount(container, opts);
  }).catch((error) => { if (!destroyed) showLoadError(container, opts.lang, error); });
  return Object.freeze({
    ready,
    async speedTest(o = {}) {
      await ready;
      if (!inner) throw new Error("backup-doctor is not mounted");
      return inner.speedTest(o);
    },
    destroy() {
      destroyed = true;
      if (inner) { inner.destroy(); inner.free(); inner = null; }
      containers.delete(container);
      container.remove();
    },
  });
}

class BackupDoctorElement extends HTMLElement {
  static observedAttributes = CONFIG_NAMES;
  #handle = null;

  connectedCallback() { this.#remount(); }
  disconnectedCallback() { this.destroy(); }
  attributeChangedCallback() { if (this.isConnected) this.#remount(); }

  #remount() {
    this.destroy();
    const options = {};
    for (const name of CONFIG_NAMES) {
      if (this.hasAttribute(name)) options[name] = this.getAttribute(name);
    }
    this.#handle = mount(this, options);
  }

  /** Resolves when the widget has rendered (or shown why it could not). */
  get ready() { return this.#handle?.ready ?? Promise.resolve(); }
  /** Same as the mount handle's speedTest. */
  speedTest(options) {
    return this.#handle ? this.#handle.speedTest(options) : Promise.reject(new Error("not connected"));
  }
  /** Unmounts the widget (listeners, timers, requests); the element stays. */
  destroy() { this.#handle?.destroy(); this.#handle = null; }
}

if (!customElements.get("backup-doctor")) {
  customElements.define("backup-doctor", BackupDoctorElement);
}
window.BackupDoctor = Object.freeze({ mount });
