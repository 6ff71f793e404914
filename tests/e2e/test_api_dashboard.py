"""The dashboard (GET /) in headless Chromium, driven over the DevTools protocol (cdp.py) at a
desktop (1440 px) and a phone (390 px) width.

1. The shipped watchlist (config/liqwatch.yaml) on four months of real data: the page leads with
   what is firing (above the fold at both widths, no horizontal overflow), then the funding
   gauges in desk units with their regime, then charts that draw the rules' levels, shade the
   periods alerts fired and mark FOMC days, month-ends and each print's release day. Every
   value, level and time shown is the API's "*_display" string (the daemon's one formatting
   layer, as in the CLI and notifications), not formatted again in the browser: format.js
   only labels axis ticks. An alert's detail view shows its timeline and how to silence it.
   Screenshots at both widths are kept under $LIQWATCH_ARTIFACTS.
2. The API test episode (a threshold rule on SOFR fired and resolved): the compiled rule still
   draws its level, with an opened and a resolved marker.
3. Every feed failing (the source's port is closed): cards say "feed failing" with the error,
   not "no data yet", and /readyz answers 503.
"""

import socket
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import apitest  # noqa: E402
import cdp  # noqa: E402
import lwtest  # noqa: E402
import test_shipped_config as shipped  # noqa: E402

WIDTHS = [(1440, 900, False), (390, 844, True)]
POINTS = 260  # app.js: the prints a chart draws


def sofr_first_date(series: dict) -> str:
    """The first date a chart of `series` draws (its last POINTS prints with a value)."""
    return [o for o in series["observations"] if o["value"] is not None][-POINTS:][0]["date"]

LAYOUT = """(() => {
  const first = document.querySelector('#firing > *');
  return {inner_width: innerWidth, inner_height: innerHeight,
          scroll_width: document.documentElement.scrollWidth,
          first_alert_bottom: first ? first.getBoundingClientRect().bottom + scrollY : null,
          gauges_top: document.getElementById('gauges').getBoundingClientRect().top + scrollY,
          charts_top: document.getElementById('charts').getBoundingClientRect().top + scrollY};
})()"""


def skip_without_chromium(test: unittest.TestCase) -> None:
    if not Path(cdp.CHROMIUM).exists():
        test.skipTest("chromium not installed")


def shipped_stack(tmp: lwtest.Scratch):
    """The shipped watchlist against the fixture feeds (as test_shipped_config), API on a free
    port serving this tree's web/; returns (daemon, db, config path, base URL)."""
    feed = shipped.start_feed(tmp)
    db = tmp.path / "liqwatch.db"
    port = lwtest.free_port()
    cfg = tmp.write("liqwatch.yaml", shipped.local_copy(db, port, feed.base_url))
    daemon = lwtest.start_daemon(tmp, cfg, db, args=("--web-dir", str(lwtest.SOURCE_DIR / "web")))
    return daemon, db, cfg, f"http://127.0.0.1:{port}"


