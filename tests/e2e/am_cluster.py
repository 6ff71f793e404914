"""Two clustered Prometheus Alertmanager replicas on loopback, for the HA tests.

Debian's `prometheus-alertmanager` (installed by scripts/setup-deps.sh test) runs as two child
processes, each with its own storage, web port and cluster port, peered with the other
(`--cluster.peer`), every address on 127.0.0.1. The routing config sends each alert to one
webhook receiver (a lwtest.Sink) in a group of its own (`group_by: ['...']`) after a short
group_wait, with send_resolved, and a repeat_interval longer than any test, so what reaches
the receiver is exactly Alertmanager's own deduplicated notifications.

A replica at cluster position p waits p * peer_timeout before it notifies and skips what its
peers' gossiped notification log says was already sent: that is Alertmanager's HA dedup.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any, Optional

import lwtest

AM_BIN = "/usr/bin/prometheus-alertmanager"

ROUTING = """\
route:
  receiver: hook
  group_by: ['...']
  group_wait: {group_wait}
  group_interval: {group_interval}
  repeat_interval: 24h
receivers:
  - name: hook
    webhook_configs:
      - url: {hook_url}
        send_resolved: true
        max_alerts: 0
"""


class Replica(lwtest._Child):
    """One Alertmanager process; `url` is its web base URL."""

    stop_timeout = 5

    def __init__(self, name: str, workdir: Path, config: Path, web_port: int,
                 cluster_port: int, peer_ports: list[int], peer_timeout: str) -> None:
        self.name = name
        self.web_port = web_port
        self.cluster_port = cluster_port
        self.log_path = workdir / f"{name}.log"
        storage = workdir / f"{name}-data"
        storage.mkdir(parents=True, exist_ok=True)
        self.cmd = [AM_BIN, f"--config.file={config}", f"--storage.path={storage}",
                    f"--web.listen-address=127.0.0.1:{web_port}",
                    f"--cluster.listen-address=127.0.0.1:{cluster_port}",
                    f"--cluster.advertise-address=127.0.0.1:{cluster_port}",
                    f"--cluster.peer-timeout={peer_timeout}",
                    "--cluster.gossip-interval=100ms", "--cluster.pushpull-interval=2s",
                    "--cluster.probe-interval=500ms", "--cluster.settle-timeout=10s",
                    "--cluster.reconnect-interval=2s", "--log.level=debug"]
        self.cmd += [f"--cluster.peer=127.0.0.1:{p}" for p in peer_ports]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start(self) -> "Replica":
        self._spawn(self.cmd)
        return self

    def __enter__(self) -> "Replica":
        return self.start()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: the replica dies without leaving the cluster."""
        self.proc.kill()
        self.proc.wait(5)

    def status(self) -> Optional[dict]:
        try:
            with urllib.request.urlopen(self.url + "/api/v2/status", timeout=2) as r:
                return json.loads(r.read())
        except OSError:
            return None

    def metrics(self) -> dict[str, float]:
        with urllib.request.urlopen(self.url + "/metrics", timeout=5) as r:
            return lwtest.metric_samples(r.read().decode())

    def log_tail(self, lines: int = 40) -> str:
        return f"--- {self.name} log ---\n" + lwtest.tail(self.log_path, lines)


class Cluster:
    """Two peered replicas, started and ready (cluster settled, each sees 2 members)."""

    def __init__(self, tmp: lwtest.Scratch, hook_url: str, group_wait: str = "1s",
                 group_interval: str = "2s", peer_timeout: str = "3s") -> None:
        config = tmp.write("alertmanager.yml", ROUTING.format(
            group_wait=group_wait, group_interval=group_interval, hook_url=hook_url))
        web = [lwtest.free_port(), lwtest.free_port()]
        cluster = [lwtest.free_port(), lwtest.free_port()]
        self.replicas = [
            Replica(f"am{i}", tmp.path, config, web[i], cluster[i], [cluster[1 - i]],
                    peer_timeout) for i in range(2)]
        for r in self.replicas:
            tmp.enter(r)
            tmp.keep(r.log_path)

    def wait_ready(self, timeout: float = 60) -> None:
        def ready() -> bool:
            for r in self.replicas:
                if not r.alive():
                    raise AssertionError(f"{r.name} exited\n" + r.log_tail())
                s = r.status()
                c = (s or {}).get("cluster", {})
                if c.get("status") != "ready" or len(c.get("peers") or []) != 2:
                    return False
            return True
        lwtest.wait_for(ready, timeout, "Alertmanager cluster ready with 2 peers",
                        on_timeout=lambda: "\n".join(r.log_tail() for r in self.replicas))

    @property
    def urls(self) -> list[str]:
        return [r.url for r in self.replicas]

    def sum_metric(self, name: str, live_only: bool = True) -> float:
        """`name` (with labels, as in /metrics) summed over the replicas still running."""
        total = 0.0
        for r in self.replicas:
            if live_only and not r.alive():
                continue
            total += sum(v for k, v in r.metrics().items()
                         if k == name or k.startswith(name + "{"))
        return total


def notifications(sink: lwtest.Sink) -> list[tuple[str, str, str]]:
    """Every alert in every Alertmanager webhook notification the sink received, as
    (alertname, status, receiving replica's externalURL host:port)."""
    out = []
    for req in sink.requests():
        body = req.json or {}
        for a in body.get("alerts", []):
            out.append((a.get("labels", {}).get("alertname", ""), a.get("status", ""),
                        re.sub(r"^https?://", "", body.get("externalURL", ""))))
    return out


def post_alert(url: str, labels: dict, starts_at: str, ends_at: Optional[str] = None) -> Any:
    alert: dict = {"labels": labels, "startsAt": starts_at}
    if ends_at:
        alert["endsAt"] = ends_at
    return lwtest.http_json("POST", url + "/api/v2/alerts", [alert])
