"""Figures and durations in reasons, Korean and English."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from monitor.durations import format_duration
from monitor.vocab import UNITS


def figure(value: Decimal | float | None, unit: str | None = None) -> str:
    """5,000호 / 565백만원 / 1,234.5명 — Korean units follow the number without a space."""
    if value is None:
        return "—"
    number = Decimal(str(value)) if isinstance(value, float) else value
    if number == number.to_integral_value():
        text = f"{number.to_integral_value():,}"
    else:
        text = f"{number.quantize(Decimal('0.1')) if isinstance(value, float) else number:,}"
    return f"{text}{unit or ''}"


def figure_en(value: Decimal | float | None, unit: str | None = None) -> str:
    text = figure(value)
    return f"{text} {UNITS.get(unit, unit)}" if unit else text


def percent(part: Decimal, whole: Decimal) -> str:
    if whole == 0:
        return "—"
    return f"{(part / whole * 100).quantize(Decimal('0.1'))}%"


def days(delta: timedelta) -> int:
    return max(0, delta.days)


def local_day(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def local_minute(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def lead_label(lead: timedelta) -> str:
    return format_duration(lead)
