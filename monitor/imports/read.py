"""Reading an import file into rows of cells: CSV (UTF-8, with or without BOM, or CP949 as Excel saves
Korean CSV files) or an Excel workbook (.xlsx, first sheet).

Row numbers are the ones the spreadsheet shows: the first line is row 1. Cells keep the type the file gives
(text from CSV; text, numbers, dates from Excel). Anything unreadable is an `ImportRejected`, never a stack
trace.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from monitor.imports.problems import rejected

Cell = str | int | float | date | datetime | None

ENCODINGS = ("utf-8-sig", "cp949")


@dataclass(frozen=True)
class Table:
    file: str  # the file's name, as problems name it
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number, cells), blank rows left out


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise rejected(path.name, "old Excel format (.xls): save the file as .xlsx or .csv")
    if suffix not in {".csv", ".xlsx"}:
        raise rejected(path.name, "not a .csv or .xlsx file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise rejected(path.name, f"cannot be read: {exc.strerror or exc}") from None
    lines = _xlsx_rows(path.name, data) if suffix == ".xlsx" else _csv_rows(path.name, data)
    return _table(path.name, lines)


def _decode(file: str, data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise rejected(file, "is neither UTF-8 nor CP949 (EUC-KR) text: save it as CSV UTF-8")


def _csv_rows(file: str, data: bytes) -> list[list[Cell]]:
    if b"\x00" in data:
        raise rejected(file, "is not a text file: save it as CSV UTF-8 or .xlsx")
    text = _decode(file, data)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), strict=True)]
    except csv.Error as exc:
        raise rejected(file, f"is not valid CSV: {exc}") from None


def _xlsx_rows(file: str, data: bytes) -> list[list[Cell]]:
    # Imported here: openpyxl takes a while to import and only workbooks need it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise rejected(file, f"cannot be read as an Excel workbook (.xlsx): {exc}") from None
    try:
        if not workbook.worksheets:
            raise rejected(file, "the workbook has no sheets")
        sheet: Any = workbook.worksheets[0]
        # iter_rows starts at row 1, so the position is the row number the spreadsheet shows
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _table(file: str, lines: list[list[Cell]]) -> Table:
    numbered = [(number, cells) for number, cells in enumerate(lines, start=1) if not all(map(_blank, cells))]
    if not numbered:
        raise rejected(file, "the file is empty: the first row must name the columns (코드, 기준일, …)")
    (header_row, header_cells), *rows = numbered
    headers = ["" if cell is None else str(cell).strip() for cell in header_cells]
    return Table(file, header_row, headers, rows)
