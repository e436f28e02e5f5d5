"""The ranges of a report's figures and as-of date (monitor.limits), the first part of the one write
check (`monitor.writecheck.check_report`): nothing else is computed from a figure past its range, so
no overflow reaches the database or a reason text ("Infinity개")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from monitor.limits import AMOUNT, VALUE, OutOfRange, check_day, check_number

ENGLISH = {
    "value": "value",
    "planned": "planned amount",
    "secured": "secured amount",
    "executed": "executed amount",
}
FIGURES = ("value", "planned", "secured", "executed")


def out_of_range(
    given: dict[str, object],
    by_source: dict[str, dict[str, str]] | None,
    as_of: date | None,
    labels: dict[str, str],
) -> list[tuple[str, str, str]]:
    """(field, English, Korean) for every figure of `given` (value, planned, secured, executed) that is
    not finite or not within its range (amounts: AMOUNT, values: VALUE; each funding source's part too)
    and an as-of date outside the documented days."""
    figures: list[tuple[str, str, str, str, object]] = [
        (name, name, ENGLISH[name], labels[name], given.get(name)) for name in FIGURES
    ]
    for source, split in (by_source or {}).items():
        figures += [
            (n, f"{source}.{n}", f"{source} {ENGLISH[n]}", f"{source} {labels[n]}", a)
            for n, a in split.items()
        ]
    found = [
        problem
        for name, field, english, korean, figure in figures
        if figure is not None and (problem := _figure(name, field, english, korean, figure)) is not None
    ]
    if as_of is not None:
        try:
            check_day(as_of, "as-of date", "기준일")
        except OutOfRange as exc:
            found.append(("as_of", str(exc), exc.ko))
    return found


def _figure(name: str, field: str, english: str, korean: str, given: object) -> tuple[str, str, str] | None:
    try:
        check_number(Decimal(str(given)), VALUE if name == "value" else AMOUNT, english, korean)
    except OutOfRange as exc:
        return field, str(exc), exc.ko
    except ArithmeticError:  # a source's part given as text that is no number
        return field, f"{english} {given!r} is not a number", f"{korean} {given!r}은(는) 숫자가 아닙니다"
    return None
