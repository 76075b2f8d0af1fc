// The insights dashboard: asks for the token (kept in this tab's session
// storage), reads GET /__insights/summary and draws, per tree, a funnel of
// steps, the fix rate per symptom, outcomes over time and the connection
// buckets as SVG; exports the same figures as CSV. Everything from the
// server is put in the page as text (textContent, SVG attributes), never
// as markup.

const TOKEN_KEY = "backup-doctor:insights-token";
const SVG = "http://www.w3.org/2000/svg";
// Charts are drawn at the width they are shown at, so their 13 px labels
// stay 13 px on a phone (a scaled-down viewBox would shrink them).
let WIDTH = 600;
const $ = (id) => document.getElementById(id);

let memoryToken = null;
let lastSummary = null;

function readToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? memoryToken;
  } catch {
    return memoryToken;
  }
}

function keepToken(token) {
  memoryToken = token;
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage disabled: the token lasts as long as the page.
  }
}

function el(tag, props = {}, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svgEl(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function chart(height, label) {
  const svg = svgEl("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": label });
  svg.append(svgEl("title", {}, label));
  return svg;
}

function legend(items) {
  const list = el("ul", { class: "legend" });
  for (const [cls, words] of items) list.append(el("li", { class: cls }, words));
  return list;
}

function percent(part, whole) {
  return whole > 0 ? Math.round((100 * part) / whole) : 0;
}

function setStatus(words) {
  $("status").textContent = words;
}

function askForToken(message) {
  $("filter-form").hidden = true;
  $("trees").replaceChildren();
  $("token-message").textContent = message;
  $("token-form").hidden = false;
  setStatus("");
  $("token").focus();
}

// Each load is numbered: an answer that comes back after a newer load (a
// quicker filter), or after the token was forgotten, is dropped, so the
// page and its CSV always show the latest filter.
let loads = 0;

async function load() {
  const ticket = ++loads;
  const token = readToken();
  if (!token) return askForToken("");
  $("token-form").hidden = true;
  $("filter-form").hidden = false;
  const params = new URLSearchParams();
  for (const name of ["from", "to", "lang"]) {
    const value = $(name).value.trim();
    if (value) params.set(name, value);
  }
  const url = new URL("../__insights/summary", location.href);
  url.search = params.toString();
  setStatus("Loading…");
  let response;
  let text;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
    text = await response.text();
  } catch (error) {
    if (ticket === loads) setStatus(`The server could not be reached (${error.message}).`);
    return;
  }
  if (ticket !== loads || readToken() !== token) return;
  if (response.status === 401) {
    keepToken(null);
    return askForToken("The server refused this token. Check the server's --insights-token.");
  }
  if (!response.ok) {
    setStatus(`The server answered ${response.status}: ${text}`);
    return;
  }
  let summary;
  try {
    summary = JSON.parse(text);
  } catch {
    setStatus("The server's answer is not JSON.");
    return;
  }
  lastSummary = summary;
  render(summary);
}

function render(summary) {
  const trees = Array.isArray(summary.trees) ? summary.trees : [];
  const box = $("trees");
  // The card's content box: its padding (1rem) and border (1px) each side.
  WIDTH = Math.max(240, Math.min(900, Math.floor(box.clientWidth - 34)));
  box.replaceChildren();
  if (trees.length === 0) {
    setStatus("No beacons match this filter yet.");
    return;
  }
  setStatus(`${trees.length} tree revision${trees.length === 1 ? "" : "s"}.`);
  for (const tree of trees) box.append(treeCard(tree));
}

