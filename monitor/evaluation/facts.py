"""Build rule facts from the database, as of an instant, with a few set-based queries.

Reports are summarised in SQL (counts, maxima, status flags, least-squares sums) so a national-scale
pass never moves millions of report rows into Python. Only reports entered up to `now` count, and a
report that a later report corrects is left out: that is what makes `check --as-of` time travel exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Float, and_, case, cast, exists, func, literal, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement

from monitor.db import models as m
from monitor.db.types import UTCDateTime
from monitor.rules.facts import CommitmentFacts, MilestoneFacts, ReportSummary, Trend
from monitor.timeutil import due_instant, start_of_day

STATUS_FLAGS = ("done", "held", "cancelled", "started")


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _day_number(session: Session, column: Any) -> ColumnElement[Any]:
    """Days since 2000-01-01, the trend's x axis (same as `monitor.rules.milestone.day_number`)."""
    if _sqlite(session):
        return func.julianday(column) - func.julianday(literal("2000-01-01"))
    return cast(column - cast(literal("2000-01-01"), Date), Float)


def _number(session: Session, column: Any) -> ColumnElement[Any]:
    """A stored exact amount as a number SQL can compare (SQLite keeps it as text)."""
    return cast(column, Float) if _sqlite(session) else column


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float):  # SQLite aggregates text amounts as floats; 500.0 was stored as "500"
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    return Decimal(value)


def _in(column: Any, ids: Collection[int] | None) -> ColumnElement[bool]:
    return column.in_(list(ids)) if ids is not None else literal(True)


def effective_reports(now: datetime) -> tuple[Any, ColumnElement[bool]]:
    """The report table and the condition 'entered by now and not corrected by then'."""
    report = aliased(m.ProgressReport, name="r")
    correction = aliased(m.ProgressReport, name="c")
    corrected = exists().where(correction.corrects_id == report.id, correction.entered_at <= now)
    return report, and_(report.entered_at <= now, ~corrected)


def load_summaries(
    session: Session, now: datetime, milestone_ids: Collection[int] | None
) -> dict[int, ReportSummary]:
    """One `ReportSummary` per milestone that has effective reports."""
    r, effective = effective_reports(now)
    x, y = _day_number(session, r.as_of), _number(session, r.value)
    valued = r.value.is_not(None)
    query = (
        select(
            r.milestone_id,
            func.count(),
            func.max(y),
            func.max(_number(session, r.executed_amount)),
            func.max(_number(session, r.secured_amount)),
            type_coerce(func.max(r.as_of), Date()),
            type_coerce(func.max(r.entered_at), UTCDateTime()),
            func.count(r.value),
            func.sum(case((valued, x))),
            func.sum(case((valued, y))),
            func.sum(case((valued, x * x))),
            func.sum(case((valued, x * y))),
            *[func.max(case((r.status == status, 1), else_=0)) for status in STATUS_FLAGS],
        )
        .where(effective, r.milestone_id.is_not(None), _in(r.milestone_id, milestone_ids))
        .group_by(r.milestone_id)
    )
    summaries = {}
    for row in session.execute(query):
        mid, count, top, executed, secured, last_as_of, last_entered, n, sx, sy, sxx, sxy = row[:12]
        summaries[mid] = ReportSummary(
            count=count,
            max_value=_decimal(top),
            latest_value=_decimal(top),
            max_executed=_decimal(executed),
            max_secured=_decimal(secured),
            statuses=frozenset(s for s, f in zip(STATUS_FLAGS, row[12:], strict=True) if f),
            last_as_of=last_as_of,
            last_entered_at=last_entered,
            trend=Trend(n, float(sx), float(sy), float(sxx), float(sxy)) if n else None,
        )
    for mid, value in _latest_levels(session, now, milestone_ids):
        old = summaries[mid]
        summaries[mid] = ReportSummary(
            count=old.count,
            max_value=old.max_value,
            latest_value=_decimal(value),
            max_executed=old.max_executed,
            max_secured=old.max_secured,
            statuses=old.statuses,
            last_as_of=old.last_as_of,
            last_entered_at=old.last_entered_at,
            trend=old.trend,
        )
    return summaries


def _latest_levels(session: Session, now: datetime, milestone_ids: Collection[int] | None) -> list[Any]:
    """For non-cumulative targets (a level per period) the latest report's value is what counts."""
    r, effective = effective_reports(now)
    order = (r.as_of.desc(), r.id.desc())
    ranked = (
        select(
            r.milestone_id.label("mid"),
            r.value.label("value"),
            func.row_number().over(partition_by=r.milestone_id, order_by=order).label("n"),
        )
        .join(m.Milestone, m.Milestone.id == r.milestone_id)
        .where(
            effective,
            r.value.is_not(None),
            m.Milestone.cumulative.is_(False),
            _in(r.milestone_id, milestone_ids),
        )
        .subquery()
    )
    return list(session.execute(select(ranked.c.mid, ranked.c.value).where(ranked.c.n == 1)))


