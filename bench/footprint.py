#!/usr/bin/env python3
"""Footprint: the daemon's resident memory running the shipped watchlist (config/liqwatch.yaml,
pointed at the loopback fixture feed as tests/e2e/test_shipped_config.py does) over a database
holding each series' full history: 25 years of daily observations per series (synthetic, a
random walk ending where the fixture data starts), then the real Sep-Dec 2025 fixture data.

Prints VmRSS sampled every 2 s over the window (min / last / peak) and the database size, then
where the last RSS is (/proc/PID/smaps_rollup and smaps): resident, proportional (Pss) and
anonymous KB in total, file-backed vs anonymous, and per mapped file (or [heap], [anon], ...),
the largest first. Figures, not a timed test.

Usage: bench/footprint.py [--years 25] [--window 60] [--top 15]
Needs build/liqwatch ($LIQWATCH_BIN). With build/bench/bench_curl_floor it also prints the RSS of
a process that only loads and initialises libcurl: the part of the daemon's RSS that libcurl
and its libraries bring whatever the daemon does.
"""
import argparse
import datetime
import random
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
import lwtest  # noqa: E402
import test_shipped_config as shipped  # noqa: E402


def rss_kb(pid: int, key: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def smaps_kb(pid: int) -> dict:
    """Rss / Pss / Anonymous KB per mapping name (a file's path, [heap], [stack], or [anon] for
    a nameless mapping), summed over that name's mappings."""
    by = {}
    name = None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if not head[0].endswith(":"):  # a mapping's header: addr perms offset dev inode [path]
            name = head[5] if len(head) > 5 else "[anon]"
            by.setdefault(name, {"Rss": 0, "Pss": 0, "Anonymous": 0})
        elif head[0][:-1] in ("Rss", "Pss", "Anonymous"):
            by[name][head[0][:-1]] += int(head[1])
    return by


def rollup_kb(pid: int) -> dict:
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        out[key] = int(value.split()[0])
    return out


def print_breakdown(total: dict, by: dict, top: int) -> None:
    files = {k: v for k, v in by.items() if k.startswith("/")}
    file_rss = sum(v["Rss"] for v in files.values())
    print(f"smaps_rollup: Rss {total['Rss']} KB, Pss {total['Pss']} KB, Anonymous "
          f"{total['Anonymous']} KB (Private_Dirty {total['Private_Dirty']} KB); "
          f"file-backed {file_rss} KB in {len(files)} files, of it the anonymous (written, "
          f"relocated) pages {sum(v['Anonymous'] for v in files.values())} KB")
    print(f"{'Rss KB':>8} {'Pss KB':>8} {'Anon KB':>8}  mapping")
    for name, v in sorted(by.items(), key=lambda kv: -kv[1]["Rss"])[:top]:
        print(f"{v['Rss']:>8} {v['Pss']:>8} {v['Anonymous']:>8}  {name}")


def backfill(db: Path, years: int) -> int:
    """Synthetic daily history before each series' first stored date; returns rows added."""
    con = sqlite3.connect(db)
    rows = 0
    with con:
        firsts = con.execute("SELECT series, min(obs_date), unit FROM observations "
                             "WHERE series NOT LIKE '%:%' GROUP BY series").fetchall()
        rng = random.Random(13)
        for series, first, unit in firsts:
            value = con.execute("SELECT value FROM observations WHERE series = ? AND "
                                "obs_date = ?", (series, first)).fetchone()[0] or 1.0
            day = datetime.date.fromisoformat(first)
            batch = []
            for _ in range(years * 365):
                day -= datetime.timedelta(days=1)
                value = value * (1 + rng.gauss(0, 0.002))
                batch.append((series, day.isoformat(), value, unit))
            con.executemany("INSERT INTO observations (series, obs_date, value, unit, "
                            "fetched_at, updated_at) VALUES (?, ?, ?, ?, "
                            "'2025-12-01T00:00:00.000Z', '2025-12-01T00:00:00.000Z')", batch)
            rows += len(batch)
    con.close()
    return rows


def print_curl_floor() -> None:
    probe = Path(os.environ.get("LIQWATCH_BUILD", ROOT / "build")) / "bench" / "bench_curl_floor"
    if not probe.exists():
        return
    out = subprocess.run([str(probe)], capture_output=True, text=True, check=False).stdout
    kb = dict(line.split() for line in out.splitlines() if len(line.split()) == 2)
    if "easy_handle" in kb:
        print(f"libcurl alone (bench_curl_floor): a process at {int(kb['start']) / 1024:.1f} MB "
              f"RSS is at {int(kb['loaded']) / 1024:.1f} MB once libcurl is loaded and "
              f"{int(kb['easy_handle']) / 1024:.1f} MB after curl_global_init and one handle")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--years", type=int, default=25)
    ap.add_argument("--window", type=float, default=60)
    ap.add_argument("--top", type=int, default=15, help="mappings listed (largest RSS first)")
    args = ap.parse_args()
    with lwtest.Scratch(None, "footprint") as tmp:
        text = shipped.SHIPPED.read_text()
        feed = shipped.start_feed(tmp)
        db = tmp.path / "liqwatch.db"
        cfg = tmp.write("liqwatch.yaml", shipped.local_copy(db, lwtest.free_port(), feed.base_url))
        ids = shipped.series_ids(text)

        # First run: the fixture data (Sep-Dec 2025) stored for every series.
        daemon = tmp.enter(lwtest.Daemon(cfg, db, log_level="warn"))

        def stored():
            return {r[0] for r in lwtest.db_query(db, "SELECT DISTINCT series FROM observations")}
        lwtest.wait_for(lambda: set(ids) <= stored(), 120, "every series stored",
                        on_timeout=daemon.log_tail)
        daemon.terminate()
        added = backfill(db, args.years)
        total = lwtest.db_query(db, "SELECT count(*) FROM observations")[0][0]

        # Second run: the daemon over the whole history; RSS sampled.
        daemon = tmp.enter(lwtest.Daemon(cfg, db, log_level="warn"))
        samples = []
        t_end = time.monotonic() + args.window
        while time.monotonic() < t_end:
            time.sleep(2)
            daemon.assert_alive()
            samples.append(rss_kb(daemon.proc.pid) / 1024)
        peak = rss_kb(daemon.proc.pid, "VmHWM") / 1024
        pid = daemon.proc.pid
        rollup = rollup_kb(pid)  # read before the daemon stops, printed after the summary
        breakdown = smaps_kb(pid)
        daemon.terminate()
        size = sum(p.stat().st_size for p in tmp.path.glob("liqwatch.db*")) / 2**20
        print(f"shipped watchlist: {len(ids)} series, {total} observations stored "
              f"({added} backfilled over {args.years} years), database {size:.1f} MB")
        print(f"RSS over {args.window:.0f} s: min {min(samples):.1f} MB, last {samples[-1]:.1f} MB,"
              f" peak (VmHWM) {peak:.1f} MB")
        print_breakdown(rollup, breakdown, args.top)
        print_curl_floor()


if __name__ == "__main__":
    main()
