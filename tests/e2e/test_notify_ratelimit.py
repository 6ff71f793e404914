"""Per-notifier rate limit, end to end: excess sends are deferred, never dropped.

Five rules fire on the same observation (2025-10-28, 4.31%) towards one webhook with
`rate_limit: 2/3s`: two requests go out at once, two about 3 s later, the last about 6 s
later; all five are delivered, each exactly once, and the log says event=rate_limited.
A notifier without a limit on the same events is not slowed down.
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402
import notify_sinks as ns  # noqa: E402


class RateLimit(unittest.TestCase):
    def test_excess_deferred_not_dropped(self):
        rules = "".join(lwtest.threshold_rule_yaml(f"sofr_rl_{i}", "4.30") for i in range(5))
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp, until="2025-10-28")
            limited = tmp.enter(lwtest.Sink(path="/limited"))
            free = tmp.enter(lwtest.Sink(path="/free"))
            db = tmp.path / "lw.db"
            cfg = tmp.write("liqwatch.yaml", ns.config(
                db, feed.base_url,
                lwtest.webhook_notifier_yaml("limited", limited.url, rate_limit="2/3s")
                + lwtest.webhook_notifier_yaml("free", free.url), rules=rules))
            daemon = lwtest.start_daemon(tmp, cfg, db)
            free_reqs = free.wait_for_requests(5, 20, on_timeout=daemon.log_tail)
            reqs = limited.wait_for_requests(5, 30, on_timeout=daemon.log_tail)
            t = [r.time - reqs[0].time for r in reqs]
            self.assertLess(t[1], 1.0, t)
            self.assertGreaterEqual(t[2], 2.9, t)
            self.assertGreaterEqual(t[4], 5.9, t)
            self.assertLess(free_reqs[4].time - free_reqs[0].time, 2.0)
            self.assertEqual(len({r.headers["idempotency-key"] for r in reqs}), 5)
            self.assertEqual(len(limited.requests()), 5)
            rows = lwtest.db_query(db, "SELECT status, attempts FROM deliveries WHERE notifier = 'limited'")
            lwtest.wait_all_delivered(daemon, db)
            rows = lwtest.db_query(db, "SELECT attempts FROM deliveries WHERE notifier = 'limited'")
            self.assertEqual([r["attempts"] for r in rows], [1] * 5)  # deferral is not an attempt
            self.assertIn("event=rate_limited notifier=limited", daemon.log())
            self.assertEqual(daemon.terminate(), 0)

    def test_bad_rate_is_a_config_error(self):
        with lwtest.Scratch(self) as tmp:
            cfg = tmp.write("liqwatch.yaml", ns.config(
                tmp.path / "x.db", "http://127.0.0.1:9",
                lwtest.webhook_notifier_yaml("hook", "http://127.0.0.1:9/h", rate_limit="lots")))
            p = lwtest.run_cli("check-config", "--config", cfg)
            self.assertEqual(p.returncode, 2)
            self.assertRegex(p.stderr, r"liqwatch\.yaml:\d+:\d+: notifiers\.hook\.rate_limit: "
                                       r"invalid rate 'lots', expected COUNT/PERIOD such as 10/1h")


if __name__ == "__main__":
    unittest.main()
