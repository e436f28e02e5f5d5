"""The chain head leaves the database: the daemon sends it to a Telegram channel (`head_channel`) at its
first pass and on a schedule, once per head, so a rewrite of history before it is caught by anyone who
kept it (`monitor verify --published SEQ:HASH`)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.daemon.head import publish_head
from monitor.db import models as m
from monitor.history.publish import current_head
from tests.daemon_process import daemon_env
from tests.factories import log, run_cli
from tests.fake_telegram import TOKEN, FakeTelegram

CHANNEL = -1001234567890
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        server.add_chat(CHANNEL, "channel", "공약 감시 이력")
        yield server


def _queued(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        rows = session.scalars(select(m.OutboxEntry).where(m.OutboxEntry.alert_key == "head"))
        return [row.payload["text_ko"] for row in rows]


def test_each_head_is_queued_once_for_the_channel(seeded: sessionmaker[Session]) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    first = publish_head(seeded, CHANNEL, now, SEOUL, "ko")
    assert first is not None and publish_head(seeded, CHANNEL, now, SEOUL, "ko") is None  # unchanged
    log(seeded, "DJ-1-1", now, status="정상추진")  # a chained write: a new head
    second = publish_head(seeded, CHANNEL, now, SEOUL, "ko")
    assert second is not None and second.seq > first.seq
    with seeded() as session:
        assert current_head(session) == second
    texts = _queued(seeded)
    assert len(texts) == 2 and f"이력 체인 헤드 {second.text}" in texts[1]
    assert f"`monitor verify --published {second.text}`로" in texts[1]  # the particle follows the word


def test_the_daemon_sends_the_head_to_the_channel_and_verify_accepts_it(
    fake: FakeTelegram, db_url: str, tmp_path: Path
) -> None:
    env = daemon_env(
        db_url, tmp_path, telegram_token=TOKEN, telegram_base_url=fake.base_url, head_channel=str(CHANNEL)
    )
    command = [sys.executable, "-m", "monitor", "run", "--once"]
    done = subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr
    [message] = fake.messages_to(CHANNEL)
    published = message.text.split("이력 체인 헤드 ", 1)[1].split(" ", 1)[0]
    seq, _, digest = published.partition(":")
    assert int(seq) > 0 and len(digest) == 64
    verified = run_cli(["verify", "--published", published], db_url=db_url)
    assert verified.exit_code == 0, verified.output


def test_the_feed_carries_the_head_as_of_its_instant(seeded: sessionmaker[Session]) -> None:
    """Feed readers keep entries: the head in a feed of the past is the head as it was then, and each
    head has its own entry id, so a reader's archive holds every head it saw."""
    from monitor.feed import atom_feed

    then = datetime(2026, 12, 1, tzinfo=UTC)
    with seeded() as session:
        before = current_head(session)
    log(seeded, "DJ-1-1", then, status="정상추진")
    with seeded() as session:
        now_feed = atom_feed(session, as_of=then, tz=SEOUL, lang="en")
        past_feed = atom_feed(session, as_of=then - timedelta(seconds=1), tz=SEOUL, lang="en")
        after = current_head(session)
    assert after.seq > before.seq
    assert f"[History chain head] {after.text}".encode() in now_feed
    assert f"chain-head/{after.seq}".encode() in now_feed
    assert (
        after.text.encode() not in past_feed and f"[History chain head] {before.text}".encode() in past_feed
    )
