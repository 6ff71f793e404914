"""`liqwatch notify-test --config FILE --notifier NAME`, end to end.

It sends one test message through the named notifier without a daemon or a database: a
signed webhook (the sink verifies the HMAC), a fake Slack endpoint (payload validated like
Slack would), a receiver answering 400 (exit 1, "permanent", no URL token on stderr), an
unknown notifier name (exit 2, the configured names listed).
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402
import notify_sinks as ns  # noqa: E402

KEY = "notify-test-hmac-key-42"
TOKEN = "nt-url-token-9d8c7b"


class NotifyTest(unittest.TestCase):
    def test_notify_test_command(self):
        with lwtest.Scratch(self) as tmp:
            hook = tmp.enter(lwtest.Sink(path=f"/hook/{TOKEN}"))
            slack = tmp.enter(lwtest.Sink(path=f"/services/{TOKEN}", reply=b"ok",
                                          content_type="text/plain", check=ns.slack_problems))
            bad = tmp.enter(lwtest.Sink(path=f"/bad/{TOKEN}", status=400))
            env = {"LW_NT_KEY": KEY, "LW_NT_HOOK": hook.url, "LW_NT_SLACK": slack.url,
                   "LW_NT_BAD": bad.url}
            cfg = tmp.write("liqwatch.yaml", ns.config(
                tmp.path / "unused.db", "http://127.0.0.1:9",
                lwtest.webhook_notifier_yaml("hook", "${env:LW_NT_HOOK}", secret="${env:LW_NT_KEY}")
                + lwtest.mapping_entry_yaml("chat", type="slack", url="${env:LW_NT_SLACK}")
                + lwtest.webhook_notifier_yaml("bad", "${env:LW_NT_BAD}")))
            p = lwtest.run_cli("notify-test", "--config", cfg, "--notifier", "hook", env=env)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("notifier hook (webhook): test message delivered", p.stdout)
            req = hook.requests()[0]
            self.assertEqual(ns.verify_signature(KEY, req.headers, req.body), "")
            self.assertEqual(req.json["kind"], "test")
            self.assertEqual(req.json["rule"], "liqwatch_notify_test")
            self.assertRegex(req.headers["idempotency-key"], lwtest.HEX32)

            p = lwtest.run_cli("notify-test", "--config", cfg, "--notifier", "chat",
                               "--severity", "critical", env=env)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(slack.problems, [])
            self.assertIn("CRITICAL", slack.requests()[0].json["blocks"][0]["text"]["text"])

            p = lwtest.run_cli("notify-test", "--config", cfg, "--notifier", "bad", env=env)
            self.assertEqual(p.returncode, 1)
            self.assertIn("permanent failure: HTTP 400 from webhook bad", p.stderr)
            self.assertNotIn(TOKEN, p.stderr + p.stdout)
            self.assertFalse((tmp.path / "unused.db").exists())

            p = lwtest.run_cli("notify-test", "--config", cfg, "--notifier", "pager", env=env)
            self.assertEqual(p.returncode, 2)
            self.assertIn("no notifier 'pager'", p.stderr)
            self.assertIn("configured: hook, chat, bad", p.stderr)


if __name__ == "__main__":
    unittest.main()
