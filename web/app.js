// liqwatch dashboard. It leads with state: what is firing now, then feeds failing or late,
// then the key funding gauges with their regime colour, then one chart per series (the rules'
// levels, the periods an alert fired, FOMC days and month-ends), recent alerts and source
// health. #alert=ID opens an alert's detail (inputs, timeline, deliveries, how to silence);
// #series=ID brings a chart into view (Alertmanager alerts link there).
// Vanilla JS, no build step. Every value, level and time shown is a "*_display" string the API
// wrote with the daemon's one formatting layer (config/desk_units.h), as the CLI and the
// notifications show it; format.js only labels chart axis ticks. A bearer token, if the API needs
// one, is read from the URL fragment (#token=SECRET), which a browser never sends.
// <body data-render-status> tells the headless-browser test that rendering finished.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const POINTS = 260;  // about a year of daily prints per chart
const SPARK = 30;
const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 };
// FOMC decision days (the second day of each meeting), as the daemon knows them (core/fomc.h,
// from the Federal Reserve's published meeting calendar): GET api/v1/sources, fomc_decisions.
let FOMC = [];
// The funding gauges, in the order a funding desk scans them; the first id that exists wins.
const GAUGES = [
  { ids: ["sofr_iorb"], label: "SOFR − IORB" },
  { ids: ["sofr_top"], label: "SOFR − top of target range" },
  { ids: ["reserves"], label: "Bank reserves" },
  { ids: ["tga"], label: "Treasury General Account" },
  { ids: ["rrp"], label: "ON RRP take-up" },
  { ids: ["srf"], label: "SRF take-up" },
  { ids: ["hy_oas"], label: "High-yield OAS" },
];

function param(name) {
  const m = new RegExp("(?:^|[#&])" + name + "=([^&]+)").exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

async function api(path, optional) {
  const headers = {};
  const t = param("token");
  if (t) headers["Authorization"] = "Bearer " + t;
  const r = await fetch(path, { headers });
  if (optional && r.status === 404) return null;
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, v);
  for (const c of children) if (c !== undefined && c !== null) e.append(c);
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function instanceName(rule, labels) {
  return labels ? rule + "{" + labels + "}" : rule;
}

function seriesLink(id) {
  return el("a", { href: "#series=" + encodeURIComponent(id) }, id);
}

// ---- the model: what the API says, joined per series ----

async function load() {
  const [sources, rules, firingAlerts, recent] = await Promise.all([
    api("api/v1/sources"), api("api/v1/rules"),
    api("api/v1/alerts?state=firing&limit=1000"), api("api/v1/alerts?limit=30")]);
  FOMC = sources.fomc_decisions || [];
  const health = new Map();
  const configured = [];
  for (const src of sources.sources) for (const s of src.series) {
    configured.push(s.id);
    health.set(s.id, { source: src.name, health: s.health, freshness: s.freshness });
  }
  // Series the rules read that no source polls (derived: spreads, net liquidity).
  const read = rules.rules.flatMap(r => [r.series, ...(r.instances || []).map(i => i.series)]);
  const defined = (sources.derived || []).map(d => d.id);
  const derived = [...new Set([...defined, ...read])].filter(id => id && !configured.includes(id));
  const fetched = await Promise.all([...derived, ...configured].map(
    id => api("api/v1/series/" + encodeURIComponent(id), true)));
  const series = new Map();
  for (const s of fetched) if (s) series.set(s.id, s);
  const alertsById = new Map(firingAlerts.alerts.map(a => [a.id, a]));
  return { rules: rules.rules, series, health, alertsById, recent: recent.alerts,
           order: [...derived, ...configured].filter(id => series.has(id)) };
}

// The series' desk unit ("bp", "%", "$bn", ""), for axis ticks only.
function unitOf(model, id) {
  const s = model.series.get(id);
  return s ? s.unit_display || "" : "";
}

function shown(text) {  // a display string from the API; a dash when there is no value
  return text === null || text === undefined ? "–" : text;
}

function observations(s) {
  return (s && s.observations ? s.observations : []).filter(o => o.value !== null);
}

// The levels a rule draws on a chart of `id` (warn or the only level, crit, clear), as the API
// reads them from the rule's conditions, each with its display text.
function ruleLevels(model, rule, id) {
  return (rule.levels || []).filter(l => l.series === id).map(l => ({ ...l, rule }));
}

function rulesReading(model, id) {
  return model.rules.filter(r => r.series === id || (r.instances || []).some(i => i.series === id));
}

function levelText(levels) {
  const name = { critical: "crit", warning: "warn", info: "info", clear: "clears" };
  return levels.map(l => name[l.kind] + " " + l.op.replace(">=", "≥").replace("<=", "≤") + " " +
    l.display).join(" · ");
}

function firingNow(model) {
  const out = [];
  for (const r of model.rules) for (const i of r.instances || []) {
    if (i.state !== "firing") continue;
    const alert = model.alertsById.get(i.alert_id);
    // The alert's own severity: a warn/crit rule fires at either level, and a routine season
    // (seasonal:) raises a warning rule's alert at info.
    out.push({ rule: r, inst: i, alert, severity: (alert && alert.severity) || r.severity });
  }
  out.sort((a, b) => (SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]) ||
    String(b.inst.since).localeCompare(String(a.inst.since)));
  return out;
}

