"""Release-driven polling, end to end: a series with a release calendar and no `interval:` is
polled once at start, then not again until its print is due, and fetched within seconds of the
due time.

A local feed (tests/fixtures/feedserver.py) serves a CSV whose newest row is yesterday (New York
date). The series' `release:` says today's print is due at the next whole minute (New York time,
at least 25 s away). The feed starts serving today's row one second before the due time; the
daemon must store it within a few seconds of it, and must not have asked the feed in between
(a fixed schedule of 1 min, or the csv type's fast interval, would have).

Also: check-config warns when the series on one host poll faster than its rate limit.

Environment: see lwtest.py (LIQWATCH_BIN, LIQWATCH_ARTIFACTS).
"""

import datetime as dt
import sys
import threading
import time
import unittest
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402

NY = ZoneInfo("America/New_York")
CSV_PATH = "/release/feed.csv"


class ReleaseDrivenPolling(unittest.TestCase):
    def test_series_is_fetched_at_its_due_time_and_not_before(self):
        now = dt.datetime.now(NY)
        due = (now + dt.timedelta(seconds=25)).replace(second=0, microsecond=0) \
            + dt.timedelta(minutes=1)
        if due.weekday() >= 5:
            self.skipTest("the release calendar has no due time on a weekend")
        today = due.date()
        yesterday = today - dt.timedelta(days=1)
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_feed(tmp, tmp.path)
            feed.body(CSV_PATH, f"date,value\n{yesterday},1.5\n", "text/csv")
            db = tmp.path / "liqwatch.db"
            cfg = tmp.write("liqwatch.yaml", lwtest.storage_yaml(db) + lwtest.api_yaml('"off"') + f"""\
sources:
  local: {{type: csv, base_url: "{feed.base_url}", path: {CSV_PATH}, date_column: date}}
series:
  - id: printed
    source: local
    remote_id: value
    unit: index
    release: {{time: "{due:%H:%M}", cadence: daily, lag: 0, grace: 10m}}
""")
            daemon = lwtest.start_daemon(tmp, cfg, db)
            lwtest.wait_observation(daemon, db, "printed", str(yesterday))

            def publish() -> None:
                feed.body(CSV_PATH, f"date,value\n{yesterday},1.5\n{today},2.5\n", "text/csv")
            timer = threading.Timer(due.timestamp() - 1 - time.time(), publish)
            timer.start()
            try:
                lwtest.wait_observation(daemon, db, "printed", str(today),
                                        timeout=due.timestamp() - time.time() + 10)
            finally:
                timer.cancel()
            landed = time.time()
            asked = [dt.datetime.fromisoformat(r["time"]).timestamp()
                     for r in feed.requests() if r["path"] == CSV_PATH]
            self.assertLess(landed - due.timestamp(), 4,
                            f"stored {landed - due.timestamp():.1f}s after the due time")
            # The start-up poll, then the due-time poll: nothing in between.
            self.assertEqual(len(asked), 2, [round(t - due.timestamp(), 2) for t in asked])
            self.assertGreaterEqual(asked[1], due.timestamp() - 0.5)
            self.assertEqual(daemon.terminate(), 0)


class RateLimitWarning(unittest.TestCase):
    def test_check_config_says_when_a_hosts_limit_caps_its_polls(self):
        """The csv default of 1 request/s used to cap a config at 1 poll/s without a word."""
        with lwtest.Scratch(self) as tmp:
            series = "".join(f"  - {{id: s{i}, source: sheet, remote_id: V{i}, unit: index, "
                             f"interval: 1s}}\n" for i in range(3))
            cfg = tmp.write("c.yaml", 'sources:\n  sheet: {type: csv, base_url: '
                            '"https://data.example.com", path: /a.csv}\n'
                            '  local: {type: csv, base_url: "http://127.0.0.1:9", path: /a.csv}\n'
                            "series:\n" + series + series.replace("sheet", "local")
                            .replace("id: s", "id: l"))
            r = lwtest.run_cli("check-config", "--config", cfg)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("ok: 2 sources, 6 series", r.stdout)
            # The loopback source is not limited by the type's default: one warning only.
            self.assertEqual(r.stderr.strip().splitlines(), [
                f"{cfg}: warning: host data.example.com: 3 series poll up to 3 requests/s at "
                "their fastest, but requests_per_second is 1 (sources: sheet): polls wait for "
                "their turn and fall behind their schedule; raise requests_per_second if the "
                "host allows it"])


if __name__ == "__main__":
    unittest.main()
