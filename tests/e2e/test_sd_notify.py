"""The daemon speaks the sd_notify protocol the way liqwatch.service (Type=notify) expects.

The test plays systemd: it owns an AF_UNIX datagram socket, starts `liqwatch run` with
NOTIFY_SOCKET pointing at it and WATCHDOG_USEC set, and reads what the daemon sends:

  start      READY=1, a STATUS=..., then WATCHDOG=1 every WATCHDOG_USEC/2
  SIGHUP     RELOADING=1 (+ MONOTONIC_USEC=), then READY=1 again
  bad config on SIGHUP: still RELOADING=1 then READY=1, and the daemon keeps running
  SIGTERM    STOPPING=1, then exit status 0

A datagram may carry several newline-separated assignments ("READY=1\nSTATUS=..."); they are
split and handled one by one. A feed is served from a local HTTP server so nothing leaves the
machine.

Environment: LIQWATCH_BIN (the built binary, required), LIQWATCH_ARTIFACTS (optional: the
daemon's output is kept there as sd_notify-<test>.log).
"""

import http.server
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402

BIN = os.environ.get("LIQWATCH_BIN", "")  # required here: no default build path
WATCHDOG_USEC = 2_000_000  # pings expected every second

SOFR_CSV = (b"observation_date,SOFR\n2025-10-27,4.29\n2025-10-28,4.31\n2025-10-29,4.32\n"
            b"2025-10-30,4.22\n2025-10-31,4.22\n")