// ---- firing now ----

function sparkline(s) {
  const obs = observations(s).slice(-SPARK);
  if (obs.length < 2) return null;
  const W = 300, H = 36;
  const vs = obs.map(o => o.value);
  const lo = Math.min(...vs), hi = Math.max(...vs), span = hi - lo || 1;
  const d = obs.map((o, i) => (i ? "L" : "M") + (i * W / (obs.length - 1)).toFixed(1) + " " +
    (H - 3 - (o.value - lo) / span * (H - 6)).toFixed(1)).join(" ");
  const e = svg("svg", { class: "spark", viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none",
    role: "img", "aria-label": "last " + obs.length + " prints of " + s.id });
  e.appendChild(svg("path", { d, fill: "none", stroke: "#2463c9", "stroke-width": 1.5 }));
  return e;
}

function alertCard(model, group) {
  const { rule, severity } = group[0];  // the group's worst: firingNow sorts by severity
  const card = el("div", { class: "alert-card " + severity, "data-rule": rule.name });
  const top = el("div", { class: "top" }, el("span", { class: "badge " + severity }, severity));
  if (group.length > 1) {  // one card per rule: a start-up with stale feeds is one finding
    top.append(el("span", { class: "name" }, rule.name + " × " + group.length));
    card.append(top, el("div", { class: "why" }, rule.description || ""));
    const list = el("div", { class: "links" });
    group.forEach((g, k) => {
      if (k) list.append(" · ");
      list.append(el("a", { href: "#alert=" + g.inst.alert_id }, g.inst.series || g.inst.labels));
    });
    card.append(list);
    return card;
  }
  const { inst, alert } = group[0];
  const id = inst.series || rule.series;
  top.append(el("span", { class: "name" }, instanceName(rule.name, inst.labels)),
    el("span", { class: "since" }, "since " + shown(inst.since_display)));
  card.append(top);
  const levels = ruleLevels(model, rule, id);
  const value = el("div", {}, el("span", { class: "value" }, shown(inst.last_value_display)),
    " ", el("span", { class: "muted" }, id + (inst.last_observation_date ? " on " + inst.last_observation_date : "")));
  card.append(value);
  if (levels.length) card.append(el("div", { class: "level" }, levelText(levels)));
  else if (alert) card.append(el("div", { class: "level" }, alert.message.split(": ")[0]));
  card.append(el("div", { class: "why" }, rule.description || ""));
  const spark = sparkline(model.series.get(id));
  if (spark) card.append(spark);
  card.append(el("div", { class: "links" },
    el("a", { href: "#alert=" + inst.alert_id }, "details"), " · ",
    el("a", { href: "#series=" + encodeURIComponent(id) }, "chart")));
  return card;
}

