"""A start-up on stale data sends one summary, not one message per feed.

Four feeds (A..D) all stopped yesterday. One staleness rule watches them (`for_each` over the
four, `age($series) > T`, re-evaluated every second): once the age passes T all four
instances fire on the same timer tick. The rule sets no `group_wait`, so the default for a
staleness rule over several feeds applies (config::RuleGroupWait, 10 s): each channel gets
ONE message listing all four feeds (a webhook POST with a "group" of four bodies, one Slack
message, one email), while the store keeps one event and one delivery row per instance and
notifier. The daemon is killed (SIGKILL) while the window is open and started again: the
grouping comes from the outbox rows, so the restart still sends one message per channel.

Environment: see lwtest.py (LIQWATCH_BIN, LIQWATCH_ARTIFACTS).
"""

import datetime as dt
import email
import email.policy
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402
import notify_sinks as ns  # noqa: E402

try:
    from aiosmtpd.controller import Controller
except ImportError:
    Controller = None

FEEDS = ["a", "b", "c", "d"]
MARGIN_S = 6  # T - age at config time: the first (ingest) evaluation must not fire


def config(db: Path, feed_url: str, notifiers: str, threshold_min: float) -> str:
    series = "".join(lwtest.fred_series_yaml(f, f"FEED{f.upper()}", interval="1h")
                     for f in FEEDS)
    rule = lwtest.list_item_yaml(
        name="stale_feed", for_each=f"[{', '.join(FEEDS)}]",
        expr=f"age($series) > {threshold_min:.5f}min", severity="warning",
        description="the feed stopped publishing")
    return (lwtest.storage_yaml(db) + lwtest.api_yaml('"off"')
            + "evaluation:\n  age_interval: 1s\n" + lwtest.delivery_yaml()
            + lwtest.fred_source_yaml(feed_url, requests_per_second=None)
            + lwtest.section_yaml("series", series) + lwtest.section_yaml("rules", rule)
            + lwtest.section_yaml("notifiers", notifiers))


@unittest.skipIf(Controller is None, "python3-aiosmtpd is not installed")
class StaleStartupSummary(unittest.TestCase):
    def test_one_message_per_channel_listing_every_late_feed_across_a_crash(self):
        with lwtest.Scratch(self) as tmp:
            rec = ns.SmtpRecorder()
            port = lwtest.free_port()
            smtp = Controller(rec, hostname="127.0.0.1", port=port)
            smtp.start()
            try:
                self.run_scenario(tmp, rec, port)
            finally:
                smtp.stop()

    def run_scenario(self, tmp: lwtest.Scratch, rec: ns.SmtpRecorder, smtp_port: int) -> None:
        today = dt.datetime.now(dt.timezone.utc).date()
        last = today - dt.timedelta(days=1)
        data = tmp.path / "data"
        for f in FEEDS:
            lwtest.write_series(data, f"FEED{f.upper()}",
                                {today - dt.timedelta(days=2): 1.0, last: 1.1})
        feed = lwtest.start_feed(tmp, data)
        hook = tmp.enter(lwtest.Sink())
        slack = tmp.enter(lwtest.Sink(path="/services/T/B/x", reply=b"ok",
                                      content_type="text/plain", check=ns.slack_problems))
        notifiers = (lwtest.webhook_notifier_yaml("hook", hook.url, timeout="5s")
                     + lwtest.mapping_entry_yaml("chat", type="slack", url=slack.url)
                     + ns.plain_smtp_notifier_yaml("mail", smtp_port))
        db = tmp.path / "liqwatch.db"
        midnight = dt.datetime.combine(last, dt.time(), tzinfo=dt.timezone.utc)
        age_s = (dt.datetime.now(dt.timezone.utc) - midnight).total_seconds()
        cfg = tmp.write("liqwatch.yaml",
                        config(db, feed.base_url, notifiers, (age_s + MARGIN_S) / 60))
        daemon = lwtest.start_daemon(tmp, cfg, db)

        # All four fire on one tick; their deliveries wait in the outbox for the window.
        def fired() -> bool:
            daemon.assert_alive()
            return len(lwtest.db_query(
                db, "SELECT id FROM alert_events WHERE rule = 'stale_feed'")) == len(FEEDS)
        lwtest.wait_for(fired, MARGIN_S + 20, "four stale_feed events", on_timeout=daemon.log_tail)
        rows = lwtest.db_query(db, "SELECT status FROM deliveries")
        self.assertEqual(len(rows), 3 * len(FEEDS))
        self.assertTrue(all(r["status"] == "pending" for r in rows), [dict(r) for r in rows])
        self.assertEqual(hook.requests() + slack.requests(), [])

        # A crash inside the window: nothing was sent, the rows stay pending.
        daemon.proc.kill()
        daemon.wait_exit(5)
        restarted = lwtest.start_daemon(tmp, cfg, db, log_path=tmp.path / "liqwatch-2.log")
        lwtest.wait_all_delivered(restarted, db, 30, count=3 * len(FEEDS))
        time.sleep(1.5)  # anything more would arrive now

        # One webhook POST: the first alert's body plus the group of all four.
        posts = hook.requests()
        self.assertEqual(len(posts), 1, [p.json for p in posts])
        body = posts[0].json
        self.assertEqual(body["rule"], "stale_feed")
        self.assertEqual(sorted(g["labels"]["series"] for g in body["group"]), FEEDS)
        self.assertEqual(posts[0].headers["idempotency-key"], body["group"][0]["idempotency_key"])

        # One Slack message, "stale_feed × 4 firing", a section per feed.
        msgs = slack.requests()
        self.assertEqual(len(msgs), 1)
        self.assertEqual(slack.problems, [])
        blocks = msgs[0].json["blocks"]
        self.assertEqual(blocks[0]["text"]["text"], ":warning: WARNING: stale_feed × 4 firing")
        sections = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
        for f in FEEDS:
            self.assertIn(f"stale_feed{{series={f}}}", sections)

        # One email listing the four.
        with rec.lock:
            self.assertEqual(len(rec.messages), 1)
            m = email.message_from_bytes(rec.messages[0][2], policy=email.policy.default)
        self.assertTrue(m["Subject"].startswith("[liqwatch] 4 alerts: stale_feed{series="),
                        m["Subject"])
        text = m.get_body(("plain",)).get_content()
        for f in FEEDS:
            self.assertIn(f"stale_feed{{series={f}}}", text)

        # Still one event and one delivery per instance and notifier.
        events = lwtest.db_query(db, "SELECT labels FROM alert_events WHERE rule = 'stale_feed'")
        self.assertEqual(sorted(e["labels"] for e in events), [f"series={f}" for f in FEEDS])
        self.assertIn("event=group_send notifier=hook alerts=4", restarted.log())
        self.assertEqual(restarted.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
