"""Instants and calendar dates. Every instant in the system is an aware datetime.

A calendar-date deadline ("by 2030-06-30") becomes an instant in exactly one place, `due_instant`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from monitor.limits import check_day


def due_instant(day: date, tz: ZoneInfo) -> datetime:
    """The instant a deadline on `day` passes: the midnight that ends `day` in `tz`, returned in UTC.

    "Due 2030-06-30" in Asia/Seoul therefore means 2030-07-01T00:00+09:00 (= 2030-06-30T15:00Z); the
    whole of the 30th, local time, is still on time.
    """
    return start_of_day(day + timedelta(days=1), tz)


def published_day(due: datetime, tz: ZoneInfo) -> date:
    """The calendar day a deadline was published as: the inverse of `due_instant` (the day that ends
    at `due`, local time). People are shown this day, never the internal midnight."""
    return local_date(due - timedelta(microseconds=1), tz)


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of `day` in `tz`, in UTC (a deadline on the day before passes then)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    """The calendar date `instant` falls on in `tz`."""
    return require_aware(instant).astimezone(tz).date()


def require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant!r}: every instant must carry a time zone")
    return instant


def parse_instant(text: str, tz: ZoneInfo) -> datetime:
    """Parse a user-typed instant. A date alone means the start of that day in `tz`; a time without
    an offset is read in `tz`. Raises ValueError with a readable message; `monitor.limits.OutOfRange`
    (a ValueError) for a day outside the documented range, checked before any arithmetic can overflow."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(
            f"{text!r} is not an ISO 8601 date or date-time (e.g. 2026-07-01 or 2026-07-01T09:00+09:00)"
        ) from exc
    check_day(parsed.date())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def isoformat_local(instant: datetime | None, tz: ZoneInfo) -> str | None:
    """ISO 8601 with the offset of `tz`, as shown to users and in JSON."""
    return None if instant is None else _isoformat_local(instant, tz)


@lru_cache(maxsize=1 << 14)
def _isoformat_local(instant: datetime, tz: ZoneInfo) -> str:
    # Deadlines repeat (quarter and year ends): a national listing formats a few thousand distinct ones
    # half a million times. The text depends only on the instant and the zone, so sharing it is exact.
    return require_aware(instant).astimezone(tz).isoformat()
