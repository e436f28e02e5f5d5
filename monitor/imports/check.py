"""Checking typed rows against the registry: the code exists and takes reports, and the row gives what its
target takes — a status for a commitment (its official status) or a completion, event or payment; a value
in the target's unit for a quantity; amounts in 백만원, from an allowed funding source, for a budget tranche.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from monitor.db import models as m
from monitor.errors import NotFoundError
from monitor.imports.columns import Field, HeaderMap
from monitor.imports.problems import Problem
from monitor.imports.validate import AMOUNT_UNIT, RowUpdate
from monitor.progress import STATUSES_BY_KIND
from monitor.registry import find_code
from monitor.vocab import FundingSource, MilestoneStatus, Status

Target = m.Commitment | m.Milestone
AMOUNT_FIELDS = (Field.PLANNED, Field.SECURED, Field.EXECUTED)
STATUS_WORDS = {
    "completion": "완료 (done)",
    "payment": "시행 (started) or 완료 (done)",
    "event": "개최 (held) or 취소 (cancelled)",
}
_CHUNK = 500


def _chunks(codes: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(codes), _CHUNK):
        yield codes[start : start + _CHUNK]


def resolve(
    session: Session, rows: Iterable[RowUpdate], headers: HeaderMap
) -> tuple[dict[str, Target], list[Problem]]:
    """The target of every code that takes reports, loaded in a few queries; a problem for each code that
    is unknown or retired (removed from the seeds)."""
    rows = [row for row in rows if row.code]
    codes = sorted({row.code for row in rows})
    found: dict[str, Target] = {}
    milestone_codes = [c for c in codes if "." in c]
    commitment_codes = [c for c in codes if "." not in c]
    for chunk in _chunks(milestone_codes):
        milestones = (
            select(m.Milestone)
            .where(m.Milestone.code.in_(chunk))
            .options(selectinload(m.Milestone.commitment).selectinload(m.Commitment.parties))
        )
        found.update((ms.code, ms) for ms in session.scalars(milestones))
    for chunk in _chunks(commitment_codes):
        query = (
            select(m.Commitment)
            .where(m.Commitment.code.in_(chunk))
            .options(selectinload(m.Commitment.parties))
        )
        found.update((c.code, c) for c in session.scalars(query))
    problems: list[Problem] = []
    column = headers.name(Field.CODE)
    retired = {code for code, t in found.items() if t.retired_at or _commitment(t).retired_at}
    for row in rows:
        target = found.get(row.code)
        if target is None:
            problems.append(Problem(row.row, column, _unknown(session, row.code)))
        elif target.code in retired:
            problems.append(
                Problem(
                    row.row, column, f"{target.code} was removed from the seeds; it takes no more reports"
                )
            )
    return {code: t for code, t in found.items() if code not in retired}, problems


def _unknown(session: Session, code: str) -> str:
    try:
        find_code(session, code)
    except NotFoundError as exc:
        return str(exc)
    return f"no commitment or milestone with code {code!r}"


def _commitment(target: Target) -> m.Commitment:
    return target if isinstance(target, m.Commitment) else target.commitment


def check_row(row: RowUpdate, target: Target, headers: HeaderMap) -> list[Problem]:
    """What the row gives that its target does not take (each at its column)."""
    found: list[tuple[Field, str]] = []
    if isinstance(target, m.Commitment):
        found = _commitment_problems(row, target)
    elif target.kind == "budget":
        found = _budget_problems(row, target)
    else:
        found = _milestone_problems(row, target)
    return [Problem(row.row, headers.name(name), message) for name, message in found]


def _commitment_problems(row: RowUpdate, commitment: m.Commitment) -> list[tuple[Field, str]]:
    how = f"{commitment.code} is a commitment: it takes its official status (정상추진, 일부추진, 완료 …)"
    found = [
        (name, f"{how}; report values on its milestones (CODE.key)") for name in _given(row, Field.VALUE)
    ]
    found += [(name, f"{how}, not amounts") for name in _given(row, *AMOUNT_FIELDS, Field.FUNDING)]
    if row.status is None:
        found.append((Field.STATUS, f"{how}: the status is missing"))
    else:
        try:
            Status.parse(row.status)
        except ValueError as exc:
            found.append((Field.STATUS, str(exc)))
    return found


def _milestone_problems(row: RowUpdate, milestone: m.Milestone) -> list[tuple[Field, str]]:
    what = f"{milestone.code} is a {milestone.kind} milestone"
    found = [(name, f"{what}: amounts are for budget tranches") for name in _given(row, *AMOUNT_FIELDS)]
    found += [
        (name, f"{what}: funding sources are for budget tranches") for name in _given(row, Field.FUNDING)
    ]
    if milestone.kind == "quantity":
        if row.status is not None:
            found.append((Field.STATUS, f"{what}: it takes a value, not a status"))
        if row.value is None:
            found.append((Field.VALUE, f"{what}: the value (in {milestone.unit}) is missing"))
        return found + _unit_problems(row, milestone.unit)
    words = STATUS_WORDS[milestone.kind]
    if row.value is not None:
        found.append((Field.VALUE, f"{what}: report {words} as its status, not a value"))
    elif row.status is None:
        found.append((Field.STATUS, f"{what}: the status ({words}) is missing"))
    elif milestone_status(row.status) not in STATUSES_BY_KIND[milestone.kind]:
        found.append((Field.STATUS, f"{what}: status {row.status!r} is not {words}"))
    return found


def _budget_problems(row: RowUpdate, milestone: m.Milestone) -> list[tuple[Field, str]]:
    how = f"{milestone.code} is a budget tranche: it takes amounts (계획액, 확보액, 집행액 in {AMOUNT_UNIT})"
    found = [(name, f"{how}, not a {name.value}") for name in _given(row, Field.VALUE, Field.STATUS)]
    if row.unit is not None and row.unit != AMOUNT_UNIT:
        found.append((Field.UNIT, f"unit {row.unit} does not match {AMOUNT_UNIT}"))
    if not row.amounts and row.value is None and row.status is None:
        found.append((Field.EXECUTED, f"{how}: no amount given"))
    fixed = fixed_source(milestone)
    if fixed is not None and row.funding is not None and row.funding != fixed:
        only = f"{milestone.code} is funded by {fixed.ko} ({fixed.value}) only, not {row.funding.ko}"
        found.append((Field.FUNDING, only))
    return found


def _unit_problems(row: RowUpdate, unit: str | None) -> list[tuple[Field, str]]:
    if row.value is None:
        return []
    if row.value_unit is not None and row.value_unit != unit:
        return [(Field.VALUE, f"unit {row.value_unit} does not match {unit}")]
    if row.unit is not None and row.unit != unit:
        return [(Field.UNIT, f"unit {row.unit} does not match {unit}")]
    return []


def _given(row: RowUpdate, *names: Field) -> list[Field]:
    return [name for name in names if getattr(row, name.value) is not None]


def milestone_status(text: str) -> MilestoneStatus | None:
    """A milestone status word, spacing ignored (완료, 개최, done …); None when it is not one."""
    try:
        return MilestoneStatus.parse("".join(text.split()))
    except ValueError:
        return None


def fixed_source(milestone: m.Milestone) -> FundingSource | None:
    return FundingSource(milestone.funding_source) if milestone.funding_source else None


def total(amounts: Iterable[Decimal | None]) -> Decimal | None:
    given = [a for a in amounts if a is not None]
    return sum(given, Decimal(0)) if given else None
