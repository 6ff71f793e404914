"""Signed generic webhook and dead-lettering, end to end.

The real `liqwatch run` polls the feed fixture (SOFR, 2025-10-28 fires `sofr > 4.30`, 10-29
resolves) and delivers each event to two webhooks:
  signed  verifies X-Liqwatch-Signature = v1=HMAC-SHA256(key, "<timestamp>.<body>") exactly as
          a receiver would (docs/webhook.md), with the key read through ${file:};
  broken  answers 400: a 4xx other than 408/429 is permanent, so the delivery is dead-lettered
          after one attempt, visible in `liqwatch alerts` (deliveries.dead), in SQLite
          (status 'dead', last_error) and in the log (event=dead_lettered).
No secret (HMAC key, URL tokens) appears in the log, the database or the CLI output.
"""

import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402
import notify_sinks as ns  # noqa: E402

HMAC_KEY = "whsec-7d41c0ffee-hmac-key"
SIGNED_TOKEN = "signed-token-3a9f1e"
BROKEN_TOKEN = "broken-token-55c2d0"


class SignedWebhook(unittest.TestCase):
    def test_signature_verifies_and_4xx_is_dead_lettered(self):
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp)
            signed = tmp.enter(lwtest.Sink(path=f"/hook/{SIGNED_TOKEN}"))
            broken = tmp.enter(lwtest.Sink(path=f"/hook/{BROKEN_TOKEN}", status=400))
            key_file = tmp.write("hmac.key", HMAC_KEY + "\n")
            db = tmp.path / "lw.db"
            cfg = tmp.write("liqwatch.yaml", ns.config(
                db, feed.base_url,
                lwtest.webhook_notifier_yaml("signed", "${env:LW_SIGNED_URL}",
                                             secret=f"${{file:{key_file}}}")
                + lwtest.webhook_notifier_yaml("broken", "${env:LW_BROKEN_URL}")))
            daemon = lwtest.start_daemon(tmp, cfg, db, env={"LW_SIGNED_URL": signed.url,
                                                            "LW_BROKEN_URL": broken.url})
            lwtest.wait_observation(daemon, db, "sofr", "2025-10-27")
            self.assertEqual(signed.requests(), [])

            feed.until("SOFR", "2025-10-28")
            post = signed.wait_for_requests(1, 20, on_timeout=daemon.log_tail)[0]
            self.assertEqual(ns.verify_signature(HMAC_KEY, post.headers, post.body), "")
            # A receiver with the wrong key, or a tampered body, rejects it.
            self.assertNotEqual(ns.verify_signature("wrong", post.headers, post.body), "")
            self.assertNotEqual(ns.verify_signature(HMAC_KEY, post.headers, post.body + b" "), "")
            self.assertRegex(post.headers["idempotency-key"], lwtest.HEX32)
            body = post.json
            self.assertEqual(body["version"], 1)
            self.assertEqual((body["rule"], body["state"], body["severity"]),
                             ("sofr_above_4_30", "firing", "critical"))
            self.assertAlmostEqual(body["value"], 4.31, places=9)
            self.assertEqual(body["threshold_text"], "> 4.30%")
            self.assertEqual(body["value_text"], "4.31%")
            self.assertEqual(body["link"], "https://fred.stlouisfed.org/series/SOFR")
            self.assertEqual(body["description"], "SOFR above 4.30% (funding squeeze)")
            self.assertEqual(body["idempotency_key"], post.headers["idempotency-key"])

            # The broken receiver got exactly one attempt: 400 is permanent.
            broken.wait_for_requests(1, 10, on_timeout=daemon.log_tail)

            rows = lwtest.wait_delivery(daemon, db, "dead", notifier="broken")
            self.assertEqual(rows[0]["attempts"], 1)
            self.assertIn("HTTP 400", rows[0]["last_error"])
            self.assertIn("broken", rows[0]["last_error"])
            time.sleep(1.0)  # backoff_initial is 200ms: a retry would have happened by now
            self.assertEqual(len(broken.requests()), 1)
            alerts = lwtest.cli_json("alerts", "--db", db, "--format", "json")
            self.assertEqual(len(alerts), 1)
            self.assertEqual(alerts[0]["deliveries"], {"pending": 0, "delivered": 1, "dead": 1})
            self.assertRegex(daemon.log(), r"event=dead_lettered notifier=broken .*HTTP 400")
            status = lwtest.cli_json("status", "--db", db, "--format", "json")
            self.assertEqual(status["deliveries"]["dead"], 1)

            # Resolution: signed again, with a new key and a valid signature.
            feed.until("SOFR", "2025-10-29")
            reqs = signed.wait_for_requests(2, 20, on_timeout=daemon.log_tail)
            self.assertEqual(reqs[1].json["state"], "resolved")
            self.assertEqual(ns.verify_signature(HMAC_KEY, reqs[1].headers, reqs[1].body), "")
            self.assertNotEqual(reqs[0].headers["idempotency-key"],
                                reqs[1].headers["idempotency-key"])

            self.assertEqual(daemon.terminate(), 0)
            log = daemon.log()
            dump = ns.db_dump(db)
            cli = lwtest.run_cli("alerts", "--db", db, "--format", "json").stdout
            for secret in (HMAC_KEY, SIGNED_TOKEN, BROKEN_TOKEN):
                self.assertNotIn(secret, log)
                self.assertNotIn(secret, dump)
                self.assertNotIn(secret, cli)


if __name__ == "__main__":
    unittest.main()
