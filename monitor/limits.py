"""Every input limit and range, in one table, used by every path that takes input: the CLI, the
spreadsheet import, the bot's /log (through `monitor.writecheck`), the seed files and the settings.
README's "Limits" section documents the same numbers.

| what | limit |
|---|---|
| import file (.csv, .xlsx) | at most 20 MiB on disk |
| .xlsx members, uncompressed | at most 100 MiB in all (checked from the zip directory before parsing) |
| import sheet | at most 50,000 rows, 100 columns, 1,000,000 cells (an .xlsx's declared dimension too) |
| seed file (YAML) | at most 5 MiB; nesting at most 50 levels; aliases expand to at most 100,000 nodes |
| amounts (백만원: planned, secured, executed, budget cells) | 0 … 10^9, at most 4 decimals, finite |
| values (quantities, targets, baselines) | −10^12 … 10^12, at most 4 decimals, finite |
| dates and instants (as-of, due, --as-of, events, terms) | 1990-01-01 … 2100-12-31 |
| durations (settings) | per setting, see `DURATION_RANGES` (most 0 … 3650d) |

Everything here is pure and light (no pydantic, no database): `monitor.cli.context` imports it at
`--help` time. Each check raises `OutOfRange`, a `ValueError` carrying its Korean (`ko`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from monitor.errors import LocalizedValueError
from monitor.korean import particles

MiB = 1 << 20

IMPORT_MAX_BYTES = 20 * MiB
XLSX_MAX_UNCOMPRESSED = 100 * MiB
SHEET_MAX_ROWS = 50_000
SHEET_MAX_COLUMNS = 100
SHEET_MAX_CELLS = 1_000_000

SEED_MAX_BYTES = 5 * MiB
YAML_MAX_DEPTH = 50
YAML_MAX_NODES = 100_000  # nodes after expanding every alias

FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2100, 12, 31)


@dataclass(frozen=True)
class NumberRange:
    """The range of one kind of figure: |x| within bounds, finite, at most `places` decimals."""

    low: Decimal
    high: Decimal
    places: int = 4


AMOUNT = NumberRange(Decimal(0), Decimal(10) ** 9)  # 백만원: up to 1,000조원
VALUE = NumberRange(-(Decimal(10) ** 12), Decimal(10) ** 12)

DAY = timedelta(days=1)
# setting → (least, most); a duration setting not named here takes DEFAULT_DURATION_RANGE
DEFAULT_DURATION_RANGE = (timedelta(0), 3650 * DAY)
DURATION_RANGES: dict[str, tuple[timedelta, timedelta]] = {
    "telegram_timeout": (timedelta(seconds=1), timedelta(minutes=10)),
    "telegram_confirm_timeout": (timedelta(seconds=1), DAY),
    "group_wait": (timedelta(0), timedelta(hours=1)),
    "delivery_lease": (timedelta(seconds=1), DAY),
    "leader_lease": (timedelta(seconds=1), DAY),
    "shutdown_timeout": (timedelta(seconds=1), timedelta(hours=1)),
    "sweep_interval": (timedelta(seconds=1), 7 * DAY),
    "poll_interval": (timedelta(milliseconds=100), timedelta(hours=1)),
    "retry_for": (timedelta(0), 30 * DAY),
    "repeat_interval": (timedelta(minutes=1), 365 * DAY),
}
# The largest duration anything may be parsed into, whatever the setting (no overflow past this).
MAX_DURATION = 3650 * DAY


class OutOfRange(LocalizedValueError):
    """A number, date, instant, duration or size outside its documented range: English `str`, Korean
    `ko` (particles resolved). Raised in a pydantic validator, settings and seeds find the Korean."""

    def __init__(self, message: str, *, ko: str) -> None:
        super().__init__(message, ko=particles(ko))


def plain(number: Decimal) -> str:
    """A bound as people read it: 1000000000, not 1E+9."""
    return f"{number:,f}"


def check_number(number: Decimal, kind: NumberRange, label: str, label_ko: str) -> Decimal:
    """`number` if it is finite, within `kind`'s range and has at most its decimals (a range from 0 lets
    through a negative number of the same size: every caller refuses negatives with its own words)."""
    shown = str(number)
    if not number.is_finite():
        raise OutOfRange(
            f"{label} {shown} is not a finite number", ko=f"{label_ko} {shown}은(는) 유한한 수가 아닙니다"
        )
    low, high = plain(kind.low), plain(kind.high)
    # a small negative amount is left to the write check's own refusal ("… is negative"), which says it better
    least = -kind.high if kind.low == 0 else kind.low
    if not least <= number <= kind.high:
        raise OutOfRange(
            f"{label} {shown} is outside {low} … {high}",
            ko=f"{label_ko} {shown}은(는) 허용 범위({low} … {high})를 벗어납니다",
        )
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > kind.places:
        raise OutOfRange(
            f"{label} {shown} has more than {kind.places} decimals",
            ko=f"{label_ko} {shown}은(는) 소수점 아래가 {kind.places}자리를 넘습니다",
        )
    return number


def check_day(day: date, label: str = "date", label_ko: str = "날짜") -> date:
    """`day` if it lies within FIRST_DAY … LAST_DAY (a datetime: its own calendar date)."""
    plain_day = day.date() if isinstance(day, datetime) else day
    if not FIRST_DAY <= plain_day <= LAST_DAY:
        raise OutOfRange(
            f"{label} {day.isoformat()} is outside {FIRST_DAY} … {LAST_DAY}",
            ko=f"{label_ko} {day.isoformat()}은(는) 허용 범위({FIRST_DAY} … {LAST_DAY})를 벗어납니다",
        )
    return day


def size_text(size: int) -> str:
    """A byte count for messages: 20 MiB, 512 KiB, 900 bytes."""
    if size >= MiB:
        return f"{size / MiB:.0f} MiB" if size % MiB == 0 else f"{size / MiB:.1f} MiB"
    return f"{size // 1024} KiB" if size >= 1024 else f"{size} bytes"
