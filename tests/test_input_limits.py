"""Input limits (issue 12): instants and dates outside the documented range (monitor.limits) are refused
where they enter, with one bilingual line and no traceback, on every command that takes `--as-of`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.limits import AMOUNT, VALUE, OutOfRange, check_day, check_number
from tests.factories import run_cli

FAR_INSTANTS = [
    ("0001-01-01", "0001-01-01"),
    ("9999-12-31T23:59:59-12:00", "9999-12-31"),
    ("1989-12-31T23:59+09:00", "1989-12-31"),
    ("2101-01-01", "2101-01-01"),
]
COMMANDS = [
    ["check"],
    ["report", "digest"],
    ["report", "feed"],
    ["report", "status"],
    ["export", "--format", "csv"],
    ["metrics"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
@pytest.mark.parametrize(("given", "day"), FAR_INSTANTS)
def test_an_instant_outside_1990_to_2100_is_refused_in_one_line_by_every_command(
    sessions: sessionmaker[Session], db_url: str, tmp_path: Path, command: list[str], given: str, day: str
) -> None:
    args = [*command, "--as-of", given]
    if command[0] == "report" or command[0] == "export":
        args += ["--out", str(tmp_path / "out")]
    result = run_cli(args, db_url=db_url)
    assert result.exit_code == 2, result.output
    particle = "은" if day[-1] in "0136781" else "는"
    assert result.stderr.splitlines() == [
        f"오류: --as-of: 날짜 {day}{particle} 허용 범위(1990-01-01 … 2100-12-31)를 벗어납니다"
    ]
    assert "Traceback" not in result.output and "OverflowError" not in result.output
    english = run_cli(["--lang", "en", *args], db_url=db_url)
    assert english.stderr.splitlines() == [f"error: --as-of: date {day} is outside 1990-01-01 … 2100-12-31"]
    assert not (tmp_path / "out").exists()


def test_a_due_before_date_outside_the_range_is_refused_in_one_line(
    sessions: sessionmaker[Session], db_url: str
) -> None:
    for day in ("0001-01-01", "9999-12-31"):
        result = run_cli(["list", "--due-before", day], db_url=db_url)
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert result.stderr.splitlines() == [
            f"오류: --due-before: 날짜 {day}은 허용 범위(1990-01-01 … 2100-12-31)를 벗어납니다"
        ]
    assert run_cli(["list", "--due-before", "2100-12-31"], db_url=db_url).exit_code == 0


def test_an_instant_inside_the_range_is_still_read(sessions: sessionmaker[Session], db_url: str) -> None:
    for given in ("1990-01-01", "2100-12-31T23:59:59-12:00", "2026-07-01T09:00+09:00"):
        result = run_cli(["check", "--as-of", given], db_url=db_url)
        assert result.exit_code == 0, result.output


def test_the_range_checks_are_exact_at_their_bounds() -> None:
    assert check_number(AMOUNT.high, AMOUNT, "x", "엑스") == AMOUNT.high
    assert check_number(VALUE.low, VALUE, "x", "엑스") == VALUE.low
    for bad in (
        AMOUNT.high + 1,
        -(AMOUNT.high + 1),
        Decimal("0.00001"),
        Decimal("NaN"),
        Decimal("-Infinity"),
    ):
        with pytest.raises(OutOfRange):
            check_number(bad, AMOUNT, "x", "엑스")
    assert check_day(date(2100, 12, 31)) == date(2100, 12, 31)
    with pytest.raises(OutOfRange) as caught:
        check_day(date(1989, 12, 31), "due", "기한")
    assert caught.value.ko == "기한 1989-12-31은 허용 범위(1990-01-01 … 2100-12-31)를 벗어납니다"
    assert str(caught.value) == "due 1989-12-31 is outside 1990-01-01 … 2100-12-31"
