"""When does anything next change state? Indexed queries over boundary instants.

Every boundary is a timestamp column plus a fixed offset: a milestone becomes overdue at due + grace,
due soon at due − lead, a budget tranche unreported at year end + budget grace, a commitment stale at
its stale reference + stale_after, a firing alert repeats at last notification + repeat interval … The
same table of boundaries answers both questions the daemon asks: "when is the next one after now?"
(`next_change`, a MIN over an index per boundary) and "what crossed a boundary between my last pass
and now?" (`crossed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from monitor.alerts.config import LifecycleConfig
from monitor.db import models as m
from monitor.db.types import UTCDateTime
from monitor.durations import format_duration
from monitor.rules import RuleConfig
from monitor.rules.outcome import State
from monitor.rules.timing import TIMINGS, Anchor


@dataclass(frozen=True)
class Boundary:
    name: str
    column: Any  # an indexed timestamp column
    offset: timedelta  # the boundary instant is column + offset
    where: tuple[ColumnElement[bool], ...]
    subject: Any  # the column that names what changed (a commitment code)


# A boundary's name (a wake-up's `reason`) per rule state; a lead time follows it ("due_soon 30d").
NAMES = {
    State.OVERDUE: "overdue",
    State.DUE_SOON: "due_soon",
    State.REMINDER: "event reminder",
    State.UNCONFIRMED: "event unconfirmed",
    State.UNREPORTED: "budget",
    State.STALE: "stale",
}
# How a boundary shows in the daemon's log ("다음 상태 변화: … (개최 미확인)"), Korean and English.
LABELS = {
    "overdue": ("기한 초과", "overdue"),
    "due_soon": ("기한 임박", "due soon"),
    "event reminder": ("일정 알림", "event reminder"),
    "event unconfirmed": ("개최 미확인", "event unconfirmed"),
    "budget": ("예산 집행 보고 기한", "budget execution due"),
    "stale": ("장기 미보고", "stale"),
    "repeat": ("반복 알림", "repeat"),
    "silence ends": ("음소거 종료", "silence ends"),
    "retry after error": ("오류 후 재평가", "retry after error"),
    "election outcome": ("선거 결과 발효", "election outcome takes effect"),
}


def describe(reason: str, lang: str) -> str:
    """A wake-up's reason for people: "due_soon 30d" → "기한 임박 30d 전" (English "due soon, 30d before")."""
    for name, (ko, en) in LABELS.items():
        if reason == name:
            return ko if lang == "ko" else en
        if reason.startswith(name + " "):
            lead = reason[len(name) + 1 :]
            return f"{ko} {lead} 전" if lang == "ko" else f"{en}, {lead} before"
    return reason


def _rule_boundaries(rules: RuleConfig) -> list[Boundary]:
    """One boundary per rule timing, milestone kind and offset, derived from `monitor.rules.timing`:
    each MIN is then one seek on (kind, anchor)."""
    ms, c = m.Milestone, m.Commitment
    result: list[Boundary] = []
    for rule_timing in TIMINGS:
        offsets = rule_timing.offsets(rules)
        for offset in offsets:
            name = NAMES[rule_timing.state] + (f" {format_duration(-offset)}" if rule_timing.before else "")
            if rule_timing.anchor is Anchor.STALE_REF:
                result.append(Boundary(name, c.stale_ref_at, offset, (c.retired_at.is_(None),), c.id))
                continue
            column = getattr(ms, rule_timing.anchor.value)
            result += [
                Boundary(name, column, offset, (ms.kind == kind, ms.retired_at.is_(None)), ms.commitment_id)
                for kind in rule_timing.kinds
            ]
    return result


def boundaries(rules: RuleConfig, lifecycle: LifecycleConfig) -> list[Boundary]:
    a = m.Alert
    result = _rule_boundaries(rules)
    result.append(
        Boundary(
            "repeat", a.notified_at, lifecycle.repeat_interval, (a.state == "firing",), a.commitment_code
        )
    )
    result.append(
        Boundary(
            "silence ends",
            m.Silence.ends_at,
            timedelta(0),
            (m.Silence.removed_at.is_(None), m.Silence.chat_id.is_(None)),
            None,
        )
    )
    # a candidate's recorded outcome holds from the start of its day: whose promise it is changes then
    result.append(Boundary("election outcome", m.Pledger.outcome_at, timedelta(0), (), m.Pledger.id))
    result.append(
        Boundary(
            "retry after error", m.EvaluationError.next_check_at, timedelta(0), (), m.EvaluationError.subject
        )
    )
    return result


@dataclass(frozen=True)
class Wakeup:
    at: datetime
    reason: str


def next_change(session: Session, bounds: Iterable[Boundary], now: datetime) -> Wakeup | None:
    """The earliest boundary strictly after `now` (None if nothing is scheduled to change)."""
    best: Wakeup | None = None
    for bound in bounds:
        query = select(type_coerce(func.min(bound.column), UTCDateTime())).where(
            bound.column > now - bound.offset, *bound.where
        )
        first = session.scalar(query)
        if first is not None and (best is None or first + bound.offset < best.at):
            best = Wakeup(at=first + bound.offset, reason=bound.name)
    return best


def crossed(
    session: Session, bounds: Iterable[Boundary], after: datetime, until: datetime
) -> tuple[set[str], bool]:
    """Commitment codes with a boundary in (after, until]; the flag says a silence ended (re-check all)."""
    codes: set[str] = set()
    silence_ended = False
    for bound in bounds:
        window = (bound.column > after - bound.offset, bound.column <= until - bound.offset, *bound.where)
        if bound.subject is None:
            silence_ended |= (
                session.scalar(select(func.count()).select_from(m.Silence).where(*window)) or 0
            ) > 0
            continue
        codes |= set(_codes(session, bound, window))
    return codes, silence_ended


def _codes(session: Session, bound: Boundary, window: tuple[ColumnElement[bool], ...]) -> Iterable[str]:
    subject = bound.subject
    table = subject.class_
    if table is m.Milestone:
        query = select(m.Commitment.code).join(m.Milestone, m.Milestone.commitment_id == m.Commitment.id)
    elif table is m.Commitment:
        query = select(m.Commitment.code)
    elif table is m.Pledger:
        link = m.CommitmentPledger
        query = (
            select(m.Commitment.code)
            .join(link, link.commitment_id == m.Commitment.id)
            .join(m.Pledger, m.Pledger.id == link.pledger_id)
        )
    else:
        query = select(subject)
    values = session.scalars(query.where(*window).distinct())
    return (value.split(".", 1)[0] for value in values)
