"""Shared set-up for the HTTP API tests (test_api_*.py): a feed server with SOFR and IORB from
tests/testdata/feeds, a webhook sink, and `liqwatch run --listen 127.0.0.1:PORT` with two rules on
SOFR, started with the feed at 2025-10-27 and advanced to 2025-10-29, so that one alert opened
(2025-10-28, SOFR 4.31 > 4.30) and resolved (2025-10-29, 4.27)."""

from __future__ import annotations

import json
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402


def config(db: Path, feed_url: str, sink_url: str, token_line: str = "") -> str:
    """The daemon config: SOFR and IORB from the feed, two SOFR rules (> 4.30 critical,
    > 4.50 warning), one webhook `sink`; token_line (e.g. "  token: ...") goes under `api`."""
    return lwtest.daemon_config(
        db, "127.0.0.1:1", lwtest.fred_source_yaml(feed_url), api_extra=f"{token_line}\n",
        series=lwtest.SOFR_SERIES + lwtest.fred_series_yaml(
            "iorb", "IORB", description="Interest on reserve balances"),
        rules=lwtest.threshold_rule_yaml("sofr_above_4_30", "4.30", severity="critical",
                                         description="SOFR above 4.30%")
        + lwtest.threshold_rule_yaml("sofr_above_4_50", "4.50", severity="warning",
                                     description="SOFR above 4.50%"),
        notifiers=lwtest.webhook_notifier_yaml("sink", sink_url, timeout="5s"))


class Response:
    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


def get(url: str, headers: Optional[dict] = None, method: str = "GET",
        data: Optional[bytes] = None, timeout: float = 10) -> Response:
    req = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())


def raw(port: int, data: bytes, timeout: float = 10) -> bytes:
    """Sends raw bytes and returns everything the server answers before closing."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
        except (ConnectionResetError, socket.timeout):
            pass
        return b"".join(chunks)


class Stack:
    """Feed + sink + daemon with the API on a free port; alert 2025-10-28 opened and resolved."""

    def __init__(self, tmp: lwtest.Scratch, token: Optional[str] = None,
                 extra_args: tuple = (), env: Optional[dict] = None,
                 listen_host: str = "127.0.0.1") -> None:
        data = lwtest.copy_series(tmp.path / "data", "SOFR", since="2025-09-15")
        lwtest.copy_series(tmp.path / "data", "IORB", since="2025-09-15")
        self.feed = lwtest.start_feed(tmp, data)
        self.feed.until("SOFR", "2025-10-27")
        self.feed.until("IORB", "2025-10-29")
        self.sink = tmp.enter(lwtest.Sink())
        self.db = tmp.path / "liqwatch.db"
        env = dict(env or {})
        token_line = ""
        if token:
            env["LIQWATCH_TEST_API_TOKEN"] = token
            token_line = "  token: ${env:LIQWATCH_TEST_API_TOKEN}"
        cfg = tmp.write("liqwatch.yaml", config(tmp.path / "ignored.db", self.feed.base_url,
                                                self.sink.url, token_line))
        self.port = lwtest.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.daemon = lwtest.start_daemon(
            tmp, cfg, self.db, args=("--listen", f"{listen_host}:{self.port}",
                                     "--web-dir", str(lwtest.SOURCE_DIR / "web"), *extra_args),
            env=env)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def wait_ready(self) -> None:
        def ready():
            self.daemon.assert_alive()
            try:
                return get(self.base + "/readyz", timeout=2).status == 200
            except OSError:
                return False
        lwtest.wait_for(ready, 20, "/readyz 200", on_timeout=self.daemon.log_tail)

    def run_episode(self) -> None:
        """Fires and resolves sofr_above_4_30 (observation dates 2025-10-28 and 2025-10-29)."""
        self.wait_ready()
        lwtest.wait_observation(self.daemon, self.db, "sofr", "2025-10-27")
        self.feed.until("SOFR", "2025-10-28")
        self.sink.wait_for_requests(1, 20, on_timeout=self.daemon.log_tail)
        self.feed.until("SOFR", "2025-10-29")
        self.sink.wait_for_requests(2, 20, on_timeout=self.daemon.log_tail)
        lwtest.wait_all_delivered(self.daemon, self.db, count=2)

    def get(self, path: str, **kw: Any) -> Response:
        headers = {**self.headers, **kw.pop("headers", {})}
        return get(self.base + path, headers=headers, **kw)
