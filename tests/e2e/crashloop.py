#!/usr/bin/python3
"""Crash-loop and soak driver for the real liqwatch binary (stdlib only, loopback only).

    crashloop.py crash --kills N [--seed S] [--keep DIR]     (scripts/crashloop.sh N)
    crashloop.py soak --minutes M [--sample S]               (scripts/soak.sh --minutes M)

Both run the daemon against a *storm*: a CSV feed (StormFeed) whose series `storm` gains a new
date every `step` seconds with values alternating 100, 0, 100, ... so that the expression rules
`storm > 50` and `storm < 50` and the same two written as threshold rules (series/op/threshold)
each fire or resolve on every date (four notified events per date), delivered to a webhook
receiver (FlakyReceiver).

crash: the receiver answers HTTP 500 or stalls past the notifier's timeout at random; the
daemon is SIGKILLed N times at random moments (each restart also runs its start-up
consistency check: a violation makes it exit, which fails the run); then the feed stops, the
receiver heals, a last daemon drains the outbox and is stopped with SIGTERM. Asserted:
0 events lost (every outbox row's Idempotency-Key was accepted by the receiver), every
duplicate carries its event's one key, PRAGMA integrity_check = ok, and the transitions
recorded live (alert_events) equal `liqwatch backtest --db` over the same stored data (the
replay is the oracle). Prints its figures; exit 1 on any failure.

soak: a healthy receiver, no kills; samples the daemon's VmRSS every S seconds for M minutes
and prints the series and its least-squares slope in KB/min (a leak shows as a slope).

Environment as for the e2e tests (lwtest.py): LIQWATCH_BIN, LIQWATCH_SOURCE_DIR.
"""

from __future__ import annotations

import argparse
import datetime
import http.server
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402

FIRST_DATE = datetime.date(2000, 1, 3)
RULES = ("storm_high", "storm_low")


class QuietServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server that does not print a traceback when a client vanishes (the
    daemon is SIGKILLed mid-request on purpose)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def storm_value(index: int) -> int:
    return 100 if index % 2 == 0 else 0


class StormFeed:
    """GET /storm.csv: `date,value` rows of the newest `window` dates. Date i is FIRST_DATE + i
    days; a new date appears every `step` s from start() until freeze()."""

    def __init__(self, step: float, window: int) -> None:
        self.step = step
        self.window = window
        self._t0 = time.monotonic()
        self._frozen: Optional[int] = None
        self._lock = threading.Lock()
        self.requests = 0
        feed = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                body = feed.body().encode() if self.path.startswith("/storm.csv") else b""
                with feed._lock:
                    feed.requests += 1
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def newest(self) -> int:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return int((time.monotonic() - self._t0) / self.step)

    def body(self) -> str:
        n = self.newest()
        rows = [f"{FIRST_DATE + datetime.timedelta(days=i)},{storm_value(i)}\n"
                for i in range(max(0, n - self.window + 1), n + 1)]
        return "date,value\n" + "".join(rows)

    def freeze(self) -> str:
        """Stops adding dates; returns the newest date served."""
        n = self.newest()
        with self._lock:
            self._frozen = n
        return str(FIRST_DATE + datetime.timedelta(days=n))

    def start(self) -> "StormFeed":
        self._t0 = time.monotonic()
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Receipt:
    key: str
    event_id: str
    status: int  # what the receiver answered (200 = accepted; a stalled 200 may reach nobody)


