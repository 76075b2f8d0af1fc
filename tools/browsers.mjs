// The browsers the widget is built for: the README's support table is the
// contract, and these numbers are it, for every tool that lowers or checks
// code (lightningcss for the CSS, the syntax check for the JavaScript).
//
// Why this floor: the wasm the release build emits uses reference types
// (Chrome 96, Firefox 79, Safari 15), bulk memory (Chrome 75, Firefox 79,
// Safari 15), non-trapping float-to-int (Chrome 75, Firefox 64, Safari 15)
// and sign extension (Chrome 74, Firefox 62, Safari 14.1); the README's
// "Browser support" says how that was checked. iOS Safari 15.4 is the first
// iOS 15 release with `:focus-visible`, which the focus ring relies on;
// Chromium 100 covers Samsung Internet 19 and every Chrome for Android of
// the last four years; Firefox 115 is the oldest supported ESR.

/** Major, minor as lightningcss packs them: (major << 16) | (minor << 8). */
const version = (major, minor = 0) => (major << 16) | (minor << 8);

/** lightningcss `targets`. */
export const CSS_TARGETS = {
  ios_saf: version(15, 4),
  safari: version(15, 4),
  chrome: version(100),
  android: version(100),
  edge: version(100),
  samsung: version(19),
  firefox: version(115),
};

/**
 * The newest JavaScript every floor browser runs: ES2022 without class
 * static blocks (Safari 16.4) and without RegExp `v` flags (ES2024).
 */
export const JS_ECMA_VERSION = 2022;
export const JS_FORBIDDEN_NODES = { StaticBlock: "class static blocks (Safari 16.4+)" };

/** esbuild `target`: the same floor (tools/minify.mjs lowers to it). */
export const JS_TARGETS = Object.entries({ ios: "ios_saf", safari: "safari", chrome: "chrome", edge: "edge", firefox: "firefox" })
  .map(([engine, key]) => `${engine}${CSS_TARGETS[key] >> 16}.${(CSS_TARGETS[key] >> 8) & 0xff}`);
