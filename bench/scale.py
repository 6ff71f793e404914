#!/usr/bin/env python3
"""Scaling run: the daemon polling N series of a loopback FRED feed (bench_feedserver), each
answering the same five observations every time, with one threshold rule per ten series.

For each case (N series at interval I) it starts a fresh database, lets the first polls store
the history, then measures over a window: the daemon's CPU (% of one core, from
/proc/PID/stat), its RSS (VmRSS at the end, VmHWM), the polls per second achieved against the
nominal N / I, and the lag of each poll (the gap between two polls of a series minus I; p50,
p99 and max, from the feed server). Prints one line per case. Figures, not a timed test.

Usage: bench/scale.py [--cases 100x1s,1000x1s,5000x1s,10000x10s] [--window SECONDS]
Needs build/liqwatch and build/bench/bench_feedserver ($LIQWATCH_BIN, $LIQWATCH_BUILD).
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("LIQWATCH_BUILD", ROOT / "build"))
BIN = Path(os.environ.get("LIQWATCH_BIN", BUILD / "liqwatch"))
FEED = BUILD / "bench" / "bench_feedserver"
TICK = os.sysconf("SC_CLK_TCK")


def config(db: Path, feed: str, n: int, interval: str) -> str:
    lines = [f"storage:\n  path: {db}\n", "log:\n  level: warn\n", 'api:\n  listen: "off"\n',
             "sources:\n",
             f"  fred: {{type: fred, base_url: '{feed}', graph_url: '{feed}', api_key: benchkey,"
             " timeout: 10s, requests_per_second: 1000000}\n",
             "series:\n"]
    lines += [f"  - {{id: s{i}, source: fred, remote_id: S{i}, unit: percent, "
              f"interval: {interval}, jitter: 0}}\n" for i in range(n)]
    lines.append("rules:\n")
    lines += [f"  - {{name: r{i}, series: s{i}, op: \">\", threshold: 9.5}}\n"
              for i in range(0, n, 10)]
    return "".join(lines)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def stats(port: int, reset: bool = False) -> dict:
    url = f"http://127.0.0.1:{port}/_stats" + ("?reset=1" if reset else "")
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def wait_port(path: Path, proc: subprocess.Popen) -> int:
    for _ in range(200):
        if proc.poll() is not None:
            sys.exit(f"bench_feedserver exited with {proc.returncode}")
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.05)
    sys.exit("bench_feedserver did not start")


def run_case(n: int, interval_s: float, window: float, tmp: Path) -> dict:
    interval = f"{int(interval_s)}s"
    port_file = tmp / "port"
    port_file.unlink(missing_ok=True)
    feed = subprocess.Popen([str(FEED), "--port-file", str(port_file),
                             "--interval-ms", str(interval_s * 1000)])
    daemon = None
    try:
        port = wait_port(port_file, feed)
        db = tmp / f"scale-{n}.db"
        for ext in ("", "-wal", "-shm"):
            Path(f"{db}{ext}").unlink(missing_ok=True)
        cfg = tmp / f"scale-{n}.yaml"
        cfg.write_text(config(db, f"http://127.0.0.1:{port}", n, interval))
        daemon = subprocess.Popen([str(BIN), "run", "--config", str(cfg), "--listen", "off"],
                                  stdout=subprocess.DEVNULL, stderr=open(tmp / "daemon.log", "w"))
        # Warm-up: every series polled (history stored) and a few steady cycles.
        warm = max(5.0, 3 * interval_s)
        time.sleep(warm)
        if daemon.poll() is not None:
            sys.exit(f"liqwatch exited with {daemon.returncode}: "
                     + (tmp / "daemon.log").read_text()[-2000:])
        stats(port, reset=True)
        cpu0, t0 = cpu_seconds(daemon.pid), time.monotonic()
        time.sleep(window)
        cpu1, t1 = cpu_seconds(daemon.pid), time.monotonic()
        s = stats(port)
        return {
            "series": n, "interval": interval,
            "cpu_pct": 100 * (cpu1 - cpu0) / (t1 - t0),
            "rss_mb": status_kb(daemon.pid, "VmRSS") / 1024,
            "hwm_mb": status_kb(daemon.pid, "VmHWM") / 1024,
            "polls_per_s": s["requests"] / s["seconds"],
            "nominal_per_s": n / interval_s,
            "lag_ms": s["lag_ms"],
        }
    finally:
        for p in (daemon, feed):
            if p and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default="100x1s,1000x1s,5000x1s,10000x10s")
    ap.add_argument("--window", type=float, default=0, help="seconds measured (default: "
                    "max(20, 3 intervals))")
    args = ap.parse_args()
    for exe in (BIN, FEED):
        if not exe.exists():
            sys.exit(f"{exe} is missing: build it first (ninja -C build liqwatch "
                     "bench_feedserver)")
    tmp = Path(tempfile.mkdtemp(prefix="liqwatch-scale-"))
    print(f"liqwatch {subprocess.run([str(BIN), '--version'], capture_output=True, text=True).stdout.strip()}"
          f", {os.cpu_count()} cores, loopback FRED feed, jitter 0")
    print(f"{'series':>7} {'every':>6} {'CPU % core':>10} {'RSS MB':>7} {'peak MB':>7} "
          f"{'polls/s':>9} {'nominal':>8} {'lag p50 ms':>10} {'p99 ms':>8} {'max ms':>8}")
    try:
        for case in args.cases.split(","):
            n, every = case.split("x")
            interval_s = float(every.rstrip("s"))
            window = args.window or max(20.0, 3 * interval_s)
            r = run_case(int(n), interval_s, window, tmp)
            lag = r["lag_ms"]
            print(f"{r['series']:>7} {r['interval']:>6} {r['cpu_pct']:>10.1f} {r['rss_mb']:>7.1f} "
                  f"{r['hwm_mb']:>7.1f} {r['polls_per_s']:>9.1f} {r['nominal_per_s']:>8.1f} "
                  f"{lag['p50']:>10.1f} {lag['p99']:>8.1f} {lag['max']:>8.1f}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