function treeCard(tree) {
  const card = el("section", { class: "card tree", "data-tree": `${tree.tree}@${tree.revision}` });
  card.append(el("h2", {}, `${tree.tree} @ ${tree.revision}`));
  const ended = tree.resolved + tree.escalated + tree.left;
  card.append(
    el(
      "p",
      { class: "totals" },
      `${tree.started} started · ${tree.resolved} resolved (${percent(tree.resolved, ended)} % of ended) · ` +
        `${tree.escalated} sent to support · ${tree.left} left before an end`,
    ),
  );
  card.append(el("h3", {}, "Steps: reached, left here, fixed here"));
  card.append(legend([["reached", "reached"], ["resolved", "fixed here"], ["left", "left here"]]));
  card.append(funnel(tree.nodes ?? []));
  card.append(el("h3", {}, "Fix rate per symptom"));
  card.append(legend([["resolved", "resolved"], ["escalated", "sent to support"], ["left", "left"]]));
  card.append(symptoms(tree.bySymptom ?? []));
  card.append(el("h3", {}, "Outcomes over time"));
  card.append(legend([["resolved", "resolved"], ["escalated", "sent to support"], ["left", "left"]]));
  card.append(overTime(tree.byDay ?? []));
  for (const direction of ["download", "upload"]) {
    card.append(el("h3", {}, `Connection: ${direction} speed of walks that ended`));
    card.append(buckets(direction, tree.connection?.[direction] ?? []));
  }
  return card;
}

function empty(words) {
  return el("p", { class: "empty" }, words);
}

// One row per step: a label line, then the bar (fixed share from the
// start, left share at the end).
function funnel(nodes) {
  if (nodes.length === 0) return empty("No steps reached.");
  const row = 38;
  const svg = chart(nodes.length * row, `Funnel of ${nodes.length} steps`);
  svg.classList.add("funnel");
  const max = Math.max(1, ...nodes.map((n) => n.reached));
  nodes.forEach((n, i) => {
    const y = i * row;
    const width = (WIDTH * n.reached) / max;
    svg.append(svgEl("text", { x: 0, y: y + 13 }, `${n.node}: ${n.reached} reached · ${n.left} left · ${n.fixed} fixed`));
    svg.append(svgEl("rect", { class: "bar-track", x: 0, y: y + 18, width: WIDTH, height: 14, rx: 2 }));
    svg.append(svgEl("rect", { class: "bar-reached", x: 0, y: y + 18, width, height: 14, rx: 2 }));
    const fixed = (WIDTH * Math.min(n.fixed, n.reached)) / max;
    svg.append(svgEl("rect", { class: "bar-resolved", x: 0, y: y + 18, width: fixed, height: 14 }));
    const left = (WIDTH * Math.min(n.left, n.reached)) / max;
    svg.append(svgEl("rect", { class: "bar-left", x: Math.max(0, width - left), y: y + 18, width: left, height: 14 }));
  });
  return svg;
}

function stackedBar(svg, y, parts, total) {
  let x = 0;
  svg.append(svgEl("rect", { class: "bar-track", x: 0, y, width: WIDTH, height: 14, rx: 2 }));
  for (const [cls, value] of parts) {
    const width = total > 0 ? (WIDTH * value) / total : 0;
    svg.append(svgEl("rect", { class: cls, x, y, width, height: 14 }));
    x += width;
  }
}

function symptoms(list) {
  if (list.length === 0) return empty("No walk with a symptom answer has ended.");
  const row = 56;
  const svg = chart(list.length * row, `Fix rate of ${list.length} symptom answers`);
  svg.classList.add("symptoms");
  list.forEach((s, i) => {
    const y = i * row;
    const ended = s.resolved + s.escalated + s.left;
    svg.append(svgEl("text", { x: 0, y: y + 13 }, `${s.symptom}: ${percent(s.resolved, ended)} % resolved (${s.resolved} of ${ended})`));
    stackedBar(svg, y + 18, [["bar-resolved", s.resolved], ["bar-escalated", s.escalated], ["bar-left", s.left]], ended);
    const fixes = (s.fixes ?? []).slice(0, 3).map((f) => `${f.node} (${f.fixed})`).join(", ");
    svg.append(svgEl("text", { class: "small", x: 0, y: y + 47 }, fixes ? `fixed by: ${fixes}` : "no fix confirmed"));
  });
  return svg;
}

