"""The skeleton path end to end: poll FRED -> store -> rule -> alert -> webhook -> history.

A feed fixture server (tests/fixtures/feedserver.py) serves fredgraph.csv built from
tests/testdata/feeds/SOFR.csv, first only up to 2025-10-27; the real `liqwatch run` polls it every
second with the rule `sofr > 4.30` (critical) and a webhook to a local sink. Then the feed
publishes 2025-10-28 (SOFR 4.31%, the peak of the late-October 2025 squeeze) and the test
checks, in order: the POST at the sink, the rows in SQLite, `liqwatch alerts --format json`,
the resolution when 2025-10-29 (4.27%) lands, and a clean exit on SIGTERM with no secret in
the log.

Why 4.30 and data from 2025-10-01: SOFR was above 4.30 in September (4.39..4.51, before the
Sep 17 cut) and at exactly 4.30 on 2025-10-16, so with the served window starting 2025-10-01
the only observation strictly above 4.30 is 2025-10-28. (With 4.25, 2025-10-27 at 4.27 would
already fire.) The window also includes the 2025-10-13 holiday row with an empty value.

Also: a broken config makes `check-config` exit 2 with `FILE:LINE:COL: message`, and `run`
refuse to start with the same message.

Environment: see lwtest.py (LIQWATCH_BIN, LIQWATCH_ARTIFACTS).
"""

import os
import sys
import time
import unittest
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402

WEBHOOK_TOKEN = "s3cr3t-hook-token-7f9c2b"  # must never reach the log or the database
ALERT_KEYS = {"id", "rule", "labels", "series", "severity", "state", "opened_at", "resolved_at",
              "first_observation_date", "last_observation_date", "value", "threshold",
              "message", "deliveries"}


def skeleton_config(db: Path, feed_url: str, webhook_env: str, api_port: int,
                    fred_api_key: Optional[str] = None) -> str:
    """`sofr > 4.30` (critical) notifying the webhook `sink`, whose URL is ${env:webhook_env};
    with fred_api_key the fred source uses the JSON API."""
    return lwtest.daemon_config(
        db, f"127.0.0.1:{api_port}", lwtest.fred_source_yaml(feed_url, api_key=fred_api_key),
        series=lwtest.SOFR_SERIES,
        rules=lwtest.threshold_rule_yaml("sofr_above_4_30", "4.30", severity="critical",
                                         description="SOFR above 4.30%", notify="[sink]"),
        notifiers=lwtest.webhook_notifier_yaml("sink", f"${{env:{webhook_env}}}", timeout="5s"))


