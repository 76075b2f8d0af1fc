// The widget's languages, from the locale files (one per language), so no
// test keeps a list of its own; and the English texts a test must not find
// in another language.
import { readFileSync, readdirSync } from "node:fs";

const DIR = new URL("../locales/", import.meta.url);

/** Every language code, English first. */
export const LANGS = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -".json".length))
  .sort((a, b) => (a === "en" ? -1 : b === "en" ? 1 : a.localeCompare(b)));

/** The table of `lang`: key -> text (a plural's forms as an object). */
export function locale(lang) {
  return JSON.parse(readFileSync(new URL(`${lang}.json`, DIR), "utf8"));
}

/** Right-to-left languages. */
export const RTL = LANGS.filter((l) => locale(l).direction === "rtl");

/** Words kept in English on purpose in every language (locales/README.md). */
export const KEPT_IN_ENGLISH = JSON.parse(readFileSync(new URL("about/kept-in-english.json", DIR), "utf8")).words;

/**
 * The English table's sentences and phrases as fragments a page could show
 * (a template split at its placeholders), leaving out the kept words and
 * any fragment the language's own table has too (the same word in both).
 */
export function englishFragments(lang) {
  const en = locale("en");
  const own = JSON.stringify(locale(lang));
  const fragments = new Set();
  for (const [key, value] of Object.entries(en)) {
    if (key === "direction") continue;
    for (const text of typeof value === "string" ? [value] : Object.values(value)) {
      for (const piece of text.split(/\{[a-z_]+\}/)) {
        const fragment = piece.trim().replace(/^[.,:;()\s–-]+|[.,:;()\s–-]+$/g, "");
        // Single short words ("GB", "ms") say nothing about the language.
        if (fragment.length < 4 || !/[a-z]{3}/.test(fragment)) continue;
        if (KEPT_IN_ENGLISH.some((kept) => kept === fragment)) continue;
        if (own.includes(JSON.stringify(fragment).slice(1, -1))) continue;
        fragments.add(fragment);
      }
    }
  }
  return [...fragments];
}
