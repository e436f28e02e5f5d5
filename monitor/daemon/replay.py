"""`monitor replay`: the notifications the daemon would have sent over a period, step by step.

Each step takes the daemon's own detection snapshot of the world as it was known then (reports entered
up to that instant) and advances an in-memory set of alerts with the same `alerts.book.step` the daemon
uses; notifications of one step and one jurisdiction form one message, as group_wait would group them.
Messages are yielded step by step (a month of the national registry is hundreds of thousands of them),
and only what the lifecycle moves is built in full. The scope is resolved once: replaying one
jurisdiction (with those below it) evaluates only that part of the registry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor import snapshot
from monitor.alerts.book import step
from monitor.alerts.lifecycle import AlertState, Notification
from monitor.alerts.muting import SilenceRule
from monitor.db import models as m
from monitor.rules import RuleConfig


@dataclass(frozen=True)
class Message:
    at: datetime
    jurisdiction: str
    notifications: list[Notification]


def _silences(session: Session) -> list[SilenceRule]:
    """Every silence as it was in force: a removed one ended when it was removed."""
    rules = []
    # A chat's own mute does not change what the daemon would have sent to everyone else.
    for s in session.scalars(select(m.Silence).where(m.Silence.chat_id.is_(None)).order_by(m.Silence.id)):
        ends = min(s.ends_at, s.removed_at) if s.removed_at else s.ends_at
        if ends > s.starts_at:
            rules.append(SilenceRule(s.id, s.code_prefix, s.jurisdiction, s.starts_at, ends, s.reason))
    return rules


def replay(
    session: Session,
    rules: RuleConfig,
    repeat_interval: timedelta,
    start: datetime,
    end: datetime,
    every: timedelta,
    jurisdiction: str | None = None,
) -> Iterator[Message]:
    """The messages in order, as each step is evaluated (valid while `session` is)."""
    if every <= timedelta(0):
        raise ValueError("the step must be positive")
    silences = _silences(session)
    scope = snapshot.EVERYTHING
    if jurisdiction is not None:
        scope = snapshot.resolve(session, snapshot.Scope(jurisdiction=jurisdiction))
    alerts: dict[str, AlertState] = {}
    now = start
    while now <= end:
        snap = snapshot.detect_build(session, rules, now, scope)
        moved = step(
            alerts,
            snap.findings,
            snap.subjects,
            snap.commitments,
            silences,
            now,
            repeat_interval,
            build=snap.full,
        )
        alerts.update(moved.alerts)
        grouped: dict[str, list[Notification]] = defaultdict(list)
        for notification in moved.notifications:
            if scope.concerns(notification.parties):
                grouped[jurisdiction or notification.jurisdiction].append(notification)
        yield from (Message(now, place, grouped[place]) for place in sorted(grouped))
        now += every
