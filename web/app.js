// liqwatch dashboard: one SVG chart per watched series (rule thresholds as dashed lines,
// markers where alerts opened and resolved), then recent alerts and source health.
// Vanilla JS, no dependencies. Render status goes to <body data-render-status> and
// data-charts (used by the headless-browser test). A bearer token, if the API needs one, is
// read from the URL fragment: http://host:9464/#token=SECRET (never sent as part of the URL);
// #series=ID scrolls to and outlines that series' chart (Alertmanager alerts link there).
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const POINTS = 120;  // observations shown per chart

function token() {
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

async function api(path) {
  const headers = {};
  const t = token();
  if (t) headers["Authorization"] = "Bearer " + t;
  const r = await fetch(path, { headers });
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(v) {
  if (v === null || v === undefined) return "–";
  const a = Math.abs(v);
  return a >= 1000 ? v.toLocaleString("en-US", { maximumFractionDigits: 0 })
       : a >= 10 ? v.toFixed(2) : v.toFixed(a >= 1 ? 3 : 4).replace(/0+$/, "").replace(/\.$/, "");
}

function niceTicks(lo, hi, n) {
  const span = hi - lo || Math.abs(hi) || 1;
  const step0 = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => s >= step0);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

function chart(series) {
  const card = el("div", { class: "chart", "data-series": series.id });
  const obs = series.observations.filter(o => o.value !== null).slice(-POINTS);
  const latest = obs.length ? obs[obs.length - 1] : null;
  const h = el("h3", {}, series.id);
  if (latest) h.appendChild(el("span", { class: "latest" },
    fmt(latest.value) + " " + (series.unit || "") + " · " + latest.date));
  card.appendChild(h);
  card.appendChild(el("div", { class: "desc" }, series.description || ""));
  if (obs.length < 2) {
    card.appendChild(el("div", { class: "empty" }, "no data yet"));
    return card;
  }
  const W = 560, H = 220, L = 52, R = 70, T = 10, B = 24;
  const first = obs[0].date;
  const rules = series.rules.filter(r => typeof r.threshold === "number");
  let lo = Math.min(...obs.map(o => o.value)), hi = Math.max(...obs.map(o => o.value));
  for (const r of rules) {  // keep thresholds in view when they are near the data
    const pad = (hi - lo || Math.abs(hi) * 0.05 || 1) * 1.5;
    if (r.threshold >= lo - pad && r.threshold <= hi + pad) {
      lo = Math.min(lo, r.threshold); hi = Math.max(hi, r.threshold);
    }
  }
  const margin = (hi - lo || Math.abs(hi) * 0.01 || 1) * 0.08;
  lo -= margin; hi += margin;
  const t0 = Date.parse(first), t1 = Date.parse(latest.date);
  const x = d => L + (W - L - R) * ((Date.parse(d) - t0) / Math.max(1, t1 - t0));
  const y = v => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": series.id + " chart" });
  for (const v of niceTicks(lo, hi, 4)) {
    s.appendChild(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#e4e7ec" }));
    s.appendChild(svg("text", { x: L - 6, y: y(v) + 3, "text-anchor": "end" }, fmt(v)));
  }
  const n = obs.length;
  for (const i of [0, Math.floor(n / 2), n - 1]) {
    s.appendChild(svg("text", { x: x(obs[i].date), y: H - 6,
      "text-anchor": i === 0 ? "start" : i === n - 1 ? "end" : "middle" }, obs[i].date));
  }
  for (const r of rules) {
    if (r.threshold < lo || r.threshold > hi) continue;
    const colour = r.severity === "critical" ? "#c62828" : r.severity === "warning" ? "#e08a00" : "#6b7385";
    s.appendChild(svg("line", { class: "threshold", x1: L, x2: W - R, y1: y(r.threshold),
      y2: y(r.threshold), stroke: colour, "stroke-dasharray": "5 4", "stroke-width": 1.2 }));
    const label = svg("text", { x: W - R + 4, y: y(r.threshold) + 3, style: "fill:" + colour },
      r.op + " " + fmt(r.threshold));
    label.appendChild(svg("title", {}, r.name + ": " + (r.description || "")));
    s.appendChild(label);
  }
  const d = obs.map((o, i) => (i ? "L" : "M") + x(o.date).toFixed(1) + " " + y(o.value).toFixed(1)).join(" ");
  s.appendChild(svg("path", { class: "line", d, fill: "none", stroke: "#2463c9", "stroke-width": 1.6 }));
  const byDate = new Map(obs.map(o => [o.date, o.value]));
  for (const e of series.events || []) {
    if (e.observation_date < first || !byDate.has(e.observation_date)) continue;
    const cx = x(e.observation_date), cy = y(byDate.get(e.observation_date));
    const opened = e.kind === "firing";
    const m = opened
      ? svg("path", { class: "marker opened", d: `M${cx} ${cy - 7} L${cx - 6} ${cy + 4} L${cx + 6} ${cy + 4} Z`, fill: "#c62828" })
      : svg("circle", { class: "marker resolved", cx, cy, r: 4.5, fill: "#fff", stroke: "#2e7d32", "stroke-width": 2 });
    m.appendChild(svg("title", {}, (opened ? "opened: " : "resolved: ") + instanceName(e.rule, e.labels) + " on " +
      e.observation_date + " (" + fmt(e.value) + ")"));
    s.appendChild(m);
  }
  card.appendChild(s);
  return card;
}

// An alert instance as people read it: a for_each rule's instance carries its labels.
function instanceName(rule, labels) {
  return labels ? rule + "{" + labels + "}" : rule;
}

function row(table, cells) {
  const tr = el("tr");
  for (const c of cells) {
    const td = el("td", c.cls ? { class: c.cls } : {}, c.text !== undefined ? c.text : c);
    tr.appendChild(td);
  }
  table.querySelector("tbody").appendChild(tr);
}

async function render() {
  const [sources, alerts] = await Promise.all([api("api/v1/sources"), api("api/v1/alerts?limit=20")]);
  const ids = sources.sources.flatMap(s => s.series.map(x => x.id));
  const series = await Promise.all(ids.map(id => api("api/v1/series/" + encodeURIComponent(id))));
  const charts = document.getElementById("charts");
  charts.replaceChildren(...series.map(chart));
  // #series=ID (the generatorURL of an Alertmanager alert): bring that chart into view.
  const linked = /(?:^|[#&])series=([^&]+)/.exec(location.hash);
  const card = linked && charts.querySelector(`[data-series="${CSS.escape(decodeURIComponent(linked[1]))}"]`);
  if (card) {
    card.classList.add("linked");
    card.scrollIntoView();
  }

  const at = document.getElementById("alerts");
  at.querySelector("tbody").replaceChildren();
  for (const a of alerts.alerts) {
    const dl = a.deliveries;
    row(at, [String(a.id), a.opened_at.slice(0, 16).replace("T", " "), instanceName(a.rule, a.labels),
      { text: a.severity, cls: "sev-" + a.severity }, { text: a.state, cls: "state-" + a.state },
      a.first_observation_date + (a.last_observation_date !== a.first_observation_date ? " → " + a.last_observation_date : ""),
      { text: fmt(a.value), cls: "num" }, { text: fmt(a.threshold), cls: "num" },
      dl.dead ? { text: dl.dead + " dead", cls: "bad" } : dl.pending ? dl.pending + " pending" : dl.delivered + " sent"]);
  }
  if (!alerts.alerts.length) row(at, ["", "no alerts", "", "", "", "", "", "", ""]);

  const ht = document.getElementById("health");
  ht.querySelector("tbody").replaceChildren();
  for (const src of sources.sources) for (const s of src.series) {
    const h = s.health || {};
    row(ht, [s.id, src.name, (h.last_success_at || "never").slice(0, 19).replace("T", " "),
      { text: h.last_error ? (h.last_error_at || "").slice(0, 19).replace("T", " ") + " " + h.last_error : "–",
        cls: h.last_error ? "bad" : "" },
      { text: String(h.consecutive_failures || 0), cls: "num" + (h.consecutive_failures ? " bad" : "") },
      { text: String(h.polls || 0), cls: "num" }, { text: String(h.errors || 0), cls: "num" }]);
  }
  document.body.dataset.charts = String(charts.querySelectorAll("svg").length);
  document.getElementById("status").textContent = "updated " + new Date().toISOString().slice(0, 19).replace("T", " ") + " UTC";
  document.body.dataset.renderStatus = "ok";
}

async function refresh() {
  try {
    await render();
  } catch (e) {
    document.body.dataset.renderStatus = "error: " + e.message;
    document.getElementById("status").textContent = "error: " + e.message;
    console.error(e);
  }
}

refresh();
setInterval(refresh, 60000);
