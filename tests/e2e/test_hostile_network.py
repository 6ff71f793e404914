"""Hostile network input against the real `liqwatch run` (issue 12 item 4): each case asserts
the error message and that stored data is intact.

Feeds (loopback fixture server tests/fixtures/feedserver.py, generic csv/json sources):
- a response repeating a date with two values is refused naming the date, and a rule on the
  series does not flap;
- a JSON number 1e400 is refused naming the date; nothing non-finite reaches /metrics;
- a redirect to another host name is refused naming it, unless the source's redirect_hosts
  allows it;
- Retry-After: 999999999 on a 429 waits http.max_retry_after, not forever;
- an HTTP error names the (redacted) URL that answered.
Notifications: a webhook URL (its token in the path) never reaches deliveries.last_error,
GET /api/v1/alerts/{id} or `liqwatch alerts show`, when the transport fails.
"""

import json
import socket
import sys
import time
import unittest
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402
import notify_sinks as ns  # noqa: E402
from test_sources_faults import Stack, rows  # noqa: E402

CSV_PATH = "/static/rates.csv"
JSON_PATH = "/static/rates.json"
GOOD_CSV = "date,rate\n2025-10-27,4.20\n2025-10-28,4.25\n"


def csv_config(extra_source: str = "", extra_top: str = ""):
    def config(url):
        return f"""\
{extra_top}sources:
  web: {{type: csv, base_url: "{url}", path: "{CSV_PATH}", date_column: date, timeout: 5s,
        requests_per_second: 50{extra_source}}}
  js: {{type: json, base_url: "{url}", path: "{JSON_PATH}", rows_pointer: /rows,
       date_pointer: /date, timeout: 5s, requests_per_second: 50}}
series:
  - {{id: rate, source: web, remote_id: rate, unit: percent, interval: 1s}}
  - {{id: jrate, source: js, remote_id: /value, unit: percent, interval: 1s}}
rules:
  - {{name: rate_high, series: rate, op: ">", threshold: "4.30"}}
"""
    return config


def alert_events(db: Path) -> int:
    return lwtest.db_query(db, "SELECT count(*) AS n FROM alert_events")[0]["n"]


