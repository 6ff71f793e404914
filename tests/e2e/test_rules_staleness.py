"""Staleness rules fire on the timer, without any new observation.

The feed fixture serves a series `STALE` whose newest observation is yesterday (UTC). The daemon
polls it once (interval 1h) and evaluates the rule `age(stale) > T` on that batch, with T set a
few seconds above the age at the time the config is written, so the first evaluation is quiet.
With `evaluation.age_interval: 1s` the timer re-evaluates the rule with the current time; once
the age passes T the rule fires, the transition is recorded (alert_events, alerts) and the
webhook gets the notification, while the feed is never asked again and no observation is added.

Environment: see lwtest.py (LIQWATCH_BIN, LIQWATCH_ARTIFACTS).
"""

import datetime as dt
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402

MARGIN_S = 8  # T - age at config time: the first (ingest) evaluation must not fire


def config(db: Path, feed_url: str, sink_url: str, threshold_min: float) -> str:
    """STALE polled hourly, the rule `age(stale) > threshold_min` re-evaluated every second."""
    return (lwtest.storage_yaml(db) + lwtest.api_yaml('"off"')
            + "evaluation:\n  age_interval: 1s\n"
            + lwtest.delivery_yaml(max_age=None)
            + lwtest.fred_source_yaml(feed_url, requests_per_second=None)
            + lwtest.section_yaml("series", lwtest.fred_series_yaml("stale", "STALE",
                                                                    interval="1h"))
            + lwtest.section_yaml("rules", lwtest.list_item_yaml(
                name="stale_feed", expr=f"age(stale) > {threshold_min:.5f}min",
                severity="warning", description="the stale feed stopped publishing",
                notify="[sink]"))
            + lwtest.section_yaml("notifiers",
                                  lwtest.webhook_notifier_yaml("sink", sink_url, timeout="5s")))


class StalenessOnTimer(unittest.TestCase):
    def test_age_rule_fires_without_new_observation(self):
        with lwtest.Scratch(self) as tmp:
            today = dt.datetime.now(dt.timezone.utc).date()
            last = today - dt.timedelta(days=1)
            data = tmp.path / "data"
            lwtest.write_series(data, "STALE", {today - dt.timedelta(days=2): 4.10, last: 4.12})
            feed = lwtest.start_feed(tmp, data)
            sink = tmp.enter(lwtest.Sink())
            db = tmp.path / "liqwatch.db"
            midnight = dt.datetime.combine(last, dt.time(), tzinfo=dt.timezone.utc)
            age_s = (dt.datetime.now(dt.timezone.utc) - midnight).total_seconds()
            threshold_min = (age_s + MARGIN_S) / 60
            cfg = tmp.write("liqwatch.yaml", config(db, feed.base_url, sink.url, threshold_min))
            t0 = time.monotonic()
            daemon = lwtest.start_daemon(tmp, cfg, db)
            diag = daemon.log_tail

            # 1. The one poll stores the data; the ingest evaluation is quiet (age < T).
            lwtest.wait_observation(daemon, db, "stale", str(last))
            self.assertLess(time.monotonic() - t0, MARGIN_S - 1,
                            "daemon too slow to start: the ingest evaluation may already fire")
            n_obs = len(lwtest.db_query(db, "SELECT * FROM observations"))
            self.assertEqual(n_obs, 2)

            # 2. No new data: the timer fires the rule once the age passes T.
            reqs = sink.wait_for_requests(1, MARGIN_S + 15, on_timeout=diag)
            fired_after = time.monotonic() - t0
            self.assertGreaterEqual(fired_after, MARGIN_S - 1, "fired before the age passed T")
            body = reqs[0].json
            self.assertEqual(body["rule"], "stale_feed")
            self.assertEqual(body["kind"], "firing")
            self.assertEqual(body["state"], "firing")
            self.assertEqual(body["observation_date"], str(last))

            events = lwtest.db_query(
                db, "SELECT * FROM alert_events WHERE rule = 'stale_feed' ORDER BY id")
            self.assertEqual([(e["kind"], e["from_state"], e["to_state"]) for e in events],
                             [("firing", "inactive", "firing")], [dict(e) for e in events])
            self.assertEqual(events[0]["obs_date"], str(last))
            alerts = lwtest.db_query(db, "SELECT * FROM alerts WHERE rule = 'stale_feed'")
            self.assertEqual(len(alerts), 1)
            self.assertEqual(alerts[0]["state"], "firing")

            # Nothing new was observed or fetched: the timer did it.
            self.assertEqual(len(lwtest.db_query(db, "SELECT * FROM observations")), n_obs)
            polls = [r for r in feed.requests() if r["path"].startswith("/graph/fredgraph.csv")]
            self.assertEqual(len(polls), 1, polls)

            # 3. Further ticks neither re-fire nor re-send it.
            time.sleep(2.5)
            self.assertEqual(len(lwtest.db_query(
                db, "SELECT * FROM alert_events WHERE rule = 'stale_feed'")), 1)
            self.assertEqual(len(sink.requests()), 1)
            self.assertEqual(daemon.terminate(), 0, diag())


if __name__ == "__main__":
    unittest.main()
