"""Every keyless feed type against the loopback fixture server, with faults.

The real `liqwatch run` polls NY Fed (SOFR rate, 99th percentile and volume as separate series,
SRF operations summed per day and kept per operation, ON RRP), the Treasury DTS TGA closing
balance (millions -> billions), Fear & Greed and the Farside table (preset farside_btc). Then
faults are injected and `liqwatch status` / source_health.last_error must name them while the
stored observations stay unchanged. `liqwatch fetch` and `liqwatch series` are checked too.
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402


def feeds_config(db: Path, url: str) -> str:
    return lwtest.storage_yaml(db) + f"""\
sources:
  nyfed: {{type: nyfed, base_url: "{url}", timeout: 5s, requests_per_second: 50}}
  treasury: {{type: treasury_dts, base_url: "{url}", timeout: 5s, requests_per_second: 50}}
  fng: {{type: fear_greed, base_url: "{url}", timeout: 5s, requests_per_second: 50}}
  farside: {{type: html_table, preset: farside_btc, base_url: "{url}", timeout: 5s,
             requests_per_second: 50}}
series:
  - {{id: sofr, source: nyfed, remote_id: sofr, unit: percent, interval: 1s}}
  - {{id: sofr_p99, source: nyfed, remote_id: sofr, field: percentPercentile99, unit: percent,
     interval: 1s}}
  - {{id: sofr_volume, source: nyfed, remote_id: sofr, field: volumeInBillions, unit: usd_bn,
     interval: 1s}}
  - {{id: srf, source: nyfed, remote_id: repo, unit: usd, interval: 1s}}
  - {{id: rrp, source: nyfed, remote_id: reverserepo, unit: usd, interval: 1s}}
  - {{id: tga, source: treasury, remote_id: tga, unit: usd_mn, interval: 1s}}
  - {{id: fng, source: fng, remote_id: fng, unit: index, interval: 1s}}
  - {{id: btc_etf_total, source: farside, remote_id: Total, unit: usd_mn, interval: 1s}}
"""


def snapshot(db: Path, series: str) -> list:
    return [tuple(r) for r in lwtest.db_query(
        db, "SELECT obs_date, value FROM observations WHERE series = ? ORDER BY obs_date",
        (series,))]


class SourcesFeeds(unittest.TestCase):
    def test_every_feed_type_then_faults(self):
        with lwtest.Scratch(self) as tmp:
            data = tmp.path / "data"
            for s in ("SOFR", "RRPONTSYD"):
                lwtest.copy_series(data, s)
            lwtest.copy_feed_file(data, "DTS_OPERATING_CASH_BALANCE_rows.csv")
            feed = lwtest.start_feed(tmp, data)
            db = tmp.path / "liqwatch.db"
            cfg = tmp.write("liqwatch.yaml", feeds_config(db, feed.base_url))

            # fetch: polls once, prints, stores nothing.
            out = lwtest.run_cli("fetch", "--config", cfg, "--series", "srf")
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertIn("srf (nyfed):", out.stdout)
            self.assertIn("per-operation values", out.stdout)
            self.assertFalse(db.exists(), "fetch must not create or write the database")

            daemon = lwtest.start_daemon(tmp, cfg, db)

            def all_stored():
                daemon.assert_alive()
                return all(snapshot(db, s) for s in (
                    "sofr", "sofr_p99", "sofr_volume", "srf", "rrp", "tga", "fng",
                    "btc_etf_total"))
            lwtest.wait_for(all_stored, 30, "every series stored", on_timeout=daemon.log_tail)

            sofr = dict(snapshot(db, "sofr"))
            self.assertAlmostEqual(sofr["2025-10-28"], 4.31, places=9)
            self.assertGreater(dict(snapshot(db, "sofr_p99"))["2025-10-28"], 4.31)
            # SRF: 2025-12-11 had a 3.0bn and a 1.5bn operation; stored in USD billions.
            self.assertAlmostEqual(dict(snapshot(db, "srf"))["2025-12-11"], 4.5, places=9)
            self.assertAlmostEqual(dict(snapshot(db, "srf:op:RP 121125 1"))["2025-12-11"], 3.0)
            # TGA above $1tn on 2025-10-30 (published in millions).
            tga = dict(snapshot(db, "tga"))
            self.assertGreater(tga["2025-10-30"], 1000)
            self.assertLess(tga["2025-10-30"], 1200)
            unit = lwtest.db_query(db, "SELECT DISTINCT unit FROM observations WHERE series='tga'")
            self.assertEqual([r[0] for r in unit], ["usd_bn"])
            rrp = dict(snapshot(db, "rrp"))
            self.assertTrue(rrp)

            # series CLI: unit and revisions.
            rows = lwtest.cli_json("series", "tga", "--db", db, "--format", "json")
            self.assertTrue(rows)
            self.assertEqual(set(rows[0]), {"series", "date", "value", "unit", "provisional",
                                            "fetched_at", "updated_at", "source", "revisions"})
            self.assertEqual(rows[0]["unit"], "usd_bn")
            self.assertEqual(rows[0]["source"], "treasury")  # provenance: the config source
            typo = lwtest.run_cli("series", "tgaa", "--db", str(db))
            self.assertEqual(typo.returncode, 1)
            self.assertIn("no observations of 'tgaa' are stored", typo.stderr)
            recent = lwtest.run_cli("series", "tga", "--db", str(db), "--since", "2099-01-01")
            self.assertEqual((recent.returncode, recent.stdout.strip().splitlines()[-1]),
                             (0, "(no observations)"))

            # Faults: each is reported in source_health and status, data unchanged.
            faults = [
                ("/services/api/fiscal_service", "500", "tga", "HTTP 500"),
                ("/btc/", "403", "btc_etf_total", "blocked by the site: HTTP 403 bot challenge"),
                ("/fng/", "garbage", "fng", "Fear&Greed"),
                ("/api/rp/results/search.json", "truncate", "srf", "srf"),
            ]
            for prefix, kind, series, expected in faults:
                before = snapshot(db, series)
                feed.fault(prefix, kind, count=2)
                lwtest.wait_source_error(daemon, db, series, expected, timeout=20)
                self.assertEqual(snapshot(db, series), before)
                status = lwtest.cli_json("status", "--db", db, "--format", "json")
                self.assertIn("deliveries", status)
            self.assertIn("event=poll_failed", daemon.log())
            self.assertEqual(daemon.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
