#!/usr/bin/env python3
"""Alert-latency race: liqwatch vs Prometheus + Alertmanager on the same fake source and the same
webhook receiver.

One loopback server is the source for both (FRED JSON for liqwatch, /metrics for Prometheus)
and the receiver of both webhooks. Each trial waits a random time (so the breach lands at a
random phase of both poll cycles; a fixed gap would bias both), then moves the value above the
threshold at t0: liqwatch sees a new observation date with the high value, Prometheus the
gauge. The latency of each is the arrival of its first firing webhook after t0; for liqwatch
also the part after the poll that fetched the new value (its internal path). Between trials
the value goes back below and both resolve. Both are tuned alike: liqwatch polls every 1 s,
Prometheus scrapes and evaluates every 1 s, Alertmanager has group_wait 0.

The trials are split over rounds, each with fresh processes and a new source port: within one
round the phase of liqwatch's poll grid against Prometheus' scrape and evaluation cycles (set
by hashes of the target and the rule group) is fixed, so one round samples one phase and the
ratio of one round is luck; several rounds sample several.

Prints per-trial latencies, then min / median / max for each and the ratio of the medians.
Figures, not a timed test.

Usage: bench/race.py [--trials 60] [--rounds 15]
Needs build/liqwatch ($LIQWATCH_BIN), /usr/bin/prometheus and /usr/bin/prometheus-alertmanager.
"""
import argparse
import datetime
import http.server
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("LIQWATCH_BIN", ROOT / "build" / "liqwatch"))
THRESHOLD = 5.0


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.day = datetime.date(2025, 1, 1)
        self.points = [(self.day, 1.0)]
        self.value = 1.0
        self.t0 = 0.0
        self.arrivals: dict = {}  # "liqwatch"/"am" -> (kind, time)
        self.events: list = []

    def set(self, value: float) -> None:
        with self.lock:
            self.day += datetime.timedelta(days=1)
            self.points.append((self.day, value))
            self.points = self.points[-20:]
            self.value = value


