"""Delivery to Telegram, end to end below the daemon: outbox rows → sender → Telegram notifier → the fake
Bot API over real HTTP. One message per chat and jurisdiction, numbered parts, flood limits kept by
waiting, 429 resent, transient errors retried, permanent ones disabling the chat, migration followed."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Message
from telegram.constants import ParseMode

from monitor.daemon.digest import enqueue_digest
from monitor.db import models as m
from monitor.notify.base import Failed
from monitor.telegram.limits import Limits
from monitor.telegram.notifier import TelegramNotifier
from monitor.telegram.render import CAPTION_LIMIT
from monitor.telegram.service import application
from tests.factories import NOW, detect_at, lifecycle, rule_config
from tests.fake_telegram import FakeTelegram
from tests.telegram_factories import (
    HOLDER,
    deliver_telegram,
    loose_limits,
    subscribe,
    telegram_settings,
)

ANNA, BORA, CHUL, ADMIN_CHAT = 7001, 7002, 7003, 7999
WATCH_GROUP = -4005


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        for chat in (ANNA, BORA, CHUL, ADMIN_CHAT):
            server.add_chat(chat)
        server.add_chat(WATCH_GROUP, title="대구 감시단")
        yield server
        assert server.internal_errors == []


def outbox(sessions: sessionmaker[Session], chat_id: int) -> list[m.OutboxEntry]:
    with sessions() as session:
        query = select(m.OutboxEntry).where(m.OutboxEntry.destination == f"telegram:{chat_id}")
        return list(session.scalars(query.order_by(m.OutboxEntry.id)))


def detect(sessions: sessionmaker[Session]) -> None:
    detect_at(sessions, NOW, destinations=(), telegram=True)


def test_each_chat_gets_one_message_per_jurisdiction_and_the_ids_are_recorded(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    subscribe(seeded, WATCH_GROUP, jurisdiction="daegu")
    subscribe(seeded, ANNA, jurisdiction="sejong")
    detect(seeded)
    sent, telegram = deliver_telegram(seeded, fake)
    sejong = len(outbox(seeded, ANNA))
    assert sent.sent == 14 + sejong and sent.failed == 0
    (group_message,) = fake.messages_to(WATCH_GROUP)
    text = fake.visible_text(group_message)
    assert text.startswith("[공약 이행 모니터] 대구광역시 — 새 경보 14건")
    assert text.count("DG-2022-") == 14
    assert "학교 밖 청소년 기후위기 행동모임 백초 <THE 100sec>" in text  # seed text, escaped and read back
    # Sejong is a party of the Seoul–Sejong agreement: its alerts come under Seoul's heading.
    assert [fake.visible_text(msg).splitlines()[0] for msg in fake.messages_to(ANNA)] == [
        f"[공약 이행 모니터] 서울특별시 — 새 경보 {sejong}건"
    ]
    for row in outbox(seeded, WATCH_GROUP):
        assert row.state == "sent" and row.attempts == 1
        message_ids = [group_message.message_id]
        assert row.delivery == {"chat_id": WATCH_GROUP, "message_ids": message_ids, "parts": 1, "by": HOLDER}
    assert fake.rejected_429 == 0 and telegram.waited_429 == 0 and telegram.plain_fallbacks == 0


def test_every_seed_alert_passes_telegram_html_parsing(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    for chat, place in ((ANNA, "daejeon"), (BORA, "gwangju-seo"), (CHUL, "daegu")):
        subscribe(seeded, chat, jurisdiction=place)
    detect(seeded)
    sent, telegram = deliver_telegram(seeded, fake)
    assert sent.failed == 0 and sent.retried == 0
    assert telegram.plain_fallbacks == 0
    messages = [msg for msg in fake.sent if msg.kind == "message"]
    assert messages and all(msg.parse_mode == "HTML" for msg in messages)
    with seeded() as session:
        pending = session.scalars(select(m.OutboxEntry).where(m.OutboxEntry.state != "sent")).all()
    assert pending == []


def test_a_long_message_arrives_in_numbered_parts_in_order(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    subscribe(seeded, BORA, jurisdiction="gwangju-seo")
    detect(seeded)
    deliver_telegram(seeded, fake)
    parts = [fake.visible_text(msg) for msg in fake.messages_to(BORA)]
    assert len(parts) >= 2
    total = len(parts)
    for number, text in enumerate(parts, 1):
        assert len(text) <= 4096
        assert text.splitlines()[0].endswith(f"({number}/{total})")
    ids = [msg.message_id for msg in fake.messages_to(BORA)]
    assert ids == sorted(ids)
    rows = outbox(seeded, BORA)
    assert {row.delivery["parts"] for row in rows} == {total}
    assert {tuple(row.delivery["message_ids"]) for row in rows} == {tuple(ids)}
    # Every alert is in exactly one part.
    subjects = [row.payload["subject"] for row in rows]
    for subject in subjects:
        assert sum(f"{subject} " in text for text in parts) == 1, subject


def test_a_429_waits_retry_after_and_resends_without_loss_or_duplicates(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    subscribe(seeded, ANNA, jurisdiction="daejeon")  # Daejeon's own alerts and the Seoul–Daejeon ones
    detect(seeded)
    sent, telegram = deliver_telegram(seeded, fake, limits=loose_limits())
    assert fake.rejected_429 >= 1 and telegram.waited_429 == fake.rejected_429
    assert all(wait >= 1 for wait in telegram.waits)  # what the server's retry_after said
    headings = [fake.visible_text(msg).splitlines()[0] for msg in fake.messages_to(ANNA)]
    assert len(headings) == len(set(headings)) == 2
    assert sent.sent == len(outbox(seeded, ANNA)) and sent.failed == sent.retried == 0


def test_the_client_limits_keep_the_server_from_ever_answering_429(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    subscribe(seeded, WATCH_GROUP, code_prefix="SEOUL")  # a group: twenty a minute, one a second
    subscribe(seeded, WATCH_GROUP, code_prefix="DG")
    for chat in (ANNA, BORA):
        subscribe(seeded, chat, jurisdiction="daejeon")
    detect(seeded)
    deliver_telegram(seeded, fake, limits=Limits())
    assert len(fake.messages_to(WATCH_GROUP)) >= 2 and len(fake.messages_to(ANNA)) >= 2
    assert fake.rejected_429 == 0
    for chat, spacing in ((WATCH_GROUP, 1.0), (ANNA, 1.0), (BORA, 1.0)):
        times = [msg.at for msg in fake.messages_to(chat)]
        assert all(later - earlier >= spacing for earlier, later in itertools.pairwise(times))


def test_a_5xx_keeps_the_rows_pending_and_a_later_run_delivers_them(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    subscribe(seeded, CHUL, jurisdiction="daegu")
    detect(seeded)
    fake.fail_next(1, status=502, method="sendMessage")
    first, _ = deliver_telegram(seeded, fake)
    assert first.sent == 0 and first.retried == 14
    rows = outbox(seeded, CHUL)
    assert {row.state for row in rows} == {"pending"}
    assert {row.attempts for row in rows} == {1}
    assert all("Bad Gateway" in (row.last_error or "") for row in rows)
    retry_at = max(row.not_before for row in rows)
    assert retry_at > NOW
    assert deliver_telegram(seeded, fake, NOW + timedelta(seconds=1))[0].sent == 0  # still backing off
    later, _ = deliver_telegram(seeded, fake, retry_at)
    assert later.sent == 14
    assert len(fake.messages_to(CHUL)) == 1


def test_a_timeout_is_transient(seeded: sessionmaker[Session], fake: FakeTelegram) -> None:
    subscribe(seeded, CHUL, jurisdiction="daegu")
    detect(seeded)
    fake.set_delay(3, "sendMessage")  # the client gives up after 2 s
    first, _ = deliver_telegram(seeded, fake)
    assert first.retried == 14 and first.failed == 0
    assert all("timed out" in (row.last_error or "").lower() for row in outbox(seeded, CHUL))
    fake.set_delay(0, "sendMessage")
    later, _ = deliver_telegram(seeded, fake, NOW + timedelta(hours=1))
    assert later.sent == 14
    assert {row.state for row in outbox(seeded, CHUL)} == {"sent"}


def test_transient_errors_are_retried_until_retry_for_then_the_rows_fail(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    subscribe(seeded, CHUL, jurisdiction="daegu")
    detect(seeded)
    fake.set_outage(True)
    deliver_telegram(seeded, fake)
    deliver_telegram(seeded, fake, NOW + timedelta(hours=23))
    assert {row.state for row in outbox(seeded, CHUL)} == {"pending"}
    deliver_telegram(seeded, fake, NOW + timedelta(hours=24, minutes=1))
    rows = outbox(seeded, CHUL)
    assert {row.state for row in rows} == {"failed"} and {row.attempts for row in rows} == {3}
    assert fake.messages_to(CHUL) == []


@pytest.mark.parametrize(
    ("break_chat", "reason"),
    [
        (lambda fake: fake.block(ANNA), "bot was blocked by the user"),
        (lambda fake: fake.delete_chat(ANNA), "chat was deleted"),
        (lambda fake: fake.kick(ANNA), "bot was kicked"),
    ],
    ids=["blocked", "deleted", "kicked"],
)
def test_a_permanent_error_disables_the_chat_records_why_and_tells_the_admin(
    seeded: sessionmaker[Session], fake: FakeTelegram, break_chat: Callable[[FakeTelegram], None], reason: str
) -> None:
    subscribe(seeded, ANNA, jurisdiction="daejeon")
    subscribe(seeded, BORA, jurisdiction="daegu")
    detect(seeded)
    break_chat(fake)
    deliver_telegram(seeded, fake, admin_chat=ADMIN_CHAT)
    assert {row.state for row in outbox(seeded, ANNA)} == {"failed"}
    assert all(reason in (row.last_error or "") for row in outbox(seeded, ANNA))
    assert {row.state for row in outbox(seeded, BORA)} == {"sent"}  # other chats unaffected
    with seeded() as session:
        chat = session.get(m.TelegramChat, ANNA)
        assert chat is not None and chat.disabled_at is not None and reason in (chat.disabled_reason or "")
    deliver_telegram(seeded, fake, admin_chat=ADMIN_CHAT)  # the admin notice was queued by the failure
    (notice,) = fake.messages_to(ADMIN_CHAT)
    assert f"채팅 {ANNA} 구독 중지" in fake.visible_text(notice) and reason in fake.visible_text(notice)
    detect_at(seeded, NOW + timedelta(days=8), destinations=(), telegram=True)  # repeats: none to ANNA
    assert {row.state for row in outbox(seeded, ANNA)} == {"failed"}


def test_chat_not_found_is_permanent(seeded: sessionmaker[Session], fake: FakeTelegram) -> None:
    subscribe(seeded, 7404, jurisdiction="daegu")  # a chat the server does not know
    detect(seeded)
    result, _ = deliver_telegram(seeded, fake)
    assert result.failed == 14 and result.retried == 0
    assert {row.last_error for row in outbox(seeded, 7404)} == {"bad request: Chat not found"}


def test_a_migrated_group_moves_its_subscription_and_gets_the_message_resent(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    supergroup = -1001234567890
    subscribe(seeded, WATCH_GROUP, jurisdiction="daegu")
    detect(seeded)
    fake.migrate(WATCH_GROUP, supergroup)
    moved, _ = deliver_telegram(seeded, fake)
    assert moved.retried == 14 and moved.failed == 0
    assert outbox(seeded, WATCH_GROUP) == []
    with seeded() as session:
        assert session.scalars(select(m.Subscription.chat_id)).all() == [supergroup]
        old = session.get(m.TelegramChat, WATCH_GROUP)
        assert old is not None and old.migrated_to == supergroup
    resent, _ = deliver_telegram(seeded, fake)
    assert resent.sent == 14
    assert len(fake.messages_to(supergroup)) == 1 and fake.messages_to(WATCH_GROUP) == []


def test_html_telegram_cannot_parse_is_logged_and_sent_once_as_plain_text(
    fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    broken = "<b>공약 <이행>"

    async def run(always_html: bool) -> object:
        app = application(telegram_settings(fake))
        async with app.bot:
            notifier = TelegramNotifier(app.bot, Limits(), lambda chat: "ko")

            async def send(plain: bool) -> Message:
                html = always_html or not plain
                sent: Message = await app.bot.send_message(
                    ANNA, broken, parse_mode=ParseMode.HTML if html else None
                )
                return sent

            return await notifier.attempt(ANNA, send, broken)

    with caplog.at_level(logging.ERROR, logger="monitor.telegram.notifier"):
        message_id = asyncio.run(run(always_html=False))
    (plain,) = fake.messages_to(ANNA)
    assert plain.message_id == message_id and plain.parse_mode is None and plain.text == broken
    assert any("can't parse entities" in record.getMessage().lower() for record in caplog.records)
    assert any(broken in record.getMessage() for record in caplog.records)
    # A fallback that fails the same way is not tried again: one permanent failure, two requests.
    before = len(fake.requests)
    failed = asyncio.run(run(always_html=True))
    assert isinstance(failed, Failed) and failed.permanent
    assert "can't parse entities" in failed.error.lower()
    assert [name for name, _ in fake.requests[before:]].count("sendMessage") == 2


def test_a_digest_with_a_chart_goes_as_a_photo_with_a_short_caption_then_the_text(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    subscribe(seeded, ANNA, jurisdiction="gwangju-seo")
    detect_at(seeded, NOW, destinations=(), telegram=True)
    deliver_telegram(seeded, fake)
    before = len(fake.messages_to(ANNA))
    with seeded.begin() as session:
        params = {"chart": "budget", "jurisdictions": ["gwangju-seo"]}
        enqueue_digest(
            session, "weekly", NOW, lifecycle(destinations=(), telegram=True), params, rule_config()
        )
    deliver_telegram(seeded, fake)
    photo, *texts = fake.messages_to(ANNA)[before:]
    assert photo.kind == "photo" and photo.photo_bytes is not None
    assert photo.photo_bytes.startswith(b"\x89PNG\r\n\x1a\n")
    assert 0 < len(photo.text) <= CAPTION_LIMIT and photo.parse_mode is None
    assert "광주광역시 서구" in photo.text
    assert texts and all(msg.kind == "message" for msg in texts)
    assert re.search(r"요약|digest|주간", fake.visible_text(texts[0])) is not None
    (row,) = [r for r in outbox(seeded, ANNA) if r.event == "digest"]
    assert row.delivery["message_ids"] == [photo.message_id] + [msg.message_id for msg in texts]
