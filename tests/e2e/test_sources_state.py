"""What the daemon keeps about its feeds across a reload or a restart, against the real
`liqwatch run` and the loopback fixture server (tests/fixtures/feedserver.py).

- Source health follows the config: only configured, polled series have a health row (never
  the NY Fed per-operation series `srf:op:<id>`), and a series removed from the config leaves
  `liqwatch status`, /metrics and /api/v1/sources after a SIGHUP reload or a restart, while
  its observations stay.
- Conditional-GET validators (ETag / Last-Modified) are in the database: after a restart the
  first poll of each series repeats its last URL with If-None-Match / If-Modified-Since, gets
  a 304 with no body, stores nothing and still counts as a successful poll. FRED's api_key,
  which is in the request URL, is never in the database.
- An unchanged poll (a 304, or the same body again) writes nothing: its health row is updated
  in memory and written with the others' at most 10 s later, and at shutdown, when the row
  counts every poll.
"""

import http.server
import signal
import sqlite3
import sys
import threading
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import apitest  # noqa: E402
import lwtest  # noqa: E402

FRED_KEY = "k3y0123456789abcdefghijklmnopqrs"
SERIES = {
    "sofr": "{id: sofr, source: nyfed, remote_id: sofr, unit: percent, interval: 1s}",
    "effr": "{id: effr, source: nyfed, remote_id: effr, unit: percent, interval: 1s}",
    "srf": "{id: srf, source: nyfed, remote_id: repo, unit: usd, interval: 1s}",
}


def observations(db: Path, series: str) -> list:
    """Every stored column of a series' observations (timestamps included)."""
    return [tuple(r) for r in lwtest.db_query(
        db, "SELECT * FROM observations WHERE series = ? ORDER BY obs_date", (series,))]


def health(db: Path) -> dict:
    return {r["series"]: dict(r) for r in lwtest.db_query(db, "SELECT * FROM source_health")}


