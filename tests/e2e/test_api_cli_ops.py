"""Operator CLI commands against a database with one alert episode: `alerts show ID` (events and
delivery attempts, table and JSON), `ack ID --comment` (visible in show and the API),
`backup --to FILE` while the daemon runs, then restore (the copy serves the same history), and
retention with `prune --before DATE`."""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import apitest  # noqa: E402
import lwtest  # noqa: E402


def exact(value):
    """`value` without the API's "*_display" strings: the CLI's JSON is the exact numbers."""
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items() if not k.endswith("_display")}
    if isinstance(value, list):
        return [exact(v) for v in value]
    return value


class CliOps(unittest.TestCase):
    def test_show_ack_backup_restore_prune(self):
        with lwtest.Scratch(self) as tmp:
            st = apitest.Stack(tmp)
            st.run_episode()
            db = st.db
            alert_id = lwtest.cli_json("alerts", "--db", db, "--format", "json")[0]["id"]

            # alerts show
            d = lwtest.cli_json("alerts", "show", alert_id, "--db", db, "--format", "json")
            self.assertEqual(d["alert"]["id"], alert_id)
            self.assertEqual([e["kind"] for e in d["events"]], ["firing", "resolved"])
            self.assertEqual(len(d["deliveries"]), 2)
            self.assertEqual(d, exact(st.get(f"/api/v1/alerts/{alert_id}").json()))
            out = lwtest.run_cli("alerts", "show", alert_id, "--db", db, check=True).stdout
            self.assertIn("sofr_above_4_30", out)
            # Tables in desk units (as the alert's message) with the config; plain without it.
            cfg = tmp.path / "liqwatch.yaml"
            for cmd in (("alerts",), ("alerts", "show", alert_id)):
                table = lwtest.run_cli(*cmd, "--db", db, "--config", cfg, check=True).stdout
                self.assertIn("4.27%", table, cmd)
                bare = lwtest.run_cli(*cmd, "--db", db, "--config", tmp.path / "absent.yaml",
                                      check=True).stdout
                self.assertNotIn("4.27%", bare, cmd)
                self.assertIn("4.27", bare, cmd)
            self.assertIn("Deliveries", out)
            self.assertTrue(all(len(l) <= 80 for l in out.splitlines()), out)
            missing = lwtest.run_cli("alerts", "show", "424242", "--db", db)
            self.assertEqual(missing.returncode, 1)
            self.assertIn("no alert with id 424242", missing.stderr)

            # ack (while the daemon runs)
            lwtest.run_cli("ack", alert_id, "--comment", "funding squeeze, known; desk informed",
                           "--db", db, check=True)
            d = st.get(f"/api/v1/alerts/{alert_id}").json()
            self.assertEqual([e["kind"] for e in d["events"]], ["firing", "resolved", "ack"])
            self.assertEqual(d["events"][-1]["message"], "funding squeeze, known; desk informed")
            self.assertEqual(lwtest.run_cli("ack", "424242", "--comment", "x", "--db", db).returncode, 1)

            # backup while the daemon runs, then restore into a fresh daemon's database
            backup = tmp.path / "backup.db"
            r = lwtest.run_cli("backup", "--db", db, "--to", backup, check=True)
            self.assertIn("backed up", r.stdout)
            self.assertEqual(st.daemon.terminate(), 0)
            restored = tmp.path / "restored.db"
            restored.write_bytes(backup.read_bytes())
            self.assertEqual(lwtest.cli_json("alerts", "--db", restored, "--format", "json"),
                             lwtest.cli_json("alerts", "--db", db, "--format", "json"))
            self.assertEqual(
                lwtest.cli_json("alerts", "show", alert_id, "--db", restored, "--format", "json"),
                lwtest.cli_json("alerts", "show", alert_id, "--db", db, "--format", "json"))
            obs = lambda p: lwtest.db_query(p, "SELECT count(*) AS n FROM observations")[0]["n"]
            self.assertEqual(obs(restored), obs(db))

            # retention: a cutoff before the episode keeps it; one after removes it (observations kept)
            r = lwtest.run_cli("prune", "--db", restored, "--before", "2000-01-01", check=True)
            self.assertIn("0 alerts", r.stdout)
            self.assertEqual(len(lwtest.cli_json("alerts", "--db", restored, "--format", "json")), 1)
            r = lwtest.run_cli("prune", "--db", restored, "--before", "2099-01-01", check=True)
            self.assertIn("1 alerts, 3 events, 2 deliveries", r.stdout)
            self.assertEqual(lwtest.cli_json("alerts", "--db", restored, "--format", "json"), [])
            self.assertEqual(lwtest.db_query(restored, "SELECT count(*) AS n FROM alert_events")[0]["n"], 0)
            self.assertEqual(obs(restored), obs(db))
            self.assertEqual(lwtest.run_cli("prune", "--db", restored, "--before", "soon").returncode, 2)


    def test_alert_filters_read_the_same_in_cli_and_api(self):
        """`liqwatch alerts` and GET /api/v1/alerts share one filter parser: the same filters
        select the same alerts, and a bad value is refused with the same words, named the way
        each side spells it (--state / state)."""
        with lwtest.Scratch(self) as tmp:
            st = apitest.Stack(tmp)
            st.run_episode()
            db = st.db
            for filters in [{}, {"state": "resolved"}, {"state": "firing"},
                            {"since": "2000-01-01", "severity": "warning", "limit": "1"},
                            {"until": "2000-01-01"}, {"rule": "sofr_above_4_30", "text": "SOFR"}]:
                with self.subTest(filters):
                    args = [a for k, v in filters.items() for a in (f"--{k}", v)]
                    query = "&".join(f"{k}={v}" for k, v in filters.items())
                    self.assertEqual(
                        lwtest.cli_json("alerts", "--db", db, "--format", "json", *args),
                        exact(st.get("/api/v1/alerts?" + query).json()["alerts"]))
            for key, value in [("state", "open"), ("severity", "fatal"), ("since", "yesterday"),
                               ("limit", "0")]:
                with self.subTest(key=key, value=value):
                    api = st.get(f"/api/v1/alerts?{key}={value}")
                    self.assertEqual(api.status, 400)
                    message = api.json()["error"]["message"]
                    self.assertTrue(message.startswith(f"{key}: "), message)
                    cli = lwtest.run_cli("alerts", "--db", db, f"--{key}", value)
                    self.assertEqual(cli.returncode, 2, cli.stderr)
                    problem = message[len(key) + 2:]
                    if key == "limit":  # the CLI has no upper bound
                        problem = "expected a positive number"
                    self.assertEqual(cli.stderr.strip(), f"liqwatch alerts: --{key}: {problem}")

    def test_every_database_command_fails_the_same_way(self):
        """One scaffold opens the database for every command: a missing file is exit 1 with
        `liqwatch CMD: ...`; a --format the command does not print is exit 2."""
        with lwtest.Scratch(self) as tmp:
            missing = str(tmp.path / "missing.db")
            # The read-only ones (ack, prune, silence add/expire create the database they write).
            for cmd in [["alerts"], ["alerts", "show", "1"], ["status"], ["series"],
                        ["silence", "list"], ["backup", "--to", str(tmp.path / "b.db")]]:
                with self.subTest(cmd):
                    r = lwtest.run_cli(*cmd, "--db", missing)
                    self.assertEqual(r.returncode, 1, r.stderr)
                    name = " ".join(c for c in cmd[:2] if not c[0].isdigit() and c[0] != "-")
                    self.assertTrue(r.stderr.startswith(f"liqwatch {name}: "), r.stderr)
                    self.assertIn("missing.db", r.stderr)
            for cmd, expected in [(["alerts"], "table, json or csv"),
                                  (["alerts", "show", "1"], "table or json"),
                                  (["status"], "table, json or csv"),
                                  (["series"], "table, json or csv"),
                                  (["silence", "list"], "table, json or csv")]:
                with self.subTest(cmd):
                    r = lwtest.run_cli(*cmd, "--db", missing, "--format", "xml")
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertIn(f"unknown --format 'xml', expected {expected}", r.stderr)
            self.assertFalse(Path(missing).exists())


if __name__ == "__main__":
    unittest.main()
