"""Durations as people write them in configuration: 90d, 12h, 30m, 45s, 2w (or seconds as a number)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from monitor.errors import LocalizedValueError

_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_PART = re.compile(r"(\d+(?:\.\d+)?)([wdhms])")


def parse_duration(value: Any) -> Any:
    """`7d`, `1d12h`, `90` (seconds) → timedelta; anything else is left to pydantic (ISO 8601 `P7D`).
    A string that is no duration raises `LocalizedValueError` (its Korean: `not_a_duration`)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if not isinstance(value, str):
        return value
    text = value.strip().lower().replace(" ", "")
    if text.isdigit():
        return timedelta(seconds=int(text))
    if not text or _PART.sub("", text):
        if text.startswith("p"):
            return value
        english = f"{value!r} is not a duration (use e.g. 90d, 12h, 30m, 45s)"
        raise LocalizedValueError(english, ko=not_a_duration(value))
    total = timedelta()
    for number, unit in _PART.findall(text):
        total += timedelta(**{_UNITS[unit]: float(number)})
    return total


def parse_durations(value: Any) -> Any:
    """A comma-separated list (`90d,30d,7d,1d`) or a list of durations."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [parse_duration(v) for v in value]
    return value


def format_duration(delta: timedelta) -> str:
    """The inverse for display: 90d, 1h, 1d12h, 30s."""
    seconds = int(delta.total_seconds())
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def not_a_duration(value: str) -> str:
    """The Korean of `parse_duration`'s refusal."""
    return f"{value!r}은(는) 기간이 아닙니다 (예: 90d, 12h, 30m, 45s)"
