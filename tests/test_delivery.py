"""The send step: console and JSON-lines notifiers, at-least-once with leases, retries and permanent failures."""

from __future__ import annotations

import asyncio
import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.notify.base import Failed
from monitor.notify.console import ConsoleNotifier, JsonLinesNotifier
from monitor.notify.sender import RetryPolicy, Sender, next_delivery
from tests.factories import RecordingNotifier, deliver, detect_at

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def _states(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        rows = session.scalars(select(m.OutboxEntry.state))
        counts: dict[str, int] = {}
        for state in rows:
            counts[state] = counts.get(state, 0) + 1
        return counts


def test_console_message_is_readable_korean_grouped_by_jurisdiction(
    seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    detect_at(seeded, NOW, destinations=("console", "file"))
    out = io.StringIO()
    sender = Sender(
        seeded,
        {
            "console": ConsoleNotifier(out, "ko"),
            "file": JsonLinesNotifier(tmp_path / "alerts.jsonl", lambda: NOW),
        },
        lambda: NOW,
    )
    stats = asyncio.run(sender.deliver_due())
    assert stats.sent == 270 and stats.failed == 0
    text = out.getvalue()
    assert text.count("[공약 이행 모니터]") == 4
    assert "[공약 이행 모니터] 대구광역시 — 새 경보 14건" in text
    assert "• [새 경보·기한 초과] DG-2022-01.done 디지털 기술을 활용한 차량공유 / 2022 의제 실행" in text
    lines = [
        json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(lines) == 135
    first = next(line for line in lines if line["subject"] == "SEOUL-SEJONG-2023.signing")
    assert first["dedup_key"] == "SEOUL-SEJONG-2023.signing:event#1@file"
    assert (first["rule"], first["condition"], first["jurisdiction_ko"]) == (
        "event",
        "unconfirmed",
        "서울특별시",
    )
    assert first["parties"] == ["seoul", "sejong"]


def test_english_console_message(seeded: sessionmaker[Session]) -> None:
    detect_at(seeded, NOW, destinations=("console",))
    out = io.StringIO()
    asyncio.run(Sender(seeded, {"console": ConsoleNotifier(out, "en")}, lambda: NOW).deliver_due())
    assert "[Pledge monitor] Daegu Metropolitan City — new 14" in out.getvalue()
    assert "1421 days past the 2022-12-31 deadline — completion not reported" in out.getvalue()


def test_group_wait_holds_notifications_back(seeded: sessionmaker[Session]) -> None:
    detect_at(seeded, NOW, destinations=("console",), group_wait=timedelta(seconds=30))
    console = RecordingNotifier()
    assert deliver(seeded, NOW + timedelta(seconds=29), console).sent == 0
    assert deliver(seeded, NOW + timedelta(seconds=30), console).sent == 135


def test_transient_failure_keeps_rows_pending_with_backoff(seeded: sessionmaker[Session]) -> None:
    detect_at(seeded, NOW, destinations=("console",))
    flaky = RecordingNotifier(results=[Failed("timeout")] * 4)
    stats = deliver(seeded, NOW, flaky)
    assert (stats.sent, stats.retried) == (0, 14)  # the first group failed; the later ones wait their turn
    assert _states(seeded) == {"pending": 135}
    with seeded() as session:
        row = session.scalars(select(m.OutboxEntry)).first()
        assert row is not None and row.attempts == 1 and row.last_error == "timeout"
        assert row.not_before == NOW + timedelta(seconds=5)  # the first retry waits the base delay
    assert deliver(seeded, NOW + timedelta(seconds=4), RecordingNotifier()).sent == 0
    assert deliver(seeded, NOW + timedelta(seconds=5), RecordingNotifier()).sent == 135


def test_retries_stop_after_retry_for_and_permanent_failures_stop_at_once(
    seeded: sessionmaker[Session],
) -> None:
    detect_at(seeded, NOW, destinations=("console",))
    deliver(seeded, NOW, RecordingNotifier(results=[Failed("chat not found", permanent=True)]))
    assert (
        _states(seeded)["failed"] == 14
    )  # the first group (daegu) failed for good; the others were delivered
    policy = RetryPolicy(retry_for=timedelta(hours=1))
    with seeded.begin() as session:
        for row in session.scalars(select(m.OutboxEntry).where(m.OutboxEntry.state == "failed")):
            row.state, row.not_before = "pending", NOW
    deliver(seeded, NOW + timedelta(hours=2), RecordingNotifier(results=[Failed("503")]), policy=policy)
    assert _states(seeded) == {"failed": 14, "sent": 121}


def test_a_crash_between_send_and_record_resends_with_the_same_dedup_key(
    seeded: sessionmaker[Session],
) -> None:
    detect_at(seeded, NOW, destinations=("console",))
    crashed = Sender(seeded, {}, lambda: NOW)
    claimed = [b for queue in crashed._reserve(NOW, crashed.limit) for b in queue.batches]  # then it died
    assert sum(len(b.items) for b in claimed) == 135
    with seeded() as session:  # the daemon's delivery timer wakes when the dead process's lease runs out
        assert next_delivery(session) == NOW + timedelta(minutes=5)
    assert deliver(seeded, NOW + timedelta(minutes=4), RecordingNotifier()).sent == 0  # lease still held
    resent = RecordingNotifier()
    assert deliver(seeded, NOW + timedelta(minutes=6), resent).sent == 135
    keys = sorted(i.dedup_key for b in resent.batches for i in b.items)
    assert keys == sorted(i.dedup_key for b in claimed for i in b.items)


def test_the_delivery_timer_waits_for_a_destinations_backoff_not_for_its_newer_rows(
    seeded: sessionmaker[Session],
) -> None:
    detect_at(seeded, NOW, destinations=("console",))
    deliver(seeded, NOW, RecordingNotifier(results=[Failed("503")]))  # the rest wait behind it
    with seeded() as session:
        backoff = session.scalar(select(func.max(m.OutboxEntry.not_before)))  # the failed batch
        assert backoff is not None and backoff > NOW
    detect_at(seeded, NOW + timedelta(days=8), destinations=("console",))  # repeats queued behind them
    with seeded() as session:
        assert next_delivery(session) == backoff  # not the new rows' own not_before (a busy loop)


def test_backoff_grows_exponentially_with_full_jitter() -> None:
    policy = RetryPolicy(first=timedelta(seconds=5), longest=timedelta(minutes=10))
    rng = random.Random(1)
    delays = [policy.delay(n, rng) for n in (1, 2, 3, 4, 10, 30)]
    assert delays[0] == timedelta(seconds=5)
    assert all(timedelta(seconds=5) <= d <= timedelta(minutes=10) for d in delays)
    assert max(policy.delay(30, random.Random(s)) for s in range(50)) > timedelta(minutes=5)
