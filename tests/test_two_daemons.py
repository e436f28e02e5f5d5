"""Two daemons on one PostgreSQL database, as real processes against the fake Bot API: a burst to 100 chats
arrives once each with no 429; the leader killed with SIGKILL mid-delivery is replaced by the follower;
(a leader stopped with SIGSTOP is covered in-process by tests/test_delivery_leases.py). On SQLite a second daemon
is refused in one line."""

from __future__ import annotations

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
from tests.daemon_process import DaemonProcess, daemon_env, monitor
from tests.factories import SEEDS, load_shipped_seeds, migrated_engine, sessions_for
from tests.fake_telegram import FakeTelegram
from tests.telegram_factories import subscribe
from tests.test_telegram_e2e import _unrecorded_batches, outbox, telegram_env, wait_until

CHATS = [*range(7001, 7081), *range(-1_001_000_000_020, -1_001_000_000_000)]  # 80 private, 20 groups
LEASES = {"leader_lease": "2s", "delivery_lease": "2s"}


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _postgres_schema_url()


@pytest.fixture
def pg(pg_url: str) -> Iterator[sessionmaker[Session]]:
    engine = migrated_engine(pg_url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions)  # the chats subscribe to one of its places
    yield sessions
    engine.dispose()


@pytest.fixture
def fake(pg: sessionmaker[Session]) -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        for chat in CHATS:
            server.add_chat(
                chat, "supergroup" if chat < 0 else "private", f"감시단 {chat}" if chat < 0 else None
            )
        yield server
        assert server.internal_errors == []


def _telegram_rows(sessions: sessionmaker[Session]) -> list[m.OutboxEntry]:
    return [row for row in outbox(sessions) if row.destination.startswith("telegram:")]


def _leader(sessions: sessionmaker[Session]) -> DaemonRecord | None:
    with sessions() as session:
        return session.scalar(
            select(DaemonRecord).where(DaemonRecord.leader.is_(True), DaemonRecord.stopped_at.is_(None))
        )


def _burst(sessions: sessionmaker[Session]) -> list[int]:
    """Every chat subscribed to one place: a message each, a hundred at once."""
    for chat in CHATS:
        subscribe(sessions, chat, jurisdiction="daegu", chat_type="supergroup" if chat < 0 else "private")
    return CHATS


def _long_queues(sessions: sessionmaker[Session]) -> list[int]:
    """Twenty chats subscribed to everything: about ten messages each, which a chat's limit (one a
    second) spreads over ten seconds or more — a delivery long enough to stop or kill its sender."""
    chats = CHATS[:20]
    for chat in chats:
        subscribe(sessions, chat)
    return chats


def _all_sent(sessions: sessionmaker[Session], chats: list[int]) -> bool:
    rows = _telegram_rows(sessions)
    return {row.destination for row in rows} == {f"telegram:{chat}" for chat in chats} and all(
        row.state == "sent" for row in rows
    )


def _at_most_the_batch_in_flight_twice(
    fake: FakeTelegram, chats: list[int], sessions: sessionmaker[Session]
) -> None:
    rows = _telegram_rows(sessions)
    for chat in chats:
        mine = [row for row in rows if row.destination == f"telegram:{chat}"]
        twice = _unrecorded_batches(fake, chat, mine)
        assert len(twice) <= 1, f"chat {chat}: more than the batch in flight was sent twice: {twice}"


def _busy_leader_and_follower(
    pg_url: str, tmp_path: Path, fake: FakeTelegram
) -> tuple[DaemonProcess, DaemonProcess]:
    """A leader mid-way through long queues (each send takes 3 s) and a follower standing by."""
    env = telegram_env(pg_url, tmp_path, fake, seeds_dir=str(SEEDS), **LEASES, telegram_timeout="10s")
    fake.set_delay(3, "sendMessage")  # each chat's queue takes the leader 15 s or more
    leader = DaemonProcess(env, tmp_path)
    wait_until(lambda: len(fake.sent) >= 5, "deliveries under way", leader, 60)
    follower = DaemonProcess(env, tmp_path, "--no-seed")
    try:
        wait_until(lambda: "다른 데몬이 주도합니다" in follower.log, "the follower standing by", follower, 30)
    except AssertionError:
        leader.kill()
        follower.kill()
        raise
    return leader, follower


