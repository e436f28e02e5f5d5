"""Report summaries per milestone, computed in SQL as of an instant (see `monitor.rules.facts.ReportSummary`).

Only reports entered by the instant count, and a report a later report corrects does not: that makes
time travel exact. Aggregation happens in the database, so millions of report rows never reach Python.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Date, Float, Select, and_, case, cast, func, null, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

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


def summary_query(session: Session, now: datetime, commitment_ids: Collection[int] | None) -> Select[Any]:
    """Per milestone: count, maxima, last as-of/entered, least-squares sums and status flags of the
    effective reports (columns labelled mid, count, top, executed, secured, last_as_of, last_entered,
    n, sx, sy, sxx, sxy, then one flag per `STATUS_FLAGS`). The readable reference the snapshot's
    grouped statement (`monitor.snapshot.milestones`) is tested against."""
    r, effective = effective_reports(session, now)
    columns = {"mid": r.milestone_id, **report_aggregates(session, r, True)}
    return (
        select(*(column.label(name) for name, column in columns.items()))
        .where(effective, r.milestone_id.is_not(None), in_or_all(r.commitment_id, commitment_ids))
        .group_by(r.milestone_id)
    )


def report_aggregates(
    session: Session, r: Any, trend: bool | ColumnElement[bool]
) -> dict[str, ColumnElement[Any]]:
    """The aggregates of a `ReportSummary` over the report rows `r` of a group (named as in
    `summary_query`, `mid` aside). `trend`: whether the least-squares sums are computed — always, never
    (typed NULLs), or only for the rows where a condition holds."""
    x, y = day_number(session, r.as_of), number(session, r.value)
    valued = r.value.is_not(None)
    sums: list[ColumnElement[Any]] = [cast(null(), Float)] * 4  # without `trend`: NULL, typed for PostgreSQL
    if trend is not False:
        counted = valued if trend is True else and_(valued, trend)
        sums = [func.sum(case((counted, term))) for term in (x, y, x * x, x * y)]
    return {
        "count": func.count(r.id),
        "top": func.max(y),
        "executed": func.max(number(session, r.executed_amount)),
        "secured": func.max(number(session, r.secured_amount)),
        "last_as_of": type_coerce(func.max(r.as_of), Date()),
        "last_entered": type_coerce(func.max(r.entered_at), UTCDateTime()),
        "n": func.count(r.value),
        **dict(zip(("sx", "sy", "sxx", "sxy"), sums, strict=True)),
        **{status: func.max(case((r.status == status, 1), else_=0)) for status in STATUS_FLAGS},
    }


def summary_of(row: Sequence[Any]) -> ReportSummary:
    """A `ReportSummary` from the columns of `summary_query` (mid first) and the latest level."""
    _mid, count, top, executed, secured, last_as_of, last_entered, n, sx, sy, sxx, sxy, *flags = row
    level = flags[4] if len(flags) > 4 else None
    maximum = to_decimal(top)
    return ReportSummary(
        count,
        maximum,
        maximum if level is None else to_decimal(level),
        to_decimal(executed),
        to_decimal(secured),
        _statuses((flags[0], flags[1], flags[2], flags[3])),
        last_as_of,
        last_entered,
        trend_of(n, sx, sy, sxx, sxy),
    )


def trend_of(n: int | None, sx: Any, sy: Any, sxx: Any, sxy: Any) -> Trend | None:
    """The least-squares sums as a `Trend` (None where they were not computed or nothing was valued)."""
    return Trend(n, float(sx), float(sy), float(sxx), float(sxy)) if n and sx is not None else None


def load_summaries(
    session: Session, now: datetime, commitment_ids: Collection[int] | None, levels: bool = True
) -> dict[int, ReportSummary]:
    """One `ReportSummary` per milestone (of the given commitments, or all) that has effective reports."""
    found: dict[int, Any] = {}
    if levels:
        found = {mid: value for mid, value in session.execute(latest_levels(session, now, commitment_ids))}  # noqa: C416
    return {
        row[0]: summary_of((*row, found.get(row[0])))
        for row in session.execute(summary_query(session, now, commitment_ids))
    }


def latest_levels(session: Session, now: datetime, commitment_ids: Collection[int] | None) -> Select[Any]:
    """For non-cumulative targets (a level per period) the latest report's value is what counts:
    (mid, value) of each such milestone's latest effective value report."""
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
    return select(ranked.c.mid, ranked.c.value).where(ranked.c.n == 1)
