"""The shipped watchlist (config/liqwatch.yaml) runs as a daemon.

The test copies config/liqwatch.yaml to a temporary folder and changes only what must point
somewhere else here: the database path, the API listen address, every source's base URL (the
loopback fixture server, which speaks FRED's fredgraph.csv, the NY Fed Markets API JSON and the
Treasury Fiscal Data DTS JSON) and the request rate. Series, windows, derived series and rules
stay as shipped. It then asserts that every series gets data and that every rule instance is
evaluated on data: `liqwatch rules --format json` shows a last_observation_date (the daemon
judged it and kept its memory) and a level other than no_data.

Feed data: the real Sep-Dec 2025 observations of tests/testdata/feeds, plus the synthetic
stand-ins of tests/testdata/synthetic (README there) for the four FRED series no real copy was
found for. NY Fed SOFR percentiles and volume and the SRF operation amounts are the feed
server's documented synthetic values (tests/fixtures).
"""

import re
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402

SHIPPED = lwtest.SOURCE_DIR / "config" / "liqwatch.yaml"
SYNTHETIC = lwtest.SOURCE_DIR / "tests" / "testdata" / "synthetic"
# FRED ids with no real copy in tests/testdata/feeds; served from tests/testdata/synthetic.
SYNTHETIC_FRED = {"RPONTTLD", "BAMLH0A3HYC", "NASDAQCOM", "CBBTCUSD"}


def replace_once(text: str, pattern: str, repl: str) -> str:
    """re.sub that must match exactly once, so a reshaped shipped config fails here, by name,
    instead of silently polling the real internet."""
    out, n = re.subn(pattern, repl, text, flags=re.M)
    if n != 1:
        raise AssertionError(f"config/liqwatch.yaml: expected one match of {pattern!r}, "
                             f"found {n}")
    return out


def local_copy(db: Path, api_port: int, feed_url: str) -> str:
    text = SHIPPED.read_text()
    text = replace_once(text, r"^  path: .*$", f"  path: {db}")
    text = replace_once(text, r"^  listen: .*$", f"  listen: 127.0.0.1:{api_port}")
    text = replace_once(text, r"^    base_url: https://api\.stlouisfed\.org.*$",
                        f"    base_url: {feed_url}")
    text = replace_once(text, r"^    graph_url: https://fred\.stlouisfed\.org.*$",
                        f"    graph_url: {feed_url}")
    for kind in ("nyfed", "treasury_dts"):
        text = replace_once(text, rf"^    type: {kind}\b.*$",
                            f"    type: {kind}\n    base_url: {feed_url}")
    text, n = re.subn(r"^    requests_per_second: \d+.*$", "    requests_per_second: 50",
                      text, flags=re.M)
    if n != 3:
        raise AssertionError(f"expected 3 sources with requests_per_second, found {n}")
    if "https://" in re.sub(r"#.*$", "", text, flags=re.M):
        raise AssertionError("a source still points at the internet:\n" + text)
    return text


def start_feed(tmp: lwtest.Scratch) -> lwtest.FeedServer:
    """The loopback feed server with every series the shipped config reads: the real copies
    of tests/testdata/feeds, the synthetic stand-ins for SYNTHETIC_FRED, and the DTS rows."""
    data = tmp.path / "data"
    for fred_id in sorted(fred_ids(SHIPPED.read_text())):
        lwtest.copy_series(data, fred_id, src_dir=SYNTHETIC if fred_id in SYNTHETIC_FRED else None)
    lwtest.copy_feed_file(data, "DTS_OPERATING_CASH_BALANCE_rows.csv")
    return lwtest.start_feed(tmp, data)


def fred_ids(config_text: str) -> set:
    return set(re.findall(r"source: fred, remote_id: (\w+)", config_text))


def series_ids(config_text: str) -> list:
    return re.findall(r"^  - \{id: (\w+), source:", config_text, flags=re.M)


