"""Publishing the history chain's head where the operators cannot rewrite it.

A rewrite of the whole chain passes plain `monitor verify`; it fails `monitor verify --published
SEQ:HASH` against any head someone kept. So the daemon sends the head, on a schedule
(`head_publish_interval`), to a Telegram chat or channel (`head_channel`) through the outbox, like any
notice: a channel's history is kept by Telegram and by every reader, not by this database. A head
already published is not sent again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.outbox import NoticePayload
from monitor.alerts.routing import telegram_destination
from monitor.db import models as m
from monitor.db.alerting import add_pending, pending_entry
from monitor.display import minute
from monitor.history.publish import PublishedHead, current_head
from monitor.korean import particles
from monitor.vocab import Lang

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeadPublishing:
    chat_id: int
    every: timedelta


def head_texts(head: PublishedHead, tz: ZoneInfo) -> tuple[str, str]:
    """The notice, Korean and English: the head and how to use it."""
    at = minute(head.at, tz)
    return (
        particles(
            f"이력 체인 헤드 {head.text} ({at} 기준). 보관해 두면 "
            f"`monitor verify --published {head.text}`(으)로 그 이전의 이력이 다시 쓰이지 않았음을 "
            "누구나 확인할 수 있습니다."
        ),
        f"History chain head {head.text} (as of {at}). Keep it: `monitor verify --published {head.text}` "
        "shows anyone that history up to it was not rewritten.",
    )


def publish_head(
    sessions: sessionmaker[Session], chat_id: int, now: datetime, tz: ZoneInfo, lang: Lang
) -> PublishedHead | None:
    """Queue the current head for `chat_id` unless it was queued before (or the chain is empty)."""
    destination = telegram_destination(chat_id)
    with sessions.begin() as session:
        head = current_head(session)
        key = f"head:{head.text}@{destination}"
        queued = session.scalar(select(m.OutboxEntry.id).where(m.OutboxEntry.dedup_key == key))
        if head.at is None or queued is not None:
            return None
        text_ko, text_en = head_texts(head, tz)
        payload = NoticePayload(text_ko=text_ko, text_en=text_en, at=now)
        add_pending(session, pending_entry(key, "head", destination, "head", payload, now))
    log.info(text_ko if lang == "ko" else text_en)
    return head