class FlakyReceiver:
    """A webhook receiver that answers 500 with probability fail_p and stalls `stall` s
    (past the notifier's timeout) with probability stall_p, else 200 at once. heal() makes it
    answer 200 at once from then on."""

    def __init__(self, rng: random.Random, fail_p: float, stall_p: float, stall: float) -> None:
        self.rng, self.fail_p, self.stall_p, self.stall = rng, fail_p, stall_p, stall
        self.receipts: list[Receipt] = []
        self.failed = self.stalled = 0
        self._lock = threading.Lock()
        rcv = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                n = int(self.headers.get("Content-Length") or 0)
                if len(self.rfile.read(n)) < n:
                    return  # the sender died mid-body: nothing was received
                with rcv._lock:
                    r = rcv.rng.random()
                    fail = r < rcv.fail_p
                    stall = not fail and r < rcv.fail_p + rcv.stall_p
                    rcv.failed += fail
                    rcv.stalled += stall
                    rcv.receipts.append(Receipt(self.headers.get("Idempotency-Key", ""),
                                                self.headers.get("X-Liqwatch-Event-Id", ""),
                                                500 if fail else 200))
                if stall:
                    time.sleep(rcv.stall)
                body = b'{"ok":false}' if fail else b'{"ok":true}'
                try:
                    self.send_response(500 if fail else 200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the daemon gave up (timeout) or was killed

            def log_message(self, *args: Any) -> None:
                pass

        self._server = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def heal(self) -> None:
        with self._lock:
            self.fail_p = self.stall_p = 0.0

    def snapshot(self) -> list[Receipt]:
        with self._lock:
            return list(self.receipts)

    def start(self) -> "FlakyReceiver":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def storm_config(db: Path, feed_url: str, hook_url: str, poll: str) -> str:
    return f"""\
storage:
  path: {db}
log:
  level: info
api:
  listen: "off"
delivery:
  backoff_initial: 100ms
  backoff_max: 500ms
  max_age: 24h
sources:
  storm: {{type: csv, base_url: "{feed_url}", path: /storm.csv, timeout: 5s,
          requests_per_second: 100}}
series:
  - {{id: storm, source: storm, remote_id: value, unit: index, interval: {poll}}}
rules:
  - name: storm_high
    expr: storm > 50
    description: "storm high"
  - name: storm_low
    expr: storm < 50
    description: "storm low"
  - {{name: storm_high_threshold, series: storm, op: ">", threshold: 50}}
  - {{name: storm_low_threshold, series: storm, op: "<", threshold: 50}}
notifiers:
  hook: {{type: webhook, url: "{hook_url}", timeout: 1s}}
"""


def start_daemon(cfg: Path, db: Path, log: Path) -> lwtest.Daemon:
    return lwtest.Daemon(cfg, db, log_path=log, log_level="info").start()


def hard_kill(d: lwtest.Daemon) -> None:
    d.proc.send_signal(signal.SIGKILL)
    d.proc.wait(10)
    d.stop()  # closes the log


@dataclass
class Figures:
    kills: int = 0
    dates: int = 0
    evaluated: int = 0
    events: int = 0
    outbox: int = 0
    requests: int = 0
    failed_500: int = 0
    stalled: int = 0
    accepted: int = 0
    duplicates: int = 0
    lost: int = 0
    key_mismatches: int = 0
    unrouted: int = 0
    integrity: str = ""
    live_transitions: int = 0
    replay_transitions: int = 0
    mismatches: int = 0
    seconds: float = 0
    problems: list = field(default_factory=list)

    def report(self) -> str:
        rows = [(k, v) for k, v in self.__dict__.items() if k != "problems"]
        text = "crash loop figures:\n" + "".join(f"  {k:<19} {v}\n" for k, v in rows)
        return text + "".join(f"  PROBLEM: {p}\n" for p in self.problems)


def transitions_live(db: Path) -> list[tuple]:
    rows = lwtest.db_query(db, "SELECT obs_date, rule, labels, kind, from_state, to_state, "
                               "severity FROM alert_events WHERE kind <> 'ack' ORDER BY id")
    return [tuple(r) for r in rows]


def transitions_replay(cfg: Path, db: Path, since: str, until: str) -> list[tuple]:
    events = lwtest.cli_json("backtest", "--config", cfg, "--db", db, "--from", since, "--to",
                             until, "--format", "json", timeout=120)
    return [(e["date"], e["rule"], e["labels"], e["kind"], e["from"], e["to"], e["severity"])
            for e in events]


def check(work: Path, cfg: Path, db: Path, receiver: FlakyReceiver, f: Figures) -> None:
    f.integrity = lwtest.db_query(db, "PRAGMA integrity_check")[0][0]
    if f.integrity != "ok":
        f.problems.append(f"integrity_check: {f.integrity}")
    f.dates = lwtest.db_query(db, "SELECT count(*) FROM observations WHERE series='storm'")[0][0]
    outbox = lwtest.db_query(db, "SELECT d.id, d.event_id, d.idempotency_key, d.status "
                                 "FROM deliveries d ORDER BY d.id")
    f.outbox = len(outbox)
    f.unrouted = lwtest.db_query(
        db, "SELECT count(*) FROM alert_events e WHERE e.kind IN ('firing', 'resolved') AND "
            "NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)")[0][0]
    if f.unrouted:
        f.problems.append(f"{f.unrouted} firing/resolved events without an outbox row")
    receipts = receiver.snapshot()
    f.requests = len(receipts)
    f.failed_500, f.stalled = receiver.failed, receiver.stalled
    accepted: dict[str, int] = {}
    keys_of_event: dict[str, set] = {}
    for r in receipts:
        keys_of_event.setdefault(r.event_id, set()).add(r.key)
        if r.status == 200:
            accepted[r.key] = accepted.get(r.key, 0) + 1
    f.accepted = sum(accepted.values())
    f.duplicates = sum(n - 1 for n in accepted.values())
    db_key = {str(row["event_id"]): row["idempotency_key"] for row in outbox}
    for row in outbox:
        if row["idempotency_key"] not in accepted:
            f.lost += 1
            if f.lost <= 5:
                f.problems.append(f"lost: delivery {row['id']} of event {row['event_id']} "
                                  f"({row['status']}) never accepted by the receiver")
        if row["status"] != "delivered":
            f.problems.append(f"delivery {row['id']} ended {row['status']}")
    for event_id, keys in keys_of_event.items():
        if len(keys) != 1 or db_key.get(event_id) not in keys:
            f.key_mismatches += 1
            f.problems.append(f"event {event_id}: keys {sorted(keys)} vs outbox "
                              f"{db_key.get(event_id)}")
    f.lost and f.problems.append(f"{f.lost} events lost")
    live = transitions_live(db)
    f.events = len(live)
    if not live:
        f.problems.append("no transition recorded")
        return
    since, until = min(t[0] for t in live), max(t[0] for t in live)
    replay = transitions_replay(cfg, db, since, until)
    f.live_transitions, f.replay_transitions = len(live), len(replay)
    order = sorted
    missing = [t for t in order(replay) if t not in set(live)]
    extra = [t for t in order(live) if t not in set(replay)]
    dup_live = len(live) - len(set(live))
    f.mismatches = len(missing) + len(extra) + dup_live
    for t in missing[:5]:
        f.problems.append(f"replayed but not recorded live: {t}")
    for t in extra[:5]:
        f.problems.append(f"recorded live but not replayed: {t}")
    if dup_live:
        f.problems.append(f"{dup_live} transitions recorded twice live")
    # Every stored date from the first evaluated one fired or resolved all four rules (on the
    # first, only the two its value breaches fire: the other two stay inactive).
    evaluated = lwtest.db_query(db, "SELECT count(*) FROM observations WHERE series='storm' "
                                    "AND obs_date >= ?", (since,))[0][0]
    f.evaluated = evaluated
    if f.events != 4 * evaluated - 2:
        f.problems.append(f"{f.events} transitions for {evaluated} evaluated dates "
                          f"(expected 4 a date, 2 on the first)")


def crash(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    work = Path(args.keep or tempfile.mkdtemp(prefix="liqwatch-crashloop-"))
    work.mkdir(parents=True, exist_ok=True)
    db, logs = work / "lw.db", work / "logs"
    logs.mkdir(exist_ok=True)
    feed = StormFeed(step=args.step, window=args.window).start()
    receiver = FlakyReceiver(rng, args.fail, args.stall, stall=1.5).start()
    cfg = lwtest.write_file(work / "liqwatch.yaml",
                            storm_config(db, feed.url, receiver.url, args.poll))
    f = Figures()
    t0 = time.monotonic()
    print(f"crash loop: {args.kills} kills, seed {args.seed}, work dir {work}", flush=True)
    try:
        for k in range(args.kills):
            d = start_daemon(cfg, db, logs / f"run{k:04d}.log")
            time.sleep(rng.uniform(args.min_up, args.max_up))
            if not d.alive():
                f.problems.append(f"run {k}: daemon exited {d.proc.returncode} by itself:\n"
                                  + d.log_tail(20))
                d.stop()
                break
            hard_kill(d)
            f.kills += 1
            if (k + 1) % 10 == 0:
                print(f"  {k + 1} kills, {feed.newest() + 1} dates served", flush=True)
        last = feed.freeze()
        receiver.heal()
        d = start_daemon(cfg, db, logs / "drain.log")
        try:
            def drained() -> bool:
                d.assert_alive()
                stored = lwtest.observation(db, "storm", last)
                pending = lwtest.db_query(
                    db, "SELECT count(*) FROM deliveries WHERE status <> 'delivered'")[0][0]
                return stored is not None and pending == 0
            lwtest.wait_for(drained, args.drain_timeout, f"storm {last} stored and outbox drained",
                            interval=0.5, on_timeout=d.log_tail)
            time.sleep(1.0)  # a drained daemon must stay quiet: nothing new may appear
            if d.terminate(20) != 0:
                f.problems.append("drain daemon: non-zero exit on SIGTERM")
        finally:
            d.stop()
        check(work, cfg, db, receiver, f)
    except AssertionError as e:
        f.problems.append(str(e))
    finally:
        feed.stop()
        receiver.stop()
    f.seconds = round(time.monotonic() - t0, 1)
    print(f.report(), flush=True)
    if not f.problems and not args.keep:
        import shutil
        shutil.rmtree(work, ignore_errors=True)
    elif f.problems:
        print(f"work dir kept: {work}", flush=True)
    return 1 if f.problems else 0


def rss_kb(pid: int) -> Optional[int]:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def slope_kb_per_min(samples: list[tuple[float, int]]) -> float:
    """Least-squares slope of RSS (KB) over time (minutes)."""
    n = len(samples)
    if n < 2:
        return 0.0
    xs = [t / 60 for t, _ in samples]
    ys = [float(r) for _, r in samples]
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0


def soak(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="liqwatch-soak-"))
    db = work / "lw.db"
    feed = StormFeed(step=args.step, window=args.window).start()
    receiver = FlakyReceiver(random.Random(1), 0.0, 0.0, 0.0).start()
    cfg = lwtest.write_file(work / "liqwatch.yaml",
                            storm_config(db, feed.url, receiver.url, args.poll))
    d = start_daemon(cfg, db, work / "liqwatch.log")
    samples: list[tuple[float, int]] = []
    t0 = time.monotonic()
    end = t0 + args.minutes * 60
    print(f"soak: {args.minutes} min, a new date every {args.step}s, polled every {args.poll}, "
          f"RSS every {args.sample}s, pid {d.proc.pid}", flush=True)
    print("  elapsed_s  rss_kb  events  requests", flush=True)
    ok = True
    try:
        while time.monotonic() < end:
            if not d.alive():
                print("daemon exited:\n" + d.log_tail(30), flush=True)
                ok = False
                break
            rss = rss_kb(d.proc.pid)
            elapsed = time.monotonic() - t0
            if rss is not None:
                samples.append((elapsed, rss))
                events = lwtest.db_query(db, "SELECT count(*) FROM alert_events")[0][0] \
                    if db.exists() else 0
                print(f"  {elapsed:9.0f}  {rss:6d}  {events:6d}  {len(receiver.snapshot()):8d}",
                      flush=True)
            time.sleep(args.sample)
    finally:
        d.stop()
        feed.stop()
        receiver.stop()
    if samples:
        half = [s for s in samples if s[0] >= samples[-1][0] / 2]
        print(f"samples {len(samples)}; RSS start {samples[0][1]} KB, end {samples[-1][1]} KB, "
              f"max {max(r for _, r in samples)} KB", flush=True)
        print(f"slope (least squares) {slope_kb_per_min(samples):.2f} KB/min over the whole run, "
              f"{slope_kb_per_min(half):.2f} KB/min over the second half", flush=True)
        print(f"dates stored {lwtest.db_query(db, 'SELECT count(*) FROM observations')[0][0]}, "
              f"webhook requests {len(receiver.snapshot())}", flush=True)
    import shutil
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok and samples else 1


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("crash", help="N random SIGKILLs under a storm, then drain and check")
    c.add_argument("--kills", type=int, default=20)
    c.add_argument("--seed", type=int, default=int(time.time()))
    c.add_argument("--step", type=float, default=0.25, help="seconds per new feed date")
    c.add_argument("--window", type=int, default=60, help="dates each feed answer carries")
    c.add_argument("--poll", default="200ms", help="the series' poll interval")
    c.add_argument("--fail", type=float, default=0.2, help="receiver: P(HTTP 500)")
    c.add_argument("--stall", type=float, default=0.1, help="receiver: P(stall past timeout)")
    c.add_argument("--min-up", type=float, default=0.3, help="seconds before a kill, at least")
    c.add_argument("--max-up", type=float, default=3.0, help="seconds before a kill, at most")
    c.add_argument("--drain-timeout", type=float, default=90)
    c.add_argument("--keep", help="work directory to keep (database, config, logs)")
    s = sub.add_parser("soak", help="run under a storm, sample RSS")
    s.add_argument("--minutes", type=float, default=10)
    s.add_argument("--sample", type=float, default=5, help="seconds between RSS samples")
    s.add_argument("--step", type=float, default=0.5, help="seconds per new feed date")
    s.add_argument("--window", type=int, default=60)
    s.add_argument("--poll", default="250ms")
    args = p.parse_args(argv)
    return crash(args) if args.cmd == "crash" else soak(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