class HealthFollowsConfig(unittest.TestCase):
    def write_config(self, ids: tuple) -> Path:
        return self.tmp.write("liqwatch.yaml", lwtest.storage_yaml(self.db) + f"""\
api: {{listen: "127.0.0.1:{self.port}"}}
sources:
  nyfed: {{type: nyfed, base_url: "{self.feed.base_url}", timeout: 5s, requests_per_second: 50}}
series:
""" + "".join(f"  - {SERIES[i]}\n" for i in ids))

    def views(self) -> dict:
        """The series each view lists: status (CLI), /metrics (three health metrics and the
        latest value and age, never the NY Fed's per-operation series), the API."""
        status = lwtest.cli_json("status", "--db", self.db, "--format", "json")
        text = apitest.get(f"http://127.0.0.1:{self.port}/metrics").body.decode()
        metrics = {}
        for name in ("liqwatch_polls_total", "liqwatch_poll_errors_total",
                     "liqwatch_poll_consecutive_failures", "liqwatch_series_value",
                     "liqwatch_series_age_seconds"):
            metrics[name] = sorted(k.split('series="')[1].split('"')[0]
                                   for k in lwtest.metric_samples(text) if k.startswith(name + "{"))
        api = apitest.get(f"http://127.0.0.1:{self.port}/api/v1/sources").json()
        return {"status": sorted(s["series"] for s in status["sources"]),
                **metrics,
                "api": sorted(se["id"] for src in api["sources"] for se in src["series"]
                              if se["health"] is not None)}

    def assert_views(self, expected: list) -> None:
        got = self.views()
        self.assertEqual(got, {k: expected for k in got}, self.daemon.log_tail())

    def wait_polled(self, *ids: str, more_than: int = 0) -> None:
        def polled():
            self.daemon.assert_alive()
            h = health(self.db)
            return all(i in h and h[i]["polls"] > more_than for i in ids)
        lwtest.wait_for(polled, 30, f"{ids} polled", on_timeout=self.daemon.log_tail)

    def test_removed_series_leave_status_and_metrics_after_reload_and_restart(self):
        with lwtest.Scratch(self) as tmp:
            self.tmp = tmp
            data = tmp.path / "data"
            for s in ("SOFR", "EFFR"):
                lwtest.copy_series(data, s)
            self.feed = lwtest.start_feed(tmp, data)
            self.db = tmp.path / "liqwatch.db"
            self.port = lwtest.free_port()
            cfg = self.write_config(("sofr", "effr", "srf"))
            self.daemon = lwtest.start_daemon(tmp, cfg, self.db)
            self.wait_polled("sofr", "effr", "srf", more_than=1)

            # SRF keeps each operation as a series of its own, but only srf is polled.
            ops = lwtest.db_query(self.db, "SELECT DISTINCT series FROM observations "
                                           "WHERE series LIKE 'srf:op:%'")
            self.assertGreater(len(ops), 1)
            self.assertEqual(sorted(health(self.db)), ["effr", "sofr", "srf"])
            self.assert_views(["effr", "sofr", "srf"])

            # Reload without effr: its health row goes, its observations stay.
            effr_rows = observations(self.db, "effr")
            self.assertTrue(effr_rows)
            self.write_config(("sofr", "srf"))
            self.daemon.proc.send_signal(signal.SIGHUP)
            lwtest.wait_for(lambda: "event=series_forgotten count=1 series=effr"
                            in self.daemon.log(), 10, "effr forgotten",
                            on_timeout=self.daemon.log_tail)
            polls = health(self.db)["sofr"]["polls"]
            self.wait_polled("sofr", more_than=polls + 1)  # time for a late effr write to show
            self.assert_views(["sofr", "srf"])
            self.assertEqual(observations(self.db, "effr"), effr_rows)
            self.assertEqual(self.daemon.terminate(), 0, self.daemon.log_tail())

            # Restart without sofr, over a database holding a per-operation health row as
            # written by earlier versions: both go at start.
            con = sqlite3.connect(self.db)
            con.execute("INSERT INTO source_health (series, source, polls) "
                        "VALUES ('srf:op:RP 121125 1', 'nyfed', 3)")
            con.commit()
            con.close()
            sofr_rows = observations(self.db, "sofr")
            cfg = self.write_config(("srf",))
            self.daemon = lwtest.start_daemon(tmp, cfg, self.db,
                                              log_path=tmp.path / "liqwatch-restart.log")
            lwtest.wait_for(lambda: "event=series_forgotten count=2 series=sofr,srf:op:RP 121125 1"
                            in self.daemon.log(), 10, "sofr forgotten",
                            on_timeout=self.daemon.log_tail)
            polls = health(self.db)["srf"]["polls"]
            self.wait_polled("srf", more_than=polls + 1)
            self.assert_views(["srf"])
            self.assertEqual(observations(self.db, "sofr"), sofr_rows)
            self.assertEqual(self.daemon.terminate(), 0, self.daemon.log_tail())


