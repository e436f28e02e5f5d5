"""Report summaries per milestone, computed in SQL as of an instant (see `monitor.rules.facts.ReportSummary`).

Only reports entered by the instant count, and a report a later report corrects does not: that makes
time travel exact. Aggregation happens in the database, so millions of report rows never reach Python.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Date, case, func, select, type_coerce
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.db.types import UTCDateTime
from monitor.evaluation.sql import day_number, effective_reports, in_or_all, number, to_decimal
from monitor.rules.facts import ReportSummary, Trend

STATUS_FLAGS = ("done", "held", "cancelled", "started")


_STATUS_SETS: dict[tuple[int, ...], frozenset[str]] = {}


def _statuses(flags: tuple[int, ...]) -> frozenset[str]:
    """Status flags → a shared frozenset (there are only 16 combinations)."""
    found = _STATUS_SETS.get(flags)
    if found is None:
        found = _STATUS_SETS[flags] = frozenset(s for s, f in zip(STATUS_FLAGS, flags, strict=True) if f)
    return found


def load_summaries(
    session: Session, now: datetime, commitment_ids: Collection[int] | None, levels: bool = True
) -> dict[int, ReportSummary]:
    """One `ReportSummary` per milestone (of the given commitments, or all) that has effective reports."""
    r, effective = effective_reports(session, now)
    x, y = day_number(session, r.as_of), number(session, r.value)
    valued = r.value.is_not(None)
    query = (
        select(
            r.milestone_id,
            func.count(),
            func.max(y),
            func.max(number(session, r.executed_amount)),
            func.max(number(session, r.secured_amount)),
            type_coerce(func.max(r.as_of), Date()),
            type_coerce(func.max(r.entered_at), UTCDateTime()),
            func.count(r.value),
            func.sum(case((valued, x))),
            func.sum(case((valued, y))),
            func.sum(case((valued, x * x))),
            func.sum(case((valued, x * y))),
            *[func.max(case((r.status == status, 1), else_=0)) for status in STATUS_FLAGS],
        )
        .where(effective, r.milestone_id.is_not(None), in_or_all(r.commitment_id, commitment_ids))
        .group_by(r.milestone_id)
    )
    summaries = {}
    for row in session.execute(query):
        mid, count, top, executed, secured, last_as_of, last_entered, n, sx, sy, sxx, sxy = row[:12]
        summaries[mid] = ReportSummary(
            count=count,
            max_value=to_decimal(top),
            latest_value=to_decimal(top),
            max_executed=to_decimal(executed),
            max_secured=to_decimal(secured),
            statuses=_statuses(tuple(row[12:])),
            last_as_of=last_as_of,
            last_entered_at=last_entered,
            trend=Trend(n, float(sx), float(sy), float(sxx), float(sxy)) if n else None,
        )
    for mid, value in _latest_levels(session, now, commitment_ids) if levels else ():
        old = summaries[mid]
        summaries[mid] = ReportSummary(
            count=old.count,
            max_value=old.max_value,
            latest_value=to_decimal(value),
            max_executed=old.max_executed,
            max_secured=old.max_secured,
            statuses=old.statuses,
            last_as_of=old.last_as_of,
            last_entered_at=old.last_entered_at,
            trend=old.trend,
        )
    return summaries


def _latest_levels(session: Session, now: datetime, commitment_ids: Collection[int] | None) -> list[Any]:
    """For non-cumulative targets (a level per period) the latest report's value is what counts."""
    r, effective = effective_reports(session, now)
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
            in_or_all(r.commitment_id, commitment_ids),
        )
        .subquery()
    )
    return list(session.execute(select(ranked.c.mid, ranked.c.value).where(ranked.c.n == 1)))
