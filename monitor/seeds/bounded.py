"""The seed files' bounded types (monitor.limits): dates and instants within 1990-01-01 … 2100-12-31,
fiscal years within the same years, figures finite and within their range with at most 4 decimals.

A seed that passes `monitor validate` therefore loads: nothing past these bounds reaches date
arithmetic (`due: 9999-12-31` once passed validation and failed the load) or the database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

from monitor.limits import AMOUNT, FIRST_DAY, LAST_DAY, VALUE, OutOfRange, check_day, check_number


def _day(day: date) -> date:
    return check_day(day)


def _instant(instant: datetime) -> datetime:
    check_day(instant)  # its own calendar date, as written
    return instant


def _years(years: tuple[int, int]) -> tuple[int, int]:
    for year in years:
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise OutOfRange(
                f"year {year} is outside {FIRST_DAY.year} … {LAST_DAY.year}",
                ko=f"연도 {year}은(는) 허용 범위({FIRST_DAY.year} … {LAST_DAY.year})를 벗어납니다",
            )
    return years


def _value(number: Decimal) -> Decimal:
    return check_number(number, VALUE, "value", "값")


def _money(number: Decimal) -> Decimal:
    return check_number(number, AMOUNT, "amount (백만원)", "금액(백만원)")


Day = Annotated[date, AfterValidator(_day)]
Instant = Annotated[AwareDatetime, AfterValidator(_instant)]
Years = Annotated[tuple[int, int], AfterValidator(_years)]
ValueRange = AfterValidator(_value)
MoneyRange = AfterValidator(_money)
