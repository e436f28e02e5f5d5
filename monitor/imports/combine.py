"""Rows → reports. A row is one report, except budget rows: rows with the same code and as-of date and
different 재원 are one update split by source — one report with the totals and `by_source`. Two rows for the
same code, as-of date (and source) are a duplicate, an error naming both rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from monitor.db import models as m
from monitor.imports.check import Target, fixed_source, total
from monitor.imports.columns import Field, HeaderMap
from monitor.imports.problems import Problem
from monitor.imports.validate import RowUpdate
from monitor.vocab import Channel, FundingSource, Status
from monitor.writecheck import ProgressInput, milestone_status


@dataclass(frozen=True)
class Planned:
    """One report to write: the rows it comes from (file order) and what goes to the write path (`Batch`)."""

    rows: tuple[int, ...]
    entry: ProgressInput
    column: str  # where a problem found while writing is shown
    cumulative: bool  # a value that may only go down as a correction


def plan(
    rows: list[RowUpdate], targets: dict[str, Target], headers: HeaderMap, reporter: str
) -> tuple[list[Planned], list[Problem]]:
    """Reports in the order of their first row; duplicates and inconsistent budget groups are problems."""
    groups: dict[tuple[str, date], list[RowUpdate]] = {}
    problems: list[Problem] = []
    for row in rows:
        groups.setdefault((row.code, row.as_of), []).append(row)
    planned: list[Planned] = []
    for (code, _), group in groups.items():
        target = targets[code]
        if isinstance(target, m.Milestone) and target.kind == "budget":
            found = _budget_group_problems(group, target, headers)
        else:
            found = [_duplicate(later, group[0], headers, "") for later in group[1:]]
        problems += found
        if not found:
            planned.append(_planned(group, target, headers, reporter))
    return planned, problems


def _duplicate(later: RowUpdate, first: RowUpdate, headers: HeaderMap, source: str) -> Problem:
    split = f" ({source})" if source else ""
    return Problem(
        later.row,
        headers.name(Field.CODE),
        f"rows {first.row} and {later.row} both report {later.code} as of {later.as_of}{split}",
        f"{first.row}행과 {later.row}행이 같은 보고입니다: {later.code} 기준일 {later.as_of}{split}",
    )


def _source(row: RowUpdate, milestone: m.Milestone) -> FundingSource | None:
    return row.funding or fixed_source(milestone)


def _budget_group_problems(
    group: list[RowUpdate], milestone: m.Milestone, headers: HeaderMap
) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[FundingSource | None, RowUpdate] = {}
    for row in group:
        source = _source(row, milestone)
        if source in seen:
            problems.append(_duplicate(row, seen[source], headers, source.ko if source else ""))
        else:
            seen[source] = row
    split = [row for row in group if _source(row, milestone) is not None]
    if split and len(split) < len(group):
        flagged = {p.row for p in problems}
        unsplit = [r for r in group if r not in split and r.row not in flagged]
        problems += _unsplit(unsplit, split, headers.name(Field.FUNDING))
    if not any(row.secured is not None or row.executed is not None for row in group):
        first = next((row for row in group if row.planned is not None), group[0])
        problems.append(
            Problem(
                first.row,
                headers.name(Field.PLANNED),
                "planned is reported only together with secured or executed (확보액 or 집행액)",
                "계획액은 확보액이나 집행액과 함께만 보고합니다",
            )
        )
    return problems


def _unsplit(rows: list[RowUpdate], split: list[RowUpdate], column: str) -> list[Problem]:
    """Rows without a 재원 in a report that other rows split by source."""
    numbers = ", ".join(str(r.row) for r in split)
    where = f"row {numbers}" if len(split) == 1 else f"rows {numbers}"
    first = split[0]
    message = f"no 재원 (funding source), but {where} split {first.code} as of {first.as_of} by source"
    ko = f"재원이 비어 있지만 {numbers}행은 {first.code} 기준일 {first.as_of} 보고를 재원별로 나눴습니다"
    return [Problem(r.row, column, message, ko) for r in rows]


def _planned(group: list[RowUpdate], target: Target, headers: HeaderMap, reporter: str) -> Planned:
    notes = list(dict.fromkeys(row.note for row in group if row.note))
    evidence = list(dict.fromkeys(url for row in group for url in row.evidence))
    first = group[0]
    entry = _measure(
        group,
        target,
        ProgressInput(
            code=target.code,
            reporter=reporter,
            channel=Channel.IMPORT.value,
            as_of=first.as_of,
            note="; ".join(notes) or None,
            evidence=evidence,
        ),
    )
    cumulative = isinstance(target, m.Milestone) and target.kind == "quantity" and target.cumulative
    rows = tuple(row.row for row in group)
    return Planned(rows, entry, headers.name(_column(first, target)), cumulative)


def _measure(group: list[RowUpdate], target: Target, entry: ProgressInput) -> ProgressInput:
    first = group[0]
    if isinstance(target, m.Commitment):
        assert first.status is not None
        return replace(entry, status=Status.parse(first.status).value)
    if target.kind == "quantity":
        return replace(entry, value=first.value)
    if target.kind != "budget":
        assert first.status is not None
        status = milestone_status(first.status)
        return replace(entry, status=status.value if status else first.status)
    by_source = {
        source.ko: {name: str(amount) for name, amount in row.amounts.items()}
        for row in group
        if (source := row.funding) is not None
    }
    return replace(
        entry,
        planned=total(row.planned for row in group),
        secured=total(row.secured for row in group),
        executed=total(row.executed for row in group),
        by_source=by_source or None,
    )


def _column(row: RowUpdate, target: Target) -> Field:
    if isinstance(target, m.Milestone) and target.kind == "quantity":
        return Field.VALUE
    if isinstance(target, m.Milestone) and target.kind == "budget":
        return Field.EXECUTED if row.executed is not None else Field.SECURED
    return Field.STATUS