function renderFiring(model) {
  const box = document.getElementById("firing");
  const firing = firingNow(model);
  const groups = new Map();
  for (const f of firing) {
    if (!groups.has(f.rule.name)) groups.set(f.rule.name, []);
    groups.get(f.rule.name).push(f);
  }
  box.replaceChildren(...[...groups.values()].map(g => alertCard(model, g)));
  if (!firing.length) box.append(el("div", { class: "all-clear" }, "Nothing firing: every rule is inside its levels."));
  const worst = firing.length ? firing[0].severity : null;
  const verdict = document.getElementById("verdict");
  const counts = {};
  for (const f of firing) counts[f.severity] = (counts[f.severity] || 0) + 1;
  verdict.className = "verdict " + (worst || "ok");
  verdict.textContent = firing.length
    ? Object.entries(counts).map(([k, n]) => n + " " + k).join(", ") + " firing"
    : "all clear";
  document.body.dataset.firing = String(firing.length);
}

// ---- feeds failing or late ----

// A failing feed gets a row of its own (last error, when data last arrived); late prints are
// one line, since after an outage or on a stale database they come many at once.
function renderFeeds(model) {
  const box = document.getElementById("feeds");
  const rows = [], late = [];
  for (const [id, h] of model.health) {
    const last = observations(model.series.get(id)).slice(-1)[0];
    if (h.health && h.health.consecutive_failures > 0) {
      rows.push(el("div", { class: "feed-fail", "data-series": id }, el("b", {}, id), " (" + h.source + "): ",
        el("span", { class: "bad" }, "feed failing"), " since " + shown(h.health.last_error_at_display) + ", " +
        h.health.consecutive_failures + " failures in a row: " + (h.health.last_error || "") +
        ". Last data received " + (h.health.last_new_observation_at_display || "never") +
        (last ? " (print for " + last.date + ")" : "") + "."));
    } else if (h.freshness && h.freshness.state === "late") {
      late.push({ id, message: h.freshness.message });
    }
  }
  if (late.length) {
    const d = el("details", { class: "feed-fail late", "data-late": String(late.length) },
      el("summary", {}, el("span", { class: "bad" }, late.length + (late.length === 1 ? " print late" : " prints late")),
        ": " + late.map(l => l.id).join(", ")));
    for (const l of late) d.append(el("div", {}, l.message));
    rows.push(d);
  }
  box.replaceChildren(...rows);
  document.getElementById("feeds-section").hidden = rows.length === 0;
}

// ---- gauges ----

function regime(model, id) {
  let worst = null;
  for (const f of firingNow(model)) {
    const reads = f.inst.series === id || f.rule.series === id;
    if (reads && f.rule.name !== "stale_feed" &&
        (worst === null || SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst])) worst = f.severity;
  }
  return worst;
}

function gauge(model, g) {
  const id = g.ids.find(x => model.series.has(x) || model.health.has(x));
  if (!id) return null;
  const s = model.series.get(id);
  const last = s && s.latest;
  const h = model.health.get(id);
  const failing = h && h.health && h.health.consecutive_failures > 0;
  const r = regime(model, id);
  const card = el("div", { class: "gauge regime-" + (last ? r || "normal" : "nodata"), "data-series": id,
    "data-regime": last ? r || "normal" : "nodata" },
    el("div", { class: "label" }, g.label),
    el("div", { class: "value" }, last ? last.value_display : "–"));
  const sub = el("div", { class: "sub" });
  if (last) {
    sub.append(last.date);
    if (last.change_display) sub.append(" · " + last.change_display + " on the print before");
  }
  if (failing) sub.append(el("div", { class: "failing" }, "feed failing: " + (h.health.last_error || "")));
  else if (!last) sub.append("no data yet");
  card.append(sub, el("div", { class: "sub" }, seriesLink(id), r ? " · " + r : ""));
  return card;
}

