"""Routing, send_resolved and message templates, end to end.

Rules: sofr_above_4_30 (critical) and sofr_above_4_25 (warning, rule-level `notify: [all]`).
Routes: critical -> crit; rule "sofr_*" at warning -> warn. So:
  2025-10-27 (4.27)  sofr_above_4_25 fires  -> all (rule list) + warn (route), not crit;
  2025-10-28 (4.31)  sofr_above_4_30 fires  -> crit only (rendered with its template);
  2025-10-29 (4.27)  sofr_above_4_30 resolves -> crit;
  2025-10-30 (4.04)  sofr_above_4_25 resolves -> all; warn has send_resolved: false, so its
                     row is 'skipped' and nothing is POSTed to it.
"""

import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402
import notify_sinks as ns  # noqa: E402

RULES = (lwtest.threshold_rule_yaml("sofr_above_4_30", "4.30", severity="critical",
                                    description="SOFR above 4.30%")
         + lwtest.threshold_rule_yaml("sofr_above_4_25", "4.25", severity="warning",
                                      notify="[all]"))


class Routing(unittest.TestCase):
    def test_routes_send_resolved_and_template(self):
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp)
            sinks = {k: tmp.enter(lwtest.Sink(path=f"/{k}")) for k in ("crit", "warn", "all")}
            db = tmp.path / "lw.db"
            notifiers = (
                lwtest.webhook_notifier_yaml(
                    "crit", sinks["crit"].url, template='"{{severity}}: {{rule}} {{value}} vs '
                                                        '{{threshold}} on {{observation_date}}"')
                + lwtest.webhook_notifier_yaml("warn", sinks["warn"].url, send_resolved="false")
                + lwtest.webhook_notifier_yaml("all", sinks["all"].url))
            cfg = tmp.write("liqwatch.yaml", ns.config(db, feed.base_url, notifiers, rules=RULES,
                                                       extra="""\
routes:
  - severity: critical
    notify: [crit]
  - rule: "sofr_*"
    severity: [warning]
    notify: [warn]
"""))
            check = lwtest.run_cli("check-config", "--config", cfg)
            self.assertEqual(check.returncode, 0, check.stderr)
            daemon = lwtest.start_daemon(tmp, cfg, db)
            diag = daemon.log_tail

            sinks["all"].wait_for_requests(1, 20, on_timeout=diag)
            sinks["warn"].wait_for_requests(1, 10, on_timeout=diag)
            self.assertEqual(sinks["all"].requests()[0].json["rule"], "sofr_above_4_25")
            self.assertEqual(sinks["warn"].requests()[0].json["rule"], "sofr_above_4_25")

            feed.until("SOFR", "2025-10-28")
            crit = sinks["crit"].wait_for_requests(1, 20, on_timeout=diag)[0].json
            self.assertEqual(crit["rule"], "sofr_above_4_30")
            self.assertEqual(crit["text"], "critical: sofr_above_4_30 4.31% vs > 4.30% on 2025-10-28")

            feed.until("SOFR", "2025-10-29")
            resolved = sinks["crit"].wait_for_requests(2, 20, on_timeout=diag)[1].json
            self.assertEqual((resolved["rule"], resolved["state"]), ("sofr_above_4_30", "resolved"))

            feed.until("SOFR", "2025-10-30")
            reqs = sinks["all"].wait_for_requests(2, 20, on_timeout=diag)
            self.assertEqual((reqs[1].json["rule"], reqs[1].json["state"]),
                             ("sofr_above_4_25", "resolved"))

            def skipped():
                return lwtest.db_query(
                    db, "SELECT d.status, d.last_error FROM deliveries d JOIN alert_events e "
                        "ON e.id = d.event_id WHERE d.notifier = 'warn' AND e.kind = 'resolved'")
            row = lwtest.wait_for(skipped, 10, "warn's resolved row", on_timeout=diag)[0]
            self.assertEqual(row["status"], "skipped")
            self.assertIn("send_resolved", row["last_error"])
            time.sleep(0.5)
            self.assertEqual(len(sinks["warn"].requests()), 1)
            # Nothing crossed the routes: crit never saw the warning rule, warn/all never the
            # critical one.
            self.assertEqual({r.json["rule"] for r in sinks["crit"].requests()}, {"sofr_above_4_30"})
            self.assertEqual({r.json["rule"] for r in sinks["all"].requests()}, {"sofr_above_4_25"})
            self.assertEqual(daemon.terminate(), 0)

    def test_route_to_unknown_notifier_is_a_config_error(self):
        with lwtest.Scratch(self) as tmp:
            cfg = tmp.write("liqwatch.yaml", ns.config(
                tmp.path / "x.db", "http://127.0.0.1:9",
                lwtest.webhook_notifier_yaml("all", "http://127.0.0.1:9/h"), extra="""\
routes:
  - severity: critical
    notify: [pager]
"""))
            p = lwtest.run_cli("check-config", "--config", cfg)
            self.assertEqual(p.returncode, 2)
            self.assertRegex(p.stderr, r"liqwatch\.yaml:\d+:\d+: routes\[0\]\.notify: unknown "
                                       r"notifier 'pager'")


if __name__ == "__main__":
    unittest.main()
