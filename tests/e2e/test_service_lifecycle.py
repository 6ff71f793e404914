"""Process behaviour a service manager relies on: SIGTERM drains in-flight deliveries, and
SIGHUP applies a new config (added series and rules take effect) without losing state.

A slow webhook sink holds each POST for a few seconds; SIGTERM arrives while a delivery is in
flight. The daemon must stop polling, wait for that delivery (drain timeout 10 s), record it
as delivered, and exit 0. With a sink slower than the drain timeout, the daemon still exits 0
and the delivery stays pending in the outbox, to be sent after the next start.

Environment: see lwtest.py.
"""

import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402


def config(feed_url: str, sink_url: str, series: str = "sofr", timeout: str = "30s") -> str:
    rules = {
        "sofr": "  - {name: sofr_high, series: sofr, op: '>', threshold: 4.30, notify: [sink]}\n",
        "iorb": "  - {name: iorb_high, series: iorb, op: '>', threshold: 4.0, notify: [sink]}\n",
    }
    ids = series.split(",")
    series_yaml = "".join(
        f"  - {{id: {s}, source: fred, remote_id: {s.upper()}, unit: percent, interval: 1s}}\n"
        for s in ids)
    return (f"sources:\n  fred: {{type: fred, graph_url: '{feed_url}', requests_per_second: 50}}\n"
            f"series:\n{series_yaml}rules:\n" + "".join(rules[s] for s in ids) +
            f"notifiers:\n  sink: {{type: webhook, url: '{sink_url}', timeout: {timeout}}}\n"
            f"api: {{listen: '127.0.0.1:{lwtest.free_port()}'}}\n")


def delivery_status(db: Path) -> list:
    return [r["status"] for r in lwtest.db_query(db, "SELECT status FROM deliveries ORDER BY id")]


class ServiceLifecycle(unittest.TestCase):
    def _start_firing(self, tmp, sink_delay: float):
        """The daemon with a webhook sink that holds each POST sink_delay s, once the first
        POST (SOFR 2025-10-28 fires sofr_high) has arrived there."""
        feed = lwtest.start_sofr_feed(tmp)
        sink = tmp.enter(lwtest.Sink(delay=sink_delay))
        db = tmp.path / "liqwatch.db"
        cfg = tmp.write("liqwatch.yaml", config(feed.base_url, sink.url))
        daemon = lwtest.start_daemon(tmp, cfg, db)
        lwtest.wait_observation(daemon, db, "sofr", "2025-10-27")
        feed.until("SOFR", "2025-10-28")  # 4.31 > 4.30: fires, the POST starts
        sink.wait_for_requests(1, 20, on_timeout=daemon.log_tail)
        return daemon, db, sink

    def test_sigterm_waits_for_in_flight_delivery(self):
        with lwtest.Scratch(self) as tmp:
            daemon, db, sink = self._start_firing(tmp, sink_delay=3)
            started = time.monotonic()
            self.assertEqual(daemon.terminate(timeout=15), 0, daemon.log_tail())
            waited = time.monotonic() - started
            self.assertGreaterEqual(waited, 2.0, "exited before the in-flight POST completed")
            self.assertEqual(delivery_status(db), ["delivered"])
            self.assertIn("event=drain_start in_flight=1", daemon.log())
            self.assertIn("event=stopped", daemon.log())

    def test_sigterm_leaves_slow_delivery_pending_after_drain_timeout(self):
        with lwtest.Scratch(self) as tmp:
            daemon, db, sink = self._start_firing(tmp, sink_delay=25)
            self.assertEqual(daemon.terminate(timeout=20), 0, daemon.log_tail())
            self.assertEqual(delivery_status(db), ["pending"])  # kept for the next start
            self.assertEqual(lwtest.db_query(db, "PRAGMA integrity_check")[0][0], "ok")

    def test_sighup_adds_series_and_rules_and_keeps_state(self):
        with lwtest.Scratch(self) as tmp:
            data = lwtest.copy_series(tmp.path / "data", "SOFR", since="2025-10-01")
            lwtest.copy_series(data, "IORB", since="2025-10-01")
            feed = lwtest.start_feed(tmp, data)
            feed.until("*", "2025-10-28")
            sink = tmp.enter(lwtest.Sink())
            db = tmp.path / "liqwatch.db"
            cfg = tmp.write("liqwatch.yaml", config(feed.base_url, sink.url))
            daemon = lwtest.start_daemon(tmp, cfg, db)
            sink.wait_for_requests(1, 20, on_timeout=daemon.log_tail)  # sofr_high fired
            self.assertIsNone(lwtest.observation(db, "iorb", "2025-10-28"))

            # A broken config is rejected and the daemon keeps running on the old one.
            cfg.write_text("series: [oops\n")
            daemon.proc.send_signal(__import__("signal").SIGHUP)
            lwtest.wait_for(lambda: "event=reload_rejected" in daemon.log(), 10, "reload rejected",
                            on_timeout=daemon.log_tail)
            self.assertIn("liqwatch.yaml:2:1: YAML syntax error", daemon.log())
            daemon.assert_alive()

            cfg.write_text(config(feed.base_url, sink.url, series="sofr,iorb"))
            daemon.proc.send_signal(__import__("signal").SIGHUP)
            lwtest.wait_for(lambda: "event=reloaded 1 sources, 2 series, 2 rules" in daemon.log(),
                            10, "reloaded", on_timeout=daemon.log_tail)
            lwtest.wait_for(lambda: lwtest.observation(db, "iorb", "2025-10-28"), 20,
                            "iorb polled after reload", on_timeout=daemon.log_tail)
            # IORB 4.15 (Oct 28) > 4.0: the new rule fires; sofr_high is still firing, not resent.
            reqs = sink.wait_for_requests(2, 20, on_timeout=daemon.log_tail)
            time.sleep(2)
            rules = sorted(r.json["rule"] for r in sink.requests())
            self.assertEqual(rules, ["iorb_high", "sofr_high"])
            self.assertEqual(daemon.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
