"""Consistency findings: places where a published source disagrees with itself.

Findings never stop a load and never change the data: the figures are stored as published and the
finding records what was published, what the parts add up to, and the difference. All arithmetic is
`Decimal`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from monitor.seeds.schema import NOT_PLANNED, TOTAL_COLUMN, CommitmentRecord, Statement
from monitor.seeds.validate import SeedBundle, SeedDocument, display_path


@dataclass(frozen=True)
class Finding:
    rule: str
    records: tuple[str, ...]
    column: str | None
    published: str
    computed: str
    difference: str | None
    source: str
    seed_file: str


RULES = (
    "budget_row_total",
    "budget_children",
    "budget_published_total",
    "conflicting_statement",
    "published_count",
)


def find_inconsistencies(bundle: SeedBundle) -> list[Finding]:
    findings: list[Finding] = []
    for document in bundle.documents:
        findings.extend(_budget_rows(document))
        findings.extend(_budget_children(document))
        findings.extend(_budget_published_totals(document))
        findings.extend(_conflicting_statements(document))
        findings.extend(_published_counts(document))
    return findings


def budget_cells(budget: Mapping[str, Decimal | str]) -> dict[str, Decimal]:
    """A budget row as numbers; a cell published as "-" counts as zero."""
    return {label: Decimal(0) if value == NOT_PLANNED else Decimal(value) for label, value in budget.items()}


def _finding(
    document: SeedDocument,
    rule: str,
    records: tuple[str, ...],
    column: str | None,
    published: Decimal,
    computed: Decimal,
    lines: tuple[int, int],
) -> Finding:
    return Finding(
        rule=rule,
        records=records,
        column=column,
        published=str(published),
        computed=str(computed),
        difference=str(computed - published),
        source=document.citation(lines),
        seed_file=display_path(document.path),
    )


def _budget_rows(document: SeedDocument) -> Iterator[Finding]:
    rows: list[tuple[str, Mapping[str, Decimal | str], tuple[int, int]]] = [
        (r.label, dict(r.cells), r.line) for r in document.model.published_totals
    ]
    rows += [(r.code, r.budget, r.line) for r in document.model.commitments if isinstance(r.budget, dict)]
    for code, budget, lines in rows:
        cells = budget_cells(budget)
        if TOTAL_COLUMN not in cells:
            continue
        parts = sum((v for k, v in cells.items() if k != TOTAL_COLUMN), Decimal(0))
        if parts != cells[TOTAL_COLUMN]:
            yield _finding(
                document, "budget_row_total", (code,), TOTAL_COLUMN, cells[TOTAL_COLUMN], parts, lines
            )


def _column_sums(records: list[CommitmentRecord]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for record in records:
        if isinstance(record.budget, dict):
            for label, value in budget_cells(record.budget).items():
                sums[label] = sums.get(label, Decimal(0)) + value
    return sums


def _compare_columns(
    document: SeedDocument,
    rule: str,
    published: dict[str, Decimal],
    parts: list[CommitmentRecord],
    head: str,
    lines: tuple[int, int],
) -> Iterator[Finding]:
    sums = _column_sums(parts)
    for label, value in published.items():
        computed = sums.get(label, Decimal(0))
        if computed != value:
            yield _finding(document, rule, (head, *(p.code for p in parts)), label, value, computed, lines)


def _budget_children(document: SeedDocument) -> Iterator[Finding]:
    records = document.model.commitments
    for parent in records:
        if not isinstance(parent.budget, dict):
            continue
        children = [r for r in records if r.parent == parent.code and r.budget is not None]
        if children:
            yield from _compare_columns(
                document, "budget_children", budget_cells(parent.budget), children, parent.code, parent.line
            )


def _budget_published_totals(document: SeedDocument) -> Iterator[Finding]:
    records = document.model.commitments
    budgeted = {r.code for r in records if r.budget is not None}
    top_level = [r for r in records if r.budget is not None and r.parent not in budgeted]
    for row in document.model.published_totals:
        yield from _compare_columns(
            document, "budget_published_total", dict(row.cells), top_level, row.label, row.line
        )


def _conflicting_statements(document: SeedDocument) -> Iterator[Finding]:
    for record in document.model.commitments:
        own: dict[str, object] = {"title": record.title, "description": record.description}
        yield from _statement_conflicts(document, record.code, own, record.line, record.also_published)
        for milestone in record.milestones:
            own = {"title": milestone.title, "start": milestone.start, "end": milestone.end}
            yield from _statement_conflicts(
                document,
                f"{record.code}.{milestone.key}",
                own,
                milestone.line or record.line,
                milestone.also_published,
            )


def _statement_conflicts(
    document: SeedDocument,
    code: str,
    own: Mapping[str, object],
    lines: tuple[int, int],
    statements: list[Statement],
) -> Iterator[Finding]:
    """The same fact stated twice in one source with different values (a time window, a name)."""
    for statement in statements:
        for column, ours in own.items():
            theirs = getattr(statement, column, None)
            if ours is None or theirs is None or ours == theirs:
                continue
            difference = None
            if isinstance(ours, datetime) and isinstance(theirs, datetime):
                difference = f"{int((theirs - ours).total_seconds() // 60):+d} min"
            yield Finding(
                rule="conflicting_statement",
                records=(code,),
                column=column,
                published=f"{_show(ours)} ({document.citation(lines)})",
                computed=f"{_show(theirs)} ({document.citation(statement.line)})",
                difference=difference,
                source=document.citation(statement.line),
                seed_file=display_path(document.path),
            )


def _show(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M%z") if isinstance(value, datetime) else str(value)


def _published_counts(document: SeedDocument) -> Iterator[Finding]:
    records = document.model.commitments
    for record in records:
        if record.published_children is not None:
            count = sum(1 for r in records if r.parent == record.code)
            if count != record.published_children.count:
                yield _finding(
                    document,
                    "published_count",
                    (record.code,),
                    None,
                    Decimal(record.published_children.count),
                    Decimal(count),
                    record.published_children.line,
                )
    for ref in document.model.references:
        if ref.published_count is not None:
            count = sum(len(g.items) for g in ref.groups)
            if count != ref.published_count:
                yield _finding(
                    document,
                    "published_count",
                    (ref.key,),
                    None,
                    Decimal(ref.published_count),
                    Decimal(count),
                    ref.line,
                )
        for group in ref.groups:
            if group.published_count is not None and group.published_count != len(group.items):
                yield _finding(
                    document,
                    "published_count",
                    (f"{ref.key}/{group.label}",),
                    None,
                    Decimal(group.published_count),
                    Decimal(len(group.items)),
                    group.line,
                )
