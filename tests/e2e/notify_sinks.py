"""Helpers for the notification end-to-end tests (tests/e2e/test_notify_*.py).

Stdlib only, beside lwtest.py. A programmable HTTP sink (answers per request from a script of
statuses, optional delay), the receiver side of the webhook signature, a validator for the
payload shape Slack's incoming webhooks accept, and a config/feed scenario shared by the
tests: SOFR served up to 2025-10-27, then 2025-10-28 (4.31%, fires `sofr > 4.30`) and
2025-10-29 (4.27%, resolves).
"""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

import lwtest


class Sink:
    """HTTP server on 127.0.0.1:<random> recording every request (lwtest.Received).

    statuses: answers for the first requests, in order (e.g. [503, 503] then 200s);
    status: the answer after the script; delay: seconds to wait before answering;
    reply: body of 2xx answers (Slack answers "ok" as text/plain)."""

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
        self._received: list[lwtest.Received] = []
        self._lock = threading.Lock()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
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
                    sink._received.append(lwtest.Received(
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
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def requests(self) -> list[lwtest.Received]:
        with self._lock:
            return list(self._received)

    def wait_for_requests(self, n: int, timeout: float, on_timeout=None) -> list[lwtest.Received]:
        return lwtest.wait_for(lambda: (r := self.requests()) and len(r) >= n and r, timeout,
                               f"{n} request(s) at {self.path}", on_timeout=on_timeout)

    def __enter__(self) -> "Sink":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()


def verify_signature(key: str, headers: dict, body: bytes, now: Optional[float] = None,
                     tolerance: float = 300) -> str:
    """What a receiver does (docs/webhook.md); returns "" if valid, else the reason."""
    ts = headers.get("x-liqwatch-timestamp", "")
    sig = headers.get("x-liqwatch-signature", "")
    if not ts.isdigit():
        return f"bad timestamp {ts!r}"
    if abs((now or time.time()) - int(ts)) > tolerance:
        return f"timestamp {ts} outside tolerance"
    expected = "v1=" + hmac.new(key.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, sig):
        return f"signature mismatch: got {sig!r}"
    return ""


def slack_problems(payload: Any) -> list[str]:
    """The checks Slack applies to an incoming-webhook Block Kit message (the subset that
    matters here): https://api.slack.com/reference/block-kit/blocks."""
    p: list[str] = []
    if not isinstance(payload, dict):
        return ["payload is not a JSON object"]
    if not isinstance(payload.get("text"), str) or not payload["text"]:
        p.append("missing fallback text")
    blocks = payload.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        return p + ["blocks must be a non-empty list"]
    if len(blocks) > 50:
        p.append(f"{len(blocks)} blocks > 50")
    for i, b in enumerate(blocks):
        t = b.get("type")
        if t == "header":
            txt = b.get("text", {})
            if txt.get("type") != "plain_text" or len(txt.get("text", "")) > 150:
                p.append(f"block {i}: header must be plain_text <= 150 chars")
        elif t == "section":
            txt = b.get("text")
            if txt is not None and (txt.get("type") not in ("mrkdwn", "plain_text")
                                    or not 1 <= len(txt.get("text", "")) <= 3000):
                p.append(f"block {i}: section text must be 1..3000 chars")
            fields = b.get("fields", [])
            if len(fields) > 10 or any(len(f.get("text", "")) > 2000 for f in fields):
                p.append(f"block {i}: at most 10 fields of <= 2000 chars")
            if txt is None and not fields:
                p.append(f"block {i}: section needs text or fields")
        elif t == "context":
            els = b.get("elements", [])
            if not 1 <= len(els) <= 10:
                p.append(f"block {i}: context needs 1..10 elements")
        elif t == "divider":
            pass
        else:
            p.append(f"block {i}: unexpected type {t!r}")
        if "block_id" in b and len(b["block_id"]) > 255:
            p.append(f"block {i}: block_id too long")
    return p


def config(db: Path, feed_url: str, notifiers: str, extra: str = "",
           max_age: str = "1h", rules: Optional[str] = None) -> str:
    rules = rules if rules is not None else """\
  - name: sofr_above_4_30
    series: sofr
    op: ">"
    threshold: 4.30
    severity: critical
    description: SOFR above 4.30% (funding squeeze)
"""
    return f"""\
storage:
  path: {db}
log:
  level: debug
api:
  listen: "off"
delivery:
  backoff_initial: 200ms
  backoff_max: 1s
  max_age: {max_age}
sources:
  fred:
    type: fred
    base_url: {feed_url}
    graph_url: {feed_url}
    timeout: 5s
    requests_per_second: 50
series:
  - id: sofr
    source: fred
    remote_id: SOFR
    unit: percent
    interval: 1s
    description: Secured Overnight Financing Rate
rules:
{rules}notifiers:
{notifiers}{extra}"""


def start_feed(tmp: lwtest.Scratch, until: str = "2025-10-27") -> lwtest.FeedServer:
    data = lwtest.copy_series(tmp.path / "data", "SOFR", since="2025-10-01")
    feed = tmp.enter(lwtest.FeedServer(data, log_dir=tmp.path))
    tmp.keep(feed.log_path)
    feed.until("SOFR", until)
    return feed


def wait_stored(daemon: lwtest.Daemon, db: Path, date: str, timeout: float = 20) -> Any:
    def stored():
        daemon.assert_alive()
        return lwtest.observation(db, "sofr", date)
    return lwtest.wait_for(stored, timeout, f"SOFR {date} stored", on_timeout=daemon.log_tail)


def db_dump(db: Path) -> str:
    import sqlite3
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()
