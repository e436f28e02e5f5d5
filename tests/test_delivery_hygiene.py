"""Delivery hygiene: a backlog of any size goes as one message per chat and place; a chat that is gone
(blocked, deleted) has its other rows failed without another request and the admin told once per chat;
a message Telegram refuses for itself does not disable the chat; Telegram rows wait untouched while the
bot is not connected, while console rows go on; two writers queueing the same notification is no error.
Real databases, the fake Bot API over real HTTP."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from monitor.alerts.store import enqueue
from monitor.db import models as m
from monitor.db.alerting import add_pending, insert_new_only, pending_entry
from monitor.db.ha import Lease
from monitor.notify.base import Failed
from monitor.notify.sender import RetryPolicy, Sender, SendStats, next_delivery
from monitor.telegram import chats
from monitor.telegram.chats import admin_notice
from monitor.telegram.limits import Limits
from monitor.telegram.notifier import TelegramNotifier
from monitor.vocab import Lang
from tests.factories import NOW, RecordingNotifier, detect_at, lifecycle
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.telegram_factories import alert_payload
from tests.test_delivery_leases import ko, queue_alerts, rows, texts_by_chat

ANNA, BORA, CHUL, ADMIN = 8001, 8002, 8003, 8999
THREE = {"daejeon": 1, "daegu": 1, "seoul": 1}


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(limits=False) as server:
        for chat in (ANNA, BORA, CHUL, ADMIN):
            server.add_chat(chat)
        yield server
        assert server.internal_errors == []


async def _deliver(
    sessions: sessionmaker[Session], fake: FakeTelegram, admin: int | None, now: datetime
) -> SendStats:
    async with Bot(TOKEN, base_url=fake.base_url) as bot:
        notifier = TelegramNotifier(bot, Limits(overall_per_second=1000, chat_interval=0.001), ko)
        hook = chats.failure_hook(admin, lambda: now)
        sender = Sender(sessions, {"telegram:": notifier}, lambda: now, RetryPolicy(), on_failure=hook)
        return await sender.deliver_due()


def deliver(
    sessions: sessionmaker[Session], fake: FakeTelegram, admin: int | None = ADMIN, now: datetime = NOW
) -> SendStats:
    return asyncio.run(_deliver(sessions, fake, admin, now))


def sends_to(fake: FakeTelegram, chat: int) -> int:
    return sum(
        1 for name, params in fake.requests if name == "sendMessage" and int(params["chat_id"]) == chat
    )


def test_more_than_a_thousand_rows_for_one_chat_and_place_go_as_one_message_in_numbered_parts(
    sessions: sessionmaker[Session], fake: FakeTelegram
) -> None:
    payloads = [alert_payload(f"BIG-{k:04d}") for k in range(1200)]
    with sessions.begin() as session:
        session.execute(
            insert_new_only(session),
            [
                {
                    "dedup_key": f"{p.key}#1@telegram:{ANNA}",
                    "alert_key": p.key,
                    "event": "firing",
                    "destination": f"telegram:{ANNA}",
                    "group_key": "daejeon",
                    "payload": p.to_json(),
                    "created_at": NOW,
                    "not_before": NOW,
                    "state": "pending",
                    "attempts": 0,
                    "delivery": {},
                }
                for p in payloads
            ],
        )
    stats = deliver(sessions, fake)
    assert stats.sent == 1200 and stats.batches == 1
    texts = texts_by_chat(fake)[ANNA]
    total = len(texts)
    assert total > 1
    numbers = [re.search(r"\((\d+)/(\d+)\)$", text.splitlines()[0]) for text in texts]
    assert [(int(n[1]), int(n[2])) for n in numbers if n] == [(k, total) for k in range(1, total + 1)]
    for payload in payloads:
        assert sum(payload.subject in text for text in texts) == 1
    assert {row.delivery["parts"] for row in rows(sessions, ANNA)} == {total}


def test_a_gone_chat_fails_its_other_rows_without_a_request_and_the_admin_is_told_once_per_chat(
    sessions: sessionmaker[Session], fake: FakeTelegram
) -> None:
    queue_alerts(sessions, range(ANNA, CHUL + 1), 1, THREE, NOW)  # three messages for each chat
    fake.block(ANNA)
    fake.delete_chat(BORA)
    stats = deliver(sessions, fake)
    assert sends_to(fake, ANNA) == sends_to(fake, BORA) == 1
    assert stats.failed == 6 and stats.sent == 3
    for chat, reason in ((ANNA, "bot was blocked by the user"), (BORA, "chat was deleted")):
        assert {row.state for row in rows(sessions, chat)} == {"failed"}
        assert all(reason in (row.last_error or "") for row in rows(sessions, chat))
    assert {row.state for row in rows(sessions, CHUL)} == {"sent"}
    # A row queued before the pass saw the chat disabled: one more request, no second notice.
    queue_alerts(sessions, range(ANNA, ANNA + 1), 2, {"daejeon": 1}, NOW)
    deliver(sessions, fake, now=NOW + timedelta(minutes=1))
    assert sends_to(fake, ANNA) == 2
    notices = [row.payload["text_ko"] for row in rows(sessions, ADMIN)]
    assert sorted(notices) == [
        f"채팅 {ANNA} 구독 중지: forbidden: Forbidden: bot was blocked by the user",
        f"채팅 {BORA} 구독 중지: forbidden: Forbidden: the group chat was deleted",
    ]
    (message,) = texts_by_chat(fake)[ADMIN]  # sent together, as one admin message
    assert message.count("구독 중지") == 2


def test_a_message_telegram_refuses_for_itself_fails_alone_and_the_chat_stays(
    sessions: sessionmaker[Session], fake: FakeTelegram
) -> None:
    queue_alerts(sessions, range(ANNA, ANNA + 1), 1, THREE, NOW)
    fake.fail_next(1, status=400, description="Bad Request: message is too long", method="sendMessage")
    stats = deliver(sessions, fake)
    assert (stats.failed, stats.sent) == (1, 2)
    assert [row.state for row in rows(sessions, ANNA)] == ["failed", "sent", "sent"]
    with sessions() as session:
        chat = session.get(m.TelegramChat, ANNA)
        assert chat is None or chat.disabled_at is None
    assert ADMIN not in texts_by_chat(fake)


def test_a_destination_gone_fails_all_its_rows_with_one_attempt_others_go_on(
    seeded: sessionmaker[Session],
) -> None:
    detect_at(seeded, NOW, destinations=("console", "file"))
    gone = RecordingNotifier("console", results=[Failed("unplugged", permanent=True, gone=True)])
    sender = Sender(seeded, {"console": gone, "file": RecordingNotifier("file")}, lambda: NOW)
    stats = asyncio.run(sender.deliver_due())
    assert len(gone.batches) == 1  # one jurisdiction's message tried; the other thirteen not
    assert stats.failed == 135 and stats.sent == 135
    console = [row for row in rows(seeded) if row.destination == "console"]
    assert {(row.state, row.last_error) for row in console} == {("failed", "unplugged")}
    assert sum(row.attempts for row in console) == len(gone.batches[0].items)
    assert {row.state for row in rows(seeded) if row.destination == "file"} == {"sent"}


def test_telegram_rows_wait_untouched_while_the_bot_is_not_connected_console_rows_go_on(
    sessions: sessionmaker[Session], fake: FakeTelegram
) -> None:
    queue_alerts(sessions, range(ANNA, ANNA + 1), 1, THREE, NOW)
    with sessions.begin() as session:
        payload = alert_payload("CONSOLE-1")
        add_pending(session, pending_entry("c1@console", payload.key, "console", "daejeon", payload, NOW))
    console = RecordingNotifier("console")
    offline = TelegramNotifier(Bot(TOKEN, base_url=fake.base_url), Limits(), ko)  # getMe never answered
    sender = Sender(sessions, {"telegram:": offline, "console": console}, lambda: NOW)
    assert not offline.ready()
    stats = asyncio.run(sender.deliver_due())
    assert stats.sent == 1 and len(console.batches) == 1 and sends_to(fake, ANNA) == 0
    waiting = rows(sessions, ANNA)
    assert {(row.state, row.attempts, row.claim_token, row.last_error) for row in waiting} == {
        ("pending", 0, None, None)
    }
    with sessions() as session:
        assert session.scalars(select(Lease.name)).all() == ["deliver:console"]  # none for Telegram
        assert next_delivery(session) == NOW  # due, but …
    assert sender.next_due() is None  # … not for a sender that cannot send them: no busy loop
    offline.connected = True  # what the bot sets once Telegram answers
    assert offline.ready()
    assert deliver(sessions, fake).sent == 3
    assert {row.state for row in rows(sessions, ANNA)} == {"sent"}


def test_the_same_notification_queued_twice_is_no_error(
    seeded: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cycle = detect_at(seeded, NOW, destinations=("console",))
    with seeded.begin() as session:  # the same pass's notifications, written again by another daemon
        enqueue(session, cycle.notifications, lifecycle(destinations=("console",)))
    payload = alert_payload("DJ-1-1")
    entry = pending_entry("head:1@telegram:1", "head", "telegram:1", "head", payload, NOW)
    with seeded.begin() as session:
        assert add_pending(session, entry)
    with seeded.begin() as session:
        assert not add_pending(session, entry)
    for _ in range(2):
        with seeded.begin() as session:
            admin_notice(session, ADMIN, NOW, "알림", "notice", key="disabled:1")
    with seeded() as session:
        keys = session.scalars(select(m.OutboxEntry.dedup_key)).all()
    assert len(keys) == len(set(keys)) == 135 + 2
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_two_writers_queueing_one_key_at_once_both_commit(sessions: sessionmaker[Session]) -> None:
    payload = alert_payload("DJ-1-1")
    entry = pending_entry("notice:race@telegram:1", "notice", "telegram:1", "admin", payload, NOW)
    results: list[bool] = []
    with sessions.begin() as first:
        assert add_pending(first, entry)

        def second() -> None:  # waits for the first writer's lock, then finds the row there
            with sessions.begin() as session:
                results.append(add_pending(session, entry))

        other = threading.Thread(target=second)
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive()  # held by the first transaction
    other.join(timeout=30)
    assert results == [False]
    assert len(rows(sessions)) == 1


def test_a_ready_senders_delivery_timer_is_its_rows_own_time(sessions: sessionmaker[Session]) -> None:
    queue_alerts(sessions, range(ANNA, ANNA + 1), 1, {"daejeon": 1}, NOW + timedelta(minutes=1))
    sender = Sender(sessions, {"telegram:": RecordingNotifier("telegram")}, lambda: NOW)
    assert sender.next_due() == NOW + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("ko", "console (daegu) 전달 실패, 나중에 다시 보냅니다: 503"),
        ("en", "delivery to console (daegu) failed, to be retried: 503"),
    ],
)
def test_the_operator_reads_a_failed_delivery_in_the_daemons_language(
    seeded: sessionmaker[Session], caplog: pytest.LogCaptureFixture, lang: Lang, line: str
) -> None:
    detect_at(seeded, NOW, destinations=("console",))
    flaky = RecordingNotifier("console", results=[Failed("503")])
    with caplog.at_level(logging.WARNING, logger="monitor.notify.sender"):
        asyncio.run(Sender(seeded, {"console": flaky}, lambda: NOW, lang=lang).deliver_due())
    said = [record.getMessage() for record in caplog.records if record.name == "monitor.notify.sender"]
    assert said == [line]
