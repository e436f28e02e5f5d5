"""Calendar-date deadlines become instants in the configured time zone (KST by default)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from monitor.timeutil import due_instant, parse_instant, start_of_day

SEOUL = ZoneInfo("Asia/Seoul")


def test_deadline_passes_at_kst_midnight_ending_the_day() -> None:
    assert due_instant(date(2030, 6, 30), SEOUL) == datetime(2030, 6, 30, 15, 0, tzinfo=UTC)


def test_kst_deadline_is_nine_hours_before_utc_midnight() -> None:
    assert due_instant(date(2023, 12, 31), ZoneInfo("UTC")) - due_instant(date(2023, 12, 31), SEOUL) == (
        datetime(2024, 1, 1, tzinfo=UTC) - datetime(2023, 12, 31, 15, tzinfo=UTC)
    )


def test_leap_day_deadline() -> None:
    assert due_instant(date(2028, 2, 28), SEOUL) == datetime(2028, 2, 28, 15, tzinfo=UTC)
    assert due_instant(date(2028, 2, 29), SEOUL) == datetime(2028, 2, 29, 15, tzinfo=UTC)


def test_deadline_instant_is_aware_utc() -> None:
    instant = due_instant(date(2026, 12, 31), SEOUL)
    assert instant.tzinfo is UTC


def test_start_of_day_is_previous_days_deadline() -> None:
    assert start_of_day(date(2026, 1, 1), SEOUL) == due_instant(date(2025, 12, 31), SEOUL)


def test_parse_instant_reads_naive_input_in_configured_zone() -> None:
    assert parse_instant("2026-07-01", SEOUL) == datetime(2026, 6, 30, 15, tzinfo=UTC)
    assert parse_instant("2026-07-01T09:00", SEOUL) == datetime(2026, 7, 1, 0, tzinfo=UTC)
    assert parse_instant("2026-07-01T09:00+00:00", SEOUL) == datetime(2026, 7, 1, 9, tzinfo=UTC)
    with pytest.raises(ValueError, match="not an ISO 8601"):
        parse_instant("next tuesday", SEOUL)
