"""Reading each row's cells into a typed update, without the database: every bad cell is a `Problem` naming
its row and column, and the whole file is read before anything is reported.

Numbers may carry thousands separators and a unit ("1,200호"); amounts are in 백만원; dates come as Excel
dates or text (2026-09-30, 2026.9.30, 2026/09/30, 20260930); several evidence links may share a cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar
from urllib.parse import urlparse

from monitor.imports.columns import BY_FIELD, UPDATE_FIELDS, Field, HeaderMap
from monitor.imports.problems import Problem
from monitor.imports.read import Cell, Table
from monitor.limits import AMOUNT, VALUE, OutOfRange, check_day, check_number
from monitor.vocab import FundingSource

T = TypeVar("T")
AMOUNT_UNIT = "백만원"
# a number, then perhaps a unit: anything without digits that does not start like more of the number
_NUMBER = re.compile(r"([+-]?(?:\d[\d,]*)?\.?\d+)\s*([^\d.,+\-\s][^\d]*)?")
_DATE = re.compile(r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[.일]?")


class CellError(ValueError):
    """One cell cannot be read; the message says why, in English and in Korean (`ko`)."""

    def __init__(self, message: str, *, ko: str) -> None:
        super().__init__(message)
        self.message, self.ko = message, ko


@dataclass
class RowUpdate:
    """One row of the file, typed. `code` is normalised the way `find_code` reads codes."""

    row: int
    code: str
    as_of: date
    value: Decimal | None = None
    unit: str | None = None  # the unit column
    value_unit: str | None = None  # written after the value ("1,200호")
    status: str | None = None
    planned: Decimal | None = None
    secured: Decimal | None = None
    executed: Decimal | None = None
    funding: FundingSource | None = None
    note: str | None = None
    evidence: list[str] = field(default_factory=list)
    valid: bool = True  # False: a cell is unreadable; the code is still checked, the row not applied

    @property
    def amounts(self) -> dict[str, Decimal]:
        given = {"planned": self.planned, "secured": self.secured, "executed": self.executed}
        return {name: amount for name, amount in given.items() if amount is not None}


@dataclass(frozen=True)
class Parsed:
    rows: list[RowUpdate]  # every row with something to report, readable or not
    problems: list[Problem]
    skipped: int  # rows with nothing to report (template rows left empty)


def text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def normalise_code(raw: str) -> str:
    prefix, dot, key = raw.strip().partition(".")
    return f"{prefix.upper()}{dot}{key.lower()}"


def _not_a_number(name: Field, raw: str) -> CellError:
    column = BY_FIELD[name]
    return CellError(f"{column.en} {raw!r} is not a number", ko=f"{column.ko} {raw!r}은(는) 숫자가 아닙니다")


def number(cell: Cell, name: Field) -> tuple[Decimal, str]:
    """A number and the unit written after it ("1,200호" → 1200, "호")."""
    if isinstance(cell, bool | date):
        raise _not_a_number(name, text(cell))
    if isinstance(cell, int | float):
        # Excel keeps every number as a float: 1200.0 is the 1200 typed in the cell, and it shows 15
        # significant digits (0.1 + 0.2 is 0.3); the same range as a number typed as text
        return _in_range(Decimal(f"{cell:.15g}"), name), ""
    raw = text(cell)
    match = _NUMBER.fullmatch(raw)
    if not match or re.search(r",,|,\.|^[+-]?,", match.group(1)):
        raise _not_a_number(name, raw)
    try:
        number = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:
        raise _not_a_number(name, raw) from None
    return _in_range(number, name), (match.group(2) or "").strip()


def _in_range(number: Decimal, name: Field) -> Decimal:
    """Finite, within its field's range (monitor.limits: amounts AMOUNT, values VALUE), ≤ 4 decimals."""
    column = BY_FIELD[name]
    try:
        return check_number(number, VALUE if name == Field.VALUE else AMOUNT, column.en, column.ko)
    except OutOfRange as exc:
        raise CellError(str(exc), ko=exc.ko) from None


def amount(cell: Cell, name: Field) -> Decimal:
    value, unit = number(cell, name)
    if unit and unit != AMOUNT_UNIT:
        column, raw = BY_FIELD[name], text(cell)
        raise CellError(
            f"{column.en} {raw!r}: amounts are in {AMOUNT_UNIT}, not {unit}",
            ko=f"{column.ko} {raw!r}: 금액은 {unit}이(가) 아니라 {AMOUNT_UNIT} 단위로 씁니다",
        )
    return value  # a negative one is refused by the write path's check, as from every channel


