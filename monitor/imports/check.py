"""Checking typed rows against the registry: the code exists and takes reports, and the row gives what its
target takes — a status for a commitment (its official status) or a completion, event or payment; a value
in the target's unit for a quantity; amounts in 백만원, from an allowed funding source, for a budget tranche.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from monitor.db import models as m
from monitor.errors import NotFoundError
from monitor.imports.columns import Field, HeaderMap
from monitor.imports.problems import Problem
from monitor.imports.validate import AMOUNT_UNIT, RowUpdate
from monitor.registry import find_code
from monitor.vocab import Channel, FundingSource, MilestoneKind
from monitor.writecheck import ProgressInput, check_report

Target = m.Commitment | m.Milestone
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
    found = _load(session, sorted({row.code for row in rows}))
    problems: list[Problem] = []
    column = headers.name(Field.CODE)
    retired = {code for code, t in found.items() if t.retired_at or _commitment(t).retired_at}
    for row in rows:
        target = found.get(row.code)
        if target is None:
            problems.append(Problem(row.row, column, *_unknown(session, row.code)))
        elif target.code in retired:
            problems.append(
                Problem(
                    row.row,
                    column,
                    f"{target.code} was removed from the seeds; it takes no more reports",
                    f"{target.code}은(는) 시드에서 빠졌습니다: 더는 보고를 받지 않습니다",
                )
            )
    return {code: t for code, t in found.items() if code not in retired}, problems


def _load(session: Session, codes: list[str]) -> dict[str, Target]:
    """The milestones and commitments of `codes` (those that exist), with their parties."""
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
    return found


def _unknown(session: Session, code: str) -> tuple[str, str]:
    """Why `code` names nothing (English, Korean), with the close codes `find_code` suggests."""
    try:
        find_code(session, code)
    except NotFoundError as exc:
        return str(exc), exc.localized("ko")
    return f"no commitment or milestone with code {code!r}", f"코드 '{code}'에 해당하는 공약·목표가 없습니다"


def _commitment(target: Target) -> m.Commitment:
    return target if isinstance(target, m.Commitment) else target.commitment


def check_row(row: RowUpdate, target: Target, headers: HeaderMap) -> list[Problem]:
    """What the row gives that its target does not take (each at its column): the write path's own check
    (`check_report`, the row as one part of a report), then what only a file has — units and 재원."""
    entry = ProgressInput(
        row.code, "", Channel.IMPORT.value, row.value, row.status, row.executed, row.secured
    )
    entry = replace(entry, planned=row.planned)
    found = [
        Problem(row.row, headers.name(Field(p.field)), p.text("en"), p.text("ko"))
        for p in check_report(target, entry, part=True)
    ]
    return found + [
        Problem(row.row, headers.name(name), text, ko) for name, text, ko in _file_problems(row, target)
    ]


FileProblem = tuple[Field, str, str]  # the column at fault, the message in English and in Korean


def _file_problems(row: RowUpdate, target: Target) -> list[FileProblem]:
    if isinstance(target, m.Milestone) and target.kind == "budget":
        found = [] if row.unit in (None, AMOUNT_UNIT) else [_unit_mismatch(Field.UNIT, row.unit, AMOUNT_UNIT)]
        fixed = fixed_source(target)
        if fixed is not None and row.funding is not None and row.funding != fixed:
            only = f"{target.code} is funded by {fixed.ko} ({fixed.value}) only, not {row.funding.ko}"
            only_ko = f"{target.code}의 재원은 {fixed.ko}뿐입니다 ({row.funding.ko}은(는) 안 됩니다)"
            found.append((Field.FUNDING, only, only_ko))
        return found
    found = [_not_budget(target)] if row.funding else []
    if isinstance(target, m.Milestone) and target.kind == "quantity":
        found += _unit_problems(row, target.unit)
    return found


def _not_budget(target: Target) -> FileProblem:
    """A 재원 given for a target that is not a budget tranche."""
    if isinstance(target, m.Commitment):
        what, what_ko = f"{target.code} is a commitment", f"{target.code}은(는) 공약입니다"
    else:
        kind = MilestoneKind(target.kind)
        what, what_ko = f"{target.code} is a {target.kind} milestone", f"{target.code}은(는) {kind.ko}입니다"
    return (
        Field.FUNDING,
        f"{what}: funding sources are for budget tranches",
        f"{what_ko}: 재원은 예산 연차에만 씁니다",
    )


def _unit_mismatch(name: Field, given: str, unit: str | None) -> FileProblem:
    if unit is None:
        return (
            name,
            f"unit {given} given, but the target has none",
            f"목표에 단위가 없는데 {given}이(가) 있습니다",
        )
    return (
        name,
        f"unit {given} does not match {unit}",
        f"단위 {given}이(가) 목표의 단위 {unit}과(와) 다릅니다",
    )


def _unit_problems(row: RowUpdate, unit: str | None) -> list[FileProblem]:
    if row.value is None:
        return []
    if row.value_unit is not None and row.value_unit != unit:
        return [_unit_mismatch(Field.VALUE, row.value_unit, unit)]
    if row.unit is not None and row.unit != unit:
        return [_unit_mismatch(Field.UNIT, row.unit, unit)]
    return []


def fixed_source(milestone: m.Milestone) -> FundingSource | None:
    return FundingSource(milestone.funding_source) if milestone.funding_source else None


def total(amounts: Iterable[Decimal | None]) -> Decimal | None:
    given = [a for a in amounts if a is not None]
    return sum(given, Decimal(0)) if given else None
