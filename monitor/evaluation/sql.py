"""SQL building blocks shared by the fact queries (dialect differences live here)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Float, and_, cast, func, literal, literal_column, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement

from monitor.db import models as m


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def day_number(session: Session, column: Any) -> ColumnElement[Any]:
    """Days since 2000-01-01, the trend's x axis (same as `monitor.rules.milestone.day_number`)."""
    if is_sqlite(session):
        return func.julianday(column) - func.julianday(literal("2000-01-01"))
    return cast(column - cast(literal("2000-01-01"), Date), Float)


def number(session: Session, column: Any) -> ColumnElement[Any]:
    """A stored exact amount as a number SQL can compare (SQLite keeps it as text)."""
    return cast(column, Float) if is_sqlite(session) else column


def to_decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float):  # SQLite aggregates text amounts as floats; 500.0 was stored as "500"
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    return Decimal(value)


def in_or_all(column: Any, ids: Collection[int] | None) -> ColumnElement[bool]:
    """`column` within `ids` (or true when `ids` is None), as ranges of consecutive ids plus a list of
    the rest, rendered as literal integers: a part of thousands of commitments is usually a few runs of
    consecutive ids, so the statement stays short, no database's bound-parameter limit applies, and
    rendering it costs nothing."""
    if ids is None:
        return literal(True)
    ranges, single = id_runs(ids)
    conditions = [column.between(literal_column(str(lo)), literal_column(str(hi))) for lo, hi in ranges]
    if single:
        listed: ColumnElement[Any] = literal_column("(" + ",".join(map(str, single)) + ")")
        conditions.append(column.op("IN", is_comparison=True)(listed))
    if not conditions:
        return literal(False)
    return or_(*conditions) if len(conditions) > 1 else conditions[0]


def id_runs(
    ids: Collection[int], shortest: int = 8, most: int = 64
) -> tuple[list[tuple[int, int]], list[int]]:
    """Sorted `ids` as (first, last) runs of at least `shortest` consecutive ids, and the rest; no more
    than `most` runs (an OR chain deepens the parsed expression: SQLite allows a depth of 1000)."""
    ranges: list[tuple[int, int]] = []
    single: list[int] = []
    ordered = sorted({int(i) for i in ids})
    start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered[i] != ordered[i - 1] + 1:
            if i - start >= shortest:
                ranges.append((ordered[start], ordered[i - 1]))
            else:
                single += ordered[start:i]
            start = i
    return (ranges, single) if len(ranges) <= most else ([], ordered)


def usually_true(session: Session, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Tell SQLite's planner (which has no statistics) that `condition` filters little, so it picks the
    selective index instead of scanning the entered_at index over the whole table. PostgreSQL knows."""
    return func.likely(condition) if is_sqlite(session) else condition


def effective_reports(session: Session, now: datetime) -> tuple[Any, ColumnElement[bool]]:
    """The report table and the condition 'entered by now and not corrected by then'.

    Corrections are few: the corrected ids are one small set (NOT IN, evaluated once through the
    corrects_id index), not a lookup per report row.
    """
    report = aliased(m.ProgressReport, name="r")
    correction = aliased(m.ProgressReport, name="c")
    corrected = select(correction.corrects_id).where(
        correction.corrects_id > 0, usually_true(session, correction.entered_at <= now)
    )
    return report, and_(usually_true(session, report.entered_at <= now), report.id.not_in(corrected))
