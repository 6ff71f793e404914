"""Slack incoming-webhook notifier, end to end, against a fake Slack endpoint.

The fake endpoint applies the Block Kit checks Slack applies to an incoming webhook
(notify_sinks.slack_problems: fallback text, <= 50 blocks, header plain_text <= 150 chars,
section text <= 3000, <= 10 fields of <= 2000 chars) and answers 400 invalid_payload if any
fails, "ok" otherwise. The test checks what a desk sees: severity, rule, value against
threshold with units, observation date, the rule's description, a link to the FRED page, and
the resolved variant. The webhook URL (it is the credential) never reaches the log or the DB.
"""

import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402
import notify_sinks as ns  # noqa: E402

SLACK_PATH = "/services/T0LIQW/B0TEST/s1ackt0ken9x"


class SlackNotifier(unittest.TestCase):
    def test_block_kit_firing_and_resolved(self):
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp)
            slack = tmp.enter(lwtest.Sink(path=SLACK_PATH, reply=b"ok", content_type="text/plain",
                                          check=ns.slack_problems))
            db = tmp.path / "lw.db"
            cfg = tmp.write("liqwatch.yaml", ns.config(db, feed.base_url, lwtest.mapping_entry_yaml(
                "desk", type="slack", url="${env:LW_SLACK_URL}")))
            daemon = lwtest.start_daemon(tmp, cfg, db, env={"LW_SLACK_URL": slack.url})
            lwtest.wait_observation(daemon, db, "sofr", "2025-10-27")
            feed.until("SOFR", "2025-10-28")
            msg = slack.wait_for_requests(1, 20, on_timeout=daemon.log_tail)[0]
            self.assertEqual(slack.problems, [])
            self.assertEqual(msg.status, 200)
            p = msg.json
            blocks = p["blocks"]
            self.assertEqual(blocks[0]["type"], "header")
            self.assertIn("CRITICAL", blocks[0]["text"]["text"])
            self.assertIn("sofr_above_4_30", blocks[0]["text"]["text"])
            section = blocks[1]
            self.assertIn("SOFR above 4.30% (funding squeeze)", section["text"]["text"])
            fields = {f["text"].split("\n", 1)[0]: f["text"].split("\n", 1)[1]
                      for f in section["fields"]}
            self.assertEqual(fields["*Value*"], "4.31%")
            self.assertEqual(fields["*Threshold*"], "&gt; 4.30%")  # mrkdwn-escaped ">"
            self.assertEqual(fields["*Observation date*"], "2025-10-28")
            self.assertIn("<https://fred.stlouisfed.org/series/SOFR|SOFR", fields["*Series*"])
            self.assertEqual(fields["*Severity*"], "critical")
            self.assertIn("4.31%", p["text"])  # notification fallback

            feed.until("SOFR", "2025-10-29")
            reqs = slack.wait_for_requests(2, 20, on_timeout=daemon.log_tail)
            self.assertEqual(slack.problems, [])
            resolved = reqs[1].json
            self.assertIn("RESOLVED", resolved["blocks"][0]["text"]["text"])
            self.assertIn(":white_check_mark:", resolved["blocks"][0]["text"]["text"])
            self.assertIn("Resolved", resolved["blocks"][1]["text"]["text"])
            rows = lwtest.db_query(db, "SELECT status FROM deliveries ORDER BY id")
            self.assertEqual([r["status"] for r in rows], ["delivered", "delivered"])

            self.assertEqual(daemon.terminate(), 0)
            self.assertNotIn("s1ackt0ken9x", daemon.log())
            self.assertNotIn("s1ackt0ken9x", ns.db_dump(db))

    def test_expression_rule_shows_its_deciding_level_in_desk_units(self):
        # sofr_iorb = sofr - iorb: 4.31% - 4.15% = 16bp on 2025-10-28, over the 15bp warning
        # (the backfill up to 2025-10-27 may send 2025-10-16's 15bp and its resolution first).
        with lwtest.Scratch(self) as tmp:
            data = lwtest.copy_series(tmp.path / "data", "SOFR", since="2025-10-01")
            lwtest.copy_series(data, "IORB", since="2025-10-01")
            feed = lwtest.start_feed(tmp, data)
            feed.until("SOFR", "2025-10-27")
            slack = tmp.enter(lwtest.Sink(path=SLACK_PATH, reply=b"ok", content_type="text/plain",
                                          check=ns.slack_problems))
            db = tmp.path / "lw.db"
            rule = lwtest.list_item_yaml(
                name="sofr_above_iorb", warn='"sofr_iorb >= 15bp"', crit='"sofr_iorb >= 25bp"',
                clear='"sofr_iorb < 10bp"', description='"SOFR 15bp+ over IORB"')
            cfg = tmp.write("liqwatch.yaml", lwtest.daemon_config(
                db, '"off"', lwtest.fred_source_yaml(feed.base_url),
                series=lwtest.SOFR_SERIES + lwtest.fred_series_yaml("iorb", "IORB"), rules=rule,
                notifiers=lwtest.mapping_entry_yaml("desk", type="slack", url=slack.url))
                + lwtest.section_yaml("derived", lwtest.list_item_yaml(
                    id="sofr_iorb", expr='"sofr - iorb"')))
            daemon = lwtest.start_daemon(tmp, cfg, db)
            lwtest.wait_observation(daemon, db, "sofr", "2025-10-27")
            feed.until("SOFR", "2025-10-28")

            def fields_of(msg) -> dict:
                return {f["text"].split("\n", 1)[0]: f["text"].split("\n", 1)[1]
                        for f in msg.json["blocks"][1].get("fields", [])}

            def on_28th():
                daemon.assert_alive()
                return next((m for m in slack.requests()
                             if fields_of(m).get("*Observation date*") == "2025-10-28"), None)
            msg = lwtest.wait_for(on_28th, 20, "the 2025-10-28 message", on_timeout=daemon.log_tail)
            self.assertEqual(slack.problems, [])
            section = msg.json["blocks"][1]
            fields = fields_of(msg)
            self.assertEqual(fields["*Value*"], "16bp")
            self.assertEqual(fields["*Threshold*"], "&gt;= 15bp (crit 25bp)")
            self.assertIn("sofr_iorb = 16bp", section["text"]["text"])
            self.assertEqual(daemon.terminate(), 0)

    def test_fake_slack_rejects_oversized_payloads(self):
        # The validator itself: what liqwatch must never send.
        too_many = {"text": "x", "blocks": [{"type": "divider"}] * 51}
        self.assertTrue(ns.slack_problems(too_many))
        long_section = {"text": "x", "blocks": [{"type": "section",
                                                 "text": {"type": "mrkdwn", "text": "y" * 3001}}]}
        self.assertTrue(ns.slack_problems(long_section))
        self.assertEqual(ns.slack_problems(json.loads(
            '{"text":"t","blocks":[{"type":"header","text":{"type":"plain_text","text":"h"}}]}')),
            [])


if __name__ == "__main__":
    unittest.main()
