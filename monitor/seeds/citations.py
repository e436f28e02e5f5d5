"""Citation checks: every figure, time and title a seed record carries must be on the line it cites."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from monitor.seeds.bundle import Problems, SeedDocument
from monitor.seeds.schema import NOT_PLANNED, TOTAL_COLUMN, CommitmentRecord, MilestoneRecord


def check_document(document: SeedDocument, problems: Problems) -> None:
    model, path = document.model, document.path
    columns = {c.label for c in model.budget_columns}
    for row in model.published_totals:
        _check_cited(document, row.yaml_line, row.line, list(row.cells.values()), problems)
        for label in set(row.cells) - columns - {TOTAL_COLUMN}:
            problems.add(path, row.yaml_line, f"cells: unknown budget column {label!r}")
    for record in model.commitments:
        _check_cited(document, record.yaml_line, record.line, [], problems, texts=[record.title])
        if record.description is not None:
            _check_cited(
                document,
                record.yaml_line,
                record.description_line or record.line,
                [],
                problems,
                texts=[record.description],
            )
        for statement in record.also_published:
            texts = [t for t in (statement.title, statement.description) if t]
            _check_cited(document, statement.yaml_line, statement.line, [], problems, texts=texts)
        if isinstance(record.budget, dict):
            if not columns:
                problems.add(path, record.yaml_line, "budget: this file declares no budget_columns")
            for label in set(record.budget) - columns - {TOTAL_COLUMN}:
                problems.add(path, record.yaml_line, f"budget: unknown budget column {label!r}")
            cells = [v for v in record.budget.values() if v != NOT_PLANNED]
            _check_cited(document, record.yaml_line, record.line, cells, problems)
        if record.published_children is not None:
            count = record.published_children
            _check_cited(document, count.yaml_line, count.line, [Decimal(count.count)], problems)
        for milestone in record.milestones:
            _check_milestone(document, record, milestone, problems)
    for ref in model.references:
        _check_cited(
            document,
            ref.yaml_line,
            ref.line,
            [] if ref.published_count is None else [Decimal(ref.published_count)],
            problems,
        )
        for group in ref.groups:
            counted = [] if group.published_count is None else [Decimal(group.published_count)]
            _check_cited(document, group.yaml_line, group.line, counted, problems)
            for item in group.items:
                _check_cited(document, item.yaml_line, item.line, [], problems, texts=[item.name])


def _check_milestone(
    document: SeedDocument, record: CommitmentRecord, milestone: MilestoneRecord, problems: Problems
) -> None:
    lines = milestone.line or record.line
    numbers = [
        n
        for n in (milestone.target, milestone.target_max, milestone.baseline, milestone.planned_amount)
        if n is not None
    ]
    _check_cited(document, milestone.yaml_line, lines, numbers, problems)
    for instant in (milestone.start, milestone.end):
        if instant is not None and not _time_on_line(
            document.source.excerpt(lines), instant.hour, instant.minute
        ):
            problems.add(
                document.path,
                milestone.yaml_line,
                f"time {instant:%H:%M} is not on the cited line {document.citation(lines)}",
            )
    for statement in milestone.also_published:
        for instant in (statement.start, statement.end):
            if instant is not None and not _time_on_line(
                document.source.excerpt(statement.line), instant.hour, instant.minute
            ):
                problems.add(
                    document.path,
                    statement.yaml_line,
                    f"time {instant:%H:%M} is not on the cited line {document.citation(statement.line)}",
                )
    for entry in milestone.progress:
        values = [entry.value] if entry.value is not None else []
        _check_cited(document, entry.yaml_line, entry.line or lines, values, problems)


def _check_cited(
    document: SeedDocument,
    yaml_line: int,
    lines: tuple[int, int],
    numbers: list[Any],
    problems: Problems,
    texts: list[str] | tuple[()] = (),
) -> None:
    """Every figure a record carries, and its title, must appear on the source line(s) it cites."""
    if lines[1] > len(document.source.lines):
        problems.add(
            document.path,
            yaml_line,
            f"line {lines[1]} is past the end of {document.source.file} ({len(document.source.lines)} lines)",
        )
        return
    excerpt = document.source.excerpt(lines)
    text = _normalise_number(excerpt)
    for number in numbers:
        if not _number_on_line(text, Decimal(number)):
            problems.add(
                document.path, yaml_line, f"{number} is not on the cited line {document.citation(lines)}"
            )
    for wanted in texts:
        if _squeeze(wanted) not in _squeeze(excerpt):
            problems.add(
                document.path, yaml_line, f"{wanted!r} is not on the cited line {document.citation(lines)}"
            )


def _normalise_number(text: str) -> str:
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def _squeeze(text: str) -> str:
    """Compare text ignoring line breaks, spacing and markdown emphasis left by PDF extraction."""
    return re.sub(r"\s+|\*\*", "", text)


def _number_on_line(text: str, number: Decimal) -> bool:
    forms = {str(number), format(number.normalize(), "f")}
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?!\d|\.\d)", text) for form in forms)


def _time_on_line(text: str, hour: int, minute: int) -> bool:
    """Times appear as 11:10 or 11시 10분 (or 14시 for a full hour)."""
    forms = [f"{hour:02d}:{minute:02d}", f"{hour}:{minute:02d}", f"{hour}시 {minute}분"]
    if minute == 0:
        forms.append(f"{hour}시")
    return any(form in text for form in forms)
