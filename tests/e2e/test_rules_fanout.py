"""A rule with for_each fans out into one alert instance per item, end to end.

The feed fixture serves two series: FRESH (newest observation today, UTC) and STUCK (newest
three days ago). The rule `stale_feed` has one instance per series, `age($series) > $after`
with after = 2d. Only the STUCK instance fires. A route on its labels sends it to the `ops`
webhook, not the `desk` one. The API (/api/v1/rules, /metrics), the CLI and the database show
two instances with their own state, and a restart neither re-sends the firing instance nor
loses it. Removing the stuck item from the config (SIGHUP) resolves its alert.

Environment: see lwtest.py (LIQWATCH_BIN, LIQWATCH_ARTIFACTS).
"""

import datetime as dt
import signal
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import apitest  # noqa: E402
import lwtest  # noqa: E402

STUCK_LABELS = "after=2d,series=stuck"
FRESH_LABELS = "after=2d,series=fresh"


def config(db: Path, port: int, feed_url: str, desk_url: str, ops_url: str) -> str:
    rule = ("  - name: stale_feed\n"
            "    for_each: [{series: fresh, after: 2d}, {series: stuck, after: 2d}]\n"
            "    expr: age($series) > $after\n"
            "    severity: warning\n"
            "    description: the feed stopped publishing\n")
    routes = lwtest.section_yaml("routes", lwtest.list_item_yaml(
        labels="{series: stuck}", notify="[ops]"))
    return lwtest.daemon_config(
        db, f"127.0.0.1:{port}", lwtest.fred_source_yaml(feed_url),
        lwtest.fred_series_yaml("fresh", "FRESH", interval="1h")
        + lwtest.fred_series_yaml("stuck", "STUCK", interval="1h"),
        rule,
        lwtest.webhook_notifier_yaml("desk", desk_url, timeout="5s")
        + lwtest.webhook_notifier_yaml("ops", ops_url, timeout="5s")) + routes


