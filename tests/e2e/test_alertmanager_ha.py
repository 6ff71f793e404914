"""HA pair through an Alertmanager cluster, end to end, on loopback (docs/operations.md).

Two Prometheus Alertmanager replicas (Debian's prometheus-alertmanager, peered with
--cluster.peer), two liqwatch nodes with the same config fed by the same feed server, each
posting to both replicas (`type: alertmanager`), and one webhook receiver behind
Alertmanager. 24 rules on SOFR fire in three waves of 8 (2025-10-28 at 4.31%, 10-29 at 4.41%,
10-30 at 4.51%) and all resolve on 10-31 (4.20%): 48 events per node.

  wave 1, both nodes running:                 each firing alert reaches the receiver once;
  wave 2, one liqwatch node SIGKILLed as it   each still arrives, once (and the killed node,
          records the wave:                   restarted on its database, adds nothing);
  wave 3, one Alertmanager replica SIGKILLed  each still arrives, once, through the survivor;
          (the one that had been notifying):
  resolve (10-31), that replica still down:   each of the 24 resolves arrives once.

Both nodes record the same 48 event keys. Alertmanager's HA dedup is per notification group
through the gossiped notification log: the replica at cluster position p waits
p * peer_timeout before notifying and skips what a peer already sent. The routing here puts
every alert in a group of its own and keeps group_interval (10s) well above peer_timeout (2s),
the regime in which that guarantee holds (see docs/operations.md "HA pair").

The test prints the counts: events generated, alert posts Alertmanager took in, notifications
received, duplicates suppressed by Alertmanager.

A second test checks the re-send of firing alerts (resend_interval) and the post's shape
against a recording HTTP server standing in for Alertmanager's API.
"""

import collections
import json
import signal
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import am_cluster  # noqa: E402
import lwtest  # noqa: E402

WAVES = {  # date -> (SOFR value, threshold of the 8 rules that fire on it)
    "2025-10-28": ("4.31", "4.30"),
    "2025-10-29": ("4.41", "4.40"),
    "2025-10-30": ("4.51", "4.50"),
}
RESOLVE_DATE, RESOLVE_VALUE = "2025-10-31", "4.20"
PER_WAVE = 8


def wave_rules() -> str:
    out = ""
    for w, (_, threshold) in enumerate(WAVES.values(), start=1):
        for i in range(PER_WAVE):
            out += lwtest.threshold_rule_yaml(f"ha_w{w}_{i}", threshold, severity="warning")
    return out


def node_config(db: Path, feed_url: str, am_urls: list, api_port: int,
                resend: str = "10m") -> str:
    am = lwtest.mapping_entry_yaml(
        "am", type="alertmanager", urls="[" + ", ".join(am_urls) + "]", timeout="2s",
        resend_interval=resend, dashboard_url=f"http://127.0.0.1:{api_port}")
    return lwtest.daemon_config(db, f"127.0.0.1:{api_port}", lwtest.fred_source_yaml(feed_url),
                                series=lwtest.SOFR_SERIES, rules=wave_rules(), notifiers=am)


def event_keys(db: Path) -> set:
    return {(r["rule"], r["kind"], r["event_key"]) for r in lwtest.db_query(
        db, "SELECT rule, kind, event_key FROM alert_events WHERE kind IN ('firing','resolved')")}


