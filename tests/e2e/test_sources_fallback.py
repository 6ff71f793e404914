"""One logical series fed by two sources: the NY Fed's same-day SOFR (primary) with FRED's copy
behind it (`fallback:`), over real loopback HTTP (tests/fixtures/feedserver.py serves both, from
the same SOFR data).

The NY Fed is down (its base URL answers 404 at first): FRED's print for 2025-10-28 (4.31%,
16bp over IORB's 4.15%) is stored with provenance `fred` and judged like any print, and the
spread rule's one alert goes out. Then the NY Fed comes back (the config points at it again,
SIGHUP reloads) with the same print: the stored value's provenance moves to `nyfed` and nothing
more is sent.

Environment: see lwtest.py (LIQWATCH_BIN, LIQWATCH_ARTIFACTS).
"""

import signal
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402

def fallback_config(db: Path, feed_url: str, nyfed_url: str, sink_url: str, api_port: int) -> str:
    sources = lwtest.section_yaml(
        "sources",
        lwtest.mapping_entry_yaml("fred", type="fred", graph_url=feed_url, timeout="5s",
                                  requests_per_second=50),
        lwtest.mapping_entry_yaml("nyfed", type="nyfed", base_url=nyfed_url, timeout="5s",
                                  requests_per_second=50))
    series = (
        "  - {id: sofr, source: nyfed, remote_id: sofr, unit: percent, interval: 1s,\n"
        "     fallback: {source: fred, remote_id: SOFR, unit: percent}}\n"
        + lwtest.fred_series_yaml("iorb", "IORB"))
    rules = ("  - name: sofr_above_iorb\n"
             "    expr: sofr - iorb >= 15bp\n"
             "    clear: sofr - iorb < 10bp\n"
             "    notify: [sink]\n")
    return lwtest.daemon_config(db, f"127.0.0.1:{api_port}", sources, series, rules,
                                lwtest.webhook_notifier_yaml("sink", sink_url, timeout="5s"))


def stored_source(db: Path, date: str):
    row = lwtest.observation(db, "sofr", date)
    return row["source"] if row is not None else None


class FallbackSource(unittest.TestCase):
    def test_fallback_delivers_when_the_primary_is_down_and_the_primary_raises_nothing_more(self):
        with lwtest.Scratch(self) as tmp:
            data = tmp.path / "data"
            lwtest.copy_series(data, "SOFR", since="2025-10-01")
            lwtest.copy_series(data, "IORB", since="2025-10-01")
            feed = lwtest.start_feed(tmp, data)
            feed.until("SOFR", "2025-10-27")
            sink = tmp.enter(lwtest.Sink())
            db = tmp.path / "liqwatch.db"
            port = lwtest.free_port()
            down = feed.base_url + "/down"  # every NY Fed request: 404
            cfg = tmp.write("liqwatch.yaml",
                            fallback_config(db, feed.base_url, down, sink.url, port))
            daemon = lwtest.start_daemon(tmp, cfg, db)
            diag = daemon.log_tail

            # FRED backfills the series while the NY Fed answers 503.
            lwtest.wait_observation(daemon, db, "sofr", "2025-10-27")
            self.assertEqual(stored_source(db, "2025-10-27"), "fred")
            self.assertEqual(stored_source(db, "2025-10-01"), "fred")

            # FRED publishes 10-28: one alert, from FRED's print.
            feed.until("SOFR", "2025-10-28")
            [post] = sink.wait_for_requests(1, 20, on_timeout=diag)
            self.assertEqual(post.json["rule"], "sofr_above_iorb")
            self.assertEqual(post.json["observation_date"], "2025-10-28")
            self.assertEqual(post.json["state"], "firing")
            self.assertIn("from fred", post.json["message"])
            self.assertEqual(stored_source(db, "2025-10-28"), "fred")
            shown = lwtest.cli_json("series", "sofr", "--db", db, "--format", "json")
            self.assertEqual([o["source"] for o in shown if o["date"] == "2025-10-28"], ["fred"])
            health = {h["series"] for h in lwtest.cli_json("status", "--db", db, "--format",
                                                            "json")["sources"]}
            self.assertIn("sofr@fred", health)

            # The NY Fed comes back with the same print: it takes the date over, nothing is sent.
            tmp.write("liqwatch.yaml",
                      fallback_config(db, feed.base_url, feed.base_url, sink.url, port))
            daemon.proc.send_signal(signal.SIGHUP)
            lwtest.wait_for(lambda: stored_source(db, "2025-10-28") == "nyfed", 20,
                            "the NY Fed's print of 2025-10-28 stored", on_timeout=diag)
            time.sleep(3)  # further polls of both sources
            daemon.assert_alive()
            self.assertEqual(len(sink.requests()), 1, [r.json for r in sink.requests()])
            kinds = [r["kind"] for r in lwtest.db_query(
                db, "SELECT kind FROM alert_events WHERE kind NOT IN ('no_data', 'inactive') "
                    "ORDER BY id")]
            self.assertEqual(kinds, ["firing"])  # no second alert, no resolve-and-refire
            self.assertEqual(lwtest.db_query(
                db, "SELECT count(*) AS n FROM observation_revisions WHERE series = 'sofr'")[0]["n"], 0)
            self.assertAlmostEqual(lwtest.observation(db, "sofr", "2025-10-28")["value"], 4.31,
                                   places=9)


if __name__ == "__main__":
    unittest.main()