class ShippedWatchlist(unittest.TestCase):
    def test_leads_with_state_in_desk_units_at_desktop_and_phone_width(self):
        skip_without_chromium(self)
        with lwtest.Scratch(self) as tmp:
            daemon, db, cfg, base = shipped_stack(tmp)

            def judged():  # SOFR 3.87% vs IORB 3.65% on 2025-12-31 opens sofr_above_iorb
                daemon.assert_alive()
                try:
                    rules = apitest.get(base + "/api/v1/rules", timeout=2).json()["rules"]
                    srcs = apitest.get(base + "/api/v1/sources", timeout=2).json()["sources"]
                except OSError:
                    return False
                by = {r["name"]: r["instances"][0]["state"] for r in rules}
                polled = all((s["health"] or {}).get("last_success_at")
                             for src in srcs for s in src["series"])
                return polled and by["sofr_above_iorb"] == by["rrp_spike"] == "firing"
            lwtest.wait_for(judged, 120, "shipped rules judged", on_timeout=daemon.log_tail)
            sofr_alert = apitest.get(base + "/api/v1/alerts?rule=sofr_above_iorb").json()["alerts"][0]

            with cdp.Browser() as b:
                for width, height, mobile in WIDTHS:
                    b.open(base + "/", width, height, mobile)
                    self.assertEqual(b.evaluate("document.body.dataset.renderStatus"), "ok",
                                     b.stderr()[-2000:])
                    shot = tmp.path / f"dashboard-{width}.png"
                    b.screenshot(shot)
                    full = tmp.path / f"dashboard-{width}-full.png"
                    b.screenshot(full, full_page=True)
                    tmp.keep(shot, full)
                    layout = b.evaluate(LAYOUT)
                    self.assertEqual(layout["inner_width"], width)
                    self.assertLessEqual(layout["scroll_width"], width,
                                         f"horizontal overflow at {width}px: {layout}")
                    self.assertIsNotNone(layout["first_alert_bottom"], "no firing card")
                    self.assertLessEqual(layout["first_alert_bottom"], height,
                                         f"first firing alert below the fold at {width}px: {layout}")
                    self.assertLess(layout["gauges_top"], layout["charts_top"], layout)

                # Firing now: severity first, one card per rule, desk units.
                cards = b.evaluate("[...document.querySelectorAll('#firing .alert-card')].map("
                                   "c => ({rule: c.dataset.rule, cls: c.className, text: c.innerText}))")
                # Each card has its alert's own severity, not the rule's highest level:
                # sofr_above_iorb fires at warning on 2025-12-31 (22bp), rrp_spike at info
                # (the year-end spike is seasonal); nothing is critical.
                self.assertEqual(cards[0]["cls"], "alert-card warning", cards)
                sofr_card = next(c for c in cards if c["rule"] == "sofr_above_iorb")
                self.assertEqual(sofr_card["cls"], "alert-card warning", sofr_card)
                self.assertEqual(next(c for c in cards if c["rule"] == "rrp_spike")["cls"],
                                 "alert-card info")
                rrp = next(c for c in cards if c["rule"] == "rrp_spike")
                self.assertIn("$100.1bn", rrp["text"])  # ON RRP 100.1 (US$ bn) on 2025-12-31
                self.assertIn("firing", b.evaluate("document.getElementById('verdict').textContent"))

                # Gauges in desk units with a regime.
                gauges = {g["id"]: g for g in b.evaluate(
                    "[...document.querySelectorAll('.gauge')].map(g => ({id: g.dataset.series, "
                    "regime: g.dataset.regime, value: g.querySelector('.value').textContent}))")}
                for gid in ("sofr_iorb", "sofr_top", "reserves", "tga", "rrp", "srf",
                            "hy_oas"):
                    self.assertIn(gid, gauges)
                self.assertRegex(gauges["reserves"]["value"], r"^\$\d\.\d{3}tn$")
                self.assertEqual(gauges["tga"]["value"], "$872.9bn")  # DTS close 2025-12-31
                self.assertRegex(gauges["hy_oas"]["value"], r"^\d+bp$")
                self.assertEqual(gauges["rrp"]["regime"], "info")  # rrp_spike firing
                self.assertEqual(gauges["reserves"]["regime"], "normal")
                # A derived spread, served by the API, in bp: SOFR 3.87% - IORB 3.65%.
                self.assertEqual(gauges["sofr_iorb"]["value"], "22bp")
                self.assertEqual(gauges["sofr_iorb"]["regime"], "warning")
                # Each gauge shows the API's display string, character for character.
                api_series = {gid: apitest.get(base + "/api/v1/series/" + gid).json()
                              for gid in gauges}
                for gid, g in gauges.items():
                    self.assertEqual(g["value"], api_series[gid]["latest"]["value_display"], gid)
                self.assertAlmostEqual(api_series["sofr_iorb"]["latest"]["value"], 0.22)  # a number
                self.assertEqual(api_series["sofr_iorb"]["unit_display"], "bp")
                # The browser has no value formatter left, only axis ticks.
                self.assertEqual(b.evaluate("Object.keys(Desk).sort().join(',')"), "tick,updatedAt")
                # The firing card's value is the rule instance's display string.
                api_rules = {r["name"]: r for r in
                             apitest.get(base + "/api/v1/rules").json()["rules"]}
                sofr_rule = api_rules["sofr_above_iorb"]
                self.assertEqual(sofr_rule["last_value_display"], "22bp")
                # The seasonal condition is shown as written (null where a rule has none).
                self.assertEqual(api_rules["rrp_spike"]["seasonal"], "quarter_end(3bd)")
                self.assertIsNone(sofr_rule["seasonal"])
                card_value = b.evaluate("document.querySelector('#firing .alert-card"
                                        "[data-rule=\"sofr_above_iorb\"] .value').textContent")
                self.assertEqual(card_value, sofr_rule["last_value_display"])
                # Recent alerts: the value and level columns are the alerts' display strings.
                table = b.evaluate("document.getElementById('alerts').innerText")
                self.assertEqual(sofr_alert["value_display"], "22bp")
                self.assertIn(sofr_alert["opened_at_display"], table)
                self.assertRegex(sofr_alert["opened_at_display"], r"^\d{4}-\d\d-\d\d \d\d:\d\d ET$")

                # Charts: rule levels (also from expression rules), firing periods, calendar.
                def chart(sid: str) -> dict:
                    return b.evaluate(f"""(() => {{ const c = document.querySelector(
                        '.chart[data-series="{sid}"]'); return {{
                        levels: [...c.querySelectorAll('.level')].map(l => l.getAttribute('class')),
                        labels: [...c.querySelectorAll('svg > text')].map(t => t.firstChild.nodeValue),
                        releases: [...c.querySelectorAll('.release title')].map(t => t.textContent),
                        firing: c.querySelectorAll('.firing-period').length,
                        fomc: c.querySelectorAll('.fomc').length,
                        month_ends: c.querySelectorAll('.month-end').length,
                        latest: (c.querySelector('.latest') || {{}}).textContent}}; }})()""")
                spread = chart("sofr_iorb")  # derived: levels of an expression rule in bp
                self.assertIn("level level-warning", spread["levels"])  # sofr_iorb >= 15bp
                self.assertIn("level level-critical", spread["levels"])  # >= 25bp
                self.assertGreaterEqual(spread["firing"], 1, spread)
                self.assertEqual(spread["latest"], "22bp · 2025-12-31")
                # Level labels are the API's: ">= 15bp" from the rule's condition.
                levels = [lv for lv in sofr_rule["levels"] if lv["series"] == "sofr_iorb"]
                self.assertIn({"series": "sofr_iorb", "op": ">=", "value": 0.15,
                               "kind": "warning", "display": "15bp"}, levels)
                for lv in levels:
                    if lv["kind"] != "clear":
                        self.assertIn(lv["op"] + " " + lv["display"], spread["labels"])
                self.assertEqual(spread["releases"], [])  # derived: no release calendar
                reserves = chart("reserves")
                self.assertIn("level level-critical", reserves["levels"])  # reserves < 2850bn
                self.assertIn("level level-clear", reserves["levels"])  # clears > 2900bn
                vix = chart("vix")
                self.assertIn("level level-warning", vix["levels"])  # vix > 25
                rrp_chart = chart("rrp")
                self.assertGreaterEqual(rrp_chart["firing"], 1, rrp_chart)
                sofr = chart("sofr")
                self.assertEqual(sofr["fomc"], 3, sofr)  # 2025-09-17, 10-29 and 12-10
                self.assertGreaterEqual(sofr["month_ends"], 3, sofr)
                self.assertEqual(sofr["latest"], "3.87% · 2025-12-31")
                # Release days: a tick per print at its publication, from the calendar.
                api_sofr = apitest.get(base + "/api/v1/series/sofr").json()
                shown = [r for r in api_sofr["releases"]
                         if r["publication_day"] <= api_sofr["latest"]["date"]]
                self.assertGreaterEqual(len(sofr["releases"]), 60, sofr["releases"][:3])
                self.assertEqual(len(sofr["releases"]), len([
                    r for r in shown if r["publication_day"] >= sofr_first_date(api_sofr)]))
                r = shown[-1]
                self.assertEqual(f"print for {r['date']} published {r['due_display']}",
                                 sofr["releases"][-1])
                self.assertRegex(r["due_display"], r"^\d{4}-\d\d-\d\d 08:00 ET$")
                tga = chart("tga")  # the DTS: published the next business day at 16:00
                self.assertGreater(len(tga["releases"]), 0)
                self.assertIn("16:00 ET", tga["releases"][-1])

                # The detail view of one alert.
                b.open(base + f"/#alert={sofr_alert['id']}", 1440, 900,
                       ready="document.body.dataset.renderStatus !== 'loading' && "
                             "!document.getElementById('detail').hidden")
                detail = b.evaluate("document.getElementById('detail').innerText")
                self.assertIn("sofr_above_iorb", detail)
                self.assertIn("Timeline", detail)
                self.assertIn("liqwatch silence add --rule sofr_above_iorb --for 4h", detail)
                self.assertIn("Why it matters", detail)
                self.assertIn("sofr_iorb = 22bp (sofr 3.87%, iorb 3.65%) >= 15bp", detail)
                # One click silences it through the API (loopback, no token: allowed, audited).
                b.evaluate("document.getElementById('silence-button').click()")
                lwtest.wait_for(lambda: "silenced until" in b.evaluate(
                    "document.getElementById('silence-result').textContent"), 10, "silenced")
                audit = apitest.get(base + "/api/v1/audit").json()["audit"]
                self.assertEqual((audit[0]["action"], audit[0]["detail"]["rule"]),
                                 ("silence.add", "sofr_above_iorb"), audit)
                shot = tmp.path / "dashboard-alert-detail.png"
                b.screenshot(shot)
                tmp.keep(shot)
                self.assertEqual(b.console_errors(), [], "console errors")
            self.assertEqual(daemon.terminate(), 0)


