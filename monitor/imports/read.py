"""Reading an import file into rows of cells: CSV (UTF-8, with or without BOM, or CP949 as Excel saves
Korean CSV files) or an Excel workbook (.xlsx, first sheet).

Row numbers are the ones the spreadsheet shows: the first line is row 1. Cells keep the type the file gives
(text from CSV; text, numbers, dates from Excel). Anything unreadable is an `ImportRejected`, never a stack
trace.
"""

from __future__ import annotations

import csv
import errno
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from monitor.files import os_reason
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
        raise rejected(
            path.name,
            "old Excel format (.xls): save the file as .xlsx or .csv",
            ko="예전 엑셀 형식(.xls)입니다: .xlsx나 .csv로 저장하세요",
        )
    if suffix not in {".csv", ".xlsx"}:
        raise rejected(path.name, "not a .csv or .xlsx file", ko=".csv나 .xlsx 파일이 아닙니다")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise rejected(
            path.name, f"cannot be read: {exc.strerror or exc}", ko=f"읽을 수 없습니다: {_reason_ko(exc)}"
        ) from None
    lines = _xlsx_rows(path.name, data) if suffix == ".xlsx" else _csv_rows(path.name, data)
    return _table(path.name, lines)


def _reason_ko(exc: OSError) -> str:
    """Why a file cannot be read, in Korean (the write-side wording of `os_reason` does not fit a
    missing file)."""
    if exc.errno == errno.ENOENT:
        return "파일이 없습니다"
    return os_reason(exc, "ko")


def _decode(file: str, data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise rejected(
        file,
        "is neither UTF-8 nor CP949 (EUC-KR) text: save it as CSV UTF-8",
        ko="UTF-8이나 CP949(EUC-KR) 텍스트가 아닙니다: CSV UTF-8로 저장하세요",
    )


def _csv_rows(file: str, data: bytes) -> list[list[Cell]]:
    if b"\x00" in data:
        raise rejected(
            file,
            "is not a text file: save it as CSV UTF-8 or .xlsx",
            ko="텍스트 파일이 아닙니다: CSV UTF-8이나 .xlsx로 저장하세요",
        )
    text = _decode(file, data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:
        raise rejected(
            file,
            f"is not valid CSV: {exc}",
            ko='올바른 CSV가 아닙니다: 따옴표(")가 짝이 맞지 않는 칸이 있습니다',
            row=reader.line_num,
        ) from None


def _xlsx_rows(file: str, data: bytes) -> list[list[Cell]]:
    # Imported here: openpyxl takes a while to import and only workbooks need it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise rejected(
            file,
            f"cannot be read as an Excel workbook (.xlsx): {exc}",
            ko="엑셀 통합 문서(.xlsx)로 읽을 수 없습니다: 손상되었거나 다른 형식의 파일입니다",
        ) from None
    try:
        if not workbook.worksheets:
            raise rejected(file, "the workbook has no sheets", ko="통합 문서에 시트가 없습니다")
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
        raise rejected(
            file,
            "the file is empty: the first row must name the columns (코드, 기준일, …)",
            ko="파일이 비어 있습니다: 첫 행에 열 제목(코드, 기준일, …)이 있어야 합니다",
        )
    (header_row, header_cells), *rows = numbered
    headers = ["" if cell is None else str(cell).strip() for cell in header_cells]
    return Table(file, header_row, headers, rows)