class FredGraph(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Type", "application/csv")
        self.send_header("Content-Length", str(len(SOFR_CSV)))
        self.end_headers()
        self.wfile.write(SOFR_CSV)

    def log_message(self, *args):
        pass


def minimal_config(db, graph_port, api_port):
    return (lwtest.storage_yaml(db, log_level=None) + lwtest.api_yaml(f"127.0.0.1:{api_port}")
            + lwtest.section_yaml("sources", lwtest.mapping_entry_yaml(
                "fred", type="fred", graph_url=f"http://127.0.0.1:{graph_port}"))
            + lwtest.section_yaml("series", lwtest.fred_series_yaml("sofr", "SOFR", interval="1h"))
            + "rules: []\nnotifiers: {}\n")


class Supervisor:
    """The NOTIFY_SOCKET end. Collects assignments ("KEY=value") with arrival times."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.seen = []  # (monotonic time, "KEY=value") in arrival order

    def close(self):
        self.sock.close()

    def _pump(self, timeout):
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not r:
            return False
        data = self.sock.recv(65536).decode("utf-8", "replace")
        now = time.monotonic()
        self.seen.extend((now, line) for line in data.split("\n") if line)
        return True

    def wait_for(self, predicate, timeout, start_index=0, what="", alive=lambda: True):
        """Index of the first assignment at or after start_index satisfying predicate.

        Gives up early when alive() turns false and nothing more is queued on the socket."""
        deadline = time.monotonic() + timeout
        i = start_index
        while True:
            while i < len(self.seen):
                if predicate(self.seen[i][1]):
                    return i
                i += 1
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}; received so far: "
                    f"{[m for _, m in self.seen]}")
            if not self._pump(min(left, 0.25)) and not alive():
                if not self._pump(0.1):  # a last datagram may still be in flight
                    raise AssertionError(
                        f"the daemon exited while waiting for {what}; received so far: "
                        f"{[m for _, m in self.seen]}")

    def drain(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._pump(deadline - time.monotonic())


class SdNotifyTest(unittest.TestCase):
    def setUp(self):
        if not BIN:
            self.fail("LIQWATCH_BIN is not set: run through ctest, or export "
                      "LIQWATCH_BIN=<build>/liqwatch")
        if not (os.path.isfile(BIN) and os.access(BIN, os.X_OK)):
            self.fail(f"LIQWATCH_BIN={BIN} does not exist or is not executable: build it first "
                      "(ninja -C <build> liqwatch)")
        self.tmp = tempfile.TemporaryDirectory(prefix="lw-notify-")  # short: sun_path <= 107
        tmp = Path(self.tmp.name)
        self.addCleanup(self.tmp.cleanup)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FredGraph)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.addCleanup(self.httpd.server_close)
        self.addCleanup(self.httpd.shutdown)

        self.db = tmp / "liqwatch.db"
        self.config = tmp / "liqwatch.yaml"
        self.config.write_text(minimal_config(self.db, self.httpd.server_address[1],
                                              lwtest.free_port()))

        self.sup = Supervisor(str(tmp / "notify.sock"))
        self.addCleanup(self.sup.close)

        log_dir = lwtest.ARTIFACTS if lwtest.ARTIFACTS else tmp
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"sd_notify-{self._testMethodName}.log"
        self.log = open(self.log_path, "w")
        self.addCleanup(self.log.close)
        self.notify_socket = str(tmp / "notify.sock")
        self.proc = None
        self.addCleanup(self._reap)

    def start(self, notify):
        env = {k: v for k, v in os.environ.items()
               if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS",
                            "LISTEN_PID", "JOURNAL_STREAM", "CREDENTIALS_DIRECTORY")}
        if notify:
            env["NOTIFY_SOCKET"] = self.notify_socket
            env["WATCHDOG_USEC"] = str(WATCHDOG_USEC)
        self.proc = subprocess.Popen(
            [BIN, "run", "--config", str(self.config), "--db", str(self.db)],
            env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)

    def _reap(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def daemon_log(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait(self, predicate, timeout, start, what):
        try:
            return self.sup.wait_for(predicate, timeout, start, what,
                                     alive=lambda: self.proc.poll() is None)
        except AssertionError as e:
            alive = "running" if self.proc.poll() is None else f"exited {self.proc.returncode}"
            raise AssertionError(f"{e}\ndaemon {alive}; its log:\n{self.daemon_log()}") from None

    def test_life_cycle(self):
        sup = self.sup
        self.start(notify=True)

        # --- start-up
        ready = self.wait(lambda m: m == "READY=1", 30, 0, "READY=1 after start")
        self.wait(lambda m: m.startswith("STATUS=") and len(m) > len("STATUS="), 10, 0,
                  "a non-empty STATUS=")
        # After the first poll of the fake FRED, STATUS counts healthy series and firing alerts.
        self.wait(lambda m: m == "STATUS=1 series: 1 ok, 0 failing; 0 alerts firing", 15,
                  0, "STATUS= with source health and the firing count")
        first_ping = self.wait(lambda m: m == "WATCHDOG=1", WATCHDOG_USEC / 1e6 * 2, ready,
                               "WATCHDOG=1 within the watchdog timeout after READY=1")
        # The loop keeps feeding the watchdog at about half the timeout (1 s here).
        sup.drain(3.5)
        pings = [t for t, m in sup.seen[first_ping:] if m == "WATCHDOG=1"]
        self.assertGreaterEqual(len(pings), 3, f"pings at {pings}")
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        self.assertLess(max(gaps), WATCHDOG_USEC / 1e6, f"gap between pings too long: {gaps}")

        # --- reload with a valid config: RELOADING=1 (+ MONOTONIC_USEC), then READY=1
        mark = len(sup.seen)
        self.proc.send_signal(signal.SIGHUP)
        before = time.monotonic()
        reloading = self.wait(lambda m: m == "RELOADING=1", 10, mark, "RELOADING=1 after SIGHUP")
        mono = self.wait(lambda m: m.startswith("MONOTONIC_USEC="), 1, reloading,
                         "MONOTONIC_USEC= with RELOADING=1")
        usec = int(sup.seen[mono][1].split("=", 1)[1])
        # CLOCK_MONOTONIC, same clock as Python's time.monotonic() on Linux.
        self.assertLess(abs(usec / 1e6 - before), 10, f"MONOTONIC_USEC={usec} vs {before}")
        self.wait(lambda m: m == "READY=1", 15, reloading, "READY=1 after the reload")
        self.assertIsNone(self.proc.poll(), "daemon died during reload")

        # --- reload with a broken config: the daemon keeps the old one, still reports READY=1
        # (systemd would otherwise sit in "reloading" until it times out).
        good = self.config.read_text()
        self.config.write_text(good + "unknown_top_level_key: 1\n")
        mark = len(sup.seen)
        self.proc.send_signal(signal.SIGHUP)
        reloading = self.wait(lambda m: m == "RELOADING=1", 10, mark,
                              "RELOADING=1 after SIGHUP with a bad config")
        self.wait(lambda m: m == "READY=1", 15, reloading, "READY=1 after a rejected reload")
        sup.drain(0.5)
        self.assertIsNone(self.proc.poll(), "a bad config on reload must not stop the daemon")
        self.config.write_text(good)

        # --- stop
        mark = len(sup.seen)
        self.proc.send_signal(signal.SIGTERM)
        self.wait(lambda m: m == "STOPPING=1", 30, mark, "STOPPING=1 after SIGTERM")
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.fail(f"daemon did not exit within 30s of SIGTERM; log:\n{self.daemon_log()}")
        self.assertEqual(code, 0, f"exit status after SIGTERM; log:\n{self.daemon_log()}")
        after_stop = [m for _, m in sup.seen[mark:]]
        self.assertNotIn("READY=1", after_stop, "READY=1 after STOPPING=1")

    def test_no_notify_socket_is_fine(self):
        # Under a shell or Type=simple there is no NOTIFY_SOCKET: the daemon runs and stops
        # normally, and sends nothing anywhere.
        self.start(notify=False)
        time.sleep(2)
        self.assertIsNone(self.proc.poll(), f"daemon exited early; log:\n{self.daemon_log()}")
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.fail(f"daemon did not exit within 30s of SIGTERM; log:\n{self.daemon_log()}")
        self.assertEqual(code, 0, self.daemon_log())
        self.sup.drain(0.2)
        self.assertEqual(self.sup.seen, [])

if __name__ == "__main__":
    unittest.main()
