"""Two daemons on one PostgreSQL database, as real processes against the fake Bot API: a burst to 100 chats
arrives once each with no 429; the leader killed with SIGKILL mid-delivery is replaced by the follower;
a leader stopped (SIGSTOP) past its lease sends nothing more when it resumes. On SQLite a second daemon
is refused in one line."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.db.ha import DaemonRecord
from tests.conftest import _postgres_schema_url
from tests.daemon_process import DaemonProcess, daemon_env
from tests.factories import SEEDS, migrated_engine, sessions_for
from tests.fake_telegram import FakeTelegram
from tests.telegram_factories import subscribe
from tests.test_telegram_e2e import outbox, telegram_env, wait_until

CHATS = [*range(7001, 7081), *range(-1_001_000_000_020, -1_001_000_000_000)]  # 80 private, 20 groups
LEASES = {"leader_lease": "2s", "delivery_lease": "2s"}


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _postgres_schema_url()


@pytest.fixture
def pg(pg_url: str) -> Iterator[sessionmaker[Session]]:
    engine = migrated_engine(pg_url)
    yield sessions_for(engine)
    engine.dispose()


@pytest.fixture
def fake(pg: sessionmaker[Session]) -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        for chat in CHATS:
            server.add_chat(
                chat, "supergroup" if chat < 0 else "private", f"감시단 {chat}" if chat < 0 else None
            )
            subscribe(pg, chat, jurisdiction="daegu", chat_type="supergroup" if chat < 0 else "private")
        yield server
        assert server.internal_errors == []


def _telegram_rows(sessions: sessionmaker[Session]) -> list[m.OutboxEntry]:
    return [row for row in outbox(sessions) if row.destination.startswith("telegram:")]


def _leader(sessions: sessionmaker[Session]) -> DaemonRecord | None:
    with sessions() as session:
        return session.scalar(
            select(DaemonRecord).where(DaemonRecord.leader.is_(True), DaemonRecord.stopped_at.is_(None))
        )


def _all_sent(sessions: sessionmaker[Session]) -> bool:
    rows = _telegram_rows(sessions)
    return len(rows) == len(CHATS) and all(row.state == "sent" for row in rows)


def _repeated(fake: FakeTelegram) -> dict[int, int]:
    """Per chat, how many messages arrived more than once (same text)."""
    repeats: dict[int, int] = {}
    for chat in CHATS:
        texts = Counter(fake.visible_text(msg) for msg in fake.messages_to(chat, "message"))
        if extra := sum(count - 1 for count in texts.values()):
            repeats[chat] = extra
    return repeats


def _start_two(env: dict[str, str], tmp_path: Path, sessions: sessionmaker[Session]) -> list[DaemonProcess]:
    first = DaemonProcess(env, tmp_path)
    wait_until(lambda: _leader(sessions) is not None, "a leader", first, 60)
    return [first, DaemonProcess(env, tmp_path, "--no-seed")]


@pytest.mark.postgres
def test_two_daemons_deliver_a_burst_to_100_chats_exactly_once_without_a_429(
    pg_url: str, pg: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram
) -> None:
    env = telegram_env(pg_url, tmp_path, fake, seeds_dir=str(SEEDS), **LEASES)
    daemons = _start_two(env, tmp_path, pg)
    try:
        wait_until(lambda: _all_sent(pg), "every chat's alert sent", daemons[0], 120)
        for daemon in daemons:
            assert daemon.terminate() == 0
    finally:
        for daemon in daemons:
            daemon.kill()
    assert fake.rejected_429 == 0
    assert all(fake.messages_to(chat, "message") for chat in CHATS)  # none lost
    assert _repeated(fake) == {}  # none doubled
    for daemon in daemons:
        assert "Traceback" not in daemon.log, daemon.log


@pytest.mark.postgres
def test_the_follower_takes_over_when_the_leader_is_killed_mid_delivery(
    pg_url: str, pg: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram, record_property: Any
) -> None:
    env = telegram_env(pg_url, tmp_path, fake, seeds_dir=str(SEEDS), **LEASES)
    fake.set_delay(0.2, "sendMessage")
    leader = DaemonProcess(env, tmp_path)
    wait_until(lambda: len(fake.sent) >= 5, "deliveries under way", leader, 60)
    follower = DaemonProcess(env, tmp_path, "--no-seed")
    try:
        wait_until(lambda: "다른 데몬이 주도합니다" in follower.log, "the follower standing by", follower, 30)
        leader.kill()  # SIGKILL mid-delivery: leases left behind
        killed = time.monotonic()
        wait_until(lambda: "이 데몬이 주도합니다" in follower.log, "the follower leading", follower, 30)
        took_over = time.monotonic() - killed
        record_property("takeover_seconds", round(took_over, 2))
        print(f"takeover after SIGKILL: {took_over:.2f} s (leader lease 2 s)")
        fake.set_delay(0, "sendMessage")
        wait_until(lambda: _all_sent(pg), "every chat's alert sent", follower, 120)
        assert follower.terminate() == 0
    finally:
        leader.kill()
        follower.kill()
    assert all(fake.messages_to(chat, "message") for chat in CHATS)  # none lost
    repeated = _repeated(fake)
    assert len(repeated) <= 1, f"more than the batch in flight was repeated: {repeated}"
    assert "Traceback" not in follower.log, follower.log


@pytest.mark.postgres
def test_a_leader_stopped_past_its_lease_sends_nothing_more_when_it_resumes(
    pg_url: str, pg: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram
) -> None:
    env = telegram_env(pg_url, tmp_path, fake, seeds_dir=str(SEEDS), **LEASES)
    fake.set_delay(0.2, "sendMessage")
    leader = DaemonProcess(env, tmp_path)
    wait_until(lambda: len(fake.sent) >= 5, "deliveries under way", leader, 60)
    follower = DaemonProcess(env, tmp_path, "--no-seed")
    try:
        wait_until(lambda: "다른 데몬이 주도합니다" in follower.log, "the follower standing by", follower, 30)
        leader.process.send_signal(signal.SIGSTOP)
        wait_until(lambda: "이 데몬이 주도합니다" in follower.log, "the follower leading", follower, 30)
        fake.set_delay(0, "sendMessage")
        wait_until(lambda: _all_sent(pg), "every chat's alert sent", follower, 120)
        sent_before = len(fake.sent)
        leader.process.send_signal(signal.SIGCONT)
        wait_until(lambda: "다른 데몬이 주도합니다" in leader.log, "the old leader standing down", leader, 30)
        time.sleep(3)  # what the resumed process would still send has time to arrive
        assert len(fake.sent) == sent_before, "the resumed leader sent again"
        for daemon in (leader, follower):
            assert daemon.terminate() == 0
    finally:
        leader.kill()
        follower.kill()
    repeated = _repeated(fake)
    assert len(repeated) <= 1, f"more than the batch in flight at the stop was repeated: {repeated}"


def test_a_second_daemon_on_sqlite_is_refused_in_one_line(sqlite_url: str, tmp_path: Path) -> None:
    env = daemon_env(sqlite_url, tmp_path, seeds_dir=str(SEEDS), poll_interval="0.2s")
    first = DaemonProcess(env, tmp_path)
    try:
        first.wait_for("[공약 이행 모니터]", 60)
        second = subprocess.run(
            [sys.executable, "-m", "monitor", "run", "--no-seed"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert first.terminate() == 0
    finally:
        first.kill()
    assert second.returncode == 1
    (line,) = second.stderr.strip().splitlines()
    assert "SQLite에서는 데몬을 하나만" in line and f"pid {first.process.pid}" in line
