"""ETF flows end to end: the real `liqwatch run` polls Farside-format BTC and ETH tables and
ICI's weekly net issuance table from the loopback fixture server, with request headers (one of
them a secret reference), then gets Farside's Cloudflare 403 challenge.

Checks: tickers and Total stored in USD bn; the partial newest day (only one fund reported,
Total = its figure) is stored provisional and no rule fires on it, whatever its size; the headers
reach the server and the secret value never reaches the log or the database; the 403 challenge
is reported as "blocked by the site" and the stored data is unchanged.
Fixtures: tests/fixtures/farside/{btc,eth}.html, tests/fixtures/ici/etf_net_issuance.html.

Issuer page: the iShares IBIT product page (synthetic, tests/fixtures/ishares/ibit.html) gives
shares outstanding and NAV dated by the page's as-of date; the next day's page (2,000,000 more
shares) makes the derived flow change(ibit_shares, 1) * ibit_nav = +$122.46mn fire a rule; a
page whose shares data point moved is a layout change naming the data-id, data intact.
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402

FIXTURES = lwtest.SOURCE_DIR / "tests/fixtures"
SECRET = "tok-9f3e2a7c-never-logged"


def flows_config(db: Path, url: str) -> str:
    return lwtest.storage_yaml(db) + f"""\
sources:
  farside: {{type: html_table, preset: farside_btc, base_url: "{url}", timeout: 5s,
             requests_per_second: 50,
             headers: {{User-Agent: "Mozilla/5.0 (desk test)", Accept: "text/html",
                        X-Desk-Token: "${{env:LIQWATCH_TEST_DESK_TOKEN}}"}}}}
  farside_eth: {{type: html_table, preset: farside_eth, base_url: "{url}", timeout: 5s,
                 requests_per_second: 50}}
  ici: {{type: html_table, preset: ici_etf_flows, base_url: "{url}", timeout: 5s,
         requests_per_second: 50}}
series:
  - {{id: btc_etf_total, source: farside, remote_id: Total, unit: usd_mn, interval: 1s}}
  - {{id: btc_etf_ibit, source: farside, remote_id: IBIT, unit: usd_mn, interval: 1s}}
  - {{id: eth_etf_total, source: farside_eth, remote_id: Total, unit: usd_mn, interval: 1s}}
  - {{id: ici_equity, source: ici, remote_id: Equity, unit: usd_mn, interval: 1s}}
  - {{id: ici_total, source: ici, remote_id: Total, unit: usd_mn, interval: 1s}}
rules:
  # Would fire on the partial 09 Jul BTC day (97.6mn > 50mn) and 08 Jul ETH day (-64.3mn).
  - {{name: btc_inflow_50m, expr: btc_etf_total > 50mn}}
  - {{name: eth_outflow_50m, expr: eth_etf_total < -50mn}}
  - {{name: equity_redemptions, expr: ici_equity < -5bn}}