class FanOut(unittest.TestCase):
    def test_each_instance_alerts_routes_and_persists_on_its_own(self):
        with lwtest.Scratch(self) as tmp:
            today = dt.datetime.now(dt.timezone.utc).date()
            stuck_last = today - dt.timedelta(days=3)
            data = tmp.path / "data"
            lwtest.write_series(data, "FRESH", {today - dt.timedelta(days=1): 4.10, today: 4.12})
            lwtest.write_series(data, "STUCK",
                                {stuck_last - dt.timedelta(days=1): 4.00, stuck_last: 4.01})
            feed = lwtest.start_feed(tmp, data)
            desk = tmp.enter(lwtest.Sink())
            ops = tmp.enter(lwtest.Sink())
            db = tmp.path / "liqwatch.db"
            port = lwtest.free_port()
            cfg = tmp.write("liqwatch.yaml", config(db, port, feed.base_url, desk.url, ops.url))
            self.assertEqual(lwtest.run_cli("check-config", "--config", str(cfg)).returncode, 0)
            daemon = lwtest.start_daemon(tmp, cfg, db)

            # 1. The stuck instance fires and goes to `ops` only (the route on its labels), after
            # the 10 s a staleness rule over several feeds waits for its other instances.
            req = ops.wait_for_requests(1, 35, on_timeout=daemon.log_tail)[0]
            body = req.json
            self.assertEqual(body["rule"], "stale_feed")
            self.assertEqual(body["labels"], {"after": "2d", "series": "stuck"})
            self.assertEqual(body["series"], "stuck")
            self.assertEqual(body["kind"], "firing")
            self.assertEqual(body["observation_date"], str(stuck_last))
            self.assertIn("age(stuck) = ", body["message"])
            lwtest.wait_for(
                lambda: len(lwtest.db_query(
                    db, "SELECT * FROM rule_memory WHERE rule = 'stale_feed'")) == 2,
                10, "both instances evaluated", on_timeout=daemon.log_tail)
            lwtest.wait_all_delivered(daemon, db)
            self.assertEqual(desk.requests(), [], "the desk webhook got the ops-routed alert")

            # 2. Two instances in the database, each with its own memory; only the stuck one
            # has changed state.
            memory = {r["labels"]: r["state"] for r in lwtest.db_query(
                db, "SELECT labels, state FROM rule_memory WHERE rule = 'stale_feed'")}
            self.assertEqual(memory, {STUCK_LABELS: "firing", FRESH_LABELS: "inactive"})
            states = {r["labels"]: r["state"] for r in lwtest.db_query(
                db, "SELECT labels, state FROM rule_state WHERE rule = 'stale_feed'")}
            self.assertEqual(states, {STUCK_LABELS: "firing"})
            deliveries = lwtest.db_query(db, "SELECT notifier FROM deliveries")
            self.assertEqual([d["notifier"] for d in deliveries], ["ops"])

            # 3. The API and /metrics show both instances; the rule shows its firing one.
            base = f"http://127.0.0.1:{port}"
            rules = apitest.get(base + "/api/v1/rules").json()["rules"]
            rule = next(r for r in rules if r["name"] == "stale_feed")
            self.assertEqual(rule["expr"], "age($series) > $after")
            self.assertEqual(rule["for_each"], [FRESH_LABELS, STUCK_LABELS])
            self.assertEqual(rule["state"], "firing")
            self.assertEqual(rule["series"], "fresh")
            self.assertEqual(
                [(i["labels"], i["series"], i["state"]) for i in rule["instances"]],
                [(FRESH_LABELS, "fresh", "inactive"), (STUCK_LABELS, "stuck", "firing")])
            self.assertEqual(rule["alert_id"], rule["instances"][1]["alert_id"])
            samples = lwtest.metric_samples(apitest.get(base + "/metrics").body.decode())
            key = 'liqwatch_rule_firing{{rule="stale_feed",labels="{}",series="{}",' \
                  'severity="warning"}}'
            self.assertEqual(samples[key.format(STUCK_LABELS, "stuck")], 1)
            self.assertEqual(samples[key.format(FRESH_LABELS, "fresh")], 0)

            # 4. The CLI and the dashboard name the alert by its instance.
            alerts = lwtest.cli_json("alerts", "--db", str(db), "--format", "json")
            self.assertEqual([(a["rule"], a["labels"], a["series"], a["state"]) for a in alerts],
                             [("stale_feed", STUCK_LABELS, "stuck", "firing")])
            instance = "stale_feed{" + STUCK_LABELS + "}"
            table = lwtest.run_cli("alerts", "--db", str(db))
            self.assertIn(instance, table.stdout)
            shown = lwtest.cli_json("alerts", "show", str(alerts[0]["id"]), "--db", str(db),
                                    "--format", "json")
            self.assertEqual({e["labels"] for e in shown["events"]}, {STUCK_LABELS})
            if Path(lwtest.CHROMIUM).exists():
                dom = lwtest.chromium("--dump-dom", base + "/").stdout
                self.assertIn('data-render-status="ok"', dom)
                self.assertIn(f">{instance}</a></td>", dom)  # the alerts table links it

            # 5. A restart keeps the firing instance and sends nothing again.
            self.assertEqual(daemon.terminate(), 0)
            daemon2 = lwtest.start_daemon(tmp, cfg, db, log_path=tmp.path / "liqwatch2.log")
            lwtest.wait_for(lambda: daemon2.assert_alive() and "event=listening" in daemon2.log(),
                            15, "restarted daemon ready", on_timeout=daemon2.log_tail)
            time.sleep(2)  # two age-timer ticks and dispatcher rounds
            self.assertEqual(len(ops.requests()), 1, "the firing instance was sent again")
            self.assertEqual(desk.requests(), [])
            events = lwtest.db_query(
                db, "SELECT labels, kind FROM alert_events WHERE rule = 'stale_feed' "
                    "AND kind = 'firing'")
            self.assertEqual([(e["labels"], e["kind"]) for e in events],
                             [(STUCK_LABELS, "firing")])

            # 6. The stuck item leaves the config (SIGHUP): its alert is resolved, to the
            # notifier that got the opening, instead of staying open forever.
            cfg.write_text(cfg.read_text().replace(", {series: stuck, after: 2d}", ""))
            daemon2.proc.send_signal(signal.SIGHUP)
            closing = ops.wait_for_requests(2, 15, on_timeout=daemon2.log_tail)[1].json
            self.assertEqual((closing["rule"], closing["kind"], closing["state"]),
                             ("stale_feed", "resolved", "resolved"))
            self.assertEqual(closing["labels"], {"after": "2d", "series": "stuck"})
            self.assertIn("no longer in the config", closing["message"])
            self.assertEqual(desk.requests(), [])
            alert = lwtest.cli_json("alerts", "--db", str(db), "--format", "json")[0]
            self.assertEqual((alert["labels"], alert["state"]), (STUCK_LABELS, "resolved"))
            self.assertEqual(daemon2.terminate(), 0)
            tmp.keep(tmp.path / "liqwatch2.log")


if __name__ == "__main__":
    unittest.main()
