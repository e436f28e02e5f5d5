"""Rows already in the database: a report identical to one recorded before (same target, as-of date,
figures, note and evidence, not since corrected) is not written again. An official can keep one
spreadsheet, add a row each quarter and import the whole of it every time: only what is new goes in (and
older cumulative values, already recorded, are not mistaken for values going down).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.imports.check import Target
from monitor.imports.combine import Planned
from monitor.writecheck import ProgressInput

_CHUNK = 500


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _amount(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _split(by_source: dict[str, dict[str, Any]] | None) -> Hashable:
    return frozenset(
        (source, name, _amount(amount))
        for source, split in (by_source or {}).items()
        for name, amount in split.items()
    )


def _key(target_id: int, entry: ProgressInput) -> Hashable:
    figures = (entry.value, entry.status, entry.planned, entry.secured, entry.executed)
    return (
        target_id,
        entry.as_of,
        *map(_normal, figures),
        _split(entry.by_source),
        entry.note or None,
        tuple(entry.evidence),
    )


def _normal(figure: Decimal | str | None) -> Decimal | str | None:
    return _amount(figure) if isinstance(figure, Decimal) else figure


def _report_key(report: m.ProgressReport) -> Hashable:
    entry = ProgressInput(
        code="",
        reporter="",
        channel="",
        value=report.value,
        status=report.status,
        planned=report.planned_amount,
        secured=report.secured_amount,
        executed=report.executed_amount,
        by_source=report.by_source,
        as_of=report.as_of,
        note=report.note,
        evidence=list(report.evidence),
    )
    assert report.milestone_id is not None
    return _key(report.milestone_id, entry)


def _status_key(change: m.StatusChange) -> Hashable:
    entry = ProgressInput(
        code="",
        reporter="",
        channel="",
        status=change.status,
        as_of=change.as_of,
        note=change.note,
        evidence=list(change.evidence),
    )
    return _key(-change.commitment_id, entry)


def already_recorded(session: Session, planned: Iterable[Planned], targets: dict[str, Target]) -> set[int]:
    """Positions (in `planned`) of reports the database already holds, unchanged."""
    planned = list(planned)
    keys = [_key(_id(targets[p.entry.code]), p.entry) for p in planned]
    # a date filter keeps the query small; with many dates the id filter alone is smaller
    dates = {p.entry.as_of for p in planned}
    by_date = len(dates) <= 200
    milestone_ids = sorted({i for i in (_id(targets[p.entry.code]) for p in planned) if i > 0})
    commitment_ids = sorted({-i for i in (_id(targets[p.entry.code]) for p in planned) if i < 0})
    existing: set[Hashable] = set()
    for chunk in _chunks(milestone_ids):
        reports = select(m.ProgressReport).where(m.ProgressReport.milestone_id.in_(chunk))
        if by_date:
            reports = reports.where(m.ProgressReport.as_of.in_(dates))
        corrected = set(
            session.scalars(
                select(m.ProgressReport.corrects_id).where(
                    m.ProgressReport.milestone_id.in_(chunk), m.ProgressReport.corrects_id.is_not(None)
                )
            )
        )
        existing |= {_report_key(r) for r in session.scalars(reports) if r.id not in corrected}
    for chunk in _chunks(commitment_ids):
        query = select(m.StatusChange).where(m.StatusChange.commitment_id.in_(chunk))
        if by_date:
            query = query.where(m.StatusChange.as_of.in_(dates))
        existing |= {_status_key(change) for change in session.scalars(query)}
    return {position for position, key in enumerate(keys) if key in existing}


def _id(target: Target) -> int:
    """Milestones by their id, commitments by minus theirs: one key space for both."""
    return -target.id if isinstance(target, m.Commitment) else target.id
