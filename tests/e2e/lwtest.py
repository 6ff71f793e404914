"""Shared helpers for liqwatch's end-to-end tests (stdlib only; Debian's /usr/bin/python3).

Everything runs on loopback: a FRED-like feed server (tests/fixtures/feedserver.py) as a child
process, a webhook sink as a thread, and the real `liqwatch` binary as a child process.

Environment (set by ctest, see tests/CMakeLists.txt):
  LIQWATCH_BIN         the built binary (default: <source>/build/liqwatch)
  LIQWATCH_SOURCE_DIR  the repository (default: two levels above this file)
  LIQWATCH_SHARED_DIR  ../shared, holding data/<SERIES>.csv (default: <source>/../shared)
  LIQWATCH_ARTIFACTS   optional: logs of every daemon/feed server are copied there per test

Typical use:

    with lwtest.Scratch(self) as tmp:
        data = lwtest.copy_series(tmp.path / "data", "SOFR", since="2025-10-01")
        feed = tmp.enter(lwtest.FeedServer(data))
        sink = tmp.enter(lwtest.WebhookSink())
        cfg = tmp.write("liqwatch.yaml", "...")
        d = tmp.enter(lwtest.Daemon(cfg, tmp.path / "lw.db"))
        lwtest.wait_for(lambda: sink.requests(), 20, "webhook POST")
"""

from __future__ import annotations

import contextlib
import csv
import http.server
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

SOURCE_DIR = Path(os.environ.get("LIQWATCH_SOURCE_DIR") or Path(__file__).resolve().parents[2])
SHARED_DIR = Path(os.environ.get("LIQWATCH_SHARED_DIR") or SOURCE_DIR.parent / "shared")
BIN = os.environ.get("LIQWATCH_BIN") or str(SOURCE_DIR / "build" / "liqwatch")
ARTIFACTS = Path(os.environ["LIQWATCH_ARTIFACTS"]) if os.environ.get("LIQWATCH_ARTIFACTS") else None
PYTHON = "/usr/bin/python3"  # Debian's interpreter (has aiosmtpd); never the pyenv one on PATH
FEEDSERVER = SOURCE_DIR / "tests" / "fixtures" / "feedserver.py"

HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


# --------------------------------------------------------------------------------------------
# Waiting


def wait_for(cond: Callable[[], Any], timeout: float, what: str = "condition",
             interval: float = 0.1, on_timeout: Optional[Callable[[], str]] = None) -> Any:
    """Polls cond() every `interval` s until it returns something truthy; returns that value.

    Exceptions raised by cond() count as "not yet" (e.g. the database does not exist yet); the
    last one is quoted in the AssertionError raised after `timeout` seconds. on_timeout() may
    return extra text for the message (e.g. the daemon's log tail)."""
    deadline = time.monotonic() + timeout
    last_exc: Optional[BaseException] = None
    while True:
        try:
            value = cond()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - retried until the deadline
            last_exc = e
        if time.monotonic() >= deadline:
            msg = f"timed out after {timeout:g}s waiting for {what}"
            if last_exc is not None:
                msg += f" (last error: {last_exc!r})"
            if on_timeout is not None:
                msg += "\n" + on_timeout()
            raise AssertionError(msg)
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------
# Scratch space and artifacts


class Scratch:
    """A temporary directory plus an ExitStack, tied to one test.

    On exit everything entered is stopped (in reverse order), the files named by `keep()` are
    copied to $LIQWATCH_ARTIFACTS/<test id>/, and the directory is removed."""

    def __init__(self, test: Any = None, name: str = "") -> None:
        self.name = name or (test.id() if test is not None else "lwtest")
        self.path = Path(tempfile.mkdtemp(prefix="liqwatch-e2e-"))
        self._stack = contextlib.ExitStack()
        self._keep: list[Path] = []

    def __enter__(self) -> "Scratch":
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self._stack.close()
        finally:
            self._save_artifacts()
            shutil.rmtree(self.path, ignore_errors=True)

    def enter(self, cm: Any) -> Any:
        return self._stack.enter_context(cm)

    def keep(self, *paths: Path) -> None:
        self._keep.extend(Path(p) for p in paths)

    def write(self, name: str, text: str) -> Path:
        return write_file(self.path / name, text)

    def _save_artifacts(self) -> None:
        if ARTIFACTS is None:
            return
        dst = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]", "_", self.name)
        for p in self._keep:
            if p.exists():
                dst.mkdir(parents=True, exist_ok=True)
                shutil.copy2(p, dst / p.name)