STATE = State()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _send(self, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        with STATE.lock:
            if self.path.startswith("/metrics"):
                body = f"race_value {STATE.value}\n".encode()
                return self._send(body, "text/plain; version=0.0.4")
            obs = [{"date": d.isoformat(), "value": f"{v}"} for d, v in STATE.points]
            STATE.events.append(("liqwatch", "fetch", time.monotonic()))
        self._send(json.dumps({"observations": obs}).encode())

    def do_POST(self) -> None:
        now = time.monotonic()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        who = "am" if self.path.endswith("/am") else "liqwatch"
        try:
            doc = json.loads(body)
        except ValueError:
            doc = {}
        kind = doc.get("status") if who == "am" else doc.get("kind")
        with STATE.lock:
            STATE.events.append((who, kind, now))
        self._send(b"{}")

    def log_message(self, *args) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_after(who: str, kind: str, t: float, timeout: float) -> float:
    end = time.monotonic() + timeout
    while True:
        with STATE.lock:
            for w, k, at in STATE.events:
                if w == who and k == kind and at >= t:
                    return at
        if time.monotonic() >= end:
            return float("nan")
        time.sleep(0.005)


def run_round(trials: int, tmp: Path) -> tuple:
    """One round: a fresh source server (a new port), Prometheus, Alertmanager and liqwatch, then
    `trials` trials. Returns the liqwatch, P+AM and liqwatch-internal latencies."""
    global STATE
    STATE = State()
    tmp.mkdir(parents=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    src = f"http://127.0.0.1:{server.server_address[1]}"
    am_port, prom_port = free_port(), free_port()

    (tmp / "liqwatch.yaml").write_text(
        f"storage:\n  path: {tmp}/race.db\nlog:\n  level: warn\napi:\n  listen: \"off\"\n"
        f"sources:\n  fred: {{type: fred, base_url: '{src}', api_key: racekey, "
        "requests_per_second: 100}\n"
        "series:\n  - {id: race, source: fred, remote_id: RACE, unit: index, interval: 1s, "
        "jitter: 0}\n"
        f"rules:\n  - {{name: race_high, series: race, op: \">\", threshold: {THRESHOLD}}}\n"
        f"notifiers:\n  hook: {{type: webhook, url: '{src}/hook/liqwatch'}}\n")
    (tmp / "rules.yml").write_text(
        "groups:\n  - name: race\n    rules:\n      - alert: RaceHigh\n"
        f"        expr: race_value > {THRESHOLD}\n")
    (tmp / "prometheus.yml").write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "rule_files: [rules.yml]\n"
        f"alerting:\n  alertmanagers:\n    - static_configs: [{{targets: ['127.0.0.1:{am_port}']}}]\n"
        f"scrape_configs:\n  - job_name: race\n    static_configs: [{{targets: ['{src[7:]}']}}]\n")
    (tmp / "am.yml").write_text(
        "route:\n  receiver: hook\n  group_by: ['...']\n  group_wait: 0s\n"
        "  group_interval: 1s\n  repeat_interval: 24h\n"
        f"receivers:\n  - name: hook\n    webhook_configs:\n      - url: {src}/hook/am\n"
        "        send_resolved: true\n")
    procs = [
        subprocess.Popen(["/usr/bin/prometheus-alertmanager", f"--config.file={tmp}/am.yml",
                          f"--storage.path={tmp}/am", f"--web.listen-address=127.0.0.1:{am_port}",
                          "--cluster.listen-address="],
                         stdout=subprocess.DEVNULL, stderr=open(tmp / "am.log", "w")),
        subprocess.Popen(["/usr/bin/prometheus", f"--config.file={tmp}/prometheus.yml",
                          f"--storage.tsdb.path={tmp}/prom",
                          f"--web.listen-address=127.0.0.1:{prom_port}"],
                         cwd=tmp, stdout=subprocess.DEVNULL, stderr=open(tmp / "prom.log", "w")),
    ]
    # liqwatch's poll grid starts when it does: a random start puts its cycle at a random phase
    # of Prometheus' scrape and evaluation cycles (which are set by hashes, fixed in a round).
    time.sleep(random.uniform(0, 1))
    procs.append(subprocess.Popen([str(BIN), "run", "--config", str(tmp / "liqwatch.yaml")],
                                  stdout=subprocess.DEVNULL,
                                  stderr=open(tmp / "liqwatch.log", "w")))
    lw, am, inner = [], [], []
    try:
        time.sleep(8)  # first polls, scrapes and rule loads
        for _ in range(trials):
            time.sleep(random.uniform(0.5, 2.5))  # a random phase of both 1 s cycles
            t0 = time.monotonic()
            STATE.set(THRESHOLD * 2)
            a = first_after("liqwatch", "firing", t0, 15) - t0
            b = first_after("am", "firing", t0, 15) - t0
            # liqwatch's own path: from the poll that fetched the breach to the webhook POST.
            fetched = first_after("liqwatch", "fetch", t0, 0)
            lw.append(a)
            am.append(b)
            inner.append(a - (fetched - t0))
            print(f"trial {len(RESULTS[0]) + len(lw):>2}: liqwatch {a:6.3f} s (poll to POST "
                  f"{inner[-1] * 1000:5.1f} ms)   Prometheus+Alertmanager {b:6.3f} s", flush=True)
            t1 = time.monotonic()
            STATE.set(1.0)
            first_after("liqwatch", "resolved", t1, 15)
            first_after("am", "resolved", t1, 15)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        server.shutdown()
        server.server_close()
    return lw, am, inner


RESULTS: tuple = ([], [], [])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=15,
                    help="fresh processes (and phases of the two systems' cycles) per run")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="liqwatch-race-"))
    rounds = max(1, min(args.rounds, args.trials))
    for r in range(rounds):
        n = args.trials // rounds + (1 if r < args.trials % rounds else 0)
        print(f"round {r + 1}/{rounds}: fresh processes, {n} trials", flush=True)
        for total, part in zip(RESULTS, run_round(n, tmp / f"round{r + 1}")):
            total.extend(part)
    lw, am, inner = RESULTS
    ok_lw = [x for x in lw if x == x]
    ok_am = [x for x in am if x == x]
    if not ok_lw or not ok_am:
        sys.exit(f"no alert arrived (logs in {tmp})")
    print(f"liqwatch:                min {min(ok_lw):.3f}  median {statistics.median(ok_lw):.3f}  "
          f"max {max(ok_lw):.3f} s  ({len(ok_lw)}/{len(lw)} arrived)")
    print(f"Prometheus+Alertmanager: min {min(ok_am):.3f}  median {statistics.median(ok_am):.3f}  "
          f"max {max(ok_am):.3f} s  ({len(ok_am)}/{len(am)} arrived)")
    print(f"liqwatch poll to webhook POST: median {statistics.median(inner) * 1000:.1f} ms, "
          f"max {max(inner) * 1000:.1f} ms")
    print(f"ratio of medians (liqwatch / P+AM): "
          f"{statistics.median(ok_lw) / statistics.median(ok_am):.2f}")


if __name__ == "__main__":
    main()
