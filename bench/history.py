#!/usr/bin/env python3
"""History queries over 1M alert events, end to end: `liqwatch alerts` with filters (wall time of
the whole process, start-up included) and GET /api/v1/alerts from a running daemon (wall time
of the HTTP round trip), each the median of --runs runs, plus `liqwatch --version` (start-up
alone) for reference.

The database is bench_query's (500,000 alerts, 1,000,000 events, 1,000,000 deliveries over
~5 years), generated on first use at $LIQWATCH_BENCH_DB (default /tmp/liqwatch-bench-1m.db,
kept: generating it takes a minute or two). Figures, not a timed test.

Usage: bench/history.py [--runs 20]
Needs build/liqwatch and build/bench/bench_query ($LIQWATCH_BIN, $LIQWATCH_BUILD).
"""
import argparse
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("LIQWATCH_BUILD", ROOT / "build"))
BIN = Path(os.environ.get("LIQWATCH_BIN", BUILD / "liqwatch"))
DB = Path(os.environ.get("LIQWATCH_BENCH_DB", "/tmp/liqwatch-bench-1m.db"))

QUERIES = [
    ("rule + severity + since", {"rule": "rule_7", "severity": "warning", "since": "2022-01-01"}),
    ("series + state", {"series": "series_3", "state": "resolved"}),
    ("firing", {"state": "firing"}),
    ("text, rare (index)", {"text": "2021-03-04 (4.3"}),
    ("text, nowhere (index)", {"text": "no such message"}),
    ("text, common (newest first)", {"text": "SERIES_7 above"}),
]


def median_ms(fn, runs: int) -> float:
    fn()  # warm the page cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def cli(args: list) -> None:
    r = subprocess.run([str(BIN)] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit(f"liqwatch {' '.join(args)}: {r.stderr.decode()}")


def ensure_db() -> None:
    if DB.exists():
        return
    gen = BUILD / "bench" / "bench_query"
    print(f"generating {DB} with {gen} ...", file=sys.stderr)
    subprocess.run([str(gen), "--benchmark_filter=BM_AlertDetail", "--benchmark_min_time=0.01"],
                   env={**os.environ, "LIQWATCH_BENCH_DB": str(DB)}, check=True,
                   stdout=subprocess.DEVNULL)


def make_consistent() -> None:
    """bench_query writes alerts without rule_state; the daemon refuses a database that breaks
    the store's invariant, so each rule keeps its newest firing alert, with its rule_state."""
    con = sqlite3.connect(DB)
    with con:
        con.execute("UPDATE alerts SET state = 'resolved', resolved_at = opened_at "
                    "WHERE state = 'firing' AND id NOT IN (SELECT max(id) FROM alerts "
                    "WHERE state = 'firing' GROUP BY rule, labels)")
        con.execute("INSERT OR IGNORE INTO rule_state (rule, labels, state, since, alert_id) "
                    "SELECT rule, labels, 'firing', opened_at, id FROM alerts "
                    "WHERE state = 'firing'")
    con.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    ensure_db()
    make_consistent()
    # A database from before migration 0009 is migrated (the FTS index backfilled) once.
    tmp = Path(tempfile.mkdtemp(prefix="liqwatch-history-"))
    port = free_port()
    cfg = tmp / "c.yaml"
    cfg.write_text(f"storage:\n  path: {DB}\nlog:\n  level: warn\napi:\n  listen: 127.0.0.1:{port}\n"
                   "sources:\n  fred: {type: fred, base_url: 'http://127.0.0.1:9'}\n"
                   "series:\n  - {id: s1, source: fred, remote_id: S1, unit: percent, "
                   "interval: 24h}\nrules: []\n")
    daemon = subprocess.Popen([str(BIN), "run", "--config", str(cfg)], stdout=subprocess.DEVNULL,
                              stderr=open(tmp / "daemon.log", "w"))
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/readyz", timeout=1).read()
                break
            except OSError:
                if daemon.poll() is not None:
                    sys.exit((tmp / "daemon.log").read_text())
                time.sleep(0.2)
        print(f"{DB.name}: 500,000 alerts, 1,000,000 events; median of {args.runs} runs, "
              "wall time in ms")
        print(f"{'query':<30} {'CLI (process)':>14} {'API (HTTP)':>11}")
        print(f"{'liqwatch --version':<30} {median_ms(lambda: cli(['--version']), args.runs):>14.1f}")
        for name, q in QUERIES:
            flags = sum((["--" + k, v] for k, v in q.items()), [])
            c = median_ms(lambda: cli(["alerts", "--db", str(DB)] + flags), args.runs)
            url = base + "/api/v1/alerts?" + urllib.parse.urlencode(q)
            a = median_ms(lambda: urllib.request.urlopen(url, timeout=10).read(), args.runs)
            print(f"{name:<30} {c:>14.1f} {a:>11.1f}")
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(30)


if __name__ == "__main__":
    main()
