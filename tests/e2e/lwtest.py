"""Shared helpers for liqwatch's end-to-end tests (stdlib only; Debian's /usr/bin/python3).

Everything runs on loopback: a FRED-like feed server (tests/fixtures/feedserver.py) as a child
process, a webhook sink as a thread, and the real `liqwatch` binary as a child process.

Environment (set by ctest, see tests/CMakeLists.txt):
  LIQWATCH_BIN         the built binary (default: <source>/build/liqwatch)
  LIQWATCH_SOURCE_DIR  the repository (default: two levels above this file)
  LIQWATCH_FEED_DATA   real feed observations, <SERIES>.csv (default: <source>/tests/testdata/feeds)
  LIQWATCH_ARTIFACTS   optional: logs of every daemon/feed server are copied there per test

Typical use:

    with lwtest.Scratch(self) as tmp:
        feed = lwtest.start_sofr_feed(tmp)            # SOFR from 2025-10-01, up to 2025-10-27
        sink = tmp.enter(lwtest.Sink())
        db = tmp.path / "lw.db"
        cfg = tmp.write("liqwatch.yaml", lwtest.daemon_config(
            db, '"off"', lwtest.fred_source_yaml(feed.base_url), series=lwtest.SOFR_SERIES,
            rules=lwtest.threshold_rule_yaml("sofr_above_4_30", "4.30"),
            notifiers=lwtest.webhook_notifier_yaml("sink", sink.url)))
        d = lwtest.start_daemon(tmp, cfg, db)
        feed.until("SOFR", "2025-10-28")              # 4.31%: the rule fires
        sink.wait_for_requests(1, 20, on_timeout=d.log_tail)
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
FEED_DATA_DIR = Path(os.environ.get("LIQWATCH_FEED_DATA") or SOURCE_DIR / "tests" / "testdata" / "feeds")
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


def write_series(dst_dir: Path, series: str, points: dict) -> Path:
    """Writes dst_dir/<series>.csv (date,value) for the feed fixture from {date: value}, in
    date order (dates may be datetime.date or ISO text). Returns the file."""
    rows = "".join(f"{d},{v}\n" for d, v in sorted(points.items(), key=lambda kv: str(kv[0])))
    return write_file(Path(dst_dir) / f"{series}.csv", "date,value\n" + rows)


def metric_samples(text: str) -> dict[str, float]:
    """Prometheus text exposition -> {'name{labels}': value} (comments skipped)."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def _feed_file(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"test fixture missing: {path} (real feed data ships in "
                                f"tests/testdata/feeds)")
    return path


def copy_series(dst_dir: Path, series: str, since: str = "", until: str = "",
                src_dir: Optional[Path] = None) -> Path:
    """Copies tests/testdata/feeds/<series>.csv (date,value) into dst_dir, keeping rows with
    since <= date <= until (ISO dates; empty = unbounded). Returns dst_dir. A missing file
    raises (the test errors, naming the file): no test passes or skips for want of its data."""
    src = _feed_file(Path(src_dir or FEED_DATA_DIR) / f"{series}.csv")
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


def copy_feed_file(dst_dir: Path, name: str) -> Path:
    """Copies tests/testdata/feeds/<name> unchanged into dst_dir (e.g. the Treasury DTS rows,
    which are not a date,value series). Returns dst_dir."""
    dst_dir = Path(dst_dir)
    dst_dir.mkdir(parents=True, exist_ok=True)
    (dst_dir / name).write_bytes(_feed_file(FEED_DATA_DIR / name).read_bytes())
    return dst_dir


# --------------------------------------------------------------------------------------------
# Config building blocks
#
# Each returns block-style YAML text ending in a newline; a test's config is their
# concatenation. Section helpers (storage_yaml, api_yaml, delivery_yaml, fred_source_yaml,
# section_yaml) start at column 0. Entry helpers return the indented lines of one list item
# (fred_series_yaml, threshold_rule_yaml, list_item_yaml) or one mapping entry
# (webhook_notifier_yaml, mapping_entry_yaml), to be put under `series:`, `rules:`,
# `notifiers:` or `sources:`. Values are written as given: quote them where YAML needs it
# (op: '">"', listen: '"off"').


def _fields_yaml(indent: str, fields: dict) -> str:
    """`key: value` lines, in order, skipping None; a trailing "_" is dropped from a key so that
    Python keywords can be passed (from_="..." gives `from: ...`)."""
    return "".join(f"{indent}{k.removesuffix('_')}: {v}\n" for k, v in fields.items()
                   if v is not None)


def list_item_yaml(**fields: Any) -> str:
    """One block-style list item two spaces in: "  - k1: v1\n    k2: v2\n" (None skipped)."""
    return "  - " + _fields_yaml("    ", fields)[4:]