class AlertmanagerHa(unittest.TestCase):
    def test_ha_pair_each_event_once(self):
        with lwtest.Scratch(self) as tmp:
            receiver = tmp.enter(lwtest.Sink(path="/am-hook"))
            cluster = am_cluster.Cluster(tmp, receiver.url, group_wait="1s",
                                         group_interval="10s", peer_timeout="2s")
            cluster.wait_ready(60)
            feed = lwtest.start_sofr_feed(tmp, until="2025-10-27")
            for date, (value, _) in WAVES.items():
                feed.set_value("SOFR", date, value)
            feed.set_value("SOFR", RESOLVE_DATE, RESOLVE_VALUE)
            nodes, dbs = [], []
            for name in ("a", "b"):
                db = tmp.path / f"node-{name}.db"
                cfg = tmp.write(f"node-{name}.yaml", node_config(
                    db, feed.base_url, cluster.urls, lwtest.free_port()))
                dbs.append(db)
                nodes.append(lwtest.start_daemon(tmp, cfg, db,
                                                 log_path=tmp.path / f"node-{name}.log"))
            for n, db in zip(nodes, dbs):
                lwtest.wait_observation(n, db, "sofr", "2025-10-27", timeout=30)

            def on_timeout() -> str:
                return "\n".join([n.log_tail(30) for n in nodes]
                                 + [r.log_tail(20) for r in cluster.replicas]
                                 + [f"received: {am_cluster.notifications(receiver)}"])

            def expect(status: str, names: list, settle: float = 6.0) -> None:
                """Every alert in `names` reaches the receiver with `status`, and after a
                further `settle` s (> peer_timeout + gossip) none has arrived twice."""
                want = set(names)

                def arrived() -> bool:
                    got = {a for a, s, _ in am_cluster.notifications(receiver) if s == status}
                    return want <= got
                lwtest.wait_for(arrived, 45, f"{len(want)} {status} notifications",
                                on_timeout=on_timeout)
                time.sleep(settle)
                counts = collections.Counter(
                    (a, s) for a, s, _ in am_cluster.notifications(receiver))
                dups = {k: c for k, c in counts.items() if c > 1}
                self.assertEqual(dups, {}, f"duplicate notifications\n{on_timeout()}")

            def wave(w: int) -> list:
                return [f"ha_w{w}_{i}" for i in range(PER_WAVE)]

            # Wave 1: both nodes up.
            feed.until("SOFR", "2025-10-28")
            expect("firing", wave(1))

            # Wave 2: node a is SIGKILLed as soon as it has recorded the wave, while its posts
            # are in flight.
            feed.until("SOFR", "2025-10-29")
            lwtest.wait_for(lambda: lwtest.db_query(
                dbs[0], "SELECT id FROM alert_events WHERE rule LIKE 'ha_w2_%'"), 20,
                "node a records wave 2", on_timeout=on_timeout)
            nodes[0].proc.send_signal(signal.SIGKILL)
            nodes[0].proc.wait(5)
            expect("firing", wave(1) + wave(2))
            nodes[0] = lwtest.start_daemon(tmp, nodes[0].config, dbs[0],
                                           log_path=tmp.path / "node-a-restarted.log")
            lwtest.wait_all_delivered(nodes[0], dbs[0], timeout=30)

            # Wave 3: the replica that has been notifying is SIGKILLed first.
            senders = collections.Counter(h for _, _, h in am_cluster.notifications(receiver))
            busiest = max(senders, key=senders.get)  # externalURL host:port
            victim = next(r for r in cluster.replicas if busiest.endswith(f":{r.web_port}"))
            posts_before_kill = victim.metrics()
            victim.kill()
            feed.until("SOFR", "2025-10-30")
            expect("firing", wave(1) + wave(2) + wave(3))

            # Resolve: every alert, once, with the victim still down.
            feed.until("SOFR", RESOLVE_DATE)
            expect("resolved", wave(1) + wave(2) + wave(3), settle=14.0)

            # Both nodes recorded the same events under the same keys.
            keys_a, keys_b = event_keys(dbs[0]), event_keys(dbs[1])
            self.assertEqual(len(keys_b), 48)
            self.assertEqual(keys_a, keys_b)
            self.assertTrue(all(lwtest.HEX32.match(k) for _, _, k in keys_b))

            got = am_cluster.notifications(receiver)
            received = collections.Counter((a, s) for a, s, _ in got)
            posts = sum(v for k, v in posts_before_kill.items()
                        if k.startswith("alertmanager_alerts_received_total"))
            posts += cluster.sum_metric("alertmanager_alerts_received_total")
            generated = sum(len(lwtest.db_query(
                db, "SELECT id FROM alert_events WHERE kind IN ('firing','resolved')"))
                for db in dbs)
            print(f"\nHA counts: events generated {generated} (24 firing + 24 resolved on each "
                  f"of 2 nodes; {len(keys_b)} distinct event keys, identical on both); "
                  f"alert posts taken in by Alertmanager {posts:.0f}; "
                  f"notifications received {len(got)} "
                  f"({sum(1 for _, s, _ in got if s == 'firing')} firing, "
                  f"{sum(1 for _, s, _ in got if s == 'resolved')} resolved); "
                  f"duplicates at the receiver {sum(c - 1 for c in received.values())}; "
                  f"duplicates suppressed by Alertmanager {posts - len(got):.0f}",
                  flush=True)
            self.assertEqual(len(got), 48)
            for n in nodes[1:]:
                self.assertEqual(n.terminate(), 0)
            self.assertEqual(nodes[0].terminate(), 0)