function overTime(days) {
  if (days.length === 0) return empty("No days yet.");
  const height = 160;
  const chartHeight = 120;
  const svg = chart(height, `Outcomes over ${days.length} days`);
  svg.classList.add("over-time");
  const totals = days.map((d) => d.resolved + d.escalated + d.left);
  const max = Math.max(1, ...totals);
  const slot = WIDTH / days.length;
  const barWidth = Math.max(1, slot * 0.8);
  days.forEach((d, i) => {
    let y = chartHeight;
    for (const [cls, value] of [["bar-resolved", d.resolved], ["bar-escalated", d.escalated], ["bar-left", d.left]]) {
      const h = (chartHeight * value) / max;
      y -= h;
      const bar = svgEl("rect", { class: cls, x: i * slot + (slot - barWidth) / 2, y, width: barWidth, height: h });
      bar.append(svgEl("title", {}, `${d.day}: ${value}`));
      svg.append(bar);
    }
  });
  svg.append(svgEl("text", { class: "small", x: 0, y: chartHeight + 18 }, days[0].day));
  if (days.length > 1) {
    svg.append(svgEl("text", { class: "small", x: WIDTH, y: chartHeight + 18, "text-anchor": "end" }, days[days.length - 1].day));
  }
  svg.append(svgEl("text", { class: "small", x: 0, y: chartHeight + 38 }, `most in one day: ${max} ended`));
  return svg;
}

function buckets(direction, list) {
  if (list.length === 0) return empty("No walk has ended.");
  const row = 38;
  const svg = chart(list.length * row, `${direction} speed buckets`);
  svg.classList.add("buckets");
  const max = Math.max(1, ...list.map((b) => b.ended));
  list.forEach((b, i) => {
    const y = i * row;
    const name = b.bucket === "unmeasured" ? "not measured" : `${b.bucket} Mbit/s`;
    svg.append(svgEl("text", { x: 0, y: y + 13 }, `${name}: ${b.ended} ended, ${percent(b.resolved, b.ended)} % resolved`));
    svg.append(svgEl("rect", { class: "bar-track", x: 0, y: y + 18, width: WIDTH, height: 14, rx: 2 }));
    svg.append(svgEl("rect", { class: "bar-left", x: 0, y: y + 18, width: (WIDTH * b.ended) / max, height: 14 }));
    svg.append(svgEl("rect", { class: "bar-resolved", x: 0, y: y + 18, width: (WIDTH * b.resolved) / max, height: 14 }));
  });
  return svg;
}

// A CSV cell: quoted when needed, and never read as a formula by a
// spreadsheet.
function cell(value) {
  let text = String(value ?? "");
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(summary) {
  const rows = [["tree", "revision", "section", "key", "metric", "value"]];
  for (const t of summary.trees ?? []) {
    const add = (section, key, metrics) => {
      for (const [metric, value] of Object.entries(metrics)) rows.push([t.tree, t.revision, section, key, metric, value]);
    };
    add("totals", "", { started: t.started, resolved: t.resolved, escalated: t.escalated, left: t.left });
    for (const n of t.nodes ?? []) add("node", n.node, { reached: n.reached, left: n.left, fixed: n.fixed });
    for (const s of t.bySymptom ?? []) {
      add("symptom", s.symptom, { resolved: s.resolved, escalated: s.escalated, left: s.left });
      for (const f of s.fixes ?? []) add("symptom fix", `${s.symptom} ${f.node}`, { fixed: f.fixed });
    }
    for (const direction of ["download", "upload"]) {
      for (const b of t.connection?.[direction] ?? []) add(direction, b.bucket, { ended: b.ended, resolved: b.resolved });
    }
    for (const d of t.byDay ?? []) add("day", d.day, { started: d.started, resolved: d.resolved, escalated: d.escalated, left: d.left });
  }
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

function exportCsv() {
  if (!lastSummary) {
    setStatus("Nothing to export yet.");
    return;
  }
  const blob = new Blob([toCsv(lastSummary)], { type: "text/csv;charset=utf-8" });
  const link = el("a", { href: URL.createObjectURL(blob), download: `insights-${new Date().toISOString().slice(0, 10)}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

function start() {
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token").value.trim();
    if (!token) return;
    keepToken(token);
    $("token").value = "";
    load();
  });
  $("filter-form").addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  $("csv").addEventListener("click", exportCsv);
  let drawnFor = window.innerWidth;
  window.addEventListener("resize", () => {
    if (lastSummary && window.innerWidth !== drawnFor) {
      drawnFor = window.innerWidth;
      render(lastSummary);
    }
  });
  $("sign-out").addEventListener("click", () => {
    keepToken(null);
    lastSummary = null;
    askForToken("");
  });
  load();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
