"""ETF flows end to end: the real `liqwatch run` polls Farside-format BTC and ETH tables and
ICI's weekly net issuance table from the loopback fixture server, with request headers (one of
them a secret reference), then gets Farside's Cloudflare 403 challenge.

Checks: tickers and Total stored in USD bn; the partial newest day (only one fund reported,
Total = its figure) is stored provisional and no rule fires on it, whatever its size; the headers
reach the server and the secret value never reaches the log or the database; the 403 challenge
is reported as "blocked by the site" and the stored data is unchanged.
Fixtures: tests/fixtures/farside/{btc,eth}.html, tests/fixtures/ici/etf_net_issuance.html.
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


if __name__ == "__main__":
    unittest.main()
