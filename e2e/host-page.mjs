// A help-centre page on another origin, made of nothing but the README's two
// snippets (the script-mode element and the resizing iframe), served from
// 127.0.0.1 on a port of its own while the widget comes from BASE_URL.
import { createServer } from "node:http";

/** The page's HTML for a widget served at `widgetBase` (ends with `/`). */
export function snippetsPage(widgetBase) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Blank host</title>
<link rel="icon" href="data:,"></head><body>
<script type="module" src="${widgetBase}embed.js"></script>
<backup-doctor lang="en"></backup-doctor>
<iframe id="backup-doctor-frame" src="${widgetBase}?lang=en" title="Fix a stuck WhatsApp backup" style="width:100%;border:0;height:600px"></iframe>
<script>
addEventListener("message", (event) => {
  const frame = document.getElementById("backup-doctor-frame");
  if (event.origin !== new URL(frame.src).origin || event.source !== frame.contentWindow) return;
  if (event.data?.source === "backup-doctor" && event.data.type === "resize") frame.style.height = Math.ceil(event.data.detail.height) + "px";
});
</script></body></html>`;
}

/** Serves `snippetsPage(widgetBase)`; resolves with {url, close()}. */
export async function startSnippetsHost(widgetBase) {
  const html = snippetsPage(widgetBase);
  const server = createServer((req, res) => { res.setHeader("content-type", "text/html"); res.end(html); });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}