class ShippedConfig(unittest.TestCase):
    def test_every_series_gets_data_and_every_rule_evaluates(self):
        with lwtest.Scratch(self) as tmp:
            shipped = SHIPPED.read_text()
            feed = start_feed(tmp)
            db = tmp.path / "liqwatch.db"
            cfg = tmp.write("liqwatch.yaml", local_copy(db, lwtest.free_port(), feed.base_url))
            tmp.keep(cfg)

            check = lwtest.run_cli("check-config", "--config", cfg)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
            daemon = lwtest.start_daemon(tmp, cfg, db, log_level="info")

            ids = series_ids(shipped)
            self.assertGreaterEqual(len(ids), 25, ids)

            def missing():
                daemon.assert_alive()
                stored = {r[0] for r in lwtest.db_query(
                    db, "SELECT DISTINCT series FROM observations")}
                return [s for s in ids if s not in stored]

            def all_stored():
                return not missing()
            try:
                lwtest.wait_for(all_stored, 120, "every shipped series stored",
                                on_timeout=daemon.log_tail)
            except AssertionError as e:
                raise AssertionError(f"series without data: {missing()}\n{e}") from None

            # Spot checks in canonical units: the same-day series the rules read.
            sofr = dict(lwtest.db_query(db, "SELECT obs_date, value FROM observations "
                                            "WHERE series='sofr'"))
            self.assertAlmostEqual(sofr["2025-10-28"], 4.31, places=9)
            rrp = dict(lwtest.db_query(db, "SELECT obs_date, value FROM observations "
                                           "WHERE series='rrp'"))
            self.assertAlmostEqual(rrp["2025-10-31"], 51.802, places=6)
            tga = dict(lwtest.db_query(db, "SELECT obs_date, value FROM observations "
                                           "WHERE series='tga'"))
            self.assertAlmostEqual(tga["2025-10-30"], 1000.632, places=6)

            # Every rule instance of the shipped config judged on data.
            expected_rules = re.findall(r"^  - name: (\w+)$", shipped, flags=re.M)
            self.assertIn("stale_feed", expected_rules)

            def rules_now():
                daemon.assert_alive()
                return lwtest.cli_json("rules", "--config", cfg, "--db", db, "--format", "json")

            def not_evaluated():
                return [f"{r['rule']}{{{r['labels']}}}: state {r['state']}, level {r['level']}, "
                        f"{r['message']}" for r in rules_now()
                        if r["last_observation_date"] is None or r["level"] == "no_data"]
            try:
                lwtest.wait_for(lambda: not not_evaluated(), 60, "every rule evaluated",
                                on_timeout=daemon.log_tail)
            except AssertionError as e:
                raise AssertionError("not evaluated:\n  " + "\n  ".join(not_evaluated())
                                     + f"\n{e}") from None
            rows = rules_now()
            self.assertEqual(sorted({r["rule"] for r in rows}), sorted(expected_rules))
            stale = [r for r in rows if r["rule"] == "stale_feed"]
            self.assertEqual(len(stale), 8)
            # The fixture data ends in 2025, so against the wall clock every feed is stale:
            # the age() rule fires for each instance, which shows the timer judged them.
            self.assertTrue(all(r["state"] == "firing" for r in stale), stale)
            # Real data, judged as of its newest date: SOFR 3.87% vs IORB 3.65% on 2025-12-31
            # (the year-end squeeze) opens sofr_above_iorb; the calm VIX does not open vix_spike.
            by_rule = {r["rule"]: r for r in rows if r["rule"] != "stale_feed"}
            self.assertEqual((by_rule["sofr_above_iorb"]["state"],
                              by_rule["sofr_above_iorb"]["as_of"]), ("firing", "2025-12-31"))
            self.assertEqual(by_rule["vix_spike"]["state"], "inactive")
            # `liqwatch status` with the config says, per series, where it stands on its
            # release calendar: the fixture data ends in 2025, so every print is late.
            status = lwtest.cli_json("status", "--db", db, "--config", cfg, "--format", "json")
            fresh = {r["series"]: r["freshness"] for r in status["sources"]}
            self.assertEqual(fresh["sofr"]["state"], "late")
            self.assertRegex(fresh["sofr"]["text"],
                             r"^LATE: \d{4}-\d\d-\d\d print not in by \d{4}-\d\d-\d\d 08:45 ET$")
            self.assertRegex(fresh["tga"]["text"], r" 17:00 ET$")  # DTS 16:00 + 1h grace
            table = lwtest.run_cli("status", "--db", db, "--config", cfg).stdout
            self.assertIn("LATE?", table.splitlines()[0])
            self.assertEqual(daemon.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
