// Lowers the widget's stylesheet for the browsers in browsers.mjs with
// lightningcss: `light-dark()` becomes custom-property fallbacks keyed to
// each `color-scheme` declaration, and anything else newer than the floor is
// rewritten or prefixed. Trunk runs it before every build (Trunk.toml's
// pre_build hook); the page and embed.js load its output, never
// styles/widget.css itself.
//
//   node tools/lower-css.mjs [IN] [OUT]   (default styles/widget.css -> target/css/widget.css)
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { transform } from "lightningcss";
import { CSS_TARGETS } from "./browsers.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [input = "styles/widget.css", output = "target/css/widget.css"] = process.argv.slice(2);

try {
  const source = readFileSync(resolve(root, input));
  const { code, warnings } = transform({
    filename: input,
    code: source,
    targets: CSS_TARGETS,
    minify: true,
    errorRecovery: false,
  });
  for (const w of warnings) process.stderr.write(`${input}:${w.loc.line}:${w.loc.column}: ${w.message}\n`);
  const css = code.toString();
  if (css.includes("light-dark(")) throw new Error("light-dark() survived the lowering");
  const out = resolve(root, output);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, css);
} catch (e) {
  const at = e.loc ? `:${e.loc.line}:${e.loc.column}` : "";
  process.stderr.write(`lower-css: ${input}${at}: ${e.message}\n`);
  process.exit(1);
}
