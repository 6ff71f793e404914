// Desk units for the dashboard: values arrive from the API in canonical units (percent,
// usd_bn, index, count) and leave as a desk reads them: spreads in bp, rates in %, money in
// $bn/$tn, publication times in ET. Only display: the API keeps exact canonical numbers.
"use strict";

const Desk = (() => {
  // Series a desk quotes in basis points although they are stored in percent: spreads
  // (a derived difference of two rates) and option-adjusted credit spreads.
  function displayUnit(series) {
    if (series.display_unit) return series.display_unit;
    const unit = series.unit || "";
    if (unit === "percent") {
      const spread = (series.derived && /\s-\s/.test(series.expr || "")) || /(_oas|_spread|_iorb|_top)$/.test(series.id || "");
      return spread ? "bp" : "%";
    }
    if (unit === "usd_bn") return "$bn";
    return "";
  }

  function trim(s) { return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s; }

  function money(v) {  // v in US$ bn
    const a = Math.abs(v), sign = v < 0 ? "−" : "";
    if (a >= 1000) return sign + "$" + (a / 1000).toFixed(a >= 10000 ? 1 : 2) + "tn";
    if (a >= 100) return sign + "$" + a.toFixed(0) + "bn";
    if (a >= 1) return sign + "$" + a.toFixed(1) + "bn";
    if (a === 0) return "$0";
    return sign + "$" + trim((a * 1000).toFixed(0)) + "mn";
  }

  function value(v, unit, signed) {
    if (v === null || v === undefined || Number.isNaN(v)) return "–";
    switch (unit) {
      case "bp": {
        const bp = Math.round(v * 100);
        return (signed && bp > 0 ? "+" : "") + bp + "bp";
      }
      case "%": return (signed && v > 0 ? "+" : "") + v.toFixed(2) + "%";
      case "$bn": return (signed && v > 0 ? "+" : "") + money(v);
      default: {
        const a = Math.abs(v);
        return a >= 1000 ? v.toLocaleString("en-US", { maximumFractionDigits: 0 })
             : trim(v.toFixed(a >= 10 ? 1 : 2));
      }
    }
  }

  // A level written in a rule ("15bp", "2850bn", "1tn", "4.3%", "-500mn", "25") to the
  // series' canonical unit, or null when the suffix does not fit the unit.
  function level(text, canonicalUnit) {
    const m = /^(-?\d+(?:\.\d+)?)(bp|%|mn|bn|tn)?$/.exec(text.trim());
    if (!m) return null;
    const n = parseFloat(m[1]), suffix = m[2] || "";
    if (canonicalUnit === "percent") return suffix === "bp" ? n / 100 : suffix === "%" || suffix === "" ? n : null;
    if (canonicalUnit === "usd_bn") return { mn: n / 1000, bn: n, tn: n * 1000, "": n }[suffix] ?? null;
    return suffix === "" ? n : null;
  }

  // The comparisons of a rule condition that read the series itself ("sofr_iorb >= 15bp",
  // one side of "vix > 25 or change(vix, 5) > 8"): what a chart of the series can draw.
  function levels(condition, seriesId, canonicalUnit) {
    if (!condition) return [];
    const out = [];
    for (const part of condition.split(/\s+(?:and|or)\s+/)) {
      const m = /^\s*\(?\s*([A-Za-z_][\w]*)\s*(>=|<=|>|<)\s*(-?[\d.]+(?:bp|%|mn|bn|tn)?)\s*\)?\s*$/.exec(part);
      if (!m || m[1] !== seriesId) continue;
      const v = level(m[3], canonicalUnit);
      if (v !== null) out.push({ op: m[2], value: v });
    }
    return out;
  }

  const etDay = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", month: "short",
    day: "numeric" });
  const etClock = new Intl.DateTimeFormat("en-GB", { timeZone: "America/New_York", hour: "2-digit",
    minute: "2-digit", hour12: false });
  const etYear = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", year: "numeric" });

  function time(iso) {  // "Oct 31 2025, 08:02 ET"; the year only when it is not this year's
    if (!iso) return "never";
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    const y = etYear.format(d);
    return etDay.format(d) + (y !== etYear.format(new Date()) ? " " + y : "") + ", " +
      etClock.format(d) + " ET";
  }

  function ago(iso, now) {
    if (!iso) return "";
    const s = Math.max(0, ((now || Date.now()) - Date.parse(iso)) / 1000);
    if (s < 90) return Math.round(s) + "s ago";
    if (s < 5400) return Math.round(s / 60) + "m ago";
    if (s < 172800) return Math.round(s / 3600) + "h ago";
    return Math.round(s / 86400) + "d ago";
  }

  return { displayUnit, value, level, levels, time, ago };
})();