class Episode(unittest.TestCase):
    def test_threshold_rule_draws_its_level_and_markers(self):
        skip_without_chromium(self)
        with lwtest.Scratch(self) as tmp:
            st = apitest.Stack(tmp)
            st.run_episode()
            for asset in ["index.html", "app.js", "format.js", "style.css"]:
                self.assertEqual(st.get("/" + asset).status, 200, asset)
            with cdp.Browser() as b:
                b.open(st.base + "/", 1440, 900)
                self.assertEqual(b.evaluate("document.body.dataset.renderStatus"), "ok")
                sofr = b.evaluate("""(() => { const c = document.querySelector(
                    '.chart[data-series="sofr"]'); return {
                    levels: c.querySelectorAll('.level').length,
                    opened: c.querySelectorAll('.marker.opened').length,
                    resolved: c.querySelectorAll('.marker.resolved').length,
                    shaded: c.querySelectorAll('.firing-period').length}; })()""")
                self.assertEqual(sofr, {"levels": 2, "opened": 1, "resolved": 1, "shaded": 1})
                alerts = b.evaluate("document.getElementById('alerts').innerText")
                self.assertIn("sofr_above_4_30", alerts)
                self.assertIn("4.27%\t4.30%", alerts)  # value and level in percent
                self.assertIn("all clear", b.evaluate("document.getElementById('verdict').textContent"))
                self.assertEqual(b.console_errors(), [])
            self.assertEqual(st.daemon.terminate(), 0)


