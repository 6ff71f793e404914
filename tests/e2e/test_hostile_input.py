"""Hostile input to the real binary: every case gets a clear error and changes nothing.

- check-config and run on configs that used to crash (deeply nested or huge expressions: stack
  overflow) or hang (/dev/zero, a FIFO): exit 2 at once with FILE:LINE:COL or the file named.
- duplicate YAML keys and an impossible api.listen port are config errors, not silent choices.
- `--since 99999999999999999999d` (CLI and API) is an error, not an overflowed empty answer.
- `silence add --for 0s` / `--until` in the past store nothing.
- `backup --to` the live database (or its -wal file, or a link to it) is refused; the database
  stays intact.
- a second `liqwatch run` on a database a daemon holds refuses to start, naming the database,
  while CLI readers and writers keep working; once the first stops, a new daemon starts.
"""

import os
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import apitest  # noqa: E402
import lwtest  # noqa: E402

HEAD = """sources:
  fred: {type: fred, base_url: "http://127.0.0.1:9"}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
"""

TOO_DEEP = ("expression nested too deeply: more than 256 levels of parentheses, operators or "
            "function calls (a + b + c counts one level per operator); split it into derived "
            "series")


def integrity_ok(db: Path) -> bool:
    return lwtest.db_query(db, "PRAGMA integrity_check")[0][0] == "ok"