def mapping_entry_yaml(name: str, **fields: Any) -> str:
    """One mapping entry two spaces in: "  name:\n    k1: v1\n" (None skipped)."""
    return f"  {name}:\n" + _fields_yaml("    ", fields)


def section_yaml(name: str, *entries: str) -> str:
    """A top-level section `name:` holding the given entries (list items or mapping entries)."""
    return f"{name}:\n" + "".join(entries)


def storage_yaml(db: Path, log_level: Optional[str] = "debug") -> str:
    """`storage.path` (the tests pass --db too, which overrides it) and `log.level`; debug
    unless log_level is None (no `log` section)."""
    text = f"storage:\n  path: {db}\n"
    return text + (f"log:\n  level: {log_level}\n" if log_level else "")


def api_yaml(listen: str, extra: str = "") -> str:
    """`api.listen` ("127.0.0.1:PORT", or '"off"': quoted, a bare off is a YAML boolean), then
    `extra` (further indented `api` lines, e.g. a token)."""
    return f"api:\n  listen: {listen}\n{extra}"


def delivery_yaml(max_age: Optional[str] = "1h") -> str:
    """The outbox retrying after 200ms, doubling up to 1s, so retry tests take seconds;
    `max_age` unless None (the daemon's default)."""
    return section_yaml("delivery", _fields_yaml(
        "  ", {"backoff_initial": "200ms", "backoff_max": "1s", "max_age": max_age}))


def fred_source_yaml(feed_url: str, api_key: Optional[str] = None,
                     requests_per_second: Optional[int] = 50) -> str:
    """`sources:` with one FRED source named `fred` whose JSON API (base_url, used when api_key
    is set) and fredgraph.csv (graph_url) are both the feed fixture server at feed_url; 5s
    timeout; requests_per_second unless None (the default rate limit)."""
    return section_yaml("sources", mapping_entry_yaml(
        "fred", type="fred", api_key=api_key, base_url=feed_url, graph_url=feed_url,
        timeout="5s", requests_per_second=requests_per_second))


def fred_series_yaml(series_id: str, remote_id: str, interval: str = "1s",
                     description: Optional[str] = None) -> str:
    """One `series:` item: remote_id (e.g. SOFR) from the `fred` source as series_id, in
    percent, polled every `interval`."""
    return list_item_yaml(id=series_id, source="fred", remote_id=remote_id, unit="percent",
                          interval=interval, description=description)


# SOFR polled every second: the series of the alert scenario most daemon tests run.
SOFR_SERIES = fred_series_yaml("sofr", "SOFR", description="Secured Overnight Financing Rate")


def threshold_rule_yaml(name: str, threshold: str, severity: Optional[str] = None,
                        description: Optional[str] = None, notify: Optional[str] = None,
                        series: str = "sofr", op: str = ">") -> str:
    """One `rules:` item `series op threshold` (threshold as written, e.g. "4.30"); severity,
    description and notify (a YAML list, e.g. "[sink]") only when given."""
    return list_item_yaml(name=name, series=series, op=f'"{op}"', threshold=threshold,
                          severity=severity, description=description, notify=notify)


def webhook_notifier_yaml(name: str, url: str, **fields: Any) -> str:
    """One `notifiers:` entry of type webhook posting to url; further keys (timeout="5s",
    secret=..., rate_limit=...) follow in the order given."""
    return mapping_entry_yaml(name, type="webhook", url=url, **fields)


def daemon_config(db: Path, api_listen: str, sources: str, series: str, rules: str,
                  notifiers: str, api_extra: str = "", max_age: Optional[str] = "1h") -> str:
    """A whole daemon config: storage_yaml(db), api_yaml(api_listen, api_extra),
    delivery_yaml(max_age), then the `sources` section (e.g. fred_source_yaml) and the
    `series:`, `rules:` and `notifiers:` sections holding the given entries."""
    return (storage_yaml(db) + api_yaml(api_listen, api_extra) + delivery_yaml(max_age)
            + sources + section_yaml("series", series) + section_yaml("rules", rules)
            + section_yaml("notifiers", notifiers))


# --------------------------------------------------------------------------------------------
# Child processes (the feed fixture server and the daemon)


class _Child:
    """A child process whose stdout and stderr go to log_path. stop(): SIGTERM, then SIGKILL
    if it is still running `stop_timeout` s later; the log is closed either way."""

    stop_timeout: float = 10
    log_path: Path
    proc: Optional[subprocess.Popen] = None
    _log: Any = None

    def _spawn(self, cmd: list, env: Optional[dict] = None) -> None:
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, env=env)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self._log:
            self._log.close()
            self._log = None

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# --------------------------------------------------------------------------------------------
# Feed fixture server (tests/fixtures/feedserver.py)


