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
            self.assertEqual(d, st.get(f"/api/v1/alerts/{alert_id}").json())
            out = lwtest.run_cli("alerts", "show", alert_id, "--db", db, check=True).stdout
            self.assertIn("sofr_above_4_30", out)
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


if __name__ == "__main__":
    unittest.main()
