"""Typed reads of stored JSON (alert details, outbox payloads): each helper checks the type it expects.

A stored row that does not hold what its reader expects raises `ValueError` naming the key, instead of a
wrong type travelling on into a renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

Json = Mapping[str, object]


def _wrong(key: str, expected: str, value: object) -> ValueError:
    return ValueError(f"{key!r}: expected {expected}, found {type(value).__name__} {value!r}")


def _get(data: Json, key: str) -> object:
    if key not in data:
        raise ValueError(f"{key!r} is missing")
    return data[key]


def text(data: Json, key: str) -> str:
    value = _get(data, key)
    if not isinstance(value, str):
        raise _wrong(key, "a string", value)
    return value


def optional_text(data: Json, key: str) -> str | None:
    """A string or null; a missing key reads as null."""
    return None if data.get(key) is None else text(data, key)


def integer(data: Json, key: str) -> int:
    value = _get(data, key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _wrong(key, "an integer", value)
    return value


def decimal(data: Json, key: str) -> Decimal:
    """An exact number, stored as its text ("1200", "873.20") so that no digit is lost."""
    try:
        return Decimal(text(data, key))
    except InvalidOperation:
        raise _wrong(key, "a decimal number", data[key]) from None


def optional_decimal(data: Json, key: str) -> Decimal | None:
    return None if data.get(key) is None else decimal(data, key)


def instant(data: Json, key: str) -> datetime:
    return datetime.fromisoformat(text(data, key))


def optional_instant(data: Json, key: str) -> datetime | None:
    return None if data.get(key) is None else instant(data, key)


def day(data: Json, key: str) -> date:
    return date.fromisoformat(text(data, key))


def texts(data: Json, key: str) -> tuple[str, ...]:
    """A list of strings (codes, jurisdiction slugs)."""
    value = _get(data, key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _wrong(key, "a list of strings", value)
    return tuple(value)


def counts(data: Json, key: str) -> dict[str, int]:
    """An object of integers (counts per state or status), in its stored order."""
    value = _get(data, key)
    if not isinstance(value, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) for n in value.values()
    ):
        raise _wrong(key, "an object of integers", value)
    return {str(name): n for name, n in value.items()}


def objects(data: Json, key: str) -> list[Json]:
    """A list of JSON objects."""
    value = _get(data, key)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _wrong(key, "a list of objects", value)
    return value


def obj(data: Json, key: str) -> Json:
    value = _get(data, key)
    if not isinstance(value, dict):
        raise _wrong(key, "an object", value)
    return value