def _repeated(fake: FakeTelegram, chats: list[int]) -> dict[int, int]:
    """Per chat, how many messages arrived more than once (same text)."""
    repeats: dict[int, int] = {}
    for chat in chats:
        texts = Counter(fake.visible_text(msg) for msg in fake.messages_to(chat, "message"))
        if extra := sum(count - 1 for count in texts.values()):
            repeats[chat] = extra
    return repeats


def _senders(sessions: sessionmaker[Session]) -> set[str]:
    """The daemons (ids) that delivered Telegram rows."""
    return {row.delivery["by"] for row in _telegram_rows(sessions) if row.state == "sent"}


@pytest.mark.postgres
def test_two_daemons_deliver_a_burst_to_100_chats_exactly_once_without_a_429(
    pg_url: str, pg: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram
) -> None:
    chats = _burst(pg)
    env = telegram_env(pg_url, tmp_path, fake, seeds_dir=str(SEEDS), **LEASES)
    fake.set_delay(0.05, "sendMessage")  # a burst long enough for both to take part
    daemons = [DaemonProcess(env, tmp_path, "--no-seed") for _ in range(2)]  # the seeds are loaded
    try:
        wait_until(lambda: _all_sent(pg, chats), "every chat's alert sent", daemons[0], 120)
        with pg() as session:
            ids = set(session.scalars(select(DaemonRecord.id)))
        assert _senders(pg) == ids and len(ids) == 2  # both delivered
        for daemon in daemons:
            assert daemon.terminate() == 0
    finally:
        for daemon in daemons:
            daemon.kill()
    assert fake.rejected_429 == 0
    assert all(fake.messages_to(chat, "message") for chat in chats)  # none lost
    assert _repeated(fake, chats) == {}  # none doubled
    for daemon in daemons:
        assert "Traceback" not in daemon.log, daemon.log


@pytest.mark.postgres
def test_the_follower_takes_over_when_the_leader_is_killed_mid_delivery(
    pg_url: str, pg: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram, record_property: Any
) -> None:
    chats = _long_queues(pg)
    leader, follower = _busy_leader_and_follower(pg_url, tmp_path, fake)
    try:
        leader.kill()  # SIGKILL mid-delivery: leases left behind
        killed = time.monotonic()
        wait_until(lambda: "이 데몬이 주도합니다" in follower.log, "the follower leading", follower, 30)
        took_over = time.monotonic() - killed
        record_property("takeover_seconds", round(took_over, 2))
        print(f"takeover after SIGKILL: {took_over:.2f} s (leader lease 2 s)")
        wait_until(lambda: _all_sent(pg, chats), "every chat's alert sent", follower, 120)
        assert follower.terminate() == 0
    finally:
        leader.kill()
        follower.kill()
    assert all(fake.messages_to(chat, "message") for chat in chats)  # none lost
    _at_most_the_batch_in_flight_twice(fake, chats, pg)
    assert "Traceback" not in follower.log, follower.log


def test_a_second_daemon_on_sqlite_is_refused_in_one_line(sqlite_url: str, tmp_path: Path) -> None:
    env = daemon_env(sqlite_url, tmp_path, seeds_dir=str(SEEDS), poll_interval="0.2s")
    first = DaemonProcess(env, tmp_path)
    try:
        first.wait_for("[공약 이행 모니터]", 60)
        second = monitor(env, tmp_path, "run", "--no-seed", ok=False)
        assert first.terminate() == 0
    finally:
        first.kill()
    assert second.returncode == 1
    (line,) = second.stderr.strip().splitlines()
    assert "SQLite에서는 데몬을 하나만" in line and f"pid {first.process.pid}" in line