class HostileConfig(unittest.TestCase):
    def check(self, cfg: Path, timeout: float = 20) -> subprocess.CompletedProcess:
        return lwtest.run_cli("check-config", "--config", cfg, timeout=timeout)

    def test_deep_expressions_are_config_errors_for_check_config_and_run(self):
        with lwtest.Scratch(self) as tmp:
            cases = {
                # 60k '(' fit in a YAML line; the parser stops at level 257
                "parens.yaml": (HEAD + "derived:\n  - {id: x, expr: \"" + "(" * 60000
                                + "sofr\"}\n", f"6:{20 + 256}: derived[0]: {TOO_DEEP}"),
                "minus.yaml": (HEAD + "rules:\n  - name: neg\n    expr: " + "-" * 60000
                               + "sofr > 1\n", f"7:{11 + 256}: rules[0].expr: {TOO_DEEP}"),
                # the sum that used to pass check-config and crash the daemon on its first
                # observation: the 256th '+' is at column 7 * 255 + 6 of the expression
                "sum.yaml": (HEAD + "rules:\n  - name: sum\n    expr: "
                             + " + ".join(["sofr"] * 9000) + " > 1\n",
                             f"7:{11 + 7 * 255 + 5}: rules[0].expr: {TOO_DEEP}"),
                "huge.yaml": (HEAD + "rules:\n  - name: huge\n    expr: "
                              + " + ".join(["a"] * 60000) + " > 1\n",
                              "7:65547: rules[0].expr: expression too long: 240001 bytes "
                              "(at most 65536)"),
            }
            db = tmp.path / "lw.db"
            for name, (text, expected) in cases.items():
                with self.subTest(name):
                    cfg = tmp.write(name, text)
                    r = self.check(cfg)
                    self.assertEqual(r.returncode, 2, r.stderr[-2000:])
                    self.assertEqual(r.stderr.strip(), f"{cfg}:{expected}")
                    run = lwtest.run_cli("run", "--config", cfg, "--db", db, "--listen", "off")
                    self.assertEqual(run.returncode, 2, run.stderr[-2000:])  # not -11 (SIGSEGV)
                    self.assertIn(expected, run.stderr)
            self.assertFalse(db.exists(), "a rejected config must not create the database")

    def test_largest_allowed_sum_runs_and_evaluates(self):
        """The deepest sum check-config accepts evaluates in the daemon: the rule fires."""
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp)  # SOFR up to 2025-10-27 (4.27%)
            sink = tmp.enter(lwtest.Sink())
            db = tmp.path / "lw.db"
            expr = " + ".join(["sofr"] * 255) + " > 1000"  # 255 * 4.27 = 1088.85; depth 256
            cfg = tmp.write("liqwatch.yaml", lwtest.daemon_config(
                db, '"off"', lwtest.fred_source_yaml(feed.base_url), series=lwtest.SOFR_SERIES,
                rules=f"  - name: deep_sum\n    expr: {expr}\n",
                notifiers=lwtest.webhook_notifier_yaml("sink", sink.url)))
            self.assertEqual(self.check(cfg).returncode, 0)
            d = lwtest.start_daemon(tmp, cfg, db)
            req = sink.wait_for_requests(1, 30, on_timeout=d.log_tail)[0]
            self.assertEqual(req.json["rule"], "deep_sum")
            d.assert_alive()
            self.assertEqual(d.terminate(), 0, d.log_tail())

    def test_non_regular_and_oversized_config_files_are_refused_at_once(self):
        with lwtest.Scratch(self) as tmp:
            r = self.check("/dev/zero", timeout=10)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stderr.strip(),
                             "/dev/zero: config file is a character device, not a regular file")
            fifo = tmp.path / "fifo.yaml"
            os.mkfifo(fifo)
            r = self.check(fifo, timeout=10)  # nobody writes: reading would block forever
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stderr.strip(),
                             f"{fifo}: config file is a pipe (FIFO), not a regular file")
            big = tmp.write("big.yaml", HEAD + "#" + "x" * (1 << 20) + "\n")
            r = self.check(big)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stderr.strip(),
                             f"{big}: config file is larger than the 1 MiB limit")
            run = lwtest.run_cli("run", "--config", "/dev/zero", "--db", tmp.path / "lw.db",
                                 timeout=10)
            self.assertEqual(run.returncode, 2)
            self.assertIn("not a regular file", run.stderr)

    def test_duplicate_keys_and_bad_listen_port_are_config_errors(self):
        with lwtest.Scratch(self) as tmp:
            cfg = tmp.write("dup.yaml", HEAD + "rules:\n  - name: a\n    expr: sofr > 4\n"
                            "    expr: sofr > 9\n")
            r = self.check(cfg)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stderr.strip(), f"{cfg}:8:5: rules[0]: duplicate key 'expr', "
                                               "first at line 7, column 5")
            cfg = tmp.write("port.yaml", HEAD + "api:\n  listen: 127.0.0.1:99999\n")
            r = self.check(cfg)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stderr.strip(), f"{cfg}:6:11: api.listen: '127.0.0.1:99999': "
                                               "port '99999' is not a number from 1 to 65535")
            r = lwtest.run_cli("run", "--config", tmp.write("ok.yaml", HEAD), "--db",
                               tmp.path / "lw.db", "--listen", "127.0.0.1:99999")
            self.assertEqual(r.returncode, 2)
            self.assertIn("--listen: '127.0.0.1:99999': port '99999' is not a number from 1 to "
                          "65535", r.stderr)


