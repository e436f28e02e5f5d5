"""Where a notification goes: the configured destinations, plus every Telegram chat whose subscription
matches (jurisdiction — any party —, category, code prefix, minimum severity). One destination per chat,
however many of its subscriptions match."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.alerts.muting import SilenceRule, code_matches
from monitor.db import models as m

SEVERITY_RANK = {"good": 0, "info": 1, "warning": 2, "critical": 3}
TELEGRAM = "telegram:"


class Routed(Protocol):
    """What routing reads of a payload (an alert notification or a digest)."""

    @property
    def subject(self) -> str: ...
    @property
    def parties(self) -> Sequence[str]: ...
    @property
    def category(self) -> str | None: ...
    @property
    def severity(self) -> str: ...


@dataclass(frozen=True)
class SubscriptionRule:
    chat_id: int
    jurisdiction: str | None
    category: str | None
    code_prefix: str | None
    min_severity: str
    mutes: tuple[SilenceRule, ...] = ()  # the chat's own /mute silences in force

    def matches(self, payload: Routed) -> bool:
        parties = payload.parties
        if any(mute.matches(payload.subject, parties) for mute in self.mutes):
            return False
        if self.jurisdiction is not None and self.jurisdiction not in parties:
            return False
        if self.category is not None and payload.category != self.category:
            return False
        if self.code_prefix is not None and not code_matches(payload.subject, self.code_prefix):
            return False
        return SEVERITY_RANK.get(payload.severity, 1) >= SEVERITY_RANK[self.min_severity]


def telegram_destination(chat_id: int) -> str:
    return f"{TELEGRAM}{chat_id}"


def chat_of(destination: str) -> int | None:
    return int(destination[len(TELEGRAM) :]) if destination.startswith(TELEGRAM) else None


def chat_mutes(session: Session, now: datetime) -> dict[int, tuple[SilenceRule, ...]]:
    query = select(m.Silence).where(
        m.Silence.chat_id.is_not(None),
        m.Silence.removed_at.is_(None),
        m.Silence.starts_at <= now,
        m.Silence.ends_at > now,
    )
    mutes: dict[int, list[SilenceRule]] = defaultdict(list)
    for s in session.scalars(query.order_by(m.Silence.id)):
        assert s.chat_id is not None
        mutes[s.chat_id].append(
            SilenceRule(s.id, s.code_prefix, s.jurisdiction, s.starts_at, s.ends_at, s.reason)
        )
    return {chat: tuple(rules) for chat, rules in mutes.items()}


def active_rules(session: Session, now: datetime) -> list[SubscriptionRule]:
    mutes = chat_mutes(session, now)
    query = (
        select(m.Subscription)
        .join(m.TelegramChat, m.TelegramChat.chat_id == m.Subscription.chat_id)
        .where(m.Subscription.active.is_(True), m.TelegramChat.disabled_at.is_(None))
        .order_by(m.Subscription.id)
    )
    return [
        SubscriptionRule(
            s.chat_id, s.jurisdiction, s.category, s.code_prefix, s.min_severity, mutes.get(s.chat_id, ())
        )
        for s in session.scalars(query)
    ]


def destinations(payload: Routed, static: Iterable[str], rules: Iterable[SubscriptionRule]) -> list[str]:
    found = list(static)
    for rule in rules:
        destination = telegram_destination(rule.chat_id)
        if destination not in found and rule.matches(payload):
            found.append(destination)
    return found