class AlertmanagerPosts(unittest.TestCase):
    def test_post_shape_resend_while_firing_and_resolve(self):
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp, until="2025-10-27")
            good = tmp.enter(lwtest.Sink(path="/api/v2/alerts"))
            flaky = tmp.enter(lwtest.Sink(path="/api/v2/alerts", statuses=[503, 503]))
            db = tmp.path / "lw.db"
            base = lambda s: s.url.rsplit("/api/v2/alerts", 1)[0]  # noqa: E731
            am = lwtest.mapping_entry_yaml(
                "am", type="alertmanager", urls=f"[{base(good)}, {base(flaky)}]",
                resend_interval="2s", dashboard_url="http://liqwatch.example:8080/",
                username="desk", password="${env:AM_PASSWORD}")
            cfg = tmp.write("liqwatch.yaml", lwtest.daemon_config(
                db, '"off"', lwtest.fred_source_yaml(feed.base_url), series=lwtest.SOFR_SERIES,
                rules=lwtest.threshold_rule_yaml("sofr_above_4_30", "4.30", severity="critical",
                                                 description="SOFR above 4.30%"),
                notifiers=am))
            daemon = lwtest.start_daemon(tmp, cfg, db, env={"AM_PASSWORD": "s3cret-pw"})
            lwtest.wait_observation(daemon, db, "sofr", "2025-10-27")
            feed.until("SOFR", "2025-10-28")
            posts = good.wait_for_requests(3, 30, on_timeout=daemon.log_tail)
            first = posts[0]
            self.assertEqual(first.method, "POST")
            self.assertEqual(first.headers["authorization"], "Basic ZGVzazpzM2NyZXQtcHc=")
            [alert] = first.json
            self.assertEqual(alert["labels"], {"alertname": "sofr_above_4_30",
                                               "severity": "critical", "series": "sofr",
                                               "instance": "sofr_above_4_30"})
            ann = alert["annotations"]
            self.assertEqual(ann["description"], "SOFR above 4.30%")
            self.assertEqual(ann["value"], "4.31%")
            self.assertEqual(ann["threshold"], "> 4.30%")
            self.assertEqual(ann["dashboard"], "http://liqwatch.example:8080/#series=sofr")
            self.assertEqual(alert["generatorURL"], "http://liqwatch.example:8080/#series=sofr")
            self.assertRegex(ann["event_key"], lwtest.HEX32)
            self.assertIn("summary", ann)
            self.assertRegex(alert["startsAt"], lwtest.ISO_UTC)
            self.assertNotIn("endsAt", alert)
            # Re-sent about every 2s while firing, the same alert each time.
            gaps = [posts[i + 1].time - posts[i].time for i in range(2)]
            for g in gaps:
                self.assertGreaterEqual(g, 1.5, gaps)
                self.assertLessEqual(g, 6.0, gaps)
            self.assertTrue(all(p.json[0]["labels"] == alert["labels"] and
                                p.json[0]["startsAt"] == alert["startsAt"] for p in posts))
            # The replica that answered 503 twice was retried until it took the alert too.
            flaky.wait_for_requests(3, 20, on_timeout=daemon.log_tail)
            self.assertEqual([r.status for r in flaky.requests()[:3]], [503, 503, 200])
            # Resolve: one post with endsAt, then the re-sends stop.
            feed.until("SOFR", "2025-10-29")

            def resolved() -> list:
                return [p for p in good.requests() if "endsAt" in p.json[0]]
            lwtest.wait_for(resolved, 20, "resolve post", on_timeout=daemon.log_tail)
            time.sleep(5)
            ends = resolved()
            after = good.requests()[good.requests().index(ends[0]) + 1:]
            # At most a re-send that was already queued, and it too says the alert ended.
            self.assertLessEqual(len(after), 1, "posts after the resolve")
            self.assertTrue(all("endsAt" in p.json[0] for p in after))
            self.assertRegex(ends[0].json[0]["endsAt"], lwtest.ISO_UTC)
            self.assertEqual(ends[0].json[0]["startsAt"], alert["startsAt"])
            self.assertNotIn("s3cret-pw", daemon.log())
            self.assertEqual(daemon.terminate(), 0)



