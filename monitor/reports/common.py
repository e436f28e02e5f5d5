"""What every report shares: its header, deadline countdowns, the pledge card an item rolls up into.

Builders are pure functions of (database, as_of): nothing here reads the clock, and every figure is
what was known at `as_of` (only reports entered by then count). States come from one snapshot per
report (`monitor.snapshot`); the header says which jurisdictions its scope covered, because a
jurisdiction covers those below it (광주광역시 covers 광주광역시 서구) and a reader must see that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.i18n import t
from monitor.rules import CommitmentFacts, Rule
from monitor.rules.commitment import CARD_KINDS
from monitor.snapshot import Snapshot, jurisdiction_tree
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
    jurisdiction_name: str | None  # the asked jurisdiction, naming those below it that were included
    names: dict[str, str]  # slug → name in `lang`, for every jurisdiction
    jurisdictions: tuple[str, ...] | None = None  # slugs included (asked one first); None: all


@dataclass(frozen=True)
class Countdown:
    """Time left to a deadline: `days` ≥ 0 before it (calendar days to the deadline day, 0 on the day),
    minus the whole days since it passed afterwards."""

    days: int
    label: str  # "D-12", "D-day", "34일 지남"
    tone: str


# How the header names a jurisdiction that has others below it.
INCLUDING = {"ko": "{name} ({below} 포함)", "en": "{name} (incl. {below})"}


def make_header(
    session: Session,
    kind: str,
    as_of: datetime,
    tz: ZoneInfo,
    jurisdiction: str | None,
    lang: Lang,
    covered: Sequence[str] | None = None,
) -> ReportHeader:
    """The header; `covered` is the scope's jurisdictions (`snap.scope.jurisdictions`), looked up when
    not given. An unknown jurisdiction raises NotFoundError (one line at the command line)."""
    if jurisdiction is not None and covered is None:
        covered = jurisdiction_tree(session, jurisdiction)
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
        jurisdiction_name=_scope_name(jurisdiction, covered or (), names, lang),
        names=names,
        jurisdictions=tuple(covered) if jurisdiction is not None and covered is not None else None,
    )


def _scope_name(
    jurisdiction: str | None, covered: Sequence[str], names: dict[str, str], lang: Lang
) -> str | None:
    if jurisdiction is None:
        return None
    name = names.get(jurisdiction, jurisdiction)
    below = [names.get(slug, slug) for slug in covered if slug != jurisdiction]
    return INCLUDING[lang].format(name=name, below=", ".join(below)) if below else name


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


def finished(snap: Snapshot) -> set[str]:
    """Targets with nothing left to do as of the snapshot: achieved (met, held) or, for a budget
    tranche, its execution reported — whatever the budget rule makes of the amount."""
    done = {e.subject for e in snap.evaluations if e.rule is Rule.ACHIEVED}
    executed = (
        f.code for f in snap.milestones if f.kind == "budget" and snap.summary(f).max_executed is not None
    )
    return done.union(executed)


def party_map(snap: Snapshot) -> dict[int, tuple[str, ...]]:
    """Commitment id → parties, for the entries of a snapshot's commitments."""
    return {c.id: c.parties for c in snap.commitments.values()}


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