class HostileFeeds(unittest.TestCase):
    def start(self, tmp, config) -> Stack:
        data = tmp.path / "data"
        data.mkdir(parents=True, exist_ok=True)
        st = Stack.__new__(Stack)
        st.test = self
        st.feed = lwtest.start_feed(tmp, data)
        st.feed.body(CSV_PATH, GOOD_CSV, "text/csv")
        st.feed.body(JSON_PATH, json.dumps({"rows": [{"date": "2025-10-28", "value": 4.1}]}),
                     "application/json")
        st.db = tmp.path / "liqwatch.db"
        st.cfg = tmp.write("liqwatch.yaml", lwtest.storage_yaml(st.db) + config(st.feed.base_url))
        st.daemon = lwtest.start_daemon(tmp, st.cfg, st.db)
        st.wait_stored("rate", "jrate")
        return st

    def test_repeated_date_is_refused_and_does_not_flap(self):
        with lwtest.Scratch(self) as tmp:
            st = self.start(tmp, csv_config())
            before = rows(st.db, "rate")
            # One static response, 2025-10-29 twice: one value above the threshold, one below.
            st.feed.body(CSV_PATH, GOOD_CSV + "2025-10-29,4.50\n2025-10-29,4.10\n", "text/csv")
            st.wait_error("rate", "web rate: the response has two observations of rate for "
                                  "2025-10-29 (4.5 and 4.1); a repeated date is ambiguous, "
                                  "nothing from this response is stored")
            time.sleep(3)  # three more polls of the same response
            self.assertEqual(rows(st.db, "rate"), before)
            self.assertEqual(alert_events(st.db), 0)
            self.assertGreaterEqual(st.health("rate")["consecutive_failures"], 3)
            st.finish()

    def test_non_finite_number_is_refused(self):
        with lwtest.Scratch(self) as tmp:
            st = self.start(tmp, csv_config(extra_top='api:\n  listen: "127.0.0.1:%d"\n'
                                            % lwtest.free_port()))
            before = rows(st.db, "jrate")
            st.feed.body(JSON_PATH, '{"rows": [{"date": "2025-10-28", "value": 4.1},'
                                    ' {"date": "2025-10-29", "value": 1e400}]}',
                         "application/json")
            st.wait_error("jrate", "js: row 1 (2025-10-29): value at '/value' is a number too large "
                                   "for a double (infinite), expected a number")
            self.assertEqual(rows(st.db, "jrate"), before)
            self.assertEqual(lwtest.db_query(
                st.db, "SELECT count(*) AS n FROM observations WHERE value > 1e308 "
                       "OR value < -1e308")[0]["n"], 0)
            listen = [line for line in st.cfg.read_text().splitlines() if "listen" in line][0]
            port = listen.split(":")[-1].strip().strip('"')
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                metrics = r.read().decode()
            values = [line for line in metrics.splitlines()
                      if line.startswith("liqwatch_series_value{")]
            self.assertTrue(any('series="jrate"' in line for line in values), metrics)
            for line in values:
                self.assertNotIn("Inf", line)
                self.assertNotIn("NaN", line)
            st.finish()

    def test_redirects_stay_on_the_configured_host(self):
        with lwtest.Scratch(self) as tmp:
            st = self.start(tmp, csv_config())
            before = rows(st.db, "rate")
            port = st.feed.base_url.rsplit(":", 1)[1]
            # "localhost" is another host name than the configured 127.0.0.1.
            lwtest.http_json("POST", f"{st.feed.base_url}/_control/body", {
                "path": CSV_PATH, "body": "", "status": 302,
                "headers": {"Location": f"http://localhost:{port}/static/moved.csv"}})
            st.feed.body("/static/moved.csv", GOOD_CSV + "2025-10-29,4.31\n", "text/csv")
            st.wait_error("rate", "HTTP 302 redirect to host 'localhost' refused: redirects stay "
                                  "on the requested host unless it is allowed (a source's "
                                  "redirect_hosts)")
            self.assertEqual(rows(st.db, "rate"), before)
            moved = [r for r in st.feed.requests() if r["path"] == "/static/moved.csv"]
            self.assertEqual(moved, [])
            st.finish()

    def test_redirect_to_an_allowed_host_is_followed(self):
        with lwtest.Scratch(self) as tmp:
            st = self.start(tmp, csv_config(extra_source=", redirect_hosts: [localhost]"))
            port = st.feed.base_url.rsplit(":", 1)[1]
            st.feed.body("/static/moved.csv", GOOD_CSV + "2025-10-29,4.31\n", "text/csv")
            lwtest.http_json("POST", f"{st.feed.base_url}/_control/body", {
                "path": CSV_PATH, "body": "", "status": 301,
                "headers": {"Location": f"http://localhost:{port}/static/moved.csv"}})
            lwtest.wait_observation(st.daemon, st.db, "rate", "2025-10-29")
            self.assertEqual(st.daemon.terminate(), 0, st.daemon.log_tail())

    def test_huge_retry_after_is_capped(self):
        with lwtest.Scratch(self) as tmp:
            st = self.start(tmp, csv_config(extra_top="http:\n  max_retry_after: 2s\n"))
            st.feed.fault(CSV_PATH, "429", count=1, retry_after=999999999)
            st.wait_error("rate", "HTTP 429")
            st.feed.body(CSV_PATH, GOOD_CSV + "2025-10-29,4.2\n", "text/csv")
            # Before the cap the host stayed blocked until a restart.
            lwtest.wait_observation(st.daemon, st.db, "rate", "2025-10-29", timeout=15)
            st.finish()

    def test_http_error_names_the_url(self):
        with lwtest.Scratch(self) as tmp:
            st = self.start(tmp, csv_config())
            before = rows(st.db, "rate")
            st.feed.fault(CSV_PATH, "404", count=3)
            st.wait_error("rate", f"HTTP 404 from {st.feed.base_url}{CSV_PATH}")
            self.assertEqual(rows(st.db, "rate"), before)
            st.finish()


WEBHOOK_TOKEN = "hook-token-5e1f2a9c"