class ValidatorsSurviveRestart(unittest.TestCase):
    def test_first_poll_after_restart_is_conditional_and_gets_304(self):
        paths = {"sofr": "/fred/series/observations", "iorb": "/graph/fredgraph.csv",
                 "effr": "/api/rates/unsecured/effr/search.json",
                 "tga": "/services/api/fiscal_service/v1/accounting/dts/operating_cash_balance"}
        with lwtest.Scratch(self) as tmp:
            data = tmp.path / "data"
            for s in ("SOFR", "IORB", "EFFR"):
                lwtest.copy_series(data, s)
            lwtest.copy_feed_file(data, "DTS_OPERATING_CASH_BALANCE_rows.csv")
            feed = lwtest.start_feed(tmp, data, api_key=FRED_KEY)
            db = tmp.path / "liqwatch.db"
            url = feed.base_url
            cfg = tmp.write("liqwatch.yaml", lwtest.storage_yaml(db) + f"""\
sources:
  fred: {{type: fred, base_url: "{url}", api_key: "{FRED_KEY}", requests_per_second: 50}}
  fredgraph: {{type: fred, graph_url: "{url}", requests_per_second: 50}}
  nyfed: {{type: nyfed, base_url: "{url}", requests_per_second: 50}}
  treasury: {{type: treasury_dts, base_url: "{url}", requests_per_second: 50}}
series:
  - {{id: sofr, source: fred, remote_id: SOFR, unit: percent, interval: 1s, jitter: 0}}
  - {{id: iorb, source: fredgraph, remote_id: IORB, unit: percent, interval: 1s, jitter: 0}}
  - {{id: effr, source: nyfed, remote_id: effr, unit: percent, interval: 1s, jitter: 0}}
  - {{id: tga, source: treasury, remote_id: tga, unit: usd_mn, interval: 1s, jitter: 0}}
""")

            def log_of(series):
                return [r for r in feed.requests() if r["path"] == paths[series]]

            # Run until every series has had a 304 (poll 3 repeats poll 2's URL), then stop.
            daemon = lwtest.start_daemon(tmp, cfg, db)
            lwtest.wait_for(lambda: daemon.assert_alive() and all(
                any(r["status"] == 304 for r in log_of(s)) for s in paths), 30,
                "a 304 for every series", on_timeout=daemon.log_tail)
            self.assertEqual(daemon.terminate(), 0, daemon.log_tail())
            last = {s: log_of(s)[-1] for s in paths}
            full = {s: next(r["bytes"] for r in log_of(s)
                            if r["status"] == 200 and r["query"] == last[s]["query"])
                    for s in paths}
            before = {s: observations(db, s) for s in paths}
            health_before = health(db)
            stored = [r["url"] for r in lwtest.db_query(
                db, "SELECT url FROM http_validators WHERE series = 'sofr'")]
            self.assertTrue(stored and all("api_key=[redacted]" in u for u in stored), stored)

            # Restart: each series' first request repeats its last URL, conditionally.
            lwtest.http_json("POST", f"{feed.base_url}/_requests/clear", {})
            daemon = lwtest.start_daemon(tmp, cfg, db, log_path=tmp.path / "liqwatch-2.log")

            def polled_again():
                daemon.assert_alive()
                h = health(db)
                return all(h[s]["polls"] > health_before[s]["polls"] for s in paths)
            lwtest.wait_for(polled_again, 30, "every series polled after the restart",
                            on_timeout=daemon.log_tail)
            self.assertEqual(daemon.terminate(), 0, daemon.log_tail())
            sent = 0
            for s in paths:
                first = log_of(s)[0]
                self.assertEqual(first["query"], last[s]["query"], s)
                self.assertEqual(first["headers"].get("If-None-Match"),
                                 last[s]["headers"].get("If-None-Match"), (s, first))
                self.assertTrue(first["headers"]["If-None-Match"].startswith('"'), (s, first))
                self.assertIn("GMT", first["headers"].get("If-Modified-Since", ""), (s, first))
                self.assertEqual((first["status"], first["bytes"]), (304, 0), (s, first))
                sent += first["bytes"]
                # Nothing re-ingested; health still updated.
                self.assertEqual(observations(db, s), before[s], s)
                h = health(db)[s]
                self.assertEqual(h["consecutive_failures"], 0, s)
                self.assertGreater(h["last_success_at"], health_before[s]["last_success_at"], s)
                self.assertEqual(h["last_new_observation_at"],
                                 health_before[s]["last_new_observation_at"], s)
            print(f"\nfirst poll after restart: {sent} body bytes for {len(paths)} series "
                  f"(unconditional, the same URLs answer {sum(full.values())} bytes: {full})",
                  file=sys.stderr)

            # The FRED key is in the request URLs but never in the database (nor its WAL).
            self.assertIn(FRED_KEY, last["sofr"]["query"])
            for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                if f.exists():
                    self.assertNotIn(FRED_KEY.encode(), f.read_bytes(), f)
            self.assertNotIn(FRED_KEY, daemon.log())


