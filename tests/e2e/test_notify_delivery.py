"""Delivery guarantees end to end: retries with backoff, and SIGKILL in the middle of a burst.

1. A webhook that fails 3 times (503) and then succeeds: 4 attempts with the same
   Idempotency-Key, spaced by the configured exponential backoff (200ms, 400ms, 800ms with
   ±20% jitter, capped at 1s), then the row is 'delivered' with attempts = 4.
2. Crash: 40 rules fire on the same observation, so 40 deliveries go out at once to a slow
   sink (1.5 s per answer). While they are in flight the daemon is killed with SIGKILL. A new
   daemon on the same database delivers the rest: every delivery row ends 'delivered', every
   key in the outbox reached the sink at least once, the keys seen before the crash are the
   keys sent after it (none lost or regenerated), and the sink never saw a foreign key.
"""

import signal
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402
import notify_sinks as ns  # noqa: E402


class Delivery(unittest.TestCase):
    def test_fails_three_times_then_delivered_with_backoff(self):
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp, until="2025-10-28")
            sink = tmp.enter(lwtest.Sink(statuses=[503, 503, 503]))
            db = tmp.path / "lw.db"
            cfg = tmp.write("liqwatch.yaml", ns.config(
                db, feed.base_url, lwtest.webhook_notifier_yaml("flaky", sink.url)))
            daemon = lwtest.start_daemon(tmp, cfg, db)
            reqs = sink.wait_for_requests(4, 30, on_timeout=daemon.log_tail)
            self.assertEqual([r.status for r in reqs[:4]], [503, 503, 503, 200])
            self.assertEqual(len({r.headers["idempotency-key"] for r in reqs}), 1)
            gaps = [reqs[i + 1].time - reqs[i].time for i in range(3)]
            for gap, expected in zip(gaps, (0.2, 0.4, 0.8)):
                self.assertGreaterEqual(gap, expected * 0.8 - 0.05, gaps)
                self.assertLessEqual(gap, expected * 1.2 + 1.5, gaps)  # + slack for a loaded box

            rows = lwtest.wait_delivery(daemon, db, "delivered")
            self.assertEqual(rows[0]["attempts"], 4)
            self.assertIsNone(rows[0]["last_error"])
            time.sleep(0.5)
            self.assertEqual(len(sink.requests()), 4)  # nothing after the success
            self.assertEqual(len(lwtest.db_query(db, "SELECT id FROM alert_events")), 1)
            self.assertEqual(daemon.terminate(), 0)

    def test_sigkill_during_burst_loses_nothing(self):
        n_rules = 40
        rules = "".join(lwtest.threshold_rule_yaml(f"sofr_burst_{i:02d}", "4.30",
                                                   severity="warning") for i in range(n_rules))
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp, until="2025-10-28")
            sink = tmp.enter(lwtest.Sink(delay=1.5))
            db = tmp.path / "lw.db"
            cfg = tmp.write("liqwatch.yaml", ns.config(
                db, feed.base_url, lwtest.webhook_notifier_yaml("slow", sink.url, timeout="10s"),
                rules=rules))
            first = lwtest.Daemon(cfg, db, log_path=tmp.path / "first.log")
            first.start()
            tmp.keep(first.log_path)
            try:
                sink.wait_for_requests(10, 30, on_timeout=first.log_tail)
                first.proc.send_signal(signal.SIGKILL)
                self.assertEqual(first.proc.wait(10), -signal.SIGKILL)
            finally:
                first.stop()
            before = sink.requests()
            keys_before = {r.headers["idempotency-key"] for r in before}
            rows = lwtest.db_query(db, "SELECT idempotency_key, status FROM deliveries")
            self.assertEqual(len(rows), n_rules, "every event's outbox row was committed")
            db_keys = {r["idempotency_key"] for r in rows}
            self.assertLessEqual(keys_before, db_keys)
            undelivered = {r["idempotency_key"] for r in rows if r["status"] != "delivered"}
            self.assertTrue(undelivered, "the kill should land in the middle of the burst")

            sink.delay = 0.0
            second = lwtest.start_daemon(tmp, cfg, db, log_path=tmp.path / "second.log")

            lwtest.wait_all_delivered(second, db, 60)
            received = sink.requests()
            keys = [r.headers["idempotency-key"] for r in received]
            self.assertEqual(set(keys), db_keys, "at least once per outbox key, no foreign key")
            after = {r.headers["idempotency-key"] for r in received[len(before):]}
            self.assertLessEqual(undelivered, after, "undelivered rows resent after restart")
            # Same events, same keys: no new events or deliveries were created by the restart.
            self.assertEqual(len(lwtest.db_query(db, "SELECT id FROM deliveries")), n_rules)
            by_key = {}
            for r in received:
                by_key.setdefault(r.headers["idempotency-key"], set()).add(r.json["event_id"])
            self.assertTrue(all(len(v) == 1 for v in by_key.values()), by_key)
            self.assertEqual(second.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
