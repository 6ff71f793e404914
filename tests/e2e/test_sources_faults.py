"""Fault cases of the feed pollers, each against the real `liqwatch run` and the loopback
fixture server (tests/fixtures/feedserver.py).

Each case lets the daemon store a series first, then injects one fault and asserts
- the error message, in source_health.last_error and in `liqwatch status --format json`, and
- that the stored observations are unchanged (no row added, changed or removed).
Cases: timeout, oversized body, dates in the future, non-numeric cells, layout drift
(html_table XPath and column, CSV header), FRED 429 with Retry-After, conditional GET (304),
and the per-host rate limit (request spacing from the server's request log).
"""

import datetime as dt
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402

FUTURE = "2099-01-02"
FRED_KEY = "abcdefghijklmnopqrstuvwxyz123456"


def rows(db: Path, series: str) -> list:
    """Every stored column of a series' observations (value, provisional, timestamps)."""
    return [tuple(r) for r in lwtest.db_query(
        db, "SELECT * FROM observations WHERE series = ? ORDER BY obs_date", (series,))]


def when(entry: dict) -> float:
    return dt.datetime.fromisoformat(entry["time"]).timestamp()


class Stack:
    """A feed server over the given tests/testdata/feeds series and a daemon on `config(url)` (the
    sources and series; storage and log are added)."""

    def __init__(self, test: unittest.TestCase, tmp: lwtest.Scratch, series: tuple,
                 config, dts: bool = False) -> None:
        data = tmp.path / "data"
        for s in series:
            lwtest.copy_series(data, s)
        if dts:
            lwtest.copy_feed_file(data, "DTS_OPERATING_CASH_BALANCE_rows.csv")
        data.mkdir(parents=True, exist_ok=True)
        self.test = test
        self.feed = lwtest.start_feed(tmp, data)
        self.db = tmp.path / "liqwatch.db"
        self.cfg = tmp.write("liqwatch.yaml",
                             lwtest.storage_yaml(self.db) + config(self.feed.base_url))
        self.daemon = lwtest.start_daemon(tmp, self.cfg, self.db)

    def wait_stored(self, *series: str, timeout: float = 30) -> None:
        def stored():
            self.daemon.assert_alive()
            return all(rows(self.db, s) for s in series)
        lwtest.wait_for(stored, timeout, f"{series} stored", on_timeout=self.daemon.log_tail)

    def health(self, series: str):
        return lwtest.source_health(self.db, series)

    def wait_error(self, series: str, expected: str, timeout: float = 30):
        """lwtest.wait_source_error for this stack's daemon."""
        return lwtest.wait_source_error(self.daemon, self.db, series, expected, timeout)

    def finish(self) -> None:
        self.test.assertIn("event=poll_failed", self.daemon.log())
        self.test.assertEqual(self.daemon.terminate(), 0, self.daemon.log_tail())