if __name__ == "__main__":
    unittest.main()


class SameCsv(http.server.ThreadingHTTPServer):
    """fredgraph.csv answering the same body to every request, with no validators: each poll
    after the first is unchanged by its body alone. Counts the requests it answered."""

    BODY = b"observation_date,SOFR\n2025-10-27,4.29\n2025-10-28,4.31\n"

    def __init__(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(SameCsv.BODY)))
                self.end_headers()
                self.wfile.write(SameCsv.BODY)
                with self.server.lock:
                    self.server.served += 1

            def log_message(self, *args):
                pass
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.served = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class UnchangedPollsWriteNothing(unittest.TestCase):
    def test_unchanged_polls_commit_nothing_until_the_health_flush(self):
        with lwtest.Scratch(self) as tmp:
            data = tmp.path / "data"
            lwtest.copy_series(data, "IORB")
            feed = lwtest.start_feed(tmp, data)
            same = tmp.enter(SameCsv())
            db = tmp.path / "liqwatch.db"
            cfg = tmp.write("liqwatch.yaml", lwtest.storage_yaml(db) + f"""\
api: {{listen: "off"}}
sources:
  fredgraph: {{type: fred, graph_url: "{feed.base_url}", requests_per_second: 50}}
  same: {{type: fred, graph_url: "{same.url}", requests_per_second: 50}}
series:
  - {{id: iorb, source: fredgraph, remote_id: IORB, unit: percent, interval: 1s, jitter: 0}}
  - {{id: sofr, source: same, remote_id: SOFR, unit: percent, interval: 1s, jitter: 0}}
""")

            def served() -> dict:
                with same.lock:
                    n = same.served
                log = [r for r in feed.requests() if r["path"] == "/graph/fredgraph.csv"]
                return {"iorb": len(log), "sofr": n, "iorb_304": sum(r["status"] == 304
                                                                     for r in log)}

            daemon = lwtest.start_daemon(tmp, cfg, db)
            # Steady state: iorb answered 304s, sofr its body again, both rows written.
            lwtest.wait_for(lambda: daemon.assert_alive() and served()["iorb_304"] >= 2
                            and served()["sofr"] >= 3 and len(health(db)) == 2, 30,
                            "unchanged polls of both series", on_timeout=daemon.log_tail)

            con = sqlite3.connect(db)
            self.addCleanup(con.close)

            def data_version() -> int:  # changes whenever another connection commits
                return con.execute("PRAGMA data_version").fetchone()[0]

            # The first flush of the unchanged polls noted so far: one commit.
            v = data_version()
            lwtest.wait_for(lambda: daemon.assert_alive() and data_version() != v, 15,
                            "the health flush", on_timeout=daemon.log_tail)
            v, before = data_version(), served()
            end = time.monotonic() + 6
            while time.monotonic() < end:  # the next flush is 10 s away
                self.assertEqual(data_version(), v, "a commit between two flushes")
                time.sleep(0.02)
            after = served()
            for s in ("iorb", "sofr"):
                self.assertGreaterEqual(after[s] - before[s], 4, (s, before, after))
            self.assertGreaterEqual(after["iorb_304"] - before["iorb_304"], 4, (before, after))
            # Each of those polls did count: the row is written at shutdown, every poll in it.
            self.assertEqual(daemon.terminate(), 0, daemon.log_tail())
            final, h = served(), health(db)
            for s in ("iorb", "sofr"):
                self.assertIn(h[s]["polls"], (final[s] - 1, final[s]), (s, final, h[s]))
                self.assertEqual((h[s]["errors"], h[s]["consecutive_failures"]), (0, 0), s)
                self.assertGreater(h[s]["last_success_at"], h[s]["last_new_observation_at"], s)
