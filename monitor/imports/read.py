"""Reading an import file into rows of cells: CSV (UTF-8, with or without BOM, or CP949 as Excel saves
Korean CSV files) or an Excel workbook (.xlsx, first sheet).

Row numbers are the ones the spreadsheet shows: the first line is row 1. Cells keep the type the file gives
(text from CSV; text, numbers, dates from Excel). Anything unreadable is an `ImportRejected`, never a stack
trace.

Limits (monitor.limits) are checked before anything big is allocated: the file's size; for a workbook the
uncompressed size of the zip's members (from the zip directory) and the sheet's declared dimension, then
rows and columns while the sheet is read lazily (openpyxl's read-only mode, bounded); a formula cell is
refused with its cell named (its cached value may be stale or missing).
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
from monitor.limits import (
    IMPORT_MAX_BYTES,
    SHEET_MAX_CELLS,
    SHEET_MAX_COLUMNS,
    SHEET_MAX_ROWS,
    XLSX_MAX_UNCOMPRESSED,
    size_text,
)

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
        data = _read_capped(path)
    except OSError as exc:
        raise rejected(
            path.name, f"cannot be read: {exc.strerror or exc}", ko=f"읽을 수 없습니다: {_reason_ko(exc)}"
        ) from None
    lines = _xlsx_rows(path.name, data) if suffix == ".xlsx" else _csv_rows(path.name, data)
    return _table(path.name, lines)


def _read_capped(path: Path) -> bytes:
    size = path.stat().st_size
    if size > IMPORT_MAX_BYTES:
        limit, given = size_text(IMPORT_MAX_BYTES), size_text(size)
        raise rejected(
            path.name,
            f"the file is {given}, larger than the {limit} an import file may be: split it",
            ko=f"파일이 {given}로 가져오기 한도 {limit}보다 큽니다: 나누어 가져오세요",
        )
    return path.read_bytes()


def _too_big(file: str, what: str, what_ko: str, given: int, limit: int, row: int = 0) -> Exception:
    return rejected(
        file,
        f"the sheet has {given:,} {what}, more than the {limit:,} an import may have: split the file",
        ko=f"시트의 {what_ko}이(가) {given:,}개로 가져오기 한도 {limit:,}개를 넘습니다: 파일을 나누세요",
        row=row,
    )


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
    rows: list[list[Cell]] = []
    try:
        for row in reader:
            _check_size(file, len(rows) + 1, len(row))
            rows.append(list(row))
        return rows
    except csv.Error as exc:
        raise rejected(
            file,
            f"is not valid CSV: {exc}",
            ko='올바른 CSV가 아닙니다: 따옴표(")가 짝이 맞지 않는 칸이 있습니다',
            row=reader.line_num,
        ) from None


def _check_size(file: str, rows: int, columns: int) -> None:
    """Row `rows` (1-based) of `columns` cells is still within the sheet limits."""
    if rows > SHEET_MAX_ROWS:
        raise _too_big(file, "rows", "행", rows, SHEET_MAX_ROWS, row=rows)
    if columns > SHEET_MAX_COLUMNS:
        raise _too_big(file, "columns", "열", columns, SHEET_MAX_COLUMNS, row=rows)


def _check_zip(file: str, data: bytes) -> None:
    """The members' uncompressed sizes, from the zip directory (zipfile never inflates past them)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if total > XLSX_MAX_UNCOMPRESSED:
                limit, given = size_text(XLSX_MAX_UNCOMPRESSED), size_text(total)
                raise rejected(
                    file,
                    f"the workbook unpacks to {given}, more than the {limit} an import may be",
                    ko=f"통합 문서의 압축을 풀면 {given}로 가져오기 한도 {limit}보다 큽니다",
                )
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    _check_cells(file, archive, name)
    except zipfile.BadZipFile:
        return  # openpyxl says it cannot read the file
    except SyntaxError as exc:  # the XML parser's ParseError
        raise _unreadable(file, exc) from None


def _check_cells(file: str, archive: zipfile.ZipFile, part: str) -> None:
    """Count a worksheet's cells while streaming its XML, before openpyxl builds a row: one row of
    millions of empty `<c/>` (a few KB zipped) is refused at its 101st cell."""
    from xml.etree.ElementTree import iterparse

    rows = cells = in_row = 0
    with archive.open(part) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if event == "start" and tag == "c":
                in_row, cells = in_row + 1, cells + 1
                if in_row > SHEET_MAX_COLUMNS:
                    raise _too_big(file, "columns", "열", in_row, SHEET_MAX_COLUMNS, row=rows + 1)
                if cells > SHEET_MAX_CELLS:
                    raise _too_big(file, "cells", "칸", cells, SHEET_MAX_CELLS, row=rows + 1)
            elif event == "end" and tag == "row":
                rows, in_row = rows + 1, 0
                _check_size(file, rows, 0)
                element.clear()


def _check_dimension(file: str, sheet: Any) -> None:
    """The dimension the sheet declares (a far cell declares a huge one), before any row is read."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    _check_size(file, rows, columns)
    if rows * columns > SHEET_MAX_CELLS:
        raise _too_big(file, "cells", "칸", rows * columns, SHEET_MAX_CELLS)


def _xlsx_rows(file: str, data: bytes) -> list[list[Cell]]:
    # Imported here: openpyxl takes a while to import and only workbooks need it.
    from openpyxl import load_workbook

    _check_zip(file, data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except UNREADABLE as exc:
        raise _unreadable(file, exc) from None
    try:
        if not workbook.worksheets:
            raise rejected(file, "the workbook has no sheets", ko="통합 문서에 시트가 없습니다")
        sheet: Any = workbook.worksheets[0]
        _check_dimension(file, sheet)
        return _sheet_rows(file, sheet)
    except UNREADABLE as exc:  # a malformed part found while reading (styles, a cell's <v>inf</v>, XML)
        raise _unreadable(file, exc) from None
    finally:
        workbook.close()


# What openpyxl and the XML parser raise for a file that is not a sound workbook
UNREADABLE = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError)


def _unreadable(file: str, exc: BaseException) -> Exception:
    return rejected(
        file,
        f"cannot be read as an Excel workbook (.xlsx): {exc}",
        ko="엑셀 통합 문서(.xlsx)로 읽을 수 없습니다: 손상되었거나 다른 형식의 파일입니다",
    )


def _sheet_rows(file: str, sheet: Any) -> list[list[Cell]]:
    """The cells, row by row, within one row and one column past the limits (a sheet that declares no
    dimension is read no further); a formula cell is refused with its cell named."""
    bounded = sheet.iter_rows(max_row=SHEET_MAX_ROWS + 1, max_col=SHEET_MAX_COLUMNS + 1)
    rows: list[list[Cell]] = []
    # iter_rows starts at row 1, so the position is the row number the spreadsheet shows
    for number, cells in enumerate(bounded, start=1):
        values = [getattr(cell, "value", None) for cell in cells]
        while values and values[-1] is None:
            values.pop()
        _check_size(file, number, len(values))  # a row past the limit, empty or not: there is one
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                raise _formula(file, number, cell.coordinate, str(cell.value))
        rows.append(values)
    return rows


def _formula(file: str, row: int, where: str, formula: str) -> Exception:
    return rejected(
        file,
        f"cell {where} holds a formula ({formula[:40]}): paste it as values and save again",
        ko=f"{where} 칸에 수식({formula[:40]})이 있습니다: 값으로 붙여넣은 뒤 다시 저장하세요",
        row=row,
    )


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
