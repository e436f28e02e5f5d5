"""Durations as people write them in configuration: 90d, 12h, 30m, 45s, 2w (or seconds as a number)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from monitor.errors import LocalizedValueError
from monitor.limits import DEFAULT_DURATION_RANGE, DURATION_RANGES, MAX_DURATION, OutOfRange

_PART = re.compile(r"(\d+(?:\.\d+)?)([wdhms])")
_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(value: Any) -> Any:
    """`7d`, `1d12h`, `90` (seconds) → timedelta; anything else is left to pydantic (ISO 8601 `P7D`).
    A string that is no duration raises `LocalizedValueError` (its Korean: `not_a_duration`)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _bounded(value, str(value))
    if not isinstance(value, str):
        return value
    text = value.strip().lower().replace(" ", "")
    if text.isdigit():
        return _bounded(int(text), value)
    if not text or _PART.sub("", text):
        if text.startswith("p"):
            return value
        english = f"{value!r} is not a duration (use e.g. 90d, 12h, 30m, 45s)"
        raise LocalizedValueError(english, ko=not_a_duration(value))
    seconds = sum(float(number) * _SECONDS[unit] for number, unit in _PART.findall(text))
    return _bounded(seconds, value)


def _bounded(seconds: float, given: str) -> timedelta:
    """`seconds` as a timedelta, refused past MAX_DURATION before Python's timedelta overflows (a
    setting's own narrower range is checked by the settings)."""
    if not abs(seconds) <= MAX_DURATION.total_seconds():  # also refuses nan
        most = format_duration(MAX_DURATION)
        raise LocalizedValueError(
            f"{given!r} is longer than the longest duration allowed ({most})",
            ko=f"{given!r}은(는) 허용되는 가장 긴 기간({most})보다 깁니다",
        )
    return timedelta(seconds=seconds)


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
    fraction = delta.microseconds / 1_000_000 if seconds < 60 else 0  # 0.2s, as a poll interval is set
    if seconds == 0:
        return f"{fraction:g}s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count + fraction:g}{unit}" if unit == "s" else f"{count}{unit}")
    return "".join(parts)


def not_a_duration(value: str) -> str:
    """The Korean of `parse_duration`'s refusal."""
    return f"{value!r}은(는) 기간이 아닙니다 (예: 90d, 12h, 30m, 45s)"


def duration_range(setting: str) -> tuple[timedelta, timedelta]:
    return DURATION_RANGES.get(setting, DEFAULT_DURATION_RANGE)


def check_duration(value: timedelta, setting: str) -> timedelta:
    """`value` if it lies within the setting's range (the settings' error names the variable)."""
    least, most = duration_range(setting)
    if least <= value <= most:
        return value
    low, high = format_duration(least), format_duration(most)
    shown = format_duration(value) if value >= timedelta(0) else f"-{format_duration(-value)}"
    raise OutOfRange(
        f"{shown} is outside the allowed range {low} … {high}",
        ko=f"{shown}은(는) 허용 범위({low} … {high})를 벗어납니다",
    )


def check_durations(value: object, setting: str) -> object:
    """A settings value as given, its durations (one, or a list) checked against the setting's range."""
    if isinstance(value, timedelta):
        return check_duration(value, setting)
    if isinstance(value, list) and all(isinstance(v, timedelta) for v in value):
        return [check_duration(v, setting) for v in value]
    return value
