"""Helpers for the notification end-to-end tests (tests/e2e/test_notify_*.py).

Stdlib only, beside lwtest.py (which has the HTTP sink, lwtest.Sink, and the SOFR feed,
lwtest.start_sofr_feed). The receiver side of the webhook signature, a validator for the
payload shape Slack's incoming webhooks accept, an SMTP recorder for aiosmtpd, and the config
shared by the tests: one rule `sofr > 4.30` (SOFR_ABOVE_4_30), which 2025-10-28 (4.31%) fires
and 2025-10-29 (4.27%) resolves.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from pathlib import Path
from typing import Any, Optional

import lwtest


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


# The rule most notification tests alert on: 2025-10-28 (4.31%) fires it, 2025-10-29 resolves.
SOFR_ABOVE_4_30 = lwtest.threshold_rule_yaml("sofr_above_4_30", "4.30", severity="critical",
                                             description="SOFR above 4.30% (funding squeeze)")


def config(db: Path, feed_url: str, notifiers: str, extra: str = "",
           max_age: str = "1h", rules: str = SOFR_ABOVE_4_30) -> str:
    """The daemon config of the notification tests: API off, SOFR from the feed, `rules`
    (default SOFR_ABOVE_4_30), the given `notifiers:` entries, then `extra` top-level YAML
    (e.g. routes)."""
    return lwtest.daemon_config(db, '"off"', lwtest.fred_source_yaml(feed_url),
                                series=lwtest.SOFR_SERIES, rules=rules, notifiers=notifiers,
                                max_age=max_age) + extra


def plain_smtp_notifier_yaml(name: str, port: int, **fields: str) -> str:
    """One `notifiers:` entry: email over plain SMTP (no STARTTLS) to 127.0.0.1:port, from
    alerts@ to desk@liqwatch.example; further keys (group_wait, username, ...) follow."""
    return lwtest.mapping_entry_yaml(name, type="email", url=f"smtp://127.0.0.1:{port}",
                                     starttls='"off"', from_="alerts@liqwatch.example",
                                     to="[desk@liqwatch.example]", **fields)


class SmtpRecorder:
    """aiosmtpd handler recording every accepted message as (mail_from, rcpt_tos, content)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def wait(self, n: int, timeout: float, on_timeout=None):
        def got():
            with self.lock:
                return len(self.messages) >= n and list(self.messages)
        return lwtest.wait_for(got, timeout, f"{n} email(s)", on_timeout=on_timeout)


def db_dump(db: Path) -> str:
    import sqlite3
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()