class SecretUrls(unittest.TestCase):
    def test_webhook_url_never_stored_or_served(self):
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp)
            dead_port = lwtest.free_port()  # nothing listens: every POST is refused
            url = f"http://127.0.0.1:{dead_port}/services/T0/B0/{WEBHOOK_TOKEN}"
            api_port = lwtest.free_port()
            db = tmp.path / "lw.db"
            cfg = tmp.write("liqwatch.yaml", lwtest.daemon_config(
                db, f'"127.0.0.1:{api_port}"', lwtest.fred_source_yaml(feed.base_url),
                series=lwtest.SOFR_SERIES, rules=ns.SOFR_ABOVE_4_30,
                notifiers=lwtest.webhook_notifier_yaml("ops", url, timeout="2s")))
            daemon = lwtest.start_daemon(tmp, cfg, db)
            lwtest.wait_observation(daemon, db, "sofr", "2025-10-27")
            feed.until("SOFR", "2025-10-28")

            def failed():
                r = lwtest.db_query(db, "SELECT * FROM deliveries WHERE last_error IS NOT NULL")
                return r[0] if r else None
            row = lwtest.wait_for(failed, 20, "a failed delivery", on_timeout=daemon.log_tail)
            self.assertEqual(row["status"], "pending")
            self.assertIn("webhook ops: POST [redacted", row["last_error"])
            self.assertNotIn(WEBHOOK_TOKEN, row["last_error"])
            self.assertNotIn("/services/", row["last_error"])
            alert_id = lwtest.db_query(db, "SELECT id FROM alerts")[0]["id"]
            with urllib.request.urlopen(
                    f"http://127.0.0.1:{api_port}/api/v1/alerts/{alert_id}", timeout=5) as r:
                served = r.read().decode()
            self.assertIn("webhook ops: POST [redacted", served)
            self.assertNotIn(WEBHOOK_TOKEN, served)
            shown = lwtest.run_cli("alerts", "show", str(alert_id), "--db", db).stdout
            self.assertIn("webhook ops: POST [re", shown)  # the table cuts long errors
            self.assertNotIn(WEBHOOK_TOKEN, shown)
            shown = lwtest.run_cli("alerts", "show", str(alert_id), "--db", db,
                                   "--format", "json").stdout
            self.assertIn("webhook ops: POST [redacted", shown)
            self.assertNotIn(WEBHOOK_TOKEN, shown)
            self.assertEqual(daemon.terminate(), 0)
            self.assertNotIn(WEBHOOK_TOKEN, daemon.log())
            self.assertNotIn(WEBHOOK_TOKEN, ns.db_dump(db))


class ApiConnections(unittest.TestCase):
    def test_idle_connections_do_not_lock_out_healthz(self):
        with lwtest.Scratch(self) as tmp:
            feed = lwtest.start_sofr_feed(tmp)
            api_port = lwtest.free_port()
            db = tmp.path / "lw.db"
            cfg = tmp.write("liqwatch.yaml", lwtest.storage_yaml(db)
                            + lwtest.api_yaml(f'"127.0.0.1:{api_port}"')
                            + lwtest.fred_source_yaml(feed.base_url)
                            + lwtest.section_yaml("series", lwtest.SOFR_SERIES))
            daemon = lwtest.start_daemon(tmp, cfg, db)
            lwtest.wait_observation(daemon, db, "sofr", "2025-10-27")
            idle = []
            try:
                # More idle connections than the server's 128 (and 32 per client) slots: they
                # used to hold every slot for 15 s, again and again.
                for _ in range(200):
                    idle.append(socket.create_connection(("127.0.0.1", api_port), timeout=5))
                for path in ("/healthz", "/readyz"):
                    with urllib.request.urlopen(f"http://127.0.0.1:{api_port}{path}",
                                                timeout=5) as r:
                        self.assertEqual(r.status, 200)
                # An idle connection is closed by the server (idle timeout, or to make room).
                idle[-1].settimeout(10)
                self.assertEqual(idle[-1].recv(1), b"")
            finally:
                for s in idle:
                    s.close()
            self.assertEqual(daemon.terminate(), 0, daemon.log_tail())


if __name__ == "__main__":
    unittest.main()