class SkeletonEndToEnd(unittest.TestCase):
    def test_poll_alert_webhook_history_and_clean_exit(self):
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp)
            sink = tmp.enter(lwtest.Sink(path=f"/hook/{WEBHOOK_TOKEN}"))
            db = tmp.path / "liqwatch.db"
            cfg = tmp.write("liqwatch.yaml", skeleton_config(
                tmp.path / "ignored.db", feed.base_url, "LIQWATCH_TEST_WEBHOOK_URL",
                lwtest.free_port()))
            daemon = lwtest.start_daemon(tmp, cfg, db,
                                         env={"LIQWATCH_TEST_WEBHOOK_URL": sink.url})
            diag = daemon.log_tail

            # 1. First poll stored up to 2025-10-27 (4.27 is not > 4.30): no alert, no POST.
            row = lwtest.wait_observation(daemon, db, "sofr", "2025-10-27")
            self.assertAlmostEqual(row["value"], 4.27, places=9)
            self.assertEqual(row["unit"], "percent")
            self.assertIsNone(lwtest.observation(db, "sofr", "2025-10-28"))
            holiday = lwtest.observation(db, "sofr", "2025-10-13")
            if holiday is not None:  # a missing value is stored as NULL, never as 0
                self.assertIsNone(holiday["value"])
            self.assertEqual(lwtest.db_query(db, "SELECT id FROM alerts"), [])
            self.assertEqual(lwtest.cli_json("alerts", "--db", db, "--format", "json"), [])
            self.assertEqual(sink.requests(), [])
            self.assertTrue(os.path.exists(db), "--db must override storage.path")
            self.assertFalse((tmp.path / "ignored.db").exists(), "--db must override storage.path")

            # 2. The feed publishes 2025-10-28 (4.31): the alert fires and is POSTed.
            feed.until("SOFR", "2025-10-28")
            t_served = time.monotonic()
            reqs = sink.wait_for_requests(1, 20, on_timeout=diag)
            print(f"\nobservation served -> webhook POST: {reqs[0].time - t_served:.3f}s "
                  "(1 s poll interval, loopback)", file=sys.stderr)
            post = reqs[0]
            self.assertEqual(post.method, "POST")
            self.assertEqual(post.path, f"/hook/{WEBHOOK_TOKEN}")
            self.assertTrue(post.headers.get("content-type", "").startswith("application/json"),
                            post.headers)
            key = post.headers.get("idempotency-key", "")
            self.assertRegex(key, lwtest.HEX32)
            body = post.json
            self.assertIsInstance(body, dict, post.body)
            self.assertEqual(body["version"], 1)
            self.assertEqual(body["rule"], "sofr_above_4_30")
            self.assertEqual(body["state"], "firing")
            self.assertEqual(body["kind"], "firing")
            self.assertEqual(body["severity"], "critical")
            self.assertEqual(body["series"], "sofr")
            self.assertAlmostEqual(body["value"], 4.31, places=9)
            self.assertAlmostEqual(body["threshold"], 4.30, places=9)
            self.assertEqual(body["observation_date"], "2025-10-28")
            self.assertIsInstance(body["event_id"], int)
            self.assertIsInstance(body["alert_id"], int)
            self.assertIsInstance(body["message"], str)
            self.assertTrue(body["message"])
            self.assertRegex(body["event_time"], lwtest.ISO_UTC)
            alert_id = body["alert_id"]

            # 3. SQLite: observation, alert, event, delivered outbox row.
            obs = lwtest.observation(db, "sofr", "2025-10-28")
            self.assertIsNotNone(obs)
            self.assertAlmostEqual(obs["value"], 4.31, places=9)
            alerts = lwtest.db_query(db, "SELECT * FROM alerts")
            self.assertEqual(len(alerts), 1, [dict(a) for a in alerts])
            a = alerts[0]
            self.assertEqual(a["id"], alert_id)
            self.assertEqual(a["rule"], "sofr_above_4_30")
            self.assertEqual(a["state"], "firing")
            self.assertEqual(a["severity"], "critical")
            self.assertEqual(a["series"], "sofr")
            self.assertIsNone(a["resolved_at"])
            self.assertEqual(a["first_obs_date"], "2025-10-28")
            self.assertAlmostEqual(a["value"], 4.31, places=9)
            self.assertAlmostEqual(a["threshold"], 4.30, places=9)
            events = lwtest.db_query(db, "SELECT * FROM alert_events WHERE alert_id = ?", (alert_id,))
            self.assertEqual([e["kind"] for e in events], ["firing"])
            self.assertEqual(events[0]["id"], body["event_id"])

            deliveries = lwtest.wait_delivery(daemon, db, "delivered", event_id=body["event_id"])
            self.assertEqual(len(deliveries), 1)
            self.assertEqual(deliveries[0]["notifier"], "sink")
            self.assertEqual(deliveries[0]["idempotency_key"].lower(), key.lower())
            self.assertEqual(len(sink.requests()), 1, "exactly one POST for one transition")

            # 4. The history query, while the daemon runs.
            out = lwtest.cli_json("alerts", "--db", db, "--format", "json")
            self.assertEqual(len(out), 1, out)
            j = out[0]
            self.assertTrue(ALERT_KEYS <= set(j), f"missing keys: {ALERT_KEYS - set(j)}")
            self.assertEqual(j["id"], alert_id)
            self.assertEqual(j["rule"], "sofr_above_4_30")
            self.assertEqual(j["series"], "sofr")
            self.assertEqual(j["severity"], "critical")
            self.assertEqual(j["state"], "firing")
            self.assertIsNone(j["resolved_at"])
            self.assertEqual(j["first_observation_date"], "2025-10-28")
            self.assertEqual(j["last_observation_date"], "2025-10-28")
            self.assertAlmostEqual(j["value"], 4.31, places=9)
            self.assertAlmostEqual(j["threshold"], 4.30, places=9)
            self.assertEqual(j["deliveries"], {"pending": 0, "delivered": 1, "dead": 0})
            self.assertEqual(lwtest.cli_json("alerts", "--db", db, "--state", "firing",
                                             "--format", "json")[0]["id"], alert_id)
            self.assertEqual(lwtest.cli_json("alerts", "--db", db, "--state", "resolved",
                                             "--format", "json"), [])
            self.assertEqual(lwtest.cli_json("alerts", "--db", db, "--rule", "no_such_rule",
                                             "--format", "json"), [])
            self.assertEqual(len(lwtest.cli_json("alerts", "--db", db, "--rule", "sofr_above_4_30",
                                                 "--since", "7d", "--format", "json")), 1)

            # 5. 2025-10-29 (4.27) is back inside the threshold: the alert resolves, POSTed once.
            feed.until("SOFR", "2025-10-29")
            reqs = sink.wait_for_requests(2, 20, on_timeout=diag)
            resolved = reqs[1]
            self.assertEqual(resolved.json["state"], "resolved")
            self.assertEqual(resolved.json["kind"], "resolved")
            self.assertEqual(resolved.json["alert_id"], alert_id)
            self.assertEqual(resolved.json["observation_date"], "2025-10-29")
            self.assertAlmostEqual(resolved.json["value"], 4.27, places=9)
            self.assertRegex(resolved.headers.get("idempotency-key", ""), lwtest.HEX32)
            self.assertNotEqual(resolved.headers.get("idempotency-key"), key)
            out = lwtest.wait_for(
                lambda: (o := lwtest.cli_json("alerts", "--db", db, "--format", "json"))
                and o[0]["state"] == "resolved" and o, 10, "alert resolved in history")
            self.assertEqual(len(out), 1)
            self.assertIsNotNone(out[0]["resolved_at"])
            self.assertIn(out[0]["last_observation_date"], ("2025-10-28", "2025-10-29"))

            # 6. SIGTERM: clean exit 0 within 10 s; no secret in the log or the database.
            self.assertEqual(daemon.terminate(10), 0, daemon.log_tail())
            log = daemon.log()
            self.assertNotIn(WEBHOOK_TOKEN, log)
            self.assertNotIn(WEBHOOK_TOKEN.encode(), db.read_bytes())
            self.assertEqual(len(sink.requests()), 2, "no duplicate POSTs")


    def test_webhook_retried_with_same_idempotency_key(self):
        """The sink answers 503 twice: the delivery is retried with backoff (200 ms, 400 ms) and
        the same Idempotency-Key, then marked delivered after the third attempt."""
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp, until="2025-10-28")  # in breach from the first poll
            sink = tmp.enter(lwtest.Sink(statuses=[503, 503]))
            db = tmp.path / "liqwatch.db"
            cfg = tmp.write("liqwatch.yaml", skeleton_config(
                db, feed.base_url, "LIQWATCH_TEST_WEBHOOK_URL", lwtest.free_port()))
            daemon = lwtest.start_daemon(tmp, cfg, db,
                                         env={"LIQWATCH_TEST_WEBHOOK_URL": sink.url})
            reqs = sink.wait_for_requests(3, 30, on_timeout=daemon.log_tail)
            self.assertEqual([r.status for r in reqs[:3]], [503, 503, 200])
            keys = {r.headers.get("idempotency-key") for r in reqs}
            self.assertEqual(len(keys), 1, keys)
            self.assertEqual({r.json["event_id"] for r in reqs}, {reqs[0].json["event_id"]})

            rows = lwtest.wait_delivery(daemon, db, "delivered")
            self.assertEqual(len(rows), 1)
            self.assertEqual(rows[0]["attempts"], 3)
            time.sleep(1.5)  # a few more poll cycles: nothing new to send
            self.assertEqual(len(sink.requests()), 3, "delivered once, then never again")
            self.assertEqual(daemon.terminate(10), 0, daemon.log_tail())

    def test_fred_json_api_with_key_from_file_never_logged(self):
        """With api_key the JSON API is used (not fredgraph.csv); the key, read through
        ${file:...}, appears in neither the log (even at debug level) nor the database."""
        api_key = "0123456789abcdef0123456789abcdef"
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp, until="2025-10-28", api_key=api_key)
            sink = tmp.enter(lwtest.Sink())
            key_file = tmp.write("fred.key", api_key + "\n")
            db = tmp.path / "liqwatch.db"
            cfg = tmp.write("liqwatch.yaml", skeleton_config(
                db, feed.base_url, "LIQWATCH_TEST_WEBHOOK_URL", lwtest.free_port(),
                fred_api_key=f"${{file:{key_file}}}"))
            daemon = lwtest.start_daemon(tmp, cfg, db,
                                         env={"LIQWATCH_TEST_WEBHOOK_URL": sink.url})
            sink.wait_for_requests(1, 20, on_timeout=daemon.log_tail)
            obs = lwtest.observation(db, "sofr", "2025-10-28")
            self.assertIsNotNone(obs)
            self.assertAlmostEqual(obs["value"], 4.31, places=9)
            paths = {r["path"] for r in feed.requests()}
            self.assertIn("/fred/series/observations", paths)
            self.assertNotIn("/graph/fredgraph.csv", paths)
            self.assertEqual(daemon.terminate(10), 0, daemon.log_tail())
            self.assertNotIn(api_key, daemon.log())
            for f in tmp.path.glob("liqwatch.db*"):
                self.assertNotIn(api_key.encode(), f.read_bytes(), f.name)


