"""The file officials fill in: one row per commitment that takes an official status and per active milestone
of a jurisdiction (an agreement's commitments belong to every party), with what is known (title, kind,
target, unit, due date, latest report) and empty update columns. Filled in, it goes back in as it is: rows
left empty are skipped.

CSV is written as UTF-8 with a BOM, so Excel opens the Korean text; the Excel workbook is made in
`workbook.py`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from monitor.db import models as m
from monitor.errors import InputError
from monitor.imports.check import fixed_source
from monitor.imports.columns import COLUMNS, Field
from monitor.imports.validate import AMOUNT_UNIT
from monitor.registry import current_status, require_jurisdiction
from monitor.sinks import csv_cell
from monitor.timeutil import local_date
from monitor.vocab import CommitmentKind, Lang, MilestoneKind, MilestoneStatus, Status

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")  # the first is the default
TemplateCell = str | Decimal | date | None
Row = dict[Field, TemplateCell]


@dataclass(frozen=True)
class Made:
    """A template written: how many rows, for which jurisdiction (by name)."""

    rows: int
    name_ko: str
    name_en: str

    def place(self, lang: Lang) -> str:
        return self.name_ko if lang == "ko" else self.name_en


def template_format(fmt: Format | None, out: Path | None) -> Format:
    """The file type: `--format`, else the suffix of `--out` (.csv, .xlsx), else xlsx. An `--out` with
    another suffix, or one that contradicts `--format`, is refused before anything is written."""
    if out is None:
        return fmt or FORMATS[0]
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InputError(
            f"--out {out}: the file name must end in .xlsx or .csv (the file type follows it)",
            ko=f"--out {out}: 파일 이름은 .xlsx나 .csv로 끝나야 합니다 (파일 형식이 이름을 따릅니다)",
        )
    if fmt is not None and fmt != suffix:
        raise InputError(
            f"--format {fmt} contradicts --out {out}: leave out --format, or name a .{fmt} file",
            ko=f"--format {fmt}와(과) --out {out}이(가) 서로 맞지 않습니다: "
            f"--format 을 빼거나 .{fmt} 파일 이름을 주세요",
        )
    return "csv" if suffix == "csv" else "xlsx"


def template_rows(session: Session, jurisdiction: str, tz: ZoneInfo) -> list[Row]:
    """The template's rows, in seed order: each commitment (when it takes a status), then its milestones."""
    return _rows(session, require_jurisdiction(session, jurisdiction), tz)


def _rows(session: Session, place: m.Jurisdiction, tz: ZoneInfo) -> list[Row]:
    parties = select(m.CommitmentParty.commitment_id).where(m.CommitmentParty.jurisdiction_id == place.id)
    query = (
        select(m.Commitment)
        .where(m.Commitment.id.in_(parties), m.Commitment.retired_at.is_(None))
        .options(
            selectinload(m.Commitment.status_changes),
            selectinload(m.Commitment.milestones).selectinload(m.Milestone.reports),
        )
        .order_by(m.Commitment.id)
    )
    rows: list[Row] = []
    for commitment in session.scalars(query):
        if not CommitmentKind(commitment.kind).is_grouping:
            rows.append(_commitment_row(commitment))
        rows += [_milestone_row(ms, tz) for ms in commitment.milestones if ms.retired_at is None]
    return rows


def _commitment_row(commitment: m.Commitment) -> Row:
    status = current_status(commitment)
    return {
        Field.CODE: commitment.code,
        Field.TITLE: commitment.title,
        Field.KIND: CommitmentKind(commitment.kind).ko,
        Field.DUE: commitment.period_end,
        Field.LAST_VALUE: Status(status.status).ko if status else None,
        Field.LAST_AS_OF: status.as_of if status else None,
    }


def _milestone_row(milestone: m.Milestone, tz: ZoneInfo) -> Row:
    latest = milestone.reports[-1] if milestone.reports else None
    budget = milestone.kind == "budget"
    target = milestone.planned_amount if budget else milestone.target_value
    source = fixed_source(milestone)
    return {
        Field.CODE: milestone.code,
        Field.TITLE: milestone.title,
        Field.KIND: MilestoneKind(milestone.kind).ko,
        Field.TARGET: target,
        Field.UNIT: AMOUNT_UNIT if budget else milestone.unit,
        Field.DUE: milestone.due_date or local_date(milestone.due_at, tz),
        Field.LAST_VALUE: _reported(latest) if latest else None,
        Field.LAST_AS_OF: latest.as_of if latest else None,
        Field.FUNDING: source.ko if source else None,
    }


def _reported(report: m.ProgressReport) -> TemplateCell:
    if report.value is not None:
        return report.value
    if report.status is not None:
        return MilestoneStatus(report.status).ko
    parts = [("집행", report.executed_amount), ("확보", report.secured_amount)]
    return " / ".join(f"{label} {amount}" for label, amount in parts if amount is not None) or None


def write_template(session: Session, jurisdiction: str, path: Path, fmt: Format, tz: ZoneInfo) -> Made:
    """Write the template for `jurisdiction` to `path`; returns the number of rows and whose they are."""
    place = require_jurisdiction(session, jurisdiction)
    rows = _rows(session, place, tz)
    if fmt == "csv":
        _write_csv(rows, path)
    else:
        # Imported here: openpyxl takes a while to import and only workbooks need it.
        from monitor.imports.workbook import write_workbook

        write_workbook([cells(row) for row in rows], path)
    return Made(len(rows), place.name_ko, place.name_en)


def cells(row: Row) -> list[TemplateCell]:
    return [row.get(column.field) for column in COLUMNS]


def _write_csv(rows: list[Row], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([column.header for column in COLUMNS])
        writer.writerows(["" if cell is None else csv_cell(str(cell)) for cell in cells(row)] for row in rows)
