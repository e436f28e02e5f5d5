"""What people read: a date deadline is the day the document published (never the internal midnight
that ends it), instants are in the configured zone to the minute, and `show` prints every report with
its figures and units and the whole official status history."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from monitor.display import deadline, minute
from monitor.timeutil import due_instant, published_day
from tests.factories import run_cli

SEOUL = ZoneInfo("Asia/Seoul")
WIDE = {"COLUMNS": "250"}


@pytest.fixture
def initialised(db_url: str) -> str:
    result = run_cli(["init"], db_url=db_url)
    assert result.exit_code == 0, result.output
    result = run_cli(["officials", "add", "--name", "담당자", "--jurisdiction", "gwangju-seo"], db_url=db_url)
    assert result.exit_code == 0, result.output
    return db_url


@pytest.mark.parametrize("day", ["2022-12-31", "2024-02-29", "2030-06-30"])
def test_a_date_deadline_reads_back_as_the_published_day(day: str) -> None:
    due = due_instant(date.fromisoformat(day), SEOUL)
    assert published_day(due, SEOUL).isoformat() == day
    assert deadline(due, SEOUL) == day


def test_an_instant_is_shown_to_the_minute_in_the_configured_zone() -> None:
    event_end = datetime(2026, 3, 5, 6, 30, 15, 123456, tzinfo=UTC)
    assert minute(event_end, SEOUL) == "2026-03-05 15:30"
    assert deadline(event_end, SEOUL) == "2026-03-05 15:30"  # not a local midnight: never a calendar day
    midnight_event = due_instant(date(2026, 3, 4), SEOUL)
    assert deadline(midnight_event, SEOUL, calendar=False) == "2026-03-05 00:00"


def test_check_shows_the_published_deadline_not_the_next_midnight(initialised: str) -> None:
    at = ["--as-of", "2026-12-01T09:00:00+09:00"]
    table = run_cli(["check", "--jurisdiction", "daegu", *at], db_url=initialised, env=WIDE)
    assert table.exit_code == 0, table.output
    row = next(line for line in table.stdout.splitlines() if "DG-2022-01.done" in line)
    assert "2022-12-31" in row and "2023-01-01" not in row
    assert "T00:00" not in table.stdout and ".346" not in table.stdout
    rows = json.loads(
        run_cli(["check", "--jurisdiction", "daegu", "--format", "json", *at], db_url=initialised).stdout
    )
    done = next(r for r in rows if r["code"] == "DG-2022-01.done")
    assert done["due_date"] == "2022-12-31" and done["due"] == "2023-01-01T00:00:00+09:00"


def test_show_prints_the_published_deadline(initialised: str) -> None:
    shown = run_cli(["show", "SEOGU-1-1.2024"], db_url=initialised, env=WIDE)
    assert shown.exit_code == 0, shown.output
    assert "기한: 2024-12-31" in shown.stdout
    assert "2025-01-01" not in shown.stdout


def test_show_prints_every_report_with_its_figures_and_units(initialised: str) -> None:
    logged = run_cli(
        ["progress", "log", "SEOGU-1-1.2024", "--executed", "480", "--secured", "515", "--by", "담당자"],
        db_url=initialised,
    )
    assert logged.exit_code == 0, logged.output
    shown = run_cli(["show", "SEOGU-1-1.2024"], db_url=initialised, env=WIDE)
    assert "집행 480백만원 · 확보 515백만원" in shown.stdout
    english = run_cli(["--lang", "en", "show", "SEOGU-1-1"], db_url=initialised, env=WIDE)
    assert "executed 480백만원 · secured 515백만원" in english.stdout


def test_show_prints_the_whole_official_status_history(initialised: str) -> None:
    for status, day in (("정상추진", "2026-09-01"), ("부분이행", "2026-11-01")):
        logged = run_cli(
            ["progress", "log", "SEOGU-1-1", "--status", status, "--as-of", day, "--by", "담당자"],
            db_url=initialised,
        )
        assert logged.exit_code == 0, logged.output
    shown = run_cli(["show", "SEOGU-1-1"], db_url=initialised, env=WIDE).stdout
    history = shown.split("공식 상태 이력", 1)[1]
    assert "2026-09-01" in history and "정상추진" in history
    assert "2026-11-01" in history and "일부추진" in history  # 부분이행 is recorded as 일부추진 (partial)
    assert history.index("2026-09-01") < history.index("2026-11-01")
    assert "종류: 공약" in shown and "pledge" not in shown
