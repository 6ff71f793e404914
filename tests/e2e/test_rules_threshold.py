"""A threshold rule (`series`, `op`, `threshold`) fires the same way live, in `liqwatch backtest`
and in `liqwatch test-rules`: all three run it on the one rule engine (issue 18, "one rule
engine"), so the daemon's recorded transitions, the replay of its database and a rule test built
from them agree, wording and threshold included.

The daemon polls real SOFR (tests/testdata/feeds) with two threshold rules, `sofr > 4.30`
(critical) and `sofr < 4.10`; the feed is released one date at a time from 2025-10-27 to
2025-11-05: 4.27, 4.31 (above fires), 4.27 (resolves), 4.04 (below fires), 4.22 (resolves),
4.13, 4.00 (below fires again), 3.91.

Environment: see lwtest.py (LIQWATCH_BIN, LIQWATCH_ARTIFACTS).
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402

DATES = ["2025-10-27", "2025-10-28", "2025-10-29", "2025-10-30", "2025-10-31", "2025-11-03",
         "2025-11-04", "2025-11-05"]
RULES = (lwtest.threshold_rule_yaml("sofr_above_4_30", "4.30", severity="critical",
                                    description='"repo pressure"')
         + lwtest.threshold_rule_yaml("sofr_below_4_10", "4.10", op="<"))
EXPECTED = [  # (date, rule, kind, from, to, severity, message)
    ("2025-10-28", "sofr_above_4_30", "firing", "inactive", "firing", "critical",
     "sofr 4.31% > 4.30% on 2025-10-28: repo pressure"),
    ("2025-10-29", "sofr_above_4_30", "resolved", "firing", "resolved", "critical",
     "sofr 4.27% back within 4.30% on 2025-10-29: repo pressure"),
    ("2025-10-30", "sofr_below_4_10", "firing", "inactive", "firing", "warning",
     "sofr 4.04% < 4.10% on 2025-10-30"),
    ("2025-10-31", "sofr_below_4_10", "resolved", "firing", "resolved", "warning",
     "sofr 4.22% back within 4.10% on 2025-10-31"),
    ("2025-11-04", "sofr_below_4_10", "firing", "resolved", "firing", "warning",
     "sofr 4.00% < 4.10% on 2025-11-04"),
]


class ThresholdRuleOneEngine(unittest.TestCase):
    def test_live_backtest_and_test_rules_agree(self):
        with lwtest.Scratch(self) as tmp:
            data = lwtest.copy_series(tmp.path / "feed", "SOFR", since="2025-09-15")
            feed = lwtest.start_feed(tmp, data)
            feed.until("SOFR", DATES[0])
            sink = tmp.enter(lwtest.Sink())
            db = tmp.path / "lw.db"
            cfg = tmp.write("liqwatch.yaml", lwtest.daemon_config(
                db, '"off"', lwtest.fred_source_yaml(feed.base_url), series=lwtest.SOFR_SERIES,
                rules=RULES, notifiers=lwtest.webhook_notifier_yaml("sink", sink.url)))
            daemon = lwtest.start_daemon(tmp, cfg, db)
            for date in DATES:
                feed.until("SOFR", date)
                lwtest.wait_observation(daemon, db, "sofr", date)
            sink.wait_for_requests(len(EXPECTED), 20, on_timeout=daemon.log_tail)
            daemon.terminate()

            # Live: the daemon's transitions, each with the rule's threshold, notified once.
            live = lwtest.db_query(db, "SELECT obs_date, rule, kind, from_state, to_state, "
                                       "severity, message, value, threshold FROM alert_events "
                                       "ORDER BY id")
            self.assertEqual([tuple(r)[:7] for r in live], EXPECTED)
            for r in live:
                self.assertAlmostEqual(r["threshold"], 4.30 if "above" in r["rule"] else 4.10)
            self.assertEqual(len(sink.requests()), len(EXPECTED))
            opened = [q.json for q in sink.requests() if q.json["rule"] == "sofr_above_4_30"
                      and q.json["kind"] == "firing"]
            self.assertEqual([(q["threshold"], q["threshold_text"]) for q in opened],
                             [(4.3, "> 4.30%")])

            # backtest over the daemon's database: the same transitions, same words and values.
            replay = lwtest.cli_json("backtest", "--config", cfg, "--db", db, "--from", DATES[0],
                                     "--to", DATES[-1], "--format", "json")
            self.assertEqual([(e["date"], e["rule"], e["kind"], e["from"], e["to"],
                               e["severity"], e["message"]) for e in replay], EXPECTED)
            self.assertEqual([e["value"] for e in replay], [r["value"] for r in live])

            # `liqwatch rules` lists both threshold rules with their stored state.
            rules = {r["rule"]: r for r in lwtest.cli_json("rules", "--config", cfg, "--db", db,
                                                           "--format", "json")}
            self.assertEqual(set(rules), {"sofr_above_4_30", "sofr_below_4_10"})
            self.assertEqual(rules["sofr_below_4_10"]["state"], "firing")
            self.assertEqual(rules["sofr_below_4_10"]["level"], "warning")
            self.assertEqual(rules["sofr_below_4_10"]["message"],
                             "sofr 3.91% < 4.10% on 2025-11-05")
            self.assertEqual(rules["sofr_above_4_30"]["state"], "resolved")

            # test-rules: the live transitions as the expectation of a rule test on the stored
            # data passes; dropping one of them fails it.
            csv = "date,value\n" + "".join(  # an empty value: published as missing
                f"{r['obs_date']},{'' if r['value'] is None else r['value']}\n"
                for r in lwtest.db_query(db, "SELECT obs_date, value FROM observations "
                                             "WHERE series = 'sofr' ORDER BY obs_date"))
            tmp.write("data/sofr.csv", csv)
            expect = "".join(
                f"      - {{date: {d}, rule: {rule}, transition: {f} -> {t}, severity: {sev}}}\n"
                for d, rule, _, f, t, sev, _ in EXPECTED)
            head = (f"config: liqwatch.yaml\ntests:\n  - name: threshold rules\n"
                    f"    data: data\n    from: {DATES[0]}\n    to: {DATES[-1]}\n    expect:\n")
            passing = tmp.write("threshold_test.yaml", head + expect)
            r = lwtest.run_cli("test-rules", passing)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("threshold_test.yaml: 1 test, 0 failed", r.stdout)
            failing = tmp.write("threshold_fail.yaml", head + expect.split("\n", 1)[1])
            r = lwtest.run_cli("test-rules", failing)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("+ 2025-10-28", " ".join(r.stdout.split()))


if __name__ == "__main__":
    unittest.main()