class BrokenConfig(unittest.TestCase):
    # Line 9, column 5: the misspelled key `intervall` of series[0].
    BROKEN = """\
sources:
  fred:
    type: fred
series:
  - id: sofr
    source: fred
    remote_id: SOFR
    unit: percent
    intervall: 1h
"""

    def test_check_config_and_run_report_file_line_col(self):
        with lwtest.Scratch(self) as tmp:
            cfg = tmp.write("broken.yaml", self.BROKEN)
            want = f"{cfg}:9:5: "

            p = lwtest.run_cli("check-config", "--config", cfg)
            self.assertEqual(p.returncode, 2, p)
            lines = [ln for ln in (p.stdout + p.stderr).splitlines() if ln.startswith(want)]
            self.assertEqual(len(lines), 1, f"expected one '{want}...' line in:\n{p.stdout}{p.stderr}")
            self.assertIn("intervall", lines[0])

            d = lwtest.Daemon(cfg, tmp.path / "lw.db").start()
            try:
                code = d.wait_exit(10)
            finally:
                d.stop()
            self.assertNotEqual(code, 0, "run must refuse a broken config")
            self.assertIn(lines[0], d.log())
            self.assertFalse((tmp.path / "lw.db").exists(), "no database for a refused config")

    def test_check_config_accepts_shipped_configs(self):
        examples = sorted((lwtest.SOURCE_DIR / "config" / "examples").glob("*.yaml"))
        self.assertGreaterEqual(len(examples), 3, examples)
        names = ["config/liqwatch.yaml"] + [
            str(p.relative_to(lwtest.SOURCE_DIR)) for p in examples]
        for name in names:
            with self.subTest(config=name):
                p = lwtest.run_cli("check-config", "--config", lwtest.SOURCE_DIR / name,
                                   env={"LIQWATCH_WEBHOOK_URL": "https://hooks.example.com/x",
                                        "FRED_API_KEY": "abcdefghijklmnopqrstuvwxyz123456"})
                self.assertEqual(p.returncode, 0, p)
                self.assertRegex(p.stdout.strip(),
                                 r"\d+ sources?, \d+ series, \d+ rules?, \d+ notifiers?$")


if __name__ == "__main__":
    unittest.main()