class HostileCli(unittest.TestCase):
    def test_silence_that_silences_nothing_is_refused_and_nothing_stored(self):
        with lwtest.Scratch(self) as tmp:
            db = tmp.path / "lw.db"
            lwtest.run_cli("silence", "add", "--db", db, "--rule", "kept", "--for", "1h",
                           check=True)
            cases = [
                (("--for", "0s"), "--for 0s: a silence must last longer than 0s"),
                (("--for", "0.0001ms"), "--for 0.0001ms: a silence must last longer than 0s"),
                (("--for", "99999999999999999999d"),
                 "--for: duration '99999999999999999999d' is too long: at most 36500d"),
                (("--until", "2020-01-01"), "--until 2020-01-01: that is not in the future"),
                (("--until", "0000-01-01"), "--until: date '0000-01-01' is out of range"),
                ((), "give either --for DURATION or --until TIME"),
            ]
            for args, message in cases:
                with self.subTest(args):
                    r = lwtest.run_cli("silence", "add", "--db", db, "--rule", "x", *args)
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertIn(f"liqwatch silence add: {message}", r.stderr)
            rows = lwtest.db_query(db, "SELECT rule FROM silences")
            self.assertEqual([row["rule"] for row in rows], ["kept"])
            ok = lwtest.run_cli("silence", "add", "--db", db, "--rule", "later", "--until",
                                "2199-01-01T00:00:00Z", check=True)
            self.assertIn("until 2199-01-01T00:00:00.000Z", ok.stdout)

    def test_since_overflow_is_an_error(self):
        with lwtest.Scratch(self) as tmp:
            db = tmp.path / "lw.db"
            lwtest.run_cli("silence", "add", "--db", db, "--rule", "x", "--for", "1h", check=True)
            for cmd in (("alerts",), ("series", "sofr")):
                with self.subTest(cmd):
                    r = lwtest.run_cli(*cmd, "--db", db, "--since", "99999999999999999999d")
                    self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                    self.assertIn("duration '99999999999999999999d' is too long: at most 36500d",
                                  r.stderr)
            r = lwtest.run_cli("prune", "--db", db, "--before", "99999999999999999999d")
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("too long", r.stderr)
            self.assertEqual(len(lwtest.db_query(db, "SELECT * FROM silences")), 1)


class OneDaemonPerDatabase(unittest.TestCase):
    def test_second_daemon_refused_backup_onto_itself_refused_readers_work(self):
        with lwtest.Scratch(self) as tmp:
            st = apitest.Stack(tmp)
            st.run_episode()
            db = st.db
            alerts = lwtest.cli_json("alerts", "--db", db, "--format", "json")
            self.assertEqual(len(alerts), 1)
            observations = lwtest.db_query(db, "SELECT count(*) FROM observations")[0][0]

            # A second daemon on the same database refuses at once, naming it.
            cfg = st.daemon.config
            second = lwtest.run_cli("run", "--config", cfg, "--db", db, "--listen", "off",
                                    timeout=20)
            self.assertEqual(second.returncode, 1, second.stderr)
            self.assertIn(f"database {db} is in use by another liqwatch daemon (pid "
                          f"{st.daemon.proc.pid}, lock file {db}.lock)", second.stderr)
            st.daemon.assert_alive()

            # CLI readers and writers keep working while the daemon holds the lock.
            self.assertEqual(lwtest.cli_json("alerts", "--db", db, "--format", "json"), alerts)
            lwtest.run_cli("silence", "add", "--db", db, "--rule", "x", "--for", "1h",
                           check=True)
            # The API's since filter rejects an overflowing duration.
            r = st.get("/api/v1/alerts?since=99999999999999999999d")
            self.assertEqual(r.status, 400)
            self.assertIn("since: duration '99999999999999999999d' is too long", r.body.decode())

            # backup onto the live database, its -wal file, or a link to it: refused.
            link = tmp.path / "link.db"
            link.symlink_to(db)
            for target in (db, Path(f"{db}-wal"), link):
                with self.subTest(target=str(target)):
                    r = lwtest.run_cli("backup", "--db", db, "--to", target)
                    self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                    self.assertIn(f"liqwatch backup: backup target {target} is the database",
                                  r.stderr)
            self.assertTrue(integrity_ok(db))
            self.assertEqual(lwtest.cli_json("alerts", "--db", db, "--format", "json"), alerts)
            self.assertEqual(
                lwtest.db_query(db, "SELECT count(*) FROM observations")[0][0], observations)
            lwtest.run_cli("backup", "--db", db, "--to", tmp.path / "copy.db", check=True)

            # Once the first daemon stops, a new one starts on the database.
            self.assertEqual(st.daemon.terminate(), 0, st.daemon.log_tail())
            third = lwtest.start_daemon(tmp, cfg, db, args=("--listen", "off"),
                                        log_path=tmp.path / "third.log")
            time.sleep(1.5)
            third.assert_alive()
            self.assertEqual(third.terminate(), 0, third.log_tail())
            self.assertTrue(integrity_ok(db))


if __name__ == "__main__":
    unittest.main()
