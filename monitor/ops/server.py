"""The `/metrics` HTTP endpoint: prometheus-client's own threaded WSGI server on one address.

A port that cannot be opened (taken, not allowed) is one line naming the address and the reason, in
Korean and English, not a traceback; the caller decides whether the daemon runs on without metrics.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, start_http_server

from monitor.errors import MonitorError


class MetricsPortError(MonitorError):
    """The metrics port could not be opened."""


@dataclass
class MetricsServer:
    server: WSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose when 0 was asked)."""
        return int(self.server.server_address[1])

    def stop(self) -> None:
        """Stop answering and close the socket (waits for the serving thread)."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def start(registry: CollectorRegistry, host: str, port: int) -> MetricsServer:
    try:
        server, thread = start_http_server(port, addr=host, registry=registry)
    except OSError as exc:
        where, reason = f"{host}:{port}", exc.strerror or str(exc)
        raise MetricsPortError(
            f"cannot serve metrics on {where}: {reason} (metrics_port, metrics_host settings)",
            ko=f"지표를 {where}에서 제공할 수 없습니다: {reason} (metrics_port, metrics_host 설정)",
        ) from None
    return MetricsServer(server, thread)
