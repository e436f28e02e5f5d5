"""Open data export: the whole registry with its history, as one JSON document or one CSV file per table.

Columns are read from the table definitions, so a column added to a model is exported without a change
here; a table is exported by adding its model to `EXPORTED`. Rows are in id (primary key) order. History
rows (those with an `entered_at` or `changed_at` column) entered after `as_of` are left out, so an export
is a consistent cut even while others write; current-state tables are exported as they are now.

Values are exact: decimals are strings as stored ("873.20" stays "873.20"), dates ISO 8601, instants ISO
8601 with the configured zone's offset. Files are written to a temporary name and renamed into place.

CSV cells are spreadsheet-safe (`monitor.sinks.csv_cell`): a text cell starting with `=`, `+`, `-`, `@`,
a tab or a line break gets a leading `'` (a plain number such as `-12.5` stays as it is), and control
characters are shown visibly; the JSON export keeps every value exactly as stored.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.db.base import Base
from monitor.errors import InputError
from monitor.files import atomic_text
from monitor.sinks import csv_cell
from monitor.timeutil import isoformat_local, require_aware

EXPORTED: tuple[type[Base], ...] = (
    m.Jurisdiction,
    m.SourceDocument,
    m.Commitment,
    m.CommitmentParty,
    m.Milestone,
    m.MilestoneRevision,
    m.ProgressReport,
    m.StatusChange,
    m.PublishedTotal,
    m.Finding,
    m.ReferenceItem,
)
# The documents' full text is theirs to publish (`sha256` identifies it); `stale_ref_at` is a daemon cache.
OMITTED: dict[str, frozenset[str]] = {
    "source_documents": frozenset({"text"}),
    "commitments": frozenset({"stale_ref_at"}),
}
ENTERED = ("entered_at", "changed_at")
BATCH = 1000


@dataclass(frozen=True)
class ExportTable:
    name: str
    columns: list[str]
    rows: Iterator[dict[str, Any]]  # JSON-ready values, read lazily


def export_tables(session: Session, *, as_of: datetime, tz: ZoneInfo) -> Iterator[ExportTable]:
    """Every exported table with its rows as of `as_of` (read in one transaction, as a snapshot on
    PostgreSQL)."""
    require_aware(as_of)
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    for model in EXPORTED:
        table: Table = model.__table__  # type: ignore[assignment]
        columns = [c for c in table.columns if c.name not in OMITTED.get(table.name, frozenset())]
        query = select(*columns).order_by(*table.primary_key.columns)
        for name in ENTERED:
            if name in table.columns:
                query = query.where(table.columns[name] <= as_of)
        names = [c.name for c in columns]
        rows = _rows(session, query, names, tz)
        if model is m.Commitment:  # an agreement belongs to every party: said on its own row
            names, rows = [*names, "parties"], _with_parties(session, rows)
        yield ExportTable(table.name, names, rows)


def _rows(session: Session, query: Any, names: list[str], tz: ZoneInfo) -> Iterator[dict[str, Any]]:
    for row in session.execute(query, execution_options={"yield_per": BATCH}):
        yield {name: json_value(value, tz) for name, value in zip(names, row, strict=True)}


def _with_parties(session: Session, rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    parties: dict[int, list[str]] = defaultdict(list)
    query = (
        select(m.CommitmentParty.commitment_id, m.Jurisdiction.slug)
        .join(m.Jurisdiction, m.Jurisdiction.id == m.CommitmentParty.jurisdiction_id)
        .order_by(m.CommitmentParty.commitment_id, m.Jurisdiction.id)
    )
    for commitment_id, slug in session.execute(query):
        parties[commitment_id].append(slug)
    for row in rows:
        yield {**row, "parties": parties.get(row["id"], [])}


def json_value(value: Any, tz: ZoneInfo) -> Any:
    """A database value as an exact JSON value (decimals as strings, dates and instants ISO 8601)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return isoformat_local(value, tz)
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_value(value: Any) -> Any:
    """A JSON-ready value as one CSV cell: empty for null, lists and objects as JSON text, text made
    spreadsheet-safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return csv_cell(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return csv_cell(value)


def write_json(
    session: Session, out: TextIO, *, exported_at: datetime, as_of: datetime, tz: ZoneInfo
) -> dict[str, int]:
    """`{"exported_at", "as_of", "tables": {name: [rows]}}`, written row by row; returns row counts."""
    head = {"exported_at": isoformat_local(exported_at, tz), "as_of": isoformat_local(as_of, tz)}
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {')
    counts: dict[str, int] = {}
    for index, table in enumerate(export_tables(session, as_of=as_of, tz=tz)):
        out.write(("," if index else "") + f"\n{json.dumps(table.name)}: [")
        counts[table.name] = 0
        for row in table.rows:
            out.write(("," if counts[table.name] else "") + "\n" + json.dumps(row, ensure_ascii=False))
            counts[table.name] += 1
        out.write("]")
    out.write("\n}}\n")
    return counts


def write_json_file(
    session: Session, path: Path, *, exported_at: datetime, as_of: datetime, tz: ZoneInfo
) -> dict[str, int]:
    with atomic_text(path, encoding="utf-8", newline=None) as out:
        return write_json(session, out, exported_at=exported_at, as_of=as_of, tz=tz)


def write_csv_dir(session: Session, directory: Path, *, as_of: datetime, tz: ZoneInfo) -> dict[str, int]:
    """One `<table>.csv` per table in `directory` (created if missing): UTF-8 with a byte-order mark, so
    Excel reads Korean correctly, and a header row of column names. Returns row counts."""
    if directory.exists() and not directory.is_dir():
        raise InputError(
            f"{directory} is a file; CSV export needs a folder", ko=f"{directory}은(는) 파일입니다"
        )
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in export_tables(session, as_of=as_of, tz=tz):
        with atomic_text(directory / f"{table.name}.csv", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(table.columns)
            counts[table.name] = 0
            for row in table.rows:
                writer.writerow([csv_value(row[name]) for name in table.columns])
                counts[table.name] += 1
    return counts