class FeedServer(_Child):
    """Runs tests/fixtures/feedserver.py --data DIR --port 0 --ready-file F.

    base_url: http://127.0.0.1:PORT, usable as the fred source's graph_url and base_url."""

    stop_timeout = 5

    def __init__(self, data_dir: Path, log_dir: Optional[Path] = None, timeout: float = 15,
                 api_key: str = "") -> None:
        self.data_dir = Path(data_dir)
        self.api_key = api_key  # if set, the only FRED api_key the JSON endpoint accepts
        self._log_dir = Path(log_dir or tempfile.mkdtemp(prefix="liqwatch-feed-"))
        self.log_path = self._log_dir / "feedserver.log"
        self.ready_file = self._log_dir / "feedserver.ready"
        self.port = 0
        self._timeout = timeout

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FeedServer":
        if not FEEDSERVER.exists():
            raise AssertionError(f"{FEEDSERVER} is missing (the feed fixture server)")
        self.ready_file.unlink(missing_ok=True)
        self._spawn([PYTHON, str(FEEDSERVER), "--data", str(self.data_dir), "--port", "0",
                     "--ready-file", str(self.ready_file)]
                    + (["--api-key", self.api_key] if self.api_key else []))

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

    def __enter__(self) -> "FeedServer":
        return self.start()

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

    def body(self, path: str, text: str, content_type: str = "text/plain; charset=UTF-8") -> Any:
        """Serve `text` verbatim for `path` from now on (e.g. a drifted page layout)."""
        return http_json("POST", f"{self.base_url}/_control/body",
                         {"path": path, "body": text, "content_type": content_type})

    def reset(self) -> Any:
        return http_json("POST", f"{self.base_url}/_control/reset", {})


def http_json(method: str, url: str, body: Any = None, timeout: float = 5) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
    return json.loads(raw) if raw.strip() else None


def start_feed(tmp: Scratch, data_dir: Path, api_key: str = "") -> FeedServer:
    """A FeedServer over data_dir, logging into tmp (the log is kept as an artifact), stopped
    with tmp."""
    feed = tmp.enter(FeedServer(data_dir, log_dir=tmp.path, api_key=api_key))
    tmp.keep(feed.log_path)
    return feed


def start_sofr_feed(tmp: Scratch, until: str = "2025-10-27", api_key: str = "") -> FeedServer:
    """The alert scenario's feed: SOFR from 2025-10-01 (tmp/data), served up to `until`.

    SOFR stays at or below 4.30% from 2025-10-01 to 2025-10-27 (4.27%); 2025-10-28 is 4.31%
    (fires `sofr > 4.30`) and 2025-10-29 is 4.27% again (resolves it)."""
    feed = start_feed(tmp, copy_series(tmp.path / "data", "SOFR", since="2025-10-01"), api_key)
    feed.until("SOFR", until)
    return feed


# --------------------------------------------------------------------------------------------
# HTTP sink (a thread) standing in for webhook and Slack receivers


@dataclass
class Received:
    method: str
    path: str
    headers: dict  # lower-case names
    body: bytes
    time: float  # time.monotonic() at receipt
    status: int  # what the sink answered
    json: Any = field(default=None)


class Sink:
    """HTTP server on 127.0.0.1:<random> recording every request (Received).

    statuses: answers for the first requests, in order (e.g. [503, 503] then 200s);
    status: the answer after the script; delay: seconds to wait before answering (settable
    while running); reply: body of 2xx answers (Slack answers "ok" as text/plain);
    check(parsed JSON) -> problems: any problem turns the answer into 400 and is collected
    in `problems`. url: http://127.0.0.1:PORT<path>."""

    def __init__(self, path: str = "/hook", statuses: Optional[list[int]] = None,
                 status: int = 200, delay: float = 0.0, reply: bytes = b'{"ok":true}',
                 content_type: str = "application/json",
                 check: Optional[Callable[[Any], list[str]]] = None) -> None:
        self.path = path
        self.statuses = list(statuses or [])
        self.status = status
        self.delay = delay
        self.reply = reply
        self.content_type = content_type
        self.check = check
        self.problems: list[str] = []
        self._received: list[Received] = []
        self._lock = threading.Lock()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                try:
                    parsed = json.loads(body) if body else None
                except ValueError:
                    parsed = None
                problems = sink.check(parsed) if sink.check else []
                with sink._lock:
                    i = len(sink._received)
                    status = sink.statuses[i] if i < len(sink.statuses) else sink.status
                    if problems:
                        status = 400
                        sink.problems.extend(problems)
                    sink._received.append(Received(
                        self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                        body, time.monotonic(), status, parsed))
                if sink.delay:
                    time.sleep(sink.delay)
                reply = sink.reply if status < 300 else b"invalid_payload"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", sink.content_type)
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:
                    pass  # the client gave up (e.g. a daemon stopped while we were slow)

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
                        f"{n} request(s) at {self.path}", on_timeout=on_timeout)

    def start(self) -> "Sink":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "Sink":
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