def as_of_date(cell: Cell, today: date) -> date:
    if isinstance(cell, datetime):
        day = cell.date()
    elif isinstance(cell, date):
        day = cell
    else:
        raw = text(cell)
        match = _DATE.fullmatch(raw) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", raw)
        try:
            if not match:
                raise ValueError(raw)
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise CellError(
                f"as-of date {raw!r} is not a date (write 2026-09-30)",
                ko=f"기준일 {raw!r}은(는) 날짜가 아닙니다 (2026-09-30처럼 쓰세요)",
            ) from None
    if day > today:
        raise CellError(f"as-of date {day} is in the future", ko=f"기준일 {day}은(는) 미래입니다")
    try:
        return check_day(day, "as-of date", "기준일")
    except OutOfRange as exc:
        raise CellError(str(exc), ko=exc.ko) from None


def funding(cell: Cell) -> FundingSource:
    raw = text(cell)
    for source in FundingSource:
        if raw.lower() in (source.value, source.ko, source.en.lower()):
            return source
    known = ", ".join(f"{s.ko} ({s.value})" for s in FundingSource)
    known_ko = ", ".join(s.ko for s in FundingSource)
    raise CellError(
        f"funding source {raw!r} is not one of {known}",
        ko=f"재원 {raw!r}은(는) {known_ko} 중 하나가 아닙니다",
    )


def evidence(cell: Cell) -> list[str]:
    urls = [u for u in re.split(r"[\s,;]+", text(cell)) if u]
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise CellError(
                f"evidence {url!r} is not an http(s) URL", ko=f"근거 {url!r}은(는) http(s) 주소가 아닙니다"
            )
    return urls


class _RowReader:
    """The cells of one row, read by field; each unreadable cell adds a problem at its row and column."""

    def __init__(self, row: int, cells: list[Cell], headers: HeaderMap) -> None:
        self.row, self.cells, self.headers = row, cells, headers
        self.problems: list[Problem] = []

    def raw(self, name: Field) -> Cell:
        position = self.headers.index.get(name)
        return self.cells[position] if position is not None and position < len(self.cells) else None

    def text(self, name: Field) -> str | None:
        return text(self.raw(name)) or None

    def read(self, name: Field, parse: Callable[[Cell], T]) -> T | None:
        raw = self.raw(name)
        if not text(raw):
            return None
        try:
            return parse(raw)
        except CellError as exc:
            self.problem(name, exc.message, exc.ko)
            return None

    def problem(self, name: Field, message: str, ko: str) -> None:
        self.problems.append(Problem(self.row, self.headers.name(name), message, ko))


def parse_rows(table: Table, headers: HeaderMap, today: date) -> Parsed:
    rows: list[RowUpdate] = []
    problems: list[Problem] = []
    skipped = 0
    for row, cells in table.rows:
        reader = _RowReader(row, cells, headers)
        if not any(reader.text(name) for name in UPDATE_FIELDS):
            skipped += 1
            continue
        update = parse_row(reader, today)
        update.valid = not reader.problems
        problems += reader.problems
        rows.append(update)
    return Parsed(rows, problems, skipped)


def parse_row(cells: _RowReader, today: date) -> RowUpdate:
    code = cells.text(Field.CODE)
    if code is None:
        cells.problem(Field.CODE, "code is missing", "코드가 없습니다")
    if cells.text(Field.AS_OF) is None:
        cells.problem(Field.AS_OF, "as-of date is missing", "기준일이 없습니다")
    update = RowUpdate(
        row=cells.row,
        code=normalise_code(code or ""),
        as_of=cells.read(Field.AS_OF, lambda c: as_of_date(c, today)) or today,
        status=cells.text(Field.STATUS),
        note=cells.text(Field.NOTE),
        planned=cells.read(Field.PLANNED, lambda c: amount(c, Field.PLANNED)),
        secured=cells.read(Field.SECURED, lambda c: amount(c, Field.SECURED)),
        executed=cells.read(Field.EXECUTED, lambda c: amount(c, Field.EXECUTED)),
        funding=cells.read(Field.FUNDING, funding),
        evidence=cells.read(Field.EVIDENCE, evidence) or [],
        unit=cells.text(Field.UNIT),
    )
    measured = cells.read(Field.VALUE, lambda c: number(c, Field.VALUE))
    if measured is not None:
        update.value, suffix = measured
        if suffix and update.unit and suffix != update.unit:
            cells.problem(
                Field.VALUE,
                f"unit {suffix} does not match {update.unit}",
                f"단위 {suffix}이(가) 단위 열의 {update.unit}과(와) 다릅니다",
            )
        update.value_unit = suffix or None
    return update
