"""Plain factories for the Telegram tests: outbox items, batches, bot requests, a send step against the fake
Bot API server."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.payload import AlertPayload, Event
from monitor.notify.base import Batch, OutboxItem
from monitor.notify.sender import RetryPolicy, Sender, SendStats
from monitor.rules.details import NoDetails
from monitor.rules.outcome import Rule, Severity, State
from monitor.settings import Settings
from monitor.telegram import chats, dispatch
from monitor.telegram.bot import parse_command
from monitor.telegram.limits import Limits
from monitor.telegram.notifier import TelegramNotifier, TelegramStats
from monitor.telegram.protocol import Env, Reply, Request
from monitor.telegram.service import application
from monitor.vocab import Lang
from tests.factories import NOW, SEOUL
from tests.fake_telegram import TOKEN, FakeTelegram

BOT_USERNAME = "pledge_monitor_bot"
GROUP = -100200300
ADMIN, MEMBER, OFFICIAL, OUTSIDER = 501, 502, 503, 504


def alert_payload(subject: str = "DJ-1-1", **fields: Any) -> AlertPayload:
    """A new overdue alert in Daejeon, as the outbox carries it (with the jurisdiction's names)."""
    payload = AlertPayload(
        event=Event.FIRING,
        key=f"{subject}:overdue",
        subject=subject,
        subject_type="milestone",
        commitment_code=subject.split(".")[0],
        title=f"{subject} 제목",
        commitment_title=f"{subject} 제목",
        rule=Rule.OVERDUE,
        condition=State.OVERDUE,
        stage=None,
        severity=Severity.CRITICAL,
        jurisdiction="daejeon",
        parties=("daejeon",),
        category=None,
        since=None,
        due=None,
        reason_ko="기한이 지났습니다",
        reason_en="past its deadline",
        details=NoDetails(),
        firing_for_days=0,
        at=NOW,
        jurisdiction_ko="대전광역시",
        jurisdiction_en="Daejeon",
    )
    return replace(payload, **fields)


def outbox_item(item_id: int, event: Event = Event.FIRING, **fields: Any) -> OutboxItem:
    payload = alert_payload(event=event, **fields)
    return OutboxItem(item_id, f"{payload.subject}#1@telegram:{GROUP}", event.value, payload, 0)


def batch(items: list[OutboxItem], destination: str = f"telegram:{GROUP}") -> Batch:
    return Batch(destination, items[0].payload.jurisdiction, tuple(items))


def request(
    text: str,
    *,
    user: int = ADMIN,
    chat: int = GROUP,
    chat_type: str = "group",
    admin: bool = True,
    now: datetime = NOW,
    name: str = "Kim",
) -> Request:
    parsed = parse_command(text, BOT_USERNAME)
    assert parsed is not None
    command, args = parsed
    return Request(command, args, user, name, chat, chat_type, now, "감시단", admin)


def ask(sessions: sessionmaker[Session], text: str, lang: Any = "ko", **options: Any) -> Reply:
    """What the bot answers to `text` (the handlers, without the network)."""
    return dispatch.handle(sessions, request(text, **options), Env(tz=SEOUL, lang=lang))


def press(sessions: sessionmaker[Session], data: str, *, user: int, now: datetime = NOW) -> Reply:
    """An inline-keyboard button press (callback data "log:yes:7")."""
    call = Request("callback:log", tuple(data.split(":")[1:]), user, "Kim", GROUP, "group", now)
    return dispatch.handle(sessions, call, Env(tz=SEOUL, lang="ko"))


def telegram_settings(fake: FakeTelegram, **overrides: Any) -> Settings:
    """Settings of a daemon whose Bot API server is the fake one."""
    values: dict[str, Any] = {
        "database_url": "sqlite://",
        "telegram_token": TOKEN,
        "telegram_base_url": fake.base_url,
        "telegram_timeout": timedelta(seconds=2),
    }
    return Settings(**(values | overrides))


def loose_limits() -> Limits:
    """Client-side limits far above Telegram's, so that the server's 429s are what the test sees."""
    return Limits(overall_per_second=10_000, chat_interval=0.001, group_per_minute=1_000_000)


async def _deliver(
    sessions: sessionmaker[Session],
    fake: FakeTelegram,
    now: datetime,
    limits: Limits | None,
    admin_chat: int | None,
) -> tuple[SendStats, TelegramStats]:
    app = application(telegram_settings(fake))

    def language_of(chat_id: int) -> Lang:
        with sessions() as session:
            return chats.language(session, chat_id)

    async with app.bot:
        notifier = TelegramNotifier(app.bot, limits or Limits(), language_of)
        sender = Sender(
            sessions,
            {"telegram:": notifier},
            lambda: now,
            RetryPolicy(),
            on_failure=chats.failure_hook(admin_chat, lambda: now),
            holder=HOLDER,
        )
        return await sender.deliver_due(), notifier.stats


HOLDER = "test-daemon"  # the delivering daemon's id, as sent rows record it (`delivery.by`)


def deliver_telegram(
    sessions: sessionmaker[Session],
    fake: FakeTelegram,
    now: datetime = NOW,
    *,
    limits: Limits | None = None,
    admin_chat: int | None = None,
) -> tuple[SendStats, TelegramStats]:
    """One send step of the daemon, as `monitor run` wires it: outbox → sender → Telegram notifier → the
    fake Bot API over HTTP."""
    return asyncio.run(_deliver(sessions, fake, now, limits, admin_chat))


def subscribe(sessions: sessionmaker[Session], chat_id: int, **filters: Any) -> None:
    with sessions.begin() as session:
        chats.subscribe(session, chat_id, by="test", now=NOW, **filters)
