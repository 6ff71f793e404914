"""`liqwatch rules` against a running daemon's database: every rule instance with its stored
state and what it evaluates to now, in table and JSON form.

The daemon polls SOFR and IORB from the feed fixture (real 2025 data) and runs
`sofr_above_iorb` (warn at 15bp, crit at 25bp over the derived sofr_iorb) and `stale_feed`,
fanned out over both series. SOFR is served up to 2025-10-28 (4.31% vs 4.15%: 16bp, warning),
then up to 2025-10-29 (4.27%: 12bp, quiet). The data is a year old, so both stale_feed
instances fire on the wall clock.

Environment: see lwtest.py (LIQWATCH_BIN, LIQWATCH_ARTIFACTS).
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402


def config(db: Path, feed_url: str) -> str:
    derived = lwtest.section_yaml("derived", lwtest.list_item_yaml(id="sofr_iorb",
                                                                   expr="sofr - iorb"))
    rules = (lwtest.list_item_yaml(name="sofr_above_iorb", warn='"sofr_iorb >= 15bp"',
                                   crit='"sofr_iorb >= 25bp"')
             + lwtest.list_item_yaml(name="stale_feed", for_each="[sofr, iorb]",
                                     expr='"age($series) > 4d"', severity="warning"))
    return (lwtest.storage_yaml(db) + lwtest.api_yaml('"off"') + lwtest.fred_source_yaml(feed_url)
            + lwtest.section_yaml("series", lwtest.SOFR_SERIES,
                                  lwtest.fred_series_yaml("iorb", "IORB"))
            + derived + lwtest.section_yaml("rules", rules))


def rules_json(cfg: Path, db: Path) -> dict:
    rows = lwtest.cli_json("rules", "--config", str(cfg), "--db", str(db), "--format", "json")
    return {(r["rule"], r["labels"]): r for r in rows}


class RulesCommand(unittest.TestCase):
    def test_state_and_verdict_now_per_instance(self):
        with lwtest.Scratch(self) as tmp:
            data = lwtest.copy_series(tmp.path / "data", "SOFR", since="2025-09-15")
            lwtest.copy_series(tmp.path / "data", "IORB", since="2025-09-15")
            feed = lwtest.start_feed(tmp, data)
            feed.until("SOFR", "2025-10-28")
            feed.until("IORB", "2025-10-31")
            db = tmp.path / "liqwatch.db"
            cfg = tmp.write("liqwatch.yaml", config(db, feed.base_url))
            daemon = lwtest.start_daemon(tmp, cfg, db)
            lwtest.wait_observation(daemon, db, "sofr", "2025-10-28")
            lwtest.wait_for(lambda: len(lwtest.db_query(db, "SELECT * FROM rule_memory")) == 3,
                            15, "three rule instances evaluated", on_timeout=daemon.log_tail)

            rows = rules_json(cfg, db)
            self.assertEqual(set(rows), {("sofr_above_iorb", ""), ("stale_feed", "series=sofr"),
                                         ("stale_feed", "series=iorb")})
            spread = rows[("sofr_above_iorb", "")]
            self.assertEqual(sorted(spread), sorted([
                "rule", "labels", "series", "severity", "state", "since_date", "alert_id",
                "last_observation_date", "as_of", "level", "value", "message"]))
            self.assertEqual((spread["state"], spread["level"], spread["as_of"],
                              spread["series"], spread["severity"]),
                             ("firing", "warning", "2025-10-28", "sofr_iorb", "critical"))
            self.assertEqual(spread["message"], "sofr_iorb = 16bp (sofr 4.31%, iorb 4.15%) >= 15bp")
            self.assertAlmostEqual(spread["value"], 0.16, places=6)
            self.assertIsInstance(spread["alert_id"], int)
            stale = rows[("stale_feed", "series=iorb")]
            self.assertEqual((stale["state"], stale["level"], stale["series"], stale["as_of"]),
                             ("firing", "warning", "iorb", "2025-10-31"))
            self.assertRegex(stale["message"], r"^age\(iorb\) = \d+d\S* > 4d$")

            # The next SOFR print (12bp) resolves it: stored state and verdict move together.
            feed.until("SOFR", "2025-10-29")
            lwtest.wait_observation(daemon, db, "sofr", "2025-10-29")
            lwtest.wait_for(lambda: rules_json(cfg, db)[("sofr_above_iorb", "")]["state"]
                            == "resolved", 15, "resolved", on_timeout=daemon.log_tail)
            spread = rules_json(cfg, db)[("sofr_above_iorb", "")]
            self.assertEqual((spread["level"], spread["as_of"], spread["message"]),
                             ("ok", "2025-10-29", "sofr_iorb = 12bp (sofr 4.27%, iorb 4.15%) < 15bp"))

            table = lwtest.run_cli("rules", "--config", str(cfg), "--db", str(db))
            self.assertEqual(table.returncode, 0, table.stderr)
            self.assertRegex(table.stdout, r"(?m)^RULE\s+STATE\s+SINCE\s+AS OF\s+NOW\s+VALUE")
            self.assertRegex(table.stdout,
                             r"(?m)^stale_feed\{series=iorb\}\s+firing\s+\S+\s+2025-10-31\s+warning")
            self.assertEqual(daemon.terminate(), 0)

    def test_errors_are_clear(self):
        with lwtest.Scratch(self) as tmp:
            cfg = tmp.write("liqwatch.yaml", config(tmp.path / "none.db", "http://127.0.0.1:1"))
            missing = lwtest.run_cli("rules", "--config", str(cfg), "--db",
                                     str(tmp.path / "missing.db"))
            self.assertEqual(missing.returncode, 1)
            self.assertIn("liqwatch rules: ", missing.stderr)
            self.assertIn("missing.db", missing.stderr)
            bad = lwtest.run_cli("rules", "--config", str(cfg), "--format", "csv")
            self.assertEqual(bad.returncode, 2)
            self.assertIn("liqwatch rules: unknown --format 'csv', expected table or json", bad.stderr)


if __name__ == "__main__":
    unittest.main()
