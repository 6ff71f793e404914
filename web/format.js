// Chart axis ticks for the dashboard, and nothing else: every value, level and time the page
// shows is a "*_display" string the API wrote with the daemon's one formatting layer
// (config/desk_units.h), as the CLI and the notifications write it. Ticks are numbers the
// chart invents between prints, so they cannot come from the API; they follow the series'
// desk unit (`unit_display`: "bp", "%", "$bn" or "") in the same style.
"use strict";

const Desk = (() => {
  function trim(s) { return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s; }

  function money(v) {  // v in US$ bn
    const a = Math.abs(v), sign = v < 0 ? "-" : "";
    if (a >= 1000) return sign + "$" + trim((a / 1000).toFixed(3)) + "tn";
    if (a >= 1) return sign + "$" + trim(a.toFixed(1)) + "bn";
    if (a === 0) return "$0";
    return sign + "$" + (a * 1000).toFixed(0) + "mn";
  }

  // One axis tick: `v` in the series' canonical unit (percent or US$ bn).
  function tick(v, unit) {
    switch (unit) {
      case "bp": return Math.round(v * 100) + "bp";
      case "%": return v.toFixed(2) + "%";
      case "$bn": return money(v);
      default: {
        const a = Math.abs(v);
        return a >= 1000 ? v.toLocaleString("en-US", { maximumFractionDigits: 0 })
             : trim(v.toFixed(a >= 10 ? 1 : 2));
      }
    }
  }

  // The browser's own clock for the "updated" line (not an API time), on the desk's clock.
  const etClock = new Intl.DateTimeFormat("en-GB", { timeZone: "America/New_York", hour: "2-digit",
    minute: "2-digit", hour12: false });
  function updatedAt(d) { return etClock.format(d) + " ET"; }

  return { tick, updatedAt };
})();