def write_file(path: Path, text: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def write_config(directory: Path, text: str, name: str = "liqwatch.yaml") -> Path:
    """Writes a config file into `directory` and returns its path."""
    return write_file(Path(directory) / name, text)


def copy_series(dst_dir: Path, series: str, since: str = "", until: str = "",
                src_dir: Optional[Path] = None) -> Path:
    """Copies ../shared/data/<series>.csv (date,value) into dst_dir, keeping rows with
    since <= date <= until (ISO dates; empty = unbounded). Returns dst_dir."""
    src = Path(src_dir or SHARED_DIR / "data") / f"{series}.csv"
    dst_dir = Path(dst_dir)
    dst_dir.mkdir(parents=True, exist_ok=True)
    with src.open(newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    kept = [r for r in body if r and (not since or r[0] >= since) and (not until or r[0] <= until)]
    with (dst_dir / f"{series}.csv").open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(kept)
    return dst_dir


# --------------------------------------------------------------------------------------------
# Feed fixture server (tests/fixtures/feedserver.py, a child process)


class FeedServer:
    """Runs tests/fixtures/feedserver.py --data DIR --port 0 --ready-file F.

    base_url: http://127.0.0.1:PORT, usable as the fred source's graph_url and base_url."""

    def __init__(self, data_dir: Path, log_dir: Optional[Path] = None, timeout: float = 15,
                 api_key: str = "") -> None:
        self.data_dir = Path(data_dir)
        self.api_key = api_key  # if set, the only FRED api_key the JSON endpoint accepts
        self._log_dir = Path(log_dir or tempfile.mkdtemp(prefix="liqwatch-feed-"))
        self.log_path = self._log_dir / "feedserver.log"
        self.ready_file = self._log_dir / "feedserver.ready"
        self.proc: Optional[subprocess.Popen] = None
        self.port = 0
        self._timeout = timeout

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FeedServer":
        if not FEEDSERVER.exists():
            raise AssertionError(f"{FEEDSERVER} is missing (the feed fixture server)")
        self.ready_file.unlink(missing_ok=True)
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [PYTHON, str(FEEDSERVER), "--data", str(self.data_dir), "--port", "0",
             "--ready-file", str(self.ready_file)]
            + (["--api-key", self.api_key] if self.api_key else []),
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)

        def ready() -> int:
            if self.proc.poll() is not None:
                raise AssertionError(f"feed server exited with {self.proc.returncode}:\n"
                                     + tail(self.log_path))
            text = self.ready_file.read_text() if self.ready_file.exists() else ""
            m = re.search(r"\d+", text)
            return int(m.group(0)) if m and int(m.group(0)) > 0 else 0

        try:
            self.port = wait_for(ready, self._timeout, "feed server ready file",
                                 on_timeout=lambda: tail(self.log_path))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def __enter__(self) -> "FeedServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # Control endpoints
    def until(self, series: str, date: str) -> Any:
        """Serve `series` only up to `date` (inclusive)."""
        return http_json("POST", f"{self.base_url}/_control/until",
                         {"series": series, "date": date})

    def requests(self) -> Any:
        """What the server has been asked (GET /_requests): [{method, path, query, headers,
        time, status}, ...]."""
        return http_json("GET", f"{self.base_url}/_requests")

    def fault(self, path_prefix: str, kind: str, count: int = 1, **extra: Any) -> Any:
        """Inject a fault (kind: 500|503|404|429|403|timeout|truncate|oversize|garbage|reset)
        into the next `count` requests whose path starts with path_prefix."""
        return http_json("POST", f"{self.base_url}/_control/fault",
                         {"path_prefix": path_prefix, "kind": kind, "count": count, **extra})

    def set_value(self, series: str, date: str, value: Optional[str]) -> Any:
        """Override (or, with None, blank) one observation."""
        return http_json("POST", f"{self.base_url}/_control/value",
                         {"series": series, "date": date, "value": value})

    def reset(self) -> Any:
        return http_json("POST", f"{self.base_url}/_control/reset", {})


def http_json(method: str, url: str, body: Any = None, timeout: float = 5) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
    return json.loads(raw) if raw.strip() else None


# --------------------------------------------------------------------------------------------
# Webhook sink (a thread)


@dataclass
class Received:
    method: str
    path: str
    headers: dict  # lower-case names
    body: bytes
    time: float  # time.monotonic() at receipt
    status: int  # what the sink answered
    json: Any = field(default=None)


class WebhookSink:
    """HTTP server on 127.0.0.1:<random> recording every request.

    fail_times: the first N requests are answered with fail_status (to exercise retries).
    url: http://127.0.0.1:PORT<path>."""

    def __init__(self, path: str = "/hook", fail_times: int = 0, fail_status: int = 503) -> None:
        self.path = path
        self.fail_times = fail_times
        self.fail_status = fail_status
        self._received: list[Received] = []
        self._lock = threading.Lock()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                with sink._lock:
                    status = sink.fail_status if len(sink._received) < sink.fail_times else 200
                    try:
                        parsed = json.loads(body) if body else None
                    except ValueError:
                        parsed = None
                    sink._received.append(Received(
                        self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                        body, time.monotonic(), status, parsed))
                reply = b'{"ok":true}' if status < 300 else b'{"error":"try later"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_POST = do_PUT = do_GET = _handle  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def wait_for_requests(self, n: int, timeout: float, on_timeout=None) -> list[Received]:
        return wait_for(lambda: (r := self.requests()) and len(r) >= n and r, timeout,
                        f"{n} webhook request(s)", on_timeout=on_timeout)

    def start(self) -> "WebhookSink":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "WebhookSink":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# --------------------------------------------------------------------------------------------
# The daemon and the CLI


def tail(path: Path, lines: int = 60) -> str:
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return f"({path}: not readable)"
    return "\n".join(text.splitlines()[-lines:])


class Daemon:
    """`liqwatch run --config CFG --db DB [args]` as a child process.

    stdout and stderr go to log_path (stderr is where the daemon logs)."""

    def __init__(self, config: Path, db: Optional[Path] = None, args: tuple = (),
                 env: Optional[dict] = None, log_path: Optional[Path] = None,
                 log_level: str = "debug") -> None:
        self.config = Path(config)
        self.db = Path(db) if db else None
        self.log_path = Path(log_path or self.config.parent / "liqwatch.log")
        cmd = [BIN, "run", "--config", str(self.config)]
        if self.db:
            cmd += ["--db", str(self.db)]
        if log_level:
            cmd += ["--log-level", log_level]
        self.cmd = cmd + list(args)
        self.env = {**os.environ, **(env or {})}
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> "Daemon":
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, env=self.env)
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return f"--- liqwatch log ({self.log_path}) ---\n" + tail(self.log_path, lines)

    def assert_alive(self) -> bool:
        if not self.alive():
            raise AssertionError(f"liqwatch exited with {self.proc.returncode}\n{self.log_tail()}")
        return True

    def terminate(self, timeout: float = 10) -> int:
        """SIGTERM, then wait up to `timeout` s; returns the exit code (kills and raises on
        timeout)."""
        if self.proc is None:
            raise AssertionError("daemon not started")
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise AssertionError(f"liqwatch did not exit within {timeout:g}s of SIGTERM\n"
                                 + self.log_tail())

    def wait_exit(self, timeout: float = 10) -> int:
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def __enter__(self) -> "Daemon":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def run_cli(*args: str, timeout: float = 30, env: Optional[dict] = None,
            check: bool = False) -> subprocess.CompletedProcess:
    """Runs `liqwatch ARGS...` to completion; stdout/stderr as text."""
    p = subprocess.run([BIN, *map(str, args)], stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=timeout, env={**os.environ, **(env or {})})
    if check and p.returncode != 0:
        raise AssertionError(f"liqwatch {' '.join(map(str, args))} exited {p.returncode}\n"
                             f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def cli_json(*args: str, timeout: float = 30, env: Optional[dict] = None) -> Any:
    """Runs `liqwatch ARGS...` (which should include --format json), asserts exit 0 and
    returns the parsed stdout."""
    p = run_cli(*args, timeout=timeout, env=env, check=True)
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        raise AssertionError(f"liqwatch {' '.join(map(str, args))}: stdout is not JSON ({e}):\n"
                             f"{p.stdout}\nstderr:\n{p.stderr}") from None


# --------------------------------------------------------------------------------------------
# SQLite (read-only, safe while the daemon writes in WAL mode)


def db_query(db: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        con.row_factory = sqlite3.Row
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def observation(db: Path, series: str, date: str) -> Optional[sqlite3.Row]:
    rows = db_query(db, "SELECT * FROM observations WHERE series = ? AND obs_date = ?",
                    (series, date))
    return rows[0] if rows else None


if __name__ == "__main__":  # smoke check of the helpers
    print(f"BIN={BIN}\nSOURCE_DIR={SOURCE_DIR}\nSHARED_DIR={SHARED_DIR}", file=sys.stderr)
