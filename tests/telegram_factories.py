"""Plain factories for the Telegram tests: outbox items, batches, bot requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from monitor.notify.base import Batch, OutboxItem
from monitor.telegram import dispatch
from monitor.telegram.bot import parse_command
from monitor.telegram.protocol import Env, Reply, Request
from tests.factories import NOW, SEOUL

BOT_USERNAME = "pledge_monitor_bot"
GROUP = -100200300
ADMIN, MEMBER, OFFICIAL, OUTSIDER = 501, 502, 503, 504


def alert_payload(subject: str = "DJ-1-1", **fields: Any) -> dict[str, Any]:
    return {
        "subject": subject,
        "condition": "overdue",
        "severity": "critical",
        "jurisdiction": "daejeon",
        "parties": ["daejeon"],
        "jurisdiction_ko": "대전광역시",
        "jurisdiction_en": "Daejeon",
        "title": f"{subject} 제목",
        "commitment_title": f"{subject} 제목",
        "reason_ko": "기한이 지났습니다",
        "reason_en": "past its deadline",
        **fields,
    }


def outbox_item(item_id: int, event: str = "firing", **fields: Any) -> OutboxItem:
    payload = alert_payload(**fields)
    return OutboxItem(item_id, f"{payload['subject']}#1@telegram:{GROUP}", event, payload, 0)


def batch(items: list[OutboxItem], destination: str = f"telegram:{GROUP}") -> Batch:
    return Batch(destination, items[0].payload["jurisdiction"], tuple(items))


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