"""


def rows(db: Path, series: str) -> dict:
    return {r[0]: (r[1], r[2]) for r in lwtest.db_query(
        db, "SELECT obs_date, value, provisional FROM observations WHERE series = ?",
        (series,))}


class EtfFlows(unittest.TestCase):
    def test_farside_btc_eth_and_ici_with_headers_then_blocked(self):
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_feed(tmp, tmp.path / "data")
            feed.body("/eth/", (FIXTURES / "farside/eth.html").read_text(),
                      "text/html; charset=UTF-8")
            feed.body("/research/stats/etf_flows",
                      (FIXTURES / "ici/etf_net_issuance.html").read_text(),
                      "text/html; charset=UTF-8")
            db = tmp.path / "liqwatch.db"
            cfg = tmp.write("liqwatch.yaml", flows_config(db, feed.base_url))
            check = lwtest.run_cli("check-config", "--config", cfg,
                                   env={"LIQWATCH_TEST_DESK_TOKEN": SECRET})
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
            daemon = lwtest.start_daemon(tmp, cfg, db, env={"LIQWATCH_TEST_DESK_TOKEN": SECRET})

            series = ("btc_etf_total", "btc_etf_ibit", "eth_etf_total", "ici_equity", "ici_total")

            def all_stored():
                daemon.assert_alive()
                return all(rows(db, s) for s in series)
            lwtest.wait_for(all_stored, 30, "every flow series stored", on_timeout=daemon.log_tail)

            btc = rows(db, "btc_etf_total")
            self.assertAlmostEqual(btc["2026-07-08"][0], -0.0849, places=9)  # -84.9mn, final
            self.assertEqual(btc["2026-07-08"][1], 0)
            self.assertAlmostEqual(btc["2026-07-09"][0], 0.0976, places=9)  # IBIT only
            self.assertEqual(btc["2026-07-09"][1], 1, "partial day stored provisional")
            eth = rows(db, "eth_etf_total")
            self.assertAlmostEqual(eth["2026-07-06"][0], -0.2715, places=9)
            self.assertEqual(eth["2026-07-08"][1], 1)
            ici = rows(db, "ici_equity")
            self.assertEqual(len(ici), 5)
            self.assertAlmostEqual(ici["2024-02-07"][0], -7.461, places=9)
            self.assertAlmostEqual(rows(db, "ici_total")["2024-02-14"][0], 23.114, places=9)

            # The partial Farside days fire nothing, however large. (A rule never evaluated
            # starts at the newest final value: 08 Jul for BTC, 07 Jul for ETH, 2/21 for ICI.)
            def judged():
                daemon.assert_alive()
                return lwtest.db_query(db, "SELECT count(*) FROM rule_memory")[0][0] >= 3
            lwtest.wait_for(judged, 20, "every rule judged", on_timeout=daemon.log_tail)
            fired = [r[0] for r in lwtest.db_query(db, "SELECT DISTINCT rule FROM alert_events")]
            self.assertNotIn("btc_inflow_50m", fired)
            self.assertNotIn("eth_outflow_50m", fired)
            states = dict(lwtest.db_query(db, "SELECT rule, last_obs_date FROM rule_memory"))
            self.assertEqual(states.get("btc_inflow_50m"), "2026-07-08",
                             "judged up to the last final day, not the provisional one")
            self.assertEqual(states.get("eth_outflow_50m"), "2026-07-07")

            # Headers reached the server, the secret one included.
            sent = [r for r in feed.requests() if r["path"] == "/btc/"]
            self.assertTrue(sent)
            headers = {k.lower(): v for k, v in sent[-1]["headers"].items()}
            self.assertEqual(headers.get("user-agent"), "Mozilla/5.0 (desk test)")
            self.assertEqual(headers.get("accept"), "text/html")
            self.assertEqual(headers.get("x-desk-token"), SECRET)

            # Cloudflare's challenge: blocked by the site, not a layout change; data kept.
            before = rows(db, "btc_etf_total")
            feed.fault("/btc/", "403", count=-1)
            lwtest.wait_source_error(daemon, db, "btc_etf_total",
                                     "blocked by the site: HTTP 403 bot challenge (Cloudflare)")
            self.assertEqual(rows(db, "btc_etf_total"), before)
            last = lwtest.source_health(db, "btc_etf_total")["last_error"]
            self.assertNotIn("XPath", last)  # what a layout change reads
            self.assertNotIn("expected column", last)
            self.assertEqual(daemon.terminate(), 0)
            self.assertNotIn(SECRET, daemon.log())
            self.assertNotIn(SECRET.encode(), db.read_bytes())

    def test_ishares_shares_and_nav_make_a_derived_flow(self):
        ibit_path = "/us/products/333011/ishares-bitcoin-trust-etf"
        page = (FIXTURES / "ishares/ibit.html").read_text()
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_feed(tmp, tmp.path / "data")
            feed.body(ibit_path, page, "text/html; charset=UTF-8")
            db = tmp.path / "liqwatch.db"
            cfg = tmp.write("liqwatch.yaml", lwtest.storage_yaml(db) + f"""\
sources:
  ibit: {{type: html_table, preset: ishares_ibit, base_url: "{feed.base_url}", timeout: 5s,
          requests_per_second: 50}}
series:
  - {{id: ibit_shares, source: ibit, remote_id: shares_outstanding, unit: count, interval: 1s}}
  - {{id: ibit_nav, source: ibit, remote_id: nav, unit: usd, interval: 1s}}
derived:
  - {{id: ibit_flow, expr: "change(ibit_shares, 1) * ibit_nav"}}
rules:
  - {{name: ibit_inflow_100m, expr: ibit_flow > 100mn}}
""")
            check = lwtest.run_cli("check-config", "--config", cfg)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
            daemon = lwtest.start_daemon(tmp, cfg, db)

            def stored():
                daemon.assert_alive()
                return rows(db, "ibit_shares") and rows(db, "ibit_nav")
            lwtest.wait_for(stored, 30, "shares and NAV stored", on_timeout=daemon.log_tail)
            self.assertEqual(rows(db, "ibit_shares"), {"2026-09-30": (1318000000.0, 0)})
            nav = rows(db, "ibit_nav")
            self.assertEqual(list(nav), ["2026-09-30"])  # dated by the as-of, not today
            self.assertAlmostEqual(nav["2026-09-30"][0] * 1e9, 61.23, places=6)  # stored usd_bn

            # The next business day's page: 2,000,000 shares created at NAV $61.23.
            feed.body(ibit_path, page.replace("Sep 30, 2026", "Oct 01, 2026")
                      .replace(">1,318,000,000<", ">1,320,000,000<"), "text/html; charset=UTF-8")

            def fired():
                daemon.assert_alive()
                return lwtest.db_query(
                    db, "SELECT value, obs_date FROM alert_events WHERE rule = ? AND kind = ?",
                    ("ibit_inflow_100m", "firing"))
            event = lwtest.wait_for(fired, 30, "derived flow fires", on_timeout=daemon.log_tail)[0]
            self.assertEqual(event["obs_date"], "2026-10-01")
            self.assertAlmostEqual(event["value"], 0.12246, places=9)  # US$ bn: 2e6 x 61.23
            self.assertEqual(rows(db, "ibit_shares")["2026-10-01"], (1320000000.0, 0))

            # The data point moved: a layout change naming it; nothing lost.
            before = rows(db, "ibit_shares")
            feed.body(ibit_path, page.replace("keyFundFacts-sharesOutstanding-data",
                                              "keyFundFacts-sharesOut-data"),
                      "text/html; charset=UTF-8")
            lwtest.wait_source_error(
                daemon, db, "ibit_shares",
                "ibit: shares_outstanding value XPath "
                "'//*[@data-id='keyFundFacts-sharesOutstanding-data']' matched no element")
            self.assertEqual(rows(db, "ibit_shares"), before)
            self.assertEqual(daemon.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