function renderGauges(model) {
  document.getElementById("gauges").replaceChildren(...GAUGES.map(g => gauge(model, g)).filter(Boolean));
}

// ---- charts ----

function niceTicks(lo, hi, n) {
  const span = hi - lo || Math.abs(hi) || 1;
  const step0 = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => s >= step0);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

// Periods an alert on this series was firing: [start, end] in observation dates; an open
// period runs to the last print.
function firingPeriods(s, lastDate) {
  const open = new Map(), out = [];
  const events = [...(s.events || [])].sort((a, b) => a.id - b.id);
  for (const e of events) {
    const key = e.rule + "{" + (e.labels || "") + "}";
    if (e.kind === "firing" && !open.has(key)) open.set(key, e);
    if (e.kind === "resolved" && open.has(key)) {
      out.push({ from: open.get(key).observation_date, to: e.observation_date, rule: key, severity: open.get(key).severity });
      open.delete(key);
    }
  }
  for (const [key, e] of open) out.push({ from: e.observation_date, to: lastDate, rule: key, severity: e.severity, open: true });
  return out;
}

function chart(model, id) {
  const s = model.series.get(id);
  const unit = unitOf(model, id);
  const h = model.health.get(id);
  const failing = h && h.health && h.health.consecutive_failures > 0;
  const card = el("div", { class: "chart", "data-series": id, id: "chart-" + id });
  const obs = observations(s).slice(-POINTS);
  const latest = obs.length ? obs[obs.length - 1] : null;
  const title = el("h3", {}, id);
  if (s.latest) title.append(el("span", { class: "latest" }, s.latest.value_display + " · " + s.latest.date));
  card.append(title, el("div", { class: "desc" }, (s.derived ? "derived: " + s.expr + ". " : "") + (s.description || "")));
  if (failing) {
    card.append(el("div", { class: "failing" }, "feed failing since " + shown(h.health.last_error_at_display) + ": " +
      (h.health.last_error || "") + "; last data received " + (h.health.last_new_observation_at_display || "never")));
  }
  if (obs.length < 2) {
    card.append(el("div", { class: "empty" }, failing ? "feed failing: no data received" : "no data yet"));
    return card;
  }
  const W = 560, H = 220, L = 52, R = 82, T = 12, B = 24;
  const first = obs[0].date;
  const levels = rulesReading(model, id).flatMap(r => ruleLevels(model, r, id));
  let lo = Math.min(...obs.map(o => o.value)), hi = Math.max(...obs.map(o => o.value));
  for (const l of levels) {  // keep levels in view when they are near the data
    const pad = (hi - lo || Math.abs(hi) * 0.05 || 1) * 1.5;
    if (l.value >= lo - pad && l.value <= hi + pad) { lo = Math.min(lo, l.value); hi = Math.max(hi, l.value); }
  }
  const margin = (hi - lo || Math.abs(hi) * 0.01 || 1) * 0.08;
  lo -= margin; hi += margin;
  const t0 = Date.parse(first), t1 = Date.parse(latest.date);
  const x = d => L + (W - L - R) * ((Date.parse(d) - t0) / Math.max(1, t1 - t0));
  const y = v => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": id + " chart" });
  for (const p of firingPeriods(s, latest.date)) {
    if (p.to < first) continue;
    const x0 = x(p.from < first ? first : p.from), x1 = Math.max(x(p.to), x0 + 2);
    const r = svg("rect", { class: "firing-period", x: x0, y: T, width: x1 - x0, height: H - T - B,
      fill: p.severity === "critical" ? "rgba(198,40,40,.15)" : "rgba(224,138,0,.15)" });
    r.appendChild(svg("title", {}, p.rule + " firing " + p.from + " → " + (p.open ? "now" : p.to)));
    g.appendChild(r);
  }
  for (let i = 0; i + 1 < obs.length; i++) {  // month-ends: the last print of each month
    if (obs[i].date.slice(0, 7) !== obs[i + 1].date.slice(0, 7)) {
      g.appendChild(svg("line", { class: "month-end", x1: x(obs[i].date), x2: x(obs[i].date), y1: T, y2: H - B,
        stroke: "#9aa1ae", "stroke-dasharray": "1 3" }));
    }
  }
  // Release days: when each print was published (its release calendar), a tick under the axis.
  for (const r of s.releases || []) {
    if (r.publication_day < first || r.publication_day > latest.date) continue;
    const tick = svg("line", { class: "release", x1: x(r.publication_day), x2: x(r.publication_day),
      y1: H - B, y2: H - B + 5, stroke: "#2463c9", "stroke-width": 1 });
    tick.appendChild(svg("title", {}, "print for " + r.date + " published " + r.due_display));
    g.appendChild(tick);
  }
  for (const d of FOMC) {
    if (d < first || d > latest.date) continue;
    const line = svg("line", { class: "fomc", x1: x(d), x2: x(d), y1: T, y2: H - B, stroke: "#8e44ad", "stroke-width": 1.2 });
    line.appendChild(svg("title", {}, "FOMC decision " + d));
    g.appendChild(line);
  }
  for (const v of niceTicks(lo, hi, 4)) {
    g.appendChild(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#e4e7ec" }));
    g.appendChild(svg("text", { x: L - 6, y: y(v) + 3, "text-anchor": "end" }, Desk.tick(v, unit)));
  }
  const n = obs.length;
  for (const i of [0, Math.floor(n / 2), n - 1]) {
    g.appendChild(svg("text", { x: x(obs[i].date), y: H - 6,
      "text-anchor": i === 0 ? "start" : i === n - 1 ? "end" : "middle" }, obs[i].date));
  }
  const colour = { critical: "#c62828", warning: "#e08a00", info: "#5c6bc0", clear: "#2e7d32" };
  for (const l of levels) {
    if (l.value < lo || l.value > hi) continue;
    g.appendChild(svg("line", { class: "level level-" + l.kind, x1: L, x2: W - R, y1: y(l.value), y2: y(l.value),
      stroke: colour[l.kind], "stroke-dasharray": "5 4", "stroke-width": 1.2 }));
    const label = svg("text", { x: W - R + 4, y: y(l.value) + 3, style: "fill:" + colour[l.kind] },
      l.op + " " + l.display);
    label.appendChild(svg("title", {}, l.rule.name + " (" + l.kind + "): " + (l.rule.description || "")));
    g.appendChild(label);
  }
  const d = obs.map((o, i) => (i ? "L" : "M") + x(o.date).toFixed(1) + " " + y(o.value).toFixed(1)).join(" ");
  g.appendChild(svg("path", { class: "line", d, fill: "none", stroke: "#2463c9", "stroke-width": 1.6 }));
  const byDate = new Map(obs.map(o => [o.date, o.value]));
  for (const e of s.events || []) {
    if (!byDate.has(e.observation_date) || (e.kind !== "firing" && e.kind !== "resolved")) continue;
    const cx = x(e.observation_date), cy = y(byDate.get(e.observation_date));
    const opened = e.kind === "firing";
    const m = opened
      ? svg("path", { class: "marker opened", d: `M${cx} ${cy - 7} L${cx - 6} ${cy + 4} L${cx + 6} ${cy + 4} Z`, fill: "#c62828" })
      : svg("circle", { class: "marker resolved", cx, cy, r: 4.5, fill: "#fff", stroke: "#2e7d32", "stroke-width": 2 });
    m.appendChild(svg("title", {}, (opened ? "opened: " : "resolved: ") + instanceName(e.rule, e.labels) + " on " +
      e.observation_date + " (" + shown(e.value_display) + ")"));
    g.appendChild(m);
  }
  card.appendChild(g);
  return card;
}

function renderCharts(model) {
  const charts = document.getElementById("charts");
  charts.replaceChildren(...model.order.map(id => chart(model, id)));
  const linked = param("series");
  const card = linked && charts.querySelector(`[data-series="${CSS.escape(linked)}"]`);
  if (card) {
    card.classList.add("linked");
    card.scrollIntoView();
  }
  document.body.dataset.charts = String(charts.querySelectorAll("svg").length);
}

// ---- tables ----

function row(table, cells) {
  const tr = el("tr");
  for (const c of cells) {
    const node = c && typeof c === "object" && !(c instanceof Node) ? c : { text: c };
    tr.appendChild(el("td", node.cls ? { class: node.cls } : {}, node.node || node.text));
  }
  table.querySelector("tbody").appendChild(tr);
}

function renderTables(model) {
  const at = document.getElementById("alerts");
  at.querySelector("tbody").replaceChildren();
  for (const a of model.recent) {
    const dl = a.deliveries;
    row(at, [a.opened_at_display,
      { node: el("a", { href: "#alert=" + a.id }, instanceName(a.rule, a.labels)) },
      { text: a.severity, cls: "sev-" + a.severity }, { text: a.state, cls: "state-" + a.state },
      a.first_observation_date + (a.last_observation_date !== a.first_observation_date ? " → " + a.last_observation_date : ""),
      { text: shown(a.value_display), cls: "num" }, { text: shown(a.threshold_display), cls: "num" },
      dl.dead ? { text: dl.dead + " dead", cls: "bad" } : dl.pending ? dl.pending + " pending" : dl.delivered + " sent"]);
  }
  if (!model.recent.length) row(at, ["", "no alerts yet", "", "", "", "", "", ""]);

  const ht = document.getElementById("health");
  ht.querySelector("tbody").replaceChildren();
  for (const [id, h] of model.health) {
    const hh = h.health || {};
    const last = observations(model.series.get(id)).slice(-1)[0];
    const fresh = h.freshness || {};
    row(ht, [{ node: seriesLink(id) }, h.source, last ? last.date : "none",
      { text: fresh.state === "late" ? fresh.message : fresh.state || "–", cls: fresh.state === "late" ? "bad" : "" },
      hh.last_success_at_display || "never",
      { text: hh.last_error ? shown(hh.last_error_at_display) + ": " + hh.last_error : "–", cls: hh.last_error ? "bad" : "" },
      { text: String(hh.consecutive_failures || 0), cls: "num" + (hh.consecutive_failures ? " bad" : "") }]);
  }
}

// ---- alert detail ----

async function post(path, body) {
  const headers = { "Content-Type": "application/json" };
  const t = param("token");
  if (t) headers["Authorization"] = "Bearer " + t;
  const r = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  const answer = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((answer.error && answer.error.message) || "HTTP " + r.status);
  return answer;
}

// Silence this alert instance (POST /api/v1/silences, audited) for a chosen time.
function silenceForm(a) {
  const result = el("span", { class: "muted", id: "silence-result" });
  const duration = el("select", { id: "silence-for" },
    ...["1h", "4h", "1d", "3d"].map(d => el("option", d === "4h" ? { value: d, selected: "" } : { value: d }, d)));
  const comment = el("input", { id: "silence-comment", placeholder: "why (shown in silence list)", size: "28" });
  const button = el("button", { id: "silence-button", type: "button" }, "Silence");
  button.addEventListener("click", async () => {
    try {
      const r = await post("api/v1/silences", { rule: a.rule, labels: a.labels ? a.labels.split(",") : [],
        for: duration.value, comment: comment.value || "silenced from the dashboard" });
      result.textContent = "silenced until " + shown(r.silence.ends_at_display);
    } catch (e) {
      result.textContent = "not silenced: " + e.message;
    }
  });
  return el("p", { class: "silence" }, "Silence this alert for ", duration, " ", comment, " ", button, " ", result);
}

async function renderDetail(model) {
  const box = document.getElementById("detail");
  const id = param("alert");
  if (!id) { box.hidden = true; box.replaceChildren(); return; }
  const d = await api("api/v1/alerts/" + encodeURIComponent(id), true);
  box.hidden = false;
  if (!d) { box.replaceChildren(el("h2", {}, "Alert " + id + " not found"), el("a", { href: "#" }, "close")); return; }
  const a = d.alert;
  const rule = model.rules.find(r => r.name === a.rule);
  const levels = rule ? ruleLevels(model, rule, a.series) : [];
  box.replaceChildren(
    el("h2", {}, el("span", { class: "badge " + a.severity }, a.severity), " ", instanceName(a.rule, a.labels),
      " ", el("span", { class: "state-" + a.state }, a.state)),
    el("p", {}, "Opened " + a.opened_at_display + (a.resolved_at ? ", resolved " + a.resolved_at_display : "") +
      ". Value " + shown(a.value_display) + " on " + a.last_observation_date +
      (levels.length ? " (" + levelText(levels) + ")" : "") + "."),
    el("p", {}, "Inputs and reason: " + a.message),
    rule && rule.description ? el("p", { class: "muted" }, "Why it matters: " + rule.description) : null,
    el("p", {}, el("a", { href: "#series=" + encodeURIComponent(a.series) }, "chart of " + a.series), " · ",
      el("a", { href: "#" }, "close")),
    silenceForm(a),
    el("p", { class: "muted" }, "Or from the daemon's host:"),
    el("pre", {}, "liqwatch silence add --rule " + a.rule +
      (a.labels ? a.labels.split(",").map(l => " --label " + l).join("") : "") +
      " --for 4h --comment \"seen\""));
  const timeline = el("table", {}, el("thead", {}, el("tr", {}, ...["Time (ET)", "Event", "Obs. date", "Value", "Message"].map(h => el("th", {}, h)))), el("tbody"));
  for (const e of d.events) {
    row(timeline, [e.event_time_display, e.kind + (e.from_state ? " (" + e.from_state + " → " + e.to_state + ")" : ""),
      e.observation_date || "", { text: shown(e.value_display), cls: "num" }, { text: e.message || "", cls: "wrap" }]);
  }
  const deliveries = el("table", {}, el("thead", {}, el("tr", {}, ...["Notifier", "Status", "Attempts", "Delivered (ET)", "Last error"].map(h => el("th", {}, h)))), el("tbody"));
  for (const x of d.deliveries) {
    row(deliveries, [x.notifier, { text: x.status, cls: x.status === "dead" ? "bad" : "" }, { text: String(x.attempts), cls: "num" },
      shown(x.delivered_at_display), { text: x.last_error || "–", cls: "wrap" }]);
  }
  if (!d.deliveries.length) row(deliveries, ["no deliveries (no notifier routes this alert, or it is silenced)", "", "", "", ""]);
  box.append(el("h3", {}, "Timeline"), el("div", { class: "scroll" }, timeline),
    el("h3", {}, "Deliveries"), el("div", { class: "scroll" }, deliveries));
  box.scrollIntoView();
}

// ---- main loop ----

async function render() {
  const model = await load();
  renderFiring(model);
  renderFeeds(model);
  renderGauges(model);
  renderCharts(model);
  renderTables(model);
  await renderDetail(model);
  document.getElementById("status").textContent = "updated " + Desk.updatedAt(new Date());
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

window.addEventListener("hashchange", refresh);
refresh();
setInterval(refresh, 60000);
