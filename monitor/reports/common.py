"""What every report shares: its header, deadline countdowns, rule evaluations as of an instant.

Builders are pure functions of (database, as_of): nothing here reads the clock, and every figure is
what was known at `as_of` (only reports entered by then count).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.i18n import t
from monitor.registry import require_jurisdiction
from monitor.rules import CommitmentFacts
from monitor.rules.commitment import CARD_KINDS
from monitor.timeutil import local_date
from monitor.vocab import Lang

# Deadline closeness, for colour: past and not met, within a week, within a month, later; met.
LATE, URGENT, SOON, LATER, MET = "late", "urgent", "soon", "later", "met"


@dataclass(frozen=True)
class ReportHeader:
    kind: str
    title: str
    as_of: datetime
    as_of_local: str  # "2026-11-22 12:00", in the configured zone
    tz: str
    lang: Lang
    jurisdiction: str | None
    jurisdiction_name: str | None
    names: dict[str, str]  # slug → name in `lang`, for every jurisdiction


@dataclass(frozen=True)
class Countdown:
    """Time left to a deadline: `days` ≥ 0 before it (calendar days to the deadline day, 0 on the day),
    minus the whole days since it passed afterwards."""

    days: int
    label: str  # "D-12", "D-day", "34일 지남"
    tone: str


def make_header(
    session: Session, kind: str, as_of: datetime, tz: ZoneInfo, jurisdiction: str | None, lang: Lang
) -> ReportHeader:
    """The header; an unknown jurisdiction raises NotFoundError (one line at the command line)."""
    if jurisdiction is not None:
        require_jurisdiction(session, jurisdiction)
    names = {
        j.slug: j.name(lang) for j in session.scalars(select(m.Jurisdiction).order_by(m.Jurisdiction.id))
    }
    local = as_of.astimezone(tz)
    return ReportHeader(
        kind=kind,
        title=t(f"report.title.{kind}", lang),
        as_of=as_of,
        as_of_local=local.strftime("%Y-%m-%d %H:%M"),
        tz=str(tz),
        lang=lang,
        jurisdiction=jurisdiction,
        jurisdiction_name=names.get(jurisdiction) if jurisdiction else None,
        names=names,
    )


def countdown(due: datetime, as_of: datetime, tz: ZoneInfo, lang: Lang, met: bool = False) -> Countdown:
    """D-12 / D-day / 34일 지남. Before the deadline: calendar days to the deadline day (a date deadline is
    due at the midnight that ends its day). After it: whole days since it passed, as the rules' reasons
    count them ("기한 … 34일 넘김"), so the badge and the reason agree."""
    if due > as_of:
        deadline_day = local_date(due - timedelta(microseconds=1), tz)
        days = (deadline_day - local_date(as_of, tz)).days
        label = f"D-{days}" if days > 0 else "D-day"
    else:
        days = -(as_of - due).days
        label = t("report.days_past", lang, days=-days) if days else t("report.passed_today", lang)
    if met:
        tone = MET
    elif due <= as_of:
        tone = LATE
    else:
        tone = URGENT if days <= 7 else SOON if days <= 30 else LATER
    return Countdown(days=days, label=label, tone=tone)


def concerns(parties: Iterable[str], jurisdiction: str | None) -> bool:
    """A pledge of an agreement counts for every party."""
    return jurisdiction is None or jurisdiction in parties


def card_of(code: str, commitments: dict[str, CommitmentFacts]) -> CommitmentFacts | None:
    """The pledge (공약관리카드 level) a commitment rolls up into: itself or its nearest card-level
    ancestor; the commitment itself when nothing above it is a card (an agreement's own events)."""
    node = commitments.get(code)
    start = node
    while node is not None:
        if node.kind in CARD_KINDS:
            return node
        node = commitments.get(node.parent_code) if node.parent_code else None
    return start
