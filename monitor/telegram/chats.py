"""Chats, subscriptions, the officials roster and access records — the database side of the bot.

Every function works in the caller's transaction and bumps nothing the daemon needs: subscriptions are
read by the router at each enqueue.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from monitor import scope
from monitor.alerts.muting import code_matches
from monitor.alerts.outbox import NoticePayload
from monitor.alerts.routing import SEVERITY_RANK, chat_of, telegram_destination
from monitor.db import models as m
from monitor.db.alerting import add_pending, pending_entry
from monitor.display import place_name
from monitor.errors import InputError, NotFoundError
from monitor.notify.base import Failed
from monitor.notify.sender import FailureHook
from monitor.registry import require_jurisdiction
from monitor.scope import Actor
from monitor.snapshot.scope import places
from monitor.vocab import Channel, Lang


def ensure_chat(
    session: Session, chat_id: int, now: datetime, chat_type: str | None = None, title: str | None = None
) -> m.TelegramChat:
    chat = session.get(m.TelegramChat, chat_id)
    if chat is None:
        chat = m.TelegramChat(
            chat_id=chat_id,
            type=chat_type or ("group" if chat_id < 0 else "private"),
            title=title,
            language="ko",
            created_at=now,
            updated_at=now,
        )
        session.add(chat)
    elif chat_type is not None and (chat.type, chat.title) != (chat_type, title or chat.title):
        chat.type, chat.title, chat.updated_at = chat_type, title or chat.title, now
    return chat


def subscribe(
    session: Session,
    chat_id: int,
    *,
    by: str,
    now: datetime,
    jurisdiction: str | None = None,
    category: str | None = None,
    code_prefix: str | None = None,
    min_severity: str = "info",
    language: Lang | None = None,
    chat_type: str | None = None,
    title: str | None = None,
) -> m.Subscription:
    """Add a subscription (filters are checked against the registry). A disabled chat is enabled again."""
    if jurisdiction is not None:
        require_jurisdiction(session, jurisdiction)
    if min_severity not in SEVERITY_RANK or min_severity == "good":
        raise InputError(
            f"severity {min_severity!r}: use info, warning or critical",
            ko=f"등급 '{min_severity}'은(는) 쓸 수 없습니다: info, warning, critical 중 하나",
        )
    if code_prefix is not None:
        codes = session.scalars(select(m.Commitment.code).where(m.Commitment.retired_at.is_(None)))
        if not any(code_matches(code, code_prefix) for code in codes):
            raise InputError(
                f"code prefix {code_prefix!r} matches no commitment",
                ko=f"코드 '{code_prefix}'(으)로 시작하는 공약이 없습니다",
            )
        code_prefix = code_prefix.upper()
    chat = ensure_chat(session, chat_id, now, chat_type, title)
    chat.disabled_at, chat.disabled_reason = None, None
    if language is not None:
        chat.language = language
    same = [
        s
        for s in chat.subscriptions
        if s.active and (s.jurisdiction, s.category, s.code_prefix) == (jurisdiction, category, code_prefix)
    ]
    if same:
        same[0].min_severity = min_severity
        return same[0]
    subscription = m.Subscription(
        chat=chat,
        jurisdiction=jurisdiction,
        category=category,
        code_prefix=code_prefix,
        min_severity=min_severity,
        active=True,
        created_by=by,
        created_at=now,
    )
    session.add(subscription)
    session.flush()
    return subscription


def unsubscribe(session: Session, chat_id: int, now: datetime, subscription_id: int | None = None) -> int:
    """End one subscription of the chat (or all of them); returns how many ended."""
    query = select(m.Subscription).where(m.Subscription.chat_id == chat_id, m.Subscription.active.is_(True))
    if subscription_id is not None:
        query = query.where(m.Subscription.id == subscription_id)
    ended = 0
    for subscription in session.scalars(query):
        subscription.active, subscription.ended_at = False, now
        ended += 1
    if subscription_id is not None and not ended:
        raise NotFoundError(
            f"chat {chat_id} has no active subscription {subscription_id}",
            ko=f"이 채팅에는 구독 {subscription_id}번이 없습니다",
        )
    return ended


def subscriptions(session: Session, chat_id: int | None = None) -> list[m.Subscription]:
    query = select(m.Subscription).where(m.Subscription.active.is_(True)).order_by(m.Subscription.id)
    if chat_id is not None:
        query = query.where(m.Subscription.chat_id == chat_id)
    return list(session.scalars(query))


def language(session: Session, chat_id: int, default: Lang = "ko") -> Lang:
    chat = session.get(m.TelegramChat, chat_id)
    if chat is None:
        return default
    return "en" if chat.language == "en" else "ko"


def set_language(session: Session, chat_id: int, lang: Lang, now: datetime) -> None:
    chat = ensure_chat(session, chat_id, now)
    chat.language, chat.updated_at = lang, now


def disable_chat(session: Session, chat_id: int, reason: str, now: datetime) -> None:
    """A permanent delivery error: stop routing to the chat, record why, fail what still waits for it."""
    chat = ensure_chat(session, chat_id, now)
    chat.disabled_at, chat.disabled_reason, chat.updated_at = now, reason, now
    session.execute(
        update(m.OutboxEntry)
        .where(m.OutboxEntry.destination == telegram_destination(chat_id), m.OutboxEntry.state == "pending")
        .values(state="failed", last_error=f"chat disabled: {reason}")
    )


def migrate_chat(session: Session, old_id: int, new_id: int, now: datetime) -> None:
    """A group became a supergroup: move its subscriptions and waiting messages to the new id."""
    old = ensure_chat(session, old_id, now)
    new = ensure_chat(session, new_id, now, "supergroup", old.title)
    new.language = old.language
    old.migrated_to, old.updated_at = new_id, now
    session.execute(update(m.Subscription).where(m.Subscription.chat_id == old_id).values(chat_id=new_id))
    session.execute(
        update(m.OutboxEntry)
        .where(m.OutboxEntry.destination == telegram_destination(old_id), m.OutboxEntry.state == "pending")
        .values(destination=telegram_destination(new_id))
    )


def failure_hook(admin_chat_id: int | None, clock: Callable[[], datetime]) -> FailureHook:
    """The sender's hook for permanent failures and moves of Telegram destinations: a chat that is gone
    (blocked, kicked, not found) is disabled and the admin told once per disabling; a message Telegram
    refused for itself (a bad request about the text) leaves the chat as it is."""

    def hook(session: Session, destination: str, result: Failed) -> None:
        chat_id = chat_of(destination)
        if chat_id is None:
            return
        now = clock()
        if result.moved_to:
            new_id = chat_of(result.moved_to)
            if new_id is not None:
                migrate_chat(session, chat_id, new_id, now)
            return
        if not result.gone:
            return
        # Locked: a second process failing on the same chat waits here and finds it disabled.
        session.get(m.TelegramChat, chat_id, with_for_update=True)
        chat = ensure_chat(session, chat_id, now)
        if chat.disabled_at is not None:  # disabled before (a row queued meanwhile): told already
            return
        disable_chat(session, chat_id, result.error, now)
        if admin_chat_id is not None and admin_chat_id != chat_id:
            admin_notice(
                session,
                admin_chat_id,
                now,
                f"채팅 {chat_id} 구독 중지: {result.error}",
                f"Subscription of chat {chat_id} disabled: {result.error}",
                key=f"disabled:{chat_id}:{now.isoformat()}",
            )

    return hook


def admin_notice(
    session: Session, admin_chat_id: int, now: datetime, text_ko: str, text_en: str, key: str | None = None
) -> None:
    """Queue a notice for the admin chat; a notice with the same `key` is queued once (a random key: every
    call)."""
    payload = NoticePayload(text_ko=text_ko, text_en=text_en, at=now)
    destination = telegram_destination(admin_chat_id)
    dedup_key = f"notice:{key or uuid.uuid4().hex}@{destination}"
    add_pending(session, pending_entry(dedup_key, "notice", destination, "admin", payload, now))


def add_official(
    session: Session, user_id: int | None, jurisdiction: str, name: str, by: str, now: datetime
) -> m.Official:
    """A roster entry: `name` is what `--by` must say on the command line and in imports; with a Telegram
    `user_id` the person can also /log through the bot."""
    require_jurisdiction(session, jurisdiction)
    if not name.strip():
        raise InputError("an official needs a name (--name)", ko="담당 공무원 이름(--name)이 필요합니다")
    name = name.strip()
    for old in active_officials(session):
        if old.jurisdiction == jurisdiction and (
            old.name == name or (user_id is not None and old.telegram_user_id == user_id)
        ):
            same_user = user_id is not None and old.telegram_user_id == user_id
            who, who_ko = (f"user {user_id}", f"텔레그램 사용자 {user_id}") if same_user else (name, name)
            known = places(session)
            raise InputError(
                f"{who} is already an official of {place_name(known, jurisdiction, 'en')}",
                ko=f"{who_ko}은(는) 이미 {place_name(known, jurisdiction, 'ko')} 담당 공무원입니다",
            )
    official = m.Official(
        telegram_user_id=user_id, jurisdiction=jurisdiction, name=name, added_by=by, added_at=now
    )
    session.add(official)
    session.flush()
    return official


def active_officials(session: Session, user_id: int | None = None) -> list[m.Official]:
    query = select(m.Official).where(m.Official.removed_at.is_(None)).order_by(m.Official.id)
    if user_id is not None:
        query = query.where(m.Official.telegram_user_id == user_id)
    return list(session.scalars(query))


def remove_official(
    session: Session, who: int | str, by: str, now: datetime, jurisdiction: str | None = None
) -> int:
    """End the roster entries of a Telegram user id or a name (all, or one jurisdiction's)."""
    removed = 0
    for official in active_officials(session):
        matches = official.telegram_user_id == who if isinstance(who, int) else official.name == who
        if matches and (jurisdiction is None or official.jurisdiction == jurisdiction):
            official.removed_at, official.removed_by = now, by
            removed += 1
    if not removed:
        label = f"user {who}" if isinstance(who, int) else who
        raise NotFoundError(
            f"{label} is not an official{f' of {jurisdiction}' if jurisdiction else ''}",
            ko=f"{label}은(는) {jurisdiction + ' ' if jurisdiction else ''}담당 공무원이 아닙니다",
        )
    return removed


def record_attempt(
    session: Session,
    *,
    user_id: int,
    chat_id: int,
    command: str,
    detail: str,
    allowed: bool,
    reason: str,
    now: datetime,
) -> None:
    actor = Actor(Channel.TELEGRAM.value, telegram_user_id=user_id, chat_id=chat_id)
    scope.record_attempt(
        session, actor, command=command, detail=detail, allowed=allowed, reason=reason, now=now
    )
