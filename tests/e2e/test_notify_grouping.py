"""Grouping end to end: alerts that open within `group_wait` go out as one message.

Five rules fire on the same observation (2025-10-28, 4.31%). A Slack notifier with
`group_wait: 2s` sends ONE Block Kit message listing all five (validated like Slack would),
about 2 s after the first event; the five outbox rows are all 'delivered'. An email notifier
with the same window sends one email ("[liqwatch] 5 alerts: ...") to a real SMTP server.
Resolved events (2025-10-29) are not grouped: one message each.
"""

import email
import email.policy
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402
import notify_sinks as ns  # noqa: E402

try:
    from aiosmtpd.controller import Controller
except ImportError:
    Controller = None


@unittest.skipIf(Controller is None, "python3-aiosmtpd is not installed")
class Grouping(unittest.TestCase):
    def test_five_alerts_one_message_per_notifier(self):
        rules = "".join(lwtest.threshold_rule_yaml(f"sofr_group_{i}", "4.30", severity="critical")
                        for i in range(5))
        with lwtest.Scratch(self) as tmp:
            rec = ns.SmtpRecorder()
            port = lwtest.free_port()
            smtp = Controller(rec, hostname="127.0.0.1", port=port)
            smtp.start()
            try:
                feed = lwtest.start_sofr_feed(tmp)
                slack = tmp.enter(lwtest.Sink(path="/services/T/B/x", reply=b"ok",
                                              content_type="text/plain", check=ns.slack_problems))
                db = tmp.path / "lw.db"
                cfg = tmp.write("liqwatch.yaml", ns.config(
                    db, feed.base_url,
                    lwtest.mapping_entry_yaml("chat", type="slack", url=slack.url, group_wait="2s")
                    + ns.plain_smtp_notifier_yaml("mail", port, group_wait="2s"), rules=rules))
                daemon = lwtest.start_daemon(tmp, cfg, db)
                lwtest.wait_observation(daemon, db, "sofr", "2025-10-27")
                feed.until("SOFR", "2025-10-28")
                msg = slack.wait_for_requests(1, 20, on_timeout=daemon.log_tail)[0]
                self.assertEqual(slack.problems, [])
                blocks = msg.json["blocks"]
                self.assertIn("5 liqwatch alerts (5 firing, 0 resolved)", blocks[0]["text"]["text"])
                sections = [b for b in blocks if b["type"] == "section"]
                self.assertEqual(len(sections), 5)
                for i in range(5):
                    self.assertTrue(any(f"sofr_group_{i}" in s["text"]["text"] for s in sections))

                lwtest.wait_all_delivered(daemon, db, 20, count=10)
                self.assertEqual(len(slack.requests()), 1)
                with rec.lock:
                    self.assertEqual(len(rec.messages), 1)
                    m = email.message_from_bytes(rec.messages[0][2], policy=email.policy.default)
                self.assertTrue(m["Subject"].startswith("[liqwatch] 5 alerts: sofr_group_"))
                text = m.get_body(("plain",)).get_content()
                for i in range(5):
                    self.assertIn(f"sofr_group_{i}", text)
                self.assertIn("event=group_send notifier=chat alerts=5", daemon.log())

                # Resolutions are not grouped.
                feed.until("SOFR", "2025-10-29")
                reqs = slack.wait_for_requests(6, 20, on_timeout=daemon.log_tail)
                self.assertTrue(all("RESOLVED" in r.json["blocks"][0]["text"]["text"]
                                    for r in reqs[1:]))
                self.assertEqual(slack.problems, [])
                self.assertEqual(daemon.terminate(), 0)
            finally:
                smtp.stop()


if __name__ == "__main__":
    unittest.main()
