"""Prometheus metrics over real HTTP: the counters follow what the daemon reports, the gauges follow the
database at each scrape (read through the same snapshot as `monitor status`), a database that cannot
be read is a gauge at 0 rather than a failed scrape, and each `Telemetry` keeps its own registry.

The endpoint listens on a free port of 127.0.0.1; each scrape is parsed with prometheus-client's own
parser, as Prometheus would read it.
"""

from __future__ import annotations

import logging
import socket
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session, sessionmaker

from monitor.db.engine import make_session_factory
from monitor.ops.server import MetricsPortError
from monitor.ops.telemetry import PassKind, Telemetry, status_source
from tests.test_status_command import AT, add_daemon, add_outbox, busy_world

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(port: int) -> Samples:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        assert response.status == 200
        text = response.read().decode("utf-8")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


@pytest.fixture
def served(sessions: sessionmaker[Session]) -> Iterator[tuple[Telemetry, int]]:
    """A telemetry reading `sessions` as of AT, served on a free port."""
    telemetry = Telemetry(status_source(sessions, lambda: AT))
    server = telemetry.serve("127.0.0.1", 0)
    yield telemetry, server.port
    server.stop()


def test_the_counters_follow_what_the_daemon_reports(served: tuple[Telemetry, int]) -> None:
    telemetry, port = served
    before = scrape(port)
    assert value(before, "monitor_passes_total", kind="full") == 0
    assert value(before, "monitor_deliveries_total", result="failed") == 0
    telemetry.pass_done(PassKind.FULL, 0.3)
    telemetry.pass_done("incremental", 0.02)
    telemetry.pass_done("incremental", 0.04)
    telemetry.delivered(sent=3, retried=1, failed=0)
    telemetry.delivered(sent=2, retried=2, failed=1)
    telemetry.flood_waited(2)
    telemetry.set_leader(True)
    after = scrape(port)
    assert value(after, "monitor_passes_total", kind="full") == 1
    assert value(after, "monitor_passes_total", kind="incremental") == 2
    assert value(after, "monitor_pass_duration_seconds_count", kind="incremental") == 2
    assert value(after, "monitor_pass_duration_seconds_sum", kind="incremental") == pytest.approx(0.06)
    assert value(after, "monitor_pass_duration_seconds_bucket", kind="full", le="0.25") == 0
    assert value(after, "monitor_pass_duration_seconds_bucket", kind="full", le="0.5") == 1
    sent, retried, failed = (
        value(after, "monitor_deliveries_total", result=r) for r in ("sent", "retried", "failed")
    )
    assert (sent, retried, failed) == (5, 3, 1)
    assert value(after, "monitor_telegram_flood_waits_total") == 2
    assert value(after, "monitor_leader") == 1
    telemetry.set_leader(False)
    assert value(scrape(port), "monitor_leader") == 0


def test_the_gauges_follow_the_database_at_each_scrape(
    sessions: sessionmaker[Session], served: tuple[Telemetry, int]
) -> None:
    _, port = served
    empty = scrape(port)
    assert value(empty, "monitor_database_up") == 1
    assert value(empty, "monitor_daemons_alive") == 0
    assert value(empty, "monitor_outbox_oldest_pending_age_seconds") == 0
    assert ("monitor_last_pass_timestamp_seconds", frozenset()) not in empty
    busy_world(sessions, AT)
    samples = scrape(port)
    outbox = [value(samples, "monitor_outbox_rows", state=s) for s in ("pending", "sent", "failed")]
    assert outbox == [2, 1, 1]
    assert value(samples, "monitor_outbox_oldest_pending_age_seconds") == 300
    assert value(samples, "monitor_alerts", state="firing") == 2
    assert value(samples, "monitor_alerts", state="resolved") == 1
    assert value(samples, "monitor_daemons_alive") == 2
    assert value(samples, "monitor_disabled_chats") == 1
    assert value(samples, "monitor_history_head_seq") >= 1
    last_pass = AT - timedelta(seconds=30)
    assert value(samples, "monitor_last_pass_timestamp_seconds") == last_pass.timestamp()
    add_outbox(sessions, "pending", AT - timedelta(minutes=20))
    add_daemon(sessions, "third-host", AT)
    again = scrape(port)
    assert value(again, "monitor_outbox_rows", state="pending") == 3
    assert value(again, "monitor_outbox_oldest_pending_age_seconds") == 1200
    assert value(again, "monitor_daemons_alive") == 3


def test_a_database_that_cannot_be_read_is_a_gauge_at_0_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy import create_engine

    (tmp_path / "a-file").write_text("not a folder")
    unreadable = make_session_factory(create_engine(f"sqlite:///{tmp_path}/a-file/monitor.sqlite3"))
    telemetry = Telemetry(status_source(unreadable, lambda: AT), lang="ko")
    server = telemetry.serve("127.0.0.1", 0)
    try:
        with caplog.at_level(logging.WARNING, logger="monitor.ops.telemetry"):
            first, second = scrape(server.port), scrape(server.port)
    finally:
        server.stop()
    for samples in (first, second):
        assert value(samples, "monitor_database_up") == 0
        assert value(samples, "monitor_passes_total", kind="full") == 0  # the daemon's side is still served
        assert ("monitor_daemons_alive", frozenset()) not in samples
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("지표: 데이터베이스를 읽을 수 없어")


def test_each_telemetry_keeps_its_own_registry(sessions: sessionmaker[Session]) -> None:
    first, second = Telemetry(), Telemetry(status_source(sessions, lambda: AT))
    first.pass_done(PassKind.FULL, 1.0)
    first.set_leader(True)
    assert b'monitor_passes_total{kind="full"} 1.0' in first.exposition()
    assert b'monitor_passes_total{kind="full"} 0.0' in second.exposition()
    assert b"monitor_database_up" not in first.exposition()  # no database given: counters only
    assert b"monitor_database_up 1.0" in second.exposition()
    assert first.content_type.startswith("text/plain")


def test_an_unknown_pass_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="sweep"):
        Telemetry().pass_done("sweep", 1.0)


def test_a_port_in_use_is_one_line_naming_it() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(MetricsPortError) as refused:
            Telemetry().serve("127.0.0.1", port)
    assert refused.value.localized("ko").startswith(f"지표를 127.0.0.1:{port}에서 제공할 수 없습니다: ")
    assert str(refused.value).startswith(f"cannot serve metrics on 127.0.0.1:{port}: ")
    assert "\n" not in str(refused.value)


def test_the_clock_is_the_callers(sessions: sessionmaker[Session]) -> None:
    """The age of the oldest pending row is measured at the injected instant, not the machine's."""
    add_outbox(sessions, "pending", AT - timedelta(hours=1))
    later = AT + timedelta(days=2)
    text = Telemetry(status_source(sessions, lambda: later)).exposition().decode()
    samples = {
        s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples if not s.labels
    }
    assert (
        samples["monitor_outbox_oldest_pending_age_seconds"]
        == (later - AT + timedelta(hours=1)).total_seconds()
    )
