"""Silences end to end: `liqwatch silence add/list/expire` against the daemon's database.

Two rules: sofr_above_4_25 (fires on 2025-10-27, 4.27%) and sofr_above_4_30 (fires on
2025-10-28, 4.31%). Before the daemon starts, the CLI creates the database and adds
  S1  --rule sofr_above_4_25 --label desk=rates --for 1h  (labels do not match: no effect)
  S2  --rule sofr_above_4_30 --for 20s
Then: 4_25 is delivered at once; 4_30 fires while S2 is active, so its alert and event are
recorded and the delivery row is 'silenced' with nothing sent; when S2 ends and the alert is
still firing, the same delivery (same Idempotency-Key) is sent. `silence expire` ends S1 early
(and refuses to expire it twice); `silence list` shows what is active.
"""

import json
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402
import notify_sinks as ns  # noqa: E402

RULES = (lwtest.threshold_rule_yaml("sofr_above_4_30", "4.30", severity="critical")
         + lwtest.threshold_rule_yaml("sofr_above_4_25", "4.25", severity="warning"))


class Silences(unittest.TestCase):
    def test_silenced_alert_recorded_then_delivered_when_silence_ends(self):
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp)
            sink = tmp.enter(lwtest.Sink())
            db = tmp.path / "lw.db"
            cfg = tmp.write("liqwatch.yaml", ns.config(
                db, feed.base_url, lwtest.webhook_notifier_yaml("desk", sink.url), rules=RULES))
            s1 = lwtest.run_cli("silence", "add", "--db", db, "--rule", "sofr_above_4_25",
                                "--label", "desk=rates", "--for", "1h", "--comment", "other desk",
                                check=True)
            self.assertRegex(s1.stdout, r"^silence 1: rule sofr_above_4_25 \{desk=rates\} until ")
            s2 = lwtest.run_cli("silence", "add", "--db", db, "--rule", "sofr_above_4_30",
                                "--for", "20s", "--comment", "FOMC week", "--author", "ops",
                                check=True)
            self.assertIn("silence 2: rule sofr_above_4_30 until ", s2.stdout)
            t_silence = time.monotonic()
            listed = lwtest.cli_json("silence", "list", "--db", db, "--format", "json")
            self.assertEqual([s["id"] for s in listed], [2, 1])
            self.assertEqual(listed[0]["comment"], "FOMC week")
            self.assertEqual(listed[0]["created_by"], "ops")
            self.assertTrue(listed[0]["active"])
            self.assertEqual(listed[1]["labels"], "desk=rates")

            daemon = lwtest.start_daemon(tmp, cfg, db)
            diag = daemon.log_tail
            first = sink.wait_for_requests(1, 20, on_timeout=diag)[0]
            self.assertEqual(first.json["rule"], "sofr_above_4_25")  # S1's label did not match

            feed.until("SOFR", "2025-10-28")

            def silenced():
                rows = lwtest.db_query(
                    db, "SELECT d.* FROM deliveries d JOIN alert_events e ON e.id = d.event_id "
                        "WHERE e.rule = 'sofr_above_4_30'")
                return rows and rows[0]["status"] == "silenced" and rows[0]
            row = lwtest.wait_for(silenced, 20, "silenced delivery", on_timeout=diag)
            self.assertIn("silence 2", row["last_error"])
            self.assertLess(time.monotonic() - t_silence, 20, "test too slow: S2 already ended")
            alerts = lwtest.cli_json("alerts", "--db", db, "--rule", "sofr_above_4_30",
                                     "--format", "json")
            self.assertEqual(len(alerts), 1)  # recorded, just not delivered
            self.assertEqual(alerts[0]["state"], "firing")
            self.assertEqual([r.json["rule"] for r in sink.requests()], ["sofr_above_4_25"])
            self.assertRegex(daemon.log(), r"event=silenced notifier=desk .*rule=sofr_above_4_30")

            # S2 ends at t_silence + 20s (long enough for a loaded 2-core CI box to get the alert
            # silenced first); the alert still fires, so it is delivered then.
            reqs = sink.wait_for_requests(2, 40, on_timeout=diag)
            self.assertGreaterEqual(time.monotonic() - t_silence, 19.5)
            self.assertEqual(reqs[1].json["rule"], "sofr_above_4_30")
            self.assertEqual(reqs[1].headers["idempotency-key"], row["idempotency_key"])
            lwtest.wait_for(lambda: lwtest.db_query(
                db, "SELECT status FROM deliveries WHERE id = ?", (row["id"],))[0]["status"]
                == "delivered", 10, "released delivery delivered", on_timeout=diag)

            # Expire S1 early; a second expire is an error.
            self.assertEqual(lwtest.run_cli("silence", "expire", "--db", db, "1",
                                            check=True).stdout.strip(), "silence 1 expired")
            again = lwtest.run_cli("silence", "expire", "--db", db, "1")
            self.assertEqual(again.returncode, 1)
            self.assertIn("already ended", again.stderr)
            self.assertEqual(lwtest.run_cli("silence", "expire", "--db", db, "99").returncode, 1)
            self.assertEqual(lwtest.cli_json("silence", "list", "--db", db, "--format", "json"), [])
            every = lwtest.cli_json("silence", "list", "--db", db, "--all", "--format", "json")
            self.assertEqual({s["id"]: s["active"] for s in every}, {1: False, 2: False})
            table = lwtest.run_cli("silence", "list", "--db", db, "--all", check=True).stdout
            self.assertIn("FOMC week", table)
            self.assertEqual(daemon.terminate(), 0)

    def test_bad_arguments(self):
        with lwtest.Scratch(self) as tmp:
            db = tmp.path / "lw.db"
            bad = lwtest.run_cli("silence", "add", "--db", db, "--rule", "r", "--for", "soon")
            self.assertEqual(bad.returncode, 2)
            self.assertIn("--for", bad.stderr)
            bad = lwtest.run_cli("silence", "add", "--db", db, "--rule", "r", "--for", "1h",
                                 "--label", "novalue")
            self.assertEqual(bad.returncode, 2)
            self.assertIn("KEY=VALUE", bad.stderr)


if __name__ == "__main__":
    unittest.main()
