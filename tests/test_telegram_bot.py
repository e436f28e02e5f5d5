"""The bot over the wire: python-telegram-bot's Application long-polls the fake Bot API, registers its
commands in Korean and English, checks group admins with getChatMember, answers in HTML Telegram accepts,
and writes an official's /log only after the inline-keyboard confirmation."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.telegram import chats
from monitor.telegram.service import Telegram, build_telegram
from tests.factories import NOW
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.telegram_factories import ADMIN, GROUP, MEMBER, OFFICIAL, OUTSIDER, telegram_settings


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        server.add_chat(GROUP, title="대구 감시단")
        server.set_member(GROUP, ADMIN, "administrator")
        server.set_member(GROUP, MEMBER, "member")
        for user in (ADMIN, MEMBER, OFFICIAL, OUTSIDER):
            server.add_chat(user)
        yield server
        assert server.internal_errors == []


class Kicks:
    def __init__(self) -> None:
        self.count = 0

    async def __call__(self) -> None:
        self.count += 1


@asynccontextmanager
async def polling(
    sessions: sessionmaker[Session], fake: FakeTelegram, kicks: Kicks | None = None
) -> AsyncIterator[Telegram]:
    """The daemon's Telegram side, built as `monitor run` builds it, polling the fake server."""
    telegram = build_telegram(telegram_settings(fake), sessions, lambda: NOW, kicks or Kicks())
    await telegram.start(poll=True)  # connects in the background
    await telegram.lead(True)  # only the leading daemon polls
    await asyncio.wait_for(telegram.bot.polling.wait(), 10)
    try:
        yield telegram
    finally:
        await telegram.stop()


async def reply_to(fake: FakeTelegram, user: int, chat: int, text: str) -> SentMessage:
    """Push a user's message and wait for the bot's next message in that chat."""
    before = len(fake.messages_to(chat))
    fake.push_message(user, chat, text, first_name="Kim")
    return (await wait_for(fake, lambda: len(fake.messages_to(chat)) > before, chat))[before]


async def wait_for(fake: FakeTelegram, done: Callable[[], bool], chat: int) -> list[SentMessage]:
    deadline = time.monotonic() + 10
    while not done():
        assert time.monotonic() < deadline, f"no answer in chat {chat}: {fake.messages_to(chat)}"
        await asyncio.sleep(0.02)
    return fake.messages_to(chat)


def subscriptions(sessions: sessionmaker[Session]) -> list[tuple[int, str | None]]:
    with sessions() as session:
        rows = session.scalars(select(m.Subscription).where(m.Subscription.active.is_(True)))
        return [(row.chat_id, row.jurisdiction) for row in rows]


def test_commands_are_registered_in_korean_and_english(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with polling(seeded, fake):
            pass

    asyncio.run(scenario())
    korean = {c["command"]: c["description"] for c in fake.command_sets[("default", "")]}
    english = {c["command"]: c["description"] for c in fake.command_sets[("default", "en")]}
    expected = {"start", "help", "subscribe", "unsubscribe", "subscriptions", "status", "overdue"}
    expected |= {"upcoming", "show", "mute", "unmute", "report", "log", "lang"}
    assert set(korean) == set(english) == expected
    assert korean["overdue"] != english["overdue"]


def test_only_group_admins_change_subscriptions(seeded: sessionmaker[Session], fake: FakeTelegram) -> None:
    async def scenario() -> tuple[SentMessage, SentMessage]:
        async with polling(seeded, fake):
            refused = await reply_to(fake, MEMBER, GROUP, "/subscribe jurisdiction=daegu")
            accepted = await reply_to(fake, ADMIN, GROUP, "/subscribe 지역=daegu")
            return refused, accepted

    refused, accepted = asyncio.run(scenario())
    assert "관리자" in fake.visible_text(refused)
    assert "daegu" in fake.visible_text(accepted) or "대구" in fake.visible_text(accepted)
    assert subscriptions(seeded) == [(GROUP, "daegu")]
    asked = [params for name, params in fake.requests if name == "getChatMember"]
    assert {int(params["user_id"]) for params in asked} == {MEMBER, ADMIN}


def test_answers_carry_seed_text_through_html_parsing(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    async def scenario() -> list[SentMessage]:
        async with polling(seeded, fake):
            return [
                await reply_to(fake, MEMBER, MEMBER, "/show DJ-1-2-1"),
                await reply_to(fake, MEMBER, MEMBER, "/show DG-2022-09"),
                await reply_to(fake, MEMBER, MEMBER, "/upcoming 나흘"),
                await reply_to(fake, MEMBER, MEMBER, "/show"),
            ]

    show_rnd, show_quote, unknown, usage = asyncio.run(scenario())
    assert "R&D 지원" in fake.visible_text(show_rnd)
    assert "백초 <THE 100sec>" in fake.visible_text(show_quote)
    assert show_rnd.parse_mode == show_quote.parse_mode == "HTML"
    assert fake.visible_text(unknown) == "오류: '나흘'은 지자체도 공약 코드도 아닙니다"
    assert fake.visible_text(usage) == "사용법: /show CODE"


def test_an_official_logs_progress_only_after_confirming(
    seeded: sessionmaker[Session], fake: FakeTelegram
) -> None:
    with seeded.begin() as session:
        chats.add_official(session, OFFICIAL, "daegu", "대구 혁신정책과", "test", NOW)
    kicks = Kicks()

    async def scenario() -> tuple[SentMessage, SentMessage, SentMessage]:
        async with polling(seeded, fake, kicks):
            refused = await reply_to(fake, OUTSIDER, OUTSIDER, "/log DG-2022-01.done 완료")
            asked = await reply_to(fake, OFFICIAL, OFFICIAL, "/log DG-2022-01.done 완료 차량공유 개시")
            assert written(seeded) == 0
            (confirm, _cancel) = asked.reply_markup["inline_keyboard"][0]  # type: ignore[index]
            fake.push_callback(OFFICIAL, OFFICIAL, asked.message_id, confirm["callback_data"])
            edits = await wait_for(fake, lambda: bool(fake.messages_to(OFFICIAL, "edit")), OFFICIAL)
            return refused, asked, next(e for e in edits if e.kind == "edit")

    refused, asked, edited = asyncio.run(scenario())
    assert "등록된 담당 공무원만" in fake.visible_text(refused)
    assert "기록할까요" in fake.visible_text(asked)
    assert edited.message_id == asked.message_id
    assert written(seeded) == 1
    assert kicks.count == 2  # on connecting (deliver what waited), then at once after the confirmed /log
    assert fake.answered_callbacks  # the button's spinner stopped
    with seeded() as session:
        report = session.scalars(select(m.ProgressReport).where(m.ProgressReport.channel == "telegram")).one()
        assert report.reporter == f"대구 혁신정책과 (tg:{OFFICIAL})"


def written(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        query = select(m.ProgressReport).where(m.ProgressReport.channel == "telegram")
        return len(session.scalars(query).all())
