"""Prometheus metrics of a running daemon (prometheus-client, the ecosystem's reference client).

A `Telemetry` owns its `CollectorRegistry` — nothing is registered at import time, so two daemons in
one test process, or a test and a daemon, never share a counter. The daemon feeds the counters as it
works; the database's side is read at scrape time through the same snapshot `monitor status` prints
(`monitor.ops.status.read_status`), so the two never disagree.

Fed by the daemon:

- `monitor_passes_total{kind="full|incremental"}`: detection passes.
- `monitor_pass_duration_seconds{kind}`: histogram of their duration.
- `monitor_deliveries_total{result="sent|retried|failed"}`: outbox rows per delivery result.
- `monitor_telegram_flood_waits_total`: Telegram's 429 answers (each one waited out).
- `monitor_leader`: 1 while this daemon leads (runs the scheduler and detection), else 0.

Read from the database at each scrape:

- `monitor_database_up`: 1 when the status could be read (0: the series below are missing).
- `monitor_alerts{state="firing|resolved"}`: alerts per lifecycle state.
- `monitor_outbox_rows{state="pending|sent|failed"}`: outbox rows per state.
- `monitor_outbox_oldest_pending_age_seconds`: how long the oldest pending row has waited (0: none).
- `monitor_daemons_alive`: daemons whose heartbeat is fresh (`monitor.ops.status.FRESH_FOR`).
- `monitor_last_pass_timestamp_seconds`: Unix time of the last detection pass (missing before the first).
- `monitor_disabled_chats`: Telegram chats disabled by a permanent delivery error.
- `monitor_history_head_seq`: sequence number of the history chain's head.

`serve(host, port)` starts the HTTP endpoint in a thread; `exposition()` returns the same text for a web
server that mounts `/metrics` itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from enum import StrEnum

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from monitor.ops.server import MetricsServer, start
from monitor.ops.status import AlertState, OutboxState, Status, read_status
from monitor.ops.texts import say
from monitor.vocab import Lang

log = logging.getLogger(__name__)
# Passes take milliseconds (a change in one item) to minutes (the whole country on a slow database).
PASS_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


class PassKind(StrEnum):
    FULL = "full"  # every item: the first pass, the sweep
    INCREMENTAL = "incremental"  # what changed, or what a wake-up is due for


class DeliveryResult(StrEnum):
    SENT = "sent"
    RETRIED = "retried"
    FAILED = "failed"


def status_source(sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> Callable[[], Status]:
    """The status as of `clock()`, read in a session of its own (called from the scrape's thread)."""

    def read() -> Status:
        with sessions() as session:
            return read_status(session, clock())

    return read


class Telemetry:
    """The daemon's metrics. `source`: the database status, read at each scrape (None: counters only)."""

    def __init__(self, source: Callable[[], Status] | None = None, lang: Lang = "ko") -> None:
        self.registry = CollectorRegistry()
        self._passes = Counter("monitor_passes", "Detection passes.", ["kind"], registry=self.registry)
        self._pass_seconds = Histogram(
            "monitor_pass_duration_seconds",
            "Duration of a detection pass.",
            ["kind"],
            buckets=PASS_BUCKETS,
            registry=self.registry,
        )
        self._deliveries = Counter(
            "monitor_deliveries", "Outbox rows per delivery result.", ["result"], registry=self.registry
        )
        self._flood = Counter(
            "monitor_telegram_flood_waits", "Telegram 429 answers waited out.", registry=self.registry
        )
        self._leader = Gauge("monitor_leader", "1 while this daemon leads, else 0.", registry=self.registry)
        for kind in PassKind:  # every series exists from the start, at 0
            self._passes.labels(kind.value)
            self._pass_seconds.labels(kind.value)
        for result in DeliveryResult:
            self._deliveries.labels(result.value)
        if source is not None:
            self.registry.register(DatabaseCollector(source, lang))

    def pass_done(self, kind: str, seconds: float) -> None:
        """One detection pass of `kind` (a `PassKind`) took `seconds`."""
        label = PassKind(kind).value
        self._passes.labels(label).inc()
        self._pass_seconds.labels(label).observe(seconds)

    def delivered(self, sent: int, retried: int, failed: int) -> None:
        """Outbox rows of one delivery round, per result."""
        for result, count in zip(DeliveryResult, (sent, retried, failed), strict=True):
            self._deliveries.labels(result.value).inc(count)

    def flood_waited(self, count: int = 1) -> None:
        """Telegram answered 429 (too many requests) `count` times."""
        self._flood.inc(count)

    def set_leader(self, leading: bool) -> None:
        self._leader.set(1 if leading else 0)

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format (serve with `content_type`), the database read now."""
        return generate_latest(self.registry)

    content_type = CONTENT_TYPE_LATEST

    def serve(self, host: str, port: int) -> MetricsServer:
        """Serve `/metrics` on host:port in a background thread (port 0: any free port)."""
        return start(self.registry, host, port)


class DatabaseCollector:
    """The status snapshot as gauges, read when Prometheus scrapes. A database that cannot be read makes
    `monitor_database_up` 0 (logged once until it can be read again), never a failed scrape."""

    def __init__(self, source: Callable[[], Status], lang: Lang) -> None:
        self.source, self.lang = source, lang
        self.failing = False

    def describe(self) -> list[Metric]:
        return [GaugeMetricFamily(name, text) for name, text in DESCRIPTIONS.items()]

    def collect(self) -> Iterator[Metric]:
        try:
            status = self.source()
        except SQLAlchemyError as exc:
            if not self.failing:
                log.warning(say("log.database_down", self.lang, error=str(exc).splitlines()[0]))
            self.failing = True
            yield _gauge("monitor_database_up", 0)
            return
        if self.failing:
            log.info(say("log.database_up", self.lang))
        self.failing = False
        yield _gauge("monitor_database_up", 1)
        yield from _status_gauges(status)


DESCRIPTIONS = {
    "monitor_database_up": "1 when the database could be read for this scrape.",
    "monitor_alerts": "Alerts per lifecycle state.",
    "monitor_outbox_rows": "Outbox rows per delivery state.",
    "monitor_outbox_oldest_pending_age_seconds": "Age of the oldest pending outbox row (0: none).",
    "monitor_daemons_alive": "Daemons whose heartbeat is fresh.",
    "monitor_last_pass_timestamp_seconds": "Unix time of the last detection pass.",
    "monitor_disabled_chats": "Telegram chats disabled by a permanent delivery error.",
    "monitor_history_head_seq": "Sequence number of the history chain's head.",
}


def _gauge(name: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, DESCRIPTIONS[name], value=value)


def _status_gauges(status: Status) -> Iterator[Metric]:
    alerts = GaugeMetricFamily("monitor_alerts", DESCRIPTIONS["monitor_alerts"], labels=["state"])
    for alert_state in AlertState:
        alerts.add_metric([alert_state.value], status.alerts[alert_state])
    outbox = GaugeMetricFamily("monitor_outbox_rows", DESCRIPTIONS["monitor_outbox_rows"], labels=["state"])
    for outbox_state in OutboxState:
        outbox.add_metric([outbox_state.value], status.backlog.counts[outbox_state])
    yield from (alerts, outbox)
    oldest = status.backlog.oldest_pending_age
    yield _gauge("monitor_outbox_oldest_pending_age_seconds", oldest.total_seconds() if oldest else 0)
    yield _gauge("monitor_daemons_alive", len(status.alive))
    if status.last_pass_at is not None:
        yield _gauge("monitor_last_pass_timestamp_seconds", status.last_pass_at.timestamp())
    yield _gauge("monitor_disabled_chats", status.disabled_count)
    yield _gauge("monitor_history_head_seq", status.head.seq)
