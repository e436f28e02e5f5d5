"""Derived seed facts: inherited fields and the budget tranches a table row stands for."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.seeds.schema import (
    NOT_PLANNED,
    TOTAL_COLUMN,
    BudgetColumn,
    CommitmentRecord,
    MilestoneRecord,
    Period,
)
from monitor.seeds.validate import SeedBundle
from monitor.vocab import MilestoneKind


def tranches(record: CommitmentRecord, columns: list[BudgetColumn]) -> list[MilestoneRecord]:
    """One budget-tranche milestone per year column with a planned amount ("-" plans nothing)."""
    if not isinstance(record.budget, dict):
        return []
    result = []
    for column in columns:
        value = record.budget.get(column.label)
        if value is None or value == NOT_PLANNED:
            continue
        first, last = column.years
        key = str(first) if first == last else f"{first}-{last}"
        result.append(
            MilestoneRecord(
                key=key,
                kind=MilestoneKind.BUDGET,
                title=f"{column.label}년 투자계획",
                line=record.line,
                due=column.due,
                planned_amount=value,
                fiscal_years=column.years,
                unit="백만원",
            )
        )
    return result


def all_milestones(record: CommitmentRecord, columns: list[BudgetColumn]) -> list[MilestoneRecord]:
    return [*record.milestones, *tranches(record, columns)]


def budget_total(record: CommitmentRecord) -> object:
    if isinstance(record.budget, dict):
        value = record.budget.get(TOTAL_COLUMN)
        return None if value == NOT_PLANNED else value
    return None


@dataclass(frozen=True)
class Inherited:
    parties: list[str]
    period: Period | None
    category: str | None


def resolve_inherited(bundle: SeedBundle) -> dict[str, Inherited]:
    """Parties, period and category per commitment code: its own, else its parent's, else the file's.

    An agreement's cooperation areas thus belong to every party of the agreement, and a pledge's items
    fall in the pledge's category.
    """
    records = {r.code: (d, r) for d, r in bundle.commitments()}
    resolved: dict[str, Inherited] = {}

    def resolve(code: str) -> Inherited:
        if code not in resolved:
            document, record = records[code]
            parent = resolve(record.parent) if record.parent in records else None
            owner = record.jurisdiction or document.model.jurisdiction
            parties = record.parties or (parent.parties if parent else None) or [owner]
            resolved[code] = Inherited(
                parties=parties if owner in parties else [owner, *parties],
                period=record.period or (parent.period if parent else None) or document.model.period,
                category=record.category or (parent.category if parent else None) or document.model.category,
            )
        return resolved[code]

    for code in records:
        resolve(code)
    return resolved