class Daemon(_Child):
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

    def start(self) -> "Daemon":
        self._spawn(self.cmd, self.env)
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

    def __enter__(self) -> "Daemon":
        return self.start()


def start_daemon(tmp: Scratch, config: Path, db: Optional[Path] = None, **kw: Any) -> Daemon:
    """A started Daemon(config, db, **kw), stopped with tmp; its log is kept as an artifact."""
    daemon = tmp.enter(Daemon(config, db, **kw))
    tmp.keep(daemon.log_path)
    return daemon


def wait_observation(daemon: Daemon, db: Path, series: str, date: str, timeout: float = 20,
                     what: str = "") -> sqlite3.Row:
    """Waits until the daemon has stored `series` at `date`; returns the observations row.
    The timeout message says whether the daemon is still alive and quotes its log."""
    def stored() -> Optional[sqlite3.Row]:
        daemon.assert_alive()
        return observation(db, series, date)
    return wait_for(stored, timeout, what or f"{series} {date} stored",
                    on_timeout=daemon.log_tail)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def chromium(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """Headless Chromium with a throwaway profile and a 10 s virtual time budget (so the
    dashboard's fetches settle before --dump-dom / --screenshot); stderr holds its console."""
    profile = tempfile.mkdtemp(prefix="liqwatch-chromium-")
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--no-first-run",
             "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", *args],
            capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


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


def wait_delivery(daemon: Daemon, db: Path, status: str, timeout: float = 10,
                  **match: Any) -> list[sqlite3.Row]:
    """Waits until the first deliveries row whose columns equal `match` (e.g.
    notifier="broken", event_id=7; no match: the first row) has `status`; returns all those
    rows (SELECT *, by id)."""
    where = " AND ".join(f"{k} = ?" for k in match)
    sql = "SELECT * FROM deliveries" + (f" WHERE {where}" if where else "") + " ORDER BY id"

    def reached() -> Optional[list[sqlite3.Row]]:
        rows = db_query(db, sql, tuple(match.values()))
        return rows if rows and rows[0]["status"] == status else None
    return wait_for(reached, timeout, f"first delivery {match} {status}",
                    on_timeout=daemon.log_tail)


def wait_all_delivered(daemon: Daemon, db: Path, timeout: float = 10,
                       count: Optional[int] = None) -> None:
    """Waits until every deliveries row is 'delivered' (and, with count, there are exactly
    count rows)."""
    def delivered() -> bool:
        rows = db_query(db, "SELECT status FROM deliveries")
        return (count is None or len(rows) == count) and all(
            r["status"] == "delivered" for r in rows)
    wait_for(delivered, timeout, f"{'all' if count is None else count} deliveries delivered",
             on_timeout=daemon.log_tail)


def source_health(db: Path, series: str) -> Optional[sqlite3.Row]:
    """The source_health row of `series` (polls, consecutive_failures, last_error, ...)."""
    rows = db_query(db, "SELECT * FROM source_health WHERE series = ?", (series,))
    return rows[0] if rows else None


def wait_source_error(daemon: Daemon, db: Path, series: str, expected: str,
                      timeout: float = 30) -> dict:
    """Waits until source_health of `series` shows a failure whose last_error contains
    `expected`, then checks that `liqwatch status --format json` reports the same (message
    and at least one consecutive failure). Returns that status row."""
    def reported() -> bool:
        daemon.assert_alive()
        h = source_health(db, series)
        return h is not None and h["consecutive_failures"] > 0 and \
            expected in (h["last_error"] or "")
    wait_for(reported, timeout, f"'{expected}' reported for {series}",
             on_timeout=lambda: f"health={dict(source_health(db, series) or {})}\n"
                                + daemon.log_tail())
    status = cli_json("status", "--db", db, "--format", "json")
    row = [s for s in status["sources"] if s["series"] == series][0]
    if expected not in row["last_error"]:
        raise AssertionError(f"status of {series}: {expected!r} not in {row['last_error']!r}")
    if row["consecutive_failures"] < 1:
        raise AssertionError(f"status of {series}: no consecutive failure: {row}")
    return row


if __name__ == "__main__":  # smoke check of the helpers
    print(f"BIN={BIN}\nSOURCE_DIR={SOURCE_DIR}\nFEED_DATA_DIR={FEED_DATA_DIR}", file=sys.stderr)