def load_parties(session: Session, commitment_ids: Collection[int] | None) -> dict[int, tuple[str, ...]]:
    query = (
        select(m.CommitmentParty.commitment_id, m.Jurisdiction.slug)
        .join(m.Jurisdiction, m.Jurisdiction.id == m.CommitmentParty.jurisdiction_id)
        .where(_in(m.CommitmentParty.commitment_id, commitment_ids))
        .order_by(m.CommitmentParty.commitment_id, m.Jurisdiction.id)
    )
    parties: dict[int, list[str]] = defaultdict(list)
    for cid, slug in session.execute(query):
        parties[cid].append(slug)
    return {cid: tuple(slugs) for cid, slugs in parties.items()}


def load_milestone_facts(
    session: Session, commitment_ids: Collection[int] | None, parties: dict[int, tuple[str, ...]]
) -> list[MilestoneFacts]:
    """Active milestones (not retired, commitment not retired) of the given commitments (or all)."""
    ms, c = m.Milestone, m.Commitment
    query = (
        select(
            ms.id,
            ms.code,
            c.code,
            ms.title,
            c.title,
            ms.kind,
            ms.due_at,
            ms.due_date,
            ms.target_value,
            ms.target_max,
            ms.unit,
            ms.cumulative,
            ms.planned_amount,
            ms.fiscal_year_start,
            ms.fiscal_year_end,
            ms.starts_at,
            ms.ends_at,
            m.Jurisdiction.slug,
            c.id,
        )
        .join(c, c.id == ms.commitment_id)
        .join(m.Jurisdiction, m.Jurisdiction.id == c.jurisdiction_id)
        .where(ms.retired_at.is_(None), c.retired_at.is_(None), _in(c.id, commitment_ids))
    )
    return [
        MilestoneFacts(
            id=row[0],
            code=row[1],
            commitment_code=row[2],
            title=row[3],
            commitment_title=row[4],
            kind=row[5],
            due_at=row[6],
            due_date=row[7],
            target=row[8],
            target_max=row[9],
            unit=row[10],
            cumulative=row[11],
            planned_amount=row[12],
            fiscal_years=(row[13], row[14]) if row[13] is not None else None,
            starts_at=row[15],
            ends_at=row[16],
            jurisdiction=row[17],
            parties=parties.get(row[18], (row[17],)),
        )
        for row in session.execute(query)
    ]


def _last_reports(session: Session, now: datetime) -> dict[int, datetime]:
    """Latest report (progress or official status) entered by `now`, per commitment."""
    latest: dict[int, datetime] = {}
    for model in (m.ProgressReport, m.StatusChange):
        query = (
            select(model.commitment_id, type_coerce(func.max(model.entered_at), UTCDateTime()))
            .where(model.entered_at <= now)
            .group_by(model.commitment_id)
        )
        for cid, entered in session.execute(query):
            latest[cid] = max(entered, latest.get(cid, entered))
    return latest


def rolled_up_last_reports(
    session: Session, now: datetime, parent_of: dict[int, int | None]
) -> dict[int, datetime]:
    """Latest report entered by `now` on each commitment or anything below it."""
    rolled: dict[int, datetime] = {}
    for cid, entered in _last_reports(session, now).items():
        node: int | None = cid
        while node is not None and node in parent_of:
            if node not in rolled or rolled[node] < entered:
                rolled[node] = entered
            node = parent_of[node]
    return rolled


def _official_statuses(session: Session, now: datetime) -> dict[int, m.StatusChange]:
    """The official status as known at `now`: the latest uncorrected change entered by then."""
    changes = list(session.scalars(select(m.StatusChange).where(m.StatusChange.entered_at <= now)))
    corrected = {c.corrects_id for c in changes if c.corrects_id is not None}
    current: dict[int, m.StatusChange] = {}
    for change in sorted(changes, key=lambda c: (c.as_of, c.id)):
        if change.id not in corrected:
            current[change.commitment_id] = change
    return current


def load_commitment_facts(
    session: Session, now: datetime, tz: ZoneInfo, parties: dict[int, tuple[str, ...]]
) -> dict[int, CommitmentFacts]:
    """Every active commitment; `last_report_at` rolls reports up from descendants."""
    c = m.Commitment
    parent = aliased(m.Commitment)
    query = (
        select(
            c.id,
            c.code,
            parent.code,
            c.parent_id,
            c.kind,
            c.title,
            m.Jurisdiction.slug,
            c.period_start,
            c.period_end,
        )
        .join(m.Jurisdiction, m.Jurisdiction.id == c.jurisdiction_id)
        .outerjoin(parent, parent.id == c.parent_id)
        .where(c.retired_at.is_(None))
    )
    rows = list(session.execute(query))
    rolled = rolled_up_last_reports(session, now, {row[0]: row[3] for row in rows})
    statuses = _official_statuses(session, now)
    facts = {}
    for cid, code, parent_code, _pid, kind, title, slug, start, end in rows:
        status = statuses.get(cid)
        facts[cid] = CommitmentFacts(
            id=cid,
            code=code,
            parent_code=parent_code,
            kind=kind,
            title=title,
            jurisdiction=slug,
            parties=parties.get(cid, (slug,)),
            period_start_at=start_of_day(start, tz) if start else None,
            period_end_at=due_instant(end, tz) if end else None,
            official_status=status.status if status else None,
            status_as_of=status.as_of if status else None,
            last_report_at=rolled.get(cid),
        )
    return facts