class SourceFaults(unittest.TestCase):
    def test_timeout_and_oversized_body(self):
        def config(url):
            return f"""\
sources:
  nyfed: {{type: nyfed, base_url: "{url}", timeout: 1s, requests_per_second: 50}}
  treasury: {{type: treasury_dts, base_url: "{url}", timeout: 5s, requests_per_second: 50}}
series:
  - {{id: sofr, source: nyfed, remote_id: sofr, unit: percent, interval: 1s}}
  - {{id: tga, source: treasury, remote_id: tga, unit: usd_mn, interval: 1s}}
"""
        with lwtest.Scratch(self) as tmp:
            st = Stack(self, tmp, ("SOFR",), config, dts=True)
            st.wait_stored("sofr", "tga")

            before = rows(st.db, "sofr")
            st.feed.fault("/api/rates/secured/sofr/", "timeout", count=2, delay=3)
            st.wait_error("sofr", "timed out after 1s")
            self.assertIn("/api/rates/secured/sofr/search.json", st.health("sofr")["last_error"])
            self.assertEqual(rows(st.db, "sofr"), before)

            # Over the default 8 MiB cap, with and without Content-Length.
            before = rows(st.db, "tga")
            st.feed.fault("/services/api/fiscal_service", "oversize", count=3)
            st.wait_error("tga", "response body exceeds the 8388608 byte limit")
            self.assertEqual(rows(st.db, "tga"), before)
            lwtest.wait_for(lambda: st.health("tga")["consecutive_failures"] == 0, 30,
                            "tga recovers", on_timeout=st.daemon.log_tail)
            st.feed.fault("/services/api/fiscal_service", "oversize", count=3,
                          no_content_length=True)
            st.wait_error("tga", "response body exceeds the 8388608 byte limit")
            self.assertEqual(rows(st.db, "tga"), before)
            st.finish()

    def test_future_dates_and_non_numeric_cells(self):
        def config(url):
            return f"""\
sources:
  fred: {{type: fred, graph_url: "{url}", timeout: 5s, requests_per_second: 50}}
  sofr_csv: {{type: csv, base_url: "{url}", path: "/graph/fredgraph.csv?id=SOFR",
             date_column: observation_date, timeout: 5s, requests_per_second: 50}}
  rrp_csv: {{type: csv, base_url: "{url}", path: "/graph/fredgraph.csv?id=RRPONTSYD",
            date_column: observation_date, timeout: 5s, requests_per_second: 50}}
  fng: {{type: fear_greed, base_url: "{url}", timeout: 5s, requests_per_second: 50}}
series:
  - {{id: sofr, source: fred, remote_id: SOFR, unit: percent, interval: 1s}}
  - {{id: rrp, source: fred, remote_id: RRPONTSYD, unit: usd_bn, interval: 1s}}
  - {{id: sofr_c, source: sofr_csv, remote_id: SOFR, unit: percent, interval: 1s}}
  - {{id: rrp_c, source: rrp_csv, remote_id: RRPONTSYD, unit: usd_bn, interval: 1s}}
  - {{id: fng, source: fng, remote_id: fng, unit: index, interval: 1s}}
"""
        with lwtest.Scratch(self) as tmp:
            st = Stack(self, tmp, ("SOFR", "RRPONTSYD"), config)
            series = ("sofr", "rrp", "sofr_c", "rrp_c", "fng")
            st.wait_stored(*series)
            before = {s: rows(st.db, s) for s in series}

            st.feed.set_value("SOFR", FUTURE, "4.40")
            # The newest date: polls ask from the newest stored date minus 7 days.
            st.feed.set_value("RRPONTSYD", "2025-12-30", "12.6O")
            st.feed.set_value("FNG", FUTURE, "55")  # ignored: FNG rows come from history.csv
            st.wait_error("sofr", f"FRED SOFR: 1 row(s) dated after today")
            self.assertIn(f"e.g. {FUTURE}", st.health("sofr")["last_error"])
            st.wait_error("sofr_c", f"sofr_csv: 1 row(s) dated after today")
            st.wait_error("rrp", "value '12.6O' in column 'RRPONTSYD' is not a number")
            self.assertIn("fredgraph CSV: line", st.health("rrp")["last_error"])
            st.wait_error("rrp_c", "rrp_csv: line")
            self.assertIn("value '12.6O' in column 'RRPONTSYD' is not a number",
                          st.health("rrp_c")["last_error"])
            for s in series:
                self.assertEqual(rows(st.db, s), before[s], s)
            self.assertEqual(lwtest.db_query(
                st.db, "SELECT COUNT(*) FROM observations WHERE obs_date >= ?", (FUTURE,))[0][0], 0)
            st.finish()

    def test_layout_drift(self):
        farside = (lwtest.SOURCE_DIR / "tests" / "fixtures" / "farside" / "btc.html").read_text()

        def config(url):
            return f"""\
sources:
  farside: {{type: html_table, preset: farside_btc, base_url: "{url}", timeout: 5s,
             requests_per_second: 50}}
  fred: {{type: fred, graph_url: "{url}", timeout: 5s, requests_per_second: 50}}
  flows_csv: {{type: csv, base_url: "{url}", path: "/graph/fredgraph.csv?id=SOFR",
              date_column: observation_date, timeout: 5s, requests_per_second: 50}}
series:
  - {{id: btc_etf_total, source: farside, remote_id: Total, unit: usd_mn, interval: 1s}}
  - {{id: sofr, source: fred, remote_id: SOFR, unit: percent, interval: 1s}}
  - {{id: sofr_c, source: flows_csv, remote_id: SOFR, unit: percent, interval: 1s}}
"""
        with lwtest.Scratch(self) as tmp:
            st = Stack(self, tmp, ("SOFR",), config)
            series = ("btc_etf_total", "sofr", "sofr_c")
            st.wait_stored(*series)
            before = {s: rows(st.db, s) for s in series}

            # html_table: the flow table lost its class, so the table XPath finds nothing.
            self.assertIn('<table class="etf">', farside)
            st.feed.body("/btc/", farside.replace('<table class="etf">', '<table class="flows">'),
                         "text/html; charset=UTF-8")
            st.wait_error("btc_etf_total", "farside: XPath '//table[contains(concat(' ', "
                                           "normalize-space(@class), ' '), ' etf ')]' matched "
                                           "no element")
            # html_table: the table is there but the Total column was renamed.
            st.feed.body("/btc/",
                         farside.replace(">Total</span></div></th>", ">Net</span></div></th>")
                         .replace(">Total</span></td>", ">Net</span></td>"),
                         "text/html; charset=UTF-8")
            st.wait_error("btc_etf_total", "farside: expected column(s) ['Total'] in header row 2, found ['IBIT', ")
            self.assertIn("'Net']", st.health("btc_etf_total")["last_error"])

            # CSV header mismatch, for the fredgraph parser and the generic csv source.
            st.feed.body("/graph/fredgraph.csv", "DATE_UTC,SOFR_RATE\n2025-10-28,4.31\n",
                         "application/csv")
            st.wait_error("sofr", "fredgraph CSV: line 1: expected header 'observation_date,SOFR' "
                                  "(or 'DATE,SOFR'), found 'DATE_UTC,SOFR_RATE'")
            st.wait_error("sofr_c", "flows_csv: line 1: expected column(s) 'observation_date', "
                                    "'SOFR' in the header, found 'DATE_UTC,SOFR_RATE'")
            for s in series:
                self.assertEqual(rows(st.db, s), before[s], s)
                self.assertNotIn("0 rows", st.health(s)["last_error"])
            st.finish()

    def test_fred_429_honours_retry_after(self):
        retry_after = 3

        def config(url):
            return f"""\
sources:
  fred: {{type: fred, base_url: "{url}", api_key: "{FRED_KEY}", timeout: 5s,
          requests_per_second: 50}}
series:
  - {{id: sofr, source: fred, remote_id: SOFR, unit: percent, interval: 1s, jitter: 0}}
  - {{id: iorb, source: fred, remote_id: IORB, unit: percent, interval: 1s, jitter: 0}}
"""
        with lwtest.Scratch(self) as tmp:
            st = Stack(self, tmp, ("SOFR", "IORB"), config)
            st.wait_stored("sofr", "iorb")
            before = {s: rows(st.db, s) for s in ("sofr", "iorb")}
            st.feed.fault("/fred/series/observations", "429", count=1, retry_after=retry_after)
            first = self._first_429_series(st)
            row = st.wait_error(first, "HTTP 429: FRED API error 429: Too Many Requests.  "
                                       "Exceeded Rate Limit")
            self.assertNotIn(FRED_KEY, row["last_error"])

            def resumed():
                return [r for r in st.feed.requests() if r["status"] == 200
                        and r["path"] == "/fred/series/observations"
                        and when(r) > self.t429 + 0.2]
            lwtest.wait_for(lambda: len(resumed()) >= 2, 20, "polling resumes after 429",
                            on_timeout=st.daemon.log_tail)
            log = [r for r in st.feed.requests() if r["path"] == "/fred/series/observations"]
            after = [when(r) for r in log if when(r) > self.t429 + 0.05]
            # Nothing goes to the host until Retry-After has passed (50 ms clock tolerance).
            self.assertGreaterEqual(min(after) - self.t429, retry_after - 0.05,
                                    [(r["time"], r["status"], r["query"][:40]) for r in log])
            for s in ("sofr", "iorb"):
                self.assertEqual(rows(st.db, s), before[s], s)
            self.assertIn("Exceeded Rate Limit", st.daemon.log())
            st.finish()

    def _first_429_series(self, st: Stack) -> str:
        """Waits for the 429 to be served; remembers its time; returns its series id."""
        def found():
            hits = [r for r in st.feed.requests() if r["status"] == 429]
            return hits[0] if hits else None
        hit = lwtest.wait_for(found, 20, "a 429 served", on_timeout=st.daemon.log_tail)
        self.t429 = when(hit)
        return "sofr" if "series_id=SOFR" in hit["query"] else "iorb"

    def test_conditional_get_and_304(self):
        def config(url):
            return f"""\
sources:
  nyfed: {{type: nyfed, base_url: "{url}", timeout: 5s, requests_per_second: 50}}
series:
  - {{id: sofr, source: nyfed, remote_id: sofr, unit: percent, interval: 1s, jitter: 0}}
"""
        with lwtest.Scratch(self) as tmp:
            st = Stack(self, tmp, ("SOFR",), config)
            st.wait_stored("sofr")
            path = "/api/rates/secured/sofr/search.json"

            def polls():
                return [r for r in st.feed.requests() if r["path"] == path]
            lwtest.wait_for(lambda: any(r["status"] == 304 for r in polls()), 20, "a 304",
                            on_timeout=st.daemon.log_tail)
            log = polls()
            first_304 = next(i for i, r in enumerate(log) if r["status"] == 304)
            # Poll 1 asks for the 2-year history, poll 2 for "since the newest stored date"
            # (a new URL: validators belong to a URL), poll 3 repeats poll 2's URL conditionally.
            self.assertLessEqual(first_304, 2, [(r["query"], r["status"]) for r in log])
            req = log[first_304]
            self.assertEqual(req["query"], log[first_304 - 1]["query"])
            self.assertTrue(req["headers"].get("If-None-Match", "").startswith('"'), req)
            self.assertIn("GMT", req["headers"].get("If-Modified-Since", ""), req)
            self.assertNotIn("If-None-Match", log[0]["headers"])
            self.assertIn("gzip", log[0]["headers"].get("Accept-Encoding", ""))
            self.assertIn("liqwatch", log[0]["headers"].get("User-Agent", ""))

            before = rows(st.db, "sofr")
            n = len(log)
            lwtest.wait_for(lambda: len(polls()) >= n + 2, 20, "two more polls")
            self.assertTrue(all(r["status"] == 304 for r in polls()[first_304:]))
            self.assertEqual(rows(st.db, "sofr"), before, "a 304 stores nothing")
            h = st.health("sofr")
            self.assertEqual(h["consecutive_failures"], 0)
            # A changed value ends the 304s: the new ETag brings the revision in.
            st.feed.set_value("SOFR", "2025-12-30", "3.75")
            lwtest.wait_for(lambda: dict((r[0], r[1]) for r in lwtest.db_query(
                st.db, "SELECT obs_date, value FROM observations WHERE series='sofr'"))
                .get("2025-12-30") == 3.75, 20, "revision stored", on_timeout=st.daemon.log_tail)
            self.assertEqual(st.daemon.terminate(), 0)

    def test_per_host_rate_limit(self):
        ids = ("SOFR", "IORB", "EFFR", "RRPONTSYD", "DFEDTARU", "DFEDTARL")

        def config(url):
            lines = "\n".join(
                f"  - {{id: {s.lower()}, source: fred, remote_id: {s}, unit: percent, "
                f"interval: 1s}}" for s in ids)
            return f"""\
sources:
  fred: {{type: fred, graph_url: "{url}", timeout: 5s, requests_per_second: 2}}
series:
{lines}
"""
        with lwtest.Scratch(self) as tmp:
            st = Stack(self, tmp, ids, config)

            def fred():
                return [r for r in st.feed.requests() if r["path"] == "/graph/fredgraph.csv"]
            lwtest.wait_for(lambda: len(fred()) >= 12, 30, "12 FRED requests",
                            on_timeout=st.daemon.log_tail)
            times = sorted(when(r) for r in fred())
            gaps = [b - a for a, b in zip(times, times[1:])]
            # 2 requests/s: starts at least 0.5 s apart (server arrival times; 60 ms tolerance).
            self.assertGreaterEqual(min(gaps), 0.44, [round(g, 3) for g in gaps])
            self.assertLessEqual((len(times) - 1) / (times[-1] - times[0]), 2.05)
            # Six series at interval 1s would be 6 requests/s without the limit.
            st.wait_stored(*(s.lower() for s in ids))
            self.assertEqual(st.daemon.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
