"""The start-up consistency check (issue 12): a database whose alerts, rule_state, rule_memory
and events disagree (here: edited by hand as a kill between the old separate transactions left
it) makes `liqwatch run` refuse to start, naming the broken rows, and changes nothing.

Environment: LIQWATCH_BIN (the built binary).
"""
import pathlib
import random
import sqlite3
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import crashloop  # noqa: E402
import lwtest  # noqa: E402


def dump(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


class StartupConsistency(unittest.TestCase):
    def test_refuses_to_start_on_a_broken_invariant_and_changes_nothing(self):
        with lwtest.Scratch(self) as tmp:
            feed = crashloop.StormFeed(step=3600, window=3).start()  # one date, 2000-01-03
            tmp.enter(_Stopping(feed))
            receiver = crashloop.FlakyReceiver(random.Random(1), 0, 0, 0).start()
            tmp.enter(_Stopping(receiver))
            db = tmp.path / "lw.db"
            cfg = tmp.write("liqwatch.yaml",
                            crashloop.storm_config(db, feed.url, receiver.url, "200ms"))
            d = lwtest.start_daemon(tmp, cfg, db)
            lwtest.wait_for(lambda: d.assert_alive() and lwtest.db_query(
                db, "SELECT 1 FROM rule_state WHERE rule = 'storm_high' AND state = 'firing'"),
                20, "storm_high firing", on_timeout=d.log_tail)
            self.assertEqual(d.terminate(), 0)

            # What a kill between the old separate transactions left: the alert closed, the
            # instance still firing.
            con = sqlite3.connect(db)
            with con:
                con.execute("UPDATE alerts SET state = 'resolved' WHERE rule = 'storm_high'")
            con.close()
            before = dump(db)
            broken = lwtest.Daemon(cfg, db, log_path=tmp.path / "broken.log").start()
            tmp.keep(broken.log_path)
            self.assertEqual(broken.wait_exit(20), 1, broken.log_tail())
            log = broken.log()
            self.assertRegex(log, r"event=invariant_violated check=firing_state_without_open_alert "
                                  r"rule=storm_high labels=\"\" alert_id=\d+ alert_state=resolved")
            self.assertIn("event=refusing_to_start violations=1", log)
            self.assertNotIn("event=started", log)
            self.assertEqual(dump(db), before)  # nothing repaired, nothing polled
            broken.stop()


class FailedEvaluation(unittest.TestCase):
    def test_a_failing_evaluation_keeps_nothing_of_the_poll_and_the_next_one_evaluates_it(self):
        with lwtest.Scratch(self) as tmp:
            feed = crashloop.StormFeed(step=0.5, window=60).start()
            tmp.enter(_Stopping(feed))
            receiver = crashloop.FlakyReceiver(random.Random(1), 0, 0, 0).start()
            tmp.enter(_Stopping(receiver))
            db = tmp.path / "lw.db"
            cfg = tmp.write("liqwatch.yaml",
                            crashloop.storm_config(db, feed.url, receiver.url, "200ms"))
            d = lwtest.start_daemon(tmp, cfg, db)
            lwtest.wait_for(lambda: d.assert_alive() and lwtest.db_query(
                db, "SELECT 1 FROM alert_events"), 20, "a first event", on_timeout=d.log_tail)
            # A fault in the middle of evaluation (the event insert fails, as on a full disk).
            con = sqlite3.connect(db, timeout=10)
            with con:
                con.execute("CREATE TRIGGER fault BEFORE INSERT ON alert_events "
                            "BEGIN SELECT RAISE(ABORT, 'injected fault'); END")
            stuck = lwtest.db_query(db, "SELECT max(obs_date) FROM observations")[0][0]
            health = lwtest.wait_source_error(d, db, "storm", "injected fault")
            self.assertIn("storing the poll failed, nothing of it was kept", health["last_error"])
            # Nothing of the failed polls was kept: no observation past the last evaluated one.
            self.assertEqual(lwtest.db_query(db, "SELECT max(obs_date) FROM observations")[0][0],
                             stuck)
            with con:
                con.execute("DROP TRIGGER fault")
            con.close()
            last = feed.freeze()
            lwtest.wait_observation(d, db, "storm", last, timeout=20)
            lwtest.wait_all_delivered(d, db, timeout=20)
            self.assertEqual(d.terminate(), 0)
            # Every date the failed polls brought was evaluated once, by the next poll: what was
            # recorded live equals the replay, four transitions a date (two on the first: the
            # storm config's two expression rules and two threshold rules).
            live = crashloop.transitions_live(db)
            since, until = min(t[0] for t in live), max(t[0] for t in live)
            self.assertGreater(until, stuck)
            self.assertEqual(sorted(live), sorted(crashloop.transitions_replay(cfg, db, since,
                                                                               until)))
            dates = lwtest.db_query(db, "SELECT count(*) FROM observations WHERE obs_date >= ?",
                                    (since,))[0][0]
            self.assertEqual(len(live), 4 * dates - 2)


class _Stopping:
    def __init__(self, server):
        self.server = server

    def __enter__(self):
        return self.server

    def __exit__(self, *exc):
        self.server.stop()


if __name__ == "__main__":
    unittest.main()
