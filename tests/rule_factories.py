"""Plain factories for rule facts (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from monitor.rules import CommitmentFacts, MilestoneFacts, ReportSummary, RuleConfig, Trend
from monitor.rules.milestone import day_number
from monitor.timeutil import due_instant, start_of_day

SEOUL = ZoneInfo("Asia/Seoul")
CONFIG = RuleConfig(tz=SEOUL)


def kst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given as Seoul wall-clock time, returned in UTC like everything the rules receive."""
    return datetime(year, month, day, hour, minute, tzinfo=SEOUL).astimezone(UTC)


def milestone(kind: str = "quantity", due: date = date(2030, 6, 30), **overrides: Any) -> MilestoneFacts:
    base = MilestoneFacts(
        id=1,
        code="T-1.target",
        commitment_code="T-1",
        title="청년주택 공급",
        commitment_title="청년주택 5,000호 공급",
        kind=kind,
        due_at=due_instant(due, SEOUL),
        due_date=due,
        target=Decimal(5000) if kind == "quantity" else None,
        target_max=None,
        unit="호" if kind == "quantity" else None,
        cumulative=True,
        planned_amount=None,
        fiscal_years=None,
        starts_at=None,
        ends_at=None,
        jurisdiction="daejeon",
        parties=("daejeon",),
    )
    return replace(base, **overrides)


def tranche(year: int = 2024, planned: str = "515") -> MilestoneFacts:
    return milestone(
        "budget",
        date(year, 12, 31),
        code=f"T-1.{year}",
        planned_amount=Decimal(planned),
        fiscal_years=(year, year),
        unit="백만원",
        target=None,
    )


def event(start: datetime, minutes: int = 30) -> MilestoneFacts:
    return milestone(
        "event",
        start.date(),
        code="T-1.signing",
        due_date=None,
        due_at=start + timedelta(minutes=minutes),
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        target=None,
        unit=None,
    )


def reports(
    *points: tuple[date, int | str],
    statuses: frozenset[str] = frozenset(),
    entered: datetime | None = None,
    executed: str | None = None,
) -> ReportSummary:
    """A summary as the report query would build it from (as-of date, cumulative value) points."""
    values = [(day_number(d), float(v)) for d, v in points]
    trend = None
    if values:
        trend = Trend(
            len(values),
            sum(x for x, _ in values),
            sum(y for _, y in values),
            sum(x * x for x, _ in values),
            sum(x * y for x, y in values),
        )
    last = max((Decimal(str(v)) for _, v in points), default=None)
    latest = Decimal(str(max(points)[1])) if points else None
    return ReportSummary(
        count=len(points) or len(statuses),
        max_value=last,
        latest_value=latest,
        max_executed=Decimal(executed) if executed else None,
        statuses=statuses,
        last_as_of=max((d for d, _ in points), default=None),
        last_entered_at=entered or (start_of_day(max(d for d, _ in points), SEOUL) if points else None),
        trend=trend,
    )


def commitment(
    kind: str = "pledge", start: date = date(2026, 7, 1), end: date = date(2030, 6, 30), **overrides: Any
) -> CommitmentFacts:
    base = CommitmentFacts(
        id=1,
        code="T-1",
        parent_code="T",
        kind=kind,
        title="청년주택 5,000호 공급",
        jurisdiction="daejeon",
        parties=("daejeon",),
        period_start_at=start_of_day(start, SEOUL),
        period_end_at=due_instant(end, SEOUL),
        official_status=None,
        status_as_of=None,
        last_report_at=None,
    )
    return replace(base, **overrides)