class AlertmanagerSilences(unittest.TestCase):
    def test_push_list_and_expire_in_the_cluster(self):
        with lwtest.Scratch(self) as tmp:
            receiver = tmp.enter(lwtest.Sink(path="/am-hook"))
            cluster = am_cluster.Cluster(tmp, receiver.url)
            cluster.wait_ready(60)
            db = tmp.path / "lw.db"
            dead = f"http://127.0.0.1:{lwtest.free_port()}"
            notifiers = (lwtest.mapping_entry_yaml(
                "am", type="alertmanager", urls="[" + ", ".join(cluster.urls) + "]")
                + lwtest.mapping_entry_yaml("gone", type="alertmanager", urls=f"[{dead}]",
                                            timeout="2s")
                + lwtest.webhook_notifier_yaml("hook", receiver.url))
            cfg = tmp.write("liqwatch.yaml", lwtest.daemon_config(
                db, '"off"', lwtest.fred_source_yaml("http://127.0.0.1:9"),
                series=lwtest.SOFR_SERIES, rules=lwtest.threshold_rule_yaml("sofr_high", "4.30"),
                notifiers=notifiers))
            out = lwtest.run_cli("silence", "add", "--db", db, "--rule", "sofr_high",
                                 "--label", "desk=rates", "--for", "2h", "-m", "FOMC",
                                 "--push", "am", "--config", cfg, check=True).stdout
            self.assertRegex(out, r"silence 1: pushed to am=[0-9a-f-]{36}\n")
            am_id = out.rsplit("am=", 1)[1].strip()
            # Pushed once, and both replicas know it (the cluster gossips it).
            for r in cluster.replicas:
                def listed(r=r) -> dict:
                    got = {x["id"]: x for x in lwtest.http_json("GET", r.url + "/api/v2/silences")}
                    return got if am_id in got else {}
                got = lwtest.wait_for(listed, 10, f"silence on {r.name}")
                self.assertEqual(len(got), 1, got)
                self.assertEqual(got[am_id]["status"]["state"], "active")
                self.assertEqual(sorted((m["name"], m["value"], m["isEqual"], m["isRegex"])
                                        for m in got[am_id]["matchers"]),
                                 [("alertname", "sofr_high", True, False),
                                  ("desk", "rates", True, False)])
                self.assertEqual(got[am_id]["comment"], "FOMC")
            # A silence made in Alertmanager itself, and where each one lives.
            own = lwtest.http_json("POST", cluster.urls[0] + "/api/v2/silences", {
                "matchers": [{"name": "alertname", "value": "other", "isRegex": False,
                              "isEqual": True}],
                "startsAt": "2020-01-01T00:00:00Z", "endsAt": "2099-01-01T00:00:00Z",
                "createdBy": "oncall", "comment": "maintenance"})["silenceID"]
            listed = lwtest.cli_json("silence", "list", "--db", db, "--alertmanager", "am",
                                     "--config", cfg, "--format", "json")
            self.assertEqual([(x["id"], x["where"]) for x in listed],
                             [(1, f"liqwatch+am={am_id}"), (own, "alertmanager am")])
            self.assertEqual(listed[1]["labels"], "alertname=other")
            table = lwtest.run_cli("silence", "list", "--db", db, check=True).stdout
            self.assertIn("WHERE", table.splitlines()[0])
            self.assertIn(f"liqwatch+am={am_id}", table)
            # Expire: locally and in the cluster.
            out = lwtest.run_cli("silence", "expire", "--db", db, "1", "--config", cfg,
                                 check=True).stdout
            self.assertIn(f"expired in alertmanager am ({am_id})", out)
            for r in cluster.replicas:
                lwtest.wait_for(lambda r=r: {x["id"]: x["status"]["state"] for x in lwtest.http_json(
                    "GET", r.url + "/api/v2/silences")}.get(am_id) == "expired", 10,
                    f"silence expired on {r.name}")
            # A push that fails keeps the local silence and says why, without the URL.
            p = lwtest.run_cli("silence", "add", "--db", db, "--rule", "sofr_high", "--for",
                               "1h", "--push", "gone", "--config", cfg)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("silence 2 kept locally; push to alertmanager gone failed: no "
                          "Alertmanager replica took the silence; alertmanager gone urls[0]",
                          p.stderr)
            self.assertNotIn(dead.split("//")[1], p.stderr)
            rows = lwtest.db_query(db, "SELECT id, pushed_to FROM silences ORDER BY id")
            self.assertEqual([(r["id"], r["pushed_to"]) for r in rows],
                             [(1, f"am={am_id}"), (2, "")])
            # Only an alertmanager notifier can take a push.
            p = lwtest.run_cli("silence", "add", "--db", db, "--rule", "sofr_high", "--for",
                               "1h", "--push", "hook", "--config", cfg)
            self.assertEqual(p.returncode, 2)
            self.assertIn("notifier 'hook' is of type webhook, not alertmanager", p.stderr)
            self.assertEqual(len(lwtest.db_query(db, "SELECT id FROM silences")), 2)


if __name__ == "__main__":
    unittest.main()