class FeedsFailing(unittest.TestCase):
    def test_cards_say_feed_failing_with_the_error(self):
        skip_without_chromium(self)
        with lwtest.Scratch(self) as tmp:
            with socket.socket() as s:  # a port nothing listens on
                s.bind(("127.0.0.1", 0))
                dead = f"http://127.0.0.1:{s.getsockname()[1]}"
            db = tmp.path / "liqwatch.db"
            port = lwtest.free_port()
            cfg = tmp.write("liqwatch.yaml", lwtest.daemon_config(
                db, f"127.0.0.1:{port}", lwtest.fred_source_yaml(dead),
                series=lwtest.SOFR_SERIES + lwtest.fred_series_yaml("iorb", "IORB"),
                rules=lwtest.threshold_rule_yaml("sofr_above_4_30", "4.30"),
                notifiers=lwtest.webhook_notifier_yaml("sink", dead + "/hook")))
            daemon = lwtest.start_daemon(tmp, cfg, db,
                                         args=("--web-dir", str(lwtest.SOURCE_DIR / "web")))
            base = f"http://127.0.0.1:{port}"

            def failing():
                daemon.assert_alive()
                try:
                    srcs = apitest.get(base + "/api/v1/sources", timeout=2).json()["sources"]
                except (OSError, ValueError):
                    return False
                return all((s["health"] or {}).get("consecutive_failures", 0) > 0
                           for src in srcs for s in src["series"])
            lwtest.wait_for(failing, 30, "every series failing", on_timeout=daemon.log_tail)
            with cdp.Browser() as b:
                b.open(base + "/", 390, 844, mobile=True)
                feeds = b.evaluate("document.getElementById('feeds').innerText")
                self.assertIn("feed failing", feeds)
                self.assertIn("sofr", feeds)
                self.assertIn("Last data received never", feeds)
                cards = b.evaluate("[...document.querySelectorAll('.chart .empty')].map(e => e.textContent)")
                self.assertEqual(cards, ["feed failing: no data received"] * 2)
                self.assertNotIn("no data yet", b.evaluate("document.body.innerText"))
                self.assertLessEqual(b.evaluate("document.documentElement.scrollWidth"), 390)
                shot = tmp.path / "dashboard-feeds-failing-390.png"
                b.screenshot(shot)
                tmp.keep(shot)
                self.assertEqual(b.console_errors(), [])
            ready = apitest.get(base + "/readyz")
            self.assertEqual(ready.status, 503)
            self.assertIn("every feed failing: the last poll of all 2 series failed",
                          ready.json()["error"]["message"])
            self.assertEqual(daemon.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
